"""Compiling rule patterns: case-blind matching that is fast, and patterns that cannot run away.

CPython's re is several times slower with IGNORECASE, so sentence patterns run without it on a
lower-cased copy of the sentence (same length, same offsets). Patterns that must see case,
written with (?-i:...) (a capitalised name), run with IGNORECASE on the original. A sentence
whose lower-case form changes length (rare: "İ") uses the IGNORECASE form, for that sentence only.

A team pack's patterns (`patterns`, `all`, `unless`, `numerator`, `denominator`) run on RE2
(Google's binding, google-re2), whose matching time is linear in the text whatever the pattern:
a team pattern cannot hold a worker, which a per-rule time budget cannot promise (it is checked
between rules, never inside one search). A team pattern RE2 cannot compile (look-arounds,
back-references, possessive repeats) is refused at load, naming the rule and the construct.
A team's `phrases` are escaped literals built here (phrase_pattern) and stay on Python's re.

The bundled pack runs on RE2 too wherever RE2 can (CaseBlindRegex): case-aware patterns on
ASCII sentences only (RE2's \\w is ASCII; an accented name is read by re); the patterns with
look-arounds (`(?<!\\w)`, negative look-aheads for "not"), which RE2 lacks, stay on Python's
re. Every one of them, and every pattern of a team pack too, is checked at load for nested
unbounded repetition such as `(\\w+\\s?)+`, which backtracks exponentially on an ordinary
sentence; such a pattern is refused with a message naming the file, the rule and the pattern.
The bundled patterns are reviewed and tested with the pack (tests/test_pack_resilience.py),
and the engine's per-rule time budget (engine.RULE_BUDGET) bounds what one rule may cost an
email.
"""
from __future__ import annotations

import functools
import re
from typing import Callable, Iterable, Iterator

from ..re2_search import UNANCHORED, ascii_matches, encodable, re2_options
from ..sentences import normalize_apostrophes

try:  # Python 3.11+
    import re._parser as _sre_parse
    import re._constants as _sre_constants
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre_constants  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

_REPEATS = {_sre_constants.MAX_REPEAT, _sre_constants.MIN_REPEAT}
_MAXREPEAT = _sre_constants.MAXREPEAT
# A bounded repeat up to this count is treated as harmless ({0,4} words of context).
_SMALL_BOUND = 10


@functools.lru_cache(maxsize=8192)
def _parsed(pattern: str):
    """re's parse of a pattern, shared by the checks below (a pack's patterns are parsed once)."""
    return _sre_parse.parse(pattern)


def _children(op, av) -> Iterator:
    """The sub-patterns of one parsed node."""
    name = str(op)
    if op in _REPEATS or name == "POSSESSIVE_REPEAT":
        yield av[2]
    elif name == "SUBPATTERN":
        yield av[3]
    elif name == "BRANCH":
        yield from av[1]
    elif name in ("ASSERT", "ASSERT_NOT"):
        yield av[1]
    elif name == "ATOMIC_GROUP":
        yield av
    elif name == "GROUPREF_EXISTS":
        yield from (x for x in av[1:] if x is not None)


def _has_unbounded_repeat(tree) -> bool:
    for op, av in tree:
        if op in _REPEATS and av[1] == _MAXREPEAT:
            return True
        if any(_has_unbounded_repeat(child) for child in _children(op, av)):
            return True
    return False


def _nested_repeat(tree) -> bool:
    for op, av in tree:
        if op in _REPEATS:
            low, high, body = av
            if (high == _MAXREPEAT or high > _SMALL_BOUND) and _has_unbounded_repeat(body):
                return True
        if any(_nested_repeat(child) for child in _children(op, av)):
            return True
    return False


def pattern_problem(pattern: str, compile_alone: bool = True) -> str | None:
    """Why a pattern cannot be used, or None. Without `compile_alone` only the parse is checked
    (the caller compiles the patterns together, which is the costly part of loading a pack)."""
    try:
        if compile_alone:
            # As the pack uses it: inside an alternation, where "(?s)" is no longer at the start.
            re.compile(alternation([pattern]), re.IGNORECASE)
            re.compile(alternation([_lower_literals(pattern)]))
        tree = _parsed(alternation([pattern]))
    except (re.error, OverflowError, RecursionError) as exc:
        return f"bad regular expression {pattern!r}: {exc}"
    if _nested_repeat(tree):
        return (f"pattern '{pattern}' repeats a repetition (like '(\\w+\\s?)+'), which can take exponential "
                "time on an ordinary sentence; bound the outer count ({0,5}) or make it possessive (++)")
    return None


def _lower_literals(pattern: str) -> str:
    """The pattern with its literal characters lower-cased; escapes (\\S, \\W, \\B) kept as they are."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith(("(?P<", "(?P="), i):  # a group's name is syntax, not a literal
            end = pattern.find(">" if pattern[i + 3] == "<" else ")", i)
            end = len(pattern) - 1 if end < 0 else end
            out.append(pattern[i:end + 1])
            i = end + 1
        elif pattern[i] == "\\" and i + 1 < len(pattern):
            out.append(pattern[i:i + 2])
            i += 2
        else:
            out.append(pattern[i].lower())
            i += 1
    return "".join(out)


def alternation(patterns: Iterable[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


_ZERO_WIDTH = {"AT", "ASSERT_NOT", "ASSERT"}
_DIGITS = set("0123456789")


def _node_first(op, av) -> tuple[set[str] | None, bool]:
    """(characters one parsed node can start with, or None for anything; whether it can match empty)."""
    name = str(op)
    if name in _ZERO_WIDTH:
        return set(), True
    if name == "LITERAL":
        return {chr(av)}, False
    if name == "IN":
        chars: set[str] = set()
        for item_op, item in av:
            kind = str(item_op)
            if kind == "LITERAL":
                chars.add(chr(item))
            elif kind == "RANGE" and item[1] - item[0] < 64:
                chars.update(chr(c) for c in range(item[0], item[1] + 1))
            elif kind == "CATEGORY" and str(item) == "CATEGORY_DIGIT":
                chars |= _DIGITS
            else:
                return None, False
        return chars, False
    if name == "SUBPATTERN":
        return _first_chars(av[3])
    if name == "BRANCH":
        chars, nullable = set(), False
        for branch in av[1]:
            first, empty = _first_chars(branch)
            if first is None:
                return None, False
            chars |= first
            nullable = nullable or empty
        return chars, nullable
    if op in _REPEATS or name == "POSSESSIVE_REPEAT":
        first, empty = _first_chars(av[2])
        return first, empty or av[0] == 0
    return None, False


def _first_chars(tree) -> tuple[set[str] | None, bool]:
    """The characters a match of a parsed sequence can start with (None: anything), and
    whether the sequence can match the empty string."""
    chars: set[str] = set()
    for op, av in tree:
        first, empty = _node_first(op, av)
        if first is None:
            return None, False
        chars |= first
        if not empty:
            return chars, False
    return chars, True


def _start_guard(patterns: list[str]) -> str:
    """A look-ahead of the characters every alternative starts with: re then skips each other
    position with one test instead of trying every alternative there (most sentence positions
    start no phrase of a rule). Empty when some alternative could start anywhere."""
    chars: set[str] = set()
    for p in patterns:
        try:
            first, empty = _first_chars(_parsed(p))
        except (re.error, OverflowError, RecursionError):
            return ""
        if first is None or empty:
            return ""
        chars |= first
    return "(?=[" + "".join(re.escape(c) for c in sorted(chars)) + "])"


Requirement = frozenset  # of literal strings: a match's text contains at least one of them


# Words in most sentences of an email: a literal that is one of them selects nothing.
_COMMON_WORDS = frozenset("""a an and are as at be by can day do for from get has have help i in is it
just me min my now of on or our rate team that the this time to us want we will with work would
you your""".split())


def _rarity(literal: str) -> float:
    """How often a literal is guessed to occur in a sentence: a character longer, about ten times
    rarer; a common word, often."""
    return 0.5 if literal.strip(" '") in _COMMON_WORDS else 0.1 ** min(len(literal), 6)


def better_requirement(a: Requirement | None, b: Requirement | None) -> Requirement | None:
    """The more selective of two requirements (a speed choice only: either is correct)."""
    if a is None or b is None:
        return a if b is None else b
    return min(a, b, key=lambda r: sum(map(_rarity, r)))


def _node_requirement(op, av) -> Requirement | None:
    name = str(op)
    if name == "SUBPATTERN":
        return _requirement(av[3])
    if name == "ATOMIC_GROUP":
        return _requirement(av)
    if name == "BRANCH":
        literals: set[str] = set()
        for branch in av[1]:
            required = _requirement(branch)
            if required is None:
                return None
            literals |= required
        return frozenset(literals)
    if (op in _REPEATS or name == "POSSESSIVE_REPEAT") and av[0] >= 1:
        return _requirement(av[2])
    return None


def _requirement(tree) -> Requirement | None:
    """Literals one of which every match of a parsed sequence contains (None: no such set known).
    Each run of consecutive literal characters is required, and so is what each required
    sub-pattern requires; the most selective of these is kept."""
    best: Requirement | None = None
    run: list[str] = []
    for op, av in [*tree, (None, None)]:
        if str(op) == "LITERAL":
            run.append(chr(av))
            continue
        if run:
            best = better_requirement(best, frozenset(["".join(run)]))
            run = []
        if op is not None:
            best = better_requirement(best, _node_requirement(op, av))
    return best


def required_literals(pattern: str) -> Requirement | None:
    """Literal strings one of which the text of every match of `pattern` contains, as the
    pattern is written (None when the pattern promises none)."""
    try:
        return _requirement(_parsed(pattern))
    except (re.error, OverflowError, RecursionError):
        return None


_INLINE_FLAGS = re.compile(r"\(\?[aiLmsux-]+[:)]")


def searched_requirement(regex: re.Pattern) -> Requirement | None:
    """Literals one of which every match of a compiled `regex` contains, as they appear in the
    text it searches: lower-cased for a case-insensitive pattern, to be checked against ASCII
    text only (IGNORECASE matches more than lower-casing does outside ASCII: "ſ" is an "s").
    None when not known, or when the pattern sets flags of its own."""
    if _INLINE_FLAGS.search(regex.pattern):
        return None
    if regex.flags & re.IGNORECASE:
        required = required_literals(_lower_literals(regex.pattern))
        return required if required is not None and all(literal.isascii() for literal in required) else None
    return required_literals(regex.pattern)


class CaseBlindRegex:
    """Case-insensitive patterns, matched fast on one sentence at a time: on RE2 (linear time,
    and a DFA: 2-10 times faster on these alternations) every pattern RE2 can run (case-aware
    ones for ASCII sentences only), on `re` the ones it cannot (look-arounds), each part one
    alternation."""

    def __init__(self, patterns: list[str]):
        self.patterns = list(patterns)
        on_re2 = {p: re2_problem(p) is None for p in patterns}
        cased = [p for p in patterns if "(?-i:" in p]
        linear = [p for p in patterns if "(?-i:" not in p and on_re2[p]]
        blind = [p for p in patterns if "(?-i:" not in p and not on_re2[p]]
        # Case-aware patterns read names ("I'm Zoë, head of sales at..."), whose accented
        # letters RE2's ASCII \w would cut: on RE2 for ASCII sentences only (where RE2 and re
        # agree), on re for the rest, and on re always where RE2 cannot run them.
        cased_linear = [p for p in cased if on_re2[p]]
        cased_rest = [p for p in cased if not on_re2[p]]
        self.on_re = cased_rest + blind  # what always stays on Python's re (docs/rules.md says why it is safe)
        # ASCII: a quarter faster; an accented letter then ends a word, which can only make a
        # pattern miss, never flag. RE2's \w and \b are ASCII too.
        lowered = [_lower_literals(p) for p in blind]
        self.blind = re.compile(_start_guard(lowered) + f"(?:{alternation(lowered)})", re.ASCII) if blind else None
        self.cased = re.compile(alternation(cased), re.IGNORECASE) if cased else None
        self.cased_rest = re.compile(alternation(cased_rest), re.IGNORECASE) if cased_rest else None
        self.cased_linear = LinearRegex(cased_linear) if cased_linear else None
        self.linear = LinearRegex(linear) if linear else None
        self.fallback = re.compile(alternation(patterns), re.IGNORECASE)
        # What a lowered sentence must contain for any pattern to match it (a prefilter that
        # spares the scan of most sentences); None with case-aware patterns, whose
        # IGNORECASE matching of literals is wider than lower-casing.
        self.requirement: Requirement | None = None
        if not cased:
            each = [required_literals(_lower_literals(p)) for p in patterns]
            if all(r is not None for r in each):
                self.requirement = frozenset().union(*each)

    def finditer(self, text: str, lowered: str | None) -> Iterable:
        """Matches in order of start; `lowered` is text.lower() when it has the same length, else None."""
        if lowered is None:
            return self.fallback.finditer(text)
        # Each part's matches as a list: most sentences match no part, or one, and need no merge.
        if text.isascii():
            cased = (self.cased_linear and self.cased_linear.matches(text),
                     self.cased_rest and list(self.cased_rest.finditer(text)))
        else:
            cased = (self.cased and list(self.cased.finditer(text)),)
        parts = [found for found in (self.linear and self.linear.matches(text),
                                     self.blind and list(self.blind.finditer(lowered)), *cased) if found]
        if len(parts) <= 1:
            return parts[0] if parts else ()
        # As one alternation would scan: the leftmost match, then on from its end (of two at
        # one place, the longer: the order of alternatives across the parts is not known).
        kept, end = [], -1
        for m in sorted((m for part in parts for m in part), key=lambda m: (m.start(), -m.end())):
            if m.start() >= end:
                kept.append(m)
                end = max(m.end(), m.start() + 1)
        return kept


def _compiled(patterns: list[str], fail: Callable[[str], None], build):
    for p in patterns:
        problem = pattern_problem(p, compile_alone=False)
        if problem:
            fail(problem)
    try:
        return build()
    except (re.error, OverflowError, RecursionError) as exc:
        # Name the pattern at fault (a compile-time error such as a variable-width look-behind).
        for p in patterns:
            problem = pattern_problem(p)
            if problem:
                fail(problem)
        fail(f"the patterns cannot be compiled together: {exc}")


# What RE2 lacks, by the text that starts it, as a rule writer would look it up.
_RE2_MISSING = (
    ("(?<=", "look-behind '(?<=...)'"), ("(?<!", "negative look-behind '(?<!...)'"),
    ("(?=", "look-ahead '(?=...)'"), ("(?!", "negative look-ahead '(?!...)'"),
    ("(?>", "atomic group '(?>...)'"), ("(?(", "conditional '(?(...)...)'"),
    ("(?P=", "back-reference '(?P=name)'"), ("++", "possessive repeat '++'"),
    ("*+", "possessive repeat '*+'"), ("?+", "possessive repeat '?+'"),
)


def re2_problem(pattern: str) -> str | None:
    """Why RE2 cannot run a team pattern (naming the construct), or None."""
    re2, options = re2_options()
    try:
        re2.compile(pattern, options)
        return None
    except re2.error as exc:
        detail = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
    construct = next((name for text, name in _RE2_MISSING if text in pattern), None)
    if construct is None and re.search(r"\\[1-9]", pattern):
        construct = "back-reference '\\1'"
    what = f"uses a {construct}, which" if construct else "is something"
    return (f"team pattern {pattern!r} {what} the linear-time engine (RE2) cannot run ({detail}); team "
            "patterns run on RE2 so that no text can make one run away: rewrite it without that construct")


class LinearRegex:
    """A team's patterns on RE2: case-blind unless (?-i:...), linear time in the text.
    The same interface as CaseBlindRegex (finditer on a sentence) and re.Pattern (search, findall)."""

    def __init__(self, patterns: list[str]):
        re2, options = re2_options()
        self.patterns = list(patterns)
        self.compiled = re2.compile("(?i)" + alternation(patterns), options)
        # The literal prefilter as for CaseBlindRegex, from re's parse where re can read the
        # pattern (a pattern only RE2 reads, or a case-aware one, always runs).
        self.requirement: Requirement | None = None
        if not any("(?-i:" in p for p in patterns):
            each = [required_literals(_lower_literals(p)) for p in patterns]
            if all(r is not None for r in each):
                self.requirement = frozenset().union(*each)

    def finditer(self, text: str, lowered: str | None = None) -> Iterable:
        return self.matches(text)

    def matches(self, text: str) -> list:
        """Every match, left to right. ASCII text (most mail) goes to RE2 directly: its byte
        offsets are the character offsets, and the binding's per-match work for str (UTF-8
        offsets back to characters) is most of a search's cost on a sentence."""
        if not text.isascii():
            return list(self.compiled.finditer(encodable(text)))
        return ascii_matches(self.compiled, text)

    def search(self, text: str):
        return self.compiled.search(encodable(text))

    def findall(self, text: str) -> list:
        return [m.group() for m in self.matches(text)]


def _linear(patterns: list[str], fail: Callable[[str], None]) -> LinearRegex:
    for p in patterns:
        problem = re2_problem(p)
        if problem:
            fail(problem)
    try:
        return LinearRegex(patterns)
    except Exception as exc:  # re2.error: e.g. the alternation together past max_mem
        fail(f"the patterns cannot be compiled together by RE2: {exc}")


def compile_patterns(patterns: list[str], fail: Callable[[str], None], linear: bool = False):
    """A rule's patterns for sentences: on RE2 for a team pack (`linear`), else on re."""
    if linear:
        return _linear(patterns, fail)
    return _compiled(patterns, fail, lambda: CaseBlindRegex(patterns))


def compile_search(patterns: list[str], fail: Callable[[str], None], linear: bool = False):
    """Patterns searched as they are, case-insensitively (unless, ratio counts)."""
    if linear:
        return _linear(patterns, fail)
    return _compiled(patterns, fail, lambda: re.compile(alternation(patterns), re.IGNORECASE))


def phrase_pattern(phrases: Iterable[str]) -> str:
    """A phrase list as one pattern: whole words, any run of spaces between them."""
    parts = [r"\s+".join(re.escape(w) for w in normalize_apostrophes(phrase).split())
             for phrase in sorted(set(phrases), key=len, reverse=True)]
    return r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)"


class LiteralPrefilter:
    """Which of several requirements a lowered sentence may meet, from one pass over it: every
    literal of every requirement in one RE2 set of literal strings (an Aho-Corasick-like
    automaton; a twentieth of the cost of testing the literals one by one). Index i of
    `requirements` is a candidate when requirements[i] is None (always run) or one of its
    literals is in the sentence."""

    def __init__(self, requirements: list[Requirement | None]):
        self.always = frozenset(i for i, r in enumerate(requirements) if r is None)
        owners: dict[str, set[int]] = {}
        for i, required in enumerate(requirements):
            for literal in required or ():
                owners.setdefault(literal, set()).add(i)
        self.literals = sorted(owners)
        self.owners = [frozenset(owners[literal]) for literal in self.literals]
        self.literal_set = self._literal_set(self.literals)

    @staticmethod
    def _literal_set(literals: list[str]):
        """The RE2 set, or None (then each literal is tested in turn) when there is none to
        build or too many to trust it: its automaton has about one state per literal character
        (8,800 for the bundled pack), and a set whose automaton outgrew its memory at match time
        would answer "none", silently skipping rules; a team pack far past the bundled one's
        size keeps to the slow, sure path."""
        if not literals or sum(map(len, literals)) > MAX_SET_CHARACTERS:
            return None
        re2, options = re2_options()
        options.literal = True
        options.max_mem = 64 << 20
        literal_set = re2._re2.Set(UNANCHORED, options)
        for literal in literals:
            literal_set.Add(encodable(literal).encode("utf-8"))
        return literal_set if literal_set.Compile() else None

    def candidates(self, lowered: str) -> set[int]:
        found = set(self.always)
        if self.literal_set is not None:
            for k in self.literal_set.Match(encodable(lowered).encode("utf-8")):
                found |= self.owners[k]
        else:
            for literal, indexes in zip(self.literals, self.owners):
                if literal in lowered:
                    found |= indexes
        return found


MAX_SET_CHARACTERS = 40_000  # the literals' total length up to which LiteralPrefilter uses an RE2 set

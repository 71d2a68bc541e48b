"""Running a rule's own examples (LanguageTool's grammar.xml and ESLint's RuleTester style).

Sentence rules mark the flagged span in `flag` examples with [[...]]; the rule must flag
exactly those spans there and nothing in its `pass` examples. Whole-email rules (metric,
ratio) must fire on each `flag` example and stay quiet on each `pass` example.
"""
from __future__ import annotations

import re

from .engine import Linter
from .pack import EXAMPLE_MARK, RulePack
from .rules import Rule, SentenceRule
from .sentences import normalize_apostrophes

MIN_EXAMPLES = 3
_TRIGGER_WORD = re.compile(r"[a-z']{4,}")


def unmark(example: str) -> tuple[str, list[tuple[int, int]]]:
    """The example without [[ ]] marks, and the marked spans in it."""
    text, spans, last = [], [], 0
    length = 0
    for m in EXAMPLE_MARK.finditer(example):
        before = example[last:m.start()]
        text.append(before)
        length += len(before)
        spans.append((length, length + len(m.group(1))))
        text.append(m.group(1))
        length += len(m.group(1))
        last = m.end()
    text.append(example[last:])
    return "".join(text), spans


SUBJECT_LINE = "Subject: "


def text_example(example: str) -> tuple[str, str, list[tuple[str, int, int]]]:
    """A text rule's example (an email, with a "Subject: ..." first line and a blank line when it
    has a subject): its subject, its body and the marked spans as (field, start, end)."""
    text, spans = unmark(example)
    subject, offset = "", 0
    if text.startswith(SUBJECT_LINE) and "\n\n" in text:
        cut = text.index("\n\n")
        subject, offset = text[len(SUBJECT_LINE):cut], cut + 2
    marked = []
    for a, b in spans:
        if subject and b <= len(SUBJECT_LINE) + len(subject):
            marked.append(("subject", a - len(SUBJECT_LINE), b - len(SUBJECT_LINE)))
        else:
            marked.append(("body", a - offset, b - offset))
    return subject, text[offset:], marked


def check_text_rule_examples(rule: Rule) -> list[str]:
    """A text rule (readiness) in the first of its modes: flag examples flag exactly their marked
    spans (in the subject or the body), pass examples nothing."""
    linter = Linter(RulePack([rule]), cache_size=64)
    mode = rule.modes[0]
    problems = []
    for key in ("flag", "pass"):
        for example in rule.examples.get(key, []):
            subject, body, expected = text_example(example)
            if key == "pass":
                expected = []
            got = sorted((f.field, f.start, f.end) for f in linter.lint(body, subject, mode).findings if f.rule == rule.id)
            if got != sorted(expected):
                sources = {"body": body, "subject": subject}
                shown = lambda spans: ", ".join(f"{fld}:{sources[fld][a:b]!r}" for fld, a, b in spans) or "nothing"
                problems.append(f"{key} example {example!r}: expected {shown(sorted(expected))}, got {shown(got)}")
    return problems


def check_rule_examples(rule: Rule) -> list[str]:
    """Problems with one rule's examples, run with that rule alone; an empty list means it passes."""
    linter = Linter(RulePack([rule]), cache_size=64)
    problems = []
    flags, passes = rule.examples.get("flag", []), rule.examples.get("pass", [])
    if len(flags) < MIN_EXAMPLES:
        problems.append(f"needs at least {MIN_EXAMPLES} 'flag' examples (has {len(flags)})")
    if len(passes) < MIN_EXAMPLES:
        problems.append(f"needs at least {MIN_EXAMPLES} 'pass' examples (has {len(passes)})")
    if rule.LEVEL == "text":
        return problems + check_text_rule_examples(rule)
    sentence_rule = rule.MARKED_EXAMPLES
    for example in flags:
        text, expected = unmark(example) if sentence_rule else (example, [])
        got = [(f.start, f.end) for f in linter.lint(text).findings if f.rule == rule.id]
        if sentence_rule and sorted(got) != sorted(expected):
            problems.append(f"flag example {example!r}: expected {_spans(text, expected)}, got {_spans(text, got)}")
        elif not sentence_rule and not got:
            problems.append(f"flag example {example!r}: rule did not fire")
    for example in passes:
        got = [(f.start, f.end) for f in linter.lint(example).findings if f.rule == rule.id]
        if got:
            problems.append(f"pass example {example!r}: flagged {_spans(example, got)}")
    if isinstance(rule, SentenceRule) and flags and passes:
        triggers = {w for ex in flags for a, b in unmark(ex)[1] for w in _TRIGGER_WORD.findall(unmark(ex)[0][a:b].lower())}
        if not any(triggers & set(_TRIGGER_WORD.findall(normalize_apostrophes(p.lower()))) for p in passes):
            problems.append("needs a hard negative: a 'pass' example that uses a trigger word of a flagged span")
    return problems


def _spans(text: str, spans) -> str:
    return ", ".join(repr(text[a:b]) for a, b in sorted(spans)) or "nothing"


# Every alternative earns its place: a phrase, or a top-level `|` branch of a pattern or of a
# cooccurrence concept, that no flag example of its rule reaches is dead or untested, and
# check-rules fails it. Read from the loaded rules (what the engine runs), not from the YAML again.


def top_level_alternatives(pattern: str) -> list[str]:
    """The pattern split at its top-level `|` (not inside a group or a character class)."""
    parts, current, depth, in_class, i = [], [], 0, False, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            current.append(pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append("".join(current))
            current = []
            i += 1
            continue
        current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts


def rule_alternatives(rule: Rule) -> list[str]:
    """Every top-level alternative of a sentence rule's patterns (a phrase rule's phrases each)."""
    if not isinstance(rule, SentenceRule):
        return []
    return [alt for pattern in rule.alternatives for alt in top_level_alternatives(pattern)]


def unreached_alternatives(rule: Rule) -> list[str]:
    """The rule's alternatives that no flag example reaches: none matches inside a marked span.
    Examples are read with straight apostrophes, as the engine reads a sentence."""
    if rule.LEVEL == "text":
        return _unreached_scan_patterns(rule)
    examples = [unmark(normalize_apostrophes(e)) for e in rule.examples.get("flag", [])]
    missing = []
    for alternative in rule_alternatives(rule):
        try:
            regex = re.compile(alternative, re.IGNORECASE | re.MULTILINE)
        except re.error:  # a branch that needs its siblings (a group reference): checked as a whole
            continue
        if not any(m.end() > m.start() and any(m.start() < b and a < m.end() for a, b in spans)
                   for text, spans in examples for m in regex.finditer(text)):
            missing.append(alternative)
    return missing


def _unreached_scan_patterns(rule) -> list[str]:
    """A scan rule's patterns (compiled as the rule runs them) that no flag example reaches, in the
    example's subject or body."""
    examples = [text_example(normalize_apostrophes(e)) for e in rule.examples.get("flag", [])]
    return [regex.pattern for regex in rule.regexes
            if not any(m.end() > m.start() and a < m.end() and m.start() < b
                       for subject, body, spans in examples for fld, a, b in spans
                       for m in regex.finditer(subject if fld == "subject" else body))]


def coverage_problems(rules) -> list[tuple[str, str, str]]:
    """(rule file, rule id, problem) for each alternative of these rules no flag example reaches."""
    return [(rule.source, rule.id, f"no flag example reaches alternative {alternative!r}")
            for rule in rules for alternative in unreached_alternatives(rule)]


def replaced_examples(rule: Rule) -> list[tuple[str, str, str]]:
    """(flag example, replacement, the example with that replacement applied to the rule's span) for
    each flag example and replacement: the one-click fix as the extension applies it."""
    if not rule.replacements:
        return []
    linter = Linter(RulePack([rule]), cache_size=64)
    out = []
    for example in rule.examples.get("flag", []):
        text, _ = unmark(example)
        spans = sorted((f.start, f.end) for f in linter.lint(text).findings if f.rule == rule.id)
        for replacement in rule.replacements:
            fixed = text
            for start, end in reversed(spans):
                fixed = fixed[:start] + replacement + fixed[end:]
            out.append((example, replacement, fixed))
    return out


def replacement_problems(rule: Rule) -> list[str]:
    """A replacement after which the rule still fires on its own flag example does not fix it."""
    linter = Linter(RulePack([rule]), cache_size=64)
    return [f"replacement {replacement!r} on {example!r} still flags: {fixed!r}"
            for example, replacement, fixed in replaced_examples(rule)
            if any(f.rule == rule.id for f in linter.lint(fixed).findings)]

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


# Every pattern earns its place: a pattern, phrase or top-level concept alternative that no flag
# example of its rule reaches is dead or untested, and check-rules fails it.

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


def _compile_item(kind: str, item: str) -> re.Pattern:
    if kind == "phrases":
        words = r"\s+".join(re.escape(w.replace("’", "'")) for w in item.split())
        return re.compile(r"(?<!\w)(?:" + words + r")(?!\w)", re.IGNORECASE | re.MULTILINE)
    return re.compile(item, re.IGNORECASE | re.MULTILINE)


def unexercised_patterns(raw_rule: dict) -> list[str]:
    """The rule's patterns (phrases; top-level alternatives of each cooccurrence concept) that no
    flag example reaches: none matches inside an example's marked span."""
    kind = raw_rule.get("type")
    if kind == "scan":
        return _unexercised_scan_patterns(raw_rule)
    if kind == "cooccurrence":
        items = [alt for concept in raw_rule.get("all") or [] for alt in top_level_alternatives(concept)]
    elif kind in ("pattern", "phrases"):
        items = list(raw_rule.get("patterns" if kind == "pattern" else "phrases") or [])
    else:
        return []
    examples = [unmark(e) for e in (raw_rule.get("examples") or {}).get("flag") or []]
    examples = [(normalize_apostrophes(text), spans) for text, spans in examples]
    missing = []
    for item in items:
        try:
            regex = _compile_item(kind, item)
        except re.error:
            continue  # the pack loader reports a broken pattern
        if not any(m.end() > m.start() and any(m.start() < b and a < m.end() for a, b in spans)
                   for text, spans in examples for m in regex.finditer(text)):
            missing.append(item)
    return missing


def _unexercised_scan_patterns(raw_rule: dict) -> list[str]:
    flags = re.MULTILINE | (0 if raw_rule.get("case") == "sensitive" else re.IGNORECASE)
    examples = [text_example(normalize_apostrophes(e)) for e in (raw_rule.get("examples") or {}).get("flag") or []]
    missing = []
    for item in raw_rule.get("patterns") or []:
        try:
            regex = re.compile(item, flags)
        except re.error:
            continue  # the pack loader reports a broken pattern
        if not any(m.end() > m.start() and a < m.end() and m.start() < b
                   for subject, body, spans in examples for fld, a, b in spans
                   for m in regex.finditer(subject if fld == "subject" else body)):
            missing.append(item)
    return missing


def pattern_coverage_problems(directory) -> list[tuple[str, str, str]]:
    """(file name, rule id, problem) for each pattern of a pack's YAML files that no flag example reaches."""
    import yaml
    from pathlib import Path

    problems = []
    for file in sorted(p for p in Path(directory).iterdir() if p.suffix in (".yaml", ".yml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        for raw in data.get("rules") or []:
            for item in unexercised_patterns(raw):
                problems.append((file.name, str(raw.get("id")), f"no flag example reaches pattern {item!r}"))
    return problems


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

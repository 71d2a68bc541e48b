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
from .textutil import normalize_apostrophes

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


def check_rule_examples(rule: Rule) -> list[str]:
    """Problems with one rule's examples, run with that rule alone; an empty list means it passes."""
    linter = Linter(RulePack([rule]), cache_size=64)
    problems = []
    flags, passes = rule.examples.get("flag", []), rule.examples.get("pass", [])
    if len(flags) < MIN_EXAMPLES:
        problems.append(f"needs at least {MIN_EXAMPLES} 'flag' examples (has {len(flags)})")
    if len(passes) < MIN_EXAMPLES:
        problems.append(f"needs at least {MIN_EXAMPLES} 'pass' examples (has {len(passes)})")
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

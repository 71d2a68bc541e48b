"""`pattern` rules: regular expressions, for phrasing a list cannot enumerate.

Also the base of `phrases` and `cooccurrence`: guards, `unless`, and the span choice.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import ClassVar

from ..findings import Finding
from ..guards import DEFAULT_GUARDS, GUARDS
from .base import Fields, Rule
from .matching import CaseBlindRegex, compile_patterns

SENTENCE_FIELDS = frozenset({"unless", "guards", "span"})


@dataclass
class SentenceRule(Rule):
    """Flags the span from the first to the last unguarded match in a sentence (one finding)."""

    regex: CaseBlindRegex | None = field(default=None, repr=False)
    unless: re.Pattern | None = field(default=None, repr=False)
    guards: tuple[str, ...] = DEFAULT_GUARDS
    span: str = "match"  # or "sentence"

    @staticmethod
    def sentence_fields(fields: Fields) -> dict:
        guards = fields.get("guards", list(DEFAULT_GUARDS))
        if guards is None:
            guards = []
        if not isinstance(guards, list) or any(g not in GUARDS for g in guards):
            fields.fail("guards", f"must be a list of: {', '.join(GUARDS)}")
        return {"guards": tuple(guards), "span": fields.choice("span", ("match", "sentence"), "match"),
                "unless": fields.search_regex("unless")}

    @property
    def requirement(self) -> frozenset[str] | None:
        return self.regex.requirement

    def guarded(self, sentence, start: int, end: int) -> bool:
        return any(GUARDS[g](sentence.view, start, end) for g in self.guards)

    def check_sentence(self, sentence, found: list[Finding]) -> Finding | None:
        first = last = None
        for m in self.regex.finditer(sentence.text, sentence.lowered):
            if m.end() == m.start() or self.guarded(sentence, m.start(), m.end()):
                continue
            if first is None:
                first = m.start()
            last = m.end()
        if first is None:
            return None
        # `unless` after the match: most sentences match nothing, and need no second search.
        if self.unless is not None and self.unless.search(sentence.text):
            return None
        return self.span_finding(sentence, first, last)

    def span_finding(self, sentence, start: int, end: int) -> Finding:
        if self.span == "sentence":
            return self.finding(0, len(sentence.sentence.text))
        return self.finding(*sentence.to_original(start, end))


@dataclass
class PatternRule(SentenceRule):
    TYPE: ClassVar[str] = "pattern"
    FIELDS: ClassVar[frozenset[str]] = SENTENCE_FIELDS | {"patterns"}

    @classmethod
    def from_mapping(cls, common: dict, fields: Fields) -> "PatternRule":
        patterns = fields.str_list("patterns", required=True)
        regex = compile_patterns(patterns, lambda problem: fields.fail("patterns", problem), fields.linear)
        return cls(**common, regex=regex, **cls.sentence_fields(fields))

    @property
    def alternatives(self) -> list[str]:
        """Each pattern on its own: every one must be reached by an example (check-rules)."""
        return self.regex.patterns

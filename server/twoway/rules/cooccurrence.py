"""`cooccurrence` rules: every one of several concept lists in one sentence, in any order.

"An offer word" + "an ending verb" + "a date" says fake deadline in more wordings than any
phrase list. The span covers the matches.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import ClassVar

from ..findings import Finding
from .base import Fields
from .matching import CaseBlindRegex, better_requirement, compile_patterns
from .pattern import SENTENCE_FIELDS, SentenceRule


@dataclass
class CooccurrenceRule(SentenceRule):
    TYPE: ClassVar[str] = "cooccurrence"
    FIELDS: ClassVar[frozenset[str]] = SENTENCE_FIELDS | {"all"}

    concepts: tuple[CaseBlindRegex, ...] = field(default=(), repr=False)

    @classmethod
    def from_mapping(cls, common: dict, fields: Fields) -> "CooccurrenceRule":
        concepts = fields.str_list("all", required=True)
        if len(concepts) < 2:
            fields.fail("all", "a cooccurrence rule needs at least two concept patterns")
        compiled = tuple(compile_patterns([c], lambda problem: fields.fail("all", problem), fields.linear) for c in concepts)
        return cls(**common, concepts=compiled, **cls.sentence_fields(fields))

    @property
    def requirement(self) -> frozenset[str] | None:
        # Every concept must match, so what any one of them requires is required.
        return functools.reduce(better_requirement, (c.requirement for c in self.concepts), None)

    def check_sentence(self, sentence, found: list[Finding]) -> Finding | None:
        if self.unless is not None and self.unless.search(sentence.text):
            return None
        spans = []
        for concept in self.concepts:
            m = next((m for m in concept.finditer(sentence.text, sentence.lowered)
                      if m.end() > m.start() and not self.guarded(sentence, m.start(), m.end())), None)
            if m is None:
                return None
            spans.append((m.start(), m.end()))
        return self.span_finding(sentence, min(a for a, _ in spans), max(b for _, b in spans))

    @property
    def alternatives(self) -> list[str]:
        return [p for concept in self.concepts for p in concept.patterns]

"""`phrases` rules: a list of literal phrases, matched case-insensitively on word boundaries."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from .base import Fields
from .matching import CaseBlindRegex, phrase_pattern
from .pattern import SENTENCE_FIELDS, SentenceRule


@dataclass
class PhraseRule(SentenceRule):
    TYPE: ClassVar[str] = "phrases"
    FIELDS: ClassVar[frozenset[str]] = SENTENCE_FIELDS | {"phrases"}

    phrases: tuple[str, ...] = field(default=(), repr=False)

    @classmethod
    def from_mapping(cls, common: dict, fields: Fields) -> "PhraseRule":
        phrases = fields.str_list("phrases", required=True)
        return cls(**common, regex=CaseBlindRegex([phrase_pattern(phrases)]), phrases=tuple(phrases),
                   **cls.sentence_fields(fields))

    @property
    def alternatives(self) -> list[str]:
        return [phrase_pattern([p]) for p in self.phrases]

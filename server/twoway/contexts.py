"""What rules read: one sentence (SentenceContext) or the whole email (EmailContext).

Below both the rules (which read them) and the engine (which makes them), so neither imports
the other's module for them.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from .emailparse import matchable
from .sentences import Sentence
from .word_features import classifier_features


class SentenceContext:
    """One sentence as the rules see it. Offsets in `text` map back with `to_original`."""

    __slots__ = ("sentence", "_matchable", "__dict__")

    def __init__(self, sentence: Sentence):
        self.sentence = sentence
        self._matchable = matchable(sentence.text)

    @property
    def text(self) -> str:
        return self._matchable.text

    @cached_property
    def lowered(self) -> str | None:
        lowered = self.text.lower()
        return lowered if len(lowered) == len(self.text) else None

    @cached_property
    def view(self) -> Sentence:
        """The matchable text as a Sentence, for guards."""
        return Sentence(0, len(self.text), self.text, self.sentence.kind)

    @cached_property
    def features(self) -> set[str] | None:
        """The learned rules' features of the sentence (word_features), computed once."""
        return classifier_features(self.text)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        return self._matchable.to_original(start, end)


@dataclass
class EmailContext:
    """What email rules see: the rep's own sentences joined, and the stats."""

    text: str
    stats: dict

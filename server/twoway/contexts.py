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

    __slots__ = ("sentence", "position", "_matchable", "__dict__")

    def __init__(self, sentence: Sentence, position: str | None = None):
        self.sentence = sentence
        self.position = position  # where it sits among the email's sentences (position_of); the learned model reads it
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


def position_of(index: int, count: int) -> str:
    """Where a sentence sits among the rep's sentences: first, mid, last, or the only one. Part
    of what the learned model reads (an opening about the sender is self_focus; the same words
    mid-email may not be)."""
    return "only" if count == 1 else "first" if index == 0 else "last" if index == count - 1 else "mid"


@dataclass
class EmailContext:
    """What email rules see: the rep's own sentences joined, and the stats."""

    text: str
    stats: dict

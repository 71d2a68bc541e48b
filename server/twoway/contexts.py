"""What rules read: one sentence (SentenceContext), the whole email (EmailContext), or the email as
it will be sent with its subject and lint mode (TextContext, for the readiness scan rules).

Below both the rules (which read them) and the engine (which makes them), so neither imports
the other's module for them.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from .emailparse import ParsedEmail, matchable
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


class TextContext:
    """What text rules (readiness) see: the email as it will be sent, the subject, the lint mode."""

    def __init__(self, email: ParsedEmail, subject: str, mode: str, thread: bool = False):
        self.email, self.subject, self.mode, self.thread = email, subject, mode, thread
        self._scanned: dict[tuple[str, ...], str] = {}
        self._views: dict[tuple, tuple] = {}

    @cached_property
    def has_thread(self) -> bool:
        """The email replies to or forwards a real message: it quotes one, or the client says so
        (a webmail reply whose quoted thread is hidden, or not sent to the linter)."""
        return self.thread or any(b.kind == "quote" for b in self.email.blocks)

    def view(self, field_name: str, skip: tuple[str, ...], as_words: bool):
        """(text, to_original) of a field as a scan rule reads it: the body with the parts of
        kinds in `skip` blanked out; with `as_words`, merge fields read as ordinary words of their
        kind (as the one-way rules read them), spans mapped back whole-field."""
        key = (field_name, skip, as_words)
        if key not in self._views:
            text = self.scanned(skip) if field_name == "body" else self.subject
            if as_words:
                readable = matchable(text)
                self._views[key] = (readable.text, readable.to_original)
            else:
                self._views[key] = (text, None)
        return self._views[key]

    def scanned(self, skip: tuple[str, ...]) -> str:
        """The body with the parts of kinds in `skip` blanked out (same length, same lines)."""
        if skip not in self._scanned:
            text = self.email.text
            blanked = [b for b in self.email.blocks if b.kind in skip]
            if blanked:
                chars = list(text)
                for b in blanked:
                    for i in range(b.start, b.end):
                        if chars[i] not in "\r\n":
                            chars[i] = " "
                text = "".join(chars)
            self._scanned[skip] = text
        return self._scanned[skip]

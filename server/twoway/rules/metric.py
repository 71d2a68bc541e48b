"""`metric` rules: a whole-email number (words, reading grade, questions) outside a range."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..findings import Finding
from .base import Fields, Rule

METRICS = ("words", "sentences", "questions", "reading_grade", "reading_ease", "you_ratio",
           "longest_sentence_words")


@dataclass
class MetricRule(Rule):
    """Reported at 0..0 (email level). Its range is also the target the page and the extension
    show beside the number."""

    TYPE: ClassVar[str] = "metric"
    FIELDS: ClassVar[frozenset[str]] = frozenset({"metric", "min", "max", "min_words"})
    LEVEL: ClassVar[str] = "email"
    MARKED_EXAMPLES: ClassVar[bool] = False

    metric: str = ""
    min: float | None = None
    max: float | None = None
    min_words: int = 0  # below this many words the metric says nothing useful

    @classmethod
    def from_mapping(cls, common: dict, fields: Fields) -> "MetricRule":
        metric = fields.choice("metric", METRICS, None)
        low, high = fields.number("min"), fields.number("max")
        if low is None and high is None:
            fields.fail("min", "a metric rule needs min, max or both")
        return cls(**common, metric=metric, min=low, max=high, min_words=int(fields.number("min_words") or 0))

    def check_email(self, email) -> Finding | None:
        stats = email.stats
        if stats["words"] < self.min_words:
            return None
        value = stats[self.metric]
        if (self.min is not None and value < self.min) or (self.max is not None and value > self.max):
            return self.finding(0, 0)
        return None

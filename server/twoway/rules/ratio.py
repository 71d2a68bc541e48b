"""`ratio` rules: two counts over the whole email whose ratio is off target (e.g. we/you)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import ClassVar

from ..findings import Finding
from .base import Fields, Rule


@dataclass
class RatioRule(Rule):
    TYPE: ClassVar[str] = "ratio"
    FIELDS: ClassVar[frozenset[str]] = frozenset({"numerator", "denominator", "min", "max", "min_count"})
    LEVEL: ClassVar[str] = "email"
    MARKED_EXAMPLES: ClassVar[bool] = False

    numerator: re.Pattern | None = field(default=None, repr=False)
    denominator: re.Pattern | None = field(default=None, repr=False)
    min: float | None = None
    max: float | None = None
    min_count: int = 3

    @classmethod
    def from_mapping(cls, common: dict, fields: Fields) -> "RatioRule":
        numerator = fields.search_regex("numerator", required=True)
        denominator = fields.search_regex("denominator", required=True)
        low, high = fields.number("min"), fields.number("max")
        if low is None and high is None:
            fields.fail("max", "a ratio rule needs min, max or both")
        min_count = fields.number("min_count")
        return cls(**common, numerator=numerator, denominator=denominator, min=low, max=high,
                   min_count=int(min_count if min_count is not None else 3))

    def check_email(self, email) -> Finding | None:
        num = len(self.numerator.findall(email.text))
        den = len(self.denominator.findall(email.text))
        if num + den < self.min_count:
            return None
        ratio = num / max(den, 1)
        if (self.max is not None and ratio > self.max) or (self.min is not None and ratio < self.min):
            return self.finding(0, 0)
        return None

"""`ratio` rules: two counts over the whole email whose ratio is off target (e.g. we/you).

`numerator` and `denominator` are patterns, or the name of one of the pronoun sets that the stats
count too (pronouns.PRONOUN_SETS: `seller_pronouns`, `reader_pronouns`), so a rule that weighs
"we" against "you" counts the same words as the numbers the rep sees."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import ClassVar

from ..findings import Finding
from ..pronouns import PRONOUN_SETS
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
        numerator = _count_pattern(fields, "numerator")
        denominator = _count_pattern(fields, "denominator")
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


def _count_pattern(fields: Fields, name: str) -> re.Pattern:
    value = fields.get(name)
    if isinstance(value, str) and value in PRONOUN_SETS:
        return PRONOUN_SETS[value]
    if isinstance(value, str) and value.endswith("_pronouns"):
        fields.fail(name, "pronoun sets are " + ", ".join(sorted(PRONOUN_SETS)))
    return fields.search_regex(name, required=True)

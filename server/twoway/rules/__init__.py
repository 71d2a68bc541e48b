"""Rule types: a rule is data (YAML) of one of a few types, each one small class in its own
module, compiled once at load. Adding a type is a new module and one line here."""
from __future__ import annotations

from .base import Fields, Rule, RulePackError
from .classifier import ClassifierRule
from .cooccurrence import CooccurrenceRule
from .metric import METRICS, MetricRule
from .pattern import PatternRule, SentenceRule
from .phrases import PhraseRule
from .ratio import RatioRule
from .scan import ScanRule

RULE_TYPES: dict[str, type[Rule]] = {
    cls.TYPE: cls for cls in (PhraseRule, PatternRule, CooccurrenceRule, ClassifierRule, MetricRule, RatioRule, ScanRule)
}

__all__ = ["RULE_TYPES", "METRICS", "Fields", "Rule", "RulePackError", "SentenceRule", "PhraseRule", "PatternRule",
           "CooccurrenceRule", "ClassifierRule", "MetricRule", "RatioRule", "ScanRule"]

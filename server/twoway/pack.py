"""Placeholder pack loader; replaced by the rule engine."""
from dataclasses import dataclass, field


@dataclass
class RulePack:
    rules: list = field(default_factory=list)


def load_pack(bundled, extra=None):
    return RulePack()

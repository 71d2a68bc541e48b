"""Placeholder linter; replaced by the rule engine."""
from __future__ import annotations
from dataclasses import dataclass, field


@dataclass
class LintResult:
    findings: list
    stats: dict = field(default_factory=dict)


class Linter:
    def __init__(self, pack):
        self.pack = pack

    def lint(self, body: str, subject: str = "") -> LintResult:
        return LintResult([], {"words": len(body.split()), "sentences": 0, "questions": body.count("?"),
                               "reading_grade": 0.0, "reading_ease": 0.0, "you_ratio": 0.0,
                               "alignment_score": 100, "verdict": "two-way"})

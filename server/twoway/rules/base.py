"""What every rule type shares: the common fields, the finding it makes, and the field readers
a type uses to validate its own part of the YAML mapping.

The protocol a rule type implements (one module per type, listed in rules/__init__.py):
    TYPE, FIELDS                         the type's name and its own YAML fields
    from_mapping(common, fields)         validate and compile, once, at load
    check_sentence(sentence, found)      sentence rules: a Finding (offsets in the sentence) or None
    check_email(email)                   email rules: a Finding at 0..0 or None
    bind(active, every)                  after the pack is assembled (default: nothing)
    describe()                           what the rule is, for the API, the CLI and the docs
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

from ..contexts import EmailContext, SentenceContext
from ..findings import Finding


class RulePackError(ValueError):
    """A problem in a rule file, naming the file, the rule and the field."""

    def __init__(self, file: str, rule: str | None, field_name: str | None, problem: str):
        self.file, self.rule, self.field, self.problem = str(file), rule, field_name, problem
        where = str(file)
        if rule:
            where += f": rule '{rule}'"
        if field_name:
            where += f": field '{field_name}'"
        super().__init__(f"{where}: {problem}")


class Fields:
    """Typed access to one rule's YAML mapping; every problem raises a RulePackError."""

    def __init__(self, raw: Mapping[str, Any], file: str, rule_id: str, base_dir=None, linear: bool = False):
        self.raw, self.file, self.rule_id, self.base_dir = raw, file, rule_id, base_dir
        # A team pack's rule: its patterns run on the linear-time engine (matching.LinearRegex).
        self.linear = linear

    def fail(self, field_name: str, problem: str):
        raise RulePackError(self.file, self.rule_id, field_name, problem)

    def get(self, name: str, default=None):
        return self.raw.get(name, default)

    def text(self, name: str, required: bool = True) -> str:
        value = self.raw.get(name) or ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(name, "required text" if required else "must be text")
        return value.strip()

    def str_list(self, name: str, required: bool = False) -> list[str]:
        value = self.raw.get(name)
        if value is None:
            if required:
                self.fail(name, "required: a list of strings")
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(name, "must be a list of non-empty strings")
        if required and not value:
            self.fail(name, "must not be empty")
        return value

    def number(self, name: str) -> float | None:
        value = self.raw.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            self.fail(name, "must be a number")
        return value

    def choice(self, name: str, options, default):
        value = self.raw.get(name, default)
        if value not in options:
            self.fail(name, f"must be one of {', '.join(map(str, options))}")
        return value

    def search_regex(self, name: str, required: bool = False) -> re.Pattern | None:
        """Patterns searched case-insensitively on a sentence or text (unless, ratios)."""
        from .matching import compile_search
        patterns = self.str_list(name, required)
        return compile_search(patterns, lambda problem: self.fail(name, problem), self.linear) if patterns else None


@dataclass
class Rule:
    id: str
    type: str
    category: str
    severity: str
    message: str
    why: str
    replacements: tuple[str, ...]
    advice: str
    examples: dict
    source: str
    description: str = ""
    team: bool = False  # from a team's pack (TWOWAY_RULES_DIR), not the bundled one

    TYPE: ClassVar[str] = ""
    FIELDS: ClassVar[frozenset[str]] = frozenset()
    LEVEL: ClassVar[str] = "sentence"  # or "email"
    # Sentence rules run in pack order within a pass; a safety net (the learned rules) runs in a
    # later pass, after every hand-written rule has spoken.
    PASS: ClassVar[int] = 0
    # Flag examples mark their span with [[...]] (sentence rules) or are whole emails.
    MARKED_EXAMPLES: ClassVar[bool] = True

    @classmethod
    def from_mapping(cls, common: dict, fields: Fields) -> "Rule":
        raise NotImplementedError

    def check_sentence(self, sentence: SentenceContext, found: list[Finding]) -> Finding | None:
        raise NotImplementedError

    def check_email(self, email: EmailContext) -> Finding | None:
        raise NotImplementedError

    @property
    def requirement(self) -> frozenset[str] | None:
        """Literals one of which a lowered sentence must contain for this rule to flag it
        (None: any sentence may be flagged). The engine skips the rule on other sentences."""
        return None

    def bind(self, active: Mapping[str, "Rule"], every: Mapping[str, "Rule"]) -> None:
        """Called once the pack is assembled; a type that refers to other rules resolves them here."""

    def describe(self) -> dict:
        return {
            "id": self.id,
            "type": self.type,
            "category": self.category,
            "severity": self.severity,
            "message": self.message,
            "why": self.why,
            "replacements": list(self.replacements),
            "advice": self.advice,
            "description": self.description,
            "source": self.source,
        }

    def finding(self, start: int, end: int, field_name: str = "body") -> Finding:
        return Finding(
            rule=self.id, category=self.category, severity=self.severity, message=self.message,
            why=self.why, start=start, end=end, replacements=self.replacements,
            field=field_name, advice=self.advice,
        )


__all__ = ["Fields", "Rule", "RulePackError"]

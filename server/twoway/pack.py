"""Loading and validating rule packs (lint_rules/*.yaml and a team's own directory).

A pack file holds `rules:` (a list of rules) and, in a team pack, `disable:` (ids of bundled
rules to turn off) and `enable:` (ids of rules shipped with `enabled: false` to turn on). A team rule with a bundled rule's id replaces it. Every problem stops the
load with a RulePackError that names the file, the rule and the field.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .findings import SEVERITIES
import json

from .guards import DEFAULT_GUARDS, GUARDS
from .rules import (METRICS, CaseBlindRegex, ClassifierRule, CooccurrenceRule, MetricRule,
                    PatternRule, PhraseRule, RatioRule, Rule, _alternation, _lower_literals)

RULE_CATEGORIES = ("pressure", "self_focus", "style")
RULE_TYPES = ("phrases", "pattern", "cooccurrence", "classifier", "metric", "ratio")
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9][a-z0-9_-]*)+$")
EXAMPLE_MARK = re.compile(r"\[\[(.+?)\]\]")

COMMON_FIELDS = {"id", "type", "category", "severity", "message", "why", "replacements", "advice",
                 "examples", "description", "enabled"}
TYPE_FIELDS = {
    "phrases": {"phrases", "unless", "guards", "span"},
    "pattern": {"patterns", "unless", "guards", "span"},
    "cooccurrence": {"all", "unless", "guards", "span"},
    "classifier": {"training", "threshold", "unless", "families"},
    "metric": {"metric", "min", "max", "min_words"},
    "ratio": {"numerator", "denominator", "min", "max", "min_count"},
}


class RulePackError(ValueError):
    def __init__(self, file: str | Path, rule: str | None, field_name: str | None, problem: str):
        self.file, self.rule, self.field, self.problem = str(file), rule, field_name, problem
        where = str(file)
        if rule:
            where += f": rule '{rule}'"
        if field_name:
            where += f": field '{field_name}'"
        super().__init__(f"{where}: {problem}")


@dataclass
class RulePack:
    rules: list[Rule] = field(default_factory=list)
    disabled: set[str] = field(default_factory=set)

    def by_id(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


def load_pack(bundled_dir: str | Path | None, team_dir: str | Path | None = None) -> RulePack:
    """The bundled pack, then the team's pack on top (override by id, `disable:` ids)."""
    rules: dict[str, Rule] = {}
    disabled: set[str] = set()
    enabled: set[str] = set()
    off_by_default: set[str] = set()
    for directory in (bundled_dir, team_dir):
        if not directory:
            continue
        path = Path(directory)
        if not path.is_dir():
            raise RulePackError(path, None, None, "rule directory not found")
        files = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and not p.name.startswith("."))
        seen_here: set[str] = set()
        for file in files:
            file_rules, file_disabled, file_enabled, file_off = load_file(file)
            off_by_default = (off_by_default - {r.id for r in file_rules}) | file_off
            enabled |= file_enabled
            for rule in file_rules:
                if rule.id in seen_here:
                    raise RulePackError(file, rule.id, "id", "duplicate rule id in this pack")
                seen_here.add(rule.id)
                rules[rule.id] = rule
            disabled |= file_disabled
    for key, ids in (("disable", disabled), ("enable", enabled)):
        unknown = ids - set(rules)
        if unknown:
            raise RulePackError(team_dir or bundled_dir, None, key, f"unknown rule ids: {', '.join(sorted(unknown))}")
    disabled |= off_by_default - enabled
    active = {rule_id: r for rule_id, r in rules.items() if rule_id not in disabled}
    for rule in active.values():
        if isinstance(rule, ClassifierRule) and rule.families:
            resolve_families(rule, active, rules)
    return RulePack(list(active.values()), disabled)


def resolve_families(rule: ClassifierRule, active: dict, every: dict) -> None:
    """Family names -> the active rules whose wording a learned flag borrows; train the family model."""
    names = dict(rule.families)
    for family, rule_id in names.items():
        if rule_id not in every:
            raise RulePackError(rule.source, rule.id, "families", f"{family}: unknown rule id {rule_id!r}")
    rule.families = {family: active[rule_id] for family, rule_id in names.items() if rule_id in active}
    rule.train_families(rule.training_records)
    rule.training_records = []


def load_file(file: Path) -> tuple[list[Rule], set[str], set[str], set[str]]:
    """A file's rules, the ids it disables and enables, and the ids of its rules that are off by default."""
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise RulePackError(file, None, None, f"not valid YAML{where}: {problem}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RulePackError(file, None, None, f"cannot read file ({type(exc).__name__})") from None
    if data is None:
        return [], set(), set(), set()
    if not isinstance(data, dict):
        raise RulePackError(file, None, None, "a rule file is a mapping with 'rules' (and optionally 'disable')")
    extra = set(data) - {"rules", "disable", "enable"}
    if extra:
        raise RulePackError(file, None, sorted(extra)[0], "unknown top-level field")
    raw_rules = data.get("rules") or []
    if not isinstance(raw_rules, list):
        raise RulePackError(file, None, "rules", "must be a list of rules")
    id_lists = {}
    for key in ("disable", "enable"):
        ids = data.get(key) or []
        if not isinstance(ids, list) or not all(isinstance(x, str) for x in ids):
            raise RulePackError(file, None, key, "must be a list of rule ids")
        id_lists[key] = set(ids)
    rules = [build_rule(raw, file) for raw in raw_rules]
    off = set()
    for raw, rule in zip(raw_rules, rules):
        flag = raw.get("enabled", True)
        if not isinstance(flag, bool):
            raise RulePackError(file, rule.id, "enabled", "must be true or false")
        if not flag:
            off.add(rule.id)
    return rules, id_lists["disable"], id_lists["enable"], off


def build_rule(raw: object, file: Path) -> Rule:
    if not isinstance(raw, dict):
        raise RulePackError(file, None, None, "each rule must be a mapping")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not ID_PATTERN.match(rule_id):
        raise RulePackError(file, str(rule_id) if rule_id else None, "id",
                            "required; dotted lower-case, e.g. 'pressure.fake-deadline'")

    def fail(field_name: str, problem: str):
        raise RulePackError(file, rule_id, field_name, problem)

    def text(field_name: str, required: bool = True) -> str:
        value = raw.get(field_name, "")
        if value is None:
            value = ""
        if not isinstance(value, str) or (required and not value.strip()):
            fail(field_name, "required text" if required else "must be text")
        return value.strip()

    def str_list(field_name: str, required: bool = False) -> list[str]:
        value = raw.get(field_name)
        if value is None:
            if required:
                fail(field_name, "required: a list of strings")
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            fail(field_name, "must be a list of non-empty strings")
        if required and not value:
            fail(field_name, "must not be empty")
        return value

    def regex(field_name: str, patterns: list[str]) -> CaseBlindRegex | None:
        if not patterns:
            return None
        for p in patterns:
            try:
                re.compile(p, re.IGNORECASE)
                re.compile(_lower_literals(p))
            except re.error as exc:
                fail(field_name, f"bad regular expression {p!r}: {exc}")
        return PatternRule.compile(patterns)

    def sentence_regex(field_name: str, patterns: list[str]) -> re.Pattern | None:
        """For `unless` and ratios: searched on original text, case-insensitively."""
        if not patterns:
            return None
        try:
            return re.compile(_alternation(patterns), re.IGNORECASE)
        except re.error as exc:
            fail(field_name, f"bad regular expression: {exc}")

    def number(field_name: str) -> float | None:
        value = raw.get(field_name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            fail(field_name, "must be a number")
        return value

    kind = raw.get("type")
    if kind not in RULE_TYPES:
        fail("type", f"must be one of {', '.join(RULE_TYPES)}")
    unknown = set(raw) - COMMON_FIELDS - TYPE_FIELDS[kind]
    if unknown:
        fail(sorted(unknown)[0], f"not a field of a '{kind}' rule")
    category = raw.get("category")
    if category not in RULE_CATEGORIES:
        fail("category", f"must be one of {', '.join(RULE_CATEGORIES)}")
    severity = raw.get("severity")
    if severity not in SEVERITIES:
        fail("severity", f"must be one of {', '.join(SEVERITIES)}")
    replacements = str_list("replacements")
    advice = text("advice", required=False)
    if not replacements and not advice:
        fail("replacements", "give replacements or advice: what to write instead")
    examples = raw.get("examples") or {}
    if not isinstance(examples, dict) or set(examples) - {"flag", "pass"}:
        fail("examples", "must be a mapping with 'flag' and 'pass' lists")
    for key in ("flag", "pass"):
        items = examples.get(key) or []
        if not isinstance(items, list) or not all(isinstance(x, str) and x.strip() for x in items):
            fail(f"examples.{key}", "must be a list of non-empty strings")
    if kind in ("phrases", "pattern", "cooccurrence", "classifier"):
        for i, example in enumerate(examples.get("flag") or []):
            if not EXAMPLE_MARK.search(example):
                fail(f"examples.flag[{i}]", "mark the flagged span with [[...]]")

    common = dict(
        id=rule_id, type=kind, category=category, severity=severity, message=text("message"),
        why=text("why"), replacements=tuple(replacements), advice=advice,
        examples={"flag": list(examples.get("flag") or []), "pass": list(examples.get("pass") or [])},
        source=file.name, description=text("description", required=False),
    )
    if kind in ("phrases", "pattern", "cooccurrence"):
        guards = raw.get("guards", list(DEFAULT_GUARDS))
        if guards is None:
            guards = []
        if not isinstance(guards, list) or any(g not in GUARDS for g in guards):
            fail("guards", f"must be a list of: {', '.join(GUARDS)}")
        span = raw.get("span", "match")
        if span not in ("match", "sentence"):
            fail("span", "must be 'match' or 'sentence'")
        unless = sentence_regex("unless", str_list("unless"))
        if kind == "phrases":
            phrases = str_list("phrases", required=True)
            return PhraseRule(**common, regex=PhraseRule.compile(phrases), unless=unless,
                              guards=tuple(guards), span=span)
        if kind == "cooccurrence":
            concepts = str_list("all", required=True)
            if len(concepts) < 2:
                fail("all", "a cooccurrence rule needs at least two concept patterns")
            compiled = tuple(regex("all", [c]) for c in concepts)
            return CooccurrenceRule(**common, regex=compiled[0], concepts=compiled, unless=unless,
                                    guards=tuple(guards), span=span)
        patterns = str_list("patterns", required=True)
        return PatternRule(**common, regex=regex("patterns", patterns), unless=unless,
                           guards=tuple(guards), span=span)
    if kind == "classifier":
        if category not in ("pressure", "self_focus"):
            fail("category", "a classifier rule is for pressure or self_focus")
        threshold = number("threshold")
        families = raw.get("families") or {}
        if not isinstance(families, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                      for k, v in families.items()):
            fail("families", "must map family names to rule ids")
        rule = ClassifierRule(**common, threshold=6.0 if threshold is None else float(threshold),
                              unless=sentence_regex("unless", str_list("unless")))
        records = load_training(file, rule_id, str_list("training", required=True))
        rule.train(records)
        rule.training_records = records  # kept until load_pack trains the family model
        rule.families = dict(families)  # rule ids until load_pack resolves them
        return rule
    if kind == "metric":
        metric = raw.get("metric")
        if metric not in METRICS:
            fail("metric", f"must be one of {', '.join(METRICS)}")
        low, high = number("min"), number("max")
        if low is None and high is None:
            fail("min", "a metric rule needs min, max or both")
        min_words = number("min_words") or 0
        return MetricRule(**common, metric=metric, min=low, max=high, min_words=int(min_words))
    # ratio
    numerator = sentence_regex("numerator", str_list("numerator", required=True))
    denominator = sentence_regex("denominator", str_list("denominator", required=True))
    low, high = number("min"), number("max")
    if low is None and high is None:
        fail("max", "a ratio rule needs min, max or both")
    min_count = number("min_count")
    return RatioRule(**common, numerator=numerator, denominator=denominator, min=low, max=high,
                     min_count=int(min_count if min_count is not None else 3))


def load_training(file: Path, rule_id: str, names: list[str]) -> list[tuple[str, frozenset, str]]:
    """Labelled sentences for a classifier rule: JSON lines with "text" and "labels"."""
    records = []
    for name in names:
        path = (file.parent / name).resolve()
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            raise RulePackError(file, rule_id, "training", f"cannot read {name}") from None
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                text, labels = record["text"], record.get("labels", [])
                if not isinstance(text, str) or not isinstance(labels, list):
                    raise TypeError
            except (ValueError, KeyError, TypeError):
                raise RulePackError(file, rule_id, "training",
                                    f"{name} line {number}: expected {{\"text\": str, \"labels\": [...]}}") from None
            records.append((text, frozenset(labels), str(record.get("family") or "")))
    if not records:
        raise RulePackError(file, rule_id, "training", "no labelled sentences")
    return records

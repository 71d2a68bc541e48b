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

from .definitions import RULE_CATEGORIES
from .findings import SEVERITIES
from .rules import RULE_TYPES, Fields, Rule, RulePackError

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9][a-z0-9_-]*)+$")
# (?!\]): "[[[First Name]]]" marks "[First Name]", a placeholder in square brackets.
EXAMPLE_MARK = re.compile(r"\[\[(.+?)\]\](?!\])", re.DOTALL)

COMMON_FIELDS = {"id", "type", "category", "severity", "message", "why", "replacements", "advice",
                 "examples", "description", "enabled"}


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
    for directory, linear in ((bundled_dir, False), (team_dir, True)):
        if not directory:
            continue
        path = Path(directory)
        if not path.is_dir():
            raise RulePackError(path, None, None, "rule directory not found")
        files = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and not p.name.startswith("."))
        seen_here: set[str] = set()
        for file in files:
            file_rules, file_disabled, file_enabled, file_off = load_file(file, linear)
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
        rule.bind(active, rules)
    return RulePack(list(active.values()), disabled)


def load_file(file: Path, linear: bool = False) -> tuple[list[Rule], set[str], set[str], set[str]]:
    """A file's rules, the ids it disables and enables, and the ids of its rules that are off by
    default. `linear`: a team pack, whose patterns run on RE2 (rules/matching.py)."""
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except RecursionError:
        raise RulePackError(file, None, None, "not valid YAML: nested too deep to read") from None
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
    rules = [_built(raw, file, linear) for raw in raw_rules]
    off = set()
    for raw, rule in zip(raw_rules, rules):
        flag = raw.get("enabled", True)
        if not isinstance(flag, bool):
            raise RulePackError(file, rule.id, "enabled", "must be true or false")
        if not flag:
            off.add(rule.id)
    return rules, id_lists["disable"], id_lists["enable"], off


def _built(raw: object, file: Path, linear: bool) -> Rule:
    """build_rule, with any failure it did not foresee still a RulePackError naming the rule:
    a reload must be able to refuse a pack, whatever is wrong with it, and keep the old one."""
    try:
        return build_rule(raw, file, linear)
    except RulePackError:
        raise
    except (RecursionError, MemoryError):
        raise RulePackError(file, _rule_id(raw), None, "nested too deep or too large to load") from None
    except Exception as exc:
        raise RulePackError(file, _rule_id(raw), None, f"cannot be loaded ({type(exc).__name__}: {exc})") from None


def _rule_id(raw: object) -> str | None:
    rule_id = raw.get("id") if isinstance(raw, dict) else None
    return rule_id if isinstance(rule_id, str) else None


def build_rule(raw: object, file: Path, linear: bool = False) -> Rule:
    """Validate the fields every rule has, then hand the rest to its type (rules.RULE_TYPES)."""
    if not isinstance(raw, dict):
        raise RulePackError(file, None, None, "each rule must be a mapping")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not ID_PATTERN.match(rule_id):
        raise RulePackError(file, str(rule_id) if rule_id else None, "id",
                            "required; dotted lower-case, e.g. 'pressure.fake-deadline'")
    fields = Fields(raw, file.name, rule_id, base_dir=file.parent, linear=linear)
    kind = fields.choice("type", tuple(RULE_TYPES), None)
    rule_type = RULE_TYPES[kind]
    unknown = set(raw) - COMMON_FIELDS - rule_type.FIELDS
    if unknown:
        fields.fail(sorted(unknown)[0], f"not a field of a '{kind}' rule")
    category = fields.choice("category", RULE_CATEGORIES, None)
    severity = fields.choice("severity", SEVERITIES, None)
    replacements = fields.str_list("replacements")
    advice = fields.text("advice", required=False)
    if not replacements and not advice:
        fields.fail("replacements", "give replacements or advice: what to write instead")
    examples = raw.get("examples") or {}
    if not isinstance(examples, dict) or set(examples) - {"flag", "pass"}:
        fields.fail("examples", "must be a mapping with 'flag' and 'pass' lists")
    for key in ("flag", "pass"):
        items = examples.get(key) or []
        if not isinstance(items, list) or not all(isinstance(x, str) and x.strip() for x in items):
            fields.fail(f"examples.{key}", "must be a list of non-empty strings")
    if rule_type.MARKED_EXAMPLES:
        for i, example in enumerate(examples.get("flag") or []):
            if not EXAMPLE_MARK.search(example):
                fields.fail(f"examples.flag[{i}]", "mark the flagged span with [[...]]")
    common = dict(
        id=rule_id, type=kind, category=category, severity=severity, message=fields.text("message"),
        why=fields.text("why"), replacements=tuple(replacements), advice=advice,
        examples={"flag": list(examples.get("flag") or []), "pass": list(examples.get("pass") or [])},
        source=file.name, description=fields.text("description", required=False), team=linear,
    )
    return rule_type.from_mapping(common, fields)



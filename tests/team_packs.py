"""One team pattern rule as YAML, for the tests and benches that load, reload or break team packs."""
from __future__ import annotations

import json


def team_rule_yaml(pattern: str, flag: str, rule_id: str = "team.push", extra: str = "") -> str:
    """A `pattern` rule entry (under `rules:`) with one flag example and one pass example;
    `extra`: more indented fields, placed before the examples."""
    return f"""  - id: {rule_id}
    type: pattern
    category: pressure
    severity: warning
    message: Pushes the reader.
    why: It sets your pace, not theirs.
    advice: Let them choose the time.
    patterns: [{json.dumps(pattern)}]
{extra}    examples:
      flag: [{json.dumps(flag)}]
      pass: ["Whenever suits you."]
"""

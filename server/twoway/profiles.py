"""Strictness profiles (issue 20): quiet, balanced (the default) and thorough.

Thresholds and severities over one pack, not separate packs:
- quiet shows only what is clearly one-way: findings of rules whose measured precision on the
  real sets (two-reader agreed units, lint_rules/measured.json) is >= QUIET_MIN_PRECISION over at
  least QUIET_MIN_UNITS flagged units, whatever recall that costs; no style hints; grammar and
  spelling errors only (no suggestions); readiness errors (unfilled placeholders: docs/readiness.md);
- balanced is the pack as written;
- thorough lowers the learned rules' thresholds (THOROUGH_LEARNED_SCALE of theirs) so they catch
  more, and shows a finding of a rule measured below THOROUGH_SUGGEST_BELOW as a suggestion:
  more underlines, more of them wrong.

The team picks one on the server (TWOWAY_STRICTNESS); a rep may pick another in the extension's
options (the lint request's "profile"). `twoway profiles` prints each one's precision and recall
on the real sets and, with --update, re-measures lint_rules/measured.json (profile_scores.py).
"""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from .definitions import ONE_WAY_CATEGORIES
from .findings import Finding

PROFILES = ("quiet", "balanced", "thorough")
DEFAULT_PROFILE = "balanced"
QUIET_MIN_PRECISION = 0.95
QUIET_MIN_UNITS = 3
THOROUGH_LEARNED_SCALE = 0.5
THOROUGH_SUGGEST_BELOW = 0.80
MEASURED_FILE = "measured.json"


def load_measured(rules_dir) -> dict:
    """{rule id: {"units", "right", "precision"}} from the pack's measured.json ({} when absent)."""
    path = Path(rules_dir) / MEASURED_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data.get("rules", {}) if isinstance(data, dict) else {}


def clearly_one_way(rule_id: str, measured: dict) -> bool:
    tally = measured.get(rule_id)
    return bool(tally) and tally["units"] >= QUIET_MIN_UNITS and tally["precision"] >= QUIET_MIN_PRECISION


def thorough_rules(rules: list) -> list:
    """The pack's rules with the learned (classifier) rules' thresholds lowered."""
    return [replace(r, threshold=r.threshold * THOROUGH_LEARNED_SCALE) if r.type == "classifier" else r
            for r in rules]


def apply_profile(profile: str, findings: list[Finding], measured: dict) -> list[Finding]:
    """What a profile shows of a lint's findings (balanced: all of them, as they are)."""
    if profile == "quiet":
        return [f for f in findings
                if (f.category in ONE_WAY_CATEGORIES and clearly_one_way(f.rule, measured))
                or (f.category in ("grammar", "spelling") and f.severity == "error")
                # an unfilled placeholder is never noise: quiet keeps it (and the send guard with it)
                or (f.category == "readiness" and f.severity == "error")]
    if profile == "thorough":
        out = []
        for f in findings:
            tally = measured.get(f.rule)
            unsure = f.category in ONE_WAY_CATEGORIES and (
                tally is None or tally["units"] == 0 or tally["precision"] < THOROUGH_SUGGEST_BELOW)
            out.append(replace(f, severity="suggestion") if unsure and f.severity != "suggestion" else f)
        return out
    return findings

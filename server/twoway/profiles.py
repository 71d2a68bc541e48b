"""Strictness profiles (issue 20): quiet, balanced (the default) and thorough.

Thresholds and severities over one pack, not separate packs:
- quiet shows only what is clearly one-way: findings of rules whose measured precision on the
  real sets (two-reader agreed units, lint_rules/measured.json) is >= QUIET_MIN_PRECISION over at
  least QUIET_MIN_UNITS flagged units, whatever recall that costs; no style hints; grammar and
  spelling errors only (no suggestions);
- balanced is the pack as written;
- thorough lowers the learned rules' thresholds (THOROUGH_LEARNED_SCALE of theirs) so they catch
  more, and shows a finding of a rule measured below THOROUGH_SUGGEST_BELOW as a suggestion:
  more underlines, more of them wrong.

The team picks one on the server (TWOWAY_STRICTNESS); a rep may pick another in the extension's
options (the lint request's "profile"). `twoway profiles` prints each one's precision and recall
on the real sets and, with --update, re-measures lint_rules/measured.json.
"""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from .findings import ONE_WAY_CATEGORIES, Finding

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
                or (f.category in ("grammar", "spelling") and f.severity == "error")]
    if profile == "thorough":
        out = []
        for f in findings:
            tally = measured.get(f.rule)
            unsure = f.category in ONE_WAY_CATEGORIES and (
                tally is None or tally["units"] == 0 or tally["precision"] < THOROUGH_SUGGEST_BELOW)
            out.append(replace(f, severity="suggestion") if unsure and f.severity != "suggestion" else f)
        return out
    return findings


# -- measuring, on the real sets ------------------------------------------------------------
# ../shared/realworld (309 emails) and ../shared/realworld2 (100 emails of 3 other senders), each
# with two independent readers (labels_a, labels_b); a category is scored on a unit only where
# both readers agree about it (as the sets' score.py does with several label files).
REAL_SETS = ("realworld", "realworld2")


def agreed_scores(answers: dict, directory: Path) -> dict:
    """Unit precision/recall per category and per rule on agreed units. `answers`: email id ->
    (text, issues with UTF-16 offsets)."""
    from .evaluate import _utf16_to_index, read_jsonl

    units = read_jsonl(directory / "units.jsonl")
    readers = [{(x["email_id"], x["unit"]): x for x in read_jsonl(directory / name)}
               for name in ("labels_a.jsonl", "labels_b.jsonl")]
    spans = {}
    for eid, (text, issues) in answers.items():
        to_index = _utf16_to_index(text)
        spans[eid] = [(to_index(i["start"]), to_index(i["end"]), i["category"], i["rule"]) for i in issues
                      if i["category"] in ONE_WAY_CATEGORIES and i.get("field", "body") == "body"
                      and i["end"] > i["start"]]
    counts = {c: {"tp": 0, "fp": 0, "fn": 0} for c in ONE_WAY_CATEGORIES}
    rules: dict[str, dict] = {}
    for u in units:
        key = (u["email_id"], u["unit"])
        if u["email_id"] not in spans or not all(key in r for r in readers):
            continue
        hits = [s for s in spans[u["email_id"]] if s[0] < u["end"] and u["start"] < s[1]]
        for c in ONE_WAY_CATEGORIES:
            votes = {c in r[key]["labels"] for r in readers}
            if len(votes) > 1:
                continue
            gold = votes.pop()
            fired = sorted({h[3] for h in hits if h[2] == c})
            for rule in fired:
                tally = rules.setdefault(rule, {"units": 0, "right": 0})
                tally["units"] += 1
                tally["right"] += gold
            if fired:
                counts[c]["tp" if gold else "fp"] += 1
            elif gold:
                counts[c]["fn"] += 1
    return {"categories": counts, "rules": rules}


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def measure(checker, shared_dir: Path) -> dict:
    """Each profile's tallies on each real set and both together, and each rule's (balanced)."""
    from .api import serialize_report
    from .evaluate import read_jsonl

    result = {"sets": {}, "profiles": {p: {} for p in PROFILES}, "rules": {}}
    for name in REAL_SETS:
        directory = shared_dir / name
        emails = read_jsonl(directory / "emails.jsonl")
        result["sets"][name] = len(emails)
        for profile in PROFILES:
            answers = {e["id"]: (e["text"], serialize_report(checker.check(e["text"], grammar=False,
                                                                            profile=profile))["issues"])
                       for e in emails}
            scored = agreed_scores(answers, directory)
            result["profiles"][profile][name] = scored["categories"]
            if profile == "balanced":
                for rule, tally in scored["rules"].items():
                    total = result["rules"].setdefault(rule, {"units": 0, "right": 0})
                    total["units"] += tally["units"]
                    total["right"] += tally["right"]
    for tally in result["rules"].values():
        tally["precision"] = round(tally["right"] / tally["units"], 4)
    for profile, per_set in result["profiles"].items():
        both = {c: {k: sum(per_set[s][c][k] for s in per_set) for k in ("tp", "fp", "fn")} for c in ONE_WAY_CATEGORIES}
        per_set["both"] = both
    return result


def table(result: dict) -> str:
    """The profile table (markdown): precision / recall per category and one-way overall."""
    lines = ["| profile | set | pressure P / R | self_focus P / R | one-way P / R (tp/fp/fn) |",
             "| --- | --- | --- | --- | --- |"]
    fmt = lambda v: "—" if v is None else f"{v:.2f}"  # noqa: E731
    for profile in PROFILES:
        for name in (*REAL_SETS, "both"):
            cats = result["profiles"][profile][name]
            cells = []
            for c in ONE_WAY_CATEGORIES:
                n = cats[c]
                cells.append(f"{fmt(_ratio(n['tp'], n['tp'] + n['fp']))} / {fmt(_ratio(n['tp'], n['tp'] + n['fn']))}")
            tp = sum(cats[c]["tp"] for c in cats)
            fp = sum(cats[c]["fp"] for c in cats)
            fn = sum(cats[c]["fn"] for c in cats)
            overall = f"{fmt(_ratio(tp, tp + fp))} / {fmt(_ratio(tp, tp + fn))} ({tp}/{fp}/{fn})"
            label = f"**{profile}**" if name == "both" else profile
            lines.append(f"| {label} | {name} | {cells[0]} | {cells[1]} | {overall} |")
    return "\n".join(lines)

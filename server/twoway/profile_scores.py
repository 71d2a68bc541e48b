"""Each strictness profile's precision and recall on the real sets (`twoway profiles`), and each
rule's precision there (lint_rules/measured.json, which the quiet and thorough profiles read).

../shared/realworld (309 emails) and ../shared/realworld2 (100 emails of 3 other senders), each
with two independent readers (labels_a, labels_b); a category is scored on a unit only where
both readers agree about it (as the sets' score.py does with several label files).
"""
from __future__ import annotations

from pathlib import Path

from .evaluate import read_jsonl
from .definitions import ONE_WAY_CATEGORIES
from .profiles import PROFILES

REAL_SETS = ("realworld", "realworld2")


def agreed_scores(findings: dict, directory: Path) -> dict:
    """Unit precision/recall per category and per rule on agreed units. `findings`: email id ->
    the checker's findings (code-point offsets, as the units' are)."""
    units = read_jsonl(directory / "units.jsonl")
    readers = [{(x["email_id"], x["unit"]): x for x in read_jsonl(directory / name)}
               for name in ("labels_a.jsonl", "labels_b.jsonl")]
    spans = {eid: [(f.start, f.end, f.category, f.rule) for f in found
                   if f.category in ONE_WAY_CATEGORIES and f.field == "body" and f.end > f.start]
             for eid, found in findings.items()}
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
    result = {"sets": {}, "profiles": {p: {} for p in PROFILES}, "rules": {}}
    for name in REAL_SETS:
        directory = shared_dir / name
        emails = read_jsonl(directory / "emails.jsonl")
        result["sets"][name] = len(emails)
        for profile in PROFILES:
            found = {e["id"]: checker.check(e["text"], grammar=False, profile=profile).findings for e in emails}
            scored = agreed_scores(found, directory)
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

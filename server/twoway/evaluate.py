"""Measuring a rule pack against labelled sentences and emails (`twoway evaluate`)."""
from __future__ import annotations

import json
import os
from pathlib import Path

from .definitions import ONE_WAY_CATEGORIES
from .engine import Linter
from .utf16 import Utf16Map


def read_jsonl(path: str | Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def sentence_scores(linter: Linter, records: list[dict]) -> dict:
    """Precision and recall per one-way category, and the false-alarm rate on hard negatives."""
    counts = {c: {"tp": 0, "fp": 0, "fn": 0} for c in ONE_WAY_CATEGORIES}
    hard_total = hard_flagged = 0
    errors = []
    for record in records:
        found = {f.category for f in linter.lint(record["text"]).findings} & set(ONE_WAY_CATEGORIES)
        gold = set(record.get("labels", []))
        for c in ONE_WAY_CATEGORIES:
            if c in found and c in gold:
                counts[c]["tp"] += 1
            elif c in found:
                counts[c]["fp"] += 1
                errors.append(("false alarm", c, record["text"]))
            elif c in gold:
                counts[c]["fn"] += 1
                errors.append(("missed", c, record["text"]))
        if not gold and record.get("hard_negative"):
            hard_total += 1
            hard_flagged += bool(found)
    scores = {}
    for c, n in counts.items():
        scores[c] = {
            "precision": n["tp"] / max(n["tp"] + n["fp"], 1),
            "recall": n["tp"] / max(n["tp"] + n["fn"], 1),
            **n,
        }
    scores["hard_negative_flag_rate"] = hard_flagged / max(hard_total, 1)
    scores["hard_negatives"] = hard_total
    scores["errors"] = errors
    return scores


def roc_auc(scores_pos: list[float], scores_neg: list[float]) -> float:
    """Probability that a random positive scores above a random negative (ties count half)."""
    if not scores_pos or not scores_neg:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in scores_pos for n in scores_neg)
    return wins / (len(scores_pos) * len(scores_neg))


def email_auc(linter: Linter, records: list[dict]) -> float:
    """ROC AUC of the alignment score for telling two-way emails from one-way ones."""
    two_way, one_way = [], []
    for record in records:
        score = linter.lint(record["text"], record.get("subject", "")).stats["alignment_score"]
        (two_way if record["label"] == "two_way" else one_way).append(score)
    return roc_auc(two_way, one_way)


# Real-world emails (a directory of emails.jsonl + units.jsonl + labels.jsonl) ---------------------
# Scored exactly like that directory's score.py: a unit is flagged for a category when a body
# finding of that category overlaps it; precision and recall are over units, per category and
# per rule; the alignment score's ROC AUC separates emails with one-way units from the rest.

REALWORLD_FILES = ("emails.jsonl", "units.jsonl", "labels.jsonl")
# The public labelled set of real sales email is not shipped: a developer keeps it beside the
# checkout (../shared/realworld) or names it with TWOWAY_REALWORLD. Nothing else depends on it.
REALWORLD_DIR = Path(os.environ.get("TWOWAY_REALWORLD")
                     or Path(__file__).resolve().parents[3] / "shared" / "realworld")


def is_realworld_dir(path: str | Path) -> bool:
    return Path(path).is_dir() and all((Path(path) / name).is_file() for name in REALWORLD_FILES)


def realworld_scores(lint, directory: str | Path) -> dict:
    """Unit precision and recall per category and per rule, and the score's AUC.

    `lint(text)` returns the API's answer for one email (issues with UTF-16 offsets, stats).
    """
    directory = Path(directory)
    emails = read_jsonl(directory / "emails.jsonl")
    units = read_jsonl(directory / "units.jsonl")
    labels = {(x["email_id"], x["unit"]): x for x in read_jsonl(directory / "labels.jsonl")}
    spans: dict[str, list] = {}
    scores_of: dict[str, int] = {}
    for email in emails:
        answer = lint(email["text"])
        offsets = Utf16Map(email["text"])  # the answer's offsets are UTF-16 units
        spans[email["id"]] = [(offsets.from_utf16(i["start"]), offsets.from_utf16(i["end"]),
                               i["category"], i["rule"])
                              for i in answer["issues"]
                              if i["category"] in ONE_WAY_CATEGORIES and i.get("field", "body") == "body"
                              and i["end"] > i["start"]]
        scores_of[email["id"]] = answer["stats"]["alignment_score"]
    counts = {c: {"tp": 0, "fp": 0, "fn": 0} for c in ONE_WAY_CATEGORIES}
    per_rule: dict[str, dict] = {}
    one_way_emails = set()
    details = []
    for unit in units:
        key = (unit["email_id"], unit["unit"])
        if unit["email_id"] not in spans or key not in labels:
            continue
        gold_labels = set(labels[key]["labels"])
        if gold_labels & set(ONE_WAY_CATEGORIES):
            one_way_emails.add(unit["email_id"])
        hits = [s for s in spans[unit["email_id"]] if s[0] < unit["end"] and unit["start"] < s[1]]
        row = {"email_id": unit["email_id"], "unit": unit["unit"], "text": unit["text"]}
        for c in ONE_WAY_CATEGORIES:
            gold = c in gold_labels
            rules = sorted({h[3] for h in hits if h[2] == c})
            for rule in rules:
                tally = per_rule.setdefault(rule, {"category": c, "units": 0, "right": 0})
                tally["units"] += 1
                tally["right"] += gold
            if rules and gold:
                counts[c]["tp"] += 1
            elif rules:
                counts[c]["fp"] += 1
            elif gold:
                counts[c]["fn"] += 1
            if rules or gold:
                row[c] = ("TP" if gold else "FP") if rules else "FN"
                row[c + "_rules"] = rules
        if len(row) > 3:
            details.append(row)
    scores = {c: {"precision": n["tp"] / (n["tp"] + n["fp"]) if n["tp"] + n["fp"] else float("nan"),
                  "recall": n["tp"] / (n["tp"] + n["fn"]) if n["tp"] + n["fn"] else float("nan"), **n}
              for c, n in counts.items()}
    for tally in per_rule.values():
        tally["precision"] = tally["right"] / tally["units"]
    positives = [s for e, s in scores_of.items() if e in one_way_emails]
    negatives = [s for e, s in scores_of.items() if e not in one_way_emails]
    return {**scores, "rules": per_rule, "auc": roc_auc(negatives, positives), "emails": len(emails),
            "one_way_emails": len(positives), "details": details}

"""Measuring a rule pack against labelled sentences and emails (`twoway evaluate`)."""
from __future__ import annotations

import json
from pathlib import Path

from .engine import Linter
from .findings import ONE_WAY_CATEGORIES


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

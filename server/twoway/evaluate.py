"""Measuring a rule pack against labelled sentences and emails (`twoway evaluate`)."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
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


# Leave-one-source-out (`twoway evaluate --by-source`) --------------------------------------------
# Both labelled folders (../shared/realworld and ../shared/realworld2), two readers each
# (labels_a.jsonl, labels_b.jsonl). A category is scored only on units where both readers agree
# about it, and a unit counts as flagged when a body finding of that category overlaps it: the
# counting of score.py. For each source repository, whatever the pack learns from data (the
# learned model's weights and thresholds) is fitted on the other sources and scored on this one.

LABELLED_DIRS = (REALWORLD_DIR, REALWORLD_DIR.parent / "realworld2")
READER_FILES = ("labels_a.jsonl", "labels_b.jsonl")


@dataclass
class LabelledEmail:
    id: str
    source: str
    text: str
    # (start, end, {category: True / False / None when the readers disagree})
    units: list[tuple[int, int, dict]]

    def one_way(self) -> bool:
        """Both readers put a one-way label on some unit (score.py's email label)."""
        return any(g is True for _, _, gold in self.units for g in gold.values())


def has_labelled_sets(dirs=LABELLED_DIRS) -> bool:
    return all((Path(d) / name).is_file() for d in dirs
               for name in ("emails.jsonl", "units.jsonl", *READER_FILES))


def load_labelled(dirs=LABELLED_DIRS) -> list[LabelledEmail]:
    emails = []
    for directory in map(Path, dirs):
        readers = [{(x["email_id"], x["unit"]): set(x["labels"]) for x in read_jsonl(directory / name)}
                   for name in READER_FILES]
        units_of: dict[str, list] = {}
        for unit in read_jsonl(directory / "units.jsonl"):
            key = (unit["email_id"], unit["unit"])
            if not all(key in r for r in readers):
                continue
            votes = {c: {c in r[key] for r in readers} for c in ONE_WAY_CATEGORIES}
            gold = {c: (v.pop() if len(v) == 1 else None) for c, v in votes.items()}
            units_of.setdefault(unit["email_id"], []).append((unit["start"], unit["end"], gold))
        for email in read_jsonl(directory / "emails.jsonl"):
            emails.append(LabelledEmail(email["id"], email["source_repo"], email["text"],
                                        units_of.get(email["id"], [])))
    return emails


def linted_spans(linter: Linter, email: LabelledEmail) -> tuple[list[tuple[int, int, str]], float]:
    result = linter.lint(email.text)
    spans = [(f.start, f.end, f.category) for f in result.findings
             if f.category in ONE_WAY_CATEGORIES and f.field == "body" and f.end > f.start]
    return spans, result.stats["alignment_score"]


def score_linted(emails: list[LabelledEmail], linted: dict) -> dict:
    """Unit P/R per category and the alignment score's email AUC, as score.py counts them; under
    "details", every unit counted (tp, fp, fn) with its text, for reading the errors."""
    counts = {c: {"tp": 0, "fp": 0, "fn": 0} for c in ONE_WAY_CATEGORIES}
    details = []
    positives, negatives = [], []
    for email in emails:
        spans, score = linted[email.id]
        (positives if email.one_way() else negatives).append(score)
        for start, end, gold in email.units:
            for c in ONE_WAY_CATEGORIES:
                if gold[c] is None:
                    continue
                flagged = any(cat == c and a < end and start < b for a, b, cat in spans)
                key = ("tp" if gold[c] else "fp") if flagged else ("fn" if gold[c] else None)
                if key:
                    counts[c][key] += 1
                    details.append({"source": email.source, "email_id": email.id, "start": start, "end": end,
                                    "category": c, "outcome": key, "text": email.text[start:end]})
    out = {}
    for c, n in counts.items():
        out[c] = {"precision": n["tp"] / (n["tp"] + n["fp"]) if n["tp"] + n["fp"] else float("nan"),
                  "recall": n["tp"] / (n["tp"] + n["fn"]) if n["tp"] + n["fn"] else float("nan"), **n}
    out["auc"] = roc_auc(negatives, positives)  # a higher score is more two-way
    out["emails"] = len(emails)
    out["details"] = details
    return out


def by_source(emails: list[LabelledEmail], linter_without) -> dict[str, dict]:
    """Each source scored by `linter_without(source)`: a Linter whose learned parts never saw it."""
    results = {}
    for source in sorted({e.source for e in emails}):
        linter = linter_without(source)
        held_out = [e for e in emails if e.source == source]
        results[source] = score_linted(held_out, {e.id: linted_spans(linter, e) for e in held_out})
    return results


def summary_rows(results: dict[str, dict]) -> dict[str, dict]:
    """Mean and worst over sources of each figure (sources where a figure is undefined skip it)."""
    keys = [(c, m) for c in ONE_WAY_CATEGORIES for m in ("precision", "recall")] + [("auc", None)]
    mean, worst = {}, {}
    for c, m in keys:
        values = [r[c][m] if m else r[c] for r in results.values()]
        values = [v for v in values if v == v]
        mean[(c, m)] = sum(values) / len(values) if values else float("nan")
        worst[(c, m)] = min(values) if values else float("nan")
    return {"mean": mean, "worst": worst}


def format_by_source(results: dict[str, dict]) -> str:
    def f(v):
        return "  -  " if v != v else f"{v:.2f}"
    lines = ["| source | emails | pressure P | pressure R | self_focus P | self_focus R | email AUC |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for source, r in results.items():
        p, s = r["pressure"], r["self_focus"]
        lines.append(f"| {source} | {r['emails']} | {f(p['precision'])} ({p['tp']}/{p['tp'] + p['fp']}) | "
                     f"{f(p['recall'])} ({p['tp']}/{p['tp'] + p['fn']}) | {f(s['precision'])} ({s['tp']}/{s['tp'] + s['fp']}) | "
                     f"{f(s['recall'])} ({s['tp']}/{s['tp'] + s['fn']}) | {f(r['auc'])} |")
    summary = summary_rows(results)
    for name in ("mean", "worst"):
        row = summary[name]
        lines.append(f"| **{name}** | | {f(row[('pressure', 'precision')])} | {f(row[('pressure', 'recall')])} | "
                     f"{f(row[('self_focus', 'precision')])} | {f(row[('self_focus', 'recall')])} | {f(row[('auc', None)])} |")
    # Pooled over every source: the in-sample style figure, for comparison.
    return "\n".join(lines)


def rule_tallies(linter: Linter, emails: list[LabelledEmail]) -> dict[str, dict]:
    """Units each rule flagged where both readers agree on its category, and how many carry it."""
    tallies: dict[str, dict] = {}
    for email in emails:
        findings = [f for f in linter.lint(email.text).findings
                    if f.category in ONE_WAY_CATEGORIES and f.field == "body" and f.end > f.start]
        for start, end, gold in email.units:
            for rule in {(f.rule, f.category) for f in findings if f.start < end and start < f.end}:
                if gold[rule[1]] is None:
                    continue
                tally = tallies.setdefault(rule[0], {"category": rule[1], "units": 0, "right": 0})
                tally["units"] += 1
                tally["right"] += gold[rule[1]]
    for tally in tallies.values():
        tally["precision"] = tally["right"] / tally["units"]
    return tallies

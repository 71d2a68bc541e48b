"""Accuracy floors on labelled sentences and emails written to labels.md by people who did not see the rules.

lint_rules/training/*.jsonl tuned the hand-written rules and train the learned rules, so their
floors only guard against regressions. tests/data/blind_sentences.jsonl and final_sentences.jsonl
were never read sentence by sentence nor trained on: they estimate how the pack does on phrasing
it has not seen, held to precision >= 0.90 in both categories, recall >= 0.85 (self_focus) and
>= 0.80 (pressure; see FLOORS), and at most 1 in 20 hard negatives flagged. Real email is held to its own targets in
tests/test_realworld.py.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from twoway.evaluate import email_auc, read_jsonl, sentence_scores
from twoway.sentences import normalize_apostrophes

DATA = Path(__file__).parent / "data"
TRAINING = Path(__file__).parents[1] / "lint_rules" / "training"
# Never trained on nor tuned to, sentence by sentence: the pack's estimate on unseen phrasing.
HELD_OUT = (DATA / "blind_sentences.jsonl", DATA / "final_sentences.jsonl")

FLOORS = {
    # file: (pressure precision, pressure recall, self_focus precision, self_focus recall, hard-negative flag rate)
    # Since issue 16 the learned model (trained on real email the two readers agreed on) withdraws
    # hand-written flags of kinds that did not hold on senders the rules were not written for; on
    # these recipe-style sets that costs pressure recall (blind 0.91 -> 0.80, final 0.96 -> 0.81)
    # while precision stays >= 0.98. Held-out real email is the target now (docs/accuracy.md);
    # these floors guard against regressions from here.
    **{TRAINING / f"{name}_sentences.jsonl": (0.95, 0.80, 0.94, 0.90, 0.05)
       for name in ("dev", "check", "fresh", "round3", "round4")},
    TRAINING / "realkinds_sentences.jsonl": (0.90, 0.85, 0.90, 0.85, 0.05),
    DATA / "blind_sentences.jsonl": (0.90, 0.80, 0.90, 0.85, 0.05),
    DATA / "final_sentences.jsonl": (0.90, 0.80, 0.90, 0.85, 0.05),
}


@pytest.mark.parametrize("path", sorted(FLOORS), ids=lambda p: p.name)
def test_sentence_precision_and_recall_floors(linter, path):
    scores = sentence_scores(linter, read_jsonl(path))
    p_prec, p_rec, s_prec, s_rec, hard = FLOORS[path]
    assert scores["pressure"]["precision"] >= p_prec
    assert scores["pressure"]["recall"] >= p_rec
    assert scores["self_focus"]["precision"] >= s_prec
    assert scores["self_focus"]["recall"] >= s_rec
    assert scores["hard_negative_flag_rate"] <= hard


def test_dataset_is_large_enough_with_hard_negatives():
    records = read_jsonl(TRAINING / "dev_sentences.jsonl")
    assert len(records) >= 200
    assert sum(1 for r in records if r.get("hard_negative")) >= 50


@pytest.mark.parametrize("name", ["emails.jsonl", "round4_emails.jsonl"])
def test_alignment_score_ranks_two_way_emails_above_one_way(linter, name):
    assert email_auc(linter, read_jsonl(DATA / name)) >= 0.95


def _same_sentence_key(text: str) -> str:
    """Two records hold the same sentence when they differ only in case, spacing or apostrophes."""
    return " ".join(normalize_apostrophes(text).casefold().split())


def test_held_out_sets_share_no_sentence_with_the_training_files():
    """The held-out sets estimate phrasing the pack has not seen only if the pack never trained on it."""
    held_out = {}
    for path in HELD_OUT:
        for record in read_jsonl(path):
            held_out.setdefault(_same_sentence_key(record["text"]), f"{path.name}: {record['text']!r}")
    shared = [f"{training.name} and {held_out[key]}"
              for training in sorted(TRAINING.glob("*.jsonl"))
              for key in map(_same_sentence_key, (r["text"] for r in read_jsonl(training)))
              if key in held_out]
    assert not shared, "held-out sentences also in training:\n" + "\n".join(shared)

"""Accuracy floors on our own labelled sentences and emails (tests/data/, written to labels.md).

dev_sentences.jsonl was used to tune the rules; check_sentences.jsonl was written separately in
another style and tuned on later; blind_sentences.jsonl was never looked at sentence by sentence
and is the honest estimate of generalisation (its figures are reported, with a floor well below).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from twoway.evaluate import email_auc, read_jsonl, sentence_scores

DATA = Path(__file__).parent / "data"

FLOORS = {
    # file: (pressure precision, pressure recall, self_focus precision, self_focus recall, hard-negative flag rate)
    "dev_sentences.jsonl": (0.95, 0.95, 0.95, 0.95, 0.05),
    "check_sentences.jsonl": (0.90, 0.80, 0.90, 0.55, 0.10),
    "blind_sentences.jsonl": (0.90, 0.50, 0.90, 0.50, 0.10),
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_sentence_precision_and_recall_floors(linter, name):
    scores = sentence_scores(linter, read_jsonl(DATA / name))
    p_prec, p_rec, s_prec, s_rec, hard = FLOORS[name]
    assert scores["pressure"]["precision"] >= p_prec
    assert scores["pressure"]["recall"] >= p_rec
    assert scores["self_focus"]["precision"] >= s_prec
    assert scores["self_focus"]["recall"] >= s_rec
    assert scores["hard_negative_flag_rate"] <= hard


def test_dataset_is_large_enough_with_hard_negatives():
    records = read_jsonl(DATA / "dev_sentences.jsonl")
    assert len(records) >= 200
    assert sum(1 for r in records if r.get("hard_negative")) >= 50


def test_alignment_score_ranks_two_way_emails_above_one_way(linter):
    assert email_auc(linter, read_jsonl(DATA / "emails.jsonl")) >= 0.95

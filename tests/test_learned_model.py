"""The shipped learned model (lint_rules/learned_model.json): what it holds, that training it is
deterministic, and that ordinary business mail stays clean with it on."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from twoway.config import BUNDLED_RULES_DIR
from twoway.evaluate import LABELLED_DIRS, has_labelled_sets
from twoway.rules.linear import feature_buckets, feature_names, hashed, load_model_file

MODEL = Path(BUNDLED_RULES_DIR) / "learned_model.json"


def test_the_shipped_model_holds_numbers_only():
    raw = json.loads(MODEL.read_text(encoding="utf-8"))
    assert raw["format"] == "twoway-linear"
    for category in ("pressure", "self_focus"):
        weights = raw["categories"][category]["weights"]
        # hashed buckets: no word, no sentence of the data it learned from
        assert weights and all(key.isdigit() and int(key) < raw["buckets"] for key in weights)
        assert all(isinstance(w, float) for w in weights.values())
        assert 0.0 < raw["categories"][category]["threshold"] < 1.0
    assert set(raw["meta"]) <= {"rows", "config", "sources"}


def test_features_are_stable_hashes():
    # CRC-32, not Python's salted hash(): the same sentence maps to the same buckets in every process
    names = feature_names("Just checking in on my last note.", "body", "first", [("self_focus.filler-follow-up", "self_focus")])
    assert {"w:checking", "b:checking in", "p:first", "r:self_focus.filler-follow-up", "q:False"} <= names
    assert hashed(names, 1 << 18) == hashed(set(sorted(names)), 1 << 18)
    assert hashed({"w:checking"}, 1 << 18) == [243722]


@pytest.mark.parametrize("char_grams", [True, False])
def test_the_linters_buckets_are_the_hashed_feature_names(char_grams):
    """feature_buckets hashes from bytes without building names; training hashes the names."""
    sentences = ["Just checking in on my last note.", "", "OK", "Sign by Friday!!", "Are you free? We'll see.",
                 "Ünïcödé naïve café — İstanbul’s rep’s “quote”", "I I I I", "a b", "x" * 300, "42 2026 $1,200"]
    fired = [[], [("pressure.fake-deadline", "pressure")],
             [("self_focus.filler-follow-up", "self_focus"), ("pressure.fomo", "pressure")]]
    for text in sentences:
        for rules in fired:
            for kind, position in (("body", "first"), ("subject", None), ("body", "mid")):
                names = feature_names(text, kind, position, rules, char_grams)
                for buckets in (1 << 18, 1 << 10):
                    assert feature_buckets(text, kind, position, rules, char_grams, buckets) == hashed(names, buckets), text


# Ordinary mail a rep writes with the extension on: none of it pushes or centres the seller
# on a buyer, so none of it may be underlined (written for this test, not taken from any set).
CLEAN_BUSINESS_MAIL = [
    "My numbers are in the shared sheet; the March column is the one that changed.",
    "Welcome to the team, Priya! Your laptop arrives Monday and IT will set you up.",
    "If anything is unclear, give me a call on 555-0142.",
    "Internal note: I moved the Acme renewal to next week because their CFO is out.",
    "Thanks for flagging the login error. We pushed a fix this morning; could you try again?",
    "I'm out of the office until Thursday, so Sam will answer any billing questions.",
    "Here are three times that work on my side, as you asked: Tuesday 10am, Wednesday 2pm or Friday 9am.",
    "Can we move our one-on-one to 3pm? My dentist appointment ran over.",
    "I've attached the signed NDA and the W-9 your finance team requested.",
    "Our office is closed on Monday for the holiday.",
    "We refunded the duplicate charge; it should show on your card in 3-5 days.",
    "Let me know if you'd like me to loop in our solutions engineer.",
    "I spoke with our legal team and they are fine with your redlines on section 4.",
    "Quick reminder for the team: expense reports are due to finance by Friday.",
    "Congrats on the Series B, and on the new office in Austin.",
    "I saw your post on onboarding churn; how are you measuring it today?",
    "P.S. The webinar recording is here if your team missed it.",
]


@pytest.mark.parametrize("text", CLEAN_BUSINESS_MAIL)
def test_ordinary_business_mail_stays_clean(linter, text):
    one_way = [(f.rule, text[f.start:f.end]) for f in linter.lint(text).findings
               if f.category in ("pressure", "self_focus")]
    assert one_way == []


def test_the_bundled_learned_rules_read_the_shipped_model(linter):
    rule = linter.pack.by_id("pressure.learned")
    assert rule.linear is not None and rule.linear.categories["pressure"].threshold == load_model_file(MODEL).categories["pressure"].threshold


@pytest.mark.realdata
@pytest.mark.skipif(not has_labelled_sets(), reason=(
    "the two-reader labelled sets are not here: put ../shared/realworld and ../shared/realworld2 "
    "(emails.jsonl, units.jsonl, labels_a.jsonl, labels_b.jsonl) beside the checkout to re-train"))
def test_training_again_gives_the_shipped_model():
    numpy = pytest.importorskip("numpy", reason="training needs numpy: pip install -e '.[train]'")
    del numpy
    from twoway import training
    from twoway.evaluate import load_labelled

    model = training.train(training.hand_pack(BUNDLED_RULES_DIR), load_labelled(LABELLED_DIRS),
                           training.read_recipes(Path(BUNDLED_RULES_DIR) / "training"), training.TrainingConfig())
    shipped = load_model_file(MODEL)
    fresh = load_model_file_from_text(model.to_json())
    for category, m in shipped.categories.items():
        f = fresh.categories[category]
        assert (f.threshold, round(f.bias, 3)) == (m.threshold, round(m.bias, 3))
        keys = set(m.weights) | set(f.weights)
        assert max(abs(m.weights.get(k, 0.0) - f.weights.get(k, 0.0)) for k in keys) < 1e-3


def load_model_file_from_text(text: str):
    import tempfile
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        handle.write(text)
    try:
        return load_model_file(handle.name)
    finally:
        Path(handle.name).unlink()

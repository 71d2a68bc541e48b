"""`twoway evaluate` on the real-world format (emails + units + labels), on a tiny set written here."""
from __future__ import annotations

import json

import pytest

from twoway.cli import main
from twoway.evaluate import realworld_scores

EMAILS = [
    {"id": "a", "text": "Hi Dana,\n\nThis rate expires Friday, so sign today.\n\nHow is the pilot going?"},
    {"id": "b", "text": "Thanks for the notes. Here is the report you asked for."},
]
# (email, unit, start, end, labels)
UNITS = [("a", 0, 0, 8, []), ("a", 1, 10, 48, ["pressure"]), ("a", 2, 50, 73, []),
         ("b", 0, 0, 21, []), ("b", 1, 22, 56, ["self_focus"])]


def write_set(directory):
    directory.mkdir(exist_ok=True)
    (directory / "emails.jsonl").write_text("".join(json.dumps(e) + "\n" for e in EMAILS))
    (directory / "units.jsonl").write_text("".join(
        json.dumps({"email_id": e, "unit": u, "start": a, "end": b, "text": EMAILS[0 if e == "a" else 1]["text"][a:b]}) + "\n"
        for e, u, a, b, _ in UNITS))
    (directory / "labels.jsonl").write_text("".join(
        json.dumps({"email_id": e, "unit": u, "labels": labels, "borderline": False, "family": ""}) + "\n"
        for e, u, _, _, labels in UNITS))
    return directory


def fake_lint(text):
    """One pressure finding on 'sign today' and a self_focus one on 'Thanks' (a wrong one)."""
    issues = []
    for needle, category, rule in (("sign today", "pressure", "p.rule"), ("Thanks", "self_focus", "s.rule")):
        at = text.find(needle)
        if at >= 0:
            issues.append({"start": at, "end": at + len(needle), "category": category, "rule": rule, "field": "body"})
    return {"issues": issues, "stats": {"alignment_score": 40 if issues and "sign" in text else 90}}


def test_units_are_flagged_by_overlap_and_scored_per_category_and_rule(tmp_path):
    scores = realworld_scores(fake_lint, write_set(tmp_path / "rw"))
    assert (scores["pressure"]["tp"], scores["pressure"]["fp"], scores["pressure"]["fn"]) == (1, 0, 0)
    assert (scores["self_focus"]["tp"], scores["self_focus"]["fp"], scores["self_focus"]["fn"]) == (0, 1, 1)
    assert scores["rules"] == {"p.rule": {"category": "pressure", "units": 1, "right": 1, "precision": 1.0},
                               "s.rule": {"category": "self_focus", "units": 1, "right": 0, "precision": 0.0}}
    # both emails hold a one-way unit: no email without one, so the AUC is undefined
    assert scores["one_way_emails"] == 2 and scores["auc"] != scores["auc"]


def test_cli_prints_categories_and_rules_for_a_realworld_directory(tmp_path, capsys):
    assert main(["evaluate", str(write_set(tmp_path / "rw")), "--details", str(tmp_path / "d.jsonl")]) == 0
    out = capsys.readouterr().out
    assert "pressure    units precision 1.000  recall 1.000" in out
    assert "pressure.fake-deadline" in out and "alignment score ROC AUC" in out
    details = [json.loads(line) for line in (tmp_path / "d.jsonl").read_text().splitlines()]
    assert {"email_id": "a", "unit": 1} == {k: details[0][k] for k in ("email_id", "unit")}
    assert details[0]["pressure"] == "TP"


def test_cli_refuses_a_directory_without_the_three_files(tmp_path, capsys):
    assert main(["evaluate", str(tmp_path)]) == 2
    assert "emails.jsonl" in capsys.readouterr().err


@pytest.mark.parametrize("text, verdict", [
    ("Last chance: this offer expires tonight, sign today.", "one-way"),
])
def test_an_email_of_only_one_way_sentences_is_one_way(linter, text, verdict):
    assert linter.lint(text).stats["verdict"] == verdict


def test_one_break_up_line_keeps_an_otherwise_good_email_from_two_way(linter):
    good = ("Thanks for the notes from Tuesday. You mentioned onboarding took your team six weeks last time. "
            "Here is the plan a team your size used to get it down to two. How does that compare with yours? ")
    assert linter.lint(good).stats["verdict"] == "two-way"
    stats = linter.lint(good + "If I don't hear back, I'll close your file.").stats
    assert stats["verdict"] != "two-way"


def test_cli_without_a_set_nearby_says_what_to_give(tmp_path, monkeypatch, capsys):
    """Run from an installed wheel there is no ../shared beside the code: the default fails
    with what to pass instead, not with a path that means nothing to the user."""
    import twoway.evaluate

    monkeypatch.setattr(twoway.evaluate, "REALWORLD_DIR", tmp_path / "absent")
    assert main(["evaluate"]) == 2
    err = capsys.readouterr().err
    assert "no real-world set at" in err and "give a directory" in err


def test_by_source_scoring_counts_agreed_units_only():
    from twoway.evaluate import LabelledEmail, format_by_source, score_linted, summary_rows

    agree_p = {"pressure": True, "self_focus": False}
    split = {"pressure": None, "self_focus": False}
    clean = {"pressure": False, "self_focus": False}
    emails = [LabelledEmail("a", "src/one", "x" * 30, [(0, 10, agree_p), (10, 20, split), (20, 30, clean)]),
              LabelledEmail("b", "src/one", "y" * 10, [(0, 10, clean)])]
    # email a: one pressure finding over units 0-1, one over unit 2; email b: nothing
    linted = {"a": ([(0, 15, "pressure"), (22, 25, "pressure")], 40.0), "b": ([], 90.0)}
    scores = score_linted(emails, linted)
    # unit 1 is not scored for pressure (the readers split); unit 2 is a false alarm
    assert (scores["pressure"]["tp"], scores["pressure"]["fp"], scores["pressure"]["fn"]) == (1, 1, 0)
    assert scores["self_focus"]["tp"] + scores["self_focus"]["fp"] == 0
    assert scores["auc"] == 1.0  # the clean email scores higher than the one-way one
    summary = summary_rows({"src/one": scores, "src/two": {**scores, "self_focus": {"precision": float("nan"), "recall": 0.5}}})
    assert summary["mean"][("pressure", "precision")] == 0.5
    # a source where a figure is undefined (no flags, no positives) is left out of mean and worst
    assert summary["worst"][("self_focus", "recall")] == 0.5
    assert "| **mean** |" in format_by_source({"src/one": scores})
    # the units counted, with their text, for reading the errors (`--by-source --details`)
    assert sorted((d["email_id"], d["start"], d["category"], d["outcome"]) for d in scores["details"]) == [
        ("a", 0, "pressure", "tp"), ("a", 20, "pressure", "fp")]
    assert scores["details"][0]["text"] == "x" * 10 and scores["details"][0]["source"] == "src/one"


def test_evaluate_by_source_without_the_sets_says_what_to_give(tmp_path, capsys):
    from twoway.cli import main

    assert main(["evaluate", "--by-source", "--data", str(tmp_path)]) == 2
    assert "labels_a.jsonl and labels_b.jsonl" in capsys.readouterr().err

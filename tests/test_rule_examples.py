"""Every rule's own examples, RuleTester style: one test per rule, failing a rule without examples."""
from __future__ import annotations

import pytest

from twoway.config import BUNDLED_RULES_DIR
from twoway.examples import check_rule_examples, unmark
from twoway.pack import load_pack
from twoway.packcache import shared_pack

PACK = shared_pack(BUNDLED_RULES_DIR)  # the pack the apps use


@pytest.mark.parametrize("rule", PACK.rules, ids=[r.id for r in PACK.rules])
def test_rule_examples(rule):
    assert check_rule_examples(rule) == []


def test_a_rule_without_examples_fails(tmp_path):
    (tmp_path / "team.yaml").write_text(
        "rules:\n  - id: team.no-examples\n    type: phrases\n    category: pressure\n    severity: warning\n"
        "    message: m\n    why: w\n    advice: a\n    phrases: [act now]\n")
    pack = load_pack(None, tmp_path)
    problems = check_rule_examples(pack.rules[0])
    assert any("at least 3 'flag' examples" in p for p in problems)
    assert any("at least 3 'pass' examples" in p for p in problems)


def test_a_wrong_span_fails(tmp_path):
    (tmp_path / "team.yaml").write_text(
        "rules:\n  - id: team.act-now\n    type: phrases\n    category: pressure\n    severity: warning\n"
        "    message: m\n    why: w\n    advice: a\n    phrases: [act now]\n    examples:\n"
        "      flag: ['Please [[act]] now.', 'You must [[act now]].', '[[Act now]] to save.']\n"
        "      pass: ['Do not act now if unsure.', 'No need to act now.', 'Acting later is fine.']\n")
    pack = load_pack(None, tmp_path)
    problems = check_rule_examples(pack.rules[0])
    span_problems = [p for p in problems if "flag example" in p]
    assert span_problems == ["flag example 'Please [[act]] now.': expected 'act', got 'act now'"]


def test_unmark_gives_text_and_spans():
    assert unmark("a [[bc]] d [[e]]") == ("a bc d e", [(2, 4), (7, 8)])


def test_pack_covers_every_family_of_labels_md():
    ids = {r.id for r in PACK.rules}
    for family in ("fake-deadline", "scarcity", "ultimatum", "fomo", "guilt-trip", "break-up",
                   "assumptive-close", "hype"):
        assert f"pressure.{family}" in ids
    for family in ("quota-talk", "self-intro-opener", "company-bragging", "filler-follow-up",
                   "seller-serving-ask"):
        assert f"self_focus.{family}" in ids

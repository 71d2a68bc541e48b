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


def test_every_alternative_of_the_pack_is_reached_by_a_flag_example():
    """Per top-level alternative, from the loaded rules: an alternative no flag example reaches is
    dead or a false alarm nobody has seen; give it an example or delete it."""
    from twoway.examples import coverage_problems, rule_alternatives

    assert sum(len(rule_alternatives(r)) for r in PACK.rules) > 300  # the check sees the pack's patterns
    problems = coverage_problems(PACK.rules)
    assert problems == [], f"{len(problems)} alternatives no flag example reaches:\n" + "\n".join(map(str, problems))


def test_an_untested_pattern_fails_naming_file_rule_and_pattern(tmp_path):
    from twoway.cli import main
    from twoway.examples import coverage_problems

    (tmp_path / "team.yaml").write_text(
        "rules:\n  - id: team.act-now\n    type: pattern\n    category: pressure\n    severity: warning\n"
        "    message: m\n    why: w\n    advice: a\n    patterns: ['\\bact now\\b', '\\bhurry up\\b']\n    examples:\n"
        "      flag: ['Please [[act now]].', 'You must [[act now]].', '[[Act now]] to save.']\n"
        "      pass: ['Do not act now if unsure.', 'No need to act now.', 'Acting later is fine.']\n")
    assert coverage_problems(load_pack(None, tmp_path).rules) == [
        ("team.yaml", "team.act-now", "no flag example reaches alternative '\\\\bhurry up\\\\b'")]
    assert main(["check-rules", str(tmp_path)]) == 1


@pytest.mark.parametrize("kind, field", [("cooccurrence", "all: ['\\boffer\\b|\\bdeal\\b', '\\bends\\b']"),
                                         ("pattern", "patterns: ['\\boffer\\b|\\bdeal\\b', '\\bends\\b']")])
def test_each_top_level_alternative_counts_on_its_own(tmp_path, kind, field):
    from twoway.examples import coverage_problems, top_level_alternatives

    assert top_level_alternatives(r"\b(?:a|b)\b|c[|]d|e") == [r"\b(?:a|b)\b", "c[|]d", "e"]
    (tmp_path / "team.yaml").write_text(
        f"rules:\n  - id: team.offer-ends\n    type: {kind}\n    category: pressure\n    severity: warning\n"
        f"    message: m\n    why: w\n    advice: a\n    {field}\n    examples:\n"
        "      flag: ['The [[offer ends]] today.', 'This [[offer ends]] soon.', 'Our [[offer ends]] Friday.']\n"
        "      pass: ['No offer here.', 'It never ends.', 'The deal is fine.']\n")
    problems = coverage_problems(load_pack(None, tmp_path).rules)
    assert [p[2] for p in problems] == ["no flag example reaches alternative '\\\\bdeal\\\\b'"]


RULES_WITH_REPLACEMENTS = [r for r in PACK.rules if r.replacements]


def test_some_rules_offer_one_click_replacements():
    assert {r.id for r in RULES_WITH_REPLACEMENTS} >= {"pressure.break-up", "pressure.guilt-trip", "pressure.ultimatum"}


@pytest.mark.parametrize("rule", RULES_WITH_REPLACEMENTS, ids=[r.id for r in RULES_WITH_REPLACEMENTS])
def test_a_replacement_applied_to_the_span_fixes_every_flag_example(rule):
    from twoway.examples import replacement_problems

    assert replacement_problems(rule) == []


def test_a_replacement_that_keeps_the_trigger_is_caught(tmp_path):
    from twoway.examples import replacement_problems

    (tmp_path / "team.yaml").write_text(
        "rules:\n  - id: team.act-now\n    type: phrases\n    category: pressure\n    severity: warning\n"
        "    message: m\n    why: w\n    replacements: [act now or never]\n    phrases: [act now]\n    examples:\n"
        "      flag: ['Please [[act now]].', 'You must [[act now]].', '[[Act now]] to save.']\n"
        "      pass: ['Do not act now if unsure.', 'No need to act now.', 'Acting later is fine.']\n")
    problems = replacement_problems(load_pack(None, tmp_path).rules[0])
    assert len(problems) == 3 and "'Please act now or never.'" in problems[0]


def test_whole_sentence_replacements_go_with_sentence_spans():
    # A replacement replaces exactly the flagged span: a whole new sentence only fits a rule whose
    # span is the sentence; elsewhere the better sentence is an example in the advice.
    for rule in RULES_WITH_REPLACEMENTS:
        for replacement in rule.replacements:
            if replacement[:1].isupper() and replacement.rstrip()[-1:] in ".?!":
                assert getattr(rule, "span", "match") == "sentence", (rule.id, replacement)

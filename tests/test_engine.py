"""The linter's behaviour beyond single rules: caching, one card per thing, learned rules' limits."""
from __future__ import annotations

import pytest
from twoway.engine import Linter
from twoway.caches import SentenceCache

EMAIL = ("Hi Sam,\n\nJust checking in. This price expires Friday, so sign today. "
         "How is the rollout going for your team?\n\nBest,\nAlex")


def spans(result):
    return [(f.rule, f.start, f.end) for f in result.findings]


def test_relint_from_cache_equals_fresh_lint(linter):
    pack = linter.pack
    warm = Linter(pack)
    warm.lint(EMAIL)
    edited = EMAIL.replace("Sam", "Samantha")  # every offset after the greeting moves
    assert spans(warm.lint(edited)) == spans(Linter(pack).lint(edited))
    assert spans(warm.lint(EMAIL, "Sign today")) == spans(Linter(pack).lint(EMAIL, "Sign today"))


def test_one_card_per_thing_in_a_category(linter):
    findings = linter.lint("This price expires Friday, so sign today.").findings
    # expiring-offer covers the same words, and the learned self_focus rule is not sure enough
    # to add a vaguer second card to a sentence a pressure rule already coaches.
    assert [f.rule for f in findings] == ["pressure.fake-deadline"]


def test_different_categories_on_one_span_both_stay(linter):
    findings = linter.lint("It's the end of my quarter, so I can't hold this price past Friday.").findings
    assert {f.category for f in findings} == {"pressure", "self_focus"}


def test_learned_rules_skip_greetings_and_reassurance(linter):
    text = "Hi Priya,\n\nTake the time you need; the price holds while your team decides.\n\nBest,\nJo"
    assert [f for f in linter.lint(text).findings if f.rule.endswith(".learned")] == []


def test_learned_rule_catches_wording_no_pattern_foresaw(linter):
    findings = linter.lint("I would really appreciate a chance to earn your business and I would love to show you why.").findings
    assert [f.rule for f in findings] == ["self_focus.learned"]


def test_sentence_cache_is_bounded_lru():
    cache = SentenceCache(2)
    cache.put("a", (1,))
    cache.put("b", (2,))
    assert cache.get("a") == (1,)  # "a" is now the most recent
    cache.put("c", (3,))
    assert cache.get("b") is None and cache.get("a") == (1,) and cache.get("c") == (3,)


def test_learned_flag_is_worded_by_the_learned_rule(linter):
    finding = linter.lint("I would really appreciate a chance to earn your business and I would love to show you why.").findings[0]
    rule = linter.pack.by_id("self_focus.learned")
    assert (finding.rule, finding.message, finding.advice) == (rule.id, rule.message, rule.advice)
    assert (finding.start, finding.end) == (0, 90)  # the whole sentence


def test_the_learned_model_sees_where_a_sentence_sits(linter):
    # the same words make different features first in an email and in the middle of one
    from twoway.engine import position_of
    assert [position_of(i, 3) for i in range(3)] == ["first", "mid", "last"] and position_of(0, 1) == "only"
    rule = linter.pack.by_id("self_focus.learned")
    first = rule.linear.features("My name is Dana.", "body", "first", [])
    mid = rule.linear.features("My name is Dana.", "body", "mid", [])
    assert first != mid


def test_learned_rule_withdraws_a_hand_flag_it_does_not_trust(linter, monkeypatch):
    from twoway.rules.linear import LinearModel
    from twoway.pack import RulePack
    sentence = "Just checking in on the rollout."
    hand_only = RulePack([r for r in linter.pack.rules if not r.id.endswith(".learned")])
    assert "self_focus.filler-follow-up" in [f.rule for f in Linter(hand_only).lint(sentence).findings]
    rule = linter.pack.by_id("self_focus.learned")
    sure_no = LinearModel(bias=-50.0, weights={}, threshold=0.5)
    monkeypatch.setitem(rule.linear.categories, "self_focus", sure_no)
    assert [f.rule for f in Linter(linter.pack).lint(sentence).findings if f.category == "self_focus"] == []


@pytest.mark.parametrize("bias, kept", [(-50.0, False), (0.0, True)])
def test_a_hand_flag_stands_unless_the_model_is_sure_it_is_wrong(linter, monkeypatch, bias, kept):
    """Between the veto bar and the flag threshold the model neither flags nor withdraws: a hand
    flag is withdrawn only well under the threshold (withdrawing at the threshold itself cost
    held-out recall, docs/accuracy.md)."""
    from twoway.rules.linear import LinearModel
    rule = linter.pack.by_id("self_focus.learned")
    veto_below = rule.linear.meta["config"]["veto_below"]["self_focus"]
    assert 0 < veto_below < rule.threshold
    # bias 0: probability 0.5, which the test threshold of 0.9 puts between the two bars
    monkeypatch.setitem(rule.linear.categories, "self_focus", LinearModel(bias=bias, weights={}, threshold=0.9))
    monkeypatch.setattr(rule, "threshold", 0.9)
    rules = [f.rule for f in Linter(linter.pack).lint("Just checking in on the rollout.").findings
             if f.category == "self_focus"]
    assert rules == (["self_focus.filler-follow-up"] if kept else [])

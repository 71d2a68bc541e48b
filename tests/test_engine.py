"""The linter's behaviour beyond single rules: caching, one card per thing, learned rules' limits."""
from __future__ import annotations

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


def test_learned_flag_is_worded_like_its_family(linter):
    finding = linter.lint("Honestly, the spots tend to vanish once the newsletter goes out tomorrow.").findings[0]
    scarcity = linter.pack.by_id("pressure.scarcity")
    assert finding.rule == "pressure.learned"
    # The wording, not the one-click replacements: those fit the family rule's span, not a whole sentence.
    assert (finding.message, finding.advice, finding.replacements) == (scarcity.message, scarcity.advice, ())


def test_learned_flag_without_a_clear_family_stays_general(linter, monkeypatch):
    import twoway.rules.classifier as classifier
    from twoway.word_features import sentence_features

    sentence = "Honestly, the spots tend to vanish once the newsletter goes out tomorrow."
    rule = linter.pack.by_id("pressure.learned")
    features = sentence_features(sentence)
    assert rule.family_of(features) == "scarcity"
    monkeypatch.setattr(classifier, "FAMILY_MARGIN", 1e9)  # no family can lead by that much
    assert rule.family_of(features) is None
    general = rule.worded_finding(len(sentence), features)
    assert (general.message, general.advice) == (rule.message, rule.advice)

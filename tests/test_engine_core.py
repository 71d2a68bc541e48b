"""The core's contracts: a sentence's findings depend on that sentence alone, work grows
linearly with the text whatever its shape, and a rule pattern cannot hang the linter."""
from __future__ import annotations

import time

import pytest

from twoway.config import BUNDLED_RULES_DIR
from twoway.engine import Linter
from twoway.pack import load_pack
from twoway.rules import RULE_TYPES, RulePackError

TEAM_RULE = """rules:
  - id: team.sign
    type: pattern
    category: pressure
    severity: warning
    message: Asks for a signature.
    why: Asking to sign pushes.
    advice: Ask what they need first.
    patterns: ['{pattern}']
"""


def team_pack(tmp_path, pattern, on_re: bool = False):
    """The rule as a team pack (on RE2), or `on_re` as the bundled pack is loaded (Python's re)."""
    (tmp_path / "team.yaml").write_text(TEAM_RULE.format(pattern=pattern), encoding="utf-8")
    return load_pack(tmp_path) if on_re else load_pack(None, tmp_path)


def spans(linter, text):
    return [(f.rule, text[f.start:f.end]) for f in linter.lint(text).findings if f.rule.startswith("team.")]


def test_a_sentence_is_matched_on_its_own_whatever_came_before(tmp_path):
    # A pattern that may run past the sentence's end must not see the next sentence, and a cached
    # answer must be the same as a fresh one.
    linter = Linter(team_pack(tmp_path, r"\bsign(?:\W+\w+)?"))
    alone = spans(linter, "Please sign.")
    assert alone == [("team.sign", "sign")]
    assert spans(linter, "Please sign.\nThanks") == alone
    assert spans(Linter(team_pack(tmp_path, r"\bsign(?:\W+\w+)?")), "Please sign.\nThanks") == alone
    assert spans(linter, "Please sign.") == alone


def test_one_odd_sentence_does_not_change_how_the_others_match(tmp_path):
    linter = Linter(team_pack(tmp_path, r"\bsign\b"))
    plain = spans(linter, "Please sign.")
    # "İ" lower-cases to two characters: that sentence falls back, the others keep their spans.
    assert spans(linter, "İstanbul office.\nPlease sign.") == plain


@pytest.mark.parametrize("pattern", [r"(\w+\s?)+$", r"(?:a|b+)*c", r"(x+x+)+y"])
def test_a_pattern_that_can_backtrack_catastrophically_is_refused_at_load(tmp_path, pattern):
    with pytest.raises(RulePackError) as err:
        team_pack(tmp_path, pattern, on_re=True)
    assert (err.value.rule, err.value.field) == ("team.sign", "patterns")
    assert "team.yaml" in str(err.value) and pattern in str(err.value) and "exponential" in str(err.value)
    # A team pack runs it on RE2, where it cannot backtrack: loaded, and fast on the text that
    # would take re exponential time.
    linter = Linter(team_pack(tmp_path, pattern))
    started = time.process_time()
    linter.lint("a" * 40 + " ab bab bbb abab!")
    assert time.process_time() - started < 5


def test_a_rule_that_overruns_its_budget_is_dropped_not_waited_for(tmp_path, monkeypatch):
    import twoway.engine as engine

    linter = Linter(team_pack(tmp_path, r"\bsign\b"))
    monkeypatch.setattr(engine, "RULE_BUDGET", -1.0)  # every rule is already over budget
    result = linter.lint("Please sign.\nPlease sign today.")
    assert result.findings == []
    monkeypatch.setattr(engine, "RULE_BUDGET", 10.0)
    # nothing partial was cached: with a budget, the same text is flagged
    assert [f.rule for f in linter.lint("Please sign.\nPlease sign today.").findings] == ["team.sign", "team.sign"]


def cpu_seconds(linter, text, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        began = time.process_time()
        linter.lint(text)
        best = min(best, time.process_time() - began)
    return best


@pytest.mark.parametrize("unit", [
    ".", "!", "…", "! ", "sign by friday ", "Hi there. ",
    "We are the leading provider, so sign today or lose your slot ",  # one long sentence, many matches
    "a", "“", '"sign" ',
])
@pytest.mark.slow
def test_work_grows_linearly_with_the_text(unit):
    # Two sizes in one run, compared as a ratio (no wall-clock limit): 4x the text may cost at
    # most 8x the work; quadratic work would cost 16x.
    linter = Linter(load_pack(BUNDLED_RULES_DIR), cache_size=0)
    small, large = ((unit * (n // len(unit) + 1))[:n] for n in (6_000, 24_000))
    cpu_seconds(linter, small, 1)  # warm
    ratio = cpu_seconds(linter, large) / max(cpu_seconds(linter, small), 1e-4)
    assert ratio < 8, f"{unit!r}: 4x the text cost {ratio:.1f}x the work"


def test_every_rule_type_is_registered_by_its_own_name():
    assert set(RULE_TYPES) == {"phrases", "pattern", "cooccurrence", "classifier", "metric", "ratio", "scan"}
    for name, cls in RULE_TYPES.items():
        assert cls.TYPE == name and cls.FIELDS and cls.__module__.endswith("." + name)


def test_the_start_guard_names_every_character_a_rule_can_start_with():
    from twoway.rules.matching import CaseBlindRegex, _start_guard

    assert _start_guard([r"\bonly\s+two", r"(?<!\w)(?:last|final)\b", r"\b(?:the\s+)?sooner", r"\b\d+ seats"]) == \
        "(?=[0123456789flost])"
    # A pattern that could start anywhere (or match nothing) turns the guard off.
    assert _start_guard([r"\bonly", r"\w+ today"]) == "" and _start_guard([r"(?:a)?"]) == ""
    # look-behinds: RE2 cannot run these, so they are on re, behind the guard
    guarded = CaseBlindRegex([r"(?<!\w)(?:the\s+)?sooner you sign", r"(?<!\w)\d+ seats left"])
    assert guarded.linear is None and guarded.blind.pattern.startswith("(?=[")
    text = "The sooner you sign, the better: 2 seats left."
    assert [m.group() for m in guarded.finditer(text, text.lower())] == ["the sooner you sign", "2 seats left"]


def test_patterns_re2_can_run_go_to_re2_and_merge_with_the_rest_as_one_scan():
    from twoway.rules.matching import CaseBlindRegex

    mixed = CaseBlindRegex([r"\bsign by friday\b", r"(?<!\w)by friday\b", r"(?<!not )\bact now\b"])
    assert mixed.linear.patterns == [r"\bsign by friday\b"]
    assert mixed.on_re == [r"(?<!\w)by friday\b", r"(?<!not )\bact now\b"]
    text = "Please SIGN by Friday, and act now; do not act now."
    # "by friday" inside the RE2 match is not a second match, as in one alternation's scan
    assert [(m.start(), m.end()) for m in mixed.finditer(text, text.lower())] == [(7, 21), (27, 34)]


@pytest.mark.parametrize("pattern, literals", [
    (r"(?<!\w)(?:sign\s+by|act\s+now)(?!\w)", {"sign", "act"}),
    (r"(?:hit|make) (?:my|our) (?:quota|numbers?)", {"quota", "number"}),
    (r"(?:ab)?cdef", {"cdef"}),
    (r"x{2,}yz", {"yz"}),
    (r"\w+ today", {" today"}),
    (r"(?:last|\w+) chance", {" chance"}),
    (r"\b\d+\b", None),  # nothing literal: the rule runs on every sentence
    (r"(?:soon)?", None),
])
def test_required_literals_are_in_every_match(pattern, literals):
    import re

    from twoway.rules.matching import required_literals

    found = required_literals(pattern)
    assert (None if found is None else set(found)) == literals
    for text in ("sign by friday", "act now", "hit our numbers", "make my quota", "abcdef", "xxxyz",
                 "call today", "last chance", "no way"):
        m = re.search(pattern, text)
        if m and found is not None:
            assert any(literal in m.group() for literal in found), (pattern, text)


def _all_rules_run(linter):
    from twoway.rules.matching import LiteralPrefilter

    linter.prefilter = LiteralPrefilter([None] * len(linter.sentence_rules))
    return linter


@pytest.mark.slow
def test_the_literal_prefilter_changes_no_finding():
    """The prefilter only spares rules a sentence cannot match: with it and without it, the
    same findings on real emails, the sets in tests/data and every rule's examples."""
    import json
    from pathlib import Path

    from twoway.evaluate import REALWORLD_DIR
    from twoway.examples import unmark

    pack = load_pack(BUNDLED_RULES_DIR)
    texts = [unmark(e)[0] for r in pack.rules for kind in ("flag", "pass") for e in r.examples.get(kind, [])
             if isinstance(e, str)]
    here = Path(__file__).resolve()
    # The public labelled set adds real email where a developer has it (tests/realdata.py).
    for path in [REALWORLD_DIR / "emails.jsonl", *sorted((here.parent / "data").glob("*.jsonl"))]:
        if path.exists():
            texts += [t for t in (json.loads(line).get("text") for line in path.read_text(encoding="utf-8").splitlines())
                      if isinstance(t, str)]
    assert len(texts) > 500
    fast, every = Linter(pack), _all_rules_run(Linter(pack))
    for text in texts:
        assert fast.lint(text).findings == every.lint(text).findings, text[:80]


def test_the_readiness_literal_check_changes_no_finding():
    """Each readiness (scan) pattern is skipped when the literals it needs are absent: the same
    findings as searching every pattern, in both modes, on the test emails, every rule example
    and emails written to hit the readiness rules (non-ASCII ones take the full path)."""
    import dataclasses
    import json
    from pathlib import Path

    from twoway.examples import unmark
    from twoway.rules.scan import ScanRule

    pack = load_pack(BUNDLED_RULES_DIR)
    texts = [unmark(e)[0] for r in pack.rules for kind in ("flag", "pass") for e in r.examples.get(kind, [])
             if isinstance(e, str)]
    for path in sorted((Path(__file__).resolve().parent / "data").glob("*emails.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]
    texts += ["Hi {{first_name}},\n\nSee https://bit.ly/x or [link](https://evil.example/acme.com).\n\nBest, [NAME]",
              "Hi {FIRST_NAME}, HUGE NEWS!!! {Hi|Hello} there <<Company>> %FIRSTNAME% *|FNAME|*",
              "Hello ,\n\nRe: our call — the price is TBD (XX seats). Zoë ſigned {{ company }}."]
    checked = [r for r in pack.rules if isinstance(r, ScanRule)]
    assert sum(any(q is not None for q in r.requirements) for r in checked) >= 8
    every = Linter(dataclasses.replace(pack, rules=[dataclasses.replace(r, requirements=())
                                                    if isinstance(r, ScanRule) else r for r in pack.rules]))
    fast = Linter(pack)
    flagged = 0
    for text in texts:
        for mode in ("send", "template"):
            found = fast.lint(text, subject="Re: quick question", mode=mode).findings
            assert found == every.lint(text, subject="Re: quick question", mode=mode).findings, text[:80]
            flagged += any(f.category == "readiness" for f in found)
    assert flagged > 20


def test_a_rule_is_not_run_on_a_sentence_without_its_literals(tmp_path):
    pack = team_pack(tmp_path, r"\bsign\s+(?:by|before)\s+\w+day")
    linter = Linter(pack)
    rule = next(r for r in linter.sentence_rules if r.id == "team.sign")
    calls = []
    original = rule.check_sentence
    rule.check_sentence = lambda sentence, found: calls.append(sentence.text) or original(sentence, found)
    text = "How are you measuring ramp today? Please sign by Friday."
    assert spans(linter, text) == [("team.sign", "sign by Friday")]
    assert calls == ["Please sign by Friday."]

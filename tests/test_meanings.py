"""Trigger words in another meaning stay clean; terse one-way lines still flag (issue 8). The
sentences are written here to the kinds the issue lists, not taken from the real-world set."""
from __future__ import annotations

import pytest

CLEAN = [
    # a phone number, not a quota
    "If priorities change later, you have my number and my email.",
    # the customer's own targets
    "Which KPI targets does your support team report to the board?",
    # accounting close and metric rates, not prices
    "Our customers cut their quarter-end close from ten days to four.",
    "Teams using the dialer see higher close rates within a quarter.",
    "The dashboard shows burn rate and runway, updated every morning.",
    # a schedule, not hype
    "The connector syncs your catalogue overnight, so prices are fresh each morning.",
    # introducing a colleague is a favour to the reader
    "Happy to set up a quick intro to our data engineer if that helps.",
    # a follow-up that delivers something
    "Following up with the pricing sheet your finance lead requested.",
    "Following up on our Tuesday call with the two options we discussed.",
    # the reader's own requirement, in a recap list
    "- Data residency in the EU is non-negotiable for your legal team",
    # a next step the seller owes, dated
    "I'll have the signed order form back to you by Thursday.",
    # the seller's own answer, dated: no deadline on the reader (the learned rule guards it too)
    "Open item: the field mapping — we'll have a reply for you by [date].",
    # "on your radar" is about the reader's priorities
    "Is vendor consolidation on your radar this year?",
    # a promise to come back, not filler
    "No problem, I'll circle back in the spring as you suggested.",
]
ONE_WAY = [
    ("Last note from me on this.", "pressure.break-up"),
    ("Final follow-up.", "pressure.break-up"),
    ("I can take the hint.", "pressure.break-up"),
    ("So I'll bow out for now.", "pressure.break-up"),
    ("Before I stop following up, one question: is this still live?", "pressure.break-up"),
    ("Please sign by {{contract_deadline}} to keep the launch price.", "pressure.fake-deadline"),
    ("Confirm by [date] or the slot goes to the next team.", "pressure.fake-deadline"),
]


@pytest.mark.parametrize("text", CLEAN)
def test_other_meanings_stay_clean(linter, text):
    assert [f.rule for f in linter.lint(text).findings if f.category in ("pressure", "self_focus")] == []


@pytest.mark.parametrize("text, rule", ONE_WAY)
def test_terse_and_merge_field_one_way_lines_flag(linter, text, rule):
    assert rule in {f.rule for f in linter.lint(text).findings}

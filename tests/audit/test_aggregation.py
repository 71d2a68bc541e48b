"""Adding up: a template counts once per sender, becomes a template at its second send, and
malformed messages are counted and named."""
from __future__ import annotations

from twoway.audit.aggregation import Aggregate


def row(sender, template, score=50, rules=("pressure.hype",), date="2026-03-02T10:00:00+00:00"):
    return {"source": "box", "ref": "message 1", "error": "", "sender": sender, "sender_name": sender.title(),
            "template": template, "alignment_score": score, "one_way_sentences": len(rules), "rules": list(rules),
            "rule_info": {r: ("pressure", "Hype.") for r in rules}, "hits": [(r, "It's a no-brainer.") for r in rules],
            "subject_masked": "Last chance", "date": date}


def test_a_template_counts_once_per_sender_and_is_shown_with_all_its_sends():
    agg = Aggregate()
    counted = [agg.add(row("ann", "00000000000000aa")), agg.add(row("ann", "00000000000000aa")),
               agg.add(row("bob", "00000000000000aa")), agg.add(row("ann", "00000000000000bb", score=90, rules=()))]
    assert counted == [True, False, True, True]
    assert (agg.read, agg.audited, agg.duplicates) == (4, 3, 1)
    assert agg.senders["ann"].emails == 2 and agg.senders["ann"].duplicates == 1
    assert list(agg.templates) == [0xAA]  # bb was sent once: not a template
    template = agg.templates[0xAA]
    assert (template.sends, len(template.senders), template.score) == (3, 2, 50)
    assert agg.rules["pressure.hype"].emails == 2 and agg.rules["pressure.hype"].examples == ["It's a no-brainer."]


def test_malformed_rows_are_counted_and_named_but_not_scored():
    agg = Aggregate()
    assert agg.add({"source": "box", "ref": "message 7", "error": "no text part"}) is False
    assert (agg.malformed, agg.malformed_named, agg.audited, sum(agg.scores.values())) == \
        (1, [("box", "message 7", "no text part")], 0, 0)


def test_trend_is_by_week_for_a_short_span_and_by_month_for_a_long_one():
    agg = Aggregate()
    agg.add(row("ann", "01", date="2026-03-04T10:00:00+00:00"))
    agg.add(row("ann", "02", date="2026-03-12T10:00:00+00:00", score=70))
    unit, periods = agg.trend()
    assert unit == "week" and [p.isoformat() for p in periods] == ["2026-03-02", "2026-03-09"]
    agg.add(row("ann", "03", date="2026-07-30T10:00:00+00:00", score=90))
    unit, periods = agg.trend()
    assert unit == "month" and {p.isoformat(): s.score_sum for p, s in periods.items()} == \
        {"2026-03-01": 120, "2026-07-01": 90}

"""The alignment score: how two-way an email reads, from 0 (one-way) to 100 (two-way)."""
from __future__ import annotations

from bisect import bisect_right

from .definitions import VERDICTS, verdict_of
from .findings import Finding
from .sentences import Sentence

# The lowest score of each verdict (definitions.js: "verdicts").
TWO_WAY_FROM, MIXED_FROM = dict(VERDICTS)["two-way"], dict(VERDICTS)["mixed"]
# Rules whose one line already makes an email more than a little one-sided: a break-up, a
# guilt-trip or an ultimatum keeps the email from reading "two-way" whatever else it says.
RELATIONSHIP_BREAKERS = frozenset({"pressure.break-up", "pressure.guilt-trip", "pressure.ultimatum"})
BREAKER_CAP = TWO_WAY_FROM - 5
# An email made only of one-way sentences is one-way, however short.
ALL_ONE_WAY_CAP = MIXED_FROM - 5
# Points each sentence of a one-way category costs (every one-way category has a cost: a test
# checks it against definitions.ONE_WAY_CATEGORIES).
SENTENCE_COST = {"pressure": 20, "self_focus": 12}


def add_alignment(stats: dict, findings: list[Finding], sentences: list[Sentence]) -> None:
    """Alignment score, 0 (one-way) to 100 (two-way), from the one-way sentences and balance.

    Each sentence that pushes (pressure) or centres the seller (self_focus) costs points, more
    when it is a large share of the email; a seller-centred pronoun balance and an email with
    no question about the reader cost a little more. Calibrated on real sales email
    (docs/accuracy.md): a break-up, guilt or ultimatum line caps the score below "two-way", and
    an email whose every sentence is one-way is "one-way".
    """
    flagged: dict[str, set[int]] = {category: set() for category in SENTENCE_COST}
    starts = [s.start for s in sentences]
    breaker = False
    for f in findings:
        if f.category in flagged and f.field == "body":
            flagged[f.category].add(bisect_right(starts, f.start) - 1)
        elif f.category in flagged:  # a one-way subject line counts as one sentence
            flagged[f.category].add(-1 - len(flagged[f.category]))
        breaker = breaker or f.rule in RELATIONSHIP_BREAKERS
    every = set().union(*flagged.values())
    body_one_way = {i for i in every if i >= 0}
    one_way = len(every)
    share = one_way / max(len(sentences), 1)
    score = 100.0 - sum(cost * len(flagged[c]) for c, cost in SENTENCE_COST.items()) - 30 * min(share, 1.0)
    reader, seller = stats["reader_pronouns"], stats["seller_pronouns"]
    if seller > reader:
        score -= min(10, 2 * (seller - reader))
    if stats["words"] >= 30 and stats["questions"] == 0:
        score -= 5
    if breaker:
        score = min(score, BREAKER_CAP)
    if sentences and len(body_one_way) == len(sentences):
        score = min(score, ALL_ONE_WAY_CAP)
    score = int(round(max(0.0, min(100.0, score))))
    stats["one_way_sentences"] = one_way
    stats["alignment_score"] = score
    stats["verdict"] = verdict_of(score)

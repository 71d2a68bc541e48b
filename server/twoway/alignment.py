"""The alignment score: how two-way an email reads, from 0 (one-way) to 100 (two-way)."""
from __future__ import annotations

from bisect import bisect_right

from .findings import Finding
from .textutil import Sentence


def add_alignment(stats: dict, findings: list[Finding], sentences: list[Sentence]) -> None:
    """Alignment score, 0 (one-way) to 100 (two-way), from the one-way sentences and balance.

    Each sentence that pushes (pressure) or centres the seller (self_focus) costs points, more
    when it is a large share of the email; a seller-centred pronoun balance and an email with
    no question about the reader cost a little more.
    """
    flagged: dict[str, set[int]] = {"pressure": set(), "self_focus": set()}
    starts = [s.start for s in sentences]
    for f in findings:
        if f.category in flagged and f.field == "body":
            flagged[f.category].add(bisect_right(starts, f.start) - 1)
        elif f.category in flagged:  # a one-way subject line counts as one sentence
            flagged[f.category].add(-1 - len(flagged[f.category]))
    pressure, self_focus = len(flagged["pressure"]), len(flagged["self_focus"])
    one_way = len(flagged["pressure"] | flagged["self_focus"])
    share = one_way / max(len(sentences), 1)
    score = 100.0 - 20 * pressure - 12 * self_focus - 30 * min(share, 1.0)
    reader, seller = stats["reader_pronouns"], stats["seller_pronouns"]
    if seller > reader:
        score -= min(10, 2 * (seller - reader))
    if stats["words"] >= 30 and stats["questions"] == 0:
        score -= 5
    score = int(round(max(0.0, min(100.0, score))))
    stats["one_way_sentences"] = one_way
    stats["alignment_score"] = score
    stats["verdict"] = "two-way" if score >= 75 else "mixed" if score >= 45 else "one-way"

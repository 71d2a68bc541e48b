"""The numbers panel, display-ready: the one place the email's numbers are formatted.

The lint answer carries it ("panel"); the extension's renderer (TwoWayRender.buildStatsPanel in
extension/lib/render.js) draws it as it is, in the extension and on the lint page, and the page's
template draws the same values without JavaScript. Its rows are definitions.STATS_ROWS; each
number is judged against the answer's own targets (stats["targets"], from the pack's metric rules).

    {"score": "72", "verdict": "mixed",
     "rows": [{"key": "words", "label": "Words", "value": "88", "target": "target 50–125",
               "state": "ok" | "low" | "high" | None}, ...]}
"""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from .definitions import STATS_ROWS

NO_VALUE = "\u2013"


def stats_panel(stats: dict) -> dict:
    return {
        "score": format_number(stats.get("alignment_score")),
        "verdict": stats.get("verdict") or "",
        "rows": stats_rows(stats),
    }


def stats_rows(stats: dict) -> list[dict]:
    targets = stats.get("targets") or {}
    rows = []
    for row in STATS_ROWS:
        key = row["key"]
        value = stats.get(key)
        target = as_range(targets.get(key))
        shown = format_number(value, row.get("digits", 0))
        if row.get("shown_as") == "pronoun_counts" and _is_number(stats.get("reader_pronouns")) \
                and _is_number(stats.get("seller_pronouns")):
            # The counts behind the ratio, read "you-words / I-words".
            shown = f"{_plain(stats['reader_pronouns'])} / {_plain(stats['seller_pronouns'])}"
        rows.append({"key": key, "label": row["label"], "value": shown,
                     "target": f"target {target_text(target)}" if target else "",
                     "state": within(value, target)})
    return rows


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def format_number(value, digits: int = 0) -> str:
    """`digits` decimals, halves rounded up (2.5 -> "3", 0.125 -> "0.13"); a dash for no number."""
    if not _is_number(value):
        return NO_VALUE
    exact = Decimal(value)
    if digits:
        return str(exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))
    return str(int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def as_range(target):
    """[min, max] with None for unbounded, from the engine's {"min", "max"} or a [min, max] pair."""
    if isinstance(target, dict):
        low, high = target.get("min"), target.get("max")
    elif isinstance(target, (list, tuple)) and len(target) == 2:
        low, high = target
    else:
        return None
    low = low if _is_number(low) else None
    high = high if _is_number(high) else None
    return None if low is None and high is None else [low, high]


def _plain(value) -> str:
    """A number without a needless ".0" (1.0 -> "1")."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def target_text(target) -> str:
    low, high = (None if v is None else _plain(v) for v in target)
    if low is not None and high is not None:
        return f"{low}\u2013{high}"
    if low is not None:
        return f"\u2265 {low}"
    return f"\u2264 {high}"


def within(value, target) -> str | None:
    if not _is_number(value) or not target:
        return None
    if target[0] is not None and value < target[0]:
        return "low"
    if target[1] is not None and value > target[1]:
        return "high"
    return "ok"

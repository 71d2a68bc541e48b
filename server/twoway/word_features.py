"""The words a learned (classifier) rule reads in a sentence: lower-case words and word pairs,
and the same over word stems. Below the rules, so a sentence's features are computed once per
sentence (contexts.SentenceContext.features) whichever learned rule asks."""
from __future__ import annotations

import re

_TOKEN = re.compile(r"[a-z0-9']+")
MIN_CLASSIFIED_WORDS = 4


def sentence_features(text: str) -> set[str]:
    """Lower-case words and word pairs, and the same over word stems (first five letters), so
    "expires", "expiring" and "expiry" count together."""
    words = _TOKEN.findall(text.lower())
    stems = ["~" + w[:5] for w in words]
    return (set(words) | {f"{a} {b}" for a, b in zip(words, words[1:])}
            | set(stems) | {f"{a} {b}" for a, b in zip(stems, stems[1:])})


def classifier_features(text: str) -> set[str] | None:
    """Features of a sentence, or None when it is under four words: too little evidence."""
    if len(_TOKEN.findall(text.lower())) < MIN_CLASSIFIED_WORDS:
        return None
    return sentence_features(text)

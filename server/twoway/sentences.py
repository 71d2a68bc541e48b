"""Sentences: how an email's text is cut into them, what a question is, and the one place
curly apostrophes are made straight (rules, guards and the classifier are written with a
straight one)."""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str
    kind: str = "body"  # body | list_item | ps | subject (emailparse.LINTED_KINDS)


# Rules, guards and the classifier are written with a straight apostrophe.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


def normalize_apostrophes(text: str) -> str:
    """Curly apostrophes made straight; the same length, so offsets hold."""
    return text.translate(_APOSTROPHES)


_QUESTION_END = re.compile(r"\?[\s\u201d\"')\]]*\Z")


def is_question(sentence: str) -> bool:
    """The sentence asks something: it ends with a question mark (closing quotes and brackets aside)."""
    return _QUESTION_END.search(sentence, max(0, len(sentence) - 16)) is not None


# A sentence ends at . ! ? … (with closing quotes/brackets) followed by space, or at a line
# break. Common abbreviations and initials do not end one.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st vs etc inc ltd co corp e.g i.e approx dept est no fig jan feb mar apr "
    "jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun u.s a.m p.m p.s p.p.s".split()
)
# Possessive runs: a long run of punctuation is scanned once, never backtracked into.
_BOUNDARY = re.compile(r"(?<![.!?…])[.!?…]++[\"'”’)\]]*+(?=\s)|\n\s*+")
# After a period, a lower-case word or a number continues the sentence ("ref. 4471", "approx. ten").
_CONTINUES = re.compile(r"\s+[a-z0-9]")
_LAST_WORD = re.compile(r"[\w.]+$")
_LOOKBACK = 24  # the longest abbreviation or initial worth looking at before a period


def split_sentences(text: str, kind: str = "body") -> list[Sentence]:
    """Sentences with their code-point spans, leading/trailing whitespace trimmed. Linear in the
    text: every boundary looks back a bounded number of characters."""
    out: list[Sentence] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        mark = m.group()
        if mark[0] == ".":
            if _CONTINUES.match(text, m.end()):
                continue
            word = _LAST_WORD.search(text, max(start, m.start() - _LOOKBACK), m.start())
            if word and (word.group().lower().rstrip(".") in _ABBREVIATIONS or len(word.group()) == 1):
                continue
        end = m.start() if mark[0] == "\n" else m.end()
        _append(text, start, end, out, kind)
        start = m.end()
    _append(text, start, len(text), out, kind)
    return out


def _append(text: str, start: int, end: int, out: list[Sentence], kind: str) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(start, end, text[start:end], kind))

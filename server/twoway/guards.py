"""Context guards: a trigger word alone is not a one-way sentence. Each guard says when a match
at [start, end) of a sentence must NOT flag: a negation before it ("there's no deadline"), the
match inside the reader's quoted words, the reader's own situation ("you said your audit is
Friday"), or a question about the reader. Each rule picks the guards that fit it.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

from .re2_search import AsciiFastPattern
from .sentences import Sentence, is_question

_NEGATION_BEFORE = AsciiFastPattern(
    r"(?:\b(?:no|not|never|nothing|none|neither|nor|without|zero|hardly|nobody|no one|noone)\b|n['’]t\b|\bno need\b)"
    r"(?:\W+\w+){0,4}\W*$",
)
# A clause ends at these; a negation in an earlier clause does not reach the match.
_CLAUSE_BREAK = re.compile(r"[,;:—–()]|\s-{1,2}\s|\b(?:but|so|and then|because|if)\b", re.IGNORECASE)
_READER_CONTEXT = AsciiFastPattern(
    r"\byou(?:['’]ve| have| had)?\s+(?:said|mentioned|told|wrote|asked|noted|flagged|shared|explained|"
    r"indicated|pointed out|brought up|raised)\b|\bas you (?:said|mentioned|put it|noted)\b|"
    r"\b(?:per|from) your (?:note|email|message|call|request)\b|\byour (?:team|board|company|legal|"
    r"procurement|auditors?|CFO|CEO|boss)['’]s?\b.*\b(?:deadline|date|cutoff|cut-off|timeline)\b|"
    r"\byour (?:own )?(?:deadline|timeline|cutoff|cut-off|launch|audit|renewal|fiscal|budget cycle)\b|"
    # things of the reader's, with their own dates: "your lease ends on the 30th"
    r"\byour\s+(?:current\s+|existing\s+|open\s+)?(?:lease|enrol?lment|enrol?lment window|window|board|"
    r"fiscal year|budget|policy|go-live|event|wedding|move|closing|inspection|appraisal|permit|season|"
    r"rate lock|trial with)\b|\b(?:other|current|old) (?:lender|vendor|provider|supplier|carrier|agency)\b|"
    # what the reader asked for or already decided
    r"\b(?:per your|as you (?:asked|requested)|like you asked|you (?:asked|requested|wanted to know)|"
    r"(?:since|now that|because) you(?:'ve| have)?\s+(?:signed|approved|agreed|confirmed|booked|ordered|chose|decided|paid))\b|"
    # what both sides already agreed: a recap, not a push
    r"\bas (?:agreed|promised|requested)\b|\bas we agreed\b|\bwe agreed\b",
)
# The seller promising to deliver something by a date ("I'll have the order form to you by
# Friday"): a next step the reader is owed, not a deadline set on the reader.
_SELLER_DELIVERS = re.compile(
    r"\b(?:I|we)(?:'ll| will| can| should)\s+(?:have|send|get|deliver|share|return|bring|email|forward|put)\b"
    r"[^.?!]{0,60}?\b(?:to you|your way|over to|in your inbox|ready|back to you)\b|"
    r"\byou(?:'ll| will)\s+(?:have|get|receive|see)\s+(?:it|the|our|a|an|my)\b|"
    # the seller's own answer or document, by a date: "we'll have a response by Friday"
    r"\b(?:I|we)(?:'ll| will)\s+(?:have|send|get)\s+(?:you\s+)?(?:a|an|the|our|my)\s+(?:revised\s+)?"
    r"(?:response|answer|update|reply|proposal|quote|draft|summary|recap|report)\b",
    re.IGNORECASE,
)
_READER_DECIDES = re.compile(r"\b(?:sign|signed|decide|decision|commit|approve|countersign)\b", re.IGNORECASE)
_OPEN_QUOTES = "“\"‘«"
_CLOSE_QUOTES = "”\"’»"


def negated(before: str) -> bool:
    """A negation in the same clause within a few words before the match."""
    clause = _CLAUSE_BREAK.split(before)[-1]
    return _NEGATION_BEFORE.occurs(clause)


def inside_quotes(sentence: str, start: int, end: int) -> bool:
    """The match sits inside a quotation (the reader's words, not the rep's)."""
    before = sentence[max(0, start - QUOTE_WINDOW):start]
    curly_open = before.count("“") - before.count("”")
    if curly_open > 0:
        return True
    straight = before.count('"')
    return straight % 2 == 1 and sentence.find('"', end, end + QUOTE_WINDOW) >= 0


@lru_cache(maxsize=256)
def reader_context(sentence: str) -> bool:
    """Once per sentence, however many matches ask (a str caches its own hash)."""
    return _READER_CONTEXT.occurs(sentence)


# Guards look a bounded distance from the match, so a rule's work stays linear in the sentence
# however many times it matches: a negation is a few words back, a quotation a few lines.
NEGATION_WINDOW = 120
QUOTE_WINDOW = 600
DELIVERY_WINDOW = 120


def seller_delivers(sentence: str, start: int, end: int) -> bool:
    """The match dates something the seller delivers, and asks no decision of the reader."""
    return (bool(_SELLER_DELIVERS.search(sentence, max(0, start - DELIVERY_WINDOW), end))
            and not _READER_DECIDES.search(sentence, start, end))


GUARDS: dict[str, Callable[[Sentence, int, int], bool]] = {
    # Each returns True when the match at [start, end) of the sentence must NOT flag.
    "negation": lambda s, a, b: negated(s.text[max(0, a - NEGATION_WINDOW):a]),
    "quoted": lambda s, a, b: inside_quotes(s.text, a, b),
    "reader": lambda s, a, b: reader_context(s.text),
    "question": lambda s, a, b: is_question(s.text),
    "delivery": lambda s, a, b: seller_delivers(s.text, a, b),
}
DEFAULT_GUARDS = ("negation", "quoted")



"""Anonymised example sentences and template keys: names, addresses, numbers and merge fields
masked, so the report can quote what a rule caught without saying who wrote to whom."""
from __future__ import annotations

import hashlib
import hmac
import re

from ..emailparse import MERGE_FIELD

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_NUMBER = re.compile(r"[$€£]?\d[\d,.:/-]*%?")
_PHONE = re.compile(r"\+?\d[\d ().-]{7,}\d")
# A capitalised word that does not open a sentence: a person, a company, a product.
_CAPITALISED = re.compile(r"(?<![.!?:]\s)(?<!^)\b[A-Z][\w'’&-]*(?:\s+[A-Z][\w'’&-]*)*")
_KEEP = frozenset(
    "I I'm I'll I'd I've OK Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February "
    "March April May June July August September October November December Q1 Q2 Q3 Q4 CEO CFO CTO VP "
    "CRM API PDF".split())
_WORDS = re.compile(r"\[\w+\]|\w+")
_WEEKDAY = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b")


def mask(text: str) -> str:
    # Each pattern runs only when its telltale character is there: most sentences have none.
    text = MERGE_FIELD.sub("[field]", text)  # first: the other placeholders look like merge fields
    if "://" in text or "www." in text or "WWW." in text:
        text = _URL.sub("[link]", text)
    if "@" in text:
        text = _EMAIL.sub("[email]", text)
    if _DIGIT.search(text):
        text = _NUMBER.sub("[number]", _PHONE.sub("[phone]", text))
    return _CAPITALISED.sub(_mask_name, text)


def _mask_name(m: re.Match) -> str:
    words = m.group().split()
    if all(w in _KEEP or (w.isupper() and len(w) <= 4) for w in words):
        return m.group()
    return "[name]"


def example(sentence: str, limit: int = 160) -> str:
    """A short, masked example sentence."""
    masked = " ".join(mask(sentence).split())
    return masked if len(masked) <= limit else masked[:limit - 1].rstrip() + "…"


def template_key(body: str) -> str:
    """Bodies that differ only in merge-field values (names, companies, numbers, dates written as
    digits) and spacing share a key: one template sent many times."""
    words = _WORDS.findall(_WEEKDAY.sub("[day]", mask(body).lower()))
    return hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=8).hexdigest()


def pseudonym(sender: str, key: bytes) -> str:
    """A stable pseudonym: the same sender and key always give the same name."""
    digest = hmac.new(key, sender.strip().lower().encode("utf-8"), hashlib.sha256).hexdigest()
    return f"Rep {digest[:6].upper()}"

"""Text helpers: UTF-16 offsets (the unit of JavaScript and LanguageTool) and sentences."""
from __future__ import annotations

import hashlib
import mmap
import os
import pickle
import re
import struct
import threading
from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass


class Utf16Map:
    """Converts code-point indices of one string to UTF-16 code-unit offsets and back.

    Only characters above U+FFFF take two units, so a string without any needs no table.
    Lone surrogates (valid in a Python str decoded from JSON) count as one unit, as in JS.
    """

    __slots__ = ("_astral",)

    def __init__(self, text: str):
        # Code-point indices of astral characters, ascending.
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF] if _has_astral(text) else []

    def to_utf16(self, index: int) -> int:
        if not self._astral:
            return index
        return index + bisect_right(self._astral, index - 1)

    def from_utf16(self, offset: int) -> int:
        """The code-point index whose UTF-16 offset is `offset` (rounded down inside a pair)."""
        if not self._astral:
            return offset
        lo, hi = 0, offset
        while lo < hi:  # smallest index whose utf16 offset >= offset
            mid = (lo + hi) // 2
            if self.to_utf16(mid) < offset:
                lo = mid + 1
            else:
                hi = mid
        return lo if self.to_utf16(lo) <= offset else lo - 1


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def _has_astral(text: str) -> bool:
    return _ASTRAL.search(text) is not None


def utf16_len(text: str) -> int:
    return len(text) + len(_ASTRAL.findall(text))


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


# Who a pronoun points at, and what a question is: the stats, the guards and the score share these.
READER_PRONOUNS = re.compile(r"\b(?:you|your|yours|yourself|yourselves)\b", re.IGNORECASE)
SELLER_PRONOUNS = re.compile(r"\b(?:I|me|my|mine|myself|we|us|our|ours|ourselves)\b", re.IGNORECASE)
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


class SentenceCache:
    """A bounded, thread-safe LRU map from a sentence's text to what was found in it (by the
    rules, or by LanguageTool), so re-linting a draft only checks the sentences that changed."""

    def __init__(self, size: int):
        self.size = max(0, int(size))
        self._data: OrderedDict[str, tuple] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: str, value: tuple) -> None:
        if self.size == 0:
            return
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        return len(self._data)


class SharedSentenceCache:
    """SentenceCache's get/put over memory that the worker processes forked from one server share:
    a sentence LanguageTool checked for one worker is known to all of them, so a re-lint that
    lands on another worker than the first lint still sends only the edited sentence.

    An anonymous shared mapping made before the fork (nothing on disk; it ends with the server).
    Two candidate slots per sentence, chosen by a keyed hash of its text; a slot holds the
    digest, a checksum and the pickled answer. Writers take no lock across processes: a read
    that meets a half-written slot fails its checksum and counts as a miss. Only this server's
    processes can write the mapping, so what is unpickled is what they pickled."""

    _HEADER = struct.Struct("<16s8sI")  # text digest, checksum of digest + payload, payload length

    def __init__(self, slots: int, slot_bytes: int = 2048):
        self.slots = max(0, int(slots))
        self.slot_bytes = slot_bytes
        self._salt = os.urandom(16)
        self._memory = mmap.mmap(-1, max(1, self.slots) * slot_bytes)
        self._lock = threading.Lock()  # the threads of one process

    def _slots(self, text: str) -> tuple[bytes, tuple[int, int]]:
        digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16, key=self._salt).digest()
        number = int.from_bytes(digest, "little")
        return digest, (number % self.slots, (number // self.slots) % self.slots)

    def _read(self, slot: int) -> tuple[bytes, bytes] | None:
        """(digest, payload) of a whole slot, or None for an empty or half-written one."""
        base = slot * self.slot_bytes
        record = self._memory[base:base + self.slot_bytes]
        digest, checksum, length = self._HEADER.unpack_from(record)
        if length == 0 or length > self.slot_bytes - self._HEADER.size:
            return None
        payload = record[self._HEADER.size:self._HEADER.size + length]
        if hashlib.blake2b(digest + payload, digest_size=8).digest() != checksum:
            return None
        return digest, payload

    def get(self, key: str) -> tuple | None:
        if self.slots == 0:
            return None
        digest, slots = self._slots(key)
        for slot in slots:
            found = self._read(slot)
            if found is not None and found[0] == digest:
                return pickle.loads(found[1])
        return None

    def put(self, key: str, value: tuple) -> None:
        if self.slots == 0:
            return
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        if len(payload) > self.slot_bytes - self._HEADER.size:
            return  # an answer this large is checked again next time
        digest, slots = self._slots(key)
        header = self._HEADER.pack(digest, hashlib.blake2b(digest + payload, digest_size=8).digest(), len(payload))
        with self._lock:
            # The sentence's own slot or an empty one; else the first (the older answer goes).
            target = slots[0]
            for slot in slots:
                found = self._read(slot)
                if found is None or found[0] == digest:
                    target = slot
                    break
            base = target * self.slot_bytes
            self._memory[base:base + len(header) + len(payload)] = header + payload

    def clear(self) -> None:
        with self._lock:
            self._memory[:] = bytes(len(self._memory))

    def __len__(self) -> int:
        return sum(1 for slot in range(self.slots) if self._read(slot) is not None)

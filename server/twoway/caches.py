"""Caches of what was found per sentence: the linter's (one process) and LanguageTool's answers
(shared by the worker processes of one server)."""
from __future__ import annotations

import hashlib
import mmap
import os
import pickle
import struct
import threading
from collections import OrderedDict


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

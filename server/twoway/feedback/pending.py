"""Counts accepted but not yet in the database, shared by the worker processes of one server.

Why not a row per click, nor a counter per worker: a lint shows a few findings and must not
wait for a database (nor fail when it is down or locked), and the dashboard must show every
count accepted so far, whichever worker took it. So every process of a server (gunicorn forks
its workers from the process that made the app) adds to one table in an anonymous shared
mapping made before the fork; any process moves the table into the database in one
transaction of atomic upserts (store.py), and the dashboard reads database + table.

Two locks, both POSIX record locks on one unlinked temporary file (they are per process, so
the forked workers lock independently, and the kernel drops them when a holder dies, so a
worker killed mid-flush never blocks the others), each with a thread lock for the threads of
one process:
- the table lock, held for the microseconds an increment or a snapshot takes;
- the flush lock, held while a flush writes to the database and subtracts what it wrote, and
  while the dashboard reads: a reader never sees a count in both places, or in neither.

The table is bounded (`slots` keys); a key that finds no free slot is dropped and counted, and
/healthz says so. Keys are short tuples of codes (day, rule, action, reason, pack version,
profile, install hash): no text of an email ever reaches this module.

Beside it, a set of keyed digests of the findings already counted as shown (`seen_before`): a
draft is linted again at every pause in typing, and one finding must count once per draft.
The key of the digest is random per server start and kept only in memory.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import struct
import tempfile
import threading
import time
import weakref
from contextlib import contextmanager
from mmap import mmap

# Header: entries in use, total of their counts, keys dropped (table full), database state
# (0 unknown, 1 ok, 2 unavailable), time of the last good flush, time of the last failure.
_HEADER = struct.Struct("<qqqqdd")
_SLOT_HEAD = struct.Struct("<Hq")  # key length, count
SLOT_BYTES = 256
KEY_BYTES = SLOT_BYTES - _SLOT_HEAD.size
_SEEN_SLOT = struct.Struct("<12sI")  # digest, day number

STATE_NAMES = {0: "unknown", 1: "ok", 2: "unavailable"}
_TABLE_BYTE, _FLUSH_BYTE = 0, 1


def encode_key(key: tuple[str, ...]) -> bytes:
    raw = "\x1f".join(key).encode("utf-8")
    if len(raw) > KEY_BYTES:
        raise ValueError("feedback key too long")
    return raw


def decode_key(raw: bytes) -> tuple[str, ...]:
    return tuple(raw.decode("utf-8").split("\x1f"))


class _ProcessLock:
    """One byte of the lock file, for all the processes and threads of a server."""

    def __init__(self, fd: int, byte: int):
        self.fd, self.byte = fd, byte
        self.thread_lock = threading.Lock()

    def acquire(self, timeout: float | None = None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        if not self.thread_lock.acquire(timeout=-1 if timeout is None else max(0.0, timeout)):
            return False
        while True:
            try:
                fcntl.lockf(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, self.byte)
                return True
            except OSError:
                if deadline is not None and time.monotonic() >= deadline:
                    self.thread_lock.release()
                    return False
                time.sleep(0.002)

    def release(self) -> None:
        fcntl.lockf(self.fd, fcntl.LOCK_UN, 1, self.byte)
        self.thread_lock.release()

    @contextmanager
    def held(self, timeout: float | None = None):
        if not self.acquire(timeout):
            raise TimeoutError("lock busy")
        try:
            yield
        finally:
            self.release()


class PendingCounts:
    def __init__(self, slots: int = 16384, seen_slots: int = 65536):
        self.slots = max(16, int(slots))
        self.seen_slots = max(16, int(seen_slots))
        self._table = mmap(-1, _HEADER.size + self.slots * SLOT_BYTES)
        self._seen = mmap(-1, self.seen_slots * _SEEN_SLOT.size)
        self._salt = os.urandom(16)
        fd, path = tempfile.mkstemp(prefix="twoway-feedback-", suffix=".lock")
        os.unlink(path)  # the descriptor is inherited by the workers; nothing stays on disk
        os.ftruncate(fd, 2)
        self._fd = fd
        self.table_lock = _ProcessLock(fd, _TABLE_BYTE)
        self.flush_lock = _ProcessLock(fd, _FLUSH_BYTE)
        # A thread of the parent may hold a thread lock at the fork: the child starts with fresh ones.
        me = weakref.ref(self)
        os.register_at_fork(after_in_child=lambda: me() is not None and me()._fresh_thread_locks())

    def _fresh_thread_locks(self) -> None:
        self.table_lock.thread_lock = threading.Lock()
        self.flush_lock.thread_lock = threading.Lock()

    # -- header ------------------------------------------------------------------------
    def _header(self) -> list:
        return list(_HEADER.unpack_from(self._table, 0))

    def _set_header(self, values) -> None:
        _HEADER.pack_into(self._table, 0, *values)

    def status(self) -> dict:
        entries, total, dropped, state, last_ok, last_fail = self._header()
        return {"state": STATE_NAMES.get(state, "unknown"), "pending": total, "pending_keys": entries,
                "dropped": dropped, "last_flush": last_ok or None, "last_failure": last_fail or None}

    def mark(self, ok: bool) -> None:
        with self.table_lock.held():
            header = self._header()
            header[3] = 1 if ok else 2
            header[4 if ok else 5] = time.time()
            self._set_header(header)

    # -- slots -------------------------------------------------------------------------
    def _slot_at(self, index: int) -> tuple[bytes, int]:
        base = _HEADER.size + index * SLOT_BYTES
        length, count = _SLOT_HEAD.unpack_from(self._table, base)
        return bytes(self._table[base + _SLOT_HEAD.size: base + _SLOT_HEAD.size + length]), count

    def _write_slot(self, index: int, raw: bytes, count: int) -> None:
        base = _HEADER.size + index * SLOT_BYTES
        _SLOT_HEAD.pack_into(self._table, base, len(raw), count)
        self._table[base + _SLOT_HEAD.size: base + _SLOT_HEAD.size + len(raw)] = raw

    def _add_locked(self, raw: bytes, count: int, header: list) -> bool:
        start = int.from_bytes(hashlib.blake2b(raw, digest_size=8).digest(), "little") % self.slots
        for probe in range(self.slots):
            index = (start + probe) % self.slots
            key, current = self._slot_at(index)
            if not key:
                self._write_slot(index, raw, count)
                header[0] += 1
                header[1] += count
                return True
            if key == raw:
                self._write_slot(index, raw, current + count)
                header[1] += count
                return True
        return False

    def add(self, counts: dict[tuple[str, ...], int]) -> int:
        """Add counts; returns how many keys were dropped because the table is full."""
        encoded = [(encode_key(k), n) for k, n in counts.items() if n]
        if not encoded:
            return 0
        dropped = 0
        with self.table_lock.held():
            header = self._header()
            for raw, n in encoded:
                if not self._add_locked(raw, n, header):
                    dropped += 1
            header[2] += dropped
            self._set_header(header)
        return dropped

    def snapshot(self) -> dict[tuple[str, ...], int]:
        with self.table_lock.held():
            return self._snapshot_locked()

    def _snapshot_locked(self) -> dict[tuple[str, ...], int]:
        out = {}
        if self._header()[0] == 0:
            return out
        for index in range(self.slots):
            key, count = self._slot_at(index)
            if key and count:
                out[decode_key(key)] = count
        return out

    def subtract(self, written: dict[tuple[str, ...], int]) -> None:
        """Take out what a flush wrote (the flush lock is held), keeping what came meanwhile."""
        with self.table_lock.held():
            left = self._snapshot_locked()
            for key, n in written.items():
                if key in left:
                    left[key] -= n
            header = self._header()
            self._table[_HEADER.size:] = bytes(self.slots * SLOT_BYTES)
            header[0] = header[1] = 0
            for key, n in left.items():
                if n > 0:
                    self._add_locked(encode_key(key), n, header)
            self._set_header(header)

    def is_empty(self) -> bool:
        return self._header()[0] == 0

    # -- shown once per draft -----------------------------------------------------------
    def _digest(self, parts: tuple[str, ...]) -> bytes:
        return hashlib.blake2b("\x1f".join(parts).encode("utf-8", "surrogatepass"),
                               digest_size=12, key=self._salt).digest()

    def _seen_locked(self, digest: bytes, day: int) -> bool:
        offset = (int.from_bytes(digest[:8], "little") % self.seen_slots) * _SEEN_SLOT.size
        old, old_day = _SEEN_SLOT.unpack_from(self._seen, offset)
        if old == digest and old_day == day:
            return True
        _SEEN_SLOT.pack_into(self._seen, offset, digest, day)
        return False

    def seen_before(self, parts: tuple[str, ...], day: int) -> bool:
        """True when this finding of this draft was already counted today; else remember it.
        Only a keyed digest is kept (random key per server start)."""
        digest = self._digest(parts)
        with self.table_lock.held():
            return self._seen_locked(digest, day)

    def add_unseen(self, items: list[tuple[tuple[str, ...], tuple[str, ...]]], day: int) -> int:
        """For each (finding parts, count key): count 1 under the key unless seen_before(parts).
        One lock for the whole lint answer. Returns how many were counted."""
        prepared = [(self._digest(parts), encode_key(key)) for parts, key in items]
        counted = 0
        with self.table_lock.held():
            header = self._header()
            for digest, raw in prepared:
                if self._seen_locked(digest, day):
                    continue
                counted += 1
                if not self._add_locked(raw, 1, header):
                    header[2] += 1
            self._set_header(header)
        return counted

    def close(self) -> None:
        try:
            os.close(self._fd)
        except OSError:
            pass

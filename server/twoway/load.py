"""How busy this process is, for /healthz, and the CPU turns its lint threads take.

- saturation: the serving worker (serve.TwoWayWorker) registers a probe; under the test client
  or `twoway lint` there is none and the answer is None.
- CPU turns: a serving worker runs a few lint threads so that a lint waiting for LanguageTool
  does not hold the worker, but linting itself is CPU-bound Python under one interpreter lock.
  Every extra thread that wants the lock makes each of the main loop's turns at it (an accept,
  a health answer) wait longer: at 128 clients, 4 lint threads gave /healthz p50 40-50 ms and
  1 thread 5 ms. So lint threads take turns: at most `n` of them lint at a time, a thread
  waiting for another process (LanguageTool) gives its turn up meanwhile, and the long-text
  lane is exempt (it shares the CPU by the switch interval, so one long text cannot make every
  ordinary lint of the worker wait for it). Outside a serving worker there are no turns.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager, nullcontext
from typing import Callable, Iterator

_probe: Callable[[], dict] | None = None


def register(probe: Callable[[], dict]) -> None:
    global _probe
    _probe = probe


def saturation() -> dict | None:
    """{"busy": bool, "queued": lints waiting for a thread, "running": ..., "waited_ms": ...}."""
    return _probe() if _probe is not None else None


class CpuTurns:
    def __init__(self, n: int):
        self._turns = threading.BoundedSemaphore(max(1, n))
        self._local = threading.local()

    def exempt(self) -> None:
        """This thread lints without taking turns (the long-text lane)."""
        self._local.exempt = True

    @contextmanager
    def turn(self) -> Iterator[None]:
        if getattr(self._local, "exempt", False) or getattr(self._local, "held", False):
            yield
            return
        self._turns.acquire()
        self._local.held = True
        try:
            yield
        finally:
            self._local.held = False
            self._turns.release()

    @contextmanager
    def waiting(self) -> Iterator[None]:
        """Around a wait for another process: the turn goes to another thread meanwhile."""
        if not getattr(self._local, "held", False):
            yield
            return
        self._local.held = False
        self._turns.release()
        try:
            yield
        finally:
            self._turns.acquire()
            self._local.held = True


_cpu_turns: CpuTurns | None = None


def take_cpu_turns(n: int) -> CpuTurns:
    """Called by the serving worker: from now on at most `n` threads of this process lint at once."""
    global _cpu_turns
    _cpu_turns = CpuTurns(n)
    return _cpu_turns


def cpu_turn():
    """A lint's turn at the CPU in a serving worker; nothing to wait for elsewhere."""
    return _cpu_turns.turn() if _cpu_turns is not None else nullcontext()


def waiting_elsewhere():
    """Around a wait for another process: the turn goes to another lint meanwhile."""
    return _cpu_turns.waiting() if _cpu_turns is not None else nullcontext()

"""Running batches on local processes or a Dask cluster through one code path.

Both are concurrent.futures executors (a ProcessPoolExecutor, or Dask's client.get_executor()),
so the audit submits, bounds and collects work the same way on a laptop and on a cluster. At
most `window` batches are in flight, and each result is handed on as it arrives, so memory stays
flat whatever the mailbox size.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from concurrent.futures import FIRST_COMPLETED, Executor, ProcessPoolExecutor, wait
from contextlib import contextmanager
from itertools import islice
from typing import Callable, Iterable, Iterator

from .checking import Settings, check_batch
from .sources import RawItem

BATCH_SIZE = 100
DASK_BATCH_SIZE = 500


def _ignore_sigint():
    # Ctrl-C reaches the whole process group: the driver stops the run, workers just end.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextmanager
def local_executor(workers: int | None = None) -> Iterator[tuple[Executor, int]]:
    workers = workers or os.cpu_count() or 1
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_ignore_sigint)
    try:
        yield pool, workers
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def dask_executor(scheduler: str) -> Iterator[tuple[Executor, int]]:
    from distributed import Client

    try:
        client = Client(scheduler, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise ConnectionError(f"cannot reach the Dask scheduler at {scheduler} ({type(exc).__name__})") from None
    try:
        threads = sum(client.nthreads().values()) or 1
        yield client.get_executor(pure=False), threads
    finally:
        client.close()


def batches(items: Iterable[RawItem], size: int = BATCH_SIZE) -> Iterator[list[RawItem]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class Terminated(KeyboardInterrupt):
    """SIGTERM (a process manager, `kill`): stops the run as Ctrl-C does, partial report and all."""


class _InterruptBetweenRows:
    """Ctrl-C (SIGINT) in the driver becomes a KeyboardInterrupt only between rows, so each row
    is counted and written whole or not at all and a partial report agrees with its table (a
    signal that landed between the two once left the report one email ahead). A second Ctrl-C
    interrupts at once. Only the main thread can take signals; elsewhere nothing changes."""

    def __init__(self):
        self.requested: type[KeyboardInterrupt] | None = None
        self._previous: dict = {}

    def __enter__(self) -> "_InterruptBetweenRows":
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._previous[sig] = signal.signal(sig, self._request)
        return self

    def _request(self, signum, frame) -> None:
        if self.requested:
            raise self.requested
        self.requested = Terminated if signum == signal.SIGTERM else KeyboardInterrupt

    def check(self) -> None:
        if self.requested:
            raise self.requested

    def __exit__(self, *exc) -> None:
        for sig, previous in self._previous.items():
            signal.signal(sig, previous)


def run(items: Iterable, settings, executor: Executor, slots: int,
        on_row: Callable, batch_size: int = BATCH_SIZE, task: Callable = check_batch) -> None:
    """Check every item (`task(settings, batch)` on a worker: the lint by default, the header
    read of the threading pass); `on_row` gets each result row in the driver as its batch
    finishes. A KeyboardInterrupt (Ctrl-C) cancels what has not started and propagates, between rows."""
    window = max(2, 2 * slots)
    pending = set()
    feed = batches(items, batch_size)

    def hand_on(done, interrupt: _InterruptBetweenRows) -> None:
        for future in done:
            for row in future.result():
                interrupt.check()
                on_row(row)
        interrupt.check()

    with _InterruptBetweenRows() as interrupt:
        try:
            for batch in feed:
                interrupt.check()
                pending.add(executor.submit(task, settings, batch))
                if len(pending) >= window:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    hand_on(done, interrupt)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                hand_on(done, interrupt)
        except BaseException:
            for future in pending:
                future.cancel()
            raise

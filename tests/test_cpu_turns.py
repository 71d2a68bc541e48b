"""CPU turns of a serving worker's lint threads (load.CpuTurns): at most n lint at once, a wait
for another process gives the turn up, the long-text lane is exempt, and without a serving
worker nothing waits."""
from __future__ import annotations

import threading
import time

from twoway import load
from twoway.load import CpuTurns


def _run_together(turns: CpuTurns, bodies) -> None:
    threads = [threading.Thread(target=body, args=(turns,)) for body in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
        assert not t.is_alive()


def test_at_most_n_threads_hold_a_turn_at_once():
    turns = CpuTurns(1)
    inside, most = [0], [0]
    lock = threading.Lock()

    def lint(turns):
        with turns.turn():
            with lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            time.sleep(0.02)
            with lock:
                inside[0] -= 1

    _run_together(turns, [lint] * 4)
    assert most[0] == 1


def test_a_thread_waiting_elsewhere_lets_another_lint_meanwhile():
    turns = CpuTurns(1)
    waiting = threading.Event()
    other_linted = threading.Event()

    def waits_for_grammar(turns):
        with turns.turn():
            with turns.waiting():
                waiting.set()
                # the other thread can only lint if this one gave its turn up
                assert other_linted.wait(5)

    def lints(turns):
        assert waiting.wait(5)
        with turns.turn():
            other_linted.set()

    _run_together(turns, [waits_for_grammar, lints])
    assert other_linted.is_set()


def test_the_exempt_lane_and_nested_turns_never_wait():
    turns = CpuTurns(1)
    held = threading.Event()
    release = threading.Event()
    exempt_done = threading.Event()

    def holder(turns):
        with turns.turn():
            with turns.turn():  # nested (the request, then its lint): no second acquire
                held.set()
                assert release.wait(5)

    def long_text_lane(turns):
        turns.exempt()
        assert held.wait(5)
        with turns.turn():
            exempt_done.set()
        release.set()

    _run_together(turns, [holder, long_text_lane])
    assert exempt_done.is_set()


def test_without_a_serving_worker_there_are_no_turns():
    assert load._cpu_turns is None
    entered = []
    with load.cpu_turn(), load.waiting_elsewhere():
        entered.append(True)
    assert entered == [True]

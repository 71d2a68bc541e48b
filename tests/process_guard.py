"""The run-wide guard: no process a test started outlives the test run.

Every process the run starts inherits RUN_MARK (not TWOWAY_-prefixed: tests that clean TWOWAY_*
out of a subprocess's environment keep it). When the run ends, any live process carrying this run's
mark was left behind by a test: the guard kills it and fails the run, naming it. tests/conftest.py
imports the hook; `pytest -p process_guard` loads it on its own (tests/test_process_guard.py).
"""
from __future__ import annotations

import os
import signal
import time
import uuid
from pathlib import Path

import pytest

# The interpreter's own helpers, children of this process that end when it does (multiprocessing's
# resource tracker and fork server, started by a process pool of the audit or of Dask).
INTERPRETER_HELPERS = ("from multiprocessing.resource_tracker import main",
                       "from multiprocessing.forkserver import main")
RUN_MARK = "TEST_RUN_OWNER"
RUN_ID = f"twoway-{uuid.uuid4().hex}"
os.environ[RUN_MARK] = RUN_ID


def processes_of_this_run() -> dict[int, str]:
    """pid -> command line of each live process (not this one, no zombie) carrying this run's mark."""
    mark = f"{RUN_MARK}={RUN_ID}".encode()
    found = {}
    for proc in Path("/proc").glob("[0-9]*"):
        pid = int(proc.name)
        if pid == os.getpid():
            continue
        try:
            if mark not in (proc / "environ").read_bytes().split(b"\0"):
                continue
            state, parent = (proc / "stat").read_text().rsplit(")", 1)[1].split()[:2]
            if state == "Z":
                continue
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
            if int(parent) == os.getpid() and any(helper in command for helper in INTERPRETER_HELPERS):
                continue
            found[pid] = command
        except (OSError, IndexError):
            continue  # gone meanwhile, or not ours to read
    return found


def pytest_sessionfinish(session, exitstatus):
    if not Path("/proc/self/environ").exists():
        return
    deadline = time.monotonic() + 10  # a process told to stop may take a moment to go
    left = processes_of_this_run()
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        left = processes_of_this_run()
    if not left:
        return
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    lines = "\n".join(f"  pid {pid}: {cmd[:200]}" for pid, cmd in sorted(left.items()))
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    message = f"processes started by this test run were still running at its end (now killed):\n{lines}"
    if reporter is not None:
        reporter.write_line(message, red=True, bold=True)
    else:
        print(message)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED

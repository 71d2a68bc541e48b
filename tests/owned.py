"""Processes a test starts, owned with everything they start in turn.

Each is started in a session (and process group) of its own, so stopping it stops its whole tree:
a gunicorn master and its workers, nginx's master and worker, a shell and the server it runs. The
run-wide guard in tests/conftest.py catches whatever still escapes.
"""
from __future__ import annotations

import os
import signal
import subprocess


def start(args, **kwargs) -> subprocess.Popen:
    """subprocess.Popen in a new session: the process leads a group its children join."""
    return subprocess.Popen(args, start_new_session=True, **kwargs)


def stop_group(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 60) -> int | None:
    """Ask the leader to stop with `sig` and wait; then SIGKILL whatever is left of its group.
    Returns the leader's exit status (None if it had to be killed)."""
    status = process.poll()
    if status is None:
        try:
            process.send_signal(sig)
            status = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            status = None
    kill_group(process.pid)
    if process.poll() is None:
        process.wait(timeout=10)
    return status


def kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass

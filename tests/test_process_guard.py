"""The run-wide guard (tests/process_guard.py) fails a run that leaves a process behind, names
it and kills it; a run that stops what it started passes."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

TESTS = Path(__file__).parent

LEAKY = '''
import subprocess, sys
def test_leaves_a_server_behind(tmp_path):
    sleeper = subprocess.Popen(["sleep", "{seconds}"], start_new_session=True)
    (tmp_path.parent.parent / "pid").write_text(str(sleeper.pid))
    {stop}
'''


def run_inner(tmp_path: Path, stop: str) -> tuple[subprocess.CompletedProcess, int]:
    seconds = f"{300 + os.getpid() % 97}.5"  # a command line no other process has
    (tmp_path / "test_inner.py").write_text(LEAKY.format(seconds=seconds, stop=stop))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]))
    inner = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "process_guard", "-p", "no:cacheprovider",
                            "--basetemp", str(tmp_path / "base"), str(tmp_path / "test_inner.py")],
                           cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    return inner, int((tmp_path / "pid").read_text())


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_left_process_fails_the_run_named_and_is_killed(tmp_path):
    inner, pid = run_inner(tmp_path, stop="pass")
    assert inner.returncode == 1, inner.stdout + inner.stderr
    assert "1 passed" in inner.stdout
    assert "still running at its end" in inner.stdout and f"pid {pid}: sleep 3" in inner.stdout
    deadline = time.monotonic() + 10
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(pid)


def test_a_run_that_stops_what_it_started_passes(tmp_path):
    # multiprocessing's resource tracker (a process pool starts it) ends with the interpreter: not a leftover.
    inner, pid = run_inner(tmp_path, stop="sleeper.kill(); sleeper.wait(); "
                                          "from multiprocessing import resource_tracker; resource_tracker.ensure_running()")
    assert inner.returncode == 0, inner.stdout + inner.stderr
    assert "still running" not in inner.stdout and not alive(pid)

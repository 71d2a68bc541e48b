"""`make run` installs only what serving needs (issue 10, item 9): no browser, no npm, no test extras."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from .harness import ROOT


@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
def test_make_run_installs_nothing_but_the_server():
    # -B: every recipe as if nothing were installed yet; -n: print them, run nothing.
    plan = subprocess.run(["make", "-n", "-B", "run"], cwd=ROOT, capture_output=True, text=True, timeout=60).stdout
    assert "twoway serve" in plan and "pip install --quiet -e ." in plan
    for unwanted in ("chromium", "npm ci", ".[test]", "playwright"):
        assert unwanted not in plan, unwanted


@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
def test_make_test_still_installs_the_browser_and_npm_tools():
    plan = subprocess.run(["make", "-n", "-B", "test"], cwd=ROOT, capture_output=True, text=True, timeout=60).stdout
    assert "chromium" in plan and "npm ci" in plan and ".[test]" in plan

"""The fast tier: `make test-fast` runs the unit tests and the extension's JavaScript unit tests
and installs none of the heavy parts; CI runs it before the whole suite."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
def test_make_test_fast_runs_the_unit_tier_without_heavy_set_up():
    # -B: every recipe as if nothing were installed yet; -n: print them, run nothing.
    plan = subprocess.run(["make", "-n", "-B", "test-fast"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60).stdout
    assert "pytest -m unit" in plan and "npm ci" in plan  # jsdom for the JavaScript unit tests
    for heavy in ("chromium", "firefox", "geckodriver", "nginx", "mvn", "languagetool"):
        assert heavy not in plan.lower(), heavy


def test_ci_runs_the_fast_tier_first_then_everything():
    steps = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
             if line.strip().startswith("make ")]
    assert steps == ["make test-fast", "make test"]


def test_markers_are_registered_and_strict():
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert "--strict-markers" in pyproject.split("[tool.pytest.ini_options]")[1]
    for name in ("unit", "grammar", "browser", "serving", "slow", "load", "realdata"):
        assert f'"{name}: ' in pyproject, name


def test_every_test_in_this_file_is_in_the_unit_tier(request):
    assert request.node.get_closest_marker("unit") is not None

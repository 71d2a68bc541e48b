"""Shared fixtures: apps with grammar off (fast, no Java), built once per run, and a test client.

Tests share apps: an app holds no per-test state (a test that patches it uses monkeypatch, which
undoes the patch), and the rule pack is loaded once per process anyway (twoway/packcache.py).
A test that reads TWOWAY_* variables it sets itself builds its own app.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

# The feedback counts of every app and server the tests make go to a throwaway SQLite database,
# never to the checkout's instance folder (tests/feedback/ give their own DATABASE_URL).
_COUNTS_DIR = tempfile.mkdtemp(prefix="twoway-test-counts-")
atexit.register(shutil.rmtree, _COUNTS_DIR, True)
os.environ.setdefault("TWOWAY_DATABASE_URL", f"sqlite:///{_COUNTS_DIR}/twoway.db")

from twoway import create_app

# The run-wide guard against processes a test left running; a hook, found by its name here.
from process_guard import pytest_sessionfinish  # noqa: F401

CHROMIUM = os.environ.get("TWOWAY_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def app():
    return create_app({"LANGUAGETOOL": "off", "TESTING": True})


@pytest.fixture(scope="session")
def app_for():
    """app_for(MAX_CHARS=100, ...): the app for that configuration (grammar off), one per
    configuration for the whole run."""
    apps = {}

    def app_with(**config):
        key = tuple(sorted(config.items()))
        if key not in apps:
            apps[key] = create_app({"LANGUAGETOOL": "off", "TESTING": True, **config})
        return apps[key]

    return app_with


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def linter(app):
    return app.extensions["twoway"].linter


@pytest.fixture(scope="session")
def playwright_instance():
    """One Playwright for the whole run: its sync API allows one running instance per thread,
    so the page and extension suites share it and each launches its own browser from it."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is not installed at {CHROMIUM} (make test installs Debian's chromium)")
        pytest.skip(f"no Chromium at {CHROMIUM} (make setup installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def chromium_executable(playwright_instance) -> str:
    return CHROMIUM



# The tiers (pyproject.toml registers the markers; --strict-markers refuses any other). A test is
# marked by where it lives and what it needs; what needs none of the heavy parts is `unit`, the
# tier `make test-fast` runs. `make test` runs every tier.
HEAVY = ("grammar", "browser", "serving", "slow", "load", "realdata")
# Whole files that start processes (the CLI, the audit's pools, a nested run) or search widely
# (hypothesis); single slow tests carry @pytest.mark.slow themselves.
SLOW_FILES = {"test_wheel.py", "test_process_guard.py", "test_audit_dask.py", "test_audit_run.py",
              "test_cli_input.py", "test_properties.py",
              # feedback: concurrent writer processes on SQLite and a real PostgreSQL, and gunicorn
              "test_counts.py", "test_gunicorn.py",
              # the audit CLI in a process per case, and statsmodels' fits on generated mailboxes
              "test_audit_resilience.py", "test_outcomes.py"}
BROWSER_FIXTURES = {"playwright_instance", "browser", "firefox", "ff", "driver"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = Path(str(item.fspath))
        folder, name = path.parent.name, path.name
        if folder == "grammar" or "lt_server" in item.fixturenames:
            item.add_marker(pytest.mark.grammar)
        if "firefox" in name or "e2e" in name or BROWSER_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.browser)
        if folder == "serving":
            item.add_marker(pytest.mark.serving)
        if name in SLOW_FILES or item.get_closest_marker("load"):
            item.add_marker(pytest.mark.slow)
        if not any(item.get_closest_marker(tier) for tier in HEAVY):
            item.add_marker(pytest.mark.unit)

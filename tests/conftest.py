"""Shared fixtures: an app with grammar off (fast, no Java) and its test client."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from twoway import create_app

CHROMIUM = os.environ.get("TWOWAY_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def app():
    return create_app({"LANGUAGETOOL": "off", "TESTING": True})


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

"""Fixtures for the extension's tests; the harness itself is ext_harness.py (unique module name,
so it never collides with the other test folders' conftest modules)."""
from __future__ import annotations

import pytest

from ext_harness import CHROMIUM, Browser, ServerHandle, chromium_available


# ---------------------------------------------------------------------------------------------
# fixtures
@pytest.fixture(scope="session")
def server():
    handle = ServerHandle().start()
    yield handle
    handle.stop()


@pytest.fixture(scope="session")
def playwright_instance():
    if not chromium_available():
        pytest.skip(f"no Chromium at {CHROMIUM} (make setup installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture
def browser(playwright_instance, server):
    b = Browser(playwright_instance, server)
    yield b
    b.close()

"""Fixtures for the extension's tests; the harness itself is ext_harness.py (unique module name,
so it never collides with the other test folders' conftest modules)."""
from __future__ import annotations

import pytest

from ext_harness import Browser, ServerHandle


# ---------------------------------------------------------------------------------------------
# fixtures
@pytest.fixture(scope="session")
def server():
    handle = ServerHandle().start()
    yield handle
    handle.stop()


@pytest.fixture
def browser(playwright_instance, server):
    b = Browser(playwright_instance, server)
    yield b
    b.close()

import pytest

from .harness import ServeProcess


@pytest.fixture(scope="module")
def plain_server():
    """One single-worker server with the bundled pack for a test module, stopped after it."""
    server = ServeProcess(workers=1)
    yield server
    server.stop()

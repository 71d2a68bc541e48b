"""Fixtures for the grammar tests: one real LanguageTool server for the session.

The server is started from the jars that `make languagetool` resolved (languagetool/pom.xml),
on a free loopback port, and stopped at the end. Under CI=true a missing Java or missing jars
fail the tests loudly instead of skipping them. TWOWAY_TEST_LANGUAGETOOL_URL points the tests
at an already running server instead.
"""
from __future__ import annotations

import os
import time

import pytest

from twoway import create_app
from twoway import languagetool_server as lts

IN_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def need(reason: str):
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: the grammar layer must be tested for real)", pytrace=False)
    pytest.skip(reason)


class ExternalServer:
    def __init__(self, url: str):
        self.url = url.rstrip("/")


@pytest.fixture(scope="session")
def lt_server():
    url = os.environ.get("TWOWAY_TEST_LANGUAGETOOL_URL")
    if url:
        yield ExternalServer(url)
        return
    server = start_local_languagetool()
    yield server
    server.stop()


def start_local_languagetool(port: int | None = None) -> lts.LocalLanguageTool:
    server = lts.make_local(port=port or lts.free_port())
    if server is None:
        need("LanguageTool needs Java >= 17 and its jars: run `make languagetool`")
    server.start()
    if not server.wait_ready(timeout=120):
        server.stop()
        need(f"LanguageTool did not start (log: {server.log_path})")
    return server


def wait_for_state(service, state: str, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if service.state == state:
            return True
        time.sleep(0.05)
    return service.state == state


def grammar_app_for(url: str, **extra):
    app = create_app({"TESTING": True, "LANGUAGETOOL": url, "LANGUAGETOOL_PROBE_INTERVAL": 0.2, **extra})
    assert wait_for_state(app.extensions["twoway"].grammar, "ok", 90), "grammar never became ok"
    return app


@pytest.fixture(scope="session")
def grammar_app(lt_server):
    app = grammar_app_for(lt_server.url)
    yield app
    app.extensions["twoway"].grammar.close()


@pytest.fixture()
def client(grammar_app):
    return grammar_app.test_client()

"""Fixtures for the lint page: the real server on a free port, and real Chromium.

Chromium is Debian's (/usr/bin/chromium, or $TWOWAY_CHROMIUM) driven by PyPI playwright;
`playwright install` is not used. Without a Chromium the browser tests are skipped, except
under CI (CI=true), where a missing browser is a failure.
"""
from __future__ import annotations

import json
import logging
import os
import threading
import urllib.request
from pathlib import Path

import pytest
from werkzeug.serving import make_server

pytest.register_assert_rewrite("page_expect")

import twoway

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "docs" / "screenshots"


logging.getLogger("werkzeug").setLevel(logging.WARNING)


class LiveServer:
    def __init__(self, config: dict):
        self.app = twoway.create_app(config)
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def lint(self, text: str, subject: str = "", grammar: bool = False, token: str | None = None) -> dict:
        """The API's own answer for the same text: what the page must show."""
        req = urllib.request.Request(
            self.url + "/api/v1/lint",
            data=json.dumps({"text": text, "subject": subject, "grammar": grammar}).encode(),
            headers={"Content-Type": "application/json",
                     **({"Authorization": f"Bearer {token}"} if token else {})},
            method="POST")
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.load(resp)

    def stop(self):
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture(scope="session")
def live_server():
    server = LiveServer({"LANGUAGETOOL": "off"})
    yield server
    server.stop()


@pytest.fixture(scope="session")
def token_server():
    server = LiveServer({"LANGUAGETOOL": "off", "API_TOKEN": "s3cret-token-for-tests"})
    server.token = "s3cret-token-for-tests"
    yield server
    server.stop()


@pytest.fixture(scope="session")
def page_app(app):
    return app


@pytest.fixture()
def client(page_app):
    return page_app.test_client()


@pytest.fixture(scope="module")
def browser(playwright_instance, chromium_executable):
    b = playwright_instance.chromium.launch(executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS)
    try:
        yield b
    finally:
        b.close()


class PageProblems:
    """Console errors (CSP violations are reported there), uncaught errors and dialogs."""

    def __init__(self, page):
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))

        def _dialog(d):
            self.dialogs.append(f"{d.type}: {d.message}")
            d.dismiss()

        page.on("dialog", _dialog)

    def assert_clean(self):
        assert self.dialogs == [], self.dialogs
        assert self.page_errors == [], self.page_errors
        assert self.console_errors == [], self.console_errors


@pytest.fixture()
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


@pytest.fixture()
def page(context):
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    pg.problems = PageProblems(pg)
    yield pg


@pytest.fixture()
def nojs_page(browser):
    ctx = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.set_default_timeout(15_000)
    pg.problems = PageProblems(pg)
    yield pg
    ctx.close()


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: runs in real Chromium (Debian's, via PyPI playwright)")

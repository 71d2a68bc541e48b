"""LanguageTool down, killed, slow or answering garbage: the lint still answers within its budget
with the rule findings and "grammar": "unavailable", never a 500; grammar comes back by itself."""
from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler

import pytest

from twoway import create_app
from twoway import languagetool_server as lts

from .conftest import grammar_app_for, start_local_languagetool, wait_for_state
from loopback import LoopbackServer

TEXT = "He go to the store yesterday. This is a limited-time discount for teams your size."
# A lint must not wait for a LanguageTool that is down or slow: it answers within its budget
# (LANGUAGETOOL_TIMEOUT, 1.5 s). The bound is far from the budget so a loaded machine does not
# fail it, and far below the stand-in's delay so a lint that waited would.
SLOW_LANGUAGETOOL = 20
NOT_WAITING = 10.0


def timed_lint(client, text=TEXT):
    t0 = time.monotonic()
    r = client.post("/api/v1/lint", json={"text": text})
    elapsed = time.monotonic() - t0
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json(), elapsed


def rule_issues(answer):
    return [i for i in answer["issues"] if i["category"] not in ("grammar", "spelling")]


def grammar_issues(answer):
    return [i for i in answer["issues"] if i["category"] in ("grammar", "spelling")]


def test_killed_languagetool_gives_unavailable_fast_and_recovers_when_restarted():
    server = start_local_languagetool()
    app = None
    try:
        app = grammar_app_for(server.url)
        client = app.test_client()
        answer, _ = timed_lint(client)
        assert answer["grammar"] == "ok" and grammar_issues(answer)

        server.kill()
        # Sentences never seen before: the cache cannot answer for LanguageTool.
        for text in (TEXT + " Thanks again.", TEXT + " Speak soon."):
            answer, elapsed = timed_lint(client, text)
            assert elapsed < NOT_WAITING
            assert answer["grammar"] == "unavailable"
            assert rule_issues(answer) and not grammar_issues(answer)
        # The server-wide state follows the watcher's probe, which a failed lint wakes.
        assert wait_for_state(app.extensions["twoway"].grammar, "unavailable", 30)
        assert client.get("/healthz").get_json()["grammar"] == "unavailable"

        server.start()  # same port, as an operator's restart would
        assert server.wait_ready(timeout=120)
        assert wait_for_state(app.extensions["twoway"].grammar, "ok", 60)
        answer, _ = timed_lint(client, TEXT + " See you soon.")
        assert answer["grammar"] == "ok" and grammar_issues(answer)
        assert client.get("/healthz").get_json()["grammar"] == "ok"
    finally:
        if app is not None:
            app.extensions["twoway"].grammar.close()
        server.stop()


def test_nothing_listening_gives_unavailable_and_rule_findings():
    app = create_app({"TESTING": True, "LANGUAGETOOL": f"http://127.0.0.1:{lts.free_port()}"})
    try:
        answer, elapsed = timed_lint(app.test_client())
        assert elapsed < NOT_WAITING
        assert answer["grammar"] == "unavailable" and rule_issues(answer)
        assert app.test_client().get("/healthz").get_json()["grammar"] == "unavailable"
    finally:
        app.extensions["twoway"].grammar.close()


def test_off_means_off(app):
    answer, _ = timed_lint(app.test_client())
    assert answer["grammar"] == "off" and not grammar_issues(answer)
    assert app.test_client().get("/healthz").get_json()["grammar"] == "off"


class FakeLanguageTool:
    """A stand-in that answers like LanguageTool until told to misbehave (slow or garbage)."""

    def __init__(self):
        self.mode = "good"
        self.slow_marker = ""  # texts holding it are slow, whatever the mode
        self.checks = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, body, ctype="application/json"):
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self._send(200, json.dumps([{"name": "English (US)", "code": "en", "longCode": "en-US"}]))

            def do_POST(self):
                data = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                fake.checks += 1
                if fake.mode == "slow" or (fake.slow_marker and fake.slow_marker.encode() in data):
                    time.sleep(SLOW_LANGUAGETOOL)
                if fake.mode == "garbage":
                    self._send(200, "<html>Bad gateway</html>", "text/html")
                elif fake.mode == "bad-matches":
                    self._send(200, json.dumps({"matches": [{"offset": "x"}]}))
                else:
                    self._send(200, json.dumps({"matches": []}))

        self.server = LoopbackServer(Handler)
        self.url = self.server.url

    def close(self):
        self.server.close()


@pytest.mark.parametrize("mode", ["slow", "garbage", "bad-matches"])
def test_slow_or_garbage_languagetool_gives_unavailable_without_waiting_and_recovers(mode):
    fake = FakeLanguageTool()
    app = create_app({"TESTING": True, "LANGUAGETOOL": fake.url, "LANGUAGETOOL_PROBE_INTERVAL": 0.2})
    service = app.extensions["twoway"].grammar
    try:
        assert wait_for_state(service, "ok", 10)
        client = app.test_client()
        fake.mode = mode
        answer, elapsed = timed_lint(client, TEXT + f" ({mode})")
        assert elapsed < NOT_WAITING
        assert answer["grammar"] == "unavailable" and rule_issues(answer)
        fake.mode = "good"
        assert wait_for_state(service, "ok", 15)
        answer, _ = timed_lint(client, TEXT + f" ({mode}, again)")
        assert answer["grammar"] == "ok"
    finally:
        service.close()
        fake.close()


def test_auto_never_blocks_create_app_and_restarts_its_own_server():
    if lts.make_local() is None:
        pytest.skip("no Java or jars")  # the session fixture already failed loudly under CI
    # Loading the pack takes seconds on a busy machine: what must not add up is waiting for Java.
    t0 = time.monotonic()
    create_app({"TESTING": True, "LANGUAGETOOL": "off"})
    without_grammar = time.monotonic() - t0
    t0 = time.monotonic()
    app = create_app({"TESTING": True, "LANGUAGETOOL": "auto", "LANGUAGETOOL_PROBE_INTERVAL": 0.2})
    assert time.monotonic() - t0 < without_grammar + NOT_WAITING  # Java starts in the background
    service = app.extensions["twoway"].grammar
    try:
        assert service.state in ("unavailable", "ok")
        assert wait_for_state(service, "ok", 120)
        client = app.test_client()
        answer, _ = timed_lint(client)
        assert answer["grammar"] == "ok" and grammar_issues(answer)
        service.local.kill()
        answer, elapsed = timed_lint(client, TEXT + " Cheers.")
        assert elapsed < NOT_WAITING and answer["grammar"] == "unavailable"
        assert wait_for_state(service, "ok", 120)  # `auto` starts its server again
        # A just-restarted LanguageTool on a busy machine can still be late for one lint's
        # budget (that lint alone goes without grammar): grammar must be back within a few.
        for attempt in range(10):
            answer, _ = timed_lint(client, TEXT + f" Talk soon ({attempt}).")
            if answer["grammar"] == "ok":
                break
            time.sleep(1)
        assert answer["grammar"] == "ok" and grammar_issues(answer)
    finally:
        service.close()
        if service.local is not None:
            service.local.stop()

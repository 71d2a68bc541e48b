"""Grammar is shared by every user of a server (issue 10, item 5): one slow or odd text never
turns it off for the others; only evidence that LanguageTool itself is down does, and each
flip is logged once, not once per lint."""
from __future__ import annotations

import logging
import threading

from twoway import create_app

from .conftest import grammar_app_for, start_local_languagetool, wait_for_state
from .test_failures import FakeLanguageTool, grammar_issues, timed_lint

OTHER = "He go to the store yesterday. Would a call on Tuesday suit your team?"


def test_one_slow_text_answers_without_grammar_but_others_keep_it():
    fake = FakeLanguageTool()
    fake.slow_marker = "Zyxwv"
    app = create_app({"TESTING": True, "LANGUAGETOOL": fake.url, "LANGUAGETOOL_PROBE_INTERVAL": 0.2})
    service = app.extensions["twoway"].grammar
    try:
        assert wait_for_state(service, "ok", 10)
        client = app.test_client()
        slow_answers = []
        slow = threading.Thread(target=lambda: slow_answers.append(timed_lint(client, "Zyxwv is slow to check.")))
        slow.start()
        others = []
        for i in range(10):  # while the slow text waits, and after it gave up
            others.append(timed_lint(client, f"{OTHER} Note {i}.")[0]["grammar"])
        slow.join()
        assert slow_answers[0][0]["grammar"] == "unavailable" and slow_answers[0][1] < 2.5
        for i in range(10, 15):
            others.append(timed_lint(client, f"{OTHER} Note {i}.")[0]["grammar"])
        assert others == ["ok"] * 15
        assert service.state == "ok"
        assert client.get("/healthz").get_json()["grammar"] == "ok"
    finally:
        service.close()
        fake.close()


def test_lone_surrogate_is_checked_and_never_turns_grammar_off(grammar_app):
    client = grammar_app.test_client()
    text = "He go to the store \ud800 yesterday. Sign by Friday."
    r = client.post("/api/v1/lint", json={"text": text})
    answer = r.get_json()
    assert r.status_code == 200 and answer["grammar"] == "ok"
    assert any(i["text"].startswith("go") or i["text"] == "He go" for i in grammar_issues(answer)), answer["issues"]
    assert grammar_app.extensions["twoway"].grammar.state == "ok"
    answer, _ = timed_lint(client, OTHER + " Lone surrogate aftermath.")
    assert answer["grammar"] == "ok"


def test_languagetool_down_is_logged_once_not_per_lint(caplog):
    server = start_local_languagetool()
    app = None
    try:
        app = grammar_app_for(server.url)
        client = app.test_client()
        caplog.set_level(logging.INFO, logger="twoway.grammar")
        caplog.clear()
        server.kill()
        assert wait_for_state(app.extensions["twoway"].grammar, "unavailable", 10)
        for i in range(20):
            answer, elapsed = timed_lint(client, f"{OTHER} Down {i}.")
            assert answer["grammar"] == "unavailable" and elapsed < 10.0  # never waits for the dead server
        flips = [r for r in caplog.records if r.name == "twoway.grammar" and "grammar unavailable" in r.getMessage()]
        assert len(flips) == 1, [r.getMessage() for r in caplog.records]
    finally:
        if app is not None:
            app.extensions["twoway"].grammar.close()
        server.stop()

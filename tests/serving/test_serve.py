"""`twoway serve` under gunicorn (issue 10, items 4, 6 and 7): workers, graceful drain on
SIGTERM and on SIGHUP (nothing accepted or queued is lost; the socket never closes on reload),
a killed worker replaced, header limits, and the body limit from the headers alone."""
from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from .harness import NO_PROXY, ServeProcess, SlowLanguageTool, _cmdline, children, post_lint, raw

EMAIL = "Hi Sam, thanks for the call. Would Tuesday suit your team for a demo?"


@pytest.fixture(scope="module")
def slow_lt():
    """Checks take 1 s: a grammar lint is then a request that stays in flight for a second."""
    fake = SlowLanguageTool(delay=1.0)
    yield fake
    fake.close()


def test_serve_runs_the_given_number_of_workers_and_answers():
    server = ServeProcess(workers=2)
    try:
        assert len(server.wait_workers(2)) == 2
        r = post_lint(server.url, EMAIL)
        assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
        assert requests.get(server.url + "/healthz", headers={"Host": "evil.example"}, proxies=NO_PROXY).status_code == 421
        assert "Two-Way on http://127.0.0.1" in server.output()
    finally:
        assert server.stop() == 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_stop_and_reload_lose_no_request_in_flight_or_queued(slow_lt, sig):
    server = ServeProcess(workers=2, env={"TWOWAY_LANGUAGETOOL": slow_lt.url, "TWOWAY_LANGUAGETOOL_TIMEOUT": "5"})
    try:
        with ThreadPoolExecutor(6) as pool:
            futures = [pool.submit(post_lint, server.url, f"{EMAIL} Request {sig} {i}.", True) for i in range(6)]
            time.sleep(0.4)  # all sent: 2 in flight (1 s each), 4 waiting in the listen backlog
            server.signal(sig)
            answers = [f.result() for f in futures]
        assert [a.status_code for a in answers] == [200] * 6
        assert all(a.json()["grammar"] == "ok" for a in answers)
        if sig == signal.SIGHUP:
            # The socket stayed open: the server answers right away, with new workers.
            assert post_lint(server.url, EMAIL).status_code == 200
            server.wait_healthy(30)
        else:
            assert server.process.wait(timeout=30) == 0
    finally:
        server.stop()


def test_reload_picks_up_a_changed_team_pack_and_refuses_a_broken_one(tmp_path):
    pack = tmp_path / "team"
    pack.mkdir()
    (pack / "team.yaml").write_text("disable: []\nrules: []\n")
    server = ServeProcess(workers=1, args=("--rules-dir", str(pack)))
    try:
        count = requests.get(server.url + "/healthz", proxies=NO_PROXY).json()["rules"]
        (pack / "team.yaml").write_text("disable: [pressure.fake-deadline]\nrules: []\n")
        server.signal(signal.SIGHUP)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and requests.get(server.url + "/healthz", proxies=NO_PROXY).json()["rules"] == count:
            time.sleep(0.2)
        assert requests.get(server.url + "/healthz", proxies=NO_PROXY).json()["rules"] == count - 1
        (pack / "team.yaml").write_text("rules: [{id: broken}]\n")
        server.signal(signal.SIGHUP)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and "reload refused" not in server.output():
            time.sleep(0.2)
        assert "reload refused" in server.output()
        assert requests.get(server.url + "/healthz", proxies=NO_PROXY).json()["rules"] == count - 1
    finally:
        server.stop()


def test_a_killed_worker_is_replaced_and_the_others_keep_answering():
    server = ServeProcess(workers=2)
    try:
        before = server.wait_workers(2)
        assert len(before) == 2
        os.kill(before[0], signal.SIGKILL)
        statuses = [post_lint(server.url, f"{EMAIL} {i}").status_code for i in range(20)]
        assert statuses == [200] * 20
        after = server.wait_workers(2, exclude=(before[0],))
        assert len(after) == 2 and before[0] not in after
    finally:
        server.stop()


def test_long_request_line_and_too_many_headers_are_refused(plain_server):
    long_line = raw(plain_server.port, b"GET /healthz?" + b"a" * 5000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert long_line.split(b"\r\n", 1)[0].split(b" ")[1] in (b"400", b"414"), long_line[:100]
    headers = b"".join(b"X-H%d: v\r\n" % i for i in range(60))
    many = raw(plain_server.port, b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n" + headers + b"\r\n")
    assert many.split(b" ", 2)[1] in (b"400", b"431"), many[:100]
    assert requests.get(plain_server.url + "/healthz", proxies=NO_PROXY).status_code == 200


def test_declared_huge_body_is_413_from_the_headers_alone(plain_server):
    # A server that reads the body first would still be waiting when raw() gives up: no answer.
    answer = raw(plain_server.port, b"POST /api/v1/lint HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 1000000000\r\n\r\n{\"text\": \"", timeout=10)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_workers_flag_is_validated(capsys):
    from twoway.cli import main
    assert main(["serve", "--workers", "0"]) == 2
    assert "--workers" in capsys.readouterr().err


def test_a_relint_on_the_other_worker_sends_only_the_edited_sentence():
    """The workers share LanguageTool's answers: a draft linted by one worker and re-linted by
    the other costs LanguageTool the edited sentence only (the rep's re-lints land on either)."""
    fake = SlowLanguageTool(delay=0.5)
    server = ServeProcess(workers=2, env={"TWOWAY_LANGUAGETOOL": fake.url, "TWOWAY_LANGUAGETOOL_TIMEOUT": "5"})
    try:
        draft = "Thanks for the call today. Would Tuesday suit your team? I can send the notes."
        other = "A different email keeps the other worker busy meanwhile."
        fake.texts.clear()  # the server's warm-up checks
        with ThreadPoolExecutor(2) as pool:  # one lint per worker: each is busy for 0.5 s
            assert all(f.result().json()["grammar"] == "ok"
                       for f in [pool.submit(post_lint, server.url, t, True) for t in (draft, other)])
        edited = draft.replace("Tuesday", "Wednesday")
        with ThreadPoolExecutor(2) as pool:  # so both workers re-lint it, the one that saw the draft and the other
            assert all(f.result().json()["grammar"] == "ok"
                       for f in [pool.submit(post_lint, server.url, edited, True) for _ in range(2)])
        assert len(fake.texts) >= 3
        assert all(text == "Would Wednesday suit your team?" for text in fake.texts[2:]), fake.texts
    finally:
        server.stop()
        fake.close()


def test_auto_grammar_is_warm_before_the_first_lint_and_shared_by_the_workers():
    from twoway import languagetool_server as lts

    if lts.make_local() is None:
        if os.environ.get("CI"):
            pytest.fail("LanguageTool needs Java >= 17 and its jars (make languagetool)")
        pytest.skip("no Java >= 17 or no LanguageTool jars")
    server = ServeProcess(workers=2, env={"TWOWAY_LANGUAGETOOL": "auto", "TWOWAY_LANGUAGETOOL_PROBE_INTERVAL": "0.5"})
    try:
        # The very first lints, one per worker, already have grammar (issue 10: not 24-97% without).
        answers = [post_lint(server.url, f"He go to the store {i}.", grammar=True).json() for i in range(4)]
        assert [a["grammar"] for a in answers] == ["ok"] * 4
        assert all(any(i["category"] == "grammar" for i in a["issues"]) for a in answers)
        # One LanguageTool for the machine, a child of the parent, not one per worker.
        java = [p for p in children(server.pid) if "languagetool" in _cmdline(p).lower() or "lt-server" in _cmdline(p)]
        assert len(java) == 1
        os.kill(java[0], signal.SIGKILL)  # it crashes: the parent starts it again
        deadline = time.monotonic() + 150
        grammar = ""
        while time.monotonic() < deadline and grammar != "ok":
            time.sleep(1)
            answer = post_lint(server.url, f"He go to the shop {time.monotonic()}.", grammar=True)
            assert answer.status_code == 200
            grammar = answer.json()["grammar"]
        assert grammar == "ok"
    finally:
        server.stop()


@pytest.mark.parametrize("char", [".", "!", "\u2026"])
def test_a_run_of_50000_punctuation_marks_does_not_freeze_the_server(plain_server, char):
    # issue 10, item 1: this froze the whole server for about 2 minutes (quadratic splitter).
    # One worker: /healthz is answered only once the long lint is done, so it must be done soon.
    with ThreadPoolExecutor(1) as pool:
        long_lint = pool.submit(post_lint, plain_server.url, char * 50_000, False, 60)
        time.sleep(0.2)
        health = requests.get(plain_server.url + "/healthz", timeout=10, proxies=NO_PROXY)
        assert health.status_code == 200
        assert long_lint.result().status_code == 200

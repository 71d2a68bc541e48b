"""`twoway serve` under load and under hostile input (issue 22): reloads that cannot hurt (a good
pack picked up with no request failed, a broken one refused with the old pack serving), a stop
that accepts nothing new and answers everything accepted, a backtracking team pattern that
cannot hold the workers, /healthz on its own lane, and gunicorn's own errors in JSON.

Load is loopback only, a few client threads for a few seconds; speed figures are in
bench/bench_resilience.py, not here."""
from __future__ import annotations

import json
import signal
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from team_packs import team_rule_yaml

from .harness import NO_PROXY, LintLoad, ServeProcess, SlowLanguageTool, post_lint, raw

def team_rule(name: str, pattern: str, flag: str) -> str:
    return "rules:\n" + team_rule_yaml(pattern, flag, f"team.{name}")


def rules_of(server) -> set[str]:
    return {r["rule"] for r in post_lint(server.url, "Please sign zebra now. Act deltazebra now.").json()["issues"]}


def wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


@pytest.fixture
def team_server(tmp_path):
    pack = tmp_path / "team"
    pack.mkdir()
    (pack / "team.yaml").write_text(team_rule("zebra", r"\bsign zebra now\b", "Please [[sign zebra now]]."))
    server = ServeProcess(workers=2, args=("--rules-dir", str(pack)), env={"TWOWAY_GRACEFUL_TIMEOUT": "60"})
    yield server, pack
    server.stop()


def test_a_reload_under_load_fails_no_request_and_the_old_workers_leave_at_once(team_server):
    """Issue 22, item 2: at load a SIGHUP failed requests at the graceful timeout and old
    workers served the old pack for 30 s, because a draining worker kept accepting."""
    server, pack = team_server
    assert rules_of(server) == {"team.zebra"}
    old_workers = set(server.wait_workers(2))
    load = LintLoad(server.url, clients=12)
    try:
        time.sleep(2)
        (pack / "team.yaml").write_text(team_rule("zebra", r"\bsign zebra now\b", "Please [[sign zebra now]].")
                                        + team_rule("delta", r"\bact deltazebra now\b", "Please [[act deltazebra now]].")
                                        .replace("rules:\n", ""))
        hup = time.monotonic()
        server.signal(signal.SIGHUP)
        # The old workers stop accepting at once and leave when their requests are answered:
        # far sooner than the graceful timeout (60 s here) they used to sit out.
        assert wait_for(lambda: not old_workers & set(server.workers()), 30), server.output()[-2000:]
        left = time.monotonic() - hup
        assert rules_of(server) == {"team.zebra", "team.delta"}
        time.sleep(2)
    finally:
        load.stop()
    assert len(load.results) > 50
    assert load.failures() == [], load.failures()[:5]
    assert left < 30


@pytest.mark.parametrize("broken", [
    team_rule("colour", r"\bsign now\b", "[[sign now]]") + "    colour: red\n",
    "rules: " + "[" * 3000 + "]" * 3000 + "\n",
    team_rule("look", "(?<!not )sign now", "[[sign now]]"),
], ids=["a field the loader does not know", "YAML nested 3,000 deep", "a look-behind"])
def test_a_broken_pack_on_reload_under_load_is_refused_and_the_old_pack_serves(team_server, broken):
    """Issue 22, item 1: SIGHUP with such a pack raised out of the master: port closed, 500s."""
    server, pack = team_server
    load = LintLoad(server.url, clients=6)
    try:
        time.sleep(1)
        (pack / "team.yaml").write_text(broken)
        server.signal(signal.SIGHUP)
        assert wait_for(lambda: "reload refused" in server.output(), 60), server.output()[-2000:]
        time.sleep(2)
        assert rules_of(server) == {"team.zebra"}
        assert server.process.poll() is None
    finally:
        load.stop()
    assert load.failures() == [], load.failures()[:5]
    line = next(x for x in server.output().splitlines() if "reload refused" in x)
    assert "team.yaml" in line
    assert "Traceback" not in server.output()


def test_sigterm_under_load_accepts_nothing_new_and_answers_everything_accepted(team_server):
    """Issue 22, item 2: SIGTERM went on accepting for 30 s, then reset 32 requests in flight."""
    server, _ = team_server
    fake = None
    load = LintLoad(server.url, clients=12)
    try:
        time.sleep(2)
        term = time.monotonic()
        server.signal(signal.SIGTERM)
        # Soon nothing new is accepted: a connection is refused (the listening socket is closed).
        def refused() -> bool:
            try:
                socket.create_connection(("127.0.0.1", server.port), timeout=1).close()
                return False
            except ConnectionRefusedError:
                return True
            except OSError:
                return False
        assert wait_for(refused, 20)
        assert server.process.wait(timeout=60) == 0
        stopped = time.monotonic() - term
    finally:
        load.stop()
        if fake:
            fake.close()
    # Every request that reached the server was answered; from the stop on, connections are
    # refused outright at connect, never reset mid-request or left hanging. (A client that began
    # just before the signal may connect just after the listener closed: refused, as it should.)
    assert any(what == 200 and t0 + d < term for t0, d, what in load.results)
    assert all(what in (200, "ConnectionRefused") for _, _, what in load.results), load.failures()[:5]
    assert all(t0 + d >= term for t0, d, what in load.results if what == "ConnectionRefused")
    assert stopped < 30, stopped


def test_a_stopping_listener_lets_nothing_new_in_and_keeps_its_backlog():
    """The door a stopping worker shuts before it drains: a connection already in the backlog is
    still accepted and answered; a new one gets no handshake (its SYN is dropped), and is
    refused once the listener closes, instead of landing in the backlog and being reset."""
    import socket as sockets

    from twoway.serve import refuse_new_connections

    listener = sockets.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    port = listener.getsockname()[1]
    early = sockets.create_connection(("127.0.0.1", port), timeout=5)
    try:
        assert refuse_new_connections(listener)
        with pytest.raises(TimeoutError):
            sockets.create_connection(("127.0.0.1", port), timeout=0.5).close()
        accepted, _ = listener.accept()
        with accepted:
            early.sendall(b"ping")
            assert accepted.recv(4) == b"ping"  # the inherited filter passes data, not only handshakes
            accepted.sendall(b"pong")
            assert early.recv(4) == b"pong"
    finally:
        early.close()
        listener.close()
    with pytest.raises(ConnectionRefusedError):
        sockets.create_connection(("127.0.0.1", port), timeout=5).close()
    unix = sockets.socket(sockets.AF_UNIX, sockets.SOCK_STREAM)
    with unix:
        assert not refuse_new_connections(unix)  # the filter reads a TCP header: TCP only


def test_a_backtracking_team_pattern_holds_no_worker(tmp_path):
    """Issue 22, item 3: two 75-byte requests held both workers for 30 s under Python's re."""
    pack = tmp_path / "team"
    pack.mkdir()
    (pack / "team.yaml").write_text(team_rule("zebra", r"(?:\w|\w\w)+deltazebra now\b", "Go [[xdeltazebra now]]."))
    server = ServeProcess(workers=2, args=("--rules-dir", str(pack)))
    try:
        hostile = "a" * 62 + "deltazebra no"
        assert len(hostile.encode()) == 75
        with ThreadPoolExecutor(2) as pool:
            answers = [pool.submit(post_lint, server.url, hostile, False, 60) for _ in range(2)]
            health = requests.get(server.url + "/healthz", timeout=10, proxies=NO_PROXY)
            other = post_lint(server.url, "Please xdeltazebra now.", timeout=10)
            assert [a.result().status_code for a in answers] == [200, 200]
        assert health.status_code == 200
        assert [i["rule"] for i in other.json()["issues"] if i["rule"].startswith("team.")] == ["team.zebra"]
    finally:
        server.stop()


def test_healthz_answers_on_its_own_lane_and_says_busy_when_lints_queue():
    """Issue 22, item 4: /healthz waited behind lints (2.7 s with grammar on)."""
    fake = SlowLanguageTool(delay=4.0)
    server = ServeProcess(workers=1, env={"TWOWAY_LANGUAGETOOL": fake.url, "TWOWAY_LANGUAGETOOL_TIMEOUT": "8",
                                          "TWOWAY_THREADS": "2"})
    try:
        with ThreadPoolExecutor(6) as pool:
            lints = [pool.submit(post_lint, server.url, f"He go to the store {i}.", True, 60) for i in range(6)]
            time.sleep(2.5)  # 2 lints hold the threads for 4 s; 4 wait in the worker's queue
            health = requests.get(server.url + "/healthz", timeout=3, proxies=NO_PROXY)
            assert health.status_code == 200
            assert health.json()["status"] == "busy", health.json()
            assert health.json()["load"]["queued"] >= 1
            assert all(f.result().status_code == 200 for f in lints)
        calm = requests.get(server.url + "/healthz", timeout=3, proxies=NO_PROXY).json()
        assert calm["status"] == "ok" and calm["load"]["queued"] == 0
    finally:
        server.stop()
        fake.close()


def test_a_lint_waiting_for_grammar_gives_its_cpu_turn_to_the_next_lint():
    """Lint threads take turns at the CPU, one at a time (load.py: fewer threads after the
    interpreter's lock keep /healthz p99 under 100 ms at 128 clients); a lint waiting for
    LanguageTool must give its turn up, or every lint of the worker waits for LanguageTool."""
    fake = SlowLanguageTool(delay=4.0)
    server = ServeProcess(workers=1, env={"TWOWAY_LANGUAGETOOL": fake.url, "TWOWAY_LANGUAGETOOL_TIMEOUT": "8",
                                          "TWOWAY_THREADS": "2"})
    try:
        answered: list[str] = []
        with ThreadPoolExecutor(1) as pool:
            waiting = pool.submit(post_lint, server.url, "He go to the store today.", True, 60)
            waiting.add_done_callback(lambda _: answered.append("grammar"))
            time.sleep(1.0)  # the first lint now waits 4 s for LanguageTool
            quick = post_lint(server.url, "Thanks for the call. Would Tuesday suit you?", False, 30)
            answered.append("no grammar")
            assert waiting.result().status_code == 200
        assert quick.status_code == 200
        assert answered == ["no grammar", "grammar"]
    finally:
        server.stop()
        fake.close()


@pytest.mark.parametrize("request_bytes, status", [
    (b"GET /healthz?" + b"a" * 5000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n", 414),
    (b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(60)) + b"\r\n", 431),
    (b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"v" * 9000 + b"\r\n\r\n", 431),
    (b"BREW /healthz HTCPCP/1.0\r\n\r\n", 400),
    (b"POST /api/v1/lint HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
], ids=["long request line", "too many headers", "a huge header", "not HTTP", "bad chunk"])
def test_gunicorn_level_errors_answer_the_json_error(plain_server, request_bytes, status):
    answer = raw(plain_server.port, request_bytes)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split(b" ", 2)[1] == str(status).encode(), answer[:300]
    assert b"content-type: application/json" in head.lower()
    error = json.loads(body)["error"]
    assert error["code"] and error["message"]
    assert b"<html" not in answer


def test_a_request_past_the_timeout_is_answered_in_json_and_the_worker_replaced():
    fake = SlowLanguageTool(delay=6.0)
    server = ServeProcess(workers=1, env={"TWOWAY_LANGUAGETOOL": fake.url, "TWOWAY_LANGUAGETOOL_TIMEOUT": "10",
                                          "TWOWAY_REQUEST_TIMEOUT": "2"})
    try:
        before = server.wait_workers(1)
        answer = post_lint(server.url, "He go to the store.", grammar=True, timeout=30)
        assert answer.status_code == 503
        assert answer.json()["error"]["code"] == "timeout"
        assert wait_for(lambda: set(server.workers()) - set(before), 30)
        assert post_lint(server.url, "Thanks for the call.").status_code == 200
        assert "request timeout" in server.output()
    finally:
        server.stop()
        fake.close()


def test_a_long_text_gets_grammar_in_bounded_slices():
    """Issue 22, item 5: a 50k-character text was sent to the shared LanguageTool whole with each
    lint. Now one lint sends at most LANGUAGETOOL_MAX_CHARS of unchecked sentences; the answers
    are cached, so successive lints of the text go on where the last one stopped."""
    from twoway.grammar_service import GrammarService

    fake = SlowLanguageTool(delay=0.0)
    service = GrammarService({"LANGUAGETOOL": fake.url, "LANGUAGETOOL_TIMEOUT": 5, "LANGUAGETOOL_MAX_CHARS": 2000})
    try:
        assert service.wait_ready(30) == "ok"
        text = " ".join(f"Sentence number {i} says something about the plan for week {i}." for i in range(300))
        fake.texts.clear()
        states = []
        for _ in range(20):
            states.append(service.check(text)[1])
            if states[-1] == "ok":
                break
        assert states[0] == "partial" and states[-1] == "ok", states
        assert all(len(sent) <= 2000 + 100 for sent in fake.texts), [len(t) for t in fake.texts]
        assert sum(len(sent) for sent in fake.texts) >= len(text) - 2 * len(fake.texts) * 2
        # One slice per lint: about len(text) / 2000 lints to have it all.
        assert len(states) <= len(text) // 1500 + 1
    finally:
        service.close()
        fake.close()


def test_languagetool_log_rotates_and_never_blocks_its_writer(tmp_path):
    """Issue 22: LanguageTool's log grew without bound; its output now goes through a pipe into
    a log kept under a size, with two old files."""
    import io

    from twoway.languagetool_server import RotatingLog, pump

    log_path = tmp_path / "lt.log"
    lines = b"".join(b"2026-12-05 request %06d took 12ms\n" % i for i in range(20_000))
    pump(io.BytesIO(lines), RotatingLog(log_path, max_bytes=100_000, backups=2))
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["lt.log", "lt.log.1", "lt.log.2"]
    assert all((tmp_path / f).stat().st_size <= 100_000 for f in files)
    assert (tmp_path / "lt.log").read_bytes().endswith(b"request 019999 took 12ms\n")


def test_grammar_going_down_and_coming_back_is_logged():
    """Issue 22: grammar coming back was never logged (an info line with no handler)."""
    fake = SlowLanguageTool(delay=0.0)
    server = ServeProcess(workers=1, env={"TWOWAY_LANGUAGETOOL": fake.url, "TWOWAY_LANGUAGETOOL_PROBE_INTERVAL": "0.3"})
    try:
        assert wait_for(lambda: "grammar ok" in server.output(), 30), server.output()[-2000:]
        fake.down = True
        assert wait_for(lambda: "grammar unavailable" in server.output(), 30), server.output()[-2000:]
        fake.down = False
        def back() -> bool:
            out = server.output()
            return "grammar ok" in out[out.rindex("grammar unavailable"):]
        assert wait_for(back, 30), server.output()[-2000:]
        assert "twoway.grammar" in server.output()  # Two-Way's own logger, with its name
    finally:
        server.stop()
        fake.close()


def test_long_texts_take_turns_on_their_own_lane_and_ordinary_lints_pass_them():
    """Issue 22, item 5: three senders of 50,000-character emails with grammar on each held a
    worker for the grammar wait; other users went from 44 to 0.9 lints/s. Long texts now run one
    at a time per worker, on a lane of their own, and ordinary lints keep the other threads."""
    fake = SlowLanguageTool(delay=2.0)
    server = ServeProcess(workers=1, env={"TWOWAY_LANGUAGETOOL": fake.url, "TWOWAY_LANGUAGETOOL_TIMEOUT": "5"})
    try:
        long_text = " ".join(f"Point {i}: the team reviewed the figures with care." for i in range(900))
        assert len(long_text) > 40_000
        answered: list[str] = []
        with ThreadPoolExecutor(3) as pool:
            big = [pool.submit(post_lint, server.url, long_text + f" {k}", True, 60) for k in range(3)]
            for future in big:
                future.add_done_callback(lambda _: answered.append("long"))
            time.sleep(1.0)
            load = requests.get(server.url + "/healthz", timeout=5, proxies=NO_PROXY).json()["load"]
            ordinary = post_lint(server.url, "Thanks for the call. Would Tuesday suit you?", False, 30)
            answered.append("ordinary")
            assert all(f.result().status_code == 200 for f in big)
        assert load["big_queued"] == 2, load  # one long text at a time on the lane, two waiting
        assert ordinary.status_code == 200
        # Not behind the long ones (the first holds the lane for a 2 s grammar wait): answered
        # before any of them.
        assert answered[0] == "ordinary", answered
    finally:
        server.stop()
        fake.close()

"""The counts are exact under concurrent writers (SQLite and a real PostgreSQL), survive a restart
and a schema migration, never hold a word of an email, and a database that is down or locked
never fails a lint (the counts wait in memory and /healthz says so)."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from twoway.feedback import feedback_of
from twoway.feedback.store import counts as counts_table, current_revision, engine_for, upgrade

from .conftest import free_port
from .helpers import ONE_WAY, auth, close, make_app, stored

WRITER = Path(__file__).with_name("writer.py")
PROCESSES, CLICKS = 4, 100


def run_writers(url: str) -> None:
    procs = [subprocess.Popen([sys.executable, str(WRITER), url, str(CLICKS), str(k)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for k in range(PROCESSES)]
    try:
        for p in procs:
            out, err = p.communicate(timeout=300)
            assert p.returncode == 0 and "done" in out, err[-2000:]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()


def expected_counts() -> dict:
    per = {a: sum(1 for i in range(CLICKS) if ("fixed", "kept", "muted")[i % 3] == a) for a in ("fixed", "kept", "muted")}
    out = {("pressure.fake-deadline", a, ""): n * PROCESSES for a, n in per.items()}
    out[("pressure.fake-deadline", "shown", "")] = CLICKS * PROCESSES
    out[("self_focus.quota-talk", "shown", "")] = CLICKS * PROCESSES
    return out


def test_concurrent_servers_lose_no_count_on_sqlite(sqlite_url):
    feedback_of(make_app(sqlite_url)).start()  # the schema, as `twoway serve` makes it at start
    run_writers(sqlite_url)
    assert stored(sqlite_url) == expected_counts()


def test_concurrent_servers_lose_no_count_on_postgresql(postgres_db):
    run_writers(postgres_db)
    assert stored(postgres_db) == expected_counts()
    assert engine_for(postgres_db).dialect.name == "postgresql"


def test_threads_of_one_server_lose_no_count(postgres_db):
    app = make_app(postgres_db, FEEDBACK_FLUSH_INTERVAL=0.002)
    try:
        def clicks():
            client = app.test_client()
            for _ in range(100):
                assert client.post("/api/v1/feedback", json={"rule": "pressure.fake-deadline",
                                                            "action": "kept", "reason": "reader_asked"}).status_code == 202
        threads = [threading.Thread(target=clicks) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        # Every count accepted so far, flushed or not, is in the stats.
        stats = app.test_client().get("/api/v1/team/stats", headers=auth()).get_json()
        assert stats["rules"][0]["kept"] == 600 and stats["rules"][0]["kept_reasons"]["reader_asked"] == 600
    finally:
        close(app)
    assert stored(postgres_db) == {("pressure.fake-deadline", "kept", "reader_asked"): 600}


def test_counts_survive_a_restart(sqlite_url):
    first = make_app(sqlite_url)
    client = first.test_client()
    client.post("/api/v1/lint", json={"text": ONE_WAY, "grammar": False})
    client.post("/api/v1/feedback", json={"rule": "pressure.fake-deadline", "action": "fixed"})
    close(first)  # the server stops: what was pending is written at exit
    second = make_app(sqlite_url)
    try:
        rows = {r["rule"]: r for r in second.test_client().get("/api/v1/team/stats", headers=auth()).get_json()["rules"]}
        assert rows["pressure.fake-deadline"]["shown"] == 1 and rows["pressure.fake-deadline"]["fixed"] == 1
    finally:
        close(second)


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_counts_survive_a_migration(database, request):
    url = request.getfixturevalue("sqlite_url" if database == "sqlite" else "postgres_db")
    engine = engine_for(url)
    upgrade(engine, "0001")  # the schema of the first release: no profile column
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO feedback_counts (day, rule, action, reason, pack_version, install, count) VALUES "
            "('2026-11-23', 'pressure.fake-deadline', 'shown', '', '0.0.9+old', '', 40), "
            "('2026-11-24', 'pressure.fake-deadline', 'kept', 'not_one_way', '0.0.9+old', '', 7)"))
    engine.dispose()
    app = make_app(url)  # the new server upgrades the schema before its first write or read
    try:
        client = app.test_client()
        client.post("/api/v1/feedback", json={"rule": "pressure.fake-deadline", "action": "kept", "reason": "not_one_way"})
        stats = client.get("/api/v1/team/stats", headers=auth()).get_json()
        assert current_revision(engine_for(url)) == "0002"
        row = stats["rules"][0]
        assert (row["shown"], row["kept"], row["kept_reasons"]["not_one_way"]) == (40, 8, 8)
        assert [w["week"] for w in stats["weeks"]] == ["2026-11-23", stats["weeks"][-1]["week"]]
        with engine_for(url).connect() as connection:
            profiles = {r[0] for r in connection.execute(sa.text("SELECT DISTINCT profile FROM feedback_counts"))}
        assert profiles == {"balanced"}
    finally:
        close(app)


def test_nothing_of_an_email_reaches_the_database(sqlite_url, tmp_path):
    app = make_app(sqlite_url)
    secret_words = ["Zanzibarquota", "Quillfeather", "Marmaduke", "ultravioletdeal"]
    text = (f"Hi Marmaduke,\n\nI need to hit my Zanzibarquota quota this month, so sign by Friday.\n"
            f"Only two seats left for Quillfeather, act now.\nThe ultravioletdeal expires tonight.\n\nBest,\nBob")
    try:
        client = app.test_client()
        answer = client.post("/api/v1/lint", json={"text": text, "subject": "Quillfeather pricing", "grammar": False})
        issues = answer.get_json()["issues"]
        assert len(issues) >= 2
        for issue in issues:
            client.post("/api/v1/feedback", json={"rule": issue["rule"], "action": "kept", "reason": "other"})
        client.post("/", data={"text": text, "grammar": ""})  # the page's no-JavaScript form
        feedback_of(app).flush()
    finally:
        close(app)
    db_path = sqlite_url.removeprefix("sqlite:///")
    connection = sqlite3.connect(db_path)
    try:
        tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        assert "feedback_counts" in tables
        values = []
        for table in tables:
            for row in connection.execute(f'SELECT * FROM "{table}"'):
                values.extend(str(v) for v in row)
    finally:
        connection.close()
    assert values
    flagged = [i["text"] for i in issues]
    everything = "\n".join(values).lower()
    for word in secret_words + ["sign by friday", "quota this month", "marmaduke"] + flagged:
        assert word.lower() not in everything
    # Nor in the file's bytes (free pages, the write-ahead log): compare every file of the database.
    for path in Path(db_path).parent.glob(Path(db_path).name + "*"):
        raw = path.read_bytes().lower()
        for word in secret_words:
            assert word.lower().encode() not in raw, path


def test_nothing_of_an_email_reaches_postgresql(postgres_db):
    app = make_app(postgres_db)
    text = "Hi Marmaduke,\n\nI need to hit my Zanzibarquota quota this month, so sign by Friday.\n\nBest,\nBob"
    try:
        client = app.test_client()
        issues = client.post("/api/v1/lint", json={"text": text, "grammar": False}).get_json()["issues"]
        for issue in issues:
            client.post("/api/v1/feedback", json={"rule": issue["rule"], "action": "kept", "reason": "other"})
        feedback_of(app).flush()
    finally:
        close(app)
    engine = engine_for(postgres_db)
    with engine.connect() as connection:
        tables = [r[0] for r in connection.execute(sa.text(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"))]
        values = [str(v) for t in tables for row in connection.execute(sa.text(f'SELECT * FROM "{t}"')) for v in row]
    engine.dispose()
    assert "feedback_counts" in tables and values
    everything = "\n".join(values).lower()
    for word in ["marmaduke", "zanzibarquota", "sign by friday", "hit my"] + [i["text"].lower() for i in issues]:
        assert word not in everything


def test_a_database_that_is_down_never_fails_a_lint():
    url = f"postgresql://twoway@127.0.0.1:{free_port()}/nothing_listens_here"
    app = make_app(url)
    try:
        client = app.test_client()
        feedback_of(app).start()  # as `twoway serve` does: the database does not answer
        health = client.get("/healthz").get_json()
        assert health["status"] == "ok" and health["feedback"]["state"] == "unavailable"
        for i in range(3):
            answer = client.post("/api/v1/lint", json={"text": ONE_WAY.replace("Anna", f"Reader{i}"), "grammar": False})
            assert answer.status_code == 200 and answer.get_json()["issues"]
        assert client.post("/api/v1/feedback", json={"rule": "pressure.fake-deadline", "action": "kept"}).status_code == 202
        assert feedback_of(app).flush() is False
        health = client.get("/healthz").get_json()["feedback"]
        assert health["state"] == "unavailable" and health["pending"] == 7  # 3 x 2 shown + 1 kept
        stats = client.get("/api/v1/team/stats", headers=auth()).get_json()
        assert stats["database"] == "unavailable"
        row = next(r for r in stats["rules"] if r["rule"] == "pressure.fake-deadline")
        assert (row["shown"], row["kept"]) == (3, 1)  # the counts waiting in memory are in the stats
    finally:
        close(app)


def test_a_locked_sqlite_database_never_fails_a_lint_and_loses_nothing(sqlite_url):
    app = make_app(sqlite_url)
    locker = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), timeout=0)
    try:
        client = app.test_client()
        locker.execute("BEGIN EXCLUSIVE")  # another program holds the write lock
        answer = client.post("/api/v1/lint", json={"text": ONE_WAY, "grammar": False})
        assert answer.status_code == 200
        assert client.post("/api/v1/feedback", json={"rule": "pressure.fake-deadline", "action": "fixed"}).status_code == 202
        assert feedback_of(app).flush() is False
        assert client.get("/healthz").get_json()["feedback"]["state"] == "unavailable"
        locker.rollback()  # the lock is gone: the next flush writes everything, once
        assert feedback_of(app).flush() is True
        assert client.get("/healthz").get_json()["feedback"] == {"state": "ok", "pending": 0, "dropped": 0,
                                                                 "database": "sqlite"}
        assert stored(sqlite_url) == {("pressure.fake-deadline", "shown", ""): 1, ("self_focus.quota-talk", "shown", ""): 1,
                                      ("pressure.fake-deadline", "fixed", ""): 1}
    finally:
        locker.close()
        close(app)


def test_the_pending_table_is_bounded(tmp_path):
    url = f"postgresql://twoway@127.0.0.1:{free_port()}/down"
    app = make_app(url, FEEDBACK_PENDING_SLOTS=16)
    try:
        service = feedback_of(app)
        for i in range(40):  # 40 distinct keys, room for 16
            service.pending.add({("2026-12-01", f"rule{i}", "kept", "", "v", "balanced", ""): 1})
        health = app.test_client().get("/healthz").get_json()["feedback"]
        assert health["pending"] == 16 and health["dropped"] == 24
    finally:
        close(app)

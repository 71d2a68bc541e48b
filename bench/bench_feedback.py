"""Feedback counts under concurrent writers: a row written per click (an atomic upsert in its own
transaction, as the click arrives) against the shipped design (clicks added to the pending table
shared by a server's processes, moved to the database in one transaction per flush interval).

Four writer processes (as four gunicorn workers, or four servers) each send CLICKS clicks as fast
as they can, on SQLite (the default) and, when Debian's PostgreSQL is installed, on a throwaway
cluster. Printed per design and database: clicks per second over all writers, clicks lost, and
writer errors (a click that raised). Run: .venv/bin/python bench/bench_feedback.py
"""
from __future__ import annotations

import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

WRITERS = 4
CLICKS = int(os.environ.get("BENCH_FEEDBACK_CLICKS", "2000"))
KEY = ("2026-12-01", "pressure.fake-deadline", "kept", "other", "bench", "balanced", "")


def _per_click(url: str, n: int, errors) -> None:
    from twoway.feedback.store import CountStore

    store = CountStore(url)
    for _ in range(n):
        try:
            store.add({KEY: 1})
        except Exception:  # noqa: BLE001 - counted: a click the design lost
            errors.value += 1
    store.dispose()


def _batched(service, n: int, errors) -> None:
    try:
        for _ in range(n):
            service.pending.add({KEY: 1})
            service._ensure_flusher()
        service.close()
    except Exception:  # noqa: BLE001
        errors.value += 1


def run(url: str, design: str) -> tuple[float, int, int]:
    from twoway.feedback import FeedbackService
    from twoway.feedback.store import CountStore, engine_for, upgrade

    upgrade(engine_for(url))
    service = FeedbackService({"DATABASE_URL": url, "FEEDBACK_FLUSH_INTERVAL": 0.05}, tempfile.gettempdir(),
                              "bench", [])
    errors = multiprocessing.Value("i", 0)
    context = multiprocessing.get_context("fork")  # the workers share the pending table, as gunicorn's do
    target, args = (_per_click, (url, CLICKS, errors)) if design == "per click" else (_batched, (service, CLICKS, errors))
    procs = [context.Process(target=target, args=args) for _ in range(WRITERS)]
    began = time.perf_counter()
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    service.close()
    seconds = time.perf_counter() - began
    store = CountStore(url)
    total = sum(store.read().values())
    store.dispose()
    return WRITERS * CLICKS / seconds, WRITERS * CLICKS - total - errors.value, errors.value


def main() -> int:
    print(f"{WRITERS} writer processes x {CLICKS} clicks each")
    print(f"{'database':10} {'design':10} {'clicks/s':>10} {'lost':>6} {'errors':>7}")
    with tempfile.TemporaryDirectory(prefix="twoway-bench-feedback-") as tmp:
        targets = [("sqlite", lambda d: f"sqlite:///{tmp}/{d.replace(' ', '_')}.db")]
        pg = _start_postgres(Path(tmp))
        if pg:
            targets.append(("postgresql", lambda d: _fresh_pg_db(pg[0], d)))
        try:
            for name, url_for in targets:
                for design in ("per click", "batched"):
                    rate, lost, errors = run(url_for(design), design)
                    print(f"{name:10} {design:10} {rate:10.0f} {lost:6d} {errors:7d}", flush=True)
        finally:
            if pg:
                pg[1]()
    return 0


def _start_postgres(root: Path):
    import glob
    import pwd
    import socket
    import subprocess

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        print("(no PostgreSQL installed: SQLite only)")
        return None
    bindir = Path(found[-1]).parent
    data, sock = root / "pg", root / "sock"
    sock.mkdir()
    prefix = []
    if os.geteuid() == 0:
        entry = pwd.getpwnam("nobody")
        os.chmod(root, 0o755)
        os.chown(root, entry.pw_uid, entry.pw_gid)
        os.chown(sock, entry.pw_uid, entry.pw_gid)
        prefix = ["runuser", "-u", "nobody", "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, LC_ALL="C.UTF-8")
    subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "twoway", "--auth=trust", "--no-sync"],
                   check=True, capture_output=True, env=env, cwd=root)
    subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "pg.log"), "-w", "-o",
                    f"-p {port} -k {sock} -c listen_addresses=127.0.0.1", "start"],
                   check=True, capture_output=True, env=env, cwd=root)

    def stop():
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       capture_output=True, env=env, cwd=root)
    return f"postgresql://twoway@127.0.0.1:{port}/postgres", stop


def _fresh_pg_db(base: str, design: str) -> str:
    import sqlalchemy as sa

    from twoway.feedback.store import engine_for

    name = "bench_" + design.replace(" ", "_")
    admin = engine_for(base).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.rsplit("/", 1)[0] + "/" + name


if __name__ == "__main__":
    sys.exit(main())

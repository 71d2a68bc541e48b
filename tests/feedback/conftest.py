"""Databases for the feedback tests: a SQLite file per test, and one real PostgreSQL per run.

PostgreSQL is Debian's (mk/postgres.mk installs it): a throwaway cluster made with initdb in a
temporary folder, run with pg_ctl as an unprivileged user (the server refuses root; as root the
test uses runuser), listening on a free loopback port and a socket in that folder only, and
stopped (and the folder removed) at the end of the run, also when a test fails.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'twoway.db'}"


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@pytest.fixture(scope="session")
def postgres_url():
    bindir = _pg_bin()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed (make test installs Debian's postgresql)")
        pytest.skip("no PostgreSQL (initdb) on this machine: make test installs Debian's postgresql")
    root = Path(tempfile.mkdtemp(prefix="twoway-pg-"))
    data, sockets = root / "data", root / "sock"
    sockets.mkdir()
    prefix: list[str] = []
    if os.geteuid() == 0:
        user = "nobody"
        uid, gid = pwd.getpwnam(user).pw_uid, pwd.getpwnam(user).pw_gid
        os.chmod(root, 0o755)
        os.chown(root, uid, gid)
        os.chown(sockets, uid, gid)
        prefix = ["runuser", "-u", user, "--"]
    else:
        user = pwd.getpwuid(os.getuid()).pw_name
    port = free_port()
    env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")
    started = False
    try:
        subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "twoway", "--auth=trust",
                        "-E", "UTF8", "--no-sync"], check=True, capture_output=True, env=env, cwd=root)
        options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60"
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l",
                        str(root / "server.log"), "-w", "-t", "60", "start"],
                       check=True, capture_output=True, env=env, cwd=root)
        started = True
        yield f"postgresql://twoway@127.0.0.1:{port}/postgres"
    finally:
        if started:
            subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                           capture_output=True, env=env, cwd=root)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture()
def postgres_db(postgres_url):
    """A fresh database of the run's cluster for one test."""
    import sqlalchemy as sa

    from twoway.feedback.store import engine_for

    name = f"t{os.getpid()}_{free_port()}"
    admin = engine_for(postgres_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = postgres_url.rsplit("/", 1)[0] + "/" + name
    yield url
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()

"""The feedback counts in a database, through SQLAlchemy (SQLite by default, PostgreSQL for several
servers), with the schema kept by the Alembic migrations shipped in twoway/migrations.

One table, `feedback_counts`: a count per (day, rule, action, reason, rule-pack version,
strictness profile, install hash). Counts only: no column can hold a word of an email. A flush
adds a batch with atomic upserts (INSERT ... ON CONFLICT DO UPDATE SET count = count + new),
so any number of processes and servers may write at once without losing an increment.
"""
from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from ..resources import package_folder

metadata = sa.MetaData()

# The schema at the newest migration (the migrations are what make it; this is how code reads it).
counts = sa.Table(
    "feedback_counts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("rule", sa.String(120), nullable=False),
    sa.Column("action", sa.String(8), nullable=False),
    sa.Column("reason", sa.String(16), nullable=False, server_default=""),
    sa.Column("pack_version", sa.String(40), nullable=False),
    sa.Column("profile", sa.String(12), nullable=False, server_default="balanced"),
    sa.Column("install", sa.String(32), nullable=False, server_default=""),
    sa.Column("count", sa.BigInteger, nullable=False),
    sa.UniqueConstraint("day", "rule", "action", "reason", "pack_version", "profile", "install",
                        name="uq_feedback_counts_key"),
)
KEY_COLUMNS = ("day", "rule", "action", "reason", "pack_version", "profile", "install")
MIGRATIONS_DIR = package_folder("twoway.migrations")
# Seconds a connection attempt or a locked SQLite database may hold a flush (never a lint).
CONNECT_TIMEOUT = 3


def default_url(instance_path: str) -> str:
    return f"sqlite:///{Path(instance_path) / 'twoway.db'}"


def engine_for(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3, the dependency we ship
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(parsed, connect_args={"timeout": CONNECT_TIMEOUT, "check_same_thread": False})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record):
            cursor = connection.cursor()
            # WAL: readers (the dashboard) never wait for a writer; writers queue on the lock.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={CONNECT_TIMEOUT * 1000}")
            cursor.close()
        return engine
    connect_args = {"connect_timeout": CONNECT_TIMEOUT} if parsed.get_backend_name() == "postgresql" else {}
    return sa.create_engine(parsed, pool_pre_ping=True, pool_size=2, max_overflow=2, connect_args=connect_args)


def alembic_config(connection=None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` (the newest by default), keeping every count."""
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _upsert(engine: Engine, table: sa.Table):
    backend = engine.dialect.name
    if backend == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif backend == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        raise ValueError(f"feedback counts need SQLite or PostgreSQL, not {backend}")
    stmt = insert(table)
    return stmt.on_conflict_do_update(index_elements=list(KEY_COLUMNS),
                                      set_={"count": table.c["count"] + stmt.excluded["count"]})


def row_of(key: tuple[str, ...], n: int) -> dict:
    day, rule, action, reason, pack_version, profile, install = key
    return {"day": dt.date.fromisoformat(day), "rule": rule, "action": action, "reason": reason,
            "pack_version": pack_version, "profile": profile, "install": install, "count": n}


class CountStore:
    """The database side: made lazily per process (an engine must not cross a fork)."""

    def __init__(self, url: str):
        self.url = url
        self._engine: Engine | None = None
        self._pid = None
        self._migrated = False
        self._lock = threading.Lock()

    @property
    def backend(self) -> str:
        return make_url(self.url).get_backend_name()

    def engine(self) -> Engine:
        import os

        with self._lock:
            if self._engine is None or self._pid != os.getpid():
                self._engine = engine_for(self.url)
                self._pid = os.getpid()
            return self._engine

    def ensure_schema(self) -> None:
        if not self._migrated:
            try:
                upgrade(self.engine())
            except sa.exc.OperationalError:
                if self.backend != "sqlite":
                    raise
                # Another process (or app) migrating this SQLite file at the same moment: once it
                # has committed, the upgrade finds the schema current.
                time.sleep(0.2)
                upgrade(self.engine())
            self._migrated = True

    def add(self, batch: dict[tuple[str, ...], int]) -> None:
        """One transaction: every count of the batch, or none."""
        if not batch:
            return
        self.ensure_schema()
        engine = self.engine()
        rows = [row_of(k, n) for k, n in sorted(batch.items())]  # one order: no deadlock between writers
        with engine.begin() as connection:
            connection.execute(_upsert(engine, counts), rows)

    def read(self) -> dict[tuple[str, ...], int]:
        """Every stored count, by key."""
        self.ensure_schema()
        c = counts.c
        query = sa.select(*(c[name] for name in KEY_COLUMNS), sa.func.sum(c["count"])).group_by(
            *(c[name] for name in KEY_COLUMNS))
        with self.engine().connect() as connection:
            return {(row[0].isoformat(), *row[1:7]): int(row[7]) for row in connection.execute(query)}

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

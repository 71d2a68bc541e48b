"""Alembic's environment: the server hands over an open connection (store.upgrade)."""
from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:  # the alembic command line: the URL comes from -x url=... or sqlalchemy.url
    import sqlalchemy as sa

    from twoway.feedback.store import engine_for
    url = context.get_x_argument(as_dictionary=True).get("url") or context.config.get_main_option("sqlalchemy.url")
    with engine_for(url).begin() as own:
        context.configure(connection=own, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    # Batch mode: SQLite alters a table by copying it, which Alembic does for us.
    context.configure(connection=connection, render_as_batch=True)
    if connection.dialect.name == "postgresql":
        # Several servers starting at once: one migrates, the others wait, then see it done.
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(2026120501)")
    with context.begin_transaction():
        context.run_migrations()

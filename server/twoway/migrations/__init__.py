"""Alembic migrations of the feedback counts (twoway/feedback/store.py). Shipped in the package:
the server runs them itself at start and before its first write, so an upgrade keeps the data.
A new schema change is a new file in versions/ (`alembic revision` with script_location pointing
here), never an edit of a released one."""

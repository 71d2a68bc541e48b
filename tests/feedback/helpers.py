"""What the feedback tests share: an app on a given database, and the counts in it."""
from __future__ import annotations

from twoway import create_app
from twoway.feedback import feedback_of

ADMIN = "team-admin-token"
ONE_WAY = "Hi Anna,\n\nI need to hit my quota this month, so sign by Friday.\n\nBest,\nBob"


def make_app(url: str, **config):
    return create_app({"LANGUAGETOOL": "off", "TESTING": True, "DATABASE_URL": url, "ADMIN_TOKEN": ADMIN,
                       "FEEDBACK_FLUSH_INTERVAL": 0, **config})


def stored(url: str) -> dict:
    """The counts in the database, by (rule, action, reason): what a restart would see."""
    from twoway.feedback.store import CountStore

    store = CountStore(url)
    try:
        out: dict = {}
        for key, n in store.read().items():
            short = (key[1], key[2], key[3])
            out[short] = out.get(short, 0) + n
        return out
    finally:
        store.dispose()


def close(app) -> None:
    feedback_of(app).close()
    app.extensions["twoway"].close()


def auth() -> dict:
    return {"Authorization": f"Bearer {ADMIN}"}

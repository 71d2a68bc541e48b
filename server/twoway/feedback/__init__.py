"""What reps did with the cards, counted (issue 20): the service layer, outside HTTP.

- `shown`: counted by the server from the lint answers it sends, once per finding per draft;
- `fixed`, `kept` (with an optional reason code), `muted`: sent by the cards (POST /api/v1/feedback).

Counts only, by day, rule, action, reason code, rule-pack version, strictness profile and, when
the team turns it on (TWOWAY_FEEDBACK_INSTALLS=on), a keyed hash of the rep's extension install.
Increments go to a table shared by the server's processes (pending.py) and reach the database
(store.py) in batches: every FEEDBACK_FLUSH_INTERVAL seconds, at exit, and before the dashboard
reads. A database that is down or locked never fails a lint: the counts wait (bounded) and
/healthz says so. TWOWAY_FEEDBACK=off stores nothing.
"""
from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import hmac
import logging
import os
import re
import threading
import time
from typing import Any, Iterable, Mapping

from .pending import PendingCounts
# store.py (SQLAlchemy, Alembic) is imported on first use: an app that never counts (the CLI, an
# audit worker, a test) does not pay for it, and create_app stays fast.

log = logging.getLogger("twoway")

SHOWN = "shown"
ACTIONS = ("fixed", "kept", "muted")
COUNTED = (SHOWN, *ACTIONS)
# The one-tap reasons of "Keep it" (codes only; the card words them).
REASONS = {"not_one_way": "not one-way", "reader_asked": "the reader asked for it", "other": "other"}
# An extension install id: a random UUID the extension made (hex and dashes: it cannot carry words).
INSTALL_ID = re.compile(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$")
# LanguageTool's rule ids (MORFOLOGIK_RULE_EN_US): accepted only once this server has shown them.
GRAMMAR_RULE_ID = re.compile(r"^[A-Z][A-Z0-9_]{1,79}$")
_MAX_GRAMMAR_IDS = 4096


def today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


class FeedbackService:
    def __init__(self, config: Mapping[str, Any], instance_path: str, pack_version: str, rule_ids: Iterable[str]):
        self.enabled = str(config.get("FEEDBACK", "on")).strip().lower() not in ("off", "0", "false", "no")
        self.url = config.get("DATABASE_URL") or os.environ.get("DATABASE_URL") or \
            f"sqlite:///{os.path.join(instance_path, 'twoway.db')}"
        self.pack_version = pack_version[:40]
        self.rule_ids = frozenset(rule_ids)
        self.interval = float(config.get("FEEDBACK_FLUSH_INTERVAL", 1.0))
        self.record_installs = _on(config.get("FEEDBACK_INSTALLS", False))
        # The install hash's key: the team's own (so a hash says nothing outside this server).
        secret = config.get("FEEDBACK_INSTALL_KEY") or config.get("SECRET_KEY") or config.get("ADMIN_TOKEN") or ""
        self._install_key = hashlib.sha256(b"twoway-install\0" + str(secret).encode()).digest()
        self.pending = PendingCounts(int(config.get("FEEDBACK_PENDING_SLOTS", 16384)))
        self._store = None
        self._grammar_ids: set[str] = set()
        self._flusher: threading.Thread | None = None
        self._flusher_pid: int | None = None
        self._stop = threading.Event()
        self._start_lock = threading.Lock()

    @property
    def store(self):
        if self._store is None:
            from .store import CountStore
            self._store = CountStore(self.url)
        return self._store

    # -- start and stop ------------------------------------------------------------------
    def start(self) -> None:
        """Bring the schema up to date now (`twoway serve` does, once, before forking its workers);
        otherwise it happens before the first write or read. A down database is retried at the
        first flush."""
        if not self.enabled:
            return
        try:
            self.store.ensure_schema()
            self.pending.mark(True)
        except Exception as exc:  # noqa: BLE001 - any database failure leaves lints untouched
            self.pending.mark(False)
            log.warning("feedback database not ready (%s); counts wait in memory", type(exc).__name__)
        finally:
            # The engine is made again in each process that uses it (never shared across a fork).
            self.store.dispose()

    def _ensure_flusher(self) -> None:
        pid = os.getpid()
        if self._flusher_pid == pid or self.interval <= 0:
            return
        with self._start_lock:
            if self._flusher_pid == pid:
                return
            self._stop = threading.Event()
            self._flusher = threading.Thread(target=self._flush_loop, name="twoway-feedback-flush", daemon=True)
            self._flusher.start()
            self._flusher_pid = pid
            atexit.register(self.close)

    def _flush_loop(self) -> None:
        stop = self._stop
        while not stop.wait(self.interval):
            if not self.pending.is_empty():
                self.flush(wait=False)

    def close(self) -> None:
        """At exit: stop the flusher and move what is left into the database (if it answers; a
        second try covers another server migrating the schema at that moment)."""
        self._stop.set()
        if self.enabled and not self.pending.is_empty():
            if not self.flush(wait=True):
                time.sleep(0.5)
                self.flush(wait=True)
        if self._store is not None:
            self._store.dispose()

    # -- counting -------------------------------------------------------------------------
    def _key(self, rule: str, action: str, reason: str = "", profile: str = "balanced", install: str = "") -> tuple:
        return (today().isoformat(), rule, action, reason, self.pack_version, profile, install)

    def record_shown(self, findings, draft_anchor: str, profile: str) -> None:
        """Count the findings of one lint answer, each once per draft (by a keyed digest of the
        rule, the flagged words and the draft's first line, kept in memory only)."""
        if not self.enabled:
            return
        date = today()
        day = date.isoformat()
        items = []
        for rule, field, words in findings:
            if rule not in self.rule_ids and GRAMMAR_RULE_ID.match(rule) and len(self._grammar_ids) < _MAX_GRAMMAR_IDS:
                self._grammar_ids.add(rule)
            items.append(((rule, field, words, draft_anchor, profile),
                          (day, rule, SHOWN, "", self.pack_version, profile, "")))
        if items and self.pending.add_unseen(items, date.toordinal()):
            self._ensure_flusher()

    def known_rule(self, rule: str) -> bool:
        if rule in self.rule_ids:
            return True
        if not GRAMMAR_RULE_ID.match(rule):
            return False
        if rule in self._grammar_ids:
            return True
        # Shown by another worker of this server or another server: look in the counts.
        return any(k[1] == rule and k[2] == SHOWN for k in self.counts(fresh=False)[0])

    def install_hash(self, install: str | None) -> str:
        if not (self.record_installs and install):
            return ""
        return hmac.new(self._install_key, install.lower().replace("-", "").encode(), hashlib.sha256).hexdigest()[:32]

    def record_action(self, rule: str, action: str, reason: str | None, profile: str, install: str | None) -> None:
        if not self.enabled:
            return
        self._ensure_flusher()
        self.pending.add({self._key(rule, action, reason or "", profile, self.install_hash(install)): 1})

    # -- moving counts to the database ------------------------------------------------------
    def flush(self, wait: bool = True) -> bool:
        """Move the pending counts into the database in one transaction. False when it is down,
        locked or another process is flushing (then the counts stay pending)."""
        if not self.pending.flush_lock.acquire(timeout=10.0 if wait else 0.0):
            return False
        try:
            batch = self.pending.snapshot()
            if not batch:
                return True
            try:
                self.store.add(batch)
            except Exception as exc:  # noqa: BLE001
                if self.pending.status()["state"] != "unavailable":
                    log.warning("feedback database unavailable (%s); %d counts wait in memory",
                                type(exc).__name__, sum(batch.values()))
                self.pending.mark(False)
                return False
            self.pending.subtract(batch)
            self.pending.mark(True)
            return True
        finally:
            self.pending.flush_lock.release()

    def counts(self, fresh: bool = True) -> tuple[dict[tuple, int], str]:
        """Every count accepted so far: the database's and those still pending, never one twice.
        With fresh, the pending ones are flushed first (when the database answers)."""
        if fresh:
            self.flush(wait=True)
        if not self.pending.flush_lock.acquire(timeout=10.0):
            raise TimeoutError("feedback counts busy")
        try:
            try:
                stored, state = self.store.read(), "ok"
            except Exception as exc:  # noqa: BLE001
                log.warning("feedback database unavailable for reading (%s)", type(exc).__name__)
                stored, state = {}, "unavailable"
            merged = dict(stored)
            for key, n in self.pending.snapshot().items():
                merged[key] = merged.get(key, 0) + n
            return merged, state
        finally:
            self.pending.flush_lock.release()

    def health(self) -> dict:
        if not self.enabled:
            return {"state": "off"}
        status = self.pending.status()
        backend = self.url.split(":", 1)[0].split("+", 1)[0]
        return {"state": status["state"], "pending": status["pending"], "dropped": status["dropped"],
                "database": "postgresql" if backend == "postgres" else backend}


def _on(value) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def init_app(app, pack_version: str, rule_ids: Iterable[str]) -> FeedbackService:
    service = FeedbackService(app.config, app.instance_path, pack_version, rule_ids)
    app.extensions["twoway.feedback"] = service
    return service


def feedback_of(app) -> FeedbackService:
    return app.extensions["twoway.feedback"]

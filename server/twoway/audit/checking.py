"""What runs on a worker: a batch of raw items in, one small result row per email out.

The checker (linter, and grammar when asked) is built once per worker process (and per
settings), on its first batch; a Dask worker with several threads shares it (its caches are
thread-safe).
"""
from __future__ import annotations

import threading
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, replace

from ..definitions import CATEGORIES, ONE_WAY_CATEGORIES
from .extraction import Malformed, extract
from .masking import example, template_key
from .sources import RawItem

COUNTED_CATEGORIES = CATEGORIES
EXAMPLES_PER_EMAIL = 3
# Characters of one email the audit lints: a pasted log or a 20 MB body is cut here (the row says
# so), which bounds a worker's memory and time; ten times the longest email the API accepts.
MAX_EMAIL_CHARS = 500_000


@dataclass(frozen=True)
class Settings:
    rules_dir: str | None = None
    grammar_url: str | None = None  # a LanguageTool shared by the workers; None: grammar off
    grammar_timeout: float = 10.0


def build_checker(settings: Settings):
    """The one place the audit builds its checker: the API's and the CLI's, grammar off unless
    a shared LanguageTool is given (then waited for: an audit is not interactive)."""
    import time

    from ..config import load_config
    from ..service import Checker

    # An audit is not interactive: an email's grammar in one request, not in the server's slices.
    overrides = {"LANGUAGETOOL": settings.grammar_url or "off", "LANGUAGETOOL_TIMEOUT": settings.grammar_timeout,
                 "LANGUAGETOOL_MAX_CHARS": 10**9}
    if settings.rules_dir:
        overrides["RULES_DIR"] = settings.rules_dir
    checker = Checker(load_config(overrides))
    deadline = time.monotonic() + 60
    while settings.grammar_url and checker.grammar.state != "ok" and time.monotonic() < deadline:
        time.sleep(0.2)
    return checker


_WORKER: dict = {}
_WORKER_LOCK = threading.Lock()
LINTERS_BUILT = 0  # in this process: one per worker, whatever the number of batches (tests check it)


def _checker(settings: Settings):
    global LINTERS_BUILT
    with _WORKER_LOCK:
        if _WORKER.get("settings") != settings:
            if "checker" in _WORKER:
                _WORKER["checker"].close()
            LINTERS_BUILT += 1
            _WORKER["settings"] = settings
            _WORKER["checker"] = build_checker(settings)
        return _WORKER["checker"]


def check_batch(settings: Settings, items: list[RawItem]) -> list[dict]:
    checker = _checker(settings)
    grammar = settings.grammar_url is not None
    return [check_item(checker, item, grammar) for item in items]


def check_item(checker, item: RawItem, grammar: bool = False) -> dict:
    row = {"source": item.source, "ref": item.ref}
    if item.note:
        row["note"] = item.note
    try:
        mail = extract(item)
    except Malformed as exc:
        row["error"] = str(exc)
        return row
    except Exception as exc:  # never a crash for one message: counted and named instead
        row["error"] = f"unreadable ({type(exc).__name__})"
        return row
    # The checker parses the email once: it lints only the rep's sentences (no greeting,
    # signature or quoted thread), and its parse gives the rep's own words for the template key.
    notes = [item.note] if item.note else []
    if len(mail.text) > MAX_EMAIL_CHARS:
        notes.append(f"body cut at {MAX_EMAIL_CHARS:,} of {len(mail.text):,} characters")
        mail = replace(mail, text=mail.text[:MAX_EMAIL_CHARS])
    if notes:
        row["note"] = "; ".join(notes)
    report = checker.check(mail.text, mail.subject, grammar=grammar)
    stats = report.stats
    counts = Counter(f.category for f in report.findings)
    sentences = report.email.sentences
    starts = [s.start for s in sentences]
    hits = []
    for f in report.findings:
        if f.category in ONE_WAY_CATEGORIES and f.field == "body" and len(hits) < EXAMPLES_PER_EMAIL:
            i = bisect_right(starts, f.start) - 1
            if i >= 0:
                hits.append((f.rule, example(sentences[i].text)))
    row.update({
        "sender": mail.sender,
        "sender_name": mail.sender_name,
        "date": mail.date.isoformat() if mail.date else "",
        "message_id": mail.message_id,
        "template": template_key(report.email.own_text()),
        "subject_masked": example(mail.subject, 80),
        "words": stats["words"],
        "alignment_score": stats["alignment_score"],
        "verdict": stats["verdict"],
        "one_way_sentences": stats["one_way_sentences"],
        **{c: counts.get(c, 0) for c in COUNTED_CATEGORIES},
        "rules": [f.rule for f in report.findings],
        "rule_info": {f.rule: (f.category, f.message) for f in report.findings},
        "hits": hits,
        "grammar_state": report.grammar,
        "error": "",
    })
    return row


"""What runs on a worker: a batch of raw items in, one small result row per email out.

The linter is built once per worker process (and per settings), on its first batch; a Dask
worker with several threads shares it (the linter's caches are thread-safe).
"""
from __future__ import annotations

import threading
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass

from ..findings import ONE_WAY_CATEGORIES
from ..textutil import split_sentences
from .extraction import Malformed, extract
from .masking import example, template_key
from .sources import RawItem

COUNTED_CATEGORIES = ("pressure", "self_focus", "style", "grammar", "spelling")
EXAMPLES_PER_EMAIL = 3


@dataclass(frozen=True)
class Settings:
    rules_dir: str | None = None
    grammar_url: str | None = None  # a LanguageTool shared by the workers; None: grammar off
    grammar_timeout: float = 10.0


def build_linter(settings: Settings):
    """The one place the audit builds its linter."""
    from ..config import BUNDLED_RULES_DIR
    from ..engine import Linter
    from ..pack import load_pack

    return Linter(load_pack(BUNDLED_RULES_DIR, settings.rules_dir))


def build_grammar(settings: Settings):
    """A grammar service on the shared LanguageTool, waited for (an audit is not interactive)."""
    import time

    from ..grammar import GrammarService

    service = GrammarService({"LANGUAGETOOL": settings.grammar_url, "LANGUAGETOOL_TIMEOUT": settings.grammar_timeout})
    deadline = time.monotonic() + 60
    while service.state != "ok" and time.monotonic() < deadline:
        time.sleep(0.2)
    return service


_WORKER: dict = {}
_WORKER_LOCK = threading.Lock()
LINTERS_BUILT = 0  # in this process: one per worker, whatever the number of batches (tests check it)


def _tools(settings: Settings):
    global LINTERS_BUILT
    with _WORKER_LOCK:
        if _WORKER.get("settings") != settings:
            LINTERS_BUILT += 1
            _WORKER.clear()
            _WORKER["settings"] = settings
            _WORKER["linter"] = build_linter(settings)
            _WORKER["grammar"] = build_grammar(settings) if settings.grammar_url else None
        return _WORKER["linter"], _WORKER["grammar"]


def check_batch(settings: Settings, items: list[RawItem]) -> list[dict]:
    linter, grammar = _tools(settings)
    return [check_item(linter, grammar, item) for item in items]


def check_item(linter, grammar, item: RawItem) -> dict:
    row = {"source": item.source, "ref": item.ref}
    try:
        mail = extract(item)
    except Malformed as exc:
        row["error"] = str(exc)
        return row
    except Exception as exc:  # never a crash for one message: counted and named instead
        row["error"] = f"unreadable ({type(exc).__name__})"
        return row
    result = linter.lint(mail.body, mail.subject)
    findings = list(result.findings)
    grammar_state = "off"
    if grammar is not None:
        from ..grammar import merge_findings

        extra, grammar_state = grammar.check(mail.body, mail.subject)
        findings = merge_findings(findings, extra)
    stats = result.stats
    counts = Counter(f.category for f in findings)
    sentences = split_sentences(mail.body)
    starts = [s.start for s in sentences]
    hits = []
    for f in findings:
        if f.category in ONE_WAY_CATEGORIES and f.field == "body" and len(hits) < EXAMPLES_PER_EMAIL:
            i = bisect_right(starts, f.start) - 1
            if i >= 0:
                hits.append((f.rule, example(sentences[i].text)))
    row.update({
        "sender": mail.sender,
        "sender_name": mail.sender_name,
        "date": mail.date.isoformat() if mail.date else "",
        "message_id": mail.message_id,
        "template": template_key(mail.body),
        "subject_masked": example(mail.subject, 80),
        "words": stats["words"],
        "alignment_score": stats["alignment_score"],
        "verdict": stats["verdict"],
        "one_way_sentences": stats["one_way_sentences"],
        **{c: counts.get(c, 0) for c in COUNTED_CATEGORIES},
        "rules": [f.rule for f in findings],
        "rule_info": {f.rule: (f.category, f.message) for f in findings},
        "hits": hits,
        "grammar_state": grammar_state,
        "error": "",
    })
    return row


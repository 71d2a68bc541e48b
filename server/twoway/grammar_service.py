"""Grammar and spelling through a real LanguageTool server (issue 3; see docs/grammar.md).

Contract used by the API:
    service = GrammarService(config)       # never raises for an unreachable LanguageTool
    service.state -> "ok" | "off" | "unavailable"
    service.check(body, subject) -> (list[Finding], state)   # returns within the timeout; state
        "partial" when a long text's unchecked sentences were more than one slice (LANGUAGETOOL_MAX_CHARS)
    service.close()
Findings use category "grammar" or "spelling" and code-point offsets into their field.

Config: LANGUAGETOOL = "auto" (start a local server from the Maven-resolved jars when Java
>= 17 and the jars are present, else run without grammar) | "off" | the URL of a LanguageTool
server; LANGUAGETOOL_TIMEOUT (seconds a lint waits); LANGUAGETOOL_CACHE_SIZE (sentences).

How a check works: the body and subject are split into sentences (sentences.split_sentences);
sentences already in the LRU cache cost nothing; the others are sent to LanguageTool in one
request, joined as paragraphs, through language-tool-python's remote_server mode. LanguageTool
answers in UTF-16 offsets into that joined text; each match is given back to its sentence and
converted to code points. Email text is never logged.

LanguageTool is a resource shared by every user of the server, so its state changes only on
evidence about LanguageTool itself, never because of one request: a lint waits at most
LANGUAGETOOL_TIMEOUT (its own budget) and a slow or odd text answers that one lint without
grammar. A watcher thread probes LanguageTool (a language list and a tiny check) every
LANGUAGETOOL_PROBE_INTERVAL seconds and after any failed lint; only a failed probe turns
grammar "unavailable", and only a passing one turns it back "ok". Each flip is logged once.
Under a pre-fork server (`twoway serve`) the service is built in the parent before the fork;
each worker calls after_fork() (or check() notices the new pid) to get its own threads, and
uses the parent's local LanguageTool by URL (the parent keeps it running).
"""
from __future__ import annotations

import logging
import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any, Mapping, Sequence

from .caches import SharedSentenceCache
from .findings import Finding
from .languagetool_answers import SEPARATOR, dedupe, parse_answer
from .languagetool_client import LanguageToolUnavailable, base_url, make_client
from .load import waiting_elsewhere
from .sentences import Sentence, split_sentences

log = logging.getLogger("twoway.grammar")

_WARM_UP = "Thanks for the call yesterday. He go to the store."
# A fresh LanguageTool (JIT, dictionaries) is slow on its first checks: a few varied texts before
# the first lint, so the first minute of a server has grammar.
_WARM_UP_MORE = (
    "Would a short call next week work for you, or is email easier?",
    "Their going to review the numbers on Tuesday, and I will send a summary afterwards.",
    "We has three teams that tried this approch last quarter.",
)
# A lone surrogate cannot be sent as UTF-8; U+FFFD has the same length in code points and in
# UTF-16 units, so LanguageTool's offsets still fit the original text.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

# Longer "sentences" are not prose (runs of punctuation, pasted logs or tables): sent to
# LanguageTool they cost seconds of its shared time and thousands of matches to read.
_MAX_SENTENCE_CHARS = 2000


class GrammarService:
    def __init__(self, config: Mapping[str, Any]):
        self.config = config
        self.timeout = float(config.get("LANGUAGETOOL_TIMEOUT", 1.5))
        self.max_chars = int(config.get("LANGUAGETOOL_MAX_CHARS", 6000))
        # Made before gunicorn forks the workers, so they all share it.
        self.cache = SharedSentenceCache(int(config.get("LANGUAGETOOL_CACHE_SIZE", 4096)))
        self.probe_interval = float(config.get("LANGUAGETOOL_PROBE_INTERVAL", 1.0) or 1.0)
        self.url: str | None = None
        self.local = None  # languagetool_server.LocalLanguageTool in `auto` mode
        self._client = None
        self._closed = threading.Event()
        self._wake = threading.Event()
        self._pool: ThreadPoolExecutor | None = None
        self._watcher: threading.Thread | None = None
        self._pid = os.getpid()
        setting = str(config.get("LANGUAGETOOL", "auto") or "off").strip()
        self.mode = "off" if setting.lower() in ("off", "false", "no", "0", "none", "") else (
            "auto" if setting.lower() == "auto" else "url")
        if self.mode == "off":
            self.state = "off"
            return
        if self.mode == "url":
            self.url = base_url(setting)
        self.state = "unavailable"  # until LanguageTool answers
        self._start_threads()

    def _start_threads(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="twoway-languagetool")
        self._watcher = threading.Thread(target=self._watch, name="twoway-languagetool-watch", daemon=True)
        self._watcher.start()

    def after_fork(self) -> None:
        """In a forked worker: the parent's threads did not survive the fork, and the parent
        owns the local LanguageTool (and restarts it); this worker uses it by URL."""
        if self._pid == os.getpid():
            return
        self._pid = os.getpid()
        if self.mode == "off" or self._closed.is_set():
            return
        if self.mode == "auto":
            self.mode, self.local = "url", None
        self._closed, self._wake = threading.Event(), threading.Event()
        client, self._client = self._client, None
        if self.state == "ok" and self.url:
            try:  # a client of its own (the parent's was already warmed up: no warm-up again)
                self._client = make_client(self.url, timeout=client._TIMEOUT if client else (1.0, self.timeout))
            except Exception:
                self.state = "unavailable"
        self._start_threads()

    def wait_ready(self, timeout: float) -> str:
        """Wait until grammar is "ok" or "off" (at most `timeout` seconds); the state then."""
        deadline = time.monotonic() + timeout
        while self.state == "unavailable" and time.monotonic() < deadline and not self._closed.is_set():
            time.sleep(0.1)
        return self.state

    # -- the lint path -------------------------------------------------------------------

    def check(self, body: str, subject: str = "", sentences: Sequence[Sentence] | None = None
              ) -> tuple[list[Finding], str]:
        """`sentences`: the body's sentences as the linter parsed them (the rep's own words, with
        code-point spans into `body`); without them the whole body is split here."""
        if self._pid != os.getpid():
            self.after_fork()
        if self.state != "ok" or self._client is None:
            return [], self.state
        body_sentences = split_sentences(body or "") if sentences is None else sentences
        units = [("subject", s) for s in split_sentences(subject or "")] + [("body", s) for s in body_sentences]
        known: dict[str, tuple[Finding, ...]] = {}
        todo: dict[str, None] = {}  # ordered, and a set: a long email must not cost quadratic time
        for _, sentence in units:
            if sentence.text in known or sentence.text in todo:
                continue
            if len(sentence.text) > _MAX_SENTENCE_CHARS:
                known[sentence.text] = ()  # not prose (a run of dots, a pasted log): not worth LanguageTool's time
                continue
            cached = self.cache.get(sentence.text)
            if cached is None:
                todo[sentence.text] = None
            else:
                known[sentence.text] = cached
        partial = False
        if todo:
            batch = self._slice(list(todo))
            partial = len(batch) < len(todo)
            client = self._client
            future = self._pool.submit(self._check_sentences, client, batch)
            try:
                with waiting_elsewhere():  # this lint's CPU turn is someone else's meanwhile
                    known.update(future.result(timeout=self.timeout))
            except Exception:  # late, refused, unreadable: never a 500 because of LanguageTool
                # This lint goes without grammar. Whether LanguageTool itself is down is for the
                # watcher's probe to say, now: one slow or odd text must not turn grammar off
                # for everyone.
                self._wake.set()
                return [], "unavailable"
        findings = [
            replace(m, start=sentence.start + m.start, end=sentence.start + m.end, field=field)
            for field, sentence in units for m in known.get(sentence.text, ())
        ]
        return dedupe(findings), "partial" if partial else "ok"

    def _slice(self, sentences: list[str]) -> list[str]:
        """The first unchecked sentences, up to LANGUAGETOOL_MAX_CHARS characters: a long text's
        grammar comes in bounded slices (the cache keeps each slice's answers, so the next lint
        of the text goes on where this one stopped), and one sender's 50,000 characters cannot
        take LanguageTool's shared time from everyone else."""
        batch, size = [], 0
        for sentence in sentences:
            if batch and size + len(sentence) > self.max_chars:
                break
            batch.append(sentence)
            size += len(sentence)
        return batch

    def _check_sentences(self, client, sentences: list[str]) -> dict[str, tuple[Finding, ...]]:
        """One LanguageTool request for `sentences`; fills the cache (even if the lint gave up)."""
        sendable = [_LONE_SURROGATE.sub("\ufffd", s) for s in sentences]
        try:
            answer = client.check_json(SEPARATOR.join(sendable))
        except Exception as exc:  # LanguageToolError, RateLimitError, requests errors
            raise LanguageToolUnavailable("LanguageTool request failed (%s)" % type(exc).__name__) from None
        parsed = parse_answer(answer, sendable)
        result = {sentence: parsed[clean] for sentence, clean in zip(sentences, sendable)}
        for sentence, matches in result.items():
            self.cache.put(sentence, matches)
        return result

    def _set_state(self, state: str, reason: str = "") -> None:
        """The one place the server-wide state changes; each change is logged once."""
        if state == self.state:
            return
        self.state = state
        if state == "ok":
            log.info("grammar ok: LanguageTool at %s", self.url)
        elif state == "unavailable":
            log.warning("grammar unavailable: %s", reason)
        else:
            log.info("grammar off: %s", reason)

    def _healthy(self) -> str:
        """"" when LanguageTool answers a language list and a tiny check in time, else why not."""
        from .languagetool_server import is_answering

        budget = max(self.timeout, 2.0)
        if not is_answering(self.url, timeout=budget):
            return "LanguageTool at %s does not answer" % self.url
        client = self._client
        if client is None:
            return "no client"
        try:  # on this thread, not the lints' pool: a pool busy with slow texts is no evidence
            parse_answer(client.check_json(_WARM_UP), [_WARM_UP])
        except Exception as exc:
            return "LanguageTool cannot check a short text in %.1f s (%s)" % (self.timeout, type(exc).__name__)
        return ""

    # -- the watcher: connect, warm up, notice recovery ------------------------------------

    def _watch(self) -> None:
        from . import languagetool_server

        restarts = 0
        while not self._closed.is_set():
            if self.state == "ok":
                try:
                    problem = self._healthy()
                except Exception as exc:  # keep watching whatever happens
                    problem = type(exc).__name__
                if problem and not self._closed.is_set():
                    self._set_state("unavailable", problem)
            if self.state != "ok":
                try:
                    if self.mode == "auto":
                        if self.local is None:
                            self.local = languagetool_server.shared_local(self.config)
                            if self.local is None:
                                self._set_state("off", "no Java >= %d or no LanguageTool jars (run `make languagetool`)"
                                                % languagetool_server.MIN_JAVA)
                                return
                        if not self.local.running():
                            if restarts > 20:
                                self._set_state("off", "the local LanguageTool keeps exiting (see %s)"
                                                % self.local.log_path)
                                return
                            restarts += 1
                            self.local.start()
                            self.local.wait_ready(timeout=120)
                        self.url = base_url(self.local.url) if self.local.url else None
                    if self.url and self._connect():
                        restarts = 0
                        self._set_state("ok")
                except Exception as exc:  # keep watching whatever happens
                    log.warning("grammar watcher: %s", type(exc).__name__)
            self._wake.wait(self.probe_interval)
            self._wake.clear()

    def _connect(self) -> bool:
        """A client for self.url that answered a warm-up check (the first check of a fresh
        LanguageTool takes seconds; lints should not pay for it)."""
        from .languagetool_server import is_answering

        if not is_answering(self.url, timeout=1.0):
            return False
        try:
            client = make_client(self.url, timeout=(1.0, 60.0))
            answer = client.check_json(_WARM_UP)
            parse_answer(answer, [_WARM_UP])
            for text in _WARM_UP_MORE:
                parse_answer(client.check_json(text), [text])
            client._TIMEOUT = (min(1.0, self.timeout), max(self.timeout, 0.1))
        except Exception as exc:
            log.debug("LanguageTool at %s not ready (%s)", self.url, type(exc).__name__)
            return False
        self._client = client
        return True

    def close(self) -> None:
        self._closed.set()
        self._wake.set()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        # The `auto` server is shared by the process and stopped at exit (languagetool_server).

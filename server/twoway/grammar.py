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

How a check works: the body and subject are split into sentences (textutil.split_sentences);
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
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
import time
from dataclasses import replace
from typing import Any, Iterable, Mapping, Sequence

from .findings import Finding
from .textutil import Sentence, SharedSentenceCache, Utf16Map, split_sentences, utf16_len

log = logging.getLogger("twoway.grammar")

LANGUAGE = "en-US"

# LanguageTool rules Two-Way turns off, with the reason for each. Emails are not essays.
DISABLED_RULES: dict[str, str] = {
    # Typography that only matters in print: mail clients render these the same, and reps type
    # on keyboards that produce the plain forms.
    "EN_QUOTES": "straight vs curly quotes is a typesetting choice, not an error in an email",
    "TYPOGRAPHICAL_APOSTROPHE": "straight vs curly apostrophes: typesetting only",
    "TYPEWRITER_APOSTROPHE": "straight vs curly apostrophes: typesetting only",
    "DASH_RULE": "hyphen vs en/em dash is print typography",
    "EN_DASH_RULE": "hyphen vs en dash is print typography",
    "HYPHEN_TO_EN": "hyphen vs en dash is print typography",
    "TWO_HYPHENS": "'--' for a dash is normal in plain-text email",
    "ELLIPSIS": "'...' vs the single ellipsis character: typesetting only",
    "MULTIPLICATION_SIGN": "'2x' vs '2×': typesetting only",
    "ARROWS": "'->' vs '→': typesetting only",
    "TRADEMARK": "'(tm)' vs '™': typesetting only",
    "R_SYMBOL": "'(r)' vs '®': typesetting only",
    "COPYRIGHT": "'(c)' vs '©': typesetting only",
    "WHITESPACE_RULE": "repeated spaces collapse when the email is rendered",
    "CONSECUTIVE_SPACES": "repeated spaces collapse when the email is rendered",
    "CONSECUTIVE_SPACES_SINGLE_CHAR": "repeated spaces collapse when the email is rendered",
    "SPACE_BETWEEN_NUMBER_AND_WORD": "'3pm', '30min' are normal email shorthand",
    "UNIT_SPACE": "'10GB', '5min' are normal email shorthand",
    # Email structure: greetings, sign-offs and signatures are lines, not sentences.
    "PUNCTUATION_PARAGRAPH_END": "greeting, sign-off and signature lines ('Best,', 'José') end without a period",
    "UPPERCASE_SENTENCE_START": "after 'Hi Zoë,' the next line may continue the sentence in lower case",
    "EN_UNPAIRED_BRACKETS": "emoticons such as ':)' and list markers such as '1)' are not brackets",
    # Names: people and companies spell their own names.
    "EN_DIACRITICS_REPLACE": "would 'correct' names such as 'Jose' or 'Zoe' that their owners spell without accents",
    # Rules that compare sentences with each other; Two-Way checks (and caches) each sentence alone.
    "ENGLISH_WORD_REPEAT_BEGINNING_RULE": "compares consecutive sentences, which per-sentence checking cannot see",
    "EN_CONSISTENT_APOS": "compares apostrophes across sentences, which per-sentence checking cannot see",
    "EN_WORD_COHERENCY": "compares spellings across sentences, which per-sentence checking cannot see",
}

_SPELLING_CATEGORIES = {"TYPOS"}
_MAX_REPLACEMENTS = 5
_SEPARATOR = "\n\n"  # sentences of one request are separate paragraphs for LanguageTool
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


class LanguageToolUnavailable(Exception):
    """LanguageTool did not answer, answered late, or answered something unreadable."""


def _make_client(url: str, timeout: float):
    """A language-tool-python client in remote_server mode (it never downloads or starts anything)."""
    import language_tool_python

    class _RemoteClient(language_tool_python.LanguageTool):
        def check_json(self, text: str) -> Any:
            # language-tool-python's own check() builds Match objects whose offset fix-up for
            # characters above U+FFFF uses class-level state shared by all threads; we read
            # the JSON (same request, same parameters) and convert UTF-16 offsets ourselves.
            # One try: a retry would double the time a lint waits.
            endpoint = urllib.parse.urljoin(self._url, "check")
            return self._query_server(endpoint, self._create_params(text), num_tries=1, method="post")

    client = _RemoteClient.__new__(_RemoteClient)
    client._TIMEOUT = timeout  # per-request (connect, read) timeout, instead of the library's 300 s
    host = urllib.parse.urlparse(url).hostname or ""
    proxies = {"http": None, "https": None} if host in ("127.0.0.1", "localhost", "::1") else None
    client.__init__(language=LANGUAGE, remote_server=url, proxies=proxies)
    client.disabled_rules = set(DISABLED_RULES)
    return client


def _base_url(setting: str) -> str:
    url = setting.strip().rstrip("/")
    if "://" not in url:
        url = "http://" + url
    if url.endswith("/v2"):
        url = url[:-3]
    return url + "/"


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
            self.url = _base_url(setting)
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
                self._client = _make_client(self.url, timeout=client._TIMEOUT if client else (1.0, self.timeout))
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
            answer = client.check_json(_SEPARATOR.join(sendable))
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
                        self.url = _base_url(self.local.url) if self.local.url else None
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
            client = _make_client(self.url, timeout=(1.0, 60.0))
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


# -- reading LanguageTool's answer ---------------------------------------------------------

def parse_answer(answer: Any, sentences: list[str]) -> dict[str, tuple[Finding, ...]]:
    """Matches per sentence, from LanguageTool's JSON for the sentences joined by _SEPARATOR."""
    if not isinstance(answer, dict) or not isinstance(answer.get("matches"), list):
        raise LanguageToolUnavailable("LanguageTool answered something that is not a check result")
    starts, lengths = [], []  # UTF-16 start and length of each sentence in the joined text
    pos = 0
    for s in sentences:
        starts.append(pos)
        lengths.append(utf16_len(s))
        pos += lengths[-1] + len(_SEPARATOR)
    maps: dict[int, Utf16Map] = {}
    out: dict[str, list[Finding]] = {s: [] for s in sentences}
    try:
        for raw in answer["matches"]:
            offset, length = int(raw["offset"]), int(raw["length"])
            rule = raw["rule"]
            rule_id = str(rule["id"])
            if rule_id in DISABLED_RULES or length <= 0:
                continue
            i = _index_of(starts, offset)
            if i < 0:
                continue
            sentence = sentences[i]
            local = offset - starts[i]
            if local + length > lengths[i]:
                continue  # crosses into the separator: not one sentence's error
            m = maps.setdefault(i, Utf16Map(sentence))
            start, end = m.from_utf16(local), m.from_utf16(local + length)
            if end <= start:
                continue
            match = _to_match(raw, rule, rule_id, sentence, start, end)
            if match is not None:
                out[sentence].append(match)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise LanguageToolUnavailable("LanguageTool answered a malformed match") from None
    return {s: tuple(v) for s, v in out.items()}


def _index_of(starts: list[int], offset: int) -> int:
    lo, hi = 0, len(starts) - 1
    found = -1
    while lo <= hi:
        mid = (lo + hi) // 2
        if starts[mid] <= offset:
            found, lo = mid, mid + 1
        else:
            hi = mid - 1
    return found


def _to_match(raw: dict, rule: dict, rule_id: str, sentence: str, start: int, end: int) -> Finding | None:
    category_info = rule.get("category") or {}
    lt_category = str(category_info.get("id", ""))
    issue_type = str(rule.get("issueType", ""))
    spelling = lt_category in _SPELLING_CATEGORIES
    span = sentence[start:end]
    if spelling and _looks_like_a_name(span):
        return None  # people, companies and products: the speller does not know them
    if spelling or issue_type in ("grammar", "misspelling"):
        severity = "error"
    elif issue_type in ("style", "typographical", "whitespace", "register", "locale-violation"):
        severity = "suggestion"
    else:
        severity = "warning"
    replacements = tuple(
        str(r["value"]) for r in (raw.get("replacements") or [])[:_MAX_REPLACEMENTS]
        if isinstance(r, dict) and r.get("value") is not None
    )
    name = str(category_info.get("name") or ("Possible typo" if spelling else "Grammar"))
    why = ("A one-way email is worse when it is also sloppy: the reader notices the mistake "
           f"before the point. LanguageTool rule {rule_id} ({name}).")
    # Offsets within the sentence; check() moves them into the field.
    return Finding(
        rule=rule_id, category="spelling" if spelling else "grammar", severity=severity,
        message=str(raw.get("message", "")).strip() or "Possible mistake found.", why=why,
        start=start, end=end, replacements=replacements, advice=str(raw.get("shortMessage") or ""),
    )


def _looks_like_a_name(word: str) -> bool:
    """Capitalised words ('Zoë', 'Acme', 'HubSpot'), words with digits and addresses."""
    return any(ch.isupper() or ch.isdigit() for ch in word) or any(ch in word for ch in "@/.:_")


def dedupe(findings: Iterable[Finding]) -> list[Finding]:
    """Drop repeated LanguageTool findings: the same rule on the same span, or the same
    advice (span and replacements) from two rules."""
    seen_rule, seen_fix, out = set(), set(), []
    for f in findings:
        key_rule = (f.field, f.start, f.end, f.rule)
        key_fix = (f.field, f.start, f.end, f.replacements) if f.replacements else None
        if key_rule in seen_rule or (key_fix is not None and key_fix in seen_fix):
            continue
        seen_rule.add(key_rule)
        if key_fix is not None:
            seen_fix.add(key_fix)
        out.append(f)
    return out


def merge_findings(rule_findings: Iterable[Finding], grammar_findings: Iterable[Finding]) -> list[Finding]:
    """Rule findings plus grammar findings. Where both cover the same span the reader sees both
    (they say different things), except a grammar finding that repeats a rule finding: the
    same span with the same replacements, or the same message."""
    rules = list(rule_findings)
    same = {(f.field, f.start, f.end, f.replacements) for f in rules if f.replacements}
    same |= {(f.field, f.start, f.end, f.message) for f in rules}
    out = list(rules)
    for g in dedupe(grammar_findings):
        if (g.replacements and (g.field, g.start, g.end, g.replacements) in same) or \
                (g.field, g.start, g.end, g.message) in same:
            continue
        out.append(g)
    return out

"""The LanguageTool HTTP client: language-tool-python in remote_server mode, pointed at a real
LanguageTool server (local, started by languagetool_server, or the URL the config names). It
never downloads or starts anything itself; it sends text and hands back LanguageTool's JSON.
"""
from __future__ import annotations

import urllib.parse
from typing import Any

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

class LanguageToolUnavailable(Exception):
    """LanguageTool did not answer, answered late, or answered something unreadable."""


def make_client(url: str, timeout: float):
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


def base_url(setting: str) -> str:
    url = setting.strip().rstrip("/")
    if "://" not in url:
        url = "http://" + url
    if url.endswith("/v2"):
        url = url[:-3]
    return url + "/"

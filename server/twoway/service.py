"""The checker: the rule linter and LanguageTool together, outside HTTP.

The API, the lint page, the CLI and the audit all lint through one Checker, which answers a
Report in code points; only the API's serialiser turns offsets into UTF-16. On a Flask app it is
registered by `init_app` (as flaskr registers its database) and closed with the app's process.
"""
from __future__ import annotations

import atexit
from dataclasses import dataclass
from typing import Any, Mapping

from .emailparse import ParsedEmail
from .engine import Linter
from .definitions import CATEGORIES
from .findings import MODES, Finding
from .grammar_service import GrammarService
from .languagetool_answers import merge_findings
from .packcache import shared_pack


@dataclass
class Report:
    text: str
    subject: str
    findings: list[Finding]  # sorted; code-point offsets into their field
    stats: dict
    grammar: str  # ok | off | unavailable
    email: ParsedEmail
    mode: str = MODES[0]


class Checker:
    def __init__(self, config: Mapping[str, Any]):
        # Loaded once per process for the same pack files (packcache.py): checkers share the read-only pack.
        self.pack = shared_pack(config["BUNDLED_RULES_DIR"], config.get("RULES_DIR"))
        self.linter = Linter(self.pack)
        self.grammar = GrammarService(config)

    def check(self, text: str, subject: str = "", grammar: bool = True, mode: str = MODES[0],
              thread: bool = False) -> Report:
        result = self.linter.lint(text, subject, mode, thread)
        findings = list(result.findings)
        grammar_state = "off"
        if grammar:
            # LanguageTool reads the same sentences the rules did: the rep's own words only.
            extra, grammar_state = self.grammar.check(text, subject, result.email.sentences)
            findings = merge_findings(findings, extra)
            findings.sort(key=Finding.sort_key)
        stats = dict(result.stats)
        stats["categories"] = {c: sum(1 for f in findings if f.category == c) for c in CATEGORIES}
        return Report(text, subject, findings, stats, grammar_state, result.email, mode)

    def close(self) -> None:
        self.grammar.close()


def init_app(app) -> Checker:
    checker = Checker(app.config)
    app.extensions["twoway"] = checker
    atexit.register(checker.close)
    return checker


def checker_of(app) -> Checker:
    return app.extensions["twoway"]

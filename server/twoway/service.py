"""The checker: the rule linter and LanguageTool together, outside HTTP.

The API, the lint page, the CLI and the audit all lint through one Checker, which answers a
Report in code points; only the API's serialiser turns offsets into UTF-16. On a Flask app it is
registered by `init_app` (as flaskr registers its database) and closed with the app's process.
"""
from __future__ import annotations

import atexit
from dataclasses import dataclass
from typing import Any, Mapping

from .version import __version__
from .emailparse import ParsedEmail
from .engine import Linter
from .definitions import CATEGORIES
from .findings import MODES, Finding
from .grammar_service import GrammarService
from .languagetool_answers import merge_findings
from .load import cpu_turn
from .pack import RulePack
from .packcache import folder_fingerprint, shared_pack
from .profiles import DEFAULT_PROFILE, PROFILES, apply_profile, load_measured, thorough_rules


@dataclass
class Report:
    text: str
    subject: str
    findings: list[Finding]  # sorted; code-point offsets into their field
    stats: dict
    grammar: str  # ok | partial | off | unavailable
    email: ParsedEmail
    profile: str = DEFAULT_PROFILE
    mode: str = MODES[0]


class Checker:
    def __init__(self, config: Mapping[str, Any]):
        # Loaded once per process for the same pack files (packcache.py): checkers share the read-only pack.
        self.pack = shared_pack(config["BUNDLED_RULES_DIR"], config.get("RULES_DIR"))
        self.linter = Linter(self.pack)
        self.grammar = GrammarService(config)
        # Strictness profiles (profiles.py): the team's default; a request may name another.
        self.profile = str(config.get("STRICTNESS") or DEFAULT_PROFILE).strip().lower()
        if self.profile not in PROFILES:
            raise ValueError(f"TWOWAY_STRICTNESS: {self.profile!r} is not one of {', '.join(PROFILES)}")
        # Each rule's measured precision on the real sets, shipped with the bundled pack.
        self.measured = load_measured(config["BUNDLED_RULES_DIR"])
        self._thorough: Linter | None = None
        # What names this pack in the feedback counts: the version and the pack files' content.
        fingerprint = folder_fingerprint(config["BUNDLED_RULES_DIR"]) or ""
        team = folder_fingerprint(config.get("RULES_DIR")) or ""
        self.pack_version = f"{__version__}+{(fingerprint[:8] + team[:8])}"

    def linter_for(self, profile: str) -> Linter:
        if profile != "thorough":
            return self.linter
        if self._thorough is None:  # built on first use: most servers never need it
            self._thorough = Linter(RulePack(thorough_rules(self.pack.rules), self.pack.disabled))
        return self._thorough

    def check(self, text: str, subject: str = "", grammar: bool = True, profile: str | None = None,
              mode: str = MODES[0], thread: bool = False) -> Report:
        """`mode` and `thread`: readiness (docs/readiness.md); `profile`: strictness (profiles.py)."""
        profile = profile or self.profile
        with cpu_turn():  # a serving worker's lint threads take turns (load.py says why)
            result = self.linter_for(profile).lint(text, subject, mode, thread)
            findings = apply_profile(profile, list(result.findings), self.measured)
        grammar_state = "off"
        if grammar:
            # LanguageTool reads the same sentences the rules did: the rep's own words only.
            extra, grammar_state = self.grammar.check(text, subject, result.email.sentences)
            findings = merge_findings(findings, apply_profile(profile, extra, self.measured))
            findings.sort(key=Finding.sort_key)
        stats = dict(result.stats)
        stats["categories"] = {c: sum(1 for f in findings if f.category == c) for c in CATEGORIES}
        return Report(text, subject, findings, stats, grammar_state, result.email, profile, mode)

    def close(self) -> None:
        self.grammar.close()


def init_app(app) -> Checker:
    checker = Checker(app.config)
    app.extensions["twoway"] = checker
    atexit.register(checker.close)
    return checker


def checker_of(app) -> Checker:
    return app.extensions["twoway"]

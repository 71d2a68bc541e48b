"""Grammar and spelling through LanguageTool (issue 3 replaces this placeholder).

Contract used by the API:
    service = GrammarService(config)       # never raises for an unreachable LanguageTool
    service.state -> "ok" | "off" | "unavailable"
    service.check(body, subject) -> (list[Finding], state)   # returns within the timeout
    service.close()
Findings use category "grammar" or "spelling" and code-point offsets into their field.
"""
from __future__ import annotations

from .findings import Finding


class GrammarService:
    def __init__(self, config: dict):
        self.config = config
        self.state = "off"

    def check(self, body: str, subject: str = "") -> tuple[list[Finding], str]:
        return [], self.state

    def close(self) -> None:
        pass

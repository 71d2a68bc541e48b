"""The one shape every finding has, whatever produced it (a rule, LanguageTool, a metric).
Its categories are defined in definitions.py."""
from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("error", "warning", "suggestion")
# How an email is linted: "send" (a draft about to go to a buyer: an unfilled merge field is an
# error) or "template" (a template or sequence step: merge fields are the point; a malformed one
# is an error). The first is the default.
MODES = ("send", "template")


@dataclass(frozen=True, slots=True)
class Finding:
    """One flagged span.

    `start`/`end` are Python string indices (code points) into the field's text; the API
    converts them to UTF-16 code units once, at serialisation (see utf16.Utf16Map).
    Email-level findings (a metric over the whole body) have start == end == 0.
    """

    rule: str
    category: str
    severity: str
    message: str
    why: str
    start: int
    end: int
    replacements: tuple[str, ...] = ()
    field: str = "body"
    advice: str = ""

    def sort_key(self) -> tuple:
        return (self.field != "subject", self.start, self.end, self.rule)

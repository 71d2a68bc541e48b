"""`scan` rules: patterns over the email as it will be sent (the whole body and the subject), for
what makes an email not ready to send: an unfilled merge field, a template blank, a fake "Re:",
what reads as bulk mail.

Unlike sentence rules, a scan rule reads every part the rep will send (the greeting and the
signature hold most placeholders), flags every match (each placeholder is its own card, named in
the message with `{match}`), and can depend on the email as a whole:

    patterns: [...]        regular expressions (case-insensitive unless `case: sensitive`), each
                           compiled on its own with MULTILINE; a group named `span` is the span
    in: [body, subject]    the fields scanned (default: body)
    modes: [send]          the lint modes the rule runs in (send, template; default both)
    skip: [quote]          parts of the body not scanned (default: the quoted thread)
    when: [no-thread]      conditions on the email: no-thread = the body quotes no earlier message
    unless: [...]          patterns searched over the scanned body: one match silences the rule
    except: [...]          patterns for places that are not findings: a match overlapping one
                           (its `span` group, or the whole) is dropped ("1. [Acme] Send the
                           schema" is an owner tag in a recap, not a placeholder)
    min_count: 4           flag only from the 4th match on (the 4th and later are the findings)
    differ: [text, target] the match counts only when these two named groups name different web
                           domains (link text that hides where a link goes)
    merge_fields: words    read merge fields as ordinary words of their kind, as the one-way rules
                           do ("{COMPANY}" is not shouting; a subject's length is with real words);
                           default: as written
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from ..findings import MODES, Finding
from .base import Fields, Rule
from .matching import Requirement, pattern_problem, searched_requirement

if TYPE_CHECKING:
    from ..contexts import TextContext

SCAN_FIELDS = ("body", "subject")
SKIPPABLE = ("quote", "signature", "signoff", "greeting", "ps")
CONDITIONS = ("no-thread",)
MAX_FINDINGS = 25  # per rule and email: a pasted mail-merge export is not 500 cards
_SHOWN = 40  # characters of a match named in a message
_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}", re.I)


def web_domain(text: str) -> str | None:
    """The registrable part of the first host name in `text` ("https://www.acme.co/x" -> "acme.co"),
    or None when it names none."""
    m = _DOMAIN.search(text or "")
    if not m:
        return None
    labels = m.group().lower().split(".")
    # Two labels, or three under a two-letter country's second level (acme.co.uk).
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in ("co", "com", "org", "net", "ac", "gov") else 2
    return ".".join(labels[-keep:])


@dataclass
class ScanRule(Rule):
    TYPE: ClassVar[str] = "scan"
    FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"patterns", "in", "modes", "case", "skip", "when", "unless", "min_count", "differ", "merge_fields", "except"})
    LEVEL: ClassVar[str] = "text"

    regexes: tuple[re.Pattern, ...] = field(default=(), repr=False)
    fields_in: tuple[str, ...] = ("body",)
    modes: tuple[str, ...] = MODES
    skip: tuple[str, ...] = ("quote",)
    when: tuple[str, ...] = ()
    unless: re.Pattern | None = field(default=None, repr=False)
    min_count: int = 1
    differ: tuple[str, str] | None = None
    fields_as_words: bool = False
    exceptions: tuple[re.Pattern, ...] = field(default=(), repr=False)
    # Per pattern, literals one of which its every match contains (None: always search); most
    # emails hold none of them, and a search of the whole body per pattern is most of the cost.
    requirements: tuple[Requirement | None, ...] = field(default=(), repr=False)

    @classmethod
    def from_mapping(cls, common: dict, fields: Fields) -> "ScanRule":
        case = fields.choice("case", ("insensitive", "sensitive"), "insensitive")
        flags = re.MULTILINE | (0 if case == "sensitive" else re.IGNORECASE)
        regexes = _compile(fields, "patterns", flags, required=True)
        exceptions = _compile(fields, "except", flags)
        fields_in = tuple(_subset(fields, "in", SCAN_FIELDS, ["body"]))
        modes = tuple(_subset(fields, "modes", MODES, list(MODES)))
        skip = tuple(_subset(fields, "skip", SKIPPABLE, ["quote"], allow_empty=True))
        when = tuple(_subset(fields, "when", CONDITIONS, [], allow_empty=True))
        min_count = fields.number("min_count")
        if min_count is not None and (min_count != int(min_count) or min_count < 1):
            fields.fail("min_count", "must be a whole number of at least 1")
        differ = fields.str_list("differ") or None
        if differ is not None:
            if len(differ) != 2:
                fields.fail("differ", "names two groups of the patterns: [text, target]")
            for regex in regexes:
                if not set(differ) <= set(regex.groupindex):
                    fields.fail("differ", f"every pattern needs the named groups {differ[0]!r} and {differ[1]!r}")
        return cls(**common, regexes=tuple(regexes), fields_in=fields_in, modes=modes, skip=skip, when=when,
                   unless=fields.search_regex("unless"), min_count=int(min_count or 1),
                   differ=tuple(differ) if differ else None,
                   exceptions=tuple(exceptions), requirements=tuple(map(searched_requirement, regexes)),
                   fields_as_words=fields.choice("merge_fields", ("written", "words"), "written") == "words")

    @property
    def alternatives(self) -> list[str]:
        return [r.pattern for r in self.regexes]

    def check_text(self, email: "TextContext") -> list[Finding]:
        if email.mode not in self.modes:
            return []
        if "no-thread" in self.when and email.has_thread:
            return []
        matches = []
        for field_name in self.fields_in:
            if field_name == "subject" and not email.subject:
                continue
            text, to_original = email.view(field_name, self.skip, self.fields_as_words)
            source = email.scanned(self.skip) if field_name == "body" else email.subject
            excepted = None  # searched at the first match: most emails have none
            # ASCII text lower-cased, for the case-blind patterns' literals (None: not ASCII)
            lowered = text.lower() if text.isascii() else None
            for regex, required in zip(self.regexes, self.requirements or (None,) * len(self.regexes)):
                if required is not None and not _may_match(regex, required, text, lowered):
                    continue
                for m in regex.finditer(text):
                    if excepted is None:
                        excepted = [_span(e) for exception in self.exceptions for e in exception.finditer(text)]
                    start, end = _span(m)
                    if end <= start or any(a < end and start < b for a, b in excepted):
                        continue
                    if self.differ and not self._differs(m):
                        continue
                    if to_original is not None:
                        start, end = to_original(start, end)
                    matches.append((field_name, start, end, source))
        if len(matches) < self.min_count:
            return []
        # `unless` last: it reads the whole body, and most emails have no match to silence.
        if self.unless is not None and self.unless.search(email.scanned(self.skip)):
            return []
        # One finding per place, in reading order (two patterns may find the same placeholder).
        matches = sorted(set(matches), key=lambda x: (x[0] != "subject", x[1], -x[2]))
        kept, last = [], {}
        for field_name, start, end, text in matches:
            if start < last.get(field_name, -1):
                continue
            last[field_name] = end
            kept.append((field_name, start, end, text))
        out = []
        for field_name, start, end, text in kept[self.min_count - 1:][:MAX_FINDINGS]:
            shown = " ".join(text[start:end].split())
            shown = shown if len(shown) <= _SHOWN else shown[:_SHOWN - 1] + "…"
            finding = self.finding(start, end, field_name)
            if "{match}" in self.message:
                finding = _with_message(finding, self.message.replace("{match}", shown))
            out.append(finding)
        return out

    def _differs(self, m: re.Match) -> bool:
        shown, target = (web_domain(m.group(g)) for g in self.differ)
        return bool(shown and target and shown != target)

    def describe(self) -> dict:
        described = super().describe()
        described.update({"fields": list(self.fields_in), "modes": list(self.modes)})
        return described


def _may_match(regex: re.Pattern, required: Requirement, text: str, lowered: str | None) -> bool:
    """Whether `text` holds one of the literals every match of `regex` contains (searched_requirement)."""
    if not regex.flags & re.IGNORECASE:
        return any(literal in text for literal in required)
    return lowered is None or any(literal in lowered for literal in required)


def _span(m: re.Match) -> tuple[int, int]:
    """A match's span: its group named `span` when it has one that took part."""
    return m.span("span") if "span" in m.re.groupindex and m.group("span") is not None else m.span()


def _compile(fields: Fields, name: str, flags: int, required: bool = False) -> list[re.Pattern]:
    out = []
    for pattern in fields.str_list(name, required=required):
        problem = pattern_problem(pattern, compile_alone=False)  # refuses runaway repetition
        if problem:
            fields.fail(name, problem)
        try:
            out.append(re.compile(pattern, flags))
        except (re.error, OverflowError, RecursionError) as exc:
            fields.fail(name, f"bad regular expression {pattern!r}: {exc}")
    return out


def _with_message(finding: Finding, message: str) -> Finding:
    from dataclasses import replace
    return replace(finding, message=message)


def _subset(fields: Fields, name: str, options, default: list, allow_empty: bool = False) -> list[str]:
    value = fields.get(name, default)
    if isinstance(value, str):
        value = [value]
    if value is None:
        value = []
    if not isinstance(value, list) or any(v not in options for v in value) or (not value and not allow_empty):
        fields.fail(name, f"must be a list of: {', '.join(options)}")
    return list(value)

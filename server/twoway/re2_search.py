"""RE2 (Google's binding, google-re2) as the linter uses it: its options, a direct path for
ASCII text, and patterns that run on RE2 where it and Python's re agree.

Below the rules and the guards, which both search with it. The binding's per-search work for a
str (encoding it, mapping UTF-8 offsets back to characters) costs more than RE2's own scan of a
sentence; ASCII text, most mail, skips it: its byte offsets are its character offsets.
"""
from __future__ import annotations

import re

import re2

UNANCHORED = re2._re2.RE2.Anchor.UNANCHORED


def re2_options():
    """(the re2 module, fresh options): errors reported by the caller, bounded memory."""
    options = re2.Options()
    options.log_errors = False  # the problem is told once, by the caller
    options.max_mem = 8 << 20  # a pattern whose automaton would need more is refused at load
    return re2, options


class AsciiMatch:
    """A match as the rules read one (start, end, span, group), from the direct path."""

    __slots__ = ("string", "_start", "_end")

    def __init__(self, string: str, start: int, end: int):
        self.string, self._start, self._end = string, start, end

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def span(self) -> tuple[int, int]:
        return self._start, self._end

    def group(self) -> str:
        return self.string[self._start:self._end]


def ascii_matches(compiled, text: str) -> list[AsciiMatch]:
    """Every match of a compiled re2 pattern in ASCII `text`, left to right, as finditer
    gives them (after an empty match the search goes on one character later)."""
    data, found, pos, size = text.encode("ascii"), [], 0, len(text)
    match = compiled._regexp.Match
    while pos <= size:
        start, end = match(UNANCHORED, data, pos, size)[0]
        if start < 0:
            break
        found.append(AsciiMatch(text, start, end))
        pos = end if end > start else end + 1
    return found


_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def encodable(text: str) -> str:
    """RE2 reads UTF-8, which a lone surrogate (pasted from a broken source) has no form in:
    each becomes U+FFFD, one code point for one, so every offset stays where it was."""
    return _LONE_SURROGATE.sub("\ufffd", text) if _LONE_SURROGATE.search(text) else text


class AsciiFastPattern:
    """One pattern (no look-arounds) asked only whether it occurs: on RE2 when the text is
    ASCII, where RE2 and re agree (the same \\w, \\b and case folding), on re otherwise.
    A guard's search over a whole sentence costs a tenth on RE2."""

    def __init__(self, pattern: str, flags: int = re.IGNORECASE):
        self.pattern = re.compile(pattern, flags)
        module, options = re2_options()
        options.case_sensitive = not flags & re.IGNORECASE
        self._search = module.compile(pattern, options)._regexp.Match

    def occurs(self, text: str) -> bool:
        if not text.isascii():
            return self.pattern.search(text) is not None
        data = text.encode("ascii")
        return self._search(UNANCHORED, data, 0, len(data))[0][0] >= 0

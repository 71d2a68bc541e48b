"""UTF-16 code-unit offsets: the unit of JavaScript, the browser extension and LanguageTool.

Two-Way works in code points (Python's str indices) and converts at the edges: the API's
serialiser, LanguageTool's answers, SARIF and the rule examples' spans all go through here.
"""
from __future__ import annotations

import re
from bisect import bisect_right


class Utf16Map:
    """Converts code-point indices of one string to UTF-16 code-unit offsets and back.

    Only characters above U+FFFF take two units, so a string without any needs no table.
    Lone surrogates (valid in a Python str decoded from JSON) count as one unit, as in JS.
    """

    __slots__ = ("_astral",)

    def __init__(self, text: str):
        # Code-point indices of astral characters, ascending.
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF] if _has_astral(text) else []

    def to_utf16(self, index: int) -> int:
        if not self._astral:
            return index
        return index + bisect_right(self._astral, index - 1)

    def from_utf16(self, offset: int) -> int:
        """The code-point index whose UTF-16 offset is `offset` (rounded down inside a pair)."""
        if not self._astral:
            return offset
        lo, hi = 0, offset
        while lo < hi:  # smallest index whose utf16 offset >= offset
            mid = (lo + hi) // 2
            if self.to_utf16(mid) < offset:
                lo = mid + 1
            else:
                hi = mid
        return lo if self.to_utf16(lo) <= offset else lo - 1


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def _has_astral(text: str) -> bool:
    return _ASTRAL.search(text) is not None


def utf16_len(text: str) -> int:
    return len(text) + len(_ASTRAL.findall(text))

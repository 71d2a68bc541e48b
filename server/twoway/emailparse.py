"""The email, parsed: which lines are the rep's sentences and which are structure.

A sales email is not a run of sentences. Its greeting ("Hi {{first_name}},", also when glued to
the first sentence), sign-off ("Best,"), signature ("-- ", a name, a signature merge field) and
quoted thread ("On Thu ... wrote:", "> " lines, Outlook's "From: ... Sent:" block, forwarded
messages) are not the rep's message and are never linted or counted. What is left is the body:
paragraph sentences, list items and P.S. lines (kept with their "P.S."), each a `Sentence` with
its kind. Merge fields ({{first_name}}, {FIRST_NAME}, [Name], [date], {{DECISION_DATE}}) are
opaque tokens with a kind; `matchable` gives rules a copy of a sentence where each reads as an
ordinary word of its kind, with a map back to the original offsets.

Every step is line by line with bounded patterns, so parsing is linear in the text.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from .sentences import Sentence, normalize_apostrophes, split_sentences

LINTED_KINDS = frozenset({"body", "list_item", "ps"})


@dataclass(frozen=True, slots=True)
class Block:
    kind: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class MergeField:
    start: int
    end: int
    kind: str  # name | company | date | other


@dataclass(frozen=True)
class ParsedEmail:
    text: str
    blocks: tuple[Block, ...]
    sentences: tuple[Sentence, ...]
    fields: tuple[MergeField, ...]

    def own_text(self) -> str:
        """The rep's own words: everything but the signature and the quoted thread."""
        return "\n".join(self.text[b.start:b.end] for b in self.blocks if b.kind not in ("signature", "quote"))


# Merge fields ---------------------------------------------------------------------------------

MERGE_FIELD = re.compile(
    r"\{\{\s*[^{}\n]{1,60}?\s*\}\}"            # {{first_name}}, {{ DECISION_DATE }}
    r"|\{[A-Za-z_][\w .-]{0,40}\}"             # {FIRST_NAME}
    r"|\[[A-Za-z][\w .,'/&+-]{0,60}\](?!\()"   # [Name], [date], [economic buyer / lead]; not a markdown link
)
_FIELD_KINDS = (
    ("date", re.compile(r"date|day|deadline|time|month|quarter|week|when|year", re.I)),
    ("company", re.compile(r"company|org|account|business|firm|brand|competitor|employer", re.I)),
    ("name", re.compile(r"name|first|last|contact|recipient|prospect|person|rep\b|sender|owner|manager|ceo|vp|lead\b", re.I)),
)
# How a field reads to the rules: an ordinary word of its kind.
FIELD_WORDS = {"name": "Robin", "company": "Contoso", "date": "Friday", "other": "something"}


def field_kind(token: str) -> str:
    inner = token.strip("{}[] ")
    for kind, pattern in _FIELD_KINDS:
        if pattern.search(inner):
            return kind
    return "other"


def find_fields(text: str) -> list[MergeField]:
    return [MergeField(m.start(), m.end(), field_kind(m.group())) for m in MERGE_FIELD.finditer(text)]


# Line kinds ------------------------------------------------------------------------------------

_F = r"(?:\{\{[^{}\n]{1,60}\}\}|\{[A-Za-z_][\w .-]{0,40}\}|\[[A-Za-z][\w .,'/&+-]{0,60}\])"  # a merge field
_NAME = rf"(?:{_F}|[A-Z][\w'.-]{{0,30}})"
_SALUTATION = r"(?:hi|hey|hello|hiya|howdy|dear|greetings|good (?:morning|afternoon|evening)|morning|afternoon)"
# A whole greeting line: "Hi Sam,", "Hello there!", "Dear Dr. Lee:", "{FIRST_NAME},", "Team -".
GREETING_LINE = re.compile(
    rf"(?i:{_SALUTATION})\b[^\n.?,!]{{0,40}}?[,!:.—–-]{{0,2}}\s*$"
    rf"|(?:{_NAME}(?:\s+{_NAME}){{0,2}}|(?i:team|all|folks|everyone|there))\s*[,:!—–-]{{1,2}}\s*$"
)
# A greeting glued to the first sentence: "Hi Sam, I saw ..." -> "Hi Sam,".
GREETING_PREFIX = re.compile(
    rf"(?:(?i:{_SALUTATION})(?:\s+{_NAME}(?:\s+{_NAME})?|\s+(?i:there|team|all|folks|everyone))?|{_F})"
    r"\s*(?:[,!:]|\s[—–-])\s+(?=\S)"
)
SIGNOFF_LINE = re.compile(
    r"(?i)(?:best|best wishes|all the best|regards|best regards|kind regards|warm regards|warmly|cheers|"
    r"thanks|thank you|thanks again|many thanks|thanks so much|thank you so much|sincerely|yours|"
    r"talk soon|speak soon|chat soon|until then|take care|onward|to your success|respectfully)"
    r"(?:\s+(?:for\s+\S+(?:\s+\S+){0,3}|again|so much|a lot|in advance))?\s*[,.!—–-]*"
    rf"(?:\s*{_NAME}(?:\s+{_NAME})?)?\s*$"
)
# A sign-off at the end of a one-paragraph email: "... Let me know. Best, Jo"
GLUED_SIGNOFF = re.compile(
    r"(?<=[.!?])\s+(?i:best|regards|best regards|kind regards|cheers|thanks|thank you|sincerely)"
    rf"\s*[,!—–-]\s*{_NAME}(?:\s+{_NAME})?\s*$"
)
SIGNATURE_DELIMITER = re.compile(r"--\s?$|__+\s*$")
SIGNATURE_FIELD = re.compile(r"(?i)[\[{]+\s*(?:your\s+|sender[\s_-]*)?(?:email[\s_-]*)?signature[\w\s-]{0,20}[\]}]+\s*$")
DASHED_NAME = re.compile(rf"[-—–]{{1,2}}\s*{_NAME}(?:\s+{_NAME}){{0,2}}\s*$")
PS_START = re.compile(r"(?i)p\.?\s?p?\.?\s?s\.?(?=[\s:,-])|p\.s\.|ps:")
LIST_ITEM = re.compile(r"\s*(?:[-*•·▪◦‣–—]\s+|\(?\d{1,2}[.)]\s+|\(?[a-h][.)]\s+|\[[ xX]\]\s+)")
QUOTE_HEADER = re.compile(
    r"(?i)on\s.{4,120}\bwrote:\s*$"                          # Gmail, Apple Mail
    r"|-{2,}\s*(?:original message|forwarded message)\s*-*\s*$"  # Outlook, Gmail forward
    r"|begin forwarded message:\s*$"
)
QUOTE_WROTE_TAIL = re.compile(r"(?i).{0,120}\bwrote:\s*$")
OUTLOOK_FROM = re.compile(r"(?i)from:\s+\S")
OUTLOOK_NEXT = re.compile(r"(?i)(?:sent|date|to|subject|cc):\s")
QUOTED_LINE = re.compile(r"\s*>")


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line, without its line break (\\r\\n or \\n)."""
    out, start = [], 0
    for m in re.finditer(r"\r?\n", text):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(text)))
    return out


def _short_line(line: str) -> bool:
    """A name, title, phone or company line of a signature, not a sentence."""
    words = line.split()
    return 0 < len(words) <= 7 and not line.rstrip().endswith(("?", ".")) or bool(MERGE_FIELD.fullmatch(line.strip()))


def parse_email(text: str) -> ParsedEmail:
    lines = _lines(text)
    n = len(lines)
    kinds: list[str | None] = [None] * n  # None: blank
    texts = [text[a:b] for a, b in lines]
    for i, line in enumerate(texts):
        if line.strip():
            kinds[i] = "body"

    # The quoted thread: from its header to the end; "> " lines wherever they are.
    for i, line in enumerate(texts):
        stripped = line.strip()
        if not stripped:
            continue
        header = bool(QUOTE_HEADER.match(stripped))
        if not header and stripped.lower().startswith("on ") and i + 1 < n and QUOTE_WROTE_TAIL.match(texts[i + 1].strip()):
            header = True  # "On Thu, 4 May 2026 at 10:02, Priya Shah <priya@...>\nwrote:"
        if not header and OUTLOOK_FROM.match(stripped):
            header = any(OUTLOOK_NEXT.match(texts[j].strip()) for j in range(i + 1, min(n, i + 4)))
        if header:
            for j in range(i, n):
                if kinds[j]:
                    kinds[j] = "quote"
            break
        if QUOTED_LINE.match(line):
            kinds[i] = "quote"
    authored = [i for i in range(n) if kinds[i] and kinds[i] != "quote"]

    # A signature delimiter ("-- ") or a signature merge field ends the message.
    for i in authored:
        stripped = texts[i].strip()
        if SIGNATURE_DELIMITER.match(texts[i]) or SIGNATURE_FIELD.match(stripped):
            for j in authored:
                if j >= i and not PS_START.match(texts[j].strip()):
                    kinds[j] = "signature"
            break

    # P.S. paragraphs, wherever they stand (often after the signature).
    in_ps = False
    for i in range(n):
        if kinds[i] is None:
            in_ps = False
        elif kinds[i] in ("body", "signature") and PS_START.match(texts[i].lstrip()):
            in_ps = True
            kinds[i] = "ps"
        elif in_ps and kinds[i] == "body":
            kinds[i] = "ps"

    # The sign-off and the signature under it: the last lines of the message before any P.S.
    message = [i for i in range(n) if kinds[i] == "body"]
    tail = message[-7:]
    signoff_at = None
    for i in reversed(tail):
        if SIGNOFF_LINE.match(texts[i].strip()) and all(_short_line(texts[j]) for j in tail if j > i):
            signoff_at = i
            break
    if signoff_at is not None:
        kinds[signoff_at] = "signoff"
        for j in tail:
            if j > signoff_at:
                kinds[j] = "signature"
    elif message:
        # No sign-off: a last line that is only a name ("-- Jake", "[Your Name]", "{{sender}}")
        last = message[-1]
        stripped = texts[last].strip()
        if DASHED_NAME.match(stripped) or (MERGE_FIELD.fullmatch(stripped) and len(message) > 1):
            kinds[last] = "signature"

    # List items.
    for i in range(n):
        if kinds[i] == "body" and LIST_ITEM.match(texts[i]):
            kinds[i] = "list_item"

    blocks: list[Block] = []
    first = next((i for i in range(n) if kinds[i]), None)
    if first is not None and kinds[first] == "body":
        a, b = lines[first]
        stripped = texts[first].strip()
        if GREETING_LINE.match(stripped) and len(stripped.split()) <= 6:
            kinds[first] = "greeting"
        else:
            m = GREETING_PREFIX.match(text, a, b)
            if m and m.end() < b:
                blocks.append(Block("greeting", a, m.end() - len(m.group()) + len(m.group().rstrip())))
                lines[first] = (m.end(), b)

    for i in range(n):
        kind = kinds[i]
        if not kind:
            continue
        a, b = lines[i]
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b <= a:
            continue
        if kind == "body" and i == (message[-1] if message else -1):
            m = GLUED_SIGNOFF.search(text, a, b)
            if m:
                blocks.append(Block("body", a, m.start()))
                blocks.append(Block("signoff", m.start() + len(m.group()) - len(m.group().lstrip()), b))
                continue
        # Paragraph lines of one kind stay one block, except list items (one per item).
        prev = blocks[-1] if blocks else None
        if (prev and prev.kind == kind and kind in ("quote", "signature", "signoff")
                and text.count("\n", prev.end, a) <= 2):
            blocks[-1] = Block(kind, prev.start, b)
        else:
            blocks.append(Block(kind, a, b))
    blocks.sort(key=lambda blk: blk.start)

    sentences: list[Sentence] = []
    for block in blocks:
        if block.kind not in LINTED_KINDS:
            continue
        start = block.start
        if block.kind == "list_item":  # the item's words, not its marker ("1. ", "- "): a span never covers it
            marker = LIST_ITEM.match(text, start, block.end)
            start = marker.end() if marker else start
        for s in split_sentences(text[start:block.end]):
            sentences.append(Sentence(start + s.start, start + s.end, s.text, block.kind))
    return ParsedEmail(text, tuple(blocks), tuple(sentences), tuple(find_fields(text)))


# What rules match ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Matchable:
    """A sentence as rules read it: apostrophes straight, each merge field an ordinary word of its
    kind. `to_original` maps a span back, widened to whole merge fields (no span starts or ends
    inside one)."""

    text: str
    # Sorted (matchable_start, matchable_end, original_start, original_end) of each replaced field.
    _fields: tuple[tuple[int, int, int, int], ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        if not self._fields:
            return start, end
        return self._map(start, True), self._map(end, False)

    def _map(self, pos: int, is_start: bool) -> int:
        i = bisect_right(self._starts, pos) - 1
        if i < 0:
            return pos
        m_start, m_end, o_start, o_end = self._fields[i]
        if pos >= m_end:
            return o_end + (pos - m_end)
        # Inside a field's word: a start goes to the field's start, an end to its end.
        return o_start if is_start or pos == m_start else o_end

    @property
    def _starts(self) -> list[int]:
        return [f[0] for f in self._fields]


def matchable(sentence_text: str) -> Matchable:
    text = normalize_apostrophes(sentence_text)
    if "{" not in text and "[" not in text:
        return Matchable(text, ())
    parts, fields, pos, shift = [], [], 0, 0
    for m in MERGE_FIELD.finditer(text):
        word = FIELD_WORDS[field_kind(m.group())]
        parts.append(text[pos:m.start()])
        m_start = m.start() + shift
        parts.append(word)
        fields.append((m_start, m_start + len(word), m.start(), m.end()))
        shift += len(word) - (m.end() - m.start())
        pos = m.end()
    if not fields:
        return Matchable(text, ())
    parts.append(text[pos:])
    return Matchable("".join(parts), tuple(fields))

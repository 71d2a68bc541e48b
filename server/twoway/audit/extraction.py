"""From a raw item to an email's text: MIME parts (text/plain preferred, HTML turned into text,
blockquotes as "> " lines so the email parser sees the quoted thread), the sender and the date.
What the rep wrote (no quote, forward or signature) is found by the checker's email parser."""
from __future__ import annotations

import email
import email.errors
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from email.header import decode_header, make_header
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser

from .sources import RawItem


class Malformed(ValueError):
    """A message that cannot be audited; the reason is shown in the report (never its text)."""


@dataclass(frozen=True, slots=True)
class Email:
    sender: str        # the key: a lower-case address, or a name when there is no address
    sender_name: str   # how the report names the sender (before --anonymize)
    date: datetime | None
    subject: str
    text: str          # the body as text (HTML turned into text); the checker finds the rep's own words
    message_id: str = ""


def extract(item: RawItem) -> Email:
    if item.kind == "mime":
        return _from_mime(item.payload)
    return _from_fields(item.payload)


# -- MIME ---------------------------------------------------------------------------------

def _from_mime(raw: bytes) -> Email:
    # The compat32 parser: the `default` policy's header objects cost more than linting does.
    if not raw.strip():
        raise Malformed("empty message")
    try:
        msg = email.message_from_bytes(raw)
        if not {k.lower() for k in msg.keys()} & {"from", "subject", "date", "to", "message-id"}:
            raise Malformed("no email headers")
        part = _text_part(msg)
        if part is None:
            raise Malformed("no text part")
        payload = part.get_payload(decode=True) or b""
        charset = part.get_content_charset() or "utf-8"
        try:
            content = payload.decode(charset, errors="replace")
        except LookupError:  # an unknown charset name
            content = payload.decode("utf-8", errors="replace")
        text = html_to_text(content) if part.get_content_type() == "text/html" else content
        name, address = _sender(_header(msg, "from"))
        subject, date, message_id = _header(msg, "subject"), _date(_header(msg, "date")), _header(msg, "message-id")
    except Malformed:
        raise
    except Exception as exc:  # the stdlib parser gives up on some broken messages: count, name, go on
        raise Malformed(f"unreadable message ({type(exc).__name__})") from None
    return _email(address or name, name or address, date, subject, text, message_id.strip())


def _text_part(msg):
    """The body part: text/plain preferred, else text/html; attachments are not the body."""
    found = {}
    for part in msg.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        kind = part.get_content_type()
        if kind in ("text/plain", "text/html") and kind not in found:
            found[kind] = part
    return found.get("text/plain") or found.get("text/html")


def _header(msg, name: str) -> str:
    value = msg.get(name)
    if value is None:
        return ""
    try:
        return str(make_header(decode_header(str(value))))
    except (LookupError, UnicodeError, ValueError, email.errors.HeaderParseError):
        return str(value)


def _sender(header: str) -> tuple[str, str]:
    pairs = getaddresses([header])
    name, address = pairs[0] if pairs else ("", "")
    return name.strip(), address.strip().lower()


_DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M %p", "%m/%d/%Y",
                 "%d/%m/%Y %H:%M", "%Y-%m-%d")


_RFC_DATE = re.compile(r"(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}")


def _strptime(value: str, fmt: str) -> datetime | None:
    try:
        return datetime.strptime(value, fmt)
    except ValueError:
        return None


def _date(value) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):  # epoch milliseconds (HubSpot) or seconds
        return datetime.fromtimestamp(value / 1000 if value > 1e11 else value, tz=timezone.utc)
    value = str(value).strip()
    parsed = None
    if _RFC_DATE.match(value):  # an email's Date header: "Tue, 03 Mar 2026 10:00:00 +0000"
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    else:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            parsed = next((d for d in map(lambda f: _strptime(value, f), _DATE_FORMATS) if d), None)
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


parse_date = _date  # dates of CSV and JSONL cells, for the replied column too (outcomes.py)


# -- CSV and JSONL rows ---------------------------------------------------------------------

def _from_fields(fields: dict) -> Email:
    if "_error" in fields:
        raise Malformed(fields["_error"])
    body = fields.get("body")
    if not isinstance(body, str) or not body.strip():
        raise Malformed("no body")
    if "<" in body and _LOOKS_HTML.search(body):
        body = html_to_text(body)
    raw_sender = str(fields.get("sender") or "").strip()
    # CRM exports often name the owner without an address.
    name, address = _sender(raw_sender) if "@" in raw_sender else (raw_sender, "")
    name = str(fields.get("sender_name") or "").strip() or name
    return _email(address or name.lower(), name or address, _date(fields.get("date")),
                  str(fields.get("subject") or ""), body)


def _email(sender: str, sender_name: str, date, subject: str, text: str, message_id: str = "") -> Email:
    if not text.strip():
        raise Malformed("empty body")
    return Email(sender or "(unknown)", sender_name or "(unknown)", date, subject.strip(), text, message_id)


# -- HTML parts ----------------------------------------------------------------------------

_LOOKS_HTML = re.compile(r"<(?:p|div|br|html|body|span|table)\b", re.IGNORECASE)
_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "hr", "pre"}
_SKIPPED = {"script", "style", "head", "title", "template"}


class _TextExtractor(HTMLParser):
    """HTML to plain text: blocks become lines, <blockquote> lines get '> ' (a quoted reply, as
    in plain-text mail, so the email parser cuts it), script/style/head are dropped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skip = 0
        self.quote = 0

    def _break(self):
        line = re.sub(r"[ \t\r\f\v\u00a0]+", " ", "".join(self.current)).strip()
        self.current = []
        if line:
            self.lines.append("> " * self.quote + line)

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED:
            self.skip += 1
        elif tag == "blockquote":
            self._break()
            self.quote += 1
        elif tag in _BLOCKS:
            self._break()
            if tag == "li":
                self.current.append("- ")

    def handle_endtag(self, tag):
        if tag in _SKIPPED:
            self.skip = max(0, self.skip - 1)
        elif tag == "blockquote":
            self._break()
            self.quote = max(0, self.quote - 1)
        elif tag in _BLOCKS and tag != "br":
            self._break()
            if tag == "p" and self.lines and self.lines[-1]:
                self.lines.append("")  # a paragraph ends with a blank line, as in plain-text mail

    def handle_data(self, data):
        if not self.skip:
            self.current.append(data.replace("\n", " "))


def html_to_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    parser._break()
    return "\n".join(parser.lines).strip()

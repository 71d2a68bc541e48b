"""Reading a team's mail: an mbox (Google Takeout), a folder of .eml files, a CRM CSV export,
JSON lines, each told apart by its content, not its name.

Sources only read and cut: each email leaves as a RawItem (raw bytes for a MIME message, a dict
of fields for CSV and JSONL rows), and the workers parse it (extraction.py), so the reading
process stays light and one bad message never stops the others.
"""
from __future__ import annotations

import csv
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

# Column names of CRM activity exports (HubSpot, Salesforce) and of hand-made sheets, lower case.
COLUMN_ALIASES = {
    "body": ("body", "email body", "email_body", "hs_email_text", "message", "text", "content",
             "description", "comments", "email text"),
    "subject": ("subject", "email subject", "hs_email_subject", "title"),
    "sender": ("sender", "from", "from email", "sender email", "hs_email_sender_email", "activity owner",
               "owner", "assigned", "assigned to", "created by", "rep", "sender name"),
    "date": ("date", "sent", "sent at", "sent date", "activity date", "created date", "createddate",
             "hs_timestamp", "timestamp", "completed date"),
    # Whether the email was answered (yes/no, or the date of the reply): audit/outcomes.py.
    "replied": ("replied", "reply", "email replied", "replied_at", "replied at", "reply date", "replied date",
                "hs_email_replied", "has replied"),
}
_SNIFF = 64 * 1024


class SourceError(ValueError):
    """A source that cannot be read at all (the run stops before it starts, with this message)."""


@dataclass(frozen=True, slots=True)
class RawItem:
    source: str   # the file or folder given on the command line
    ref: str      # where in it: "message 12", "row 40", a file name
    kind: str     # "mime" (payload: bytes) or "fields" (payload: dict of body/subject/sender/date)
    payload: object
    note: str = ""  # audited, with a warning (a truncated last message)


def unreadable(source: str, ref: str, why: str) -> RawItem:
    """An input that could not be read: counted and named in the report, with why."""
    return RawItem(source, ref, "fields", {"_error": why})


@dataclass
class Source:
    path: Path
    kind: str  # mbox | eml-folder | eml | csv | jsonl
    columns: dict

    def count(self) -> int:
        """How many emails, from a quick scan (for the progress bar's time left)."""
        if self.kind == "eml-folder":
            return sum(1 for _ in _eml_files(self.path))
        if self.kind == "eml":
            return 1
        with self.path.open("rb") as fh:
            if self.kind == "mbox":
                return sum(1 for line in fh if line.startswith(b"From "))
            if self.kind == "jsonl":
                return sum(1 for line in fh if line.strip())
        with self.path.open(newline="", encoding="utf-8-sig", errors="replace") as fh:
            return max(0, sum(1 for _ in csv.reader(fh)) - 1)

    def items(self) -> Iterator[RawItem]:
        """Every record of the source; a failure reading it ends this source with one item that
        names it, never the run."""
        reader = {"mbox": _mbox_items, "eml-folder": _folder_items, "eml": _eml_items,
                  "csv": _csv_items, "jsonl": _jsonl_items}[self.kind](self)
        try:
            yield from reader
        except (OSError, ValueError, csv.Error, MemoryError) as exc:
            why = getattr(exc, "strerror", None) or type(exc).__name__
            yield unreadable(str(self.path), "(rest of the file)", f"unreadable from here on ({why})")


def open_source(path: str | Path, columns: dict | None = None) -> Source:
    path = Path(path)
    if path.is_dir():
        if not any(_eml_files(path)):
            raise SourceError(f"{path}: a folder with no .eml files")
        return Source(path, "eml-folder", {})
    try:
        with path.open("rb") as fh:
            head = fh.read(_SNIFF)
    except OSError as exc:
        raise SourceError(f"{path}: cannot read ({exc.strerror})") from None
    kind = detect(head)
    if kind is None:
        raise SourceError(f"{path}: not an mbox, .eml, CSV or JSON lines file")
    resolved = _csv_columns(path, head, columns or {}) if kind == "csv" else {}
    return Source(path, kind, resolved)


def detect(head: bytes) -> str | None:
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"From "):
        return "mbox"
    if text.startswith(b"{"):
        return "jsonl"
    first = text.split(b"\n", 1)[0]
    if b":" in first and first.split(b":", 1)[0].strip().replace(b"-", b"").isalnum() and \
            any(h in text[:8192].lower() for h in (b"\nfrom:", b"\nsubject:", b"\ndate:", b"from:")):
        return "eml"
    try:
        sample = text[:8192].decode("utf-8", errors="replace")
        csv.Sniffer().sniff(sample.split("\n", 1)[0] + "\n", delimiters=",;\t")
        return "csv"
    except csv.Error:
        return None


def _csv_columns(path: Path, head: bytes, mapping: dict) -> dict:
    """Which column holds the body, subject, sender and date: --columns first, then known names."""
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as fh:
        header = next(csv.reader(fh), [])
    lowered = {h.strip().lower(): h for h in header}
    resolved = {}
    for field, aliases in COLUMN_ALIASES.items():
        if field in mapping:
            if mapping[field] not in header:
                raise SourceError(f"{path}: --columns {field}={mapping[field]}: no such column "
                                  f"(columns: {', '.join(header)})")
            resolved[field] = mapping[field]
            continue
        found = next((lowered[a] for a in aliases if a in lowered), None)
        if found is not None:
            resolved[field] = found
    if "body" not in resolved:
        raise SourceError(f"{path}: no body column (columns: {', '.join(header)}); "
                          "map one with --columns body=NAME")
    return resolved


def _mbox_items(source: Source) -> Iterator[RawItem]:
    """Messages of an mbox, read as a stream: a line starting with 'From ' opens the next one
    (mboxrd/mboxo: '>From ' inside a body is unescaped by one '>'). A last message that ends
    mid-line (a copy that stopped) is audited with a warning."""
    number, lines = 0, []
    with source.path.open("rb") as fh:
        for line in fh:
            if line.startswith(b"From "):
                if number:
                    yield RawItem(str(source.path), f"message {number}", "mime", b"".join(lines))
                number, lines = number + 1, []
                continue
            if line.startswith(b">") and line.lstrip(b">").startswith(b"From "):
                line = line[1:]
            lines.append(line)
    if number:
        cut = bool(lines) and not lines[-1].endswith(b"\n")
        note = "truncated: the mbox ends in the middle of this message" if cut else ""
        if cut:
            print(f"twoway: warning: {source.path}: message {number} is truncated (the file ends mid-line); "
                  "audited as it is", file=sys.stderr)
        yield RawItem(str(source.path), f"message {number}", "mime", b"".join(lines), note)


def _eml_files(folder: Path, unreadable_dirs: list | None = None) -> Iterator[Path]:
    """The .eml files under `folder`, in name order; folders that cannot be listed are added to
    `unreadable_dirs` as (path, why) instead of being skipped without a word."""
    def walk(directory: Path) -> Iterator[Path]:
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            if unreadable_dirs is not None and directory != folder:
                unreadable_dirs.append((directory, exc.strerror or type(exc).__name__))
            return
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = not is_dir and entry.is_file()
            except OSError:
                is_dir = is_file = False
            if is_dir:
                yield from walk(path)
            elif is_file and path.suffix.lower() == ".eml":
                yield path
    return walk(folder)


def _folder_items(source: Source) -> Iterator[RawItem]:
    broken: list = []
    for path in _eml_files(source.path, broken):
        while broken:
            directory, why = broken.pop(0)
            yield unreadable(str(source.path), str(directory.relative_to(source.path)), f"unreadable folder ({why})")
        ref = str(path.relative_to(source.path))
        try:
            data = path.read_bytes()
        except OSError as exc:
            yield unreadable(str(source.path), ref, f"unreadable file ({exc.strerror or type(exc).__name__})")
            continue
        yield RawItem(str(source.path), ref, "mime", data)
    for directory, why in broken:
        yield unreadable(str(source.path), str(directory.relative_to(source.path)), f"unreadable folder ({why})")


def _eml_items(source: Source) -> Iterator[RawItem]:
    yield RawItem(str(source.path), source.path.name, "mime", source.path.read_bytes())


def _csv_items(source: Source) -> Iterator[RawItem]:
    """Rows of a CSV export, read strictly: a malformed row (an unclosed quote, stray text after a
    closing quote, the wrong number of cells) is one item named by its row and line, and reading
    goes on at the line after the one it started on, so it never swallows the rows after it."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # CRM bodies can be long
    header: list[str] | None = None
    number = 1  # row 1 is the header
    for line, record in csv_records(source.path):
        if header is None:
            header = record if isinstance(record, list) else []
            continue
        number += 1
        ref = f"row {number}"
        if isinstance(record, str):
            yield unreadable(str(source.path), ref, f"malformed CSV row (line {line}): {record}")
        elif len(record) != len(header):
            yield unreadable(str(source.path), ref, f"malformed CSV row (line {line}): "
                                                    f"{len(record)} fields, the header has {len(header)}")
        else:
            row = dict(zip(header, record))
            fields = {field: row.get(column) or "" for field, column in source.columns.items()}
            yield RawItem(str(source.path), ref, "fields", fields)


def csv_records(path: Path) -> Iterator[tuple[int, list[str] | str]]:
    """(the line a record starts on, its cells) for each non-empty record of a CSV file, parsed
    strictly; for a malformed record, (line, what is wrong), and parsing resumes on the next line."""
    offset, first_line = 0, 1
    while True:
        with path.open("rb") as fh:
            fh.seek(offset)
            starts: list[int] = []  # byte offset of each line read in this pass

            def lines() -> Iterator[str]:
                while True:
                    at = fh.tell()
                    raw = fh.readline()
                    if not raw:
                        return
                    if at == 0 and raw.startswith(b"\xef\xbb\xbf"):
                        raw = raw[3:]
                    starts.append(at)
                    yield raw.decode("utf-8", errors="replace")

            reader = csv.reader(lines(), strict=True)
            before = 0  # lines of this pass read before the current record
            try:
                for record in reader:
                    if record:
                        yield first_line + before, record
                    before = reader.line_num
                return
            except csv.Error as exc:
                yield first_line + before, str(exc)
                if before + 1 >= len(starts):
                    return
                offset, first_line = starts[before + 1], first_line + before + 1


def _jsonl_items(source: Source) -> Iterator[RawItem]:
    with source.path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                record = None
            if not isinstance(record, dict):
                yield RawItem(str(source.path), f"line {number}", "fields", {"_error": "not a JSON object"})
                continue
            fields = {k: record.get(k) for k in ("body", "text", "subject", "sender", "from", "sender_name", "date")}
            replied = next((k for k in ("replied", "reply", "email_replied", "replied_at") if k in record), None)
            if replied is not None:
                fields["replied"] = record[replied]
            fields["body"] = fields.pop("body") or fields.pop("text")
            fields.pop("text", None)
            fields["sender"] = fields.get("sender") or fields.pop("from")
            fields.pop("from", None)
            yield RawItem(str(source.path), f"line {number}", "fields", fields)

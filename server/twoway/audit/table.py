"""The per-email results as a table a BI tool reads: CSV written row by row as results arrive,
and Parquet converted from it in streamed blocks when pyarrow is installed.

Every cell is bounded (a rule is listed once per email, any cell longer than MAX_CELL is cut with
a mark), so any CSV reader reads the table with its default limits (Python's csv: 131,072
characters); the Parquet step can fail only with a warning, never the run."""
from __future__ import annotations

import csv
import sys
from pathlib import Path

from .checking import COUNTED_CATEGORIES

COLUMNS = ("source", "ref", "sender", "date", "message_id", "template", "duplicate", "words",
           "alignment_score", "verdict", "one_way_sentences", *COUNTED_CATEGORIES, "rules",
           # whether the email was answered (yes / no / unknown), hours to the first reply, and
           # first-touch / follow-up in its thread (audit/threads.py)
           "replied", "reply_hours", "stage", "error", "note")
MAX_CELL = 4_000
_CUT_MARK = " [cut]"


def _bounded(value) -> object:
    if isinstance(value, str) and len(value) > MAX_CELL:
        return value[:MAX_CELL - len(_CUT_MARK)] + _CUT_MARK
    return value


class ResultTable:
    def __init__(self, path: Path):
        self.path = path
        self._fh = path.open("w", newline="", encoding="utf-8")
        self._out = csv.writer(self._fh)
        self._out.writerow(COLUMNS)

    def write(self, row: dict, duplicate: bool) -> None:
        rules = " ".join(dict.fromkeys(row.get("rules", ())))  # each rule once, in order of first finding
        values = dict(row, duplicate="yes" if duplicate else "no", rules=rules)
        self._out.writerow([_bounded(values.get(c, "")) for c in COLUMNS])

    def close(self) -> None:
        self._fh.close()


def write_parquet(csv_path: Path) -> Path | None:
    """`results.parquet` next to the CSV, or None without pyarrow (an optional extra) or when
    it cannot be written (said on stderr; the CSV and the report stand)."""
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq
    except ImportError:
        return None
    target = csv_path.with_suffix(".parquet")
    numbers = {"words", "alignment_score", "one_way_sentences", *COUNTED_CATEGORIES}
    types = {c: pa.int64() if c in numbers else pa.string() for c in COLUMNS}  # never guessed per block
    types["reply_hours"] = pa.float64()
    try:
        reader = pacsv.open_csv(csv_path, read_options=pacsv.ReadOptions(block_size=4 << 20),
                                convert_options=pacsv.ConvertOptions(column_types=types))
        with pq.ParquetWriter(target, reader.schema) as writer:
            for block in reader:
                writer.write_batch(block)
    except Exception as exc:  # ArrowInvalid, a full disk: the run's other outputs stand
        target.unlink(missing_ok=True)
        print(f"twoway: warning: Parquet not written ({type(exc).__name__}: {exc}); results.csv holds every row",
              file=sys.stderr)
        return None
    return target

"""The per-email results as a table a BI tool reads: CSV written row by row as results arrive,
and Parquet converted from it in streamed blocks when pyarrow is installed."""
from __future__ import annotations

import csv
from pathlib import Path

from .checking import COUNTED_CATEGORIES

COLUMNS = ("source", "ref", "sender", "date", "message_id", "template", "duplicate", "words",
           "alignment_score", "verdict", "one_way_sentences", *COUNTED_CATEGORIES, "rules",
           # whether the email was answered (yes / no / unknown), hours to the first reply, and
           # first-touch / follow-up in its thread (audit/threads.py)
           "replied", "reply_hours", "stage", "error")


class ResultTable:
    def __init__(self, path: Path):
        self.path = path
        self._fh = path.open("w", newline="", encoding="utf-8")
        self._out = csv.writer(self._fh)
        self._out.writerow(COLUMNS)

    def write(self, row: dict, duplicate: bool) -> None:
        values = dict(row, duplicate="yes" if duplicate else "no", rules=" ".join(row.get("rules", ())))
        self._out.writerow([values.get(c, "") for c in COLUMNS])

    def close(self) -> None:
        self._fh.close()


def write_parquet(csv_path: Path) -> Path | None:
    """`results.parquet` next to the CSV, or None without pyarrow (an optional extra)."""
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
    reader = pacsv.open_csv(csv_path, convert_options=pacsv.ConvertOptions(column_types=types))
    with pq.ParquetWriter(target, reader.schema) as writer:
        for block in reader:
            writer.write_batch(block)
    return target

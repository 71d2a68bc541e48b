"""One audit, end to end: read the sources, check on workers, stream the table, add up, report."""
from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .aggregation import Aggregate
from .checking import Settings
from .masking import pseudonym
from .outcomes import OutcomeData, analyse, replied_from_column, write_outcomes
from .report import build_report
from .running import BATCH_SIZE, DASK_BATCH_SIZE, dask_executor, local_executor, run
from .sources import open_source
from .table import ResultTable, write_parquet
from .threads import MIME_KINDS, REPLIED_WORDS, STAGE_WORDS, UNKNOWN, TeamRule, ThreadCounts, thread_mail

# Header blocks are small: the threading pass hands workers more of them per task.
HEADER_BATCH_FACTOR = 10


@dataclass
class AuditOptions:
    columns: dict = field(default_factory=dict)
    workers: int | None = None        # local processes (default: all cores)
    scheduler: str | None = None      # a Dask scheduler address: run there instead
    settings: Settings = field(default_factory=Settings)
    anonymize: bool = False
    anonymize_key: bytes | None = None  # stable pseudonyms across runs; default TWOWAY_AUDIT_KEY or random
    progress: bool | None = None      # None: a bar when stderr is a terminal
    # Emails per task: on Dask every task costs a scheduler round trip and its bookkeeping, so
    # tasks there are larger (10,000 emails on 2 workers: 78% of the local rate with 100, 90% with 500).
    batch_size: int | None = None     # default: 100 locally, 500 on a Dask cluster
    # Who the team is, when the mail has no Gmail labels: the rest is inbound, read for headers only.
    team_domains: tuple = ()
    team_addresses: tuple = ()


@dataclass
class AuditResult:
    aggregate: Aggregate
    report: Path
    table: Path
    parquet: Path | None
    outcomes: Path | None = None
    threads: ThreadCounts = field(default_factory=ThreadCounts)
    seconds: dict = field(default_factory=dict)  # per phase: threading, checking, outcomes

    @property
    def inbound(self) -> int:
        return self.threads.inbound


def audit(paths: list[str], out_dir: str | Path, options: AuditOptions | None = None) -> AuditResult:
    """Raises SourceError (before any work) for a source that cannot be read. A KeyboardInterrupt
    (or a lost cluster) during the run still writes the report and table, marked partial, then
    propagates."""
    from tqdm import tqdm

    options = options or AuditOptions()
    sources = [open_source(p, options.columns) for p in paths]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    key = options.anonymize_key or os.environ.get("TWOWAY_AUDIT_KEY", "").encode() or secrets.token_bytes(16)
    rule = TeamRule.of(options.team_domains, options.team_addresses)
    agg = Aggregate()
    outcomes = OutcomeData()
    table = ResultTable(out / "results.csv")
    seconds: dict = {}
    threads = None
    # Outcomes of the items in flight, by (source, ref): a few batches' worth, never the mailbox.
    pending: dict[tuple[str, str], tuple] = {}
    bar = None

    def team_items():
        """The items to audit: the team's own messages (inbound mail stays unread past its headers)."""
        for number, source in enumerate(sources):
            offset = threads.offsets.get(number) if threads else None
            for i, item in enumerate(source.items()):
                if offset is not None:
                    if not threads.index.audited(offset + i):
                        continue
                    replied, hours, stage = threads.index.outcome(offset + i)
                    pending[(item.source, item.ref)] = (replied, hours, None, stage)
                elif item.kind == "fields" and "replied" in item.payload:
                    replied, when = replied_from_column(item.payload["replied"])
                    pending[(item.source, item.ref)] = (replied, None, when, -1)
                yield item

    def on_row(row: dict) -> None:
        replied, hours, when, stage = pending.pop((row["source"], row["ref"]), (UNKNOWN, None, None, -1))
        if not row.get("error"):
            if when is not None and row["date"]:
                hours = max(0.0, (when - datetime.fromisoformat(row["date"])).total_seconds() / 3600)
            row.update(replied=REPLIED_WORDS[replied], replied_code=replied, stage_code=stage,
                       stage=STAGE_WORDS.get(stage, ""), reply_hours="" if hours is None else round(hours, 2))
        if options.anonymize and not row.get("error"):
            row["sender"] = row["sender_name"] = pseudonym(row["sender"], key)
        counted = agg.add(row)
        outcomes.add(row)
        table.write(row, duplicate=not counted and not row.get("error"))
        bar.update(1)

    started = time.monotonic()
    executor = dask_executor(options.scheduler) if options.scheduler else local_executor(options.workers)
    try:
        with executor as (pool, slots):
            total = sum(s.count() for s in sources)
            # Small audits still spread over every worker: at least four batches per slot.
            wanted = options.batch_size or (DASK_BATCH_SIZE if options.scheduler else BATCH_SIZE)
            batch_size = max(1, min(wanted, -(-total // (4 * slots))))
            if any(s.kind in MIME_KINDS for s in sources):
                threads = thread_mail(sources, rule, pool, slots, batch_size * HEADER_BATCH_FACTOR, run)
                total -= threads.counts.inbound
            seconds["threading"] = time.monotonic() - started
            bar = tqdm(total=total, unit="email", disable=None if options.progress is None else not options.progress,
                       smoothing=0.1, dynamic_ncols=True)
            run(team_items(), options.settings, pool, slots, on_row, batch_size)
    except BaseException:  # Ctrl-C above all: what was counted is reported, marked partial
        agg.partial = True
        raise
    finally:
        if bar is not None:
            bar.close()
        table.close()
        seconds["checking"] = time.monotonic() - started - seconds.get("threading", 0.0)
        result = _finish(agg, outcomes, threads.counts if threads else ThreadCounts(), sources, out, table.path,
                         time.monotonic() - started, seconds)
    return result


def _finish(agg: Aggregate, outcomes: OutcomeData, counts: ThreadCounts, sources, out: Path, table_path: Path,
            seconds: float, phases: dict) -> AuditResult:
    started = time.monotonic()
    analysis = analyse(outcomes)
    outcomes_path = write_outcomes(out / "outcomes.csv", analysis)
    phases["outcomes"] = time.monotonic() - started
    report = out / "report.html"
    report.write_text(build_report(agg, [str(s.path) for s in sources], seconds, analysis, counts), encoding="utf-8")
    return AuditResult(agg, report, table_path, write_parquet(table_path), outcomes_path, counts, phases)

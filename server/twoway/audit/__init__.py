"""The team audit (`twoway audit`, docs/audit.md): a team's sent mail or templates in, a
self-contained report and a per-email table out, on local processes or a Dask cluster.

sources (what to read) -> threads (headers only: the team's mail told from inbound mail, replies
linked, on workers) -> extraction (the rep's own words) -> checking (lint, on workers) ->
running (local or Dask, one path) -> aggregation (the team's numbers) and outcomes (reply rates
with intervals) -> table, outcomes.csv and report (reply_report: the replies section).
"""
from .pipeline import AuditOptions, AuditResult, audit

__all__ = ["AuditOptions", "AuditResult", "audit"]

"""The team audit (`twoway audit`, docs/audit.md): a team's sent mail or templates in, a
self-contained report and a per-email table out, on local processes or a Dask cluster.

sources (what to read) -> extraction (the rep's own words) -> checking (lint, on workers) ->
running (local or Dask, one path) -> aggregation (the team's numbers) -> table and report.
"""
from .pipeline import AuditOptions, AuditResult, audit

__all__ = ["AuditOptions", "AuditResult", "audit"]

"""`twoway lint --format sarif`: SARIF 2.1.0, so code-scanning tools (GitHub code scanning and
the like) show findings on the lines of templates kept in a repository.

Regions use SARIF's default column unit, UTF-16 code units, which is also the unit of the
API's offsets; columns are 1-based and endColumn is one past the last character. A finding in
the subject (given with --subject, not in the file) and a whole-email finding point at line 1.
"""
from __future__ import annotations

from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from .version import __version__
from .utf16 import utf16_len

if TYPE_CHECKING:
    from .service import Report

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "suggestion": "note"}


def sarif_log(results: list[tuple[str, "Report"]], pack) -> dict:
    """`results`: (file name, the checker's report) per file, as `twoway lint` builds them."""
    rules = [_rule(r.describe()) for r in pack.rules]
    index = {r["id"]: i for i, r in enumerate(rules)}
    out = []
    for name, report in results:
        uri = "stdin" if name == "<stdin>" else _uri(name)
        sources = {"body": report.text, "subject": report.subject}
        for f in report.findings:
            flagged = sources[f.field][f.start:f.end]
            result = {
                "ruleId": f.rule,
                "level": LEVELS.get(f.severity, "warning"),
                "message": {"text": f.message + (f' "{flagged}"' if flagged else "")},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": uri},
                    "region": _region(report.text, f),
                }}],
                "properties": {"category": f.category, "field": f.field},
            }
            if f.rule in index:
                result["ruleIndex"] = index[f.rule]
            out.append(result)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "Two-Way", "version": __version__, "rules": rules}},
            "columnKind": "utf16CodeUnits",
            "results": out,
            # The lint mode of the run (send or template: docs/readiness.md).
            "properties": {"mode": results[0][1].mode if results else "send"},
        }],
    }


def _uri(name: str) -> str:
    """A relative path stays relative (code scanning resolves it against the checkout)."""
    path = PurePath(name)
    return Path(name).resolve().as_uri() if path.is_absolute() else path.as_posix()


def _rule(described: dict) -> dict:
    rule = {
        "id": described["id"],
        "shortDescription": {"text": described["message"]},
        "defaultConfiguration": {"level": LEVELS.get(described["severity"], "warning")},
        "properties": {"category": described["category"]},
    }
    if described.get("why"):
        rule["fullDescription"] = {"text": described["why"]}
    if described.get("advice"):
        rule["help"] = {"text": described["advice"]}
    return rule


def _region(text: str, finding) -> dict:
    if finding.field != "body" or finding.start == finding.end:
        return {"startLine": 1}
    start, end = finding.start, finding.end  # code points; columns are counted in UTF-16 below
    return {**dict(zip(("startLine", "startColumn"), _line_col(text, start))),
            **dict(zip(("endLine", "endColumn"), _line_col(text, end)))}


def _line_col(text: str, index: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, utf16_len(text[line_start:index]) + 1

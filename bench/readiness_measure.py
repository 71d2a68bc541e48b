"""Measure the readiness rules on real email sets (dev tool; the figures are in docs/readiness.md).

    .venv/bin/python bench/readiness_measure.py ../shared/realworld ../shared/realworld2 [--mode send|template] [--show RULE_PREFIX]

For each set (a directory with emails.jsonl: {"id", "text", "subject"?}) it lints every email's text
and subject with grammar off, in the given mode, and prints per readiness rule the findings and the
emails they fall in, then every finding of the rules named by --show (default: all but the
placeholder rules, whose findings are the templates' own merge fields) with its context, so each
can be read and judged.
"""
from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

PLACEHOLDER_RULES = ("readiness.merge-field", "readiness.bracket-placeholder", "readiness.spintax",
                     "readiness.template-blank")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+", help="directories holding emails.jsonl")
    parser.add_argument("--mode", choices=("auto", "send", "template"), default="auto",
                        help="auto (default): template mode for emails whose kind is template or bad_example "
                             "(templates shown as examples), send mode for sent mail and drafts")
    parser.add_argument("--show", action="append", help="print every finding of rules starting with this")
    parser.add_argument("--context", type=int, default=40)
    args = parser.parse_args(argv)

    from twoway.config import load_config
    from twoway.service import Checker

    checker = Checker(load_config({"LANGUAGETOOL": "off"}))
    rules = [r.id for r in checker.pack.rules if r.category == "readiness"]
    try:
        for directory in args.sets:
            path = Path(directory) / "emails.jsonl"
            if not path.is_file():
                print(f"{directory}: no emails.jsonl", file=sys.stderr)
                return 2
            emails = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            counts, emails_hit, shown = collections.Counter(), collections.defaultdict(set), []
            modes = collections.Counter()
            for email in emails:
                text, subject = email["text"], email.get("subject") or ""
                mode = args.mode
                if mode == "auto":
                    mode = "template" if email.get("kind") in ("template", "bad_example") else "send"
                modes[mode] += 1
                report = checker.check(text, subject, grammar=False, mode=mode)
                for f in report.findings:
                    if f.category != "readiness":
                        continue
                    counts[f.rule] += 1
                    emails_hit[f.rule].add(email["id"])
                    wanted = args.show or [r for r in rules if r not in PLACEHOLDER_RULES]
                    if any(f.rule.startswith(prefix) for prefix in wanted):
                        source = subject if f.field == "subject" else text
                        before = source[max(0, f.start - args.context):f.start]
                        after = source[f.end:f.end + args.context]
                        shown.append(f"  {email['id']} {f.rule} [{f.field}] "
                                     + json.dumps(before)[1:-1] + " >>" + json.dumps(source[f.start:f.end])[1:-1]
                                     + "<< " + json.dumps(after)[1:-1])
            print(f"{directory}: {len(emails)} emails, {sum(1 for e in emails if e.get('subject'))} with a subject, "
                  "linted in " + ", ".join(f"{mode} mode: {n}" for mode, n in sorted(modes.items())))
            print(f"  {'rule':38} {'findings':>8} {'emails':>6}")
            for rule_id in rules:
                print(f"  {rule_id:38} {counts[rule_id]:8} {len(emails_hit[rule_id]):6}")
            print("\n".join(shown) if shown else "  (no finding to read)")
            print()
    finally:
        checker.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

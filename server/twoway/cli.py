"""The `twoway` command: lint files, serve the API, and list or check rule packs."""
from __future__ import annotations

import argparse
import bisect
import json
import re
import sys
from pathlib import Path

from .definitions import ONE_WAY_CATEGORIES

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # usage errors exit 2, as argparse does, with our wording
        self.print_usage(sys.stderr)
        print(f"twoway: {message}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="twoway", description="Two-Way: flags one-way (pressure, self-focused) sales writing.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    lint = sub.add_parser("lint", help="lint email drafts (files, or - for standard input)")
    lint.add_argument("files", nargs="*", default=["-"], metavar="FILE")
    lint.add_argument("--format", choices=("text", "json", "sarif"), default="text",
                      help="sarif: SARIF 2.1.0 for code-scanning tools (findings on the file's lines)")
    lint.add_argument("--subject", default="", help="subject line to lint with a single input")
    lint.add_argument("--grammar", action="store_true", help="also ask LanguageTool (TWOWAY_LANGUAGETOOL)")
    lint.add_argument("--mode", choices=("send", "template"), default="send",
                      help="send: drafts about to go out (an unfilled merge field is an error); template: "
                           "templates and sequence steps (merge fields expected, malformed ones are errors)")
    lint.add_argument("--rules-dir", help="a team rule pack that extends the bundled one")

    serve = sub.add_parser("serve", help="serve the API and the lint page")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--workers", type=int, default=None,
                       help="worker processes (default: TWOWAY_WORKERS, else the number of cores)")
    serve.add_argument("--rules-dir", help="a team rule pack that extends the bundled one")

    rules = sub.add_parser("rules", help="list the rules of the pack")
    rules.add_argument("--rules-dir")
    rules.add_argument("--format", choices=("text", "json"), default="text")

    check = sub.add_parser("check-rules", help="validate a rule pack and run every rule's examples")
    check.add_argument("dir", nargs="?", help="a team pack directory (default: the bundled pack)")

    audit = sub.add_parser("audit", help="audit a team's sent mail or templates: report.html and results.csv")
    audit.add_argument("sources", nargs="+", metavar="SOURCE",
                       help="an mbox, a folder of .eml files, a CRM CSV export or a JSON lines file")
    audit.add_argument("--out", required=True, metavar="DIR", help="where report.html and results.csv go")
    audit.add_argument("--columns", default="", metavar="FIELD=COLUMN,...",
                       help="CSV columns for body, subject, sender, date, replied (e.g. body=Notes,sender=Owner)")
    audit.add_argument("--team-domain", action="append", default=[], metavar="DOMAIN",
                       help="mail from this domain is the team's (repeatable); other mail is read for its "
                            "headers only, to find replies (Gmail's X-Gmail-Labels Sent is used where present)")
    audit.add_argument("--team-address", action="append", default=[], metavar="ADDRESS",
                       help="mail from this address is the team's (repeatable)")
    audit.add_argument("--workers", type=int, help="local processes (default: all cores)")
    audit.add_argument("--scheduler", metavar="tcp://HOST:8786", help="run on this Dask cluster instead")
    audit.add_argument("--grammar", metavar="URL", help="also check grammar on this LanguageTool (off by default)")
    audit.add_argument("--anonymize", action="store_true",
                       help="pseudonyms for senders (keyed by TWOWAY_AUDIT_KEY when set, so they are stable)")
    audit.add_argument("--rules-dir", help="a team rule pack that extends the bundled one")
    audit.add_argument("--no-progress", action="store_true", help="no progress bar")

    rule_docs = sub.add_parser("rule-docs", help="write one page per rule and an index (docs/rules/)")
    rule_docs.add_argument("--out", default="docs/rules", help="the directory to write (default: docs/rules)")
    rule_docs.add_argument("--rules-dir", help="a team rule pack that extends the bundled one")

    profiles = sub.add_parser("profiles", help="precision and recall of each strictness profile on the real sets")
    profiles.add_argument("--shared", default=None, help="the folder holding the labelled sets realworld/ and realworld2/ (not shipped; default: "
                               "beside a checkout)")
    profiles.add_argument("--update", action="store_true",
                          help="also re-measure each rule (lint_rules/measured.json, which quiet and thorough read)")
    evaluate = sub.add_parser(
        "evaluate", help="precision and recall on labelled sentences (JSON lines) or real emails (a directory "
                         "with emails.jsonl, units.jsonl, labels.jsonl; default $TWOWAY_REALWORLD or the public labelled set "
                         "beside a checkout, which is not shipped)")
    evaluate.add_argument("file", nargs="?", help="a JSONL file of labelled sentences, or a real-world directory")
    evaluate.add_argument("--rules-dir")
    evaluate.add_argument("--details", metavar="OUT", help="real-world mode and --by-source: write every TP, FP and FN unit here "
                               "(JSON lines; with --by-source, as the fold that held its source out scored it)")
    evaluate.add_argument("--by-source", action="store_true",
                          help="leave one source out over the two-reader labelled real-email sets: the "
                               "learned model is re-trained without each source and scored on it")
    evaluate.add_argument("--data", action="append", metavar="DIR",
                          help="--by-source: a labelled folder (emails, units, labels_a, labels_b); repeat for each")
    evaluate.add_argument("--workers", type=int, default=2, help="--by-source: processes for the folds")
    evaluate.add_argument("--nested", action="store_true",
                          help="--by-source: choose the model's veto bars again inside each fold, by leave-one-source-out "
                               "over its own training sources, instead of the bars the shipped model uses (which this "
                               "same score chose); about 15 times slower")

    train = sub.add_parser("train-model", help="developer: train the learned model from the two-reader labelled "
                                               "real email and the training sentences (needs numpy: the train extra)")
    train.add_argument("--data", action="append", metavar="DIR", help="a labelled folder; repeat for each")
    train.add_argument("--out", help="the model file to write (default: the bundled pack's)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from .pack import RulePackError

    try:
        return COMMANDS[args.command](args)
    except RulePackError as exc:
        print(f"twoway: rule pack error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `twoway lint ... | head`: the reader left; nothing to report
        sys.stderr.close()
        return EXIT_OK


class InputError(Exception):
    """An input that cannot be linted; the message says which and why."""


def read_input(name: str, max_chars: int) -> str:
    """The text of one input (a path, or - for standard input), read with a cap: at most
    max_chars characters (4 bytes each at most in UTF-8) are ever held, so /dev/zero or a
    huge file costs a bounded read. Binary data is refused the same way from both."""
    label = "standard input" if name == "-" else name
    try:
        if name == "-":
            stream = getattr(sys.stdin, "buffer", None)
            if stream is None:
                raise InputError("standard input is closed")
            data = stream.read(max_chars * 4 + 1)
        else:
            with open(name, "rb") as handle:
                data = handle.read(max_chars * 4 + 1)
    except InputError:
        raise
    except (OSError, ValueError) as exc:  # ValueError: reading a closed stream
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "cannot be read"
        raise InputError(f"cannot read {label}: {reason}") from None
    if len(data) > max_chars * 4:  # more bytes than max_chars characters can take
        raise InputError(f"{label} is longer than the limit of {max_chars} characters (TWOWAY_MAX_CHARS)")
    if b"\0" in data:
        raise InputError(f"cannot read {label}: binary data (NUL bytes), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"cannot read {label}: not UTF-8 text") from None
    if len(text) > max_chars:
        raise InputError(f"{label} is longer than the limit of {max_chars} characters (TWOWAY_MAX_CHARS)")
    return text


def _checker(rules_dir: str | None, grammar: bool = False):
    """The same checker the server uses, without a web app."""
    from .config import load_config
    from .service import Checker

    # One run for one text: all of its grammar at once, not in the server's slices.
    overrides = {"LANGUAGETOOL_MAX_CHARS": 10**9} if grammar else {"LANGUAGETOOL": "off"}
    if rules_dir:
        overrides["RULES_DIR"] = rules_dir
    return Checker(load_config(overrides))


def cmd_lint(args) -> int:
    from .api import serialize_report
    from .config import load_config

    max_chars = int(load_config()["MAX_CHARS"])
    inputs = []
    for name in args.files:
        try:
            inputs.append(("<stdin>" if name == "-" else name, read_input(name, max_chars)))
        except InputError as exc:
            print(f"twoway: {exc}", file=sys.stderr)
            return EXIT_USAGE
    if args.subject and len(inputs) > 1:
        print("twoway: --subject goes with a single input", file=sys.stderr)
        return EXIT_USAGE
    checker = _checker(args.rules_dir, args.grammar)
    try:
        results = [(name, checker.check(text, args.subject, grammar=args.grammar, mode=args.mode))
                   for name, text in inputs]
    finally:
        checker.close()
    if args.format == "sarif":
        from .sarif import sarif_log

        json.dump(sarif_log(results, checker.pack), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif args.format == "json":
        payload = [dict(serialize_report(report), file=name) for name, report in results]
        json.dump(payload[0] if len(payload) == 1 else payload, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for name, report in results:
            print_text_report(name, report)
    errors = any(f.severity == "error" for _, report in results for f in report.findings)
    return EXIT_FINDINGS if errors else EXIT_OK


def print_text_report(name: str, report) -> None:
    """file:line:col: severity category rule message "text", then a summary line."""
    sources = {"body": report.text, "subject": report.subject}
    # Line starts found once: counting newlines per finding is quadratic on a large file.
    line_starts = {field: [0] + [m.end() for m in re.finditer("\n", source)] for field, source in sources.items()}
    for f in report.findings:
        source, starts = sources[f.field], line_starts[f.field]
        line = bisect.bisect_right(starts, f.start)
        col = f.start - starts[line - 1] + 1
        where = f"{name}:subject:{col}" if f.field == "subject" else f"{name}:{line}:{col}"
        quoted = f' "{source[f.start:f.end]}"' if f.end > f.start else ""
        print(f"{where}: {f.severity} {f.category} {f.rule} {f.message}{quoted}")
    stats = report.stats
    print(f'{name}: alignment {stats["alignment_score"]}/100 ({stats["verdict"]}), '
          f'{len(report.findings)} finding(s), {stats["words"]} words, reading grade {stats["reading_grade"]}')


def cmd_serve(args) -> int:
    from .serve import serve

    if args.workers is not None and args.workers < 1:
        print("twoway: --workers must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    return serve(args.host, args.port, args.workers, {"RULES_DIR": args.rules_dir} if args.rules_dir else None)


def cmd_rules(args) -> int:
    from .config import BUNDLED_RULES_DIR
    from .packcache import shared_pack

    pack = shared_pack(BUNDLED_RULES_DIR, args.rules_dir)
    if args.format == "json":
        json.dump([r.describe() for r in pack.rules], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return EXIT_OK
    for rule in pack.rules:
        print(f"{rule.id:40} {rule.category:11} {rule.severity:10} {rule.message}")
    print(f"{len(pack.rules)} rules" + (f", {len(pack.disabled)} disabled" if pack.disabled else ""))
    return EXIT_OK


def cmd_check_rules(args) -> int:
    from .config import BUNDLED_RULES_DIR
    from .examples import check_rule_examples, coverage_problems
    from .packcache import shared_pack

    pack = shared_pack(BUNDLED_RULES_DIR, args.dir)
    own = {p.name for p in Path(args.dir).iterdir()} if args.dir else None
    checked = [r for r in pack.rules if own is None or r.source in own]
    failing = set()
    for rule in checked:
        for problem in check_rule_examples(rule):
            failing.add(rule.id)
            print(f"{rule.source}: {rule.id}: {problem}")
    # Every alternative is reached by a flag example of its rule: the others are dead or untested.
    uncovered = coverage_problems(checked)
    for file_name, rule_id, problem in uncovered:
        failing.add(rule_id)
        print(f"{file_name}: {rule_id}: {problem}")
    print(f"{len(checked) - len(failing & {r.id for r in checked})} passed, {len(failing)} failed"
          + (f"; {len(uncovered)} alternatives no flag example reaches" if uncovered else ""))
    return EXIT_FINDINGS if failing else EXIT_OK


def cmd_audit(args) -> int:
    from .audit import AuditOptions, audit
    from .audit.checking import Settings
    from .audit.sources import SourceError

    try:
        columns = dict(pair.split("=", 1) for pair in args.columns.split(",") if pair.strip())
    except ValueError:
        print("twoway: --columns takes FIELD=COLUMN pairs separated by commas", file=sys.stderr)
        return EXIT_USAGE
    unknown = set(columns) - {"body", "subject", "sender", "date", "replied"}
    if unknown:
        print(f"twoway: --columns: unknown field(s) {', '.join(sorted(unknown))} "
              "(body, subject, sender, date, replied)", file=sys.stderr)
        return EXIT_USAGE
    options = AuditOptions(columns=columns, workers=args.workers, scheduler=args.scheduler,
                           settings=Settings(rules_dir=args.rules_dir, grammar_url=args.grammar),
                           anonymize=args.anonymize, progress=False if args.no_progress else None,
                           team_domains=tuple(args.team_domain), team_addresses=tuple(args.team_address))
    try:
        result = audit(args.sources, args.out, options)
    except (SourceError, ConnectionError) as exc:
        print(f"twoway: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt as stop:  # Ctrl-C, or SIGTERM (running.Terminated)
        from .audit.running import Terminated

        report = Path(args.out) / "report.html"
        print(f"twoway: stopped; partial report in {report}" if report.exists() else "twoway: stopped",
              file=sys.stderr)
        return 143 if isinstance(stop, Terminated) else 130
    agg = result.aggregate
    print(f"{agg.read} emails read, {agg.audited} audited, {agg.duplicates} template repeats, "
          f"{agg.malformed} could not be audited"
          + (f", {result.inbound} inbound messages read for their headers only" if result.inbound else "")
          + f"; report: {result.report}; table: {result.table}"
          + (f", {result.parquet}" if result.parquet else "") + f"; outcomes: {result.outcomes}")
    return EXIT_OK


def cmd_evaluate(args) -> int:
    from .config import BUNDLED_RULES_DIR
    from .evaluate import REALWORLD_DIR, is_realworld_dir, read_jsonl

    if args.by_source:
        return _evaluate_by_source(args)
    path = args.file or str(REALWORLD_DIR)
    if is_realworld_dir(path):
        return _evaluate_realworld(path, args)
    if args.file is None:  # an installed wheel has no checkout, and so no labelled set beside it
        print(f"twoway: no real-world set at {path}; give a directory holding emails.jsonl, units.jsonl "
              "and labels.jsonl, or a JSON lines file of labelled sentences", file=sys.stderr)
        return EXIT_USAGE
    if Path(path).is_dir():
        print(f"twoway: {path} holds no emails.jsonl, units.jsonl and labels.jsonl", file=sys.stderr)
        return EXIT_USAGE
    from .engine import Linter
    from .evaluate import sentence_scores
    from .packcache import shared_pack

    try:
        records = read_jsonl(path)
    except (OSError, ValueError) as exc:
        print(f"twoway: cannot read {path}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    scores = sentence_scores(Linter(shared_pack(BUNDLED_RULES_DIR, args.rules_dir)), records)
    for category in ONE_WAY_CATEGORIES:
        s = scores[category]
        print(f"{category:11} precision {s['precision']:.3f}  recall {s['recall']:.3f}  "
              f"(tp {s['tp']}, fp {s['fp']}, fn {s['fn']})")
    print(f"hard negatives flagged: {scores['hard_negative_flag_rate']:.3f} of {scores['hard_negatives']}")
    return EXIT_OK


def _evaluate_realworld(directory: str, args) -> int:
    from .api import serialize_report
    from .evaluate import realworld_scores

    checker = _checker(args.rules_dir)
    try:
        scores = realworld_scores(lambda text: serialize_report(checker.check(text, grammar=False)), directory)
    except (OSError, ValueError, KeyError) as exc:
        print(f"twoway: cannot read {directory}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        checker.close()
    print(f"{scores['emails']} emails, {scores['one_way_emails']} with one-way units")
    for category in ONE_WAY_CATEGORIES:
        s = scores[category]
        print(f"{category:11} units precision {s['precision']:.3f}  recall {s['recall']:.3f}  "
              f"(tp {s['tp']}, fp {s['fp']}, fn {s['fn']})")
    print(f"alignment score ROC AUC {scores['auc']:.3f}")
    print(f"\n{'rule':40} {'units':>5} {'right':>5} {'precision':>9}")
    for rule_id, tally in sorted(scores["rules"].items(), key=lambda kv: (-kv[1]["units"], kv[0])):
        print(f"{rule_id:40} {tally['units']:5} {tally['right']:5} {tally['precision']:9.2f}")
    if args.details:
        Path(args.details).write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in scores["details"]),
                                      encoding="utf-8")
    return EXIT_OK


def _labelled_folders(args):
    from .evaluate import LABELLED_DIRS, has_labelled_sets

    dirs = [Path(d) for d in (args.data or LABELLED_DIRS)]
    if not has_labelled_sets(dirs):
        print("twoway: no two-reader labelled sets at " + ", ".join(map(str, dirs)) + "; give --data DIR for each "
              "folder holding emails.jsonl, units.jsonl, labels_a.jsonl and labels_b.jsonl (realworld and "
              "realworld2 of the public labelled set; TWOWAY_REALWORLD names the first)", file=sys.stderr)
        return None
    return dirs


def _training_modules():
    try:
        from . import training
        import numpy  # noqa: F401  (training only: the `train` extra)
    except ImportError:
        print("twoway: training needs numpy: pip install -e '.[train]'", file=sys.stderr)
        return None
    return training


def _evaluate_by_source(args) -> int:
    from .config import BUNDLED_RULES_DIR
    from .evaluate import by_source, format_by_source, load_labelled
    from .packcache import shared_pack
    from .rules.classifier import ClassifierRule

    dirs = _labelled_folders(args)
    if dirs is None:
        return EXIT_USAGE
    pack = shared_pack(BUNDLED_RULES_DIR, args.rules_dir)
    emails = load_labelled(dirs)
    if any(isinstance(r, ClassifierRule) and r.linear is not None for r in pack.rules):
        training = _training_modules()
        if training is None:
            return EXIT_USAGE
        recipes = training.read_recipes(Path(BUNDLED_RULES_DIR) / "training")
        config = training.TrainingConfig(inner_veto=args.nested)
        results = training.by_source_refitted(pack, emails, recipes, config, args.workers)
        how = "learned model re-trained without each source" + (
            "; its veto bars chosen inside each fold's own training sources" if args.nested else "")
    else:  # nothing in the pack learns from these sets: every source is scored by the pack as it is
        from .engine import Linter
        linter = Linter(pack)
        results = by_source(emails, lambda source: linter)
        how = "nothing in the pack is fitted to these sets"
    print(f"leave-one-source-out over {len(results)} sources ({how}); units where both readers agree")
    print(format_by_source(results))
    if args.details:  # each source's units as its own held-out fold scored them
        Path(args.details).write_text("".join(json.dumps(row, ensure_ascii=False) + "\n"
                                              for r in results.values() for row in r["details"]), encoding="utf-8")
    return EXIT_OK


def cmd_train_model(args) -> int:
    from .config import BUNDLED_RULES_DIR
    from .evaluate import load_labelled

    dirs = _labelled_folders(args)
    training = _training_modules() if dirs is not None else None
    if training is None:
        return EXIT_USAGE
    out = Path(args.out or Path(BUNDLED_RULES_DIR) / training.MODEL_FILE)
    model = training.train(training.hand_pack(BUNDLED_RULES_DIR), load_labelled(dirs),
                           training.read_recipes(Path(BUNDLED_RULES_DIR) / "training"), training.TrainingConfig())
    out.write_text(model.to_json(), encoding="utf-8")
    thresholds = ", ".join(f"{c} {m.threshold:.3f}" for c, m in model.categories.items())
    print(f"wrote {out} ({out.stat().st_size // 1024} KiB; thresholds {thresholds})")
    return EXIT_OK


def cmd_rule_docs(args) -> int:
    from .api import serialize_report
    from .evaluate import REALWORLD_DIR, is_realworld_dir, realworld_scores
    from .ruledocs import write_rule_docs

    checker = _checker(args.rules_dir)
    try:
        tallies = None
        if is_realworld_dir(REALWORLD_DIR):  # measured precision per rule, when the dev set is here
            tallies = realworld_scores(lambda text: serialize_report(checker.check(text, grammar=False)),
                                       REALWORLD_DIR)["rules"]
        written = write_rule_docs(checker.pack, args.out, tallies)
    finally:
        checker.close()
    print(f"wrote {len(written)} pages to {args.out}" + ("" if tallies is not None else " (no dev set: unmeasured)"))
    return EXIT_OK


def cmd_profiles(args) -> int:
    from .config import BUNDLED_RULES_DIR
    from .evaluate import REALWORLD_DIR
    from .profile_scores import REAL_SETS, measure, table
    from .profiles import MEASURED_FILE

    shared = Path(args.shared) if args.shared else REALWORLD_DIR.parent
    missing = [name for name in REAL_SETS if not (shared / name / "labels_b.jsonl").is_file()]
    if missing:
        print(f"twoway: no real set {', '.join(missing)} with two readers under {shared}; give --shared DIR",
              file=sys.stderr)
        return EXIT_USAGE
    checker = _checker(None)
    try:
        result = measure(checker, shared)
        if args.update:
            # The per-rule figures are the balanced profile's, which does not read this file.
            path = Path(BUNDLED_RULES_DIR) / MEASURED_FILE
            data = {"about": "Each rule's precision on the public labelled sets of real email (realworld and "
                             "realworld2, not shipped; units where both readers agree), measured by `twoway profiles --update`; read by the "
                             "quiet and thorough profiles and the team dashboard.",
                    "sets": result["sets"],
                    "rules": {k: result["rules"][k] for k in sorted(result["rules"])}}
            path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
            print(f"wrote {path}")
            checker.measured = data["rules"]
            result = measure(checker, shared)
    finally:
        checker.close()
    sets = ", ".join(f"{name} ({n} emails)" for name, n in result["sets"].items())
    print(f"Units where both readers agree, of {sets}:\n")
    print(table(result))
    return EXIT_OK


COMMANDS = {"profiles": cmd_profiles, "lint": cmd_lint, "serve": cmd_serve, "rules": cmd_rules, "check-rules": cmd_check_rules,
            "evaluate": cmd_evaluate, "audit": cmd_audit, "rule-docs": cmd_rule_docs,
            "train-model": cmd_train_model}

if __name__ == "__main__":
    sys.exit(main())

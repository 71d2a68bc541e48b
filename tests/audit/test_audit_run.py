"""`twoway audit` end to end: the report, the table, duplicates, malformed mail, anonymity,
interruption, every source format in one run."""
from __future__ import annotations

import re
import signal
from html.parser import HTMLParser

import pytest

from twoway.audit import AuditOptions, audit, sample
from twoway.audit.aggregation import Aggregate

from .conftest import assert_partial_report, audit_cli, interrupt_audit, read_rows, records


class _Resources(HTMLParser):
    """Every script src, link href and other fetched resource of a page."""

    def __init__(self):
        super().__init__()
        self.fetched: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.scripts += tag == "script"
        for name in ("src", "href") if tag in ("script", "link", "img", "iframe", "source") else ():
            if attrs.get(name):
                self.fetched.append(attrs[name])


def test_report_is_one_self_contained_file(local_run):
    page = (local_run / "report.html").read_text(encoding="utf-8")
    parser = _Resources()
    parser.feed(page)
    assert parser.scripts >= 2 and parser.fetched == []
    assert not re.search(r"""<(?:script|link)[^>]+(?:src|href)\s*=\s*["']?(?:https?:)?//""", page, re.IGNORECASE)
    assert page.count("Plotly.newPlot") >= 4  # distribution, senders, rules, trend, templates
    assert len(re.findall(r"<script[^>]*>\s*/\*\*\s*\n?\s*\* plotly\.js", page)) <= 1  # the library inlined once


def test_report_quotes_flagged_sentences_never_a_body(local_run, team_mbox):
    page = (local_run / "report.html").read_text(encoding="utf-8")
    _, recs = team_mbox
    for rec in recs:
        paragraphs = [p for p in rec["body"].split("\n\n") if len(p) > 80]
        for paragraph in paragraphs:
            assert paragraph not in page
    assert "“This discount expires on [name]" not in page  # weekdays stay: they make the example
    assert "This discount expires on" in page  # a flagged sentence is quoted, masked
    for prospect in (*sample.PROSPECTS, *sample.COMPANIES):  # prospects and companies masked
        assert not re.search(rf"\b{re.escape(prospect)}\b", page), prospect


def test_table_has_every_message_and_counts_template_repeats_once_per_sender(local_run, team_mbox):
    rows = read_rows(local_run)
    _, recs = team_mbox
    assert len(rows) == len(recs) + 1  # and the malformed one
    good = [r for r in rows if not r["error"]]
    repeats = [r for r in good if r["duplicate"] == "yes"]
    assert repeats, "the generated team sends templates"
    firsts = {(r["sender"], r["template"]) for r in good if r["duplicate"] == "no"}
    assert len(firsts) == len(good) - len(repeats)  # each sender's template counted once
    assert {(r["sender"], r["template"]) for r in repeats} <= firsts
    assert all(0 <= int(r["alignment_score"]) <= 100 for r in good)


def test_malformed_message_is_counted_and_named(local_run):
    rows = read_rows(local_run)
    broken = [r for r in rows if r["error"]]
    assert [(r["ref"], r["error"]) for r in broken] == [("message 4", "no email headers")]
    page = (local_run / "report.html").read_text(encoding="utf-8")
    assert "could not be audited (1)" in page and "message 4" in page and "no email headers" in page


def test_parquet_holds_the_same_rows(local_run):
    pq = pytest.importorskip("pyarrow.parquet")
    table = pq.read_table(local_run / "results.parquet")
    rows = read_rows(local_run)
    assert table.num_rows == len(rows)
    assert table.column("alignment_score").to_pylist() == [int(r["alignment_score"]) if r["alignment_score"]
                                                            else None for r in rows]


def test_templates_and_senders_are_ranked_in_the_report(local_run):
    page = (local_run / "report.html").read_text(encoding="utf-8")
    assert "<h2>Templates</h2>" in page and "T1" in page
    table = page.split("<h2>Senders</h2>", 1)[1].split("</table>", 1)[0]
    means = [int(m) for m in re.findall(r"</td><td>\d+</td><td>(\d+)</td>", table)]
    assert means and means == sorted(means)  # lowest score first


def test_anonymize_leaves_no_real_name_in_report_or_table(tmp_path, team_mbox, monkeypatch):
    monkeypatch.setenv("TWOWAY_AUDIT_KEY", "test-key")
    out = tmp_path / "anon"
    assert audit_cli(team_mbox[0], "--out", out, "--workers", "1", "--anonymize") == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    table = (out / "results.csv").read_text(encoding="utf-8")
    for name, address, _ in sample.REPS:
        for secret in (name, *name.split(), address, address.split("@")[0]):
            # as words: the inlined plotly.js has "setBearing" and the like
            assert not re.search(rf"\b{re.escape(secret)}\b", page), secret
            assert not re.search(rf"\b{re.escape(secret)}\b", table), secret
    assert len(set(re.findall(r"Rep [0-9A-F]{6}", page))) == len({r["sender"] for r in team_mbox[1]})


def test_ctrl_c_writes_a_partial_report(tmp_path, team_mbox, monkeypatch):
    added = Aggregate.add

    def add_then_interrupt(self, row):
        if self.read == 25:
            raise KeyboardInterrupt  # as Ctrl-C lands in the driver while results stream in
        return added(self, row)

    monkeypatch.setattr(Aggregate, "add", add_then_interrupt)
    out = tmp_path / "partial"
    assert audit_cli(team_mbox[0], "--out", out, "--workers", "1") == 130
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "PARTIAL REPORT" in page and "<title>Two-Way team audit (partial)</title>" in page
    assert "first 25 emails read" in page
    assert len(read_rows(out)) == 25


def test_every_format_in_one_run(tmp_path):
    recs = records(12, seed=3)
    box = sample.write_mbox(tmp_path / "takeout.mbox", recs[:3])
    folder = sample.write_eml_folder(tmp_path / "outlook", recs[3:6])
    crm = sample.write_crm_csv(tmp_path / "crm.csv", recs[6:9], columns=("Notes", "Subject", "Owner", "Date"))
    lines = sample.write_jsonl(tmp_path / "export.jsonl", recs[9:])
    out = tmp_path / "out"
    assert audit_cli(box, folder, crm, lines, "--out", out, "--workers", "1", "--columns", "body=Notes") == 0
    rows = read_rows(out)
    by_source = {}
    for row in rows:
        by_source.setdefault(row["source"], []).append(row)
    assert {k: len(v) for k, v in by_source.items()} == {str(box): 3, str(folder): 3, str(crm): 3, str(lines): 3}
    assert not any(r["error"] for r in rows)
    assert {r["sender"] for r in by_source[str(crm)]} == {rec["sender_name"].lower() for rec in recs[6:9]}
    assert {r["ref"] for r in by_source[str(folder)]} == {"00000.eml", "00001.eml", "00002.eml"}


def test_usage_errors_say_what_is_wrong(tmp_path, capsys):
    assert audit_cli(tmp_path / "nope.mbox", "--out", tmp_path / "o") == 2
    assert "cannot read" in capsys.readouterr().err
    box = sample.write_mbox(tmp_path / "a.mbox", records(1))
    assert audit_cli(box, "--out", tmp_path / "o", "--columns", "bodytext") == 2
    assert "FIELD=COLUMN" in capsys.readouterr().err
    assert audit_cli(box, "--out", tmp_path / "o", "--columns", "message=Notes") == 2
    assert "unknown field" in capsys.readouterr().err


def test_a_real_sigint_stops_the_cli_with_a_partial_report(tmp_path):
    status, err, out = interrupt_audit(tmp_path, signal.SIGINT)  # as Ctrl-C does
    assert status == 130, err
    assert_partial_report(out, err)


def test_progress_bar_shows_rate_and_time_left(tmp_path, capsys):
    box = sample.write_mbox(tmp_path / "small.mbox", records(12, seed=4))
    audit([str(box)], tmp_path / "out", AuditOptions(workers=1, progress=True))
    err = capsys.readouterr().err
    assert re.search(r"12/12 \[\d\d:\d\d<\d\d:\d\d, +[\d.]+email/s\]", err), err[-300:]


def test_ctrl_c_between_counting_and_writing_a_row_leaves_report_and_table_agreeing(tmp_path, monkeypatch):
    """The signal lands right after a row is counted and before it is written (as it did once in
    CI): the run still stops between rows, so the partial report's count is the table's."""
    import os

    box = sample.write_mbox(tmp_path / "box.mbox", records(300, seed=5))
    counted = {"n": 0}
    original_add = Aggregate.add

    def add_then_ctrl_c(self, row):
        result = original_add(self, row)
        counted["n"] += 1
        if counted["n"] == 50:
            os.kill(os.getpid(), signal.SIGINT)  # as Ctrl-C does, at the worst moment
        return result

    monkeypatch.setattr(Aggregate, "add", add_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        audit([str(box)], tmp_path / "out", AuditOptions(workers=1, progress=False))
    rows = read_rows(tmp_path / "out")
    assert len(rows) == 50
    assert "first 50 emails read" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")

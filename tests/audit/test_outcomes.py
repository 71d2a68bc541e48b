"""Reply evidence end to end: `twoway audit` on a mailbox of sent mail and what came back gives
each email's outcome, outcomes.csv with intervals, and the report section; a planted effect is
found, no effect is not claimed, and no inbound text reaches the report or the tables."""
from __future__ import annotations

import csv
import json
import re

import pytest

from twoway.audit import sample
from twoway.audit.outcomes import OutcomeData, analyse, replied_from_column
from twoway.audit.sample_threads import INBOUND_MARK, TEAM_DOMAIN
from twoway.audit.threads import NO, UNKNOWN, YES

from .conftest import audit_cli, read_outcomes, read_rows, records, write_reply_mbox


def _float(value: str) -> float:
    return float(value)


def test_the_answered_emails_are_exactly_the_ones_that_drew_a_reply(reply_run, reply_mbox):
    _, recs = reply_mbox
    rows = read_rows(reply_run)
    team = [r for r in recs if r["kind"] == "team"]
    assert len(rows) == len(team)  # inbound mail is not audited as the team's
    assert {r["sender"].split("@")[1] for r in rows} == {TEAM_DOMAIN}
    answered = {r["answers"] for r in recs if r["kind"] == "reply"}
    # Auto-replies, bounces and unrelated mail reusing the subjects name the team's emails or
    # share their subjects too: none of them makes an email answered.
    assert any(r["kind"] in ("auto", "bounce") for r in recs) and any(r["kind"] == "unrelated" for r in recs)
    assert {r["message_id"] for r in rows if r["replied"] == "yes"} == answered
    assert {r["replied"] for r in rows} == {"yes", "no"}
    hours = [float(r["reply_hours"]) for r in rows if r["replied"] == "yes"]
    assert len(hours) == len(answered) and all(h > 0 for h in hours)
    assert all(r["reply_hours"] == "" for r in rows if r["replied"] == "no")
    assert {r["stage"] for r in rows} == {"first-touch", "follow-up"}


def test_a_planted_effect_is_found_with_an_interval_below_zero(reply_run):
    groups = read_outcomes(reply_run)
    pressure = groups["category:pressure"]
    assert int(pressure["emails"]) >= 100
    assert -0.35 < _float(pressure["difference"]) < -0.12  # planted: 6% against 30%
    assert _float(pressure["ci_low"]) < _float(pressure["difference"]) < _float(pressure["ci_high"]) < 0
    assert _float(pressure["adjusted_ci_high"]) < 0 and pressure["note"] == "fewer replies"
    everyone = groups["all"]
    assert int(everyone["emails"]) == len(read_rows(reply_run))
    assert int(everyone["replied"]) == sum(r["replied"] == "yes" for r in read_rows(reply_run))
    assert everyone["difference"] == "" and everyone["baseline_rate"] == ""


def test_no_effect_gives_an_interval_that_holds_zero(tmp_path):
    box, _ = write_reply_mbox(tmp_path / "no-effect.mbox", 900, seed=22, effect=False)
    assert audit_cli(box, "--out", tmp_path / "out", "--workers", "2") == 0
    pressure = read_outcomes(tmp_path / "out")["category:pressure"]
    assert int(pressure["emails"]) >= 100
    assert _float(pressure["ci_low"]) < 0 < _float(pressure["ci_high"])
    assert _float(pressure["adjusted_ci_low"]) < 0 < _float(pressure["adjusted_ci_high"])
    assert pressure["note"] == "no clear difference"


def test_outcomes_csv_has_every_kind_of_group(reply_run):
    groups = read_outcomes(reply_run)
    assert list(groups)[0] == "all"
    kinds = {name.split(":")[0] for name in groups}
    assert kinds == {"all", "verdict", "category", "rule", "stage"}
    assert {"stage:first-touch", "stage:follow-up", "verdict:one-way"} <= set(groups)
    first, follow = groups["stage:first-touch"], groups["stage:follow-up"]
    assert int(first["emails"]) + int(follow["emails"]) == int(groups["all"]["emails"])
    assert first["baseline_emails"] == follow["emails"]
    small = [g for g in groups.values() if g["group"] != "all" and (int(g["emails"]) < 30)]
    assert small and all(g["note"] == "too few emails to tell" for g in small)


def test_no_inbound_text_reaches_the_report_or_the_tables(reply_run, reply_mbox):
    _, recs = reply_mbox
    outputs = {name: (reply_run / name).read_text(encoding="utf-8")
               for name in ("report.html", "results.csv", "outcomes.csv")}
    inbound = [r for r in recs if r["kind"] != "team"]
    for name, text in outputs.items():
        assert INBOUND_MARK not in text, name
        for phrase in ("Automatic reply", "Abwesenheitsnotiz", "Undelivered Mail", "Mail Delivery Subsystem",
                       "limited access to email", "pricing sheet", "client.example"):
            assert phrase not in text, (name, phrase)
        for rec in inbound[:50]:
            assert rec["msg_id"] not in text, name


def test_the_report_section_reads_honestly(reply_run):
    page = (reply_run / "report.html").read_text(encoding="utf-8")
    section = page.split("<h2>Do one-way emails get fewer replies?</h2>", 1)[1]
    assert "not an experiment" in section and "break-up" in section
    assert "too few emails to tell" in section
    assert re.search(r"Pressure \(fake urgency.*?answered less often", section, re.S)
    assert "held fixed" in section and "inbound messages were read for their headers only" in section
    assert section.count("Plotly.newPlot") == 3  # the forest plot, score bands, time to reply
    assert "never by subject" in section


def test_crm_csv_replied_column_as_dates_or_yes_no(tmp_path):
    recs = records(8, seed=31)
    path = tmp_path / "sequencer.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["Email Body", "Subject", "Activity Owner", "Activity Date", "Replied At"])
        for i, r in enumerate(recs[:4]):
            out.writerow([r["body"], r["subject"], r["sender_name"], "2026-03-02 09:00",
                          "2026-03-02 15:30" if i % 2 == 0 else ""])
    other = tmp_path / "crm.csv"
    with other.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["Notes", "Owner", "Outcome"])
        for r, outcome in zip(recs[4:8], ["Yes", "no", "TRUE", "maybe"]):
            out.writerow([r["body"], r["sender_name"], outcome])
    lines = tmp_path / "export.jsonl"
    lines.write_text("".join(json.dumps({"body": r["body"], "sender": r["sender"], "replied": flag}) + "\n"
                             for r, flag in zip(recs[:2], [True, False])), encoding="utf-8")
    plain = sample.write_crm_csv(tmp_path / "plain.csv", recs[:2])  # no replied column: it cannot say
    assert audit_cli(path, lines, plain, "--out", tmp_path / "a", "--workers", "1") == 0
    by_source = {}
    for row in read_rows(tmp_path / "a"):
        by_source.setdefault(row["source"], {})[row["ref"]] = (row["replied"], row["reply_hours"])
    assert by_source[str(path)] == {"row 2": ("yes", "6.5"), "row 3": ("no", ""), "row 4": ("yes", "6.5"),
                                    "row 5": ("no", "")}
    assert by_source[str(lines)] == {"line 1": ("yes", ""), "line 2": ("no", "")}
    assert by_source[str(plain)] == {"row 2": ("unknown", ""), "row 3": ("unknown", "")}
    assert audit_cli(other, "--out", tmp_path / "b", "--workers", "1", "--columns", "body=Notes,replied=Outcome") == 0
    assert {r["ref"]: r["replied"] for r in read_rows(tmp_path / "b")} == \
        {"row 2": "yes", "row 3": "no", "row 4": "yes", "row 5": "unknown"}


def test_without_outcomes_the_section_says_what_to_give():
    from twoway.audit.reply_report import reply_section
    from twoway.audit.threads import ThreadCounts

    html = reply_section(analyse(OutcomeData()), ThreadCounts(), lambda fig: "")
    assert "cannot say which emails were answered" in html and "--team-domain" in html


@pytest.mark.parametrize("value, expected", [("yes", YES), ("No", NO), ("", NO), (None, NO), (1, YES), (0, NO),
                                             (True, YES), ("2026-03-02T10:00:00Z", YES), ("n/a?", UNKNOWN)])
def test_replied_column_values(value, expected):
    assert replied_from_column(value)[0] == expected


def test_team_domain_without_labels_gives_the_same_outcomes(tmp_path):
    box, recs = write_reply_mbox(tmp_path / "outlook.mbox", 120, seed=23, effect=True, labels=False)
    assert audit_cli(box, "--out", tmp_path / "none", "--workers", "1") == 0
    rows = read_rows(tmp_path / "none")
    assert len(rows) == len(recs) and {r["replied"] for r in rows} == {"unknown"}  # nothing says who the team is
    assert audit_cli(box, "--out", tmp_path / "out", "--workers", "1", "--team-domain", TEAM_DOMAIN) == 0
    rows = read_rows(tmp_path / "out")
    assert len(rows) == sum(r["kind"] == "team" for r in recs)
    assert {r["message_id"] for r in rows if r["replied"] == "yes"} == \
        {r["answers"] for r in recs if r["kind"] == "reply"}


def test_unknown_outcomes_are_left_out_of_the_analysis():
    data = OutcomeData()
    base = {"words": 80, "alignment_score": 60, "verdict": "mixed", "sender": "a", "rules": [], "rule_info": {}}
    data.add(dict(base, replied_code=UNKNOWN))
    data.add(dict(base, replied_code=YES, reply_hours=3.0))
    data.add(dict(base, error="no text part"))
    analysis = analyse(data)
    assert (analysis.group("all").emails, analysis.group("all").replied, analysis.unknown) == (1, 1, 1)

"""Mailboxes for the audit tests, generated from Two-Way's own sentences (audit/sample.py)."""
from __future__ import annotations

import csv
import subprocess
import sys
import time
from pathlib import Path

import pytest

from owned import kill_group, start
from twoway.audit import sample, sample_threads
from twoway.cli import main

# The only one-way sentence of this email sits in the quoted reply: the audit must not count it.
QUOTED_ONLY = (
    "Hi Jordan,\n\nThanks for the candid feedback on the pilot. What would a good first month look like "
    "for your side?\n\nBest,\nBea\n\nOn Tue, 3 Mar 2026 at 10:02, Jordan <jordan@client.example> wrote:\n"
    "> We only have two onboarding slots left this month.\n> Honestly, it's a no-brainer at this price.\n"
)
MALFORMED = b"this line is not a header and there is no blank line before the body\n"


def records(count: int = 60, seed: int = 11) -> list[dict]:
    return list(sample.generate(count, seed=seed))


def write_team_mbox(path: Path, count: int = 60, seed: int = 11) -> tuple[Path, list[dict]]:
    """A generated team mailbox with one malformed message after the third."""
    recs = records(count, seed)
    sample.write_mbox(path, recs)
    data = path.read_bytes().split(b"\nFrom ")
    data.insert(3, b"MAILER-DAEMON Thu Jan  1 00:00:00 2026\n" + MALFORMED)
    path.write_bytes(b"\nFrom ".join(data))
    return path, recs


def audit_cli(*args: str) -> int:
    return main(["audit", "--no-progress", *map(str, args)])


def read_rows(out: Path) -> list[dict]:
    with (out / "results.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def interrupt_audit(tmp_path: Path, sig: int) -> tuple[int, str, Path]:
    """`twoway audit` of 5,000 emails in its own process, sent `sig` once its table has rows:
    (exit status, stderr, output folder). The process and any worker of it are stopped whatever
    happens."""
    box = sample.write_mbox(tmp_path / "big.mbox", sample.generate(5000, seed=9))
    out = tmp_path / "out"
    proc = start([sys.executable, "-m", "twoway.cli", "audit", str(box), "--out", str(out),
                  "--workers", "1", "--no-progress"], stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 180
        table = out / "results.csv"
        while not (table.exists() and table.stat().st_size > 4096) and proc.poll() is None \
                and time.monotonic() < deadline:
            time.sleep(0.1)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=180)
    finally:
        if proc.poll() is None:
            proc.kill()
        kill_group(proc.pid)
    return proc.returncode, err, out


def assert_partial_report(out: Path, err: str) -> None:
    """An interrupted run said so, without a traceback, and its report counts the rows written."""
    assert "partial report" in err and "Traceback" not in err
    rows = read_rows(out)
    assert 0 < len(rows) < 5000
    assert f"first {len(rows)} emails read" in (out / "report.html").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def team_mbox(tmp_path_factory) -> tuple[Path, list[dict]]:
    return write_team_mbox(tmp_path_factory.mktemp("mail") / "team.mbox")


@pytest.fixture(scope="session")
def local_run(team_mbox, tmp_path_factory) -> Path:
    """One local audit of the team mailbox on two processes, shared by the report tests."""
    out = tmp_path_factory.mktemp("local-out")
    assert audit_cli(team_mbox[0], "--out", out, "--workers", "2") == 0
    return out


def write_reply_mbox(path: Path, count: int, seed: int, effect: bool, labels: bool = True) -> tuple[Path, list[dict]]:
    """A generated mailbox with the replies it drew: with an effect, emails holding pressure are
    answered 6% of the time and the others 30%; without one, all 20%."""
    rates = dict(pressure_reply=0.06, base_reply=0.30) if effect else dict(pressure_reply=0.20, base_reply=0.20)
    recs = list(sample_threads.generate(count, seed=seed, labels=labels, **rates))
    return sample.write_mbox(path, recs), recs


@pytest.fixture(scope="session")
def reply_mbox(tmp_path_factory) -> tuple[Path, list[dict]]:
    return write_reply_mbox(tmp_path_factory.mktemp("replies") / "all-mail.mbox", 900, seed=21, effect=True)


@pytest.fixture(scope="session")
def reply_run(reply_mbox, tmp_path_factory) -> Path:
    """One local audit of the mailbox with a planted effect, shared by the outcome tests."""
    out = tmp_path_factory.mktemp("replies-out")
    assert audit_cli(reply_mbox[0], "--out", out, "--workers", "2") == 0
    return out


def read_outcomes(out: Path) -> dict[str, dict]:
    with (out / "outcomes.csv").open(newline="", encoding="utf-8") as fh:
        return {row["group"]: row for row in csv.DictReader(fh)}

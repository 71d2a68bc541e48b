"""CLI input that is not a draft (issue 10, item 8): closed stdin, binary data, /dev/zero and
oversized files get one clear line and exit 2, never a traceback; a large report stays linear."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from twoway.cli import print_text_report

TWOWAY = str(Path(sys.executable).parent / "twoway")


def run(args, stdin=None, shell_stdin_closed=False, env=None, timeout=120):
    full_env = {**os.environ, "TWOWAY_LANGUAGETOOL": "off", **(env or {})}
    if shell_stdin_closed:
        return subprocess.run(["sh", "-c", f'"{TWOWAY}" lint <&-'], capture_output=True, env=full_env, timeout=timeout)
    return subprocess.run([TWOWAY, "lint", *args], input=stdin, capture_output=True, env=full_env, timeout=timeout)


def assert_clear_refusal(result, *words):
    err = result.stderr.decode()
    assert result.returncode == 2, (result.returncode, err)
    assert "Traceback" not in err and err.startswith("twoway: ") and err.count("\n") == 1, err
    for word in words:
        assert word in err, err


def test_closed_stdin_is_a_clear_error():
    assert_clear_refusal(run([], shell_stdin_closed=True), "standard input", "closed")


@pytest.mark.parametrize("data", [b"\x00\x01\x02binary\x00", b"\x89PNG\r\n\x1a\n\xff\xfe\xfd", bytes(range(256))])
def test_binary_on_stdin_is_refused_like_a_binary_file(tmp_path, data):
    assert_clear_refusal(run(["-"], stdin=data), "standard input")
    path = tmp_path / "blob.bin"
    path.write_bytes(data)
    assert_clear_refusal(run([str(path)]), str(path))


def test_dev_zero_is_refused_with_a_bounded_read():
    # Without a cap this reads forever (3.8 GB before it was stopped): the timeout is the hang guard.
    assert_clear_refusal(run(["/dev/zero"], timeout=60), "/dev/zero")
    with open("/dev/zero", "rb") as zero:
        result = subprocess.run([TWOWAY, "lint", "-"], stdin=zero, capture_output=True, timeout=60,
                                env={**os.environ, "TWOWAY_LANGUAGETOOL": "off"})
    assert_clear_refusal(result, "standard input")


def test_oversized_file_is_refused_with_the_limit_named(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("Thanks for the call. " * 200)
    assert_clear_refusal(run([str(path)], env={"TWOWAY_MAX_CHARS": "1000"}), "1000 characters", "TWOWAY_MAX_CHARS")
    ok = run([str(path)], env={"TWOWAY_MAX_CHARS": "5000"})
    assert ok.returncode in (0, 1) and "alignment" in ok.stdout.decode()


def _report_seconds(lines: int) -> float:
    from twoway.findings import Finding
    from twoway.service import Report

    text = "Sign by Friday.\n" * lines
    findings = [Finding(rule="pressure.fake-deadline", category="pressure", severity="warning", message="m", why="w",
                        start=i * 16, end=i * 16 + 14) for i in range(lines)]
    stats = {"alignment_score": 0, "verdict": "one-way", "words": 3 * lines, "reading_grade": 1.0}
    report = Report(text=text, subject="", findings=findings, stats=stats, grammar="off", email=None)
    with open(os.devnull, "w") as sink:
        stdout, sys.stdout = sys.stdout, sink
        try:
            t0 = time.perf_counter()
            print_text_report("big.txt", report)
            return time.perf_counter() - t0
        finally:
            sys.stdout = stdout


def test_text_report_grows_linearly_with_the_file():
    _report_seconds(20_000)  # warm-up (below ~40,000 lines, caches make small sizes look cheaper)
    small, large = min(_report_seconds(40_000) for _ in range(3)), min(_report_seconds(160_000) for _ in range(2))
    assert large / small < 10, (small, large)  # 4x the input: linear is ~4x, the old quadratic report 16x

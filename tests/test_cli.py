"""The `twoway` CLI: text and JSON output, exit codes, rule listing and checking."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from owned import kill_group, start

from twoway.cli import main

ONE_WAY = "Hi Sam,\n\nJust checking in. My VP wants this closed, so sign by Friday.\n"
CLEAN = "Hi Sam,\n\nHow is the rollout going on your side?\n"


@pytest.fixture()
def draft(tmp_path):
    path = tmp_path / "draft.txt"
    path.write_text(ONE_WAY)
    return path


def test_lint_prints_file_line_col_and_summary(draft, capsys):
    assert main(["lint", str(draft)]) == 1  # an error-severity finding (quota talk)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{draft}:3:1: warning self_focus self_focus.filler-follow-up A filler follow-up that serves the seller. \"Just checking in\""
    assert out[1].startswith(f"{draft}:3:19: error self_focus self_focus.quota-talk ")
    assert out[-1].startswith(f"{draft}: alignment ") and "(one-way)" in out[-1]


def test_lint_clean_text_exits_0(tmp_path, capsys):
    path = tmp_path / "ok.txt"
    path.write_text(CLEAN)
    assert main(["lint", str(path)]) == 0
    assert "alignment" in capsys.readouterr().out


def test_lint_json_is_the_api_answer(draft, capsys, client):
    assert main(["lint", "--format", "json", str(draft)]) == 1
    cli = json.loads(capsys.readouterr().out)
    api = client.post("/api/v1/lint", json={"text": ONE_WAY, "grammar": False}).get_json()
    assert cli["issues"] == api["issues"] and cli["stats"] == api["stats"]


@pytest.mark.slow
def test_lint_several_files_and_stdin(draft, tmp_path, monkeypatch, capsys):
    other = tmp_path / "b.txt"
    other.write_text(CLEAN)
    assert main(["lint", "--format", "json", str(draft), str(other)]) == 1
    assert [r["file"] for r in json.loads(capsys.readouterr().out)] == [str(draft), str(other)]
    result = subprocess.run([sys.executable, "-m", "twoway.cli", "lint", "-"], input=ONE_WAY, text=True,
                            capture_output=True)
    assert result.returncode == 1 and "<stdin>:3:1:" in result.stdout


def test_usage_errors_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["lint", "--format", "xml"])
    assert exit_info.value.code == 2
    assert main(["lint", str(tmp_path / "missing.txt")]) == 2
    assert "cannot read" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2


def test_rules_lists_the_pack(capsys):
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert "pressure.fake-deadline" in out and "self_focus.quota-talk" in out and out.strip().endswith("rules")


def test_check_rules_passes_bundled_and_fails_a_broken_team_pack(tmp_path, capsys):
    assert main(["check-rules"]) == 0
    assert " 0 failed" in capsys.readouterr().out
    (tmp_path / "team.yaml").write_text(
        "rules:\n  - id: team.asap\n    type: phrases\n    category: pressure\n    severity: warning\n"
        "    message: m\n    why: w\n    advice: a\n    phrases: [asap]\n"
        "    examples:\n      flag: ['Reply [[asap]].']\n      pass: ['Reply asap.']\n")
    assert main(["check-rules", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "team.yaml: team.asap: pass example 'Reply asap.'" in out and "0 passed, 1 failed" in out
    (tmp_path / "team.yaml").write_text("rules:\n  - id: team.x\n    type: nope\n")
    assert main(["check-rules", str(tmp_path)]) == 2
    assert "team.yaml: rule 'team.x': field 'type'" in capsys.readouterr().err


@pytest.mark.serving
def test_serve_answers_over_real_http(tmp_path):
    import os
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, TWOWAY_LANGUAGETOOL="off")
    server = start([sys.executable, "-m", "twoway.cli", "serve", "--port", str(port)], env=env,
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.time() + 30
        while True:
            try:
                health = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2))
                break
            except OSError:
                assert time.time() < deadline and server.poll() is None, "server did not start"
                time.sleep(0.2)
        assert health["status"] == "ok" and health["grammar"] == "off"
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/lint", method="POST",
                                         data=json.dumps({"text": ONE_WAY}).encode(),
                                         headers={"Content-Type": "application/json"})
        answer = json.load(urllib.request.urlopen(request, timeout=5))
        assert "pressure.fake-deadline" in [i["rule"] for i in answer["issues"]]
    finally:
        server.terminate()
        try:
            output = server.communicate(timeout=20)[0]
        finally:
            kill_group(server.pid)  # the workers too, whatever the master did
    assert "sign by Friday" not in output and "checking in" not in output  # no email text in the log

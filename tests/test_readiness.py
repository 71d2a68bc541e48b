"""Readiness (docs/readiness.md): unfilled placeholders, fake replies and bulk signals, the lint
modes (send, template) through the API, the CLI and SARIF, the scan rule type's validation, and
the rules' figures on the real sets (skipped without ../shared)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from twoway.cli import main
from twoway.evaluate import REALWORLD_DIR
from twoway.pack import load_file
from twoway.rules import RulePackError

ROOT = Path(__file__).resolve().parents[1]
# The public sets of real email the figures in docs/readiness.md come from (not shipped).
REALWORLD2_DIR = Path(os.environ.get("TWOWAY_REALWORLD2") or REALWORLD_DIR.parent / "realworld2")
TEMPLATE = "Hi {{first_name}},\n\nHow is {COMPANY} planning the rollout? Here is [link].\n\nBest,\n[Your Name]"


def lint(client, **payload):
    payload.setdefault("grammar", False)
    return client.post("/api/v1/lint", json=payload)


def readiness(body):
    return [(i["rule"], i["severity"], i["text"], i["field"]) for i in body["issues"] if i["category"] == "readiness"]


def test_send_mode_flags_each_placeholder_by_name_and_span(client):
    body = lint(client, text=TEMPLATE, subject="Notes for {{company}}").get_json()
    assert body["mode"] == "send"
    assert readiness(body) == [
        ("readiness.merge-field", "error", "{{company}}", "subject"),
        ("readiness.merge-field", "error", "{{first_name}}", "body"),
        ("readiness.merge-field", "error", "{COMPANY}", "body"),
        ("readiness.bracket-placeholder", "error", "[link]", "body"),
        ("readiness.bracket-placeholder", "error", "[Your Name]", "body"),
    ]
    issues = [i for i in body["issues"] if i["category"] == "readiness"]
    for issue in issues:
        assert issue["text"] in issue["message"]   # the message names it
        assert issue["replacements"] == []          # no replacement is invented
    assert body["stats"]["readiness_issues"] == 5 and body["stats"]["categories"]["readiness"] == 5
    assert body["stats"]["targets"]["readiness_issues"] == {"max": 0}


def test_template_mode_leaves_merge_fields_and_flags_malformed_ones(client):
    body = lint(client, text=TEMPLATE, mode="template").get_json()
    assert body["mode"] == "template" and readiness(body) == []
    broken = "Hi {{first_name},\n\nHow is {{ }} planning it? Thanks {{sender || \"me\"}}"
    assert [r[:3] for r in readiness(lint(client, text=broken, mode="template").get_json())] == [
        ("readiness.malformed-merge-field", "error", "{{first_name}"),
        ("readiness.malformed-merge-field", "error", "{{ }}"),
        ("readiness.malformed-merge-field", "error", '{{sender || "me"}}'),
    ]


@pytest.mark.parametrize("mode", ["draft", "", "SEND", None, 1, ["send"]])
def test_an_unknown_mode_is_a_400_that_says_what_is_allowed(client, mode):
    r = lint(client, text="Hi Sam", mode=mode)
    assert r.status_code == 400
    message = r.get_json()["error"]["message"]
    assert "'mode'" in message and '"send"' in message and '"template"' in message


def test_thread_must_be_a_boolean(client):
    assert lint(client, text="Hi", thread="yes").status_code == 400


@pytest.mark.parametrize("greeting, named", [("Hi None,", "None"), ("Dear undefined,", "undefined"),
                                              ("Hello null!", "null"), ("Hi ,", "Hi ,")])
def test_a_failed_merge_greeting_is_an_error_in_both_modes(client, greeting, named):
    for mode in ("send", "template"):
        found = readiness(lint(client, text=f"{greeting}\n\nHow is the rollout going?", mode=mode).get_json())
        assert [(rule.split(".")[1], text) for rule, _, text, _ in found] in (
            [("failed-merge-greeting", named)], [("empty-greeting-name", named)])


def test_fake_reply_only_without_a_thread(client):
    first = "Hi Sam,\n\nI saw your post on churn. Would the notes help?"
    assert readiness(lint(client, text=first, subject="Re: churn").get_json()) == [
        ("readiness.fake-reply", "warning", "Re:", "subject")]
    quoted = first + "\n\nOn Tue, 4 May 2026 at 10:02, Priya <p@example.com> wrote:\n> Any notes?"
    assert readiness(lint(client, text=quoted, subject="Re: churn").get_json()) == []
    # A webmail reply whose quoted thread the client did not send: it says so.
    assert readiness(lint(client, text=first, subject="Re: churn", thread=True).get_json()) == []
    # A follow-up in the rep's own thread.
    bump = "Hi Sam,\n\nFollowing up on my last note: would the notes help?"
    assert readiness(lint(client, text=bump, subject="RE: churn").get_json()) == []


def test_merge_fields_stay_words_for_the_one_way_rules(client):
    """No underline of pressure or self_focus starts or ends inside a merge field."""
    text = "Hi {{first_name}},\n\nSign by {{DECISION_DATE}} or the {{discount_name}} price expires."
    body = lint(client, text=text, mode="template").get_json()
    fields = [(text.index(f), text.index(f) + len(f)) for f in ("{{first_name}}", "{{DECISION_DATE}}", "{{discount_name}}")]
    one_way = [i for i in body["issues"] if i["category"] in ("pressure", "self_focus")]
    assert one_way, "the deadline reads through the date field"
    for issue in one_way:
        for a, b in fields:
            assert not (a < issue["start"] < b) and not (a < issue["end"] < b)


def test_readiness_does_not_move_the_alignment_score(client):
    clean = "Hi Sam,\n\nHow is the rollout going on your side?"
    with_field = "Hi {{first_name}},\n\nHow is the rollout going on your side?"
    a, b = (lint(client, text=t).get_json()["stats"] for t in (clean, with_field))
    assert a["alignment_score"] == b["alignment_score"] and b["readiness_issues"] == 1


def test_cli_mode_template_and_sarif(tmp_path, capsys):
    path = tmp_path / "step1.txt"
    path.write_text(TEMPLATE, encoding="utf-8")
    assert main(["lint", str(path)]) == 1  # send mode: unfilled fields are errors
    out = capsys.readouterr().out
    assert "error readiness readiness.merge-field Unfilled merge field “{{first_name}}”." in out
    assert main(["lint", "--mode", "template", str(path)]) == 0
    assert "readiness" not in capsys.readouterr().out
    path.write_text("Hi {{first_name},\n\nHow is the rollout going?", encoding="utf-8")
    assert main(["lint", "--mode", "template", "--format", "sarif", str(path)]) == 1
    log = json.loads(capsys.readouterr().out)
    run = log["runs"][0]
    assert run["properties"] == {"mode": "template"}
    [result] = [r for r in run["results"] if r["ruleId"].startswith("readiness.")]
    assert result["ruleId"] == "readiness.malformed-merge-field" and result["level"] == "error"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (1, 4)


def test_cli_refuses_an_unknown_mode(tmp_path, capsys):
    path = tmp_path / "a.txt"
    path.write_text("Hi", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["lint", "--mode", "draft", str(path)])
    assert exc.value.code == 2 and "--mode" in capsys.readouterr().err


def _write(tmp_path, rule: str) -> Path:
    path = tmp_path / "team.yaml"
    path.write_text("rules:\n" + rule, encoding="utf-8")
    return path


BASE = """  - id: team.blank
    type: scan
    category: readiness
    severity: error
    message: Blank.
    why: Blank.
    advice: Fill it.
    examples: {flag: ["[[TODO]]"], pass: ["done"]}
"""


@pytest.mark.parametrize("extra, field, problem", [
    ("    patterns: ['(\\\\w+\\\\s?)+']\n", "patterns", "repeats a repetition"),
    ("    patterns: ['TODO']\n    in: [body, footer]\n", "in", "must be a list of: body, subject"),
    ("    patterns: ['TODO']\n    modes: [draft]\n", "modes", "must be a list of: send, template"),
    ("    patterns: ['TODO']\n    min_count: 0\n", "min_count", "at least 1"),
    ("    patterns: ['(?P<a>x)']\n    differ: [a, b]\n", "differ", "named groups"),
    ("    patterns: ['TODO']\n    except: ['(']\n", "except", "bad regular expression"),
    ("    patterns: ['TODO']\n    guards: [negation]\n", "guards", "not a field of a 'scan' rule"),
])
def test_scan_rule_errors_name_file_rule_and_field(tmp_path, extra, field, problem):
    with pytest.raises(RulePackError) as exc:
        load_file(_write(tmp_path, BASE + extra))
    assert exc.value.file == "team.yaml" and exc.value.rule == "team.blank" and exc.value.field == field
    assert problem in exc.value.problem


def test_a_team_scan_rule_runs_with_the_pack(tmp_path, capsys):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "team.yaml").write_text("rules:\n" + BASE + "    case: sensitive\n    patterns: ['\\bTODO\\b']\n",
                                    encoding="utf-8")
    draft = tmp_path / "d.txt"
    draft.write_text("Hi Sam,\n\nThe numbers: TODO.", encoding="utf-8")
    assert main(["lint", "--rules-dir", str(pack), str(draft)]) == 1
    assert "error readiness team.blank Blank. \"TODO\"" in capsys.readouterr().out
    assert main(["check-rules", str(pack)]) == 1  # a single example each: check-rules says so
    assert "needs at least 3 'flag' examples" in capsys.readouterr().out


# ---- the figures on real email (docs/readiness.md) ------------------------------------------


def _measure(*args) -> str:
    return subprocess.run([sys.executable, str(ROOT / "bench" / "readiness_measure.py"), *args],
                          capture_output=True, text=True, check=True, cwd=ROOT).stdout


def _counts(out: str) -> dict[str, dict[str, tuple[int, int]]]:
    tables, current = {}, None
    for line in out.splitlines():
        if line and not line.startswith(" "):
            current = tables.setdefault(line.split(":")[0], {})
        parts = line.split()
        if len(parts) == 3 and parts[0].startswith("readiness."):
            current[parts[0]] = (int(parts[1]), int(parts[2]))
    return tables


@pytest.mark.realdata
@pytest.mark.skipif(not ((REALWORLD_DIR / "emails.jsonl").is_file() and (REALWORLD2_DIR / "emails.jsonl").is_file()),
                    reason=f"the public sets of real email are not here: put them in {REALWORLD_DIR} and "
                           f"{REALWORLD2_DIR} (or name them with TWOWAY_REALWORLD and TWOWAY_REALWORLD2)")
def test_figures_on_the_real_sets_are_the_documented_ones():
    """Each email linted in the mode its kind implies (templates in template mode): the findings
    outside placeholders are the ones read and judged in docs/readiness.md, no more."""
    tables = _counts(_measure(str(REALWORLD_DIR), str(REALWORLD2_DIR)))
    rw, rw2 = tables[str(REALWORLD_DIR)], tables[str(REALWORLD2_DIR)]
    fired = lambda t: {rule: n for rule, (n, _) in t.items() if n}
    assert fired(rw) == {"readiness.malformed-merge-field": 1, "readiness.shouting": 2}
    assert fired(rw2) == {"readiness.bracket-placeholder": 1, "readiness.punctuation-run": 1,
                          "readiness.long-subject": 5}
    # The table in docs/readiness.md says the same, rule by rule.
    docs = (ROOT / "docs" / "readiness.md").read_text(encoding="utf-8")
    for rule, (n, emails) in rw.items():
        n2, emails2 = rw2[rule]
        row = f"| `{rule}` | {_cell(n, emails)} |"
        assert any(line.startswith(row) and f"| {_cell(n2, emails2)} |" in line for line in docs.splitlines()), rule


def _cell(n: int, emails: int) -> str:
    return f"{n} ({emails} emails)" if n else "0"


def test_the_page_switch_lints_in_the_chosen_mode(client):
    headers = {"Sec-Fetch-Site": "same-origin"}
    send = client.post("/", data={"text": TEMPLATE, "subject": ""}, headers=headers).get_data(as_text=True)
    template = client.post("/", data={"text": TEMPLATE, "subject": "", "mode": "template"},
                           headers=headers).get_data(as_text=True)
    assert 'data-rule="readiness.merge-field"' in send and 'data-rule="readiness.merge-field"' not in template
    assert 'id="mode-template" name="mode" type="radio" value="template" checked' in template
    assert 'id="mode-send" name="mode" type="radio" value="send" checked' in send
    # The scripted page's own endpoint takes the same field.
    body = client.post("/api/v1/page/lint", json={"text": TEMPLATE, "mode": "template", "grammar": False}).get_json()
    assert body["mode"] == "template" and readiness(body) == []


def test_the_quiet_profile_keeps_unfilled_placeholders(client):
    """Quiet shows only what is surely right: an unfilled merge field is (and the send guard needs it)."""
    body = lint(client, text=TEMPLATE, profile="quiet").get_json()
    assert [r for r, sev, _, _ in readiness(body)] == ["readiness.merge-field", "readiness.merge-field",
                                                       "readiness.bracket-placeholder", "readiness.bracket-placeholder"]
    shouting = lint(client, text="Hi Sam,\n\nThis is a LIMITED TIME OFFER for you.", profile="quiet").get_json()
    assert readiness(shouting) == []   # a warning: quiet leaves it out

"""Broken and hostile team packs (issue 22, items 1 and 3): every way a pack can be wrong is a
RulePackError naming the file (and the rule) before anything changes, never another exception;
`twoway check-rules` answers it in one line, no traceback; team patterns run on RE2 (linear
time), and a team pattern RE2 cannot compile is refused naming the rule and the construct."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from team_packs import team_rule_yaml
from twoway.config import BUNDLED_RULES_DIR
from twoway.pack import RulePackError, load_pack

TWOWAY = str(Path(sys.executable).parent / "twoway")


def pattern_rule(pattern: str, flag: str = "Please [[sign now]].", extra: str = "") -> str:
    return "rules:\n" + team_rule_yaml(pattern, flag, "team.push", extra)


BROKEN_PACKS = {
    "YAML nested 3,000 deep": ("rules: " + "[" * 3000 + "]" * 3000 + "\n", None),
    "YAML syntax": ("rules:\n  - id: [unclosed\n", None),
    "not UTF-8": (None, None),
    "a lookbehind (RE2 has none)": (pattern_rule(r"(?<!not )sign now"), "team.push"),
    "a back-reference": (pattern_rule(r"(sign) now \1"), "team.push"),
}


def write_pack(folder: Path, text: str | None) -> Path:
    folder.mkdir(exist_ok=True)
    if text is None:
        (folder / "team.yaml").write_bytes(b"rules: []\n# caf\xe9 \xff\n")
    else:
        (folder / "team.yaml").write_text(text)
    return folder


@pytest.mark.parametrize("name", BROKEN_PACKS)
def test_a_broken_team_pack_is_one_rule_pack_error_naming_file_and_rule(tmp_path, name):
    text, rule = BROKEN_PACKS[name]
    with pytest.raises(RulePackError) as err:
        load_pack(BUNDLED_RULES_DIR, write_pack(tmp_path / "team", text))
    assert err.value.file.endswith("team.yaml"), str(err.value)
    assert err.value.rule == rule, str(err.value)


@pytest.mark.parametrize("name", ["YAML nested 3,000 deep", "not UTF-8", "a lookbehind (RE2 has none)"])
def test_check_rules_answers_a_broken_pack_in_one_line_without_traceback(tmp_path, name):
    text, _ = BROKEN_PACKS[name]
    done = subprocess.run([TWOWAY, "check-rules", str(write_pack(tmp_path / "team", text))],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    assert done.stderr.startswith("twoway: rule pack error: ") and "team.yaml" in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


@pytest.mark.parametrize("pattern", ["(?s)sign now", "sign (?s)now"])
def test_global_flags_are_refused_on_re_and_scoped_on_re2(tmp_path, pattern):
    """Python's re accepts "(?s)sign now" alone but not inside the pack's alternation: that
    raised re.error out of a reload (issue 22, item 1). A pack on re (as the bundled one is
    loaded) refuses it by name; a team pack runs it on RE2, where flags may stand anywhere."""
    folder = write_pack(tmp_path / "pack", pattern_rule(pattern))
    with pytest.raises(RulePackError) as err:
        load_pack(folder)  # loaded as a bundled pack: Python's re
    assert err.value.rule == "team.push" and err.value.field == "patterns"
    assert "global flags" in str(err.value)
    team = load_pack(None, folder)
    assert [r.id for r in team.rules] == ["team.push"]


def test_the_construct_re2_refuses_is_named(tmp_path):
    with pytest.raises(RulePackError) as err:
        load_pack(None, write_pack(tmp_path / "team", pattern_rule(r"(?<!not )sign now")))
    message = str(err.value)
    assert "team.push" in message and "patterns" in message
    assert "look-behind" in message and "(?<!not )sign now" in message


def test_a_backtracking_team_pattern_runs_in_linear_time(tmp_path):
    """`(?:\\w|\\w\\w)+deltazebra now\\b` passed the nested-repeat check and held a worker for
    30 s on a 75-byte text under Python's re; on RE2 it answers at once and still flags."""
    from twoway.engine import Linter

    pattern = r"(?:\w|\w\w)+deltazebra now\b"
    pack = load_pack(None, write_pack(tmp_path / "team", pattern_rule(pattern, flag="Please [[xdeltazebra now]].")))
    linter = Linter(pack)
    hostile = "a" * 60 + "deltazebra no"  # 73 characters: exponential for a backtracking engine
    started = time.process_time()
    for _ in range(20):
        linter.lint(hostile + f" {_}.")
    # A backtracking engine needs minutes for one of these; 20 linear scans, a few ms each.
    assert time.process_time() - started < 10
    assert [f.rule for f in linter.lint("Please xdeltazebra now.").findings] == ["team.push"]


def test_team_pattern_features_still_work_on_re2(tmp_path):
    """Case-blind by default, (?-i:...) for case, unless, and code-point spans past non-ASCII."""
    from twoway.engine import Linter

    rule = pattern_rule(r"sign\s+(?-i:NOW)", flag="Zoë, [[sign NOW]].", extra='    unless: ["\\\\bdraft\\\\b"]\n')
    pack = load_pack(None, write_pack(tmp_path / "team", rule))
    linter = Linter(pack)
    found = linter.lint("Zoë, SIGN   NOW please.").findings
    assert [(f.rule, f.start, f.end) for f in found] == [("team.push", 5, 15)]
    assert linter.lint("Zoë, sign now please.").findings == []
    assert linter.lint("Zoë, sign NOW the draft.").findings == []


def test_the_bundled_pack_runs_on_re2_where_re2_can_and_the_rest_is_checked_for_runaway_patterns():
    """Every bundled pattern RE2 can run is on RE2; what stays on Python's re is only what RE2
    refuses (look-arounds), and each of those passes the nested-repetition
    check at load and is covered by the per-rule budget (docs/rules.md)."""
    from twoway.rules.matching import CaseBlindRegex, pattern_problem, re2_problem

    pack = load_pack(BUNDLED_RULES_DIR)
    regexes = [rule.regex for rule in pack.rules if isinstance(getattr(rule, "regex", None), CaseBlindRegex)]
    on_re2 = [p for r in regexes for part in (r.linear, r.cased_linear) if part for p in part.patterns]
    on_re = [p for r in regexes for p in r.on_re]
    assert len(on_re2) > 250 and len(on_re2) > 5 * len(on_re)
    assert all(re2_problem(p) is not None for p in on_re)
    patterns = [p for rule in pack.rules for p in getattr(rule, "alternatives", [])]
    assert [p for p in patterns if pattern_problem(p)] == []

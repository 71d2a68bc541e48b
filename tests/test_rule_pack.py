"""Rule packs are validated at load; errors name the file, the rule and the field."""
from __future__ import annotations

import pytest

from twoway import create_app
from twoway.config import BUNDLED_RULES_DIR
from twoway.pack import RulePackError, load_pack
from twoway.packcache import shared_pack

GOOD_RULE = """
  - id: team.asap
    type: phrases
    category: pressure
    severity: warning
    message: ASAP pushes the reader.
    why: It sets your pace, not theirs.
    replacements: [when it suits you]
    phrases: [asap]
    examples:
      flag: ["Reply [[ASAP]].", "Need it [[asap]].", "[[ASAP]], please."]
      pass: ["No need to answer asap.", "Whenever suits you.", "Take your time."]
"""


def write(tmp_path, text, name="team.yaml"):
    (tmp_path / name).write_text(text)
    return tmp_path


@pytest.mark.parametrize("broken, field", [
    (GOOD_RULE.replace("severity: warning", "severity: loud"), "severity"),
    (GOOD_RULE.replace("category: pressure", "category: rudeness"), "category"),
    (GOOD_RULE.replace("type: phrases", "type: magic"), "type"),
    (GOOD_RULE.replace("    why: It sets your pace, not theirs.\n", ""), "why"),
    (GOOD_RULE.replace("phrases: [asap]", "phrases: []"), "phrases"),
    (GOOD_RULE.replace("type: phrases", "type: pattern").replace("phrases: [asap]", "patterns: ['(unclosed']"), "patterns"),
    (GOOD_RULE.replace("message: ASAP pushes the reader.", "message: ok\n    colour: red"), "colour"),
    (GOOD_RULE.replace('"Reply [[ASAP]]."', '"Reply ASAP."'), "examples.flag[0]"),
    (GOOD_RULE.replace("    replacements: [when it suits you]\n", ""), "replacements"),
])
def test_broken_rule_names_file_rule_and_field(tmp_path, broken, field):
    write(tmp_path, "rules:" + broken)
    with pytest.raises(RulePackError) as err:
        load_pack(None, tmp_path)
    assert err.value.file.endswith("team.yaml")
    assert err.value.rule == "team.asap"
    assert err.value.field == field
    assert "team.yaml" in str(err.value) and "team.asap" in str(err.value) and field in str(err.value)


def test_invalid_yaml_names_the_file_and_line(tmp_path):
    write(tmp_path, "rules:\n  - id: [unclosed\n")
    with pytest.raises(RulePackError, match=r"team\.yaml: not valid YAML \(line \d+\)"):
        load_pack(None, tmp_path)


def test_team_pack_extends_overrides_and_disables(tmp_path):
    write(tmp_path, "disable: [pressure.hype]\nrules:" + GOOD_RULE
          + GOOD_RULE.replace("team.asap", "pressure.scarcity").replace("[asap]", "[few left]")
          .replace("ASAP", "few left").replace("asap", "few left"))
    bundled = shared_pack(BUNDLED_RULES_DIR)
    pack = load_pack(BUNDLED_RULES_DIR, tmp_path)
    ids = [r.id for r in pack.rules]
    assert "team.asap" in ids and "pressure.hype" not in ids
    assert len(ids) == len(bundled.rules)  # one added, one disabled, one replaced
    assert pack.by_id("pressure.scarcity").source == "team.yaml"


def test_disabling_an_unknown_rule_is_an_error(tmp_path):
    write(tmp_path, "disable: [pressure.nope]\n")
    with pytest.raises(RulePackError, match="pressure.nope"):
        load_pack(BUNDLED_RULES_DIR, tmp_path)


def test_broken_pack_stops_app_start_up(tmp_path):
    write(tmp_path, "rules:" + GOOD_RULE.replace("severity: warning", "severity: loud"))
    with pytest.raises(RulePackError, match="severity"):
        create_app({"LANGUAGETOOL": "off", "RULES_DIR": str(tmp_path)})


def test_rules_dir_from_environment(tmp_path, monkeypatch):
    write(tmp_path, "rules:" + GOOD_RULE)
    monkeypatch.setenv("TWOWAY_RULES_DIR", str(tmp_path))
    app = create_app({"LANGUAGETOOL": "off"})
    answer = app.test_client().post("/api/v1/lint", json={"text": "Need it ASAP.", "grammar": False}).get_json()
    assert [i["rule"] for i in answer["issues"]] == ["team.asap"]
    assert create_app({"LANGUAGETOOL": "off", "RULES_DIR": None}).extensions["twoway"].linter.pack.by_id("team.asap") is None


CLASSIFIER_RULE = """
  - id: team.learned
    type: classifier
    category: pressure
    severity: warning
    message: Reads as pressure.
    why: It pushes.
    advice: Ease off.
    training: [{training}]
    threshold: 1
"""


def test_classifier_training_file_problems_name_the_field(tmp_path):
    write(tmp_path, "rules:" + CLASSIFIER_RULE.format(training="missing.jsonl"))
    with pytest.raises(RulePackError) as err:
        load_pack(None, tmp_path)
    assert (err.value.rule, err.value.field) == ("team.learned", "training") and "missing.jsonl" in str(err.value)
    (tmp_path / "bad.jsonl").write_text('{"text": "ok", "labels": []}\nnot json\n')
    write(tmp_path, "rules:" + CLASSIFIER_RULE.format(training="bad.jsonl"))
    with pytest.raises(RulePackError, match=r"bad\.jsonl line 2"):
        load_pack(None, tmp_path)


def test_classifier_learns_from_a_teams_sentences(tmp_path):
    lines = ['{"text": "Sign the renewal before the board meets or lose the rate.", "labels": ["pressure"]}',
             '{"text": "Lose the rate unless the renewal is signed.", "labels": ["pressure"]}',
             '{"text": "How did the board meeting go?", "labels": []}',
             '{"text": "Here are the notes from the meeting.", "labels": []}']
    (tmp_path / "team.jsonl").write_text("\n".join(lines))
    write(tmp_path, "rules:" + CLASSIFIER_RULE.format(training="team.jsonl"))
    rule = load_pack(None, tmp_path).rules[0]
    assert rule.trained_on == 4
    assert rule.score("You will lose the rate.") > 1 > rule.score("How are the notes?")


def test_cooccurrence_needs_two_concepts(tmp_path):
    write(tmp_path, "rules:" + GOOD_RULE.replace("type: phrases", "type: cooccurrence").replace("phrases: [asap]", "all: [asap]"))
    with pytest.raises(RulePackError) as err:
        load_pack(None, tmp_path)
    assert err.value.field == "all"


def test_the_team_pack_in_docs_rules_md_works(tmp_path):
    from pathlib import Path

    from twoway.examples import check_rule_examples

    doc = (Path(__file__).parents[1] / "docs" / "rules.md").read_text()
    write(tmp_path, doc.split("```yaml\n")[1].split("```")[0], name="acme.yaml")
    pack = load_pack(BUNDLED_RULES_DIR, tmp_path)
    assert "style.too-short" in pack.disabled
    assert check_rule_examples(pack.by_id("acme.discount-talk")) == []


def test_the_learned_model_never_withdraws_a_team_rules_flag(tmp_path):
    """The model withdraws bundled flags it judges unsure (it learned what they are worth on real
    mail); a team's own rule is the team's call. Seen: the second of two team-flagged sentences
    lost its flag to the model, so a reloaded team rule looked absent."""
    from twoway.engine import Linter

    rule = GOOD_RULE.replace("team.asap", "team.deltazebra").replace("[asap]", "[act deltazebra now]") \
        .replace('["Reply [[ASAP]].", "Need it [[asap]].", "[[ASAP]], please."]', '["Please [[act deltazebra now]]."]') \
        .replace('["No need to answer asap.", "Whenever suits you.", "Take your time."]', '["Whenever suits you."]')
    linter = Linter(load_pack(BUNDLED_RULES_DIR, write(tmp_path, "rules:" + rule)))
    found = linter.lint("Please sign the form. Act deltazebra now.").findings
    assert "team.deltazebra" in [f.rule for f in found]
    # The same words as a bundled rule's flag would be the model's to judge: the team flag is exempt by origin.
    assert all(r.team for r in load_pack(None, tmp_path).rules)
    assert not any(r.team for r in load_pack(BUNDLED_RULES_DIR).rules)

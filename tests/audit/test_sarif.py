"""`twoway lint --format sarif`: SARIF 2.1.0 that code scanning shows on the template's lines."""
from __future__ import annotations

import json

import jsonschema

from twoway.cli import main

# The parts of SARIF 2.1.0 Two-Way emits, as the official schema defines them (required fields,
# enums and minimums), so a shape error fails here before a code-scanning upload does.
SARIF_SUBSET = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "$schema": {"type": "string"},
        "version": {"const": "2.1.0"},
        "runs": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["tool"],
            "properties": {
                "columnKind": {"enum": ["utf16CodeUnits", "unicodeCodePoints"]},
                "tool": {"type": "object", "required": ["driver"], "properties": {"driver": {
                    "type": "object", "required": ["name"],
                    "properties": {
                        "name": {"type": "string"}, "version": {"type": "string"},
                        "rules": {"type": "array", "items": {
                            "type": "object", "required": ["id"],
                            "properties": {
                                "id": {"type": "string"},
                                "shortDescription": {"$ref": "#/$defs/message"},
                                "fullDescription": {"$ref": "#/$defs/message"},
                                "help": {"$ref": "#/$defs/message"},
                                "defaultConfiguration": {"type": "object", "properties": {
                                    "level": {"$ref": "#/$defs/level"}}},
                            }}},
                    }}}},
                "results": {"type": "array", "items": {
                    "type": "object", "required": ["message"],
                    "properties": {
                        "ruleId": {"type": "string"},
                        "ruleIndex": {"type": "integer", "minimum": -1},
                        "level": {"$ref": "#/$defs/level"},
                        "message": {"$ref": "#/$defs/message"},
                        "locations": {"type": "array", "items": {"type": "object", "properties": {
                            "physicalLocation": {
                                "type": "object", "required": ["artifactLocation"],
                                "properties": {
                                    "artifactLocation": {"type": "object", "required": ["uri"],
                                                         "properties": {"uri": {"type": "string", "format": "uri-reference"}}},
                                    "region": {"type": "object", "required": ["startLine"], "properties": {
                                        "startLine": {"type": "integer", "minimum": 1},
                                        "startColumn": {"type": "integer", "minimum": 1},
                                        "endLine": {"type": "integer", "minimum": 1},
                                        "endColumn": {"type": "integer", "minimum": 1}}},
                                }}}}},
                    }}},
            }}},
    },
    "$defs": {
        "message": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}},
        "level": {"enum": ["none", "note", "warning", "error"]},
    },
}

TEMPLATE = ("Hi {{first_name}},\n\n"
            "Thanks for the candid feedback on the pilot 🙂 and for the notes your team shared with us.\n"
            "Honestly, it's a no-brainer at this price.\n"
            "I need to hit my quota by the end of the month.\n")


def run_sarif(tmp_path, capsys, text=TEMPLATE):
    template = tmp_path / "templates" / "follow-up.txt"
    template.parent.mkdir()
    template.write_text(text, encoding="utf-8")
    code = main(["lint", "--format", "sarif", str(template.relative_to(tmp_path))])
    return code, json.loads(capsys.readouterr().out)


def test_sarif_has_the_shape_code_scanning_reads(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _, log = run_sarif(tmp_path, capsys)
    jsonschema.validate(log, SARIF_SUBSET)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["tool"]["driver"]["name"] == "Two-Way" and len(rules) > 10
    for result in run["results"]:
        if "ruleIndex" in result:
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_findings_sit_on_the_template_lines_and_columns(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, log = run_sarif(tmp_path, capsys)
    results = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    hype = results["pressure.hype"]
    location = hype["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "templates/follow-up.txt"
    line = TEMPLATE.splitlines()[3]
    assert location["region"] == {"startLine": 4, "startColumn": line.index("no-brainer") + 1,
                                  "endLine": 4, "endColumn": line.index("no-brainer") + len("no-brainer") + 1}
    assert hype["level"] == "warning" and "no-brainer" in hype["message"]["text"]
    quota = results["self_focus.quota-talk"]["locations"][0]["physicalLocation"]["region"]
    assert quota["startLine"] == 5
    assert code == 1  # an error-severity finding fails the CI step, as with the text format


def test_levels_follow_severity(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _, log = run_sarif(tmp_path, capsys)
    levels = {r["ruleId"]: r["level"] for r in log["runs"][0]["results"]}
    # quota-talk is an error, hype a warning, and at 30-odd words the email is short: a suggestion
    assert levels["self_focus.quota-talk"] == "error" and levels["pressure.hype"] == "warning"
    assert levels["style.too-short"] == "note"
    driver_levels = {r["id"]: r["defaultConfiguration"]["level"] for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert set(driver_levels.values()) <= {"error", "warning", "note"} and "note" in driver_levels.values()

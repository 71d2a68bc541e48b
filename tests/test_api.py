"""The HTTP API through app.test_client(): answers, statuses and configuration."""
from __future__ import annotations

import json
import logging

import pytest

from twoway import create_app

ONE_WAY = "Hi Sam,\n\nJust checking in. My VP wants this closed, so sign by Friday.\n\nBest,\nAlex"


def lint(client, **payload):
    payload.setdefault("grammar", False)
    return client.post("/api/v1/lint", json=payload)


def test_lint_answers_issues_stats_and_grammar_state(client):
    r = lint(client, text=ONE_WAY)
    assert r.status_code == 200
    body = r.get_json()
    rules = [i["rule"] for i in body["issues"]]
    assert rules == ["self_focus.filler-follow-up", "self_focus.quota-talk", "pressure.fake-deadline"]
    # the deadline rule underlines its whole sentence (its replacement is a whole sentence)
    assert [i["text"] for i in body["issues"]] == ["Just checking in", "My VP wants", "My VP wants this closed, so sign by Friday."]
    for issue in body["issues"]:
        assert set(issue) >= {"rule", "category", "severity", "message", "why", "replacements", "start", "end",
                              "text", "field"}
        assert ONE_WAY[issue["start"]:issue["end"]] == issue["text"] and issue["field"] == "body"
        assert issue["why"] and (issue["replacements"] or issue["advice"])
    stats = body["stats"]
    assert stats["verdict"] == "one-way" and 0 <= stats["alignment_score"] < 45
    assert stats["questions"] == 0 and stats["words"] == 12  # greeting and sign-off are not counted
    assert body["grammar"] == "off"


def test_two_way_email_scores_high_and_is_clean(client):
    text = ("Hi Priya,\n\nYou mentioned the audit is on the 12th. The SOC 2 report is attached. "
            "Would a short call with our security lead help before then, or is email easier for your team?\n\nBest,\nJo")
    body = lint(client, text=text).get_json()
    assert [i for i in body["issues"] if i["category"] in ("pressure", "self_focus")] == []
    assert body["stats"]["verdict"] == "two-way" and body["stats"]["alignment_score"] >= 75


def test_offsets_are_utf16_code_units(client):
    text = "😀👍🏽 Zoë here. Just checking in."
    issue = lint(client, text=text).get_json()["issues"][0]
    assert issue["text"] == "Just checking in"
    utf16 = text.encode("utf-16-le")
    assert utf16[issue["start"] * 2:issue["end"] * 2].decode("utf-16-le") == "Just checking in"
    assert issue["start"] == text.index("Just") + 3  # three astral characters, one extra unit each


def test_subject_is_linted_with_its_own_offsets(client):
    body = lint(client, text="Thanks for the call.", subject="Last chance: price expires Friday").get_json()
    subject_issues = [i for i in body["issues"] if i["field"] == "subject"]
    assert subject_issues and all(
        "Last chance: price expires Friday"[i["start"]:i["end"]] == i["text"] for i in subject_issues)


def test_issues_sorted_by_start(client):
    body = lint(client, text="Sign by Friday. Just checking in. I need to hit my quota.").get_json()
    starts = [i["start"] for i in body["issues"] if i["field"] == "body"]
    assert starts == sorted(starts) and len(starts) == 3


@pytest.mark.parametrize("data, content_type, status, code", [
    ("{not json", "application/json", 400, "invalid_json"),
    (b"\xff\xfe{}", "application/json", 400, "invalid_json"),
    ("[1, 2]", "application/json", 400, "invalid_request"),
    ("{}", "application/json", 400, "invalid_request"),
    ('{"text": 5}', "application/json", 400, "invalid_request"),
    ('{"text": null}', "application/json", 400, "invalid_request"),
    ('{"text": "hi", "subject": 3}', "application/json", 400, "invalid_request"),
    ('{"text": "hi", "grammar": "yes"}', "application/json", 400, "invalid_request"),
    ("[" * 100000 + "]" * 100000, "application/json", 400, "invalid_json"),
    ("text=hello", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ("hello", "text/plain", 415, "unsupported_media_type"),
])
def test_bad_requests_get_json_errors(client, data, content_type, status, code):
    r = client.post("/api/v1/lint", data=data, content_type=content_type)
    assert r.status_code == status
    assert r.get_json()["error"]["code"] == code and r.get_json()["error"]["message"]


def test_too_long_text_is_413(app_for):
    client = app_for(MAX_CHARS=100).test_client()
    r = lint(client, text="x" * 101)
    assert r.status_code == 413 and r.get_json()["error"]["code"] == "text_too_long"
    assert lint(client, text="x" * 100).status_code == 200


def test_huge_body_is_413_before_parsing(app_for):
    client = app_for(MAX_CHARS=100).test_client()
    r = client.post("/api/v1/lint", data='{"text": "' + "x" * 10_000 + '"}', content_type="application/json")
    assert r.status_code == 413 and r.get_json()["error"]["code"]


def test_404_and_405_are_json(client):
    r = client.get("/api/v1/nothing")
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"
    r = client.get("/api/v1/lint")
    assert r.status_code == 405 and r.get_json()["error"]["code"] == "method_not_allowed"
    assert "POST" in r.headers["Allow"]


@pytest.mark.parametrize("text", [
    "\ud800 lone surrogate, sign by Friday", "NUL \x00 byte. Just checking in.", "\x01\x02\x1b[31m control",
    "\u202eRTL override\u202c and \u200f marks", "\n" * 1_000_000, "", "   ", "?" * 5000, "🏽" * 3000,
])
def test_strange_text_never_500(app_for, text):
    client = app_for(MAX_CHARS=2_000_000).test_client()
    r = client.post("/api/v1/lint", data=json.dumps({"text": text, "grammar": False}), content_type="application/json")
    assert r.status_code == 200
    for issue in r.get_json()["issues"]:
        units = text.encode("utf-16-le", "surrogatepass")
        assert units[issue["start"] * 2:issue["end"] * 2].decode("utf-16-le", "surrogatepass") == issue["text"]


def test_token_protects_the_api_but_not_health(app_for):
    client = app_for(API_TOKEN="s3cret").test_client()
    r = lint(client, text="hi")
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "unauthorized"
    assert client.post("/api/v1/lint", json={"text": "hi"}, headers={"Authorization": "Bearer nope"}).status_code == 401
    ok = client.post("/api/v1/lint", json={"text": "hi", "grammar": False}, headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200
    assert client.get("/api/v1/rules").status_code == 401
    assert client.get("/healthz").status_code == 200


def test_token_from_environment(monkeypatch):
    monkeypatch.setenv("TWOWAY_API_TOKEN", "envtoken")
    monkeypatch.setenv("TWOWAY_MAX_CHARS", "50")
    app = create_app({"LANGUAGETOOL": "off"})
    assert app.config["API_TOKEN"] == "envtoken" and app.config["MAX_CHARS"] == 50
    assert lint(app.test_client(), text="hi").status_code == 401


def test_mapping_overrides_environment(monkeypatch):
    monkeypatch.setenv("TWOWAY_MAX_CHARS", "50")
    assert create_app({"LANGUAGETOOL": "off", "MAX_CHARS": 70}).config["MAX_CHARS"] == 70


def test_cors_allows_configured_origins_only(monkeypatch):
    monkeypatch.setenv("TWOWAY_CORS_ORIGINS", "https://intranet.example")
    client = create_app({"LANGUAGETOOL": "off"}).test_client()

    def preflight(origin):
        return client.options("/api/v1/lint", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, authorization"})

    # Any installed extension could use a blanket extension allow; the bundled one needs none (issue 10).
    for origin in ("chrome-extension://abcdefghijklmnopabcdefghijklmnop", "moz-extension://1234-5678"):
        assert "Access-Control-Allow-Origin" not in preflight(origin).headers
    assert preflight("https://intranet.example").headers.get("Access-Control-Allow-Origin") == "https://intranet.example"
    assert "Access-Control-Allow-Origin" not in preflight("https://evil.example").headers


def test_rules_health_and_openapi(client):
    rules = client.get("/api/v1/rules").get_json()["rules"]
    assert {r["category"] for r in rules} == {"pressure", "self_focus", "style", "readiness"}
    health = client.get("/healthz").get_json()
    assert health == {"status": "ok", "version": health["version"], "rules": len(rules), "grammar": "off",
                      "profile": "balanced", "feedback": health["feedback"]}
    assert {"state", "pending", "dropped", "database"} <= set(health["feedback"])
    assert health["feedback"]["database"] == "sqlite" and health["feedback"]["dropped"] == 0
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.") and "/api/v1/lint" in doc["paths"]


def test_responses_match_the_openapi_schema(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    schemas = doc["components"]["schemas"]
    body = lint(client, text=ONE_WAY, subject="Quick question").get_json()
    assert set(schemas["LintResult"]["required"]) <= set(body)
    for issue in body["issues"]:
        assert set(schemas["Issue"]["required"]) <= set(issue)
        assert issue["category"] in schemas["Issue"]["properties"]["category"]["enum"]
        assert issue["severity"] in schemas["Issue"]["properties"]["severity"]["enum"]
    assert set(schemas["Stats"]["required"]) <= set(body["stats"])
    assert body["stats"]["verdict"] in schemas["Stats"]["properties"]["verdict"]["enum"]
    error = client.post("/api/v1/lint", data="x", content_type="application/json").get_json()
    assert set(schemas["Error"]["required"]) <= set(error)


def test_email_text_never_reaches_the_logs(client, caplog, monkeypatch):
    secret = "Zanzibar-quota-7781 sign by Friday"
    caplog.set_level(logging.DEBUG)
    lint(client, text=secret)
    client.post("/api/v1/lint", data='{"text": "' + secret, content_type="application/json")

    def explode(*a, **k):
        raise RuntimeError(secret)
    monkeypatch.setattr(client.application.extensions["twoway"].linter, "lint", explode)
    r = lint(client, text=secret)
    assert r.status_code == 500 and secret not in r.get_data(as_text=True)
    assert "Traceback" not in r.get_data(as_text=True)
    assert "Zanzibar" not in caplog.text


def test_the_answer_carries_the_numbers_as_shown(client):
    """The panel is formatted once, by the server, from the answer's stats and their targets."""
    body = lint(client, text=ONE_WAY, subject="Quick question").get_json()
    stats, panel = body["stats"], body["panel"]
    assert panel["score"] == str(stats["alignment_score"]) and panel["verdict"] == stats["verdict"]
    rows = {row["key"]: row for row in panel["rows"]}
    assert list(rows) == ["words", "sentences", "questions", "reading_grade", "you_ratio", "readiness_issues"]
    assert rows["readiness_issues"]["value"] == "0" and rows["readiness_issues"]["state"] == "ok"
    assert rows["words"]["value"] == str(stats["words"])
    assert rows["you_ratio"]["value"] == f"{stats['reader_pronouns']} / {stats['seller_pronouns']}"
    low, high = stats["targets"]["words"].get("min"), stats["targets"]["words"].get("max")
    expected = "low" if stats["words"] < low else "high" if stats["words"] > high else "ok"
    assert rows["words"]["state"] == expected and rows["words"]["target"] == f"target {low}\u2013{high}"

"""POST /api/v1/feedback: accepted as codes, refused (400) for anything that could carry text;
the shown counts from lint answers; TWOWAY_FEEDBACK=off; stats refused without the token."""
from __future__ import annotations

import pytest

from twoway.feedback import feedback_of

from .helpers import ONE_WAY, auth, close, make_app, stored


@pytest.fixture()
def app(sqlite_url):
    app = make_app(sqlite_url)
    yield app
    close(app)


def lint(client, text=ONE_WAY, **extra):
    answer = client.post("/api/v1/lint", json={"text": text, "grammar": False, **extra})
    assert answer.status_code == 200
    return answer.get_json()


def test_feedback_is_counted_with_its_reason(app, sqlite_url):
    client = app.test_client()
    rules = [i["rule"] for i in lint(client)["issues"]]
    assert rules == ["pressure.fake-deadline", "self_focus.quota-talk"]
    for body in ({"rule": rules[0], "action": "kept", "reason": "not_one_way"},
                 {"rule": rules[0], "action": "kept"},
                 {"rule": rules[1], "action": "fixed"},
                 {"rule": rules[1], "action": "muted", "profile": "quiet"}):
        answer = client.post("/api/v1/feedback", json=body)
        assert answer.status_code == 202, answer.get_json()
        assert answer.get_json() == {"stored": True}
    feedback_of(app).flush()
    assert stored(sqlite_url) == {
        (rules[0], "shown", ""): 1, (rules[1], "shown", ""): 1,
        (rules[0], "kept", "not_one_way"): 1, (rules[0], "kept", ""): 1,
        (rules[1], "fixed", ""): 1, (rules[1], "muted", ""): 1,
    }


def test_a_finding_counts_as_shown_once_per_draft(app, sqlite_url):
    client = app.test_client()
    for _ in range(5):  # the extension re-lints at every pause in typing
        lint(client)
    lint(client, ONE_WAY + "\nP.S. One more line.")  # an edit elsewhere: the same findings
    lint(client, ONE_WAY.replace("Anna", "Ben"))      # another draft (another reader)
    feedback_of(app).flush()
    counts = stored(sqlite_url)
    assert counts[("pressure.fake-deadline", "shown", "")] == 2
    assert counts[("self_focus.quota-talk", "shown", "")] == 2


def test_the_lint_page_counts_what_it_shows(app, sqlite_url):
    client = app.test_client()
    assert client.post("/api/v1/page/lint", json={"text": ONE_WAY, "grammar": False}).status_code == 200
    feedback_of(app).flush()
    assert stored(sqlite_url)[("pressure.fake-deadline", "shown", "")] == 1


@pytest.mark.parametrize("body, code, says", [
    ({"rule": "pressure.no-such-rule", "action": "kept"}, "unknown_rule", "Unknown rule"),
    ({"rule": "pressure.fake-deadline", "action": "ignored"}, "invalid_request", "'action'"),
    ({"rule": "pressure.fake-deadline", "action": "kept", "reason": "the client loved it"}, "invalid_request", "'reason'"),
    ({"rule": "pressure.fake-deadline", "action": "fixed", "reason": "other"}, "invalid_request", "reason goes with"),
    ({"rule": "pressure.fake-deadline", "action": "kept", "note": "sign by Friday"}, "invalid_request", "'note'"),
    ({"rule": "pressure.fake-deadline", "action": "kept", "text": "sign by Friday"}, "invalid_request", "'text'"),
    ({"rule": "pressure.fake-deadline", "action": "kept", "install": "my name is Bob"}, "invalid_request", "'install'"),
    ({"rule": "pressure.fake-deadline", "action": "kept", "profile": "loud"}, "invalid_request", "'profile'"),
    ({"rule": ["pressure.fake-deadline"], "action": "kept"}, "invalid_request", "'rule'"),
    ({"rule": "I NEED TO HIT MY QUOTA", "action": "kept"}, "unknown_rule", "Unknown rule"),
    ({"rule": "MY_QUOTA_IS_DUE", "action": "kept"}, "unknown_rule", "Unknown rule"),
    (["pressure.fake-deadline", "kept"], "invalid_request", "object"),
])
def test_refused_with_a_clear_400(app, sqlite_url, body, code, says):
    answer = app.test_client().post("/api/v1/feedback", json=body)
    assert answer.status_code == 400
    error = answer.get_json()["error"]
    assert error["code"] == code and says in error["message"]
    feedback_of(app).flush()
    assert stored(sqlite_url) == {}


def test_not_json_and_too_large_are_refused(app):
    client = app.test_client()
    assert client.post("/api/v1/feedback", data="rule=x", content_type="text/plain").status_code == 415
    assert client.post("/api/v1/feedback", data="{", content_type="application/json").status_code == 400
    big = {"rule": "pressure.fake-deadline", "action": "kept", "reason": "other" + " " * 2000}
    assert client.post("/api/v1/feedback", json=big).status_code == 413


def test_a_grammar_rule_is_accepted_once_this_server_showed_it(app, sqlite_url, monkeypatch):
    service = feedback_of(app)
    client = app.test_client()
    body = {"rule": "MORFOLOGIK_RULE_EN_US", "action": "kept", "reason": "other"}
    assert client.post("/api/v1/feedback", json=body).status_code == 400
    service.record_shown([("MORFOLOGIK_RULE_EN_US", "body", "Bobb")], "Hi", "balanced")
    assert client.post("/api/v1/feedback", json=body).status_code == 202
    # Another server on the same database, which did not show it: it finds the stored shown count.
    service.flush()
    other = make_app(sqlite_url)
    try:
        assert other.test_client().post("/api/v1/feedback", json=body).status_code == 202
    finally:
        close(other)


def test_install_hash_only_when_the_team_turns_it_on(sqlite_url, tmp_path):
    install = "0b6f0c2e-9a51-4c1e-8d5e-2a8b1d7e4f10"
    for setting, expect_hash in ((False, False), (True, True)):
        url = f"sqlite:///{tmp_path / f'i{setting}.db'}"
        app = make_app(url, FEEDBACK_INSTALLS=setting)
        try:
            body = {"rule": "pressure.fake-deadline", "action": "kept", "install": install}
            assert app.test_client().post("/api/v1/feedback", json=body).status_code == 202
            feedback_of(app).flush()
            keys = list(feedback_of(app).store.read())
            assert len(keys) == 1
            hashed = keys[0][6]
            assert bool(hashed) is expect_hash
            assert install not in hashed and install.replace("-", "") not in hashed
        finally:
            close(app)


def test_feedback_off_stores_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'off.db'}"
    app = make_app(url, FEEDBACK="off")
    try:
        client = app.test_client()
        lint(client)
        answer = client.post("/api/v1/feedback", json={"rule": "pressure.fake-deadline", "action": "kept"})
        assert answer.status_code == 202 and answer.get_json() == {"stored": False, "feedback": "off"}
        assert client.get("/healthz").get_json()["feedback"] == {"state": "off"}
        stats = client.get("/api/v1/team/stats", headers=auth()).get_json()
        assert stats["rules"] == [] and stats["database"] == "off"
        assert feedback_of(app).pending.is_empty()
    finally:
        close(app)
    assert not (tmp_path / "off.db").exists()  # not even created


def test_stats_are_refused_without_the_admin_token(sqlite_url):
    app = make_app(sqlite_url, API_TOKEN="rep-token")
    try:
        client = app.test_client()
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Bearer rep-token"},
                        {"Authorization": "Basic " + "x" * 8}):
            for path in ("/api/v1/team/stats", "/api/v1/team/stats.csv"):
                answer = client.get(path, headers=headers)
                assert answer.status_code == 401, (path, headers)
                assert answer.get_json()["error"]["code"] == "unauthorized"
        page = client.get("/team")
        assert page.status_code == 401 and b"Admin token" in page.data and b"chart-weeks" not in page.data
        assert client.get("/api/v1/team/stats", headers=auth()).status_code == 200
        # Reps' feedback needs the rep's API token, not the admin's.
        body = {"rule": "pressure.fake-deadline", "action": "kept"}
        assert client.post("/api/v1/feedback", json=body).status_code == 401
        assert client.post("/api/v1/feedback", json=body, headers={"Authorization": "Bearer rep-token"}).status_code == 202
    finally:
        close(app)


def test_no_admin_token_configured_means_no_dashboard(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'x.db'}", ADMIN_TOKEN=None)
    try:
        client = app.test_client()
        assert client.get("/api/v1/team/stats", headers={"Authorization": "Bearer "}).status_code == 401
        assert b"TWOWAY_ADMIN_TOKEN" in client.get("/team").data
        assert client.post("/team/login", data={"token": ""}).status_code == 401
    finally:
        close(app)


def test_team_page_signs_in_with_the_token_then_a_session_cookie(app):
    client = app.test_client()
    lint(client)
    assert client.post("/team/login", data={"token": "nope"}).status_code == 401
    assert client.get("/team").status_code == 401
    assert client.post("/team/login", data={"token": "x"}, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    signed_in = client.post("/team/login", data={"token": "team-admin-token"})
    assert signed_in.status_code == 303
    cookie = signed_in.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    page = client.get("/team")
    assert page.status_code == 200
    assert b"pressure.fake-deadline" in page.data and b"chart-weeks" in page.data
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    csv = client.get("/api/v1/team/stats.csv")  # the session is enough for the download
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert csv.data.decode().splitlines()[0].startswith("rule,category,shown,fixed,kept,muted")
    assert client.get("/team/plotly.min.js").status_code == 200
    client.post("/team/logout")
    assert client.get("/team").status_code == 401


def test_a_wording_applied_without_javascript_counts_as_fixed(app, sqlite_url):
    client = app.test_client()
    issue = next(i for i in lint(client)["issues"] if i["replacements"])
    value = f"body:{issue['start']}:{issue['end']}:0:{issue['rule']}"
    answer = client.post("/", data={"text": ONE_WAY, "grammar": "", "apply": value})
    assert answer.status_code == 200 and "Replaced" in answer.get_data(as_text=True)
    feedback_of(app).flush()
    assert stored(sqlite_url)[(issue["rule"], "fixed", "")] == 1


def test_stats_by_week_and_for_the_last_days(app):
    service = feedback_of(app)
    pack = app.extensions["twoway"].pack_version
    old = ("2026-01-05", "pressure.fake-deadline", "kept", "other", pack, "balanced", "")
    service.store.add({old: 4, ("2026-01-07", "pressure.fake-deadline", "shown", "", pack, "balanced", ""): 10})
    client = app.test_client()
    client.post("/api/v1/feedback", json={"rule": "pressure.fake-deadline", "action": "fixed"})
    everything = client.get("/api/v1/team/stats", headers=auth()).get_json()
    weeks = {w["week"]: w for w in everything["weeks"]}
    assert weeks["2026-01-05"]["kept"] == 4 and weeks["2026-01-05"]["shown"] == 10
    assert weeks["2026-01-05"]["kept_rate"] == 0.4
    row = everything["rules"][0]
    assert (row["shown"], row["kept"], row["fixed"]) == (10, 4, 1)
    # Kept 40% of 10 showings: marked for review (>= 30% once shown 10 times).
    assert row["kept_rate"] == 0.4 and row["review"] is True
    recent = client.get("/api/v1/team/stats?days=7", headers=auth()).get_json()
    assert [(r["rule"], r["fixed"], r["kept"]) for r in recent["rules"]] == [("pressure.fake-deadline", 1, 0)]
    assert client.get("/api/v1/team/stats?days=x", headers=auth()).status_code == 400

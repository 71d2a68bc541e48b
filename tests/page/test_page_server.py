"""The lint page through Flask's test client: the no-JavaScript rendering, escaping, headers."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from twoway.api import serialize_report
from twoway.findings import Finding
from twoway.page import CSP, PAGE_SCRIPTS, build_view, mark_segments
from twoway.stats_panel import format_number, stats_rows
from twoway.service import Report

from page_expect import ONE_WAY_EMAIL, ONE_WAY_SUBJECT, XSS_STRINGS, expected_findings, expected_notes, \
    expected_panel

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


class Dom(HTMLParser):
    """Just enough of the page to read back: findings, notes, marks, panel numbers."""

    CAPTURE = ("tw-stats-value", "tw-stats-score", "tw-stats-verdict")

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.findings, self.notes, self.marks, self.panel = [], [], [], {}
        self.elements: list[tuple[str, dict]] = []
        self.body_text = None
        self._open: list[list] = []   # [tag, attrs, captured text or None]
        self._row = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        self.elements.append((tag, a))
        cls = a.get("class", "").split()
        if tag == "tr":
            self._row = a.get("data-metric")
        if tag == "li" and "finding" in cls:
            self.findings.append((a["data-rule"], a["data-category"]))
        if "tw-stats-note" in cls:
            self.notes.append(a["data-rule"])
        if tag == "mark":
            self.marks.append(a)
        if tag in ("br", "img", "input", "meta", "link"):
            return
        capture = a.get("id") == "marked-body" or any(c in cls for c in self.CAPTURE)
        self._open.append([tag, a, "" if capture else None])

    def handle_endtag(self, tag):
        if not self._open:
            return
        _, a, text = self._open.pop()
        if text is None:
            return
        cls = a.get("class", "").split()
        if a.get("id") == "marked-body":
            self.body_text = text
        elif "tw-stats-value" in cls:
            self.panel[self._row] = text.strip()
        elif "tw-stats-score" in cls:
            self.panel["alignment_score"] = text.strip()
        elif "tw-stats-verdict" in cls:
            self.panel["verdict"] = text.strip()

    def handle_data(self, data):
        for item in self._open:
            if item[2] is not None:
                item[2] += data


def _dom(html: str) -> Dom:
    return Dom(html)


def _post(client, **form):
    headers = form.pop("headers", SAME_ORIGIN)
    return client.post("/", data=form, headers=headers)


def test_get_is_the_form(client):
    r = client.get("/")
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    assert '<form id="lint-form" method="post" action="/"' in html
    assert 'name="subject"' in html and '<textarea id="text" name="text"' in html
    assert re.search(r'<label for="text">', html) and re.search(r'<label for="subject">', html)
    assert 'type="submit"' in html
    assert 'id="result-body"' in html and "li class=\"finding\"" not in html


def test_csp_and_headers(client):
    for path in ("/", "/static/page/main.js", "/ext/lib/render.js", "/ext/lib/definitions.js"):
        r = client.get(path)
        assert r.status_code == 200, path
        csp = r.headers["Content-Security-Policy"]
        assert csp == CSP
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert _post(client, text="hi").headers["Cache-Control"] == "no-store"


def test_no_inline_script_and_no_third_party(client):
    html = _post(client, text=ONE_WAY_EMAIL, subject=ONE_WAY_SUBJECT).get_data(as_text=True)
    dom = _dom(html)
    scripts = [a for tag, a in dom.elements if tag == "script"]
    assert scripts and all(a.get("src", "").startswith("/") for a in scripts)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert " style=" not in html and "<style" not in html
    assert not re.search(r"\bon[a-z]+=", html)
    for tag, a in dom.elements:
        for attr in ("src", "href", "action"):
            url = a.get(attr, "")
            assert not url.startswith(("http:", "https:", "//")), (tag, attr, url)


def test_no_js_post_renders_the_api_answer(page_app, client):
    r = _post(client, text=ONE_WAY_EMAIL, subject=ONE_WAY_SUBJECT, grammar="on")
    assert r.status_code == 200
    answer = answer_for(page_app, ONE_WAY_EMAIL, ONE_WAY_SUBJECT)
    assert answer["issues"], "the one-way email should flag"
    dom = _dom(r.get_data(as_text=True))
    assert dom.findings == expected_findings(answer)
    assert dom.notes == expected_notes(answer)
    assert dom.panel == expected_panel(answer)
    stats = answer["stats"]
    assert dom.panel["words"] == str(stats["words"]) and dom.panel["sentences"] == str(stats["sentences"])
    assert dom.panel["alignment_score"] == str(round(stats["alignment_score"]))
    assert dom.panel["verdict"] == stats["verdict"]
    assert dom.body_text == ONE_WAY_EMAIL
    assert {m["data-rule"] for m in dom.marks} <= {x["rule"] for x in answer["issues"]}


def test_crlf_from_the_form_is_read_as_lf(page_app, client):
    r = _post(client, text=ONE_WAY_EMAIL.replace("\n", "\r\n"))
    dom = _dom(r.get_data(as_text=True))
    assert dom.body_text == ONE_WAY_EMAIL
    assert '<textarea id="text" name="text" rows="14" spellcheck="true" aria-describedby="text-help">\n' \
        + ONE_WAY_EMAIL.split("\n")[0] in r.get_data(as_text=True)


@pytest.mark.parametrize("payload", XSS_STRINGS)
def test_everything_from_the_text_is_escaped(client, payload):
    text = "Just checking in to see if you had a chance to look. " + payload
    html = _post(client, text=text, subject=payload).get_data(as_text=True)
    assert payload not in html
    dom = _dom(html)
    assert dom.body_text == text
    tags = [tag for tag, _ in dom.elements]
    assert "img" not in tags and "svg" not in tags and "iframe" not in tags
    assert tags.count("textarea") == 1
    # definitions.js, feedback.js, render.js, the page's modules
    assert len([1 for tag, a in dom.elements if tag == "script"]) == 3 + len(PAGE_SCRIPTS)


def test_cross_site_post_is_refused(client):
    assert _post(client, text="x", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert _post(client, text="x", headers={"Sec-Fetch-Site": "same-site"}).status_code == 403
    assert _post(client, text="x", headers={"Origin": "http://evil.example"}).status_code == 403
    assert _post(client, text="x", headers={"Origin": "http://localhost"}).status_code == 200
    assert _post(client, text="x", headers={}).status_code == 200  # no browser signals: curl
    r = client.post("/", data="{\"text\": \"x\"}", content_type="text/plain", headers=SAME_ORIGIN)
    assert r.status_code == 415


def test_token_form_field(app_for):
    app = app_for(API_TOKEN="tok-123")
    client = app.test_client()
    page = client.get("/").get_data(as_text=True)
    assert 'name="token" type="password"' in page and "tok-123" not in page
    assert 'data-token-required="true"' in page
    r = _post(client, text=ONE_WAY_EMAIL)
    assert r.status_code == 401 and "API token" in r.get_data(as_text=True)
    assert _post(client, text=ONE_WAY_EMAIL, token="nope").status_code == 401
    r = _post(client, text=ONE_WAY_EMAIL, token="tok-123")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "tok-123" not in html and 'class="finding"' in html
    # The API stays closed without the header.
    assert client.post("/api/v1/lint", json={"text": "x"}).status_code == 401


def test_too_long_is_a_page_not_json(app_for):
    app = app_for(MAX_CHARS=100)
    client = app.test_client()
    r = _post(client, text="word " * 30)
    assert r.status_code == 413 and r.mimetype == "text/html"
    assert "limit of 100 characters" in r.get_data(as_text=True)
    r = _post(client, text="word " * 2000)  # over MAX_CONTENT_LENGTH: refused before parsing
    assert r.status_code == 413 and r.mimetype == "text/html"


def test_apply_a_replacement_without_javascript(page_app, client):
    answer = answer_for(page_app, ONE_WAY_EMAIL, "")
    found = [(i, x) for i, x in enumerate(answer["issues"])
             if x["replacements"] and x["start"] != x["end"] and x["field"] == "body"]
    assert found, [x["rule"] for x in answer["issues"]]
    i, issue = found[0]
    r = _post(client, text=ONE_WAY_EMAIL, grammar="on", apply=apply_value(issue, 0))
    revised = ONE_WAY_EMAIL[:issue["start"]] + issue["replacements"][0] + ONE_WAY_EMAIL[issue["end"]:]
    dom = _dom(r.get_data(as_text=True))
    assert dom.body_text == revised
    # A stale or bogus index changes nothing.
    stale = dict(issue, start=issue["start"] + 1)
    for bogus in (apply_value(issue, 99), apply_value(stale, 0), apply_value(dict(issue, rule="no.such"), 0),
                  "x", "body:1:2", "body:a:b:0:r"):
        dom = _dom(_post(client, text=ONE_WAY_EMAIL, grammar="on", apply=bogus).get_data(as_text=True))
        assert dom.body_text == ONE_WAY_EMAIL


def answer_for(app, text, subject):
    return serialize_report(app.extensions["twoway"].check(text, subject, True))


def apply_value(issue, j):
    """A replacement button's value: the finding's field, span in code points (the same as the
    answer's UTF-16 offsets for ONE_WAY_EMAIL, which has no character above U+FFFF), index, rule."""
    return f"{issue['field']}:{issue['start']}:{issue['end']}:{j}:{issue['rule']}"


def test_extension_lib_only(client):
    r = client.get("/ext/lib/render.js")
    assert r.status_code == 200 and r.mimetype == "text/javascript"
    assert b"TwoWayRender" in r.data
    assert client.get("/ext/lib/twoway.css").mimetype == "text/css"
    for bad in ("/ext/lib/../manifest.json", "/ext/lib/%2e%2e/manifest.json", "/ext/lib/../../pyproject.toml",
                "/ext/lib/nothing.js", "/ext/lib/render.txt", "/ext/lib/sub/x.js", "/ext/lib/__init__.py"):
        assert client.get(bad).status_code == 404, bad


# ---- units: the segmenting and numbers the template and the scripted page share ---------

def _finding(start, end, rule="r", category="pressure", severity="warning", field="body"):
    return Finding(rule=rule, category=category, severity=severity, message="m", why="", start=start, end=end,
                   field=field)


def test_segments_overlap_in_code_points():
    text = "😀 sign today now"  # the emoji is one code point (two UTF-16 units, only the API's concern)
    findings = [_finding(2, 12, "a", severity="suggestion"),   # "sign today"
                _finding(7, 16, "b", severity="error")]        # "today now"
    segs = mark_segments(text, findings, [0, 1])
    assert "".join(s["text"] for s in segs) == text
    assert [(s["text"], s["findings"]) for s in segs] == [
        ("😀 ", []), ("sign ", [0]), ("today", [1, 0]), (" now", [1])]  # the shown (most severe) first


def test_view_keeps_email_level_findings_out_of_the_text(page_app):
    findings = [_finding(0, 0, "long_email", "style"), _finding(0, 4, "x"), _finding(0, 4, "g", "grammar"),
                _finding(0, 2, "y", field="subject")]
    email = page_app.extensions["twoway"].check("Sign it", grammar=False).email
    report = Report("Sign it", "Hi", findings, {"words": 3, "alignment_score": 41.5, "verdict": "one-way"}, "off", email)
    view = build_view(report)
    assert view["notes"] == [0] and view["count"] == 4
    assert [s["findings"] for s in view["body"]] == [[1, 2], []]
    assert [s["findings"] for s in view["subject"]] == [[3]]
    assert [(g["category"], g["label"], g["findings"]) for g in view["groups"]] == [
        ("pressure", "Pressure", [1, 3]), ("grammar", "Grammar", [2])]
    assert (view["panel"]["score"], view["panel"]["verdict"]) == ("42", "one-way")
    assert view["apply"][1] == "body:0:4" and view["apply"][3] == "subject:0:2"


def test_the_script_gets_the_api_answer_and_the_view_the_template_draws(page_app, client):
    r = client.post("/api/v1/page/lint", json={"text": ONE_WAY_EMAIL, "subject": ONE_WAY_SUBJECT, "grammar": False})
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    body = r.get_json()
    api = client.post("/api/v1/lint", json={"text": ONE_WAY_EMAIL, "subject": ONE_WAY_SUBJECT, "grammar": False})
    assert {k: v for k, v in body.items() if k != "view"} == api.get_json()
    assert body["view"] == build_view(page_app.extensions["twoway"].check(ONE_WAY_EMAIL, ONE_WAY_SUBJECT, False))
    assert [body["issues"][i]["rule"] for g in body["view"]["groups"] for i in g["findings"]] == \
        [rule for rule, _ in expected_findings(api.get_json())]
    # Errors as the API's: JSON, with its codes.
    bad = client.post("/api/v1/page/lint", json={"subject": "no text"})
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_request"


def test_the_scripts_lint_needs_the_token_and_keeps_the_limit(app_for):
    client = app_for(API_TOKEN="tok-123", MAX_CHARS=100).test_client()
    assert client.post("/api/v1/page/lint", json={"text": "hi"}).status_code == 401
    ok = client.post("/api/v1/page/lint", json={"text": "hi", "grammar": False},
                     headers={"Authorization": "Bearer tok-123"})
    assert ok.status_code == 200 and ok.get_json()["view"]["body"] == [{"text": "hi", "findings": []}]
    for size in (101, 5000):  # over the limit, and over the request size refused before parsing
        r = client.post("/api/v1/page/lint", json={"text": "x" * size}, headers={"Authorization": "Bearer tok-123"})
        assert r.status_code == 413 and r.get_json()["error"]["code"] == "text_too_long"


def test_numbers_round_half_up():
    # The panel's numbers are formatted once, here; halves round up (Python's format would give 0.12 and 2).
    assert format_number(0.125, 2) == "0.13"
    assert format_number(2.5) == "3"
    assert format_number(6.25, 1) == "6.3"
    assert format_number(None) == "\u2013"
    rows = {r["key"]: r for r in stats_rows({"words": 40, "you_ratio": 1.0,
                                             "targets": {"words": {"min": 50, "max": 125},
                                                         "you_ratio": {"min": 1.0}}})}
    assert rows["words"]["state"] == "low" and rows["words"]["target"] == "target 50\u2013125"
    assert rows["you_ratio"]["target"] == "target \u2265 1" and rows["you_ratio"]["state"] == "ok"

"""The lint page in real Chromium against the real server and the real rule pack.

Every check compares the page with the API's own answer for the same text, so the tests do
not hard-code rule ids: they hold whatever the rules say, as long as page and API agree.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from page_expect import (
    ONE_WAY_EMAIL,
    ONE_WAY_SUBJECT,
    XSS_STRINGS,
    assert_page_matches,
    expected_findings,
    is_email_level,
    read_marks,
)

pytestmark = pytest.mark.browser

ARTIFACTS = Path(os.environ.get("TWOWAY_SCREENSHOT_DIR")
                 or Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots")


def _wait_checked(page):
    """Until the script has drawn an answer (the status no longer says it is checking)."""
    page.wait_for_selector("#result-body .tw-stats")
    page.wait_for_function("() => document.getElementById('status').dataset.busy !== 'true'")


def _check(page, url, text, subject=""):
    page.goto(url + "/")
    page.fill("#subject", subject)
    page.fill("#text", text)
    page.click("#check")
    _wait_checked(page)


def test_submit_shows_the_api_answer(page, live_server):
    answer = live_server.lint(ONE_WAY_EMAIL, ONE_WAY_SUBJECT)
    assert any(not is_email_level(x) for x in answer["issues"]), "the one-way email should flag"
    _check(page, live_server.url, ONE_WAY_EMAIL, ONE_WAY_SUBJECT)
    assert_page_matches(page, answer, ONE_WAY_EMAIL, ONE_WAY_SUBJECT)
    # Every finding's card carries the message from the API and one button per replacement.
    for i, issue in enumerate(answer["issues"]):
        if is_email_level(issue):
            continue
        card = page.locator(f"#finding-{i} .tw-card")
        assert card.get_attribute("data-rule") == issue["rule"]
        assert card.locator(".tw-card-message").text_content() == issue["message"]
        assert card.locator(".tw-card-replacement").count() == min(5, len(issue["replacements"]))
    # Group headings count their findings.
    for group in page.locator("#result-body section.group").all():
        assert int(group.locator("h4 .count").text_content()) == group.locator("li.finding").count()
    page.problems.assert_clean()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "page-desktop.png"), full_page=True)


def test_lints_as_you_type(page, live_server):
    calls = []
    page.on("request", lambda r: r.url.endswith("/api/v1/page/lint") and calls.append(r))
    page.goto(live_server.url + "/")
    page.click("#text")
    page.keyboard.type(ONE_WAY_EMAIL, delay=2)
    page.wait_for_selector("#result-body li.finding")
    _wait_checked(page)
    answer = live_server.lint(ONE_WAY_EMAIL, "")
    assert_page_matches(page, answer, ONE_WAY_EMAIL)
    # It waited for a pause instead of linting every key.
    assert 1 <= len(calls) <= 3, len(calls)
    page.problems.assert_clean()


def test_without_javascript_the_form_posts(nojs_page, live_server):
    page = nojs_page
    page.goto(live_server.url + "/")
    page.fill("#subject", ONE_WAY_SUBJECT)
    page.fill("#text", ONE_WAY_EMAIL)
    with page.expect_navigation():
        page.click("#check")
    answer = live_server.lint(ONE_WAY_EMAIL, ONE_WAY_SUBJECT, grammar=True)
    assert page.input_value("#text") == ONE_WAY_EMAIL
    assert page.input_value("#subject") == ONE_WAY_SUBJECT
    assert_page_matches(page, answer, ONE_WAY_EMAIL, ONE_WAY_SUBJECT)
    page.problems.assert_clean()


def test_without_javascript_a_replacement_applies(nojs_page, live_server):
    page = nojs_page
    answer = live_server.lint(ONE_WAY_EMAIL, "", grammar=True)
    i, issue = _first_with_replacement(answer)
    page.goto(live_server.url + "/")
    page.fill("#text", ONE_WAY_EMAIL)
    with page.expect_navigation():
        page.click("#check")
    with page.expect_navigation():
        page.locator(f"#finding-{i} .tw-card-replacement").first.click()
    revised = ONE_WAY_EMAIL[:issue["start"]] + issue["replacements"][0] + ONE_WAY_EMAIL[issue["end"]:]
    assert page.input_value("#text") == revised
    assert_page_matches(page, live_server.lint(revised, "", grammar=True), revised)


@pytest.mark.parametrize("payload", XSS_STRINGS)
def test_pasted_markup_runs_nothing(page, live_server, payload):
    text = "Just checking in to see if you had a chance to look. " + payload + "\nI need to hit my quota."
    page.add_init_script("window.__pwned = 0; window.alert = () => { window.__pwned++; };")
    _check(page, live_server.url, text, payload)
    assert read_marks(page, "#marked-body")["text"] == text
    assert read_marks(page, "#marked-subject")["text"] == payload
    # The answer drawn by the server too (form.submit() skips the script's submit handler).
    with page.expect_navigation():
        page.evaluate("document.getElementById('lint-form').submit()")
    _wait_checked(page)
    assert page.input_value("#text") == text
    assert page.input_value("#subject") == payload
    assert read_marks(page, "#marked-body")["text"] == text
    injected = page.evaluate("""() => document.querySelectorAll(
        '#result-body img, #result-body script, #result-body svg:not(.tw-icon), #result-body iframe, ' +
        'body > script:not([src]), textarea ~ script').length""")
    assert injected == 0
    assert page.evaluate("window.__pwned") == 0
    page.problems.assert_clean()


def _first_with_replacement(answer):
    for i, issue in enumerate(answer["issues"]):
        if not is_email_level(issue) and issue["field"] == "body" and issue["replacements"]:
            return i, issue
    pytest.fail(f"no body finding with a replacement in {[x['rule'] for x in answer['issues']]}")


def test_apply_a_replacement(page, live_server):
    answer = live_server.lint(ONE_WAY_EMAIL, "")
    i, issue = _first_with_replacement(answer)
    _check(page, live_server.url, ONE_WAY_EMAIL)
    page.locator(f"#finding-{i} .tw-card-replacement").first.click()
    revised = ONE_WAY_EMAIL[:issue["start"]] + issue["replacements"][0] + ONE_WAY_EMAIL[issue["end"]:]
    page.wait_for_function("() => document.getElementById('status').textContent.startsWith('Replaced')")
    assert page.input_value("#text") == revised
    assert_page_matches(page, live_server.lint(revised, ""), revised)
    page.problems.assert_clean()


def test_keyboard_only(page, live_server):
    page.goto(live_server.url + "/")
    order = []
    for _ in range(7):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.id || document.activeElement.className"))
    # The mode switch is one radio group: one Tab stop, arrows move within it.
    assert order == ["skip", "subject", "text", "mode-send", "grammar", "check", "copy"]
    page.focus("#mode-send")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.getElementById('mode-template').checked")
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("document.getElementById('mode-send').checked")
    page.focus("#text")
    page.keyboard.type(ONE_WAY_EMAIL)
    page.focus("#check")
    page.keyboard.press("Enter")
    _wait_checked(page)
    answer = live_server.lint(ONE_WAY_EMAIL, "")
    i, issue = _first_with_replacement(answer)
    # Tab from the button into the results until the replacement button has focus; Enter applies it.
    target = page.locator(f"#finding-{i} .tw-card-replacement").first
    for _ in range(60):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the replacement button is not reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('status').textContent.startsWith('Replaced')")
    revised = ONE_WAY_EMAIL[:issue["start"]] + issue["replacements"][0] + ONE_WAY_EMAIL[issue["end"]:]
    assert page.input_value("#text") == revised
    # Focus stays in the findings (not lost to <body>) after the list is redrawn.
    assert page.evaluate("!!document.activeElement.closest('#results')")
    page.problems.assert_clean()


def test_screen_reader_structure(page, live_server):
    _check(page, live_server.url, ONE_WAY_EMAIL, ONE_WAY_SUBJECT)
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('input, textarea, select')]
        .filter(e => e.type !== 'hidden' && !e.closest('[hidden]') && e.labels.length === 0)
        .map(e => e.id || e.name)""")
    assert unlabelled == []
    # Findings are list items of ordered lists, under a heading per category.
    assert page.locator("#result-body ol.finding-list > li.finding").count() == \
        len(expected_findings(live_server.lint(ONE_WAY_EMAIL, ONE_WAY_SUBJECT)))
    assert page.locator("#result-body section.group h4").count() >= 1
    assert page.get_attribute("#status", "role") == "status"
    # No card pretends to be a dialog on the page.
    assert page.locator("#result-body [role=dialog]").count() == 0
    snapshot = page.locator("#results").aria_snapshot()
    assert "- list" in snapshot and "- listitem" in snapshot


def test_phone_width(browser, live_server):
    ctx = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2,
                              is_mobile=True, has_touch=True)
    page = ctx.new_page()
    try:
        _check(page, live_server.url, ONE_WAY_EMAIL, ONE_WAY_SUBJECT)
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 375
        box = page.locator("#text").bounding_box()
        assert box["width"] >= 300
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "page-phone.png"), full_page=False)
    finally:
        ctx.close()


def test_copy_revised_text(browser, live_server):
    ctx = browser.new_context()
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = ctx.new_page()
    try:
        _check(page, live_server.url, ONE_WAY_EMAIL)
        page.click("#copy")
        page.wait_for_function("() => document.getElementById('status').textContent.startsWith('Copied')")
        assert page.evaluate("navigator.clipboard.readText()") == ONE_WAY_EMAIL
    finally:
        ctx.close()


def test_token_is_asked_once_and_kept_in_session_storage(browser, token_server):
    ctx = browser.new_context()
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(token_server.url + "/")
        assert page.is_visible("#token")
        page.fill("#text", ONE_WAY_EMAIL)
        page.click("#check")
        page.wait_for_function("() => document.getElementById('status').textContent.includes('token')")
        page.fill("#token", token_server.token)
        page.press("#token", "Enter")
        _wait_checked(page)
        assert_page_matches(page, token_server.lint(ONE_WAY_EMAIL, token=token_server.token), ONE_WAY_EMAIL)
        assert page.evaluate("sessionStorage.getItem('twoway.apiToken')") == token_server.token
        assert page.is_hidden("#token")
        assert token_server.token not in page.content()
        # Asked once: a reload in the same tab lints without asking again.
        page.reload()
        assert page.is_hidden("#token")
        page.fill("#text", ONE_WAY_EMAIL)
        page.click("#check")
        _wait_checked(page)
        assert page.locator("#result-body li.finding").count() > 0
    finally:
        ctx.close()


def test_token_without_javascript(browser, token_server):
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    try:
        page.goto(token_server.url + "/")
        page.fill("#text", ONE_WAY_EMAIL)
        with page.expect_navigation() as nav:
            page.click("#check")
        assert nav.value.status == 401
        assert "token" in page.text_content("#error")
        page.fill("#token", token_server.token)
        with page.expect_navigation() as nav:
            page.click("#check")
        assert nav.value.status == 200
        assert page.input_value("#token") == ""
        assert token_server.token not in page.content()
        assert page.locator("#result-body li.finding").count() > 0
    finally:
        ctx.close()

"""The lint page's cards send what the rep did (issue 20), in real Chromium: Keep it with a reason,
Mute rule, a wording applied (fixed, once), and an edit that makes a rule stop firing (fixed on its
own); the team's stats show exactly those counts."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

# The page suite's live server (tests/page/conftest.py), loaded by path: "conftest" alone names
# whichever conftest module Python imported first.
_spec = importlib.util.spec_from_file_location("page_conftest", Path(__file__).with_name("conftest.py"))
_page_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_page_conftest)
LiveServer = _page_conftest.LiveServer

pytestmark = pytest.mark.browser

ADMIN = "page-feedback-admin"
EMAIL = ("Hi Dana,\n\nJust checking in to see if you had a chance to look. This price expires Friday, so sign "
         "today.\n\nI need to hit my quota this month. We are the leading provider of payroll software in Europe "
         "and our awards prove it.\n\nWould a call next week help?\n\nBest,\nKyle")
BRAG = " We are the leading provider of payroll software in Europe and our awards prove it."


@pytest.fixture()
def feedback_server(tmp_path):
    server = LiveServer({"LANGUAGETOOL": "off", "DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}",
                         "ADMIN_TOKEN": ADMIN, "FEEDBACK_FLUSH_INTERVAL": 0})
    yield server
    server.stop()
    server.app.extensions["twoway.feedback"].close()


def _card(page, answer, rule):
    i = next(k for k, x in enumerate(answer["issues"]) if x["rule"] == rule)
    return page.locator(f"#finding-{i} .tw-card")


def _stats(page, server):
    return {r["rule"]: r for r in page.request.get(server.url + "/api/v1/team/stats",
                                                   headers={"Authorization": f"Bearer {ADMIN}"}).json()["rules"]}


def _settled(page):
    page.wait_for_function("() => document.getElementById('status').dataset.busy !== 'true'")
    page.wait_for_load_state("networkidle")


def test_cards_send_keep_mute_and_fixed(page, feedback_server):
    server = feedback_server
    page.goto(server.url + "/")
    page.fill("#text", EMAIL)
    page.click("#check")
    page.wait_for_selector("#result-body .tw-stats")
    _settled(page)
    answer = server.lint(EMAIL)
    keep = _card(page, answer, "self_focus.filler-follow-up")
    assert keep.locator(".tw-card-keep").text_content() == "Keep it"
    assert "Ignore here" not in keep.text_content()
    keep.locator('.tw-card-reason[data-reason="reader_asked"]').click()
    _settled(page)
    _card(page, answer, "self_focus.quota-talk").locator(".tw-card-mute").click()
    _settled(page)
    answer = server.lint(EMAIL)
    _card(page, answer, "pressure.fake-deadline").locator(".tw-card-replacement").first.click()
    page.wait_for_function("() => document.getElementById('status').textContent.startsWith('Replaced')")
    _settled(page)
    # The rep deletes the bragging sentence: that rule no longer fires, a fix counted on its own.
    page.fill("#text", page.input_value("#text").replace(BRAG, ""))
    page.click("#check")
    _settled(page)
    page.wait_for_function("() => !document.querySelector('[data-rule=\"self_focus.company-bragging\"]')")
    _settled(page)
    stats = _stats(page, server)
    assert stats["self_focus.filler-follow-up"]["kept"] == 1
    assert stats["self_focus.filler-follow-up"]["kept_reasons"]["reader_asked"] == 1
    assert stats["self_focus.quota-talk"]["muted"] == 1
    assert stats["self_focus.quota-talk"]["fixed"] == 0
    assert stats["pressure.fake-deadline"]["fixed"] == 1  # applied: once, not again when it stopped firing
    assert stats["self_focus.company-bragging"]["fixed"] == 1
    assert stats["self_focus.filler-follow-up"]["fixed"] == 0
    for rule in ("self_focus.filler-follow-up", "pressure.fake-deadline", "self_focus.company-bragging"):
        assert stats[rule]["shown"] == 1  # once for the draft, however often it was linted
    page.problems.assert_clean()

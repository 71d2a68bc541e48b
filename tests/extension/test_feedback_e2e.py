"""The extension's cards send what the rep did (issue 20), in real Chromium against the real server:
"Keep it" with a tapped reason, "Mute rule", a wording applied (fixed), the rep's strictness in
the lint requests; and nothing at all once the rep turns feedback off in the options."""
from __future__ import annotations

import pytest
import requests

from ext_harness import (GMAIL_URL, Browser, ServerHandle, gmail_dialog_fragment, in_shadow,
                         page_html, range_center, wait_answers, wait_highlight, wait_until)

GMAIL_BODY = '[g_editable="true"]'
TEXT = "Just checking in to see if you had a chance to look. I need to hit my quota this month."
PRESSURE = " This price expires Friday, so sign today."
ADMIN = "extension-feedback-admin"


@pytest.fixture()
def counted_server(tmp_path):
    handle = ServerHandle({"DATABASE_URL": f"sqlite:///{tmp_path / 'counts.db'}", "ADMIN_TOKEN": ADMIN,
                           "FEEDBACK_FLUSH_INTERVAL": 0}).start()
    yield handle
    handle.stop()
    handle.app.extensions["twoway.feedback"].close()


@pytest.fixture()
def ext(playwright_instance, counted_server):
    b = Browser(playwright_instance, counted_server)
    yield b
    b.close()


def stats(server) -> dict:
    answer = requests.get(server.url + "/api/v1/team/stats", headers={"Authorization": f"Bearer {ADMIN}"}, timeout=30)
    return {r["rule"]: r for r in answer.json()["rules"]}


def open_card(page, text):
    pos = range_center(page, text)
    page.mouse.click(pos["x"], pos["y"])
    page.keyboard.press("Alt+Enter")
    page.wait_for_function("() => document.activeElement?.localName === 'twoway-card'")


def gone(page, text):
    page.wait_for_function("t => ![...CSS.highlights.values()].some(h => [...h].some(r => r.toString() === t))", arg=text)


def test_cards_send_keep_mute_and_fixed_and_nothing_when_off(ext, counted_server):
    server = counted_server
    page = ext.open(GMAIL_URL, page_html(gmail_dialog_fragment(), "Gmail"))
    page.locator(GMAIL_BODY).click()
    page.keyboard.type(TEXT + PRESSURE)
    wait_highlight(page, "hit my quota")
    wait_highlight(page, "Just checking in")
    rules = {i["text"]: i["rule"] for i in requests.post(server.url + "/api/v1/lint", json={"text": TEXT + PRESSURE}).json()["issues"]}

    # "Keep it" with a reason, tapped on the card.
    open_card(page, "hit my quota")
    assert in_shadow(page, "twoway-card", "return this.querySelector('.tw-card-keep').textContent;") == "Keep it"
    in_shadow(page, "twoway-card", "this.querySelector('.tw-card-reason[data-reason=\"reader_asked\"]').click();")
    gone(page, "hit my quota")
    # "Mute rule".
    open_card(page, "Just checking in")
    in_shadow(page, "twoway-card", "this.querySelector('.tw-card-mute').click();")
    gone(page, "Just checking in")
    wait_until(lambda: stats(server).get(rules["Just checking in"], {}).get("muted") == 1, 15, "the mute counted")
    row = stats(server)[rules["hit my quota"]]
    assert (row["kept"], row["kept_reasons"]["reader_asked"]) == (1, 1)
    assert row["shown"] == 1 and stats(server)[rules["Just checking in"]]["fixed"] == 0  # a mute is not a fix

    # A wording applied: fixed, once (not again when the next answer no longer has it).
    deadline = next(t for t in rules if "expires" in t)
    open_card(page, deadline)
    page.keyboard.press("Enter")                       # focus starts on the first wording
    gone(page, deadline)
    wait_answers(page, 2)
    wait_until(lambda: stats(server).get(rules[deadline], {}).get("fixed") == 1, 15, "the applied wording counted")

    # The rep's strictness goes with every lint; the server counts under it.
    ext.set_settings(profile="quiet")
    page.keyboard.press("Control+End")
    page.keyboard.type(" I need to hit my quota this quarter too.")
    wait_until(lambda: any(k[5] == "quiet" for k in server.app.extensions["twoway.feedback"].counts()[0]),
               15, "a lint under the rep's profile")

    # Feedback off: "Keep it" still hides the finding, and nothing reaches the server.
    ext.set_settings(feedback=False, profile="")
    before = stats(server)
    page.keyboard.type(" This offer expires tonight.")
    wait_highlight(page, "This offer expires tonight.")
    open_card(page, "This offer expires tonight.")
    in_shadow(page, "twoway-card", "this.querySelector('.tw-card-keep').click();")
    gone(page, "This offer expires tonight.")
    wait_until(lambda: len(ext.get_settings().get("ignored", {})) >= 1, 10, "the keep stored for the draft")
    page.wait_for_timeout(1000)
    after = stats(server)
    assert sum(r["kept"] + r["muted"] + r["fixed"] for r in after.values()) == \
        sum(r["kept"] + r["muted"] + r["fixed"] for r in before.values())

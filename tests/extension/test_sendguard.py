"""The send guard (content/sendguard.js) in real Chromium, on compose pages wired the way Gmail
and Outlook on the web wire Send (sendguard_pages.py), against the real server (LanguageTool off):
held with a placeholder, passes without (at once), "Send anyway" sends once and exactly what the
page would have sent, a stale answer is not trusted, a server down or slow never holds Send, the
options turn it off, and all of it by keyboard alone."""
from __future__ import annotations

import time
from http.server import BaseHTTPRequestHandler

import pytest

from ext_harness import Browser, ServerHandle, wait_answers
from loopback import LoopbackServer
from sendguard_pages import (GMAIL_BODY, GMAIL_SEND, GMAIL_URL, OUTLOOK_BODY, OUTLOOK_SEND, OUTLOOK_URL, gmail_page,
                             outlook_page)

DIALOG = "twoway-sendguard [role=alertdialog]"
PLACEHOLDER = "Hi {{first_name}},\n\nHow is the rollout going on your side?"
CLEAN = "Hi Sam,\n\nHow is the rollout going on your side?"


def sent(page) -> list[dict]:
    return page.evaluate("window.__sent")


def dialog_items(page) -> list[str]:
    return page.locator(DIALOG + " li .message").all_inner_texts()


def focused_action(page) -> str | None:
    return page.evaluate("""() => { const h = document.querySelector('twoway-sendguard');
      const a = h && h.shadowRoot.activeElement; return a ? a.dataset.action || null : null; }""")


def click_send(page, selector: str):
    """A real mouse click on Send (down, up, click at its middle). Not locator.click(): the dialog that
    opens on mousedown covers the button, which Playwright reads as a click that missed and retries."""
    page.locator(selector).scroll_into_view_if_needed()
    box = page.locator(selector).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def type_email(page, body_selector: str, text: str, answers: int = 1):
    page.locator(body_selector).click()
    for i, line in enumerate(text.split("\n")):
        if i:
            page.keyboard.press("Enter")
        page.keyboard.type(line)
    wait_answers(page, answers)


def gmail(browser, text: str):
    page = browser.open(GMAIL_URL, gmail_page())
    type_email(page, GMAIL_BODY, text)
    return page


def test_gmail_send_is_held_with_a_placeholder_and_go_back_sends_nothing(browser):
    page = gmail(browser, PLACEHOLDER)
    click_send(page, GMAIL_SEND)
    page.locator(DIALOG).wait_for()
    assert dialog_items(page) == ["Unfilled merge field “{{first_name}}”."]
    assert focused_action(page) == "back"        # Go back is the default
    page.locator(DIALOG + " [data-action=back]").click()
    assert page.locator("twoway-sendguard").count() == 0
    time.sleep(0.3)
    assert sent(page) == []
    assert page.evaluate("document.activeElement.getAttribute('g_editable')") == "true"   # back in the draft
    assert page.errors == []


def test_gmail_send_passes_untouched_at_once_without_a_placeholder(browser):
    page = gmail(browser, CLEAN)
    click_send(page, GMAIL_SEND)
    # No wait: the click reached the page's own handler in the same turn.
    assert [s["via"] for s in sent(page)] == ["click"]
    assert page.locator("twoway-sendguard").count() == 0


def test_send_anyway_sends_once_exactly_what_the_page_had(browser):
    page = gmail(browser, PLACEHOLDER)
    click_send(page, GMAIL_SEND)
    page.locator(DIALOG).wait_for()
    page.locator(DIALOG + " [data-action=send]").click()
    page.wait_for_function("window.__sent.length >= 1")
    time.sleep(0.5)
    [one] = sent(page)
    assert one["via"] == "click" and one["body"].replace("\u00a0", " ").split("\n")[0] == "Hi {{first_name}},"
    assert page.locator("twoway-sendguard").count() == 0
    counts = browser.get_settings().get("sendGuardCounts")
    assert counts == {"held": 1, "sentAnyway": 1}   # kept in this browser, nowhere else


def test_a_changed_text_is_linted_again_before_deciding(browser):
    page = gmail(browser, CLEAN)
    page.keyboard.type(" Say hi to {COMPANY}.")     # no pause: the last answer is for the old text
    page.keyboard.press("Control+Enter")
    page.locator(DIALOG).wait_for()
    assert dialog_items(page) == ["Unfilled merge field “{COMPANY}”."]
    assert sent(page) == []
    page.keyboard.press("Escape")
    assert page.locator("twoway-sendguard").count() == 0 and sent(page) == []


def test_keyboard_only(browser):
    page = gmail(browser, PLACEHOLDER)
    page.keyboard.press("Control+Enter")          # Gmail's shortcut, from the body
    page.locator(DIALOG).wait_for()
    assert focused_action(page) == "back"
    page.keyboard.press("Tab")
    assert focused_action(page) == "send"
    page.keyboard.press("Tab")
    assert focused_action(page) == "back"         # focus stays in the dialog
    page.keyboard.press("Enter")                  # Go back
    assert page.locator("twoway-sendguard").count() == 0 and sent(page) == []
    page.keyboard.press("Control+Enter")
    page.locator(DIALOG).wait_for()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")                  # Send anyway
    page.wait_for_function("window.__sent.length >= 1")
    time.sleep(0.3)
    assert [s["via"] for s in sent(page)] == ["shortcut"]
    # The Send button itself, focused and pressed with Enter.
    page.evaluate("window.__sent = []")
    page.locator(GMAIL_SEND).focus()
    page.keyboard.press("Enter")
    page.locator(DIALOG).wait_for()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")                  # Send anyway, with Space
    page.wait_for_function("window.__sent.length >= 1")
    time.sleep(0.3)
    assert [s["via"] for s in sent(page)] == ["button-key"]


def test_outlook_german_ui_held_then_sent_once(browser):
    page = browser.open(OUTLOOK_URL, outlook_page(subject="Angebot für {{company}}"))
    wait_answers(page)                            # the sample's body holds [placeholder ...] markers
    click_send(page, OUTLOOK_SEND)
    page.locator(DIALOG).wait_for()
    items = dialog_items(page)
    assert "Unfilled merge field “{{company}}”." in items
    assert "Unfilled placeholder “[placeholder greeting]”." in items
    assert sent(page) == []
    page.keyboard.press("Escape")
    page.locator(OUTLOOK_BODY).click()
    page.keyboard.press("Control+Enter")
    page.locator(DIALOG).wait_for()
    page.locator(DIALOG + " [data-action=send]").click()
    page.wait_for_function("window.__sent.length >= 1")
    time.sleep(0.5)
    assert [s["via"] for s in sent(page)] == ["shortcut"]
    assert page.errors == []


def test_outlook_clean_reply_passes(browser):
    page = browser.open(OUTLOOK_URL, outlook_page(subject="Re: Angebot", body_html=(
        '<div class="elementToProof">Hi Sam,</div><div class="elementToProof">Tuesday works for us.</div>')))
    wait_answers(page)
    click_send(page, OUTLOOK_SEND)
    assert [s["via"] for s in sent(page)] == ["click"]   # a real reply: no fake-Re: hold, no hold at all


def test_the_options_turn_it_off(browser):
    browser.set_settings(sendGuard=False)
    page = gmail(browser, PLACEHOLDER)
    click_send(page, GMAIL_SEND)
    assert [s["via"] for s in sent(page)] == ["click"]


@pytest.fixture
def own_server(playwright_instance):
    handle = ServerHandle().start()
    b = Browser(playwright_instance, handle)
    yield handle, b
    b.close()
    handle.stop()


def test_server_down_never_blocks(own_server):
    handle, browser = own_server
    page = browser.open(GMAIL_URL, gmail_page())
    page.locator(GMAIL_BODY).click()
    handle.stop()                                 # down before the draft is ever linted
    page.keyboard.type("Hi {{first_name}}, how is the rollout going?")
    started = time.monotonic()
    click_send(page, GMAIL_SEND)
    page.wait_for_function("window.__sent.length >= 1", timeout=5000)
    assert time.monotonic() - started < 3
    time.sleep(0.3)
    assert [s["via"] for s in sent(page)] == ["click"] and page.locator("twoway-sendguard").count() == 0


class _Slow(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's name)
        time.sleep(6)
        self.send_response(503)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_slow_server_never_blocks(browser):
    slow = LoopbackServer(_Slow)
    try:
        browser.set_settings(serverUrl=slow.url)
        page = browser.open(GMAIL_URL, gmail_page())
        page.locator(GMAIL_BODY).click()
        page.keyboard.type("Hi {{first_name}}, how is the rollout going?")
        page.keyboard.press("Control+Enter")
        page.wait_for_function("window.__sent.length >= 1", timeout=5000)   # the guard's 1.5 s, not the server's 6 s
        time.sleep(0.3)
        assert [s["via"] for s in sent(page)] == ["shortcut"]
    finally:
        slow.close()

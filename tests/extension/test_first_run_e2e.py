"""Issue 21 in Chromium: a quiet first run (the setup page on install; nothing sent and a calm
"set up" badge until it is saved), the toolbar popup (this site on/off and paused, Gmail included;
"Turn on for this site"), least privilege (each message answered only for its senders), what is
sent (code, search, password-like and spellcheck-off fields are not; quoted text is not), and the
one circuit breaker (down, slow, too long)."""
from __future__ import annotations

import time

import pytest

from twoway.definitions import CATEGORIES

from ext_harness import (GMAIL_URL, SITE_URL, Browser, ServerHandle, badge_info, gmail_dialog_fragment, page_html,
                         wait_highlight, wait_until)

QUOTA = "I need to hit my quota this month."
PRESSURE = "This price expires Friday, so sign today."


class CountingServer(ServerHandle):
    """The real server, counting the lint requests it gets (and optionally slow)."""

    def __init__(self, config=None):
        super().__init__(config)
        self.texts: list[str] = []
        self.delay = 0.0
        view = self.app.view_functions["api.lint"]

        def counted():
            from flask import request
            self.texts.append((request.get_json(silent=True) or {}).get("text", ""))
            time.sleep(self.delay)
            return view()

        self.app.view_functions["api.lint"] = counted


@pytest.fixture
def counting(playwright_instance):
    srv = CountingServer().start()
    yield srv
    srv.stop()


def extension_page(browser, path: str):
    page = browser.ctx.new_page()
    page.goto(f"chrome-extension://{browser.extension_id}/{path}")
    return page


def test_first_run_is_quiet_until_set_up(playwright_instance, counting):
    b = Browser(playwright_instance, None)               # a fresh install: nothing set up
    try:
        # The setup page opens by itself, once.
        # (the service worker's sleep lets playwright take in the page-opened event meanwhile)
        wait_until(lambda: b.sw.evaluate("() => new Promise((r) => setTimeout(r, 100))") or
                   any("options/options.html" in p.url for p in b.ctx.pages), 10, "the setup page")
        setup = next(p for p in b.ctx.pages if "options/options.html" in p.url)
        setup.wait_for_function("() => !document.getElementById('setup').hidden")
        assert setup.title() == "Set up Two-Way"
        assert b.sw.evaluate("() => chrome.action.getBadgeText({})") == "set"
        # Writing in Gmail now sends nothing and shows no error on the compose box.
        page = b.open(GMAIL_URL, page_html(gmail_dialog_fragment(), "Gmail"))
        page.locator('[g_editable="true"]').click()
        page.keyboard.type(QUOTA)
        page.wait_for_timeout(1500)
        assert counting.texts == []
        assert page.evaluate("() => document.querySelectorAll('twoway-badge').length") == 0
        # Setup: URL, Test connection, Save and start.
        setup.fill("#serverUrl", counting.url)
        setup.click("#test")
        setup.wait_for_function("() => document.getElementById('connection').dataset.outcome === 'ok'", timeout=20000)
        assert counting.texts == []                      # testing sends no draft
        assert setup.text_content("#save") == "Save and start"
        setup.click("#save")
        setup.wait_for_function("() => document.getElementById('setup').hidden")
        assert b.get_settings()["configured"] is True
        wait_until(lambda: b.sw.evaluate("() => chrome.action.getBadgeText({})") in ("", "…"), 10, "the badge cleared")
        # The open compose box starts by itself.
        wait_highlight(page, "hit my quota", timeout=20)
        assert counting.texts == [QUOTA]
    finally:
        b.close()


def popup(browser, url: str):
    page = extension_page(browser, "popup/popup.html?url=" + url)
    page.wait_for_function("() => document.body.dataset.ready === 'true'")
    return page


def test_popup_turns_gmail_off_and_pauses_it(browser, server):
    gmail = browser.open(GMAIL_URL, page_html(gmail_dialog_fragment(), "Gmail"))
    gmail.locator('[g_editable="true"]').click()
    gmail.keyboard.type(QUOTA)
    wait_highlight(gmail, "hit my quota")
    pop = popup(browser, "https://mail.google.com/mail/u/0/")
    assert pop.text_content("#siteName") == "mail.google.com"
    assert pop.text_content("#siteState") == "on"
    assert pop.locator("#siteOn").is_checked()
    pop.locator("#siteOn").uncheck()                       # off: the compose box is let go at once
    pop.wait_for_function("() => document.getElementById('siteState').textContent === 'off'")
    assert browser.get_settings()["off"] == ["https://mail.google.com"]
    gmail.wait_for_function("() => document.querySelectorAll('twoway-badge').length === 0")
    assert gmail.evaluate("() => [...CSS.highlights.keys()].every(k => !CSS.highlights.get(k).size)")
    pop.locator("#siteOn").check()
    gmail.wait_for_function("() => document.querySelectorAll('twoway-badge').length === 1")
    wait_highlight(gmail, "hit my quota")
    pop.click("#snooze")                                    # paused for an hour
    pop.wait_for_function("() => document.getElementById('siteState').textContent.startsWith('paused until')")
    assert browser.get_settings()["snoozed"]["https://mail.google.com"] > time.time() * 1000 + 3500 * 1000
    gmail.wait_for_function("() => document.querySelectorAll('twoway-badge').length === 0")
    pop.click("#resume")
    gmail.wait_for_function("() => document.querySelectorAll('twoway-badge').length === 1")
    assert pop.text_content("#serverText") == "Server connected"


def test_popup_turns_a_site_on_and_off(browser, server):
    """"Turn on for this site" asks for that one site's permission (granted here: this computer's
    is in the manifest), registers the scripts; turning it off unregisters them."""
    pop = popup(browser, "http://127.0.0.1:8080/crm/deal/7")
    assert pop.text_content("#siteState") == "off"
    assert pop.locator("#turnOn").is_visible()
    pop.click("#turnOn")
    pop.wait_for_function("() => document.getElementById('siteState').textContent === 'on'")
    assert browser.get_settings()["sites"] == ["http://127.0.0.1"]
    wait_until(lambda: browser.sw.evaluate("() => chrome.scripting.getRegisteredContentScripts()"), 10, "registered")
    reg = browser.sw.evaluate("() => chrome.scripting.getRegisteredContentScripts()")
    assert reg[0]["matches"] == ["http://127.0.0.1/*"] and reg[0]["allFrames"] is True
    pop.locator("#siteOn").uncheck()
    pop.wait_for_function("() => document.getElementById('siteState').textContent === 'off'")
    assert browser.get_settings()["sites"] == []
    wait_until(lambda: browser.sw.evaluate("() => chrome.scripting.getRegisteredContentScripts()") == [], 10, "unregistered")
    # A plain-http remote site cannot be turned on; a page that is not a site says so.
    pop2 = popup(browser, "http://crm.example.com/")
    assert not pop2.locator("#turnOn").is_visible()
    assert "https://" in pop2.text_content("#siteNote")


def test_messages_are_answered_only_for_their_senders(browser, server):
    """testConnection only from the options page; lint and settings only from content scripts; a
    web page has no way in at all."""
    pop = popup(browser, "https://mail.google.com/")
    send = "(m) => new Promise((r) => chrome.runtime.sendMessage(m, r))"
    refused = pop.evaluate(send, {"type": "testConnection", "serverUrl": server.url, "token": ""})
    assert refused["ok"] is False and refused["code"] == "forbidden"
    assert pop.evaluate(send, {"type": "lint", "text": QUOTA})["code"] == "forbidden"
    assert pop.evaluate(send, {"type": "settings"})["code"] == "forbidden"
    assert pop.evaluate(send, {"type": "mute", "rule": "x"})["code"] == "forbidden"
    opts = extension_page(browser, "options/options.html")
    assert opts.evaluate(send, {"type": "testConnection", "serverUrl": server.url, "token": ""})["outcome"] == "ok"
    assert opts.evaluate(send, {"type": "lint", "text": QUOTA})["code"] == "forbidden"
    page = browser.open(GMAIL_URL, page_html("<p>hi</p>", "Gmail"))
    assert page.evaluate("() => typeof chrome === 'undefined' || !chrome.runtime || !chrome.runtime.sendMessage")


def test_only_what_the_rep_writes_is_sent(playwright_instance, counting):
    b = Browser(playwright_instance, counting)
    try:
        b.turn_on_site("http://localhost")
        html = page_html(
            '<form><textarea id="note" rows="6" cols="60"></textarea></form>'
            '<div class="cm-editor"><div class="cm-content" contenteditable="true" id="code">x</div></div>'
            '<form role="search"><textarea id="q"></textarea></form>'
            '<textarea id="combo" role="combobox" aria-autocomplete="list"></textarea>'
            '<textarea id="codes" spellcheck="false"></textarea>'
            '<textarea id="secret" name="api_token"></textarea>', "CRM")
        page = b.open(SITE_URL, html)
        page.wait_for_function("() => document.querySelectorAll('twoway-badge').length === 1")
        for sel in ("#code", "#q", "#combo", "#codes", "#secret"):
            page.locator(sel).click()
            page.keyboard.type(" " + PRESSURE)
        page.locator("#note").click()
        page.keyboard.type("Thanks Sam, see below.\nOn Mon, 3 Feb 2025, Lee <lee@x.com> wrote:\n> " + QUOTA
                           + "\n-- \nAlex | " + PRESSURE)
        wait_until(lambda: counting.texts, 10, "a lint request")
        page.wait_for_timeout(1500)
        assert len(counting.texts) == 1, counting.texts
        sent = counting.texts[0]
        assert sent.startswith("Thanks Sam, see below.") and "quota" not in sent and "sign today" not in sent
        assert "wrote" not in sent
        # Every category off: nothing is sent.
        b.set_settings(categories={k: False for k in CATEGORIES})
        page.wait_for_function("() => document.querySelectorAll('twoway-badge').length === 0")
        page.locator("#note").click()
        page.keyboard.type(" More.")
        page.wait_for_timeout(1500)
        assert len(counting.texts) == 1
    finally:
        b.close()


def test_one_breaker_for_all_boxes_and_too_long_is_not_resent(playwright_instance):
    srv = CountingServer({"MAX_CHARS": 200}).start()
    port = srv.port
    b = Browser(playwright_instance, srv)
    try:
        dialog = gmail_dialog_fragment()
        page = b.open(GMAIL_URL, page_html(dialog + dialog + dialog, "Gmail"))
        page.wait_for_function("() => document.querySelectorAll('twoway-badge').length === 3")
        srv.stop()
        eds = page.locator('[g_editable="true"]')
        for i in range(3):
            eds.nth(i).click()
            page.keyboard.type(QUOTA)
        wait_until(lambda: all((badge_info(page, i) or {}).get("state") == "error" for i in range(3)), 15, "three errors")
        assert "unreachable" in badge_info(page, 0)["label"]
        # While the breaker is open the boxes wait for it: the background asks the server, not each box.
        srv.start(port)
        srv.texts.clear()
        wait_until(lambda: all((badge_info(page, i) or {}).get("state") == "ok" for i in range(3)), 45, "all three back")
        assert len(srv.texts) == 3
        # Too long for this server: said once, not sent again on every pause (only once shorter).
        srv.texts.clear()
        eds.nth(0).click()
        page.keyboard.press("Control+End")
        page.keyboard.type(" " + "We can go over the plan together whenever suits you. " * 4)
        wait_until(lambda: "longer than this server" in (badge_info(page, 0) or {}).get("label", ""), 15, "too long said")
        n = len(srv.texts)
        page.keyboard.type(" More words here.")
        page.wait_for_timeout(2000)
        assert len(srv.texts) == n, "a draft refused as too long was sent again"
    finally:
        b.close()
        srv.stop()


def test_slow_server_is_slow_not_unreachable(playwright_instance):
    srv = CountingServer().start()
    b = Browser(playwright_instance, srv)
    try:
        srv.delay = 6.0                                     # answers, slowly
        page = b.open(GMAIL_URL, page_html(gmail_dialog_fragment(), "Gmail"))
        page.locator('[g_editable="true"]').click()
        page.keyboard.type(QUOTA)
        wait_highlight(page, "hit my quota", timeout=20)
        status = extension_page(b, "popup/popup.html?url=https://mail.google.com/")
        status.wait_for_function("() => document.body.dataset.ready === 'true'")
        assert status.get_attribute("#serverDot", "data-state") == "slow"
        assert "slow" in status.text_content("#serverText")
        assert b.sw.evaluate("() => chrome.action.getBadgeText({})") == "…"
    finally:
        b.close()
        srv.stop()

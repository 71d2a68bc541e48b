"""The options page in Chromium: "Test connection" names each setup mistake (against real servers on
loopback and a closed port), the URL typed is normalised, category switches apply at once."""
from __future__ import annotations

import socket

import pytest

from ext_harness import GMAIL_URL, ServerHandle, badge_info, gmail_dialog_fragment, page_html, wait_highlight, wait_until
from twoway import __version__

TOKEN = "s3cret"


@pytest.fixture(scope="module")
def token_server():
    srv = ServerHandle({"API_TOKEN": TOKEN}).start()
    yield srv
    srv.stop()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def options_page(browser):
    page = browser.ctx.new_page()
    page.goto(f"chrome-extension://{browser.extension_id}/options/options.html")
    page.wait_for_function("() => document.getElementById('serverUrl').value !== ''")
    return page


def test_connection(page, url: str, token: str = "") -> tuple[str, str, str]:
    """(outcome, message, the URL field after) for a click on "Test connection"."""
    page.fill("#serverUrl", url)
    page.fill("#token", token)
    page.click("#test")
    page.wait_for_function("() => { const o = document.getElementById('connection').dataset.outcome;"
                           " return o && o !== 'testing'; }", timeout=20000)
    return (page.get_attribute("#connection", "data-outcome"), page.text_content("#connection"),
            page.input_value("#serverUrl"))


test_connection.__test__ = False   # a helper, not a test


def test_each_connection_outcome_is_named(browser, server, token_server):
    page = options_page(browser)
    root = server.url
    port = server.port

    outcome, text, _ = test_connection(page, root)
    assert outcome == "ok" and __version__ in text

    outcome, text, _ = test_connection(page, f"http://127.0.0.1:{closed_port()}")
    assert outcome == "unreachable" and "unreachable" in text

    outcome, text, field = test_connection(page, f"https://127.0.0.1:{port}")
    assert outcome == "wrong_scheme"
    assert f"use http://127.0.0.1:{port}" in text

    outcome, text, field = test_connection(page, f"{root}/twoway/")
    assert (outcome, field) == ("wrong_path", f"{root}/twoway")
    assert f"use {root} " in text

    outcome, text, _ = test_connection(page, token_server.url)
    assert outcome == "token_missing" and "needs an API token" in text
    outcome, text, _ = test_connection(page, token_server.url, "not-it")
    assert outcome == "token_wrong" and "rejected the API token" in text
    outcome, text, _ = test_connection(page, token_server.url, TOKEN)
    assert outcome == "ok" and __version__ in text
    # Testing saves nothing.
    assert browser.get_settings()["serverUrl"] == server.url


def test_url_is_normalised_and_saved(browser, server):
    page = options_page(browser)
    # No scheme, a trailing /api/v1/: made usable, shown back, saved, and tested on Save.
    # (127.0.0.1: the harness routes every other host to its test pages.)
    outcome, _, field = test_connection(page, f"127.0.0.1:{server.port}/api/v1/")
    assert (outcome, field) == ("ok", server.url)
    page.fill("#serverUrl", f"127.0.0.1:{server.port}/api")
    page.click("#save")
    page.wait_for_function("() => document.getElementById('connection').dataset.outcome === 'ok'", timeout=20000)
    assert page.input_value("#serverUrl") == server.url
    assert browser.get_settings()["serverUrl"] == server.url
    page.fill("#serverUrl", "ftp://127.0.0.1/")
    page.click("#save")
    page.wait_for_function("() => document.getElementById('connection').dataset.outcome === 'invalid'")
    assert browser.get_settings()["serverUrl"] == server.url


def test_category_switch_applies_without_save(browser, server):
    page = browser.open(GMAIL_URL, page_html(gmail_dialog_fragment(), "Gmail"))
    page.locator('[g_editable="true"]').click()
    page.keyboard.type("I need to hit my quota this month. This price expires Friday, so sign today.")
    wait_highlight(page, "hit my quota")
    assert page.evaluate("() => CSS.highlights.get('twoway-pressure')?.size") > 0
    options = options_page(browser)
    options.locator("#categories input[data-category=pressure]").uncheck()
    page.wait_for_function("() => !(CSS.highlights.get('twoway-pressure')?.size)")
    assert browser.get_settings()["categories"]["pressure"] is False
    options.locator("#categories input[data-category=pressure]").check()
    page.wait_for_function("() => CSS.highlights.get('twoway-pressure')?.size > 0")


def badge_title(page) -> str:
    info = badge_info(page)
    return info["label"] if info else ""


def wait_title(page, needle: str, timeout: float = 15.0):
    wait_until(lambda: needle in badge_title(page), timeout, f"the badge saying {needle!r}")


def test_badge_says_what_is_wrong_and_keeps_retrying(browser, server, token_server):
    # A server URL with a path: no Two-Way there. The badge says which URL to use, and linting
    # starts by itself once the setting is fixed (retries never stop).
    browser.set_settings(serverUrl=server.url + "/twoway")
    page = browser.open(GMAIL_URL, page_html(gmail_dialog_fragment(), "Gmail"))
    page.locator('[g_editable="true"]').click()
    page.keyboard.type("I need to hit my quota this month.")
    page.wait_for_function("() => document.querySelector('twoway-badge')?.dataset.state === 'error'", timeout=15000)
    assert f"No Two-Way server at {server.url}/twoway: use {server.url} " in badge_title(page)
    # https:// for the plain-http server: said so, and the error stays up through the retries
    # (no flicker back to "reading").
    browser.set_settings(serverUrl=f"https://127.0.0.1:{server.port}")
    wait_title(page, f"use {server.url} ")
    states = page.evaluate("""() => new Promise((done) => {
      const b = document.querySelector('twoway-badge'), seen = [b.dataset.state];
      new MutationObserver(() => seen.push(b.dataset.state)).observe(b, {attributes: true, attributeFilter: ['data-state']});
      setTimeout(() => done(seen), 3500); })""")
    assert set(states) == {"error"}, states
    browser.set_settings(serverUrl=server.url)
    wait_highlight(page, "hit my quota", timeout=20)

    # A wrong token reads as wrong, not as missing.
    browser.set_settings(serverUrl=token_server.url, token="not-it")
    page.keyboard.type(" Thanks.")
    wait_title(page, "rejected the API token", 40)
    browser.set_settings(token="")
    page.keyboard.type(" Bye.")
    wait_title(page, "needs an API token", 40)
    browser.set_settings(token=TOKEN)
    page.wait_for_function("() => document.querySelector('twoway-badge')?.dataset.state === 'ok'", timeout=20000)

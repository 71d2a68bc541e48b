"""Issue 21 in Firefox ESR (geckodriver + selenium, ff_harness.py): the three reproductions (a
textarea's .value set by the page, a mention chip in the flagged sentence, overlapping site syncs),
an image inside the flagged sentence on each editor family, "Applied - Undo", the senders the
background answers, the popup turning a site off, a hidden tab sending nothing, and the first-run
setup page. Pages on http://localhost (a site the rep turned on)."""
from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from editor_pages import EDITORS
from ext_harness import HIGHLIGHTS_JS, page_html
from ff_harness import ADDON_UUID, FirefoxBrowser, available
from test_first_run_e2e import CountingServer
from test_trust_e2e import CHIP_BODY, FILLER, IMG, IMAGE_FAMILIES, PRESSURE, SET_CONTENT, WORDING, ckeditor_with_images

EXT_URL = f"moz-extension://{ADDON_UUID}"


@pytest.fixture(scope="module")
def firefox(server):
    missing = available()
    if missing:
        pytest.fail(missing)
    from test_editors_firefox import NpmServer

    npm = NpmServer()
    b = FirefoxBrowser(server)
    b.npm = npm
    yield b
    b.close()
    npm.stop()


@pytest.fixture
def tab(firefox):
    """Each test's page in a tab of its own, closed after."""
    yield firefox
    d = firefox.driver
    for handle in d.window_handles:
        if handle != firefox.options_tab:
            d.switch_to.window(handle)
            d.close()
    d.switch_to.window(firefox.options_tab)


def restore_site(ff):
    """http://localhost turned on again, its scripts registered, before the next page loads."""
    ff.set_settings(sites=["http://localhost"])
    ff.wait(lambda: ff.extension_eval("return (await browser.scripting.getRegisteredContentScripts())"
                                      ".map((s) => s.matches.join())") == ["http://localhost/*"], what="the site registered")


def underlined(ff) -> list[str]:
    return sorted(h["text"] for h in ff.js("return (" + HIGHLIGHTS_JS + ")()"))


def notice(ff) -> str:
    return ff.js("const n = document.querySelector('twoway-notice'); return n ? n.dataset.state : '';")


def card_mode(ff) -> str:
    return ff.js("const c = document.querySelector('twoway-card'); return c ? c.dataset.mode : '';")


def caret_into(ff, text: str, el_id: str):
    """The caret two characters into the underline with this text (a contenteditable)."""
    ff.js("""const t = arguments[0]; document.getElementById(arguments[1]).focus();
      for (const [n, h] of CSS.highlights) { if (!n.startsWith('twoway-')) continue;
        for (const r of h) if (r.toString() === t) { getSelection().collapse(r.startContainer, r.startOffset + 2); return; } }""",
          text, el_id)


def alt_enter_into_card(ff):
    ff.chord(Keys.ALT, Keys.ENTER)
    ff.wait(lambda: ff.js("return document.activeElement && document.activeElement.localName") == "twoway-card",
            what="focus in the card")


def test_firefox_textarea_value_set_by_the_page(tab, server):
    ff = tab
    ff.open("/crm/value", page_html('<textarea id="t" rows="8" cols="70"></textarea>', "CRM"))
    ff.wait(lambda: ff.js("return !!document.querySelector('twoway-badge')"), what="the badge")
    ff.driver.find_element("id", "t").click()
    ff.keys(FILLER + " " + PRESSURE)
    ff.wait(lambda: PRESSURE in underlined(ff), what="the deadline underlined")
    ff.js("const t = document.getElementById('t'); t.value = 'Hi Sam, thanks. ' + t.value;")
    now = ff.js("return document.getElementById('t').value")
    ff.js("const t = document.getElementById('t'); t.focus(); t.setSelectionRange(arguments[0], arguments[0]);", now.index(PRESSURE) + 3)
    alt_enter_into_card(ff)
    ff.keys(Keys.ENTER)
    ff.wait(lambda: WORDING in ff.js("return document.getElementById('t').value"), what="the wording")
    assert ff.js("return document.getElementById('t').value") == now.replace(PRESSURE, WORDING)
    ff.wait(lambda: notice(ff) == "applied", what="Applied")


def test_firefox_mention_chip_is_never_deleted(tab, server):
    ff = tab
    ff.open("/crm/chip", page_html(CHIP_BODY, "CRM"))
    flagged = "This price expires Friday, @Sam Lee so sign today."
    ff.wait(lambda: flagged in underlined(ff), what="the sentence with the chip underlined")
    before = ff.js("return document.getElementById('ed').innerHTML")
    caret_into(ff, flagged, "ed")
    alt_enter_into_card(ff)
    assert card_mode(ff) == "copy"
    ff.keys(Keys.ENTER)
    ff.wait(lambda: notice(ff) == "copied", what="copied, not applied")
    assert ff.js("return document.getElementById('ed').innerHTML") == before


def test_firefox_applied_then_undo(tab, server):
    ff = tab
    ff.open("/crm/undo", page_html('<div id="ed" contenteditable="true" style="min-height:120px"></div>', "CRM"))
    ff.wait(lambda: ff.js("return !!document.querySelector('twoway-badge')"), what="the badge")
    ff.driver.find_element("id", "ed").click()
    ff.keys(FILLER + " " + PRESSURE)
    ff.wait(lambda: PRESSURE in underlined(ff), what="the deadline underlined")
    before = ff.js("return document.getElementById('ed').innerText")
    caret_into(ff, PRESSURE, "ed")
    alt_enter_into_card(ff)
    assert card_mode(ff) == "apply"
    ff.keys(Keys.ENTER)
    ff.wait(lambda: notice(ff) == "applied", what="Applied")
    assert ff.js("return document.getElementById('ed').innerText") == before.replace(PRESSURE, WORDING)
    box = ff.js("const r = document.querySelector('twoway-notice').getBoundingClientRect();"
                " return {x: r.right - 24, y: r.top + r.height / 2};")
    ff.click_at(box["x"], box["y"])
    ff.wait(lambda: notice(ff) == "undone", what="Undone")
    assert ff.js("return document.getElementById('ed').innerText") == before


def test_firefox_overlapping_site_syncs(tab):
    """Reproduction 3 in Firefox: two syncs and a storage change at once leave every site registered."""
    ff = tab
    try:
        got = ff.extension_eval("""const bg = await browser.runtime.getBackgroundPage();
          await Promise.all([bg.syncSiteScripts(), browser.storage.local.set({sites: ['http://localhost', 'http://127.0.0.1']}),
                             bg.syncSiteScripts()]);
          await new Promise((r) => setTimeout(r, 1500));
          return (await browser.scripting.getRegisteredContentScripts()).map((s) => [s.matches.slice().sort(), s.allFrames]);""")
        assert got == [[["http://127.0.0.1/*", "http://localhost/*"], True]]
    finally:
        restore_site(ff)


@pytest.mark.parametrize("name", IMAGE_FAMILIES)
def test_firefox_editor_family_image_inside_the_flagged_sentence(tab, server, name):
    from test_editors_firefox import FirefoxEditor

    ff = tab
    url, html, spec = ckeditor_with_images() if name == "ckeditor5" else EDITORS[name]()
    html = html.replace("http://localhost/npm/", ff.npm.url)
    ff.open("/" + url.split("/", 3)[3], html)
    ed = FirefoxEditor(ff, spec)
    ff.js("return (" + SET_CONTENT[name] + ")(arguments[0])", f"<p>{FILLER} This price expires Friday, {IMG} so sign today.</p>")
    flagged = "This price expires Friday,  so sign today."
    drawn = ff.wait(lambda: next((t for t in ed.underlined() if t.replace("\u00a0", " ") == flagged), None),
                    what="the sentence with the image underlined")
    html_before = ed.html()
    x, y = ed.center(drawn)
    ff.click_at(x, y)
    alt_enter_into_card(ff)
    assert card_mode(ff) == "copy"
    ff.keys(Keys.ENTER)
    ff.wait(lambda: notice(ff) == "copied", what="copied, not applied")
    assert ed.html() == html_before


def test_firefox_messages_are_answered_only_for_their_senders(tab, server):
    ff = tab
    send = "return await new Promise((r) => browser.runtime.sendMessage(args[0]).then(r, (e) => r({error: String(e)})));"
    assert ff.extension_eval(send, {"type": "testConnection", "serverUrl": server.url, "token": ""})["outcome"] == "ok"
    assert ff.extension_eval(send, {"type": "lint", "text": PRESSURE})["code"] == "forbidden"
    assert ff.extension_eval(send, {"type": "settings"})["code"] == "forbidden"
    # The popup may not test connections (only the options page may).
    d = ff.driver
    ff._open_extension_page(EXT_URL + "/popup/popup.html?url=http://localhost/")
    ff.wait(lambda: d.execute_script("return document.body && document.body.dataset.ready") == "true", what="the popup")
    answer = d.execute_async_script("const done = arguments[arguments.length - 1];"
                                    " browser.runtime.sendMessage(arguments[0]).then(done, (e) => done({error: String(e)}));",
                                    {"type": "testConnection", "serverUrl": server.url, "token": ""})
    assert answer["code"] == "forbidden"
    # The page itself has no way to talk to the add-on.
    ff.open("/crm/nothing", page_html("<p>hi</p>", "CRM"))
    assert ff.js("return typeof browser === 'undefined' && (typeof chrome === 'undefined' || !chrome.runtime)")


def test_firefox_popup_turns_the_site_off(tab, server):
    ff = tab
    try:
        ff.open("/crm/popup", page_html('<div id="ed" contenteditable="true" style="min-height:120px"></div>', "CRM"))
        ff.wait(lambda: ff.js("return document.querySelectorAll('twoway-badge').length") == 1, what="the badge")
        page = ff.driver.current_window_handle
        d = ff.driver
        ff._open_extension_page(EXT_URL + f"/popup/popup.html?url={ff.pages.url('/crm/popup')}")
        ff.wait(lambda: d.execute_script("return document.body && document.body.dataset.ready") == "true", what="the popup")
        assert d.find_element("id", "siteState").text == "on"
        d.find_element("id", "siteOn").click()                 # off
        ff.wait(lambda: d.find_element("id", "siteState").text == "off", what="off")
        assert ff.get_settings()["sites"] == []
        d.switch_to.window(page)
        ff.wait(lambda: ff.js("return document.querySelectorAll('twoway-badge').length") == 0, what="the box let go")
    finally:
        restore_site(ff)


def test_firefox_hidden_tab_sends_nothing(tab):
    ff = tab
    srv = CountingServer().start()
    try:
        ff.set_settings(serverUrl=srv.url)
        ff.open("/crm/hidden", page_html('<textarea id="t" rows="6" cols="60"></textarea>', "CRM"))
        ff.wait(lambda: ff.js("return !!document.querySelector('twoway-badge')"), what="the badge")
        page = ff.driver.current_window_handle
        ff.driver.find_element("id", "t").click()
        ff.keys("Hi Sam, " + PRESSURE)
        ff.wait(lambda: len(srv.texts) == 1, what="one lint")
        # The page changes the text while the tab is in the background: nothing is sent until it is shown.
        ff.driver.switch_to.new_window("tab")
        ff.driver.get("about:blank")
        other = ff.driver.current_window_handle
        ff.driver.switch_to.window(page)
        ff.js("const t = document.getElementById('t'); t.value += ' More.'; t.dispatchEvent(new Event('input'));")
        ff.driver.switch_to.window(other)
        with ff.driver.context(ff.driver.CONTEXT_CHROME):
            ff.driver.execute_script("gBrowser.selectedTab = gBrowser.tabs[gBrowser.tabs.length - 1];")
        time.sleep(2)
        assert len(srv.texts) == 1, srv.texts
        ff.driver.switch_to.window(page)
        with ff.driver.context(ff.driver.CONTEXT_CHROME):
            ff.driver.execute_script("gBrowser.selectedTab = gBrowser.tabs[gBrowser.tabs.length - 2];")
        ff.wait(lambda: len(srv.texts) == 2, what="the lint once the tab is shown")
        assert srv.texts[-1].endswith("More.")
    finally:
        ff.set_settings(serverUrl=ff.server.url)
        srv.stop()


def test_firefox_first_run_setup_page(tab):
    ff = tab
    try:
        ff.set_settings(configured=False)
        d = ff.driver
        d.switch_to.window(ff.options_tab)
        d.refresh()
        ff.wait(lambda: d.execute_script("return !document.getElementById('setup').hidden"), what="the setup section")
        assert d.title == "Set up Two-Way"
        ff.open("/crm/quiet", page_html('<div id="ed" contenteditable="true" style="min-height:120px"></div>', "CRM"))
        time.sleep(1.5)
        assert ff.js("return document.querySelectorAll('twoway-badge').length") == 0   # quiet: nothing watched
    finally:
        ff.set_settings(configured=True)

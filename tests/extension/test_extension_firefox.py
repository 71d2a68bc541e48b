"""End-to-end in Firefox ESR (geckodriver + selenium): the add-on installs, and the core flow works
on a contenteditable and on a textarea: underlines where the server flags, the card, a replacement
applied to exactly its span, undo back to the draft. Against the real server (LanguageTool off).

The pages are served on http://localhost:PORT (the "other sites" path of the add-on); Chromium's
suite covers the webmail URLs."""
from __future__ import annotations

import json
import subprocess
import sys
import tomllib
import zipfile

import pytest
import requests
from selenium.webdriver.common.keys import Keys

from ext_harness import EXT, HIGHLIGHTS_JS, ROOT, page_html
from ff_harness import ADDON_ID, FirefoxBrowser, addon_state, available, start_driver

# A filler line and a deadline: the rule pack offers a wording for at least one of them.
ONE_WAY = "Just checking in to see if you had a chance to look. This price expires Friday, so sign today."


@pytest.fixture(scope="module")
def firefox(server):
    missing = available()
    if missing:
        pytest.fail(missing)
    b = FirefoxBrowser(server)
    yield b
    b.close()


def lint(server, text: str) -> list[dict]:
    resp = requests.post(server.url + "/api/v1/lint", json={"text": text, "grammar": False}, timeout=10)
    resp.raise_for_status()
    return [i for i in resp.json()["issues"] if i["end"] > i["start"] and i["field"] == "body"]


def underlined(ff) -> list[str]:
    return sorted(h["text"] for h in ff.js("return (" + HIGHLIGHTS_JS + ")()"))


def range_center(ff, text: str):
    return ff.js("""const t = arguments[0];
      for (const [n, h] of CSS.highlights) { if (!n.startsWith('twoway-')) continue;
        for (const r of h) if (r.toString() === t) { const q = r.getClientRects()[0];
          return {x: q.left + q.width / 2, y: q.top + q.height / 2}; } }
      return null;""", text)


def card(ff) -> dict:
    return ff.js("const c = document.querySelector('twoway-card'); return c ? {...c.dataset} : {};")


def apply_first_replacement_and_undo(ff, server, read_text):
    """Underlines = the server's spans; click a span -> card for its rule; apply its first wording; undo."""
    issues = lint(server, ONE_WAY)
    issue = next(i for i in issues if i["replacements"])     # the first finding that offers a wording
    span = issue["text"]
    ff.wait(lambda: underlined(ff) == sorted(i["text"] for i in issues), what="underlines equal to the server's spans")
    before = read_text()

    pos = range_center(ff, span)
    ff.click_at(pos["x"], pos["y"])                           # caret into the underline: the card opens
    ff.wait(lambda: card(ff).get("open") == "true" and "rule" not in card(ff), what="the card for the rule")
    ff.chord(Keys.ALT, Keys.ENTER)                            # focus into the card
    ff.wait(lambda: ff.js("return document.activeElement && document.activeElement.localName") == "twoway-card",
            what="focus in the card")
    ff.keys(Keys.ENTER)                                       # the first wording
    replacement = issue["replacements"][0]
    ff.wait(lambda: replacement in read_text(), what="the replacement in the draft")
    assert read_text() == before.replace(span, replacement, 1)   # exactly its span, nothing else
    assert span not in underlined(ff)

    ff.chord(Keys.CONTROL, "z")
    ff.wait(lambda: read_text() == before, what="undo back to the draft")
    ff.wait(lambda: span in underlined(ff), what="the span underlined again after the undo")


def test_firefox_contenteditable(firefox, server):
    ff = firefox
    # The browser is one the manifest admits (strict_min_version: ESR 140 and later).
    gecko = json.loads((EXT / "manifest.json").read_text())["browser_specific_settings"]["gecko"]
    running = ff.driver.capabilities["browserVersion"]
    assert int(running.split(".")[0]) >= int(gecko["strict_min_version"].split(".")[0]), running
    ff.open("/crm/compose", page_html('<div id="ed" contenteditable="true" style="min-height:120px"></div>', "CRM"))
    ff.wait(lambda: ff.js("return !!document.querySelector('twoway-badge')"), what="the badge (content script on)")
    ff.driver.find_element("id", "ed").click()
    ff.keys(ONE_WAY)
    # Firefox ESR draws these with the CSS Custom Highlight API (no fallback needed from 140 on).
    assert ff.js("return typeof Highlight === 'function' && CSS.highlights instanceof HighlightRegistry")
    apply_first_replacement_and_undo(ff, server, lambda: ff.js("return document.getElementById('ed').innerText").strip())
    assert ff.js("return document.querySelector('twoway-badge').dataset.state") == "ok"


def test_firefox_textarea(firefox, server):
    ff = firefox
    ff.open("/crm/reply", page_html('<textarea id="t" rows="8" cols="60" style="font:15px/1.4 monospace"></textarea>', "CRM"))
    ff.wait(lambda: ff.js("return !!document.querySelector('twoway-badge')"), what="the badge (content script on)")
    ff.driver.find_element("id", "t").click()
    ff.keys(ONE_WAY)
    apply_first_replacement_and_undo(ff, server, lambda: ff.js("return document.getElementById('t').value"))


def test_firefox_badge_opens_the_options(firefox, server):
    ff = firefox
    ff.open("/crm/badge", page_html('<div id="ed" contenteditable="true" style="min-height:120px"></div>', "CRM"))
    ff.wait(lambda: ff.js("return !!document.querySelector('twoway-badge')"))
    ff.driver.find_element("id", "ed").click()
    ff.keys(ONE_WAY)
    ff.wait(lambda: ff.js("return document.querySelector('twoway-badge').dataset.state") == "ok")
    box = ff.js("const r = document.querySelector('twoway-badge').getBoundingClientRect();"
                " return {x: r.right - 12, y: r.bottom - 10};")
    editor = ff.js("return document.getElementById('ed').getBoundingClientRect().bottom")
    ff.click_at(box["x"], box["y"])                           # the badge: its panel opens
    ff.wait(lambda: ff.js("return document.querySelector('twoway-badge').dataset.panel") == "open")
    # The "Two-Way options" button: the panel's last row, next to the badge when the panel opens
    # above it, at the far end when it opens below (no room above a body at the page's top).
    box = ff.js("""const h = document.querySelector('twoway-badge'), r = h.getBoundingClientRect();
      return {x: r.right - 30, y: h.dataset.panelSide === 'below' ? r.bottom - 14 : r.bottom - 44,
              side: h.dataset.panelSide};""")
    assert box["side"] == "below"
    # The badge itself stayed where it was, inside the compose box.
    assert ff.js("return document.querySelector('twoway-badge').getBoundingClientRect().top") < editor
    assert ff.selected_tab_url() != ff.options_url
    ff.click_at(box["x"], box["y"])
    # runtime.openOptionsPage: the options tab (already open in this profile) comes to the front.
    ff.wait(lambda: ff.selected_tab_url() == ff.options_url, what="the options tab selected")


def test_firefox_options_test_connection(firefox, server):
    """The options page in Firefox: the URL typed without a scheme and with /api is normalised and
    the event page answers "Test connection" with the server's version."""
    from twoway import __version__

    ff = firefox
    d = ff.driver
    d.switch_to.window(ff.options_tab)
    field = d.find_element("id", "serverUrl")
    field.clear()
    field.send_keys(f"127.0.0.1:{server.port}/api")
    d.find_element("id", "test").click()
    ff.wait(lambda: d.find_element("id", "connection").get_attribute("data-outcome") not in (None, "", "testing"))
    assert d.find_element("id", "connection").get_attribute("data-outcome") == "ok"
    assert __version__ in d.find_element("id", "connection").text
    assert field.get_attribute("value") == server.url


def test_packaged_xpi_installs_for_good(tmp_path):
    """The `make package` xpi installs as a regular (not temporary) add-on; unsigned, which Firefox
    ESR allows with xpinstall.signatures.required off (as a team's managed install would)."""
    missing = available()
    if missing:
        pytest.fail(missing)
    subprocess.run([sys.executable, str(ROOT / "mk" / "package_extension.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True, timeout=300)
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    xpi = tmp_path / f"two-way-firefox-{version}.xpi"
    with zipfile.ZipFile(xpi) as z:
        assert z.read("manifest.json")
    driver = start_driver(prefs={"xpinstall.signatures.required": False})
    try:
        assert driver.install_addon(str(xpi)) == ADDON_ID
        assert addon_state(driver) == {"active": True, "version": version, "temporary": False}
    finally:
        driver.quit()

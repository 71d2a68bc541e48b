"""The editor families of test_editors_e2e.py in Firefox ESR (geckodriver + selenium, the harness of
ff_harness.py): body found, underlines = the server's spans, the card, the wording replaces exactly
its span, Ctrl+Z restores exactly the draft, Alt+Enter in a word splits nothing, the editor's DOM
untouched while hovering. Pages on http://localhost (a site the rep turned on); the packages from
node_modules on a second loopback port. Outlook needs its real URL, which only Chromium's routing
serves: it is covered there."""
from __future__ import annotations

import mimetypes
import time
from http.server import BaseHTTPRequestHandler

import pytest
import requests

ff_harness = pytest.importorskip("ff_harness", reason="the Firefox harness (ff_harness.py) is not in this tree")
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.actions.action_builder import ActionBuilder  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

from editor_pages import EDITORS  # noqa: E402
from ext_harness import HIGHLIGHTS_JS, NODE_MODULES  # noqa: E402
from test_editors_e2e import GREETING, LINE, with_wording  # noqa: E402
from loopback import LoopbackServer

FIREFOX_EDITORS = sorted(n for n in EDITORS if not n.startswith("outlook"))


class NpmServer:
    """node_modules over HTTP on loopback, with CORS (module scripts from another port)."""

    def __init__(self):
        root = NODE_MODULES.resolve()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                path = (root / self.path.split("?")[0].lstrip("/")).resolve()
                ok = root in path.parents and path.is_file()
                body = path.read_bytes() if ok else b""
                self.send_response(200 if ok else 404)
                ctype = "text/javascript" if path.suffix in (".js", ".mjs") else (mimetypes.guess_type(path.name)[0] or "application/octet-stream")
                self.send_header("Content-Type", ctype)
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._server = LoopbackServer(Handler, host_name="localhost")
        self.url = self._server.url + "/"

    def stop(self):
        self._server.close()


@pytest.fixture(scope="module")
def firefox(server):
    missing = ff_harness.available()
    if missing:
        pytest.fail(missing)
    npm = NpmServer()
    b = ff_harness.FirefoxBrowser(server)
    b.npm = npm
    yield b
    b.close()
    npm.stop()


def lint(server, text):
    resp = requests.post(server.url + "/api/v1/lint", json={"text": text, "grammar": False}, timeout=10)
    resp.raise_for_status()
    return [i for i in resp.json()["issues"] if i["end"] > i["start"] and i["field"] == "body"]


class FirefoxEditor:
    def __init__(self, ff, spec):
        self.ff, self.d, self.spec = ff, ff.driver, spec
        ff.wait(lambda: ff.js("return window.editorReady === true"), timeout=20, what="the editor")
        self.frame = self.d.find_element("css selector", spec["frame"]) if spec["frame"] else None
        self.origin = (0, 0)
        if self.frame:
            self.origin = tuple(ff.js("const r = arguments[0].getBoundingClientRect();"
                                      " return [r.left + arguments[0].clientLeft, r.top + arguments[0].clientTop];", self.frame))
            ff.wait(lambda: self.js("return document.body && document.body.isContentEditable"), what="the iframe's body")

    def js(self, script, *args):
        if self.frame:
            self.d.switch_to.frame(self.frame)
        try:
            return self.d.execute_script(script, *args)
        finally:
            if self.frame:
                self.d.switch_to.default_content()

    def text(self):
        return self.js("return document.querySelector(arguments[0]).innerText", self.spec["editable"]).replace("\u00a0", " ").strip("\n")

    def html(self):
        return self.js("return document.querySelector(arguments[0]).innerHTML", self.spec["editable"])

    def underlined(self):
        return sorted(h["text"] for h in self.js("return (" + HIGHLIGHTS_JS + ")()"))

    def center(self, text):
        pos = self.js("""const t = arguments[0];
          for (const [n, h] of CSS.highlights) { if (!n.startsWith('twoway-')) continue;
            for (const r of h) if (r.toString() === t) { const q = r.getClientRects()[0];
              return [q.left + q.width / 2, q.top + q.height / 2]; } } return null;""", text)
        assert pos, f"no underline on {text!r}"
        return pos[0] + self.origin[0], pos[1] + self.origin[1]


def move_to(ff, x, y, click=False):
    builder = ActionBuilder(ff.driver)
    builder.pointer_action.move_to_location(int(x), int(y))
    if click:
        builder.pointer_action.click()
    builder.perform()


def card(ff):
    return ff.js("const c = document.querySelector('twoway-card'); return c ? {...c.dataset} : {};")


@pytest.mark.parametrize("name", FIREFOX_EDITORS)
def test_editor_family_in_firefox(firefox, server, name):
    ff = firefox
    url, html, spec = EDITORS[name](npm=ff.npm.url)
    ff.open("/" + url.split("/", 3)[3], html)
    try:
        ed = FirefoxEditor(ff, spec)
        target = ed.frame or ff.driver.find_element("css selector", spec["editable"])
        target.click()
        ActionChains(ff.driver).send_keys(GREETING, Keys.ENTER, LINE).perform()
        issues = lint(server, GREETING + "\n" + LINE)
        want = sorted(i["text"] for i in issues)
        issue = with_wording(issues)
        flagged = issue["text"]
        ff.wait(lambda: ed.underlined() == want, what=f"underlines {want}")
        before = ed.text()
        assert before.replace("\n\n", "\n") == GREETING + "\n" + LINE

        ed.js("""window.__twRecords = []; new MutationObserver((rs) => { for (const r of rs) __twRecords.push(r.type); })
          .observe(document.querySelector(arguments[0]), {subtree: true, childList: true, attributes: true, characterData: true});""",
              spec["editable"])
        x, y = ed.center(flagged)
        move_to(ff, x, y)
        ff.wait(lambda: card(ff).get("open") == "true" and "rule" not in card(ff), what="the card on hover")
        move_to(ff, 2, 2)
        ff.wait(lambda: card(ff).get("open") != "true", what="the card closed")
        assert ed.js("return window.__twRecords") == []

        move_to(ff, x, y, click=True)
        ActionChains(ff.driver).key_down(Keys.ALT).send_keys(Keys.ENTER).key_up(Keys.ALT).perform()
        ff.wait(lambda: ff.js("return document.activeElement && document.activeElement.localName") == "twoway-card",
                what="focus in the card")
        assert ed.text() == before
        replacement = issue["replacements"][0]
        html_before = ed.html()
        ActionChains(ff.driver).send_keys(Keys.ENTER).perform()
        ff.wait(lambda: replacement in ed.text(), what="the replacement")
        assert ed.text() == before.replace(flagged, replacement, 1)
        assert ed.html() == html_before.replace(flagged, replacement, 1)
        ActionChains(ff.driver).key_down(Keys.CONTROL).send_keys("z").key_up(Keys.CONTROL).perform()
        ff.wait(lambda: flagged in ed.text(), what="the undo")
        time.sleep(0.2)
        assert ed.text() == before
        assert ed.html() == html_before
        ff.wait(lambda: ed.underlined() == want, what="underlines again after the undo")
    finally:
        ff.driver.close()
        ff.driver.switch_to.window(ff.options_tab)

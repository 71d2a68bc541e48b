"""Harness for the browser extension's tests (imported by conftest.py, the tests, the benchmark): a real Two-Way server in a thread, and Debian's
Chromium (driven by PyPI playwright) with the unpacked extension loaded, serving test pages at
the real webmail URLs through context.route(...).fulfill.

No pytest here: bench/bench_extension.py and make_screenshots.py use it too.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path


ROOT = Path(__file__).resolve().parents[2]
EXT = ROOT / "extension"
PAGES = Path(__file__).resolve().parent / "pages"
CHROMIUM = os.environ.get("TWOWAY_CHROMIUM", "/usr/bin/chromium")

GMAIL_URL = "https://mail.google.com/mail/u/0/#inbox?compose=new"
OUTLOOK_URL = "https://outlook.office.com/mail/deeplink/compose"
SITE_URL = "http://localhost/crm/compose"   # a site the rep turned on (host permission already held)
NPM_URL = "http://localhost/npm/"           # node_modules, for pages built on the real editor packages
NODE_MODULES = ROOT / "node_modules"
CONTENT_TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".json": "application/json",
                 ".svg": "image/svg+xml", ".woff2": "font/woff2", ".woff": "font/woff", ".png": "image/png"}


# ---------------------------------------------------------------------------------------------
# the server
class ServerHandle:
    """The real Flask app (LanguageTool off) on 127.0.0.1, stoppable and restartable on its port."""

    def __init__(self, config: dict | None = None):
        from twoway import create_app

        self.app = create_app({"LANGUAGETOOL": "off", **(config or {})})
        self.port = None
        self._server = None
        self._thread = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, port: int = 0) -> "ServerHandle":
        from werkzeug.serving import make_server

        deadline = time.time() + 10
        while True:
            try:
                self._server = make_server("127.0.0.1", port, self.app, threaded=True)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(5)
            self._server = None


# ---------------------------------------------------------------------------------------------
# pages
def fragment(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def page_html(body: str, title: str = "Mail", head: str = "") -> str:
    return ("<!doctype html><html><head><meta charset='utf-8'><title>" + title + "</title>"
            "<style>body{font:14px/1.5 Arial,sans-serif;margin:16px;background:#fff;color:#222}"
            "[contenteditable]{outline:1px solid #ddd;padding:8px}</style>" + head
            + "</head><body>" + body + "</body></html>")


def gmail_reply_fragment() -> str:
    """Fixture (A) of the InboxSDK file: a Gmail reply body with a quoted thread."""
    text = fragment("02-gmail-compose-body-quote-signature_inboxsdk.html")
    start = text.index("<!-- A:")
    end = text.index("<!-- B:")
    return text[start:end]


def gmail_signature_fragment() -> str:
    text = fragment("02-gmail-compose-body-quote-signature_inboxsdk.html")
    return text[text.index("<!-- B:"):text.index("<!-- C:")]


def owa_fragment() -> str:
    return fragment("03-owa-compose-body_reconstructed.html")


def gmail_dialog_fragment() -> str:
    return fragment("01-gmail-compose-dialog_js-min.html")


# ---------------------------------------------------------------------------------------------
# the browser
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    f"--disable-extensions-except={EXT}", f"--load-extension={EXT}",
]


class Browser:
    """One Chromium profile with the extension, and a router for the test pages."""

    def __init__(self, pw, server: ServerHandle | None, viewport=(1100, 800)):
        self.user_data = tempfile.mkdtemp(prefix="twoway-ext-")
        self.ctx = pw.chromium.launch_persistent_context(
            self.user_data, headless=True, executable_path=CHROMIUM, args=LAUNCH_ARGS,
            viewport={"width": viewport[0], "height": viewport[1]},
        )
        self.pages: dict[str, str] = {}
        self.server = server
        self.ctx.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), self._route)
        self.sw = self._service_worker()
        if server is not None:
            self.set_settings(serverUrl=server.url, configured=True)   # the first-run setup, done

    def _route(self, route):
        url = route.request.url.split("#")[0]
        if url.startswith(NPM_URL):
            return self._npm(route, url[len(NPM_URL):].split("?")[0])
        for prefix, html in self.pages.items():
            if url == prefix or url.startswith(prefix):
                return route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
        return route.fulfill(status=204, body="")

    def _npm(self, route, rel: str):
        path = (NODE_MODULES / rel).resolve()
        if NODE_MODULES.resolve() not in path.parents or not path.is_file():
            return route.fulfill(status=404, body="")
        return route.fulfill(status=200, body=path.read_bytes(),
                             content_type=CONTENT_TYPES.get(path.suffix, "application/octet-stream"))

    def turn_on_site(self, origin: str = "http://localhost"):
        """The rep adds a site under Other sites; the service worker registers the content scripts there."""
        self.set_settings(sites=[origin])
        self.sw.evaluate("""async () => { for (let i = 0; i < 50; i++) {
            if ((await chrome.scripting.getRegisteredContentScripts()).length) return; await new Promise(r => setTimeout(r, 100)); } }""")

    def _service_worker(self):
        if not self.ctx.service_workers:
            self.ctx.wait_for_event("serviceworker", timeout=15000)
        return self.ctx.service_workers[0]

    @property
    def extension_id(self) -> str:
        return self.sw.url.split("/")[2]

    def set_settings(self, **values):
        self.sw.evaluate("v => chrome.storage.local.set(v)", values)

    def get_settings(self) -> dict:
        return self.sw.evaluate("() => chrome.storage.local.get(null)")

    def serve(self, url: str, html: str):
        self.pages[url.split("#")[0]] = html

    def open(self, url: str, html: str, collect_errors: bool = True):
        self.serve(url, html)
        page = self.ctx.new_page()
        page.errors = []
        if collect_errors:
            page.on("pageerror", lambda exc: page.errors.append(f"pageerror: {exc}"))
            page.on("console", lambda msg: page.errors.append(f"console.{msg.type}: {msg.text}")
                    if msg.type in ("error", "assert") else None)
        page.goto(url)
        return page

    def close(self):
        try:
            self.ctx.close()
        finally:
            shutil.rmtree(self.user_data, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# helpers the tests share (page-side JavaScript)
HIGHLIGHTS_JS = """() => {
  const out = [];
  for (const [name, h] of CSS.highlights) {
    if (!name.startsWith('twoway-') || name === 'twoway-active') continue;
    for (const r of h) out.push({name, text: r.toString(), connected: r.startContainer.isConnected});
  }
  out.sort((a, b) => a.text.localeCompare(b.text));
  return out;
}"""

BADGE_JS = """(i) => {
  const b = document.querySelectorAll('twoway-badge')[i || 0];
  return b ? {...b.dataset} : null;
}"""


def in_shadow(page, host: str, body: str, index: int = 0):
    """Run `body` (a function body; `this` is the host's closed shadow root) and return its value.
    The page cannot reach a closed shadow root; Chromium's DevTools protocol can, so the tests read
    what the extension keeps out of the page (rule ids, scores, messages) this way."""
    cdp = page.context.new_cdp_session(page)
    try:
        doc = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})
        found = []

        def walk(node):
            if node.get("localName") == host and node.get("shadowRoots"):
                found.append(node["shadowRoots"][0])
            for child in node.get("children", []) + node.get("shadowRoots", []):
                walk(child)
            if "contentDocument" in node:
                walk(node["contentDocument"])

        walk(doc["root"])
        if len(found) <= index:
            return None
        obj = cdp.send("DOM.resolveNode", {"backendNodeId": found[index]["backendNodeId"]})["object"]
        res = cdp.send("Runtime.callFunctionOn", {"objectId": obj["objectId"], "returnByValue": True,
                                                  "functionDeclaration": "function () { " + body + " }"})
        return res["result"].get("value")
    finally:
        cdp.detach()


def card_rule(page) -> str | None:
    """The rule id of the open card (read inside its closed shadow root)."""
    return in_shadow(page, "twoway-card", "const c = this.querySelector('.tw-card'); return c ? c.dataset.rule : null;")


def badge_info(page, index: int = 0) -> dict | None:
    """The badge as the rep sees it: state, score, count and its label (inside its closed shadow root)."""
    return in_shadow(page, "twoway-badge", "const b = this.querySelector('.tw-badge');"
                     " return b ? {state: b.dataset.state, score: b.dataset.score, count: b.dataset.count,"
                     " label: b.getAttribute('aria-label') || ''} : null;", index)


def wait_until(predicate, timeout: float = 15.0, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise TimeoutError(f"timed out waiting for {what or predicate}")


def expected_spans(server, text: str, subject: str = "", field: str = "body") -> list[str]:
    """What the server flags in `field`, as the texts the extension must underline."""
    import requests

    resp = requests.post(server.url + "/api/v1/lint", json={"text": text, "subject": subject, "grammar": False}, timeout=10)
    resp.raise_for_status()
    return sorted(i["text"] for i in resp.json()["issues"] if i["end"] > i["start"] and i["field"] == field)


def highlights(page) -> list[dict]:
    return page.evaluate(HIGHLIGHTS_JS)


def highlighted_texts(page) -> list[str]:
    return sorted(h["text"] for h in highlights(page))


def badge(page, index: int = 0):
    return page.evaluate(BADGE_JS, index)


def wait_answers(page, at_least: int = 1, index: int = 0, timeout: float = 15.0):
    """Until the compose box's badge reports `at_least` lint answers applied."""
    page.wait_for_function(
        "([i, n]) => { const b = document.querySelectorAll('twoway-badge')[i];"
        " return b && Number(b.dataset.answers || 0) >= n; }",
        arg=[index, at_least], timeout=timeout * 1000)


def wait_highlight(page, text: str, timeout: float = 15.0):
    page.wait_for_function(
        "(t) => { for (const [n, h] of CSS.highlights) { if (!n.startsWith('twoway-')) continue;"
        " for (const r of h) if (r.toString() === t) return true; } return false; }",
        arg=text, timeout=timeout * 1000)


def range_center(page, text: str):
    """Viewport coordinates of the middle of the highlighted range with this text."""
    return page.evaluate("""(t) => {
      for (const [n, h] of CSS.highlights) { if (!n.startsWith('twoway-')) continue;
        for (const r of h) if (r.toString() === t) { const q = r.getClientRects()[0];
          return {x: q.left + q.width / 2, y: q.top + q.height / 2}; } }
      return null; }""", text)


def wait_texts(page, want: list[str], timeout: float = 15.0, where: str = "") -> None:
    """Until the underlined texts (sorted) are exactly `want`."""
    page.wait_for_function(
        "(want) => { const out = []; for (const [n, h] of CSS.highlights) {"
        " if (!n.startsWith('twoway-') || n === 'twoway-active') continue; for (const r of h) out.push(r.toString()); }"
        " out.sort(); return JSON.stringify(out.map(t => t.replace(/\\u00a0/g, ' '))) === JSON.stringify(want); }",
        arg=sorted(want), timeout=timeout * 1000)


def card_state(page) -> dict:
    """What the page may see of the card: its host's data-open and data-mode (nothing else)."""
    return page.evaluate("() => { const c = document.querySelector('twoway-card'); return c ? {...c.dataset} : {}; }")


def notice_state(page) -> str:
    return page.evaluate("() => document.querySelector('twoway-notice')?.dataset.state || ''")

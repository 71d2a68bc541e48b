"""Screenshots for the README (docs/screenshots/extension-*.png): a Gmail-like compose with
underlines, an open card, and the numbers panel (Chromium); the same compose in Firefox ESR with a
card open; the options page after "Test connection"; the first-run setup page and the toolbar popup.
Run: .venv/bin/python tests/extension/make_screenshots.py [chromium] [firefox] [options] [firstrun]   (default: all)
"""
from __future__ import annotations

import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ext_harness import GMAIL_URL, ROOT, Browser, ServerHandle, page_html, range_center, wait_answers, wait_highlight  # noqa: E402

OUT = ROOT / "docs" / "screenshots"

STYLE = """<style>
body{margin:0;background:#f6f8fc;font:14px/1.45 'Google Sans',Roboto,Arial,sans-serif;color:#1f1f1f}
.nH.Hd{position:absolute;right:24px;bottom:0;width:560px;background:#fff;border-radius:8px 8px 0 0;
  box-shadow:0 8px 10px 1px rgba(0,0,0,.14),0 3px 14px 2px rgba(0,0,0,.12)}
.hdr{background:#f2f6fc;border-radius:8px 8px 0 0;padding:10px 14px;font-weight:500}
.row{border-bottom:1px solid #eceff1;margin:0 14px;padding:8px 0;color:#5f6368}
.row input{border:0;outline:0;font:inherit;width:100%;color:#1f1f1f}
[g_editable]{min-height:300px;padding:10px 14px;outline:0}
.bar{padding:10px 14px 14px}.send{background:#0b57d0;color:#fff;border-radius:18px;padding:8px 22px;display:inline-block}
.side{position:absolute;left:0;top:0;bottom:0;width:240px;padding:18px;color:#444}
</style>"""

BODY = """<div class="side"><b>Gmail</b><p>Inbox</p><p>Starred</p><p>Sent</p></div>
<div class="nH Hd" role="dialog"><div class="hdr">New Message</div>
<div class="row">To &nbsp;Sam Rivera</div>
<div class="row"><input name="subjectbox" aria-label="Subject" placeholder="Subject"></div>
<div id=":8o" class="Am Al editable" aria-label="Message Body" g_editable="true" role="textbox" aria-multiline="true"
 contenteditable="true"><div>Hi Sam,</div><div><br></div>
<div>Just checking in to see if you had a chance to look at the proposal. This price expires Friday, so sign today.</div>
<div><br></div><div>I need to hit my quota this month, and your team would be a great fit.</div><div><br></div>
<div>Best,<br>Alex</div></div>
<div class="bar"><span class="send">Send</span></div></div>"""


def chromium(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = Browser(pw, server, viewport=(1000, 620))
        try:
            page = b.open(GMAIL_URL, page_html(BODY, "Gmail", head=STYLE))
            page.locator('input[name="subjectbox"]').fill("Quick question")
            wait_answers(page)
            wait_highlight(page, "hit my quota")
            page.mouse.move(5, 5)
            page.screenshot(path=str(OUT / "extension-compose.png"))
            pos = range_center(page, "hit my quota")
            page.mouse.move(pos["x"], pos["y"])
            page.wait_for_function("() => document.querySelector('twoway-card')?.dataset.open === 'true'")
            page.wait_for_timeout(200)
            page.screenshot(path=str(OUT / "extension-card.png"))
            page.mouse.move(5, 5)
            page.wait_for_function("() => document.querySelector('twoway-card')?.dataset.open !== 'true'")
            page.locator("twoway-badge").click()
            page.wait_for_timeout(200)
            page.screenshot(path=str(OUT / "extension-stats.png"))
        finally:
            b.close()
    return ["extension-compose.png", "extension-card.png", "extension-stats.png"]


def firefox(server):
    """The Gmail-like compose on a site the rep turned on, in Firefox ESR, the card open."""
    from ff_harness import FirefoxBrowser

    b = FirefoxBrowser(server, width=1000, height=706)   # a 620-px-high page, as in Chromium
    try:
        b.open("/mail/compose", page_html(BODY, "Gmail", head=STYLE))
        b.wait(lambda: b.js("const e = document.querySelector('twoway-badge'); return e && e.dataset.state === 'ok'"))
        pos = b.wait(lambda: b.js("""for (const [n, h] of CSS.highlights) { if (!n.startsWith('twoway-')) continue;
          for (const r of h) if (r.toString() === 'hit my quota') { const q = r.getClientRects()[0];
            return {x: q.left + q.width / 2, y: q.top + q.height / 2}; } } return null;"""))
        b.click_at(pos["x"], pos["y"])
        b.wait(lambda: b.js("return document.querySelector('twoway-card')?.dataset.open === 'true'"))
        b.driver.execute_script("return new Promise(r => setTimeout(r, 300))")
        b.screenshot(str(OUT / "extension-firefox.png"))
    finally:
        b.close()
    return ["extension-firefox.png"]


def options(server):
    """The options page after "Test connection" on a URL typed without its scheme."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = Browser(pw, server, viewport=(800, 760))
        try:
            page = b.ctx.new_page()
            page.goto(f"chrome-extension://{b.extension_id}/options/options.html")
            page.fill("#serverUrl", f"127.0.0.1:{server.port}/api")
            page.click("#test")
            page.wait_for_function("() => document.getElementById('connection').dataset.outcome === 'ok'")
            page.screenshot(path=str(OUT / "extension-options.png"))
        finally:
            b.close()
    return ["extension-options.png"]


def firstrun(server):
    """The setup page a fresh install opens, and the toolbar popup on Gmail, then on a CRM not turned on."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = Browser(pw, None, viewport=(800, 820))
        try:
            page = b.ctx.new_page()
            page.goto(f"chrome-extension://{b.extension_id}/options/options.html")
            page.wait_for_function("() => !document.getElementById('setup').hidden")
            page.screenshot(path=str(OUT / "extension-first-run.png"))
            shots = ["extension-first-run.png"]
            pop = b.ctx.new_page()
            pop.set_viewport_size({"width": 300, "height": 200})
            pop.goto(f"chrome-extension://{b.extension_id}/popup/popup.html?url=https://mail.google.com/mail/u/0/")
            pop.wait_for_function("() => document.body.dataset.ready === 'true'")
            pop.screenshot(path=str(OUT / "extension-popup-setup.png"), full_page=True)
            shots.append("extension-popup-setup.png")
            b.set_settings(serverUrl=server.url, configured=True)
            for name, url in (("extension-popup.png", "https://mail.google.com/mail/u/0/"),
                              ("extension-popup-site.png", "https://crm.example.com/deals/7")):
                pop = b.ctx.new_page()
                pop.set_viewport_size({"width": 300, "height": 240})
                pop.goto(f"chrome-extension://{b.extension_id}/popup/popup.html?url={url}")
                pop.wait_for_function("() => document.body.dataset.ready === 'true'")
                pop.screenshot(path=str(OUT / name), full_page=True)
                shots.append(name)
        finally:
            b.close()
    return shots


def main(argv):
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    OUT.mkdir(parents=True, exist_ok=True)
    wanted = argv or ["chromium", "firefox", "options", "firstrun"]
    server = ServerHandle().start()
    try:
        for name in wanted:
            for shot in {"chromium": chromium, "firefox": firefox, "options": options, "firstrun": firstrun}[name](server):
                print(OUT / shot)
    finally:
        server.stop()


if __name__ == "__main__":
    main(sys.argv[1:])

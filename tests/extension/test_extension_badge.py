"""The badge sits at the bottom right of the part of the compose body on screen, never over the
webmail's own controls: Gmail's Send row under a scrolled body, Outlook's sticky compose footer."""
from __future__ import annotations

from ext_harness import GMAIL_URL, OUTLOOK_URL, gmail_dialog_fragment, owa_fragment, page_html

LONG = "Thanks for the call on Tuesday, it was good to hear how the rollout went. " * 30

# Every page control the badge must leave free, and the badge's own box.
OVERLAPS_JS = """() => {
  const b = document.querySelector('twoway-badge').getBoundingClientRect();
  const hit = (r) => r.width && r.height && r.left < b.right && b.left < r.right && r.top < b.bottom && b.top < r.bottom;
  const controls = [...document.querySelectorAll('button, [role=button], [role=toolbar]')]
    .filter(e => hit(e.getBoundingClientRect()))
    .map(e => e.getAttribute('aria-label') || e.textContent.trim().slice(0, 30));
  return {controls, badge: {left: b.left, top: b.top, right: b.right, bottom: b.bottom, width: b.width}};
}"""


def badge_box(page):
    page.wait_for_function("() => { const b = document.querySelector('twoway-badge');"
                           " return b && b.dataset.state === 'ok' && b.getBoundingClientRect().width > 0; }", timeout=15000)
    return page.evaluate(OVERLAPS_JS)


def test_gmail_badge_stays_above_the_send_row(browser, server):
    # Gmail's compose window docked at the bottom of the screen; the body grows inside its scroller
    # (div.qz.aXjCH), so the body's own bottom lies under the Send row.
    style = ("<style>body{margin:0} .nH.Hd{position:fixed;right:16px;bottom:0;width:560px;background:#fff;"
             "box-shadow:0 0 8px #888} .qz.aXjCH{max-height:260px;overflow-y:auto} [role=menu],[role=listbox]{display:none}</style>")
    page = browser.open(GMAIL_URL, page_html(gmail_dialog_fragment(), "Gmail", head=style))
    assert page.evaluate("() => !!document.querySelector('.nH.Hd .qz.aXjCH [g_editable=\"true\"]')")
    page.locator('[g_editable="true"]').click()
    page.keyboard.insert_text(LONG + "I need to hit my quota this month.")
    page.keyboard.press("Control+Home")        # back at the top: the body runs on below the scroller
    out = badge_box(page)
    assert out["controls"] == [], out
    send = page.locator('[aria-label^="Send"]').first.bounding_box()
    scroller = page.locator(".qz.aXjCH").first.bounding_box()
    assert out["badge"]["bottom"] <= send["y"]
    assert out["badge"]["bottom"] <= scroller["y"] + scroller["height"]


def test_outlook_badge_stays_off_the_sticky_footer(browser, server):
    # The body (with its signature and quoted reply) in the reading pane's scroller, and a compose
    # footer with Send / Discard stuck to the pane's bottom over it, in French.
    footer = ('<div role="toolbar" aria-label="Pied de page" style="position:sticky;bottom:0;display:flex;'
              'justify-content:flex-end;gap:8px;padding:8px 12px;background:#f3f2f1">'
              '<button type="button">Envoyer</button><button type="button">Ignorer</button></div>')
    html = ('<div id="pane" style="height:420px;overflow-y:auto;border:1px solid #ccc">' + owa_fragment()
            + footer + "</div>")
    page = browser.open(OUTLOOK_URL, page_html(html, "Outlook"))
    body = page.locator('[role="textbox"][contenteditable="true"]').first
    body.click()
    page.keyboard.press("Control+Home")
    page.keyboard.insert_text("I need to hit my quota this month. " * 12)
    out = badge_box(page)
    assert out["controls"] == [], out
    bar = page.locator('[aria-label="Pied de page"]').bounding_box()
    assert out["badge"]["bottom"] <= bar["y"]

"""End-to-end: where the rep's words are and are not. Roundcube's subject (`_subject`) in its plain
and HTML compose; an editor in an about:blank iframe; a Gmail forward whose note sits inside
.gmail_quote_container; a plain-text reply whose quoted lines and "-- " signature the server's
email parser skips; a finding with no wording to apply."""
from __future__ import annotations

import json
import time

import pytest

from editor_pages import CRM_URL, roundcube_html, roundcube_plain
from ext_harness import (GMAIL_URL, HIGHLIGHTS_JS, Browser, ServerHandle, expected_spans, highlighted_texts, in_shadow,
                         page_html, range_center,
                         wait_answers, wait_highlight, wait_texts)
from test_editors_e2e import Editor

PRESSURE = "This price expires Friday, so sign today."
QUOTA = "I need to hit my quota this month."



MIRROR_TEXTS = """() => { const out = [];
  for (const [n, h] of CSS.highlights) for (const r of h)
    if (r.startContainer.parentElement?.dataset.twoway === 'mirror') out.push(r.toString());
  return out.sort(); }"""


@pytest.mark.parametrize("builder", [roundcube_plain, roundcube_html], ids=["plain", "html-tinymce-iframe"])
def test_roundcube_subject_is_linted(browser, server, builder):
    browser.turn_on_site("http://localhost")
    url, html, spec = builder()
    page = browser.open(url, html)
    if spec["frame"]:
        page.wait_for_function("() => window.editorReady === true", timeout=20000)
    ed = Editor(page, spec) if spec["frame"] else None
    (ed.el if ed else page.locator(spec["editable"])).click()
    page.keyboard.type(QUOTA)
    page.locator('input[name="_subject"]').fill(PRESSURE)
    want_subject = expected_spans(server, QUOTA, PRESSURE, "subject")
    assert want_subject
    body_want = expected_spans(server, QUOTA, PRESSURE)
    # Fields (the subject, a textarea body) are underlined on their mirror overlays.
    on_mirrors = sorted(want_subject + ([] if ed else body_want))
    page.wait_for_function(f"(n) => ({MIRROR_TEXTS})().length >= n", arg=len(on_mirrors), timeout=15000)
    assert page.evaluate(MIRROR_TEXTS) == on_mirrors
    if ed:
        ed.wait_texts(body_want)
    assert page.evaluate("() => document.querySelectorAll('twoway-badge').length") == 1
    assert page.errors == [], page.errors


ABOUT_BLANK_PAGE = page_html(
    '<p>Notes</p><iframe id="f" style="width:600px;height:200px;margin-left:80px;border:2px solid #999"></iframe>'
    "<script>const d = document.getElementById('f').contentDocument; d.open();"
    " d.write('<!doctype html><body contenteditable=\"true\" style=\"font:15px Arial\"><p><br></p></body>'); d.close();"
    " window.editorReady = true;</script>", "CRM")


def test_editor_in_an_about_blank_iframe(browser, server):
    browser.turn_on_site("http://localhost")
    page = browser.open(CRM_URL, ABOUT_BLANK_PAGE)
    ed = Editor(page, {"frame": "#f", "editable": "body"})
    ed.el.click()
    page.keyboard.type(QUOTA)
    ed.wait_texts(expected_spans(server, QUOTA))
    # The card opens in the top document, right under the words inside the frame.
    x, y = ed.center("hit my quota")
    page.mouse.click(x, y)
    page.wait_for_function("() => document.querySelector('twoway-card')?.dataset.open === 'true'")
    box = page.evaluate("() => document.querySelector('twoway-card').getBoundingClientRect().toJSON()")
    assert abs(box["top"] - y) < 40 and box["left"] <= x
    # The badge sits at the frame's box.
    frame_box = page.locator("#f").bounding_box()
    badge = page.evaluate("() => document.querySelector('twoway-badge').getBoundingClientRect().toJSON()")
    assert frame_box["x"] <= badge["left"] and badge["right"] <= frame_box["x"] + frame_box["width"] + 1
    assert frame_box["y"] <= badge["top"] and badge["bottom"] <= frame_box["y"] + frame_box["height"] + 1
    assert page.errors == [], page.errors


def test_gmail_forward_note_inside_the_quote_container(browser, server):
    body = ('<div class="nH" role="dialog"><input name="subjectbox" aria-label="Subject">'
            '<div contenteditable="true" g_editable="true" role="textbox" aria-label="Message Body"><div dir="ltr">'
            '<div class="gmail_quote gmail_quote_container"><div dir="ltr">' + QUOTA + '</div><br>'
            '<div dir="ltr" class="gmail_attr">---------- Forwarded message ---------<br>From: Sam &lt;sam@example.com&gt;'
            '<br>Date: Mon, May 5, 2025<br>Subject: Proposal<br></div><br><br>'
            '<div dir="ltr">' + PRESSURE + '</div></div></div></div></div>')
    page = browser.open(GMAIL_URL, page_html(body, "Gmail"))
    want = expected_spans(server, QUOTA)
    assert want
    wait_texts(page, want)
    assert not any("sign today" in h["text"] for h in page.evaluate(HIGHLIGHTS_JS))
    assert page.errors == [], page.errors


PLAIN_REPLY = ("Hi Sam,\n\nJust checking in to see if you had a chance to look.\n\n"
               "-- \nAlex Example\n" + PRESSURE + "\n\n"
               "On Mon, May 5, 2025 at 9:12 AM Sam Prospect <sam@example.com> wrote:\n"
               "> " + QUOTA + "\n> " + PRESSURE + "\n")


def test_plain_text_reply_quotes_and_signature_are_not_underlined(browser, server):
    browser.turn_on_site("http://localhost")
    url, html, spec = roundcube_plain()
    page = browser.open(url, html)
    page.locator("#composebody").fill(PLAIN_REPLY)
    want = expected_spans(server, PLAIN_REPLY)
    assert want, "the rep's own lines should be flagged"
    wait_texts(page, want)
    # The server's email parser skips the "-- " signature and the quoted reply: nothing there is underlined.
    cut = PLAIN_REPLY.index("\n-- \n")
    found = page.evaluate("""() => { const out = [];
      for (const [n, h] of CSS.highlights) for (const r of h) out.push([r.startOffset, r.toString()]); return out; }""")
    assert found and all(start < cut for start, _ in found), found
    assert page.errors == [], page.errors


def test_a_finding_without_a_wording_shows_its_advice_only(playwright_instance):
    srv = ServerHandle()
    view = srv.app.view_functions["api.lint"]

    def without_replacements():
        resp = view()
        data = resp.get_json()
        for issue in data["issues"]:
            issue["replacements"] = []
        resp.set_data(json.dumps(data))
        return resp

    srv.app.view_functions["api.lint"] = without_replacements
    srv.start()
    b = Browser(playwright_instance, srv)
    try:
        page = b.open(GMAIL_URL, page_html('<div contenteditable="true" g_editable="true" role="textbox"></div>', "Gmail"))
        page.locator('[g_editable="true"]').click()
        page.keyboard.type(QUOTA)
        wait_highlight(page, "hit my quota")
        pos = range_center(page, "hit my quota")
        page.mouse.click(pos["x"], pos["y"])
        page.keyboard.press("Alt+Enter")
        page.wait_for_function("() => document.activeElement?.localName === 'twoway-card'")
        assert in_shadow(page, "twoway-card", "return this.querySelectorAll('.tw-card-replacement').length;") == 0
        page.keyboard.press("Enter")                  # focus was on Close: Enter never ignores the finding
        page.wait_for_function("() => document.querySelector('twoway-card').dataset.open === 'false'")
        assert "hit my quota" in highlighted_texts(page)
        assert page.locator('[g_editable="true"]').inner_text() == QUOTA
        assert page.errors == [], page.errors
    finally:
        b.close()
        srv.stop()

"""Issue 21 in Chromium: a click never damages the draft (apply is exact or it does not happen),
site scripts stay registered when syncs overlap. The three reproductions come first; then the same
guarantee on each editor family the suite mounts (an image inside the flagged sentence)."""
from __future__ import annotations

import pytest

from editor_pages import EDITORS
from ext_harness import SITE_URL, card_state, notice_state, page_html, wait_highlight
from test_editors_e2e import Editor, lint

FILLER = "Just checking in to see if you had a chance to look."
PRESSURE = "This price expires Friday, so sign today."
WORDING = "There's no deadline on our side, so the quote holds while you decide."
IMG = ('<img alt="logo" width="16" height="16" src="data:image/png;base64,'
       'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==">')


def open_card_at(page, text: str):
    """Caret into the underline with this text, Alt+Enter: the card opens with focus inside."""
    page.evaluate("""(t) => { for (const [n, h] of CSS.highlights) { if (!n.startsWith('twoway-')) continue;
        for (const r of h) if (r.toString() === t) {
          const el = r.startContainer.parentElement?.dataset?.twoway === 'mirror' ? null : r.startContainer;
          if (el) { const s = getSelection(); s.collapse(r.startContainer, r.startOffset + 2); } return; } } }""", text)
    page.keyboard.press("Alt+Enter")
    page.wait_for_function("() => document.activeElement?.localName === 'twoway-card'")


def test_textarea_value_set_by_the_page_then_apply_lands_on_the_right_words(browser, server):
    """Reproduction 1: a CRM sets .value (no input event); the wording replaces exactly the
    flagged sentence in the text as it is now, never stale offsets ("...decide.rice expires")."""
    browser.turn_on_site("http://localhost")
    page = browser.open(SITE_URL, page_html('<textarea id="t" rows="8" cols="70"></textarea>', "CRM"))
    page.locator("#t").click()
    page.keyboard.type(FILLER + " " + PRESSURE)
    wait_highlight(page, PRESSURE)
    # The page inserts a greeting itself, the way a template or a CRM merge field does.
    page.evaluate("() => { const t = document.getElementById('t'); t.value = 'Hi Sam, thanks. ' + t.value; }")
    now = page.locator("#t").input_value()
    at = now.index(PRESSURE) + 3
    page.evaluate("(i) => { const t = document.getElementById('t'); t.focus(); t.setSelectionRange(i, i); }", at)
    page.keyboard.press("Alt+Enter")
    page.wait_for_function("() => document.activeElement?.localName === 'twoway-card'")
    page.keyboard.press("Enter")
    page.wait_for_function("(w) => document.getElementById('t').value.includes(w)", arg=WORDING)
    assert page.locator("#t").input_value() == now.replace(PRESSURE, WORDING)
    page.wait_for_function("() => document.querySelector('twoway-notice')?.dataset.state === 'applied'")
    assert page.errors == [], page.errors


def test_textarea_text_replaced_by_the_page_is_not_touched(browser, server):
    """When the page replaced the flagged words themselves, nothing is applied and the rep is told."""
    browser.turn_on_site("http://localhost")
    page = browser.open(SITE_URL, page_html('<textarea id="t" rows="8" cols="70"></textarea>', "CRM"))
    page.locator("#t").click()
    page.keyboard.type(FILLER + " " + PRESSURE)
    wait_highlight(page, PRESSURE)
    page.evaluate("(i) => { const t = document.getElementById('t'); t.setSelectionRange(i, i); }", len(FILLER) + 4)
    page.keyboard.press("Alt+Enter")
    page.wait_for_function("() => document.activeElement?.localName === 'twoway-card'")
    changed = FILLER + " This price holds all quarter, take your time."
    page.evaluate("(v) => { document.getElementById('t').value = v; }", changed)
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('twoway-notice')?.dataset.state === 'changed'")
    assert page.locator("#t").input_value() == changed


CHIP_BODY = ('<div id="ed" contenteditable="true" style="min-height:120px">'
             f'<div>{FILLER} This price expires Friday, '
             '<span class="mention" contenteditable="false" data-user="sam">@Sam Lee</span>'
             ' so sign today.</div></div>')


def test_mention_chip_inside_the_flagged_sentence_is_never_deleted(browser, server):
    """Reproduction 2: the server never saw the "@Sam Lee" chip; the wording is offered to copy,
    the draft (chip included) stays exactly as it was."""
    browser.turn_on_site("http://localhost")
    page = browser.open(SITE_URL, page_html(CHIP_BODY, "CRM"))
    flagged = "This price expires Friday, @Sam Lee so sign today."
    wait_highlight(page, flagged)
    before = page.evaluate("() => document.getElementById('ed').innerHTML")
    page.locator("#ed").click()
    open_card_at(page, flagged)
    assert card_state(page)["mode"] == "copy"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('twoway-notice')?.dataset.state === 'copied'")
    assert page.evaluate("() => document.getElementById('ed').innerHTML") == before
    assert page.locator("#ed .mention").count() == 1
    assert page.errors == [], page.errors


def test_image_inside_the_flagged_sentence_is_never_deleted(browser, server):
    browser.turn_on_site("http://localhost")
    page = browser.open(SITE_URL, page_html(
        f'<div id="ed" contenteditable="true" style="min-height:120px"><div>This price expires Friday, {IMG} so sign today.</div></div>',
        "CRM"))
    flagged = "This price expires Friday,  so sign today."
    wait_highlight(page, flagged)
    before = page.evaluate("() => document.getElementById('ed').innerHTML")
    page.locator("#ed").click()
    open_card_at(page, flagged)
    assert card_state(page)["mode"] == "copy"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('twoway-notice')?.dataset.state === 'copied'")
    assert page.evaluate("() => document.getElementById('ed').innerHTML") == before


def test_applied_then_undo_from_the_notice(browser, server):
    """"Applied - Undo": the notice's Undo puts the flagged words back exactly."""
    browser.turn_on_site("http://localhost")
    page = browser.open(SITE_URL, page_html('<div id="ed" contenteditable="true" style="min-height:120px"></div>', "CRM"))
    page.locator("#ed").click()
    page.keyboard.type(FILLER + " " + PRESSURE)
    wait_highlight(page, PRESSURE)
    before = page.evaluate("() => document.getElementById('ed').innerText")
    open_card_at(page, PRESSURE)
    assert card_state(page)["mode"] == "apply"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('twoway-notice')?.dataset.state === 'applied'")
    assert page.evaluate("() => document.getElementById('ed').innerText") == before.replace(PRESSURE, WORDING)
    box = page.evaluate("() => { const r = document.querySelector('twoway-notice').getBoundingClientRect();"
                        " return {x: r.right - 24, y: r.top + r.height / 2}; }")
    page.mouse.click(box["x"], box["y"])                 # the Undo button sits at the notice's end
    page.wait_for_function("() => document.querySelector('twoway-notice')?.dataset.state === 'undone'")
    assert page.evaluate("() => document.getElementById('ed').innerText") == before


def test_overlapping_site_syncs_leave_every_site_registered(browser):
    """Reproduction 3: a sync running while the sites change (permission added + storage changed
    within milliseconds) must not leave a site unregistered; syncs run one at a time, each re-reads."""
    browser.turn_on_site("http://localhost")
    browser.sw.evaluate("""() => Promise.all([syncSiteScripts(),
        chrome.storage.local.set({sites: ['http://localhost', 'http://127.0.0.1']}), syncSiteScripts()])""")
    browser.sw.evaluate("() => new Promise((r) => setTimeout(r, 1500))")
    registered = browser.sw.evaluate("() => chrome.scripting.getRegisteredContentScripts()")
    assert [sorted(r["matches"]) for r in registered] == [["http://127.0.0.1/*", "http://localhost/*"]]
    assert registered[0]["allFrames"] is True


IMAGE_FAMILIES = ["tinymce-iframe", "tinymce-inline", "quill", "prosemirror", "ckeditor5"]
SET_CONTENT = {
    "tinymce-iframe": "(h) => tinymce.activeEditor.setContent(h)",
    "tinymce-inline": "(h) => tinymce.activeEditor.setContent(h)",
    "quill": "(h) => editor.clipboard.dangerouslyPasteHTML(h)",
    "prosemirror": "(h) => { view.focus(); view.pasteHTML(h); }",
    "ckeditor5": "(h) => editor.setData(h)",
}


def ckeditor_with_images():
    url, html, spec = EDITORS["ckeditor5"]()
    html = html.replace("Paragraph, Bold, Italic}", "Paragraph, Bold, Italic, ImageInline}")
    html = html.replace("plugins: [Essentials, Paragraph, Bold, Italic]", "plugins: [Essentials, Paragraph, Bold, Italic, ImageInline]")
    return url, html, spec


@pytest.mark.parametrize("name", IMAGE_FAMILIES)
def test_editor_family_image_inside_the_flagged_sentence(browser, server, name):
    """On each editor family: an image inside the flagged sentence makes the wording a copy, and
    the editor's content stays exactly as it was."""
    url, html, spec = ckeditor_with_images() if name == "ckeditor5" else EDITORS[name]()
    browser.turn_on_site("http://localhost")
    page = browser.open(url, html)
    ed = Editor(page, spec)
    page.evaluate(SET_CONTENT[name], f"<p>{FILLER} This price expires Friday, {IMG} so sign today.</p>")
    ed.frame.wait_for_function("(s) => document.querySelector(s).querySelector('img')", arg=spec["editable"])
    flagged = "This price expires Friday,  so sign today."
    assert any(i["text"] == flagged for i in lint(server, FILLER + " " + flagged))
    want = sorted(i["text"] for i in lint(server, FILLER + " " + flagged))
    ed.frame.wait_for_function(
        "(want) => { const out = []; for (const [n, h] of CSS.highlights) {"
        " if (!n.startsWith('twoway-') || n === 'twoway-active') continue; for (const r of h) out.push(r.toString().replace(/\\u00a0/g, ' ')); }"
        " out.sort(); return JSON.stringify(out) === JSON.stringify(want); }", arg=want, timeout=15000)
    drawn = next(t for t in ed.highlights() if t.replace("\u00a0", " ") == flagged)   # an editor may draw NBSPs
    html_before = ed.html()
    x, y = ed.center(drawn)
    page.mouse.click(x, y)
    page.keyboard.press("Alt+Enter")
    page.wait_for_function("() => document.activeElement?.localName === 'twoway-card'")
    assert card_state(page)["mode"] == "copy"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('twoway-notice')?.dataset.state === 'copied'")
    assert ed.html() == html_before
    assert notice_state(page) == "copied"


def test_editor_in_a_cross_origin_frame_of_a_turned_on_site(browser, server):
    """A CRM's editor in a cross-origin frame (another port of the same turned-on host): the site's
    scripts run in all frames, so the frame's own copy coaches it."""
    browser.turn_on_site("http://localhost")
    browser.serve("http://localhost:8181/editor", page_html(
        '<div id="ed" contenteditable="true" style="min-height:120px"></div>', "Editor"))
    page = browser.open(SITE_URL, page_html('<h1>Deal 7</h1><iframe src="http://localhost:8181/editor" '
                                            'style="width:600px;height:240px"></iframe>', "CRM"))
    frame = next(f for f in page.frames if f.url.startswith("http://localhost:8181/"))
    frame.wait_for_function("() => document.querySelector('twoway-badge')", timeout=15000)
    frame.locator("#ed").click()
    page.keyboard.type(PRESSURE)
    frame.wait_for_function("(t) => [...CSS.highlights.values()].some(h => [...h].some(r => r.toString() === t))",
                            arg=PRESSURE, timeout=15000)

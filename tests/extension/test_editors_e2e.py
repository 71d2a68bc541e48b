"""End-to-end, one test per editor family on the real editor package from npm (TinyMCE in iframe and
inline mode, CKEditor 5, Quill 2, ProseMirror, roosterjs as Outlook on the web in French and German),
with the unpacked extension in real Chromium and the real server: the body is found, the underlines
are the server's spans, the card opens, a wording replaces exactly its span, the editor's own Ctrl+Z
restores exactly the draft, and the extension never changes the editor's DOM by itself."""
from __future__ import annotations

import pytest
import requests

from editor_pages import EDITORS
from ext_harness import HIGHLIGHTS_JS, card_rule

GREETING = "Hi Sam,"
LINE = "Just checking in to see if you had a chance to look. This price expires Friday, so sign today."
MODEL_EDITORS = {"ckeditor5", "quill"}      # apply an insertReplacementText beforeinput through their model


def with_wording(issues: list[dict]) -> dict:
    """The draft's first finding that offers a wording (which one is the rule pack's call)."""
    found = [i for i in issues if i.get("replacements")]
    assert found, "the draft should have a finding with a wording to apply"
    return found[0]


def lint(server, text: str) -> list[dict]:
    resp = requests.post(server.url + "/api/v1/lint", json={"text": text, "grammar": False}, timeout=10)
    resp.raise_for_status()
    return [i for i in resp.json()["issues"] if i["end"] > i["start"] and i["field"] == "body"]


class Editor:
    """Where the editable is: the page itself, or the same-origin iframe holding it."""

    def __init__(self, page, spec):
        self.page = page
        self.spec = spec
        page.wait_for_function("() => window.editorReady === true", timeout=20000)
        if spec["frame"]:
            handle = page.locator(spec["frame"]).first.element_handle()
            self.frame = handle.content_frame()
            self.frame.wait_for_function("() => document.body && document.body.isContentEditable", timeout=10000)
            box = handle.bounding_box()
            border = handle.evaluate("e => [e.clientLeft, e.clientTop]")
            self.origin = (box["x"] + border[0], box["y"] + border[1])
        else:
            self.frame = page.main_frame
            self.origin = (0, 0)
        self.el = self.frame.locator(spec["editable"]).first

    def html(self) -> str:
        return self.el.evaluate("e => e.innerHTML")

    def text(self) -> str:
        return self.el.evaluate("e => e.innerText").replace("\u00a0", " ").strip("\n")

    def highlights(self) -> list[str]:
        return sorted(h["text"] for h in self.frame.evaluate(HIGHLIGHTS_JS))

    def wait_texts(self, want: list[str], timeout=15000):
        self.frame.wait_for_function(
            "(want) => { const out = []; for (const [n, h] of CSS.highlights) {"
            " if (!n.startsWith('twoway-') || n === 'twoway-active') continue; for (const r of h) out.push(r.toString()); }"
            " out.sort(); return JSON.stringify(out) === JSON.stringify(want); }", arg=sorted(want), timeout=timeout)

    def center(self, text: str):
        pos = self.frame.evaluate("""(t) => {
          for (const [n, h] of CSS.highlights) { if (!n.startsWith('twoway-')) continue;
            for (const r of h) if (r.toString() === t) { const q = r.getClientRects()[0];
              return {x: q.left + q.width / 2, y: q.top + q.height / 2}; } }
          return null; }""", text)
        assert pos, f"no underline on {text!r}"
        return pos["x"] + self.origin[0], pos["y"] + self.origin[1]

    def spy(self):
        self.el.evaluate("""(ed) => { window.__twRecords = [];
          new MutationObserver((rs) => { for (const r of rs) window.__twRecords.push(r.type + ':' + (r.attributeName || ''));
          }).observe(ed, {subtree: true, childList: true, attributes: true, characterData: true}); }""")

    def records(self) -> list[str]:
        return self.frame.evaluate("() => window.__twRecords")

    def watch_inputs(self):
        self.frame.evaluate("() => { window.__twInputs = []; for (const t of ['beforeinput', 'input'])"
                            " addEventListener(t, (e) => __twInputs.push(e), true); }")

    def inputs(self) -> list[list]:
        return self.frame.evaluate("() => __twInputs.map((e) => [e.type, e.inputType, e.isTrusted, e.defaultPrevented])")


def card(page):
    return page.evaluate("() => { const c = document.querySelector('twoway-card'); return c ? {...c.dataset} : null; }")


def open_editor(browser, name: str):
    """The editor family's page at its URL, clicked into (a localhost page is a site the rep
    turned on; Outlook is matched by the manifest)."""
    url, html, spec = EDITORS[name]()
    if not url.startswith("https://outlook."):
        browser.turn_on_site("http://localhost")
    page = browser.open(url, html)
    ed = Editor(page, spec)
    ed.el.click()
    return page, ed


@pytest.mark.parametrize("name", sorted(EDITORS))
def test_editor_family(browser, server, name):
    page, ed = open_editor(browser, name)
    page.keyboard.type(GREETING)
    page.keyboard.press("Enter")
    page.keyboard.type(LINE)

    # Body found, underlines right: exactly the server's spans for the draft.
    issues = lint(server, GREETING + "\n" + LINE)
    want = sorted(i["text"] for i in issues)
    issue = with_wording(issues)
    flagged = issue["text"]
    ed.wait_texts(want)
    before = ed.text()
    assert before.replace("\n\n", "\n") == GREETING + "\n" + LINE

    # DOM untouched: hovering opens the card and leaving closes it; the editor sees no change.
    ed.spy()
    x, y = ed.center(flagged)
    page.mouse.move(x, y)
    page.wait_for_function("() => document.querySelector('twoway-card')?.dataset.open === 'true'")
    assert card_rule(page) == issue["rule"]
    page.mouse.move(2, 2)
    page.wait_for_function("() => document.querySelector('twoway-card')?.dataset.open !== 'true'", timeout=5000)
    assert ed.records() == []

    # Alt+Enter with the caret inside the flagged words opens the card and splits nothing.
    page.mouse.click(x, y)
    page.keyboard.press("Alt+Enter")
    page.wait_for_function("() => document.activeElement?.localName === 'twoway-card'")
    assert ed.text() == before

    # The first wording replaces exactly the span, through the editor's own path: editors with a
    # model take the insertReplacementText beforeinput, the others get the browser's insertText.
    replacement = issue["replacements"][0]
    html_before = ed.html()
    ed.watch_inputs()
    page.keyboard.press("Enter")
    ed.frame.wait_for_function("([sel, r]) => document.querySelector(sel).innerText.includes(r)",
                               arg=[ed.spec["editable"], replacement])
    assert ed.text() == before.replace(flagged, replacement, 1)
    # The rest of the editor's DOM is as it was: only the span's text changed.
    assert ed.html() == html_before.replace(flagged, replacement, 1)
    inputs = ed.inputs()
    if name in MODEL_EDITORS:
        assert inputs == [["beforeinput", "insertReplacementText", False, True]]
    else:
        assert inputs[0] == ["beforeinput", "insertReplacementText", False, False]
        assert ["input", "insertText", True, False] in inputs

    # The editor's own undo restores exactly the draft before the click; it is linted again.
    page.keyboard.press("Control+z")
    ed.frame.wait_for_function("([sel, t]) => document.querySelector(sel).innerText.includes(t)",
                               arg=[ed.spec["editable"], flagged])
    assert ed.text() == before
    assert ed.html() == html_before
    ed.wait_texts(want)
    assert page.errors == [], page.errors

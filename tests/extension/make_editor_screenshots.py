"""Screenshots of the editor families on their real npm packages, with the card open on a finding:
Outlook on the web in French (roosterjs), CKEditor 5, TinyMCE in its iframe mode
(docs/screenshots/extension-{outlook-fr,ckeditor5,tinymce-iframe}.png; the Gmail ones come from
make_screenshots.py). Run: .venv/bin/python tests/extension/make_editor_screenshots.py
"""
from __future__ import annotations

import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ext_harness import ROOT, Browser, ServerHandle  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


EDITOR_SHOTS = {"outlook-fr": "extension-outlook-fr.png", "ckeditor5": "extension-ckeditor5.png",
                "tinymce-iframe": "extension-tinymce-iframe.png"}
DRAFT = ["Hi Sam,", "Just checking in to see if you had a chance to look.", "This price expires Friday, so sign today.",
         "I need to hit my quota this month."]


def editor_shot(pw, server, editor, path):
    """The editor with the draft typed in, its underlines, and the card open on a finding with a wording."""
    from test_editors_e2e import lint, open_editor, with_wording

    flagged = with_wording(lint(server, "\n".join(DRAFT)))["text"]
    b = Browser(pw, server, viewport=(1000, 560))
    try:
        page, ed = open_editor(b, editor)
        for i, line in enumerate(DRAFT):
            if i:
                page.keyboard.press("Enter")
            page.keyboard.type(line)
        ed.frame.wait_for_function("(t) => [...CSS.highlights.values()].some(h => [...h].some(r => r.toString() === t))",
                                   arg=flagged, timeout=15000)
        x, y = ed.center(flagged)
        page.mouse.move(x, y)
        page.wait_for_function("() => document.querySelector('twoway-card')?.dataset.open === 'true'")
        page.wait_for_timeout(300)
        page.screenshot(path=str(path))
    finally:
        b.close()


def main():
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    server = ServerHandle().start()
    try:
        with sync_playwright() as pw:
            for editor, out in EDITOR_SHOTS.items():
                editor_shot(pw, server, editor, OUT / out)
                print(OUT / out)
    finally:
        server.stop()


if __name__ == "__main__":
    main()

"""Screenshots of the held Send (docs/screenshots/sendguard-gmail.png, sendguard-outlook.png), on
the Gmail- and Outlook-wired fixtures the send guard's tests use (sendguard_pages.py), in Chromium
against the real server.
Run: .venv/bin/python tests/extension/make_sendguard_screenshots.py
"""
from __future__ import annotations

import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ext_harness import ROOT, Browser, ServerHandle, wait_answers  # noqa: E402
from sendguard_pages import (GMAIL_BODY, GMAIL_SEND, GMAIL_URL, OUTLOOK_SEND, OUTLOOK_URL, gmail_page,  # noqa: E402
                             outlook_page)

OUT = ROOT / "docs" / "screenshots"
DIALOG = "twoway-sendguard [role=alertdialog]"


def click(page, selector):
    page.locator(selector).scroll_into_view_if_needed()
    box = page.locator(selector).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def main() -> int:
    from playwright.sync_api import sync_playwright

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ServerHandle().start()
    try:
        with sync_playwright() as pw:
            browser = Browser(pw, server, viewport=(1000, 720))
            try:
                page = browser.open(GMAIL_URL, gmail_page())
                page.locator('input[name="subjectbox"]').fill("Notes for {{company}}")
                page.locator(GMAIL_BODY).click()
                for i, line in enumerate(["Hi {{first_name}},", "", "Here is how [Similar Company] cut review time by XX%.",
                                          "Would the two-page summary help?", "", "Best,", "[Your Name]"]):
                    if i:
                        page.keyboard.press("Enter")
                    page.keyboard.type(line)
                wait_answers(page)
                page.wait_for_timeout(800)
                click(page, GMAIL_SEND)
                page.locator(DIALOG).wait_for()
                page.screenshot(path=str(OUT / "sendguard-gmail.png"))

                page = browser.open(OUTLOOK_URL, outlook_page(subject="Angebot für {{company}}", body_html=(
                    '<div class="elementToProof">Hi None,</div>'
                    '<div class="elementToProof"><br></div>'
                    '<div class="elementToProof">anbei die Zahlen für [Company]. Passt Ihnen Dienstag?</div>'
                    '<div class="elementToProof"><br></div>')))
                wait_answers(page)
                page.wait_for_timeout(500)
                click(page, OUTLOOK_SEND)
                page.locator(DIALOG).wait_for()
                page.screenshot(path=str(OUT / "sendguard-outlook.png"))
            finally:
                browser.close()
    finally:
        server.stop()
    print(f"wrote {OUT / 'sendguard-gmail.png'} and {OUT / 'sendguard-outlook.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

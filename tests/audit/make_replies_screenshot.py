"""Makes docs/screenshots/audit-replies.png: the report section "Do one-way emails get fewer
replies?" for a generated mailbox of sent mail and what came back (emails with pressure planted
to be answered less often), rendered by Debian's Chromium, headless, through playwright.
Run: .venv/bin/python tests/audit/make_replies_screenshot.py"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from twoway.audit import AuditOptions, audit, sample, sample_threads

ROOT = Path(__file__).resolve().parents[2]
TARGET = ROOT / "docs" / "screenshots" / "audit-replies.png"


def main() -> int:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="twoway-replies-shot-") as tmp:
        tmp = Path(tmp)
        box = sample.write_mbox(tmp / "all-mail.mbox", sample_threads.generate(4000, seed=5))
        result = audit([str(box)], tmp / "out", AuditOptions(progress=False))
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                        args=["--no-sandbox", "--disable-gpu"])
            try:
                page = browser.new_page(viewport={"width": 1200, "height": 900})
                page.goto(result.report.as_uri())
                page.wait_for_function("document.querySelectorAll('#replies .plot-container').length >= 3")
                page.wait_for_timeout(500)
                page.locator("#replies").screenshot(path=str(TARGET))
            finally:
                browser.close()
    print(TARGET)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Makes docs/screenshots/team-dashboard.png: /team after generated feedback (a team of reps over
the last week, with five lighter weeks before it for the trend), signed in with the admin token
and drawn by Debian's Chromium, headless. Run: .venv/bin/python tests/feedback/make_screenshot.py"""
from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
import threading
from pathlib import Path

from werkzeug.serving import make_server

from twoway import create_app
from twoway.feedback import feedback_of

ROOT = Path(__file__).resolve().parents[2]
TARGET = ROOT / "docs" / "screenshots" / "team-dashboard.png"
TOKEN = "screenshot-admin-token"

# rule -> (shown per day, fixed share, kept share, muted share): the reps fix most deadline and
# quota lines, and keep the follow-up and assumptive-close underlines often (to review).
TEAM = {
    "self_focus.filler-follow-up": (30, 0.22, 0.41, 0.04),
    "pressure.fake-deadline": (22, 0.55, 0.07, 0.01),
    "pressure.break-up": (9, 0.62, 0.05, 0.0),
    "self_focus.company-bragging": (14, 0.35, 0.12, 0.02),
    "pressure.guilt-trip": (8, 0.58, 0.06, 0.0),
    "self_focus.seller-serving-ask": (11, 0.40, 0.10, 0.01),
    "pressure.assumptive-close": (7, 0.20, 0.46, 0.08),
    "self_focus.quota-talk": (4, 0.80, 0.0, 0.0),
    "style.too-long": (18, 0.30, 0.20, 0.10),
    "style.no-question": (12, 0.45, 0.15, 0.05),
}
REASONS = ("not_one_way", "reader_asked", "other")


def generate(app, seed: int = 7) -> None:
    rng = random.Random(seed)
    service = feedback_of(app)
    today = dt.datetime.now(dt.timezone.utc).date()
    counts: dict[tuple, int] = {}
    for back in range(today.weekday() + 35, -1, -1):  # from the Monday five weeks before this week's
        day = today - dt.timedelta(days=back)
        load = (1.0 if back < 7 else 0.35 + 0.1 * (5 - back // 7)) * (0.4 if day.weekday() >= 5 else 1.0)
        for rule, (per_day, fixed, kept, muted) in TEAM.items():
            # The team learns: fewer deadline lines each week, the same follow-up habit.
            learned = 1.0 if "follow-up" in rule else 1.0 - 0.04 * (5 - back // 7)
            shown = max(0, round(rng.gauss(per_day * load * learned, 2)))
            key = lambda action, reason="": (day.isoformat(), rule, action, reason,  # noqa: E731
                                             app.extensions["twoway"].pack_version, "balanced", "")
            counts[key("shown")] = shown
            counts[key("fixed")] = round(shown * fixed * rng.uniform(0.85, 1.15))
            kept_n = round(shown * kept * rng.uniform(0.85, 1.15))
            for reason, share in zip(REASONS, (0.6, 0.3, 0.1)):
                counts[key("kept", reason)] = round(kept_n * share)
            counts[key("muted")] = round(shown * muted)
    service.store.add({k: n for k, n in counts.items() if n})


def main() -> int:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="twoway-team-shot-") as tmp:
        app = create_app({"LANGUAGETOOL": "off", "DATABASE_URL": f"sqlite:///{tmp}/twoway.db",
                          "ADMIN_TOKEN": TOKEN, "FEEDBACK_FLUSH_INTERVAL": 0})
        generate(app)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}/team"
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(url)
                page.fill("#token", TOKEN)
                page.click("button[type=submit]")
                page.wait_for_selector("html[data-charts-drawn='3']", timeout=30000)
                page.wait_for_timeout(500)
                page.screenshot(path=str(TARGET), full_page=True)
                browser.close()
        finally:
            server.shutdown()
            feedback_of(app).close()
    print(TARGET)
    return 0


if __name__ == "__main__":
    sys.exit(main())

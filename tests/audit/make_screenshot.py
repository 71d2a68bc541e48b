"""Makes docs/screenshots/audit-report.png: an audit of a generated team mailbox (six reps, six
months) rendered by Debian's Chromium, headless. Run: .venv/bin/python tests/audit/make_screenshot.py"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from twoway.audit import AuditOptions, audit, sample

ROOT = Path(__file__).resolve().parents[2]
TARGET = ROOT / "docs" / "screenshots" / "audit-report.png"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="twoway-audit-shot-") as tmp:
        tmp = Path(tmp)
        box = sample.write_mbox(tmp / "team.mbox", sample.generate(3000, seed=5))
        result = audit([str(box)], tmp / "out", AuditOptions(progress=False))
        subprocess.run(["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        "--window-size=1200,4300", "--virtual-time-budget=10000",
                        f"--screenshot={TARGET}", result.report.as_uri()],
                       check=True, capture_output=True, timeout=120)
    print(TARGET)
    return 0


if __name__ == "__main__":
    sys.exit(main())

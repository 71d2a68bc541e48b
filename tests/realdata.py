"""The public labelled set of real sales email, for the tests that measure on it.

It is not shipped with Two-Way (nothing of it is copied into the repository), so a clone alone
skips these tests, saying where to put the set; `-m realdata` selects them where it is.
"""
from __future__ import annotations

import json

import pytest

from twoway.evaluate import REALWORLD_DIR, is_realworld_dir

PRESENT = is_realworld_dir(REALWORLD_DIR)
SKIP_REASON = ("the labelled real emails are not here: put the public labelled set (emails.jsonl, units.jsonl, "
               f"labels.jsonl) in {REALWORLD_DIR} (../shared/realworld beside the checkout) "
               "or name its directory with TWOWAY_REALWORLD")

# Marks for a test or module that needs the set: selected by -m realdata, skipped without it.
needs_realworld = [pytest.mark.realdata, pytest.mark.skipif(not PRESENT, reason=SKIP_REASON)]


def realworld_texts() -> list[str]:
    """The set's email texts; skips the calling test (with where to put them) when they are absent."""
    if not PRESENT:
        pytest.skip(SKIP_REASON)
    path = REALWORLD_DIR / "emails.jsonl"
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

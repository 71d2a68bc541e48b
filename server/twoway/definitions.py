"""Two-Way's definitions, read from the one file that holds them: extension/lib/definitions.js
(package data twoway.extension_lib), which the extension and the lint page load as a script.

What it defines: the finding categories (key, label, hint, one-way or not, usable by rules),
the verdicts of the alignment score with their thresholds, and the rows of the numbers panel.
Every Python user imports the names below; none lists a category, a label or a threshold itself.
"""
from __future__ import annotations

import json
import re

from .resources import EXTENSION_LIB_DIR

DEFINITIONS_FILE = EXTENSION_LIB_DIR / "definitions.js"
_JSON = re.compile(r"/\* BEGIN JSON \*/(.*)/\* END JSON \*/", re.DOTALL)


def read_definitions(text: str) -> dict:
    """The JSON object between the markers of definitions.js."""
    found = _JSON.search(text)
    if found is None:
        raise RuntimeError(f"{DEFINITIONS_FILE}: no /* BEGIN JSON */ ... /* END JSON */ object")
    return json.loads(found.group(1))


DEFINITIONS = read_definitions(DEFINITIONS_FILE.read_text(encoding="utf-8"))

# Every category a finding may have, in the order the page and the extension list them.
CATEGORIES: tuple[str, ...] = tuple(c["key"] for c in DEFINITIONS["categories"])
CATEGORY_LABELS: dict[str, str] = {c["key"]: c["label"] for c in DEFINITIONS["categories"]}
# One-way writing: what the alignment score, the evaluation and the audit count.
ONE_WAY_CATEGORIES: tuple[str, ...] = tuple(c["key"] for c in DEFINITIONS["categories"] if c["one_way"])
# The categories a rule of a pack may have (the others come from LanguageTool).
RULE_CATEGORIES: tuple[str, ...] = tuple(c["key"] for c in DEFINITIONS["categories"] if c["rules"])

# (verdict, lowest score that earns it), highest first.
VERDICTS: tuple[tuple[str, int], ...] = tuple(
    (v["key"], v["min_score"]) for v in sorted(DEFINITIONS["verdicts"], key=lambda v: -v["min_score"]))

STATS_ROWS: tuple[dict, ...] = tuple(DEFINITIONS["stats_rows"])


def verdict_of(score: float) -> str:
    """The verdict an alignment score earns."""
    for verdict, lowest in VERDICTS:
        if score >= lowest:
            return verdict
    return VERDICTS[-1][0]


def category_label(category: str) -> str:
    return CATEGORY_LABELS.get(category, category)


def category_colours() -> dict[str, str]:
    """Each category's colour, from the one place for looks: the light theme's custom properties
    (--tw-<category>-color) at the top of twoway.css, which the extension and the page use."""
    css = (EXTENSION_LIB_DIR / "twoway.css").read_text(encoding="utf-8")
    root = css[css.index(":root"):]
    root = root[:root.index("}")]
    found = dict(re.findall(r"--tw-([a-z0-9_-]+)-color:\s*(#[0-9a-fA-F]{3,8})", root))
    return {c: found[c] for c in CATEGORIES if c in found}

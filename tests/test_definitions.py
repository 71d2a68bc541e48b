"""The one definition of the categories, verdicts and numbers rows (extension/lib/definitions.js),
as the server reads it, and what each category needs elsewhere to be shown."""
from __future__ import annotations

import re

import pytest

from twoway import definitions
from twoway.definitions import (CATEGORIES, DEFINITIONS, ONE_WAY_CATEGORIES, RULE_CATEGORIES, STATS_ROWS,
                                category_colours, read_definitions, verdict_of)
from twoway.resources import EXTENSION_LIB_DIR


def test_the_server_reads_the_scripts_object():
    assert CATEGORIES[:2] == ("pressure", "self_focus")
    assert set(ONE_WAY_CATEGORIES) <= set(RULE_CATEGORIES) <= set(CATEGORIES)
    assert {"grammar", "spelling"} <= set(CATEGORIES) - set(RULE_CATEGORIES)  # LanguageTool's
    assert [r["key"] for r in STATS_ROWS][:2] == ["words", "sentences"]


@pytest.mark.parametrize(("score", "verdict"), [(100, "two-way"), (75, "two-way"), (74.9, "mixed"), (45, "mixed"),
                                                (44, "one-way"), (0, "one-way")])
def test_verdicts_from_their_thresholds(score, verdict):
    assert verdict_of(score) == verdict


def test_a_file_without_the_markers_is_a_clear_error():
    with pytest.raises(RuntimeError, match="BEGIN JSON"):
        read_definitions("globalThis.TwoWayDefinitions = {};")


def test_every_category_has_its_looks():
    """A category added to definitions.js is drawn: a colour and a line in twoway.css (the server
    reads the colour for the audit's charts), an underline for the Highlight API, and its marks."""
    css = (EXTENSION_LIB_DIR / "twoway.css").read_text(encoding="utf-8")
    colours = category_colours()
    for key in CATEGORIES:
        assert re.fullmatch(r"#[0-9a-fA-F]{6}", colours.get(key, "")), key
        assert f"--tw-{key}-line:" in css, key
        assert f"::highlight(twoway-{key})" in css, key
        assert f'.tw-mark[data-category="{key}"]' in css and f'.tw-card[data-category="{key}"]' in css, key


def test_every_category_has_its_words():
    for category in DEFINITIONS["categories"]:
        assert category["label"].strip() and category["hint"].strip() and category["short"].strip()
        assert isinstance(category["one_way"], bool) and isinstance(category["rules"], bool)
    assert definitions.category_label("self_focus") == "Self-focus"
    assert definitions.category_label("not-a-category") == "not-a-category"


def test_every_one_way_category_costs_alignment_points():
    from twoway.alignment import SENTENCE_COST
    assert set(SENTENCE_COST) == set(ONE_WAY_CATEGORIES)

"""The generated rule docs in docs/rules/ are current: regenerating them changes nothing."""
from __future__ import annotations

from pathlib import Path

import pytest

from twoway.api import serialize_report
from twoway.evaluate import REALWORLD_DIR, is_realworld_dir, realworld_scores
from twoway.ruledocs import MEASURED_BEGIN, MEASURED_END, MEASURED_ON, rule_page, without_measured, write_rule_docs

DOCS = Path(__file__).parents[1] / "docs" / "rules"


@pytest.fixture(scope="module")
def tallies(app):
    if not is_realworld_dir(REALWORLD_DIR):
        return None
    checker = app.extensions["twoway"]
    return realworld_scores(lambda text: serialize_report(checker.check(text, grammar=False)), REALWORLD_DIR)["rules"]


def test_checked_in_rule_docs_are_current(app, tallies, tmp_path):
    written = write_rule_docs(app.extensions["twoway"].pack, tmp_path, tallies)
    assert sorted(p.name for p in written) == sorted(p.name for p in DOCS.glob("*.md")), \
        "docs/rules/ is out of date: run `twoway rule-docs --out docs/rules/`"
    for page in written:
        fresh, checked_in = page.read_text(), (DOCS / page.name).read_text()
        if tallies is None:  # without the dev set, compare all but the measured figures
            fresh, checked_in = without_measured(fresh), without_measured(checked_in)
        assert fresh == checked_in, f"docs/rules/{page.name} is out of date: run `twoway rule-docs --out docs/rules/`"


def test_a_rule_page_says_what_why_examples_and_what_instead(app):
    rule = app.extensions["twoway"].pack.by_id("pressure.break-up")
    page = rule_page(rule, {"units": 4, "right": 3, "precision": 0.75}, measured=True)
    for heading in ("## What it catches", "## Why it hurts a sales email", "## Flags", "## Passes",
                    "## What to write instead"):
        assert heading in page
    assert "**Should I close your file?**" in page and "precision 0.75" in page
    assert "precision" not in without_measured(page)


def test_cli_writes_a_page_per_rule_and_an_index(app, tmp_path, capsys):
    from twoway.cli import main

    assert main(["rule-docs", "--out", str(tmp_path / "rules")]) == 0
    pages = {p.name for p in (tmp_path / "rules").glob("*.md")}
    assert "index.md" in pages and {f"{r.id}.md" for r in app.extensions["twoway"].pack.rules} <= pages
    assert "pages to" in capsys.readouterr().out


def test_every_measured_figure_in_the_checked_in_docs_says_which_data_it_comes_from():
    """The figures come from a labelled set that is not shipped: each block says so, so a reader
    without the set knows why a regenerated page lacks them."""
    blocks = [page.read_text().split(MEASURED_BEGIN)[1:] for page in DOCS.glob("*.md")]
    blocks = [b.split(MEASURED_END)[0] for pages in blocks for b in pages]
    assert blocks, "docs/rules/ carries no measured figures"
    for block in blocks:
        assert MEASURED_ON in block and "not shipped" in block, block

"""The repository stands on its own: what a user reads never sends them to data outside it.

The labelled real emails the developers measure on are not shipped (tests/realdata.py); the
category definitions are the project's own (docs/labels.md). A reference to a folder beside the
checkout, in the README, the docs, the rule files, the extension, the page or the CLI's help,
names something the user does not have.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from twoway.cli import COMMANDS

REPO = Path(__file__).resolve().parents[1]
OUTSIDE = re.compile(r"\.\./shared|(?<![\w.-])shared/(?:realworld|labels|dom|corpus)", re.IGNORECASE)
USER_FACING = ["README.md", "docs/**/*.md", "lint_rules/*.yaml", "lint_rules/*.yml", "lint_rules/*.json", "extension/**/*.js",
               "extension/**/*.html", "extension/**/*.json", "server/twoway/templates/*", "server/twoway/static/*",
               "deploy/**/*"]


def user_facing_files() -> list[Path]:
    files = {p for pattern in USER_FACING for p in REPO.glob(pattern) if p.is_file() and "node_modules" not in p.parts}
    return sorted(files)


def test_what_users_read_never_points_outside_the_repository():
    found = [f"{p.relative_to(REPO)}:{n}: {line.strip()}"
             for p in user_facing_files() if p.suffix not in (".png", ".svg", ".ico")
             for n, line in enumerate(p.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
             if OUTSIDE.search(line)]
    assert not found, "user-facing text refers to data outside the repository:\n" + "\n".join(found)


def test_the_scan_sees_the_files_it_is_meant_to():
    names = {p.relative_to(REPO).as_posix() for p in user_facing_files()}
    assert {"README.md", "docs/labels.md", "docs/rules.md", "docs/extension.md", "lint_rules/pressure.yaml",
            "server/twoway/templates/page.html"} <= names
    assert OUTSIDE.search("as defined in ../shared/labels.md") and OUTSIDE.search("fixtures in `shared/dom`")


@pytest.mark.parametrize("command", [[], *([name] for name in COMMANDS)])
def test_the_cli_help_never_points_outside_the_repository(command, capsys):
    from twoway.cli import main

    with pytest.raises(SystemExit) as exited:
        main([*command, "--help"])
    assert exited.value.code == 0
    shown = capsys.readouterr().out
    assert "usage:" in shown and not OUTSIDE.search(shown), shown


def test_the_category_definitions_are_the_projects_own_and_linked():
    labels = (REPO / "docs" / "labels.md").read_text(encoding="utf-8")
    for heading in ("## pressure", "## self_focus", "## What must stay clean", "## Common calls"):
        assert heading in labels
    for doc in ("README.md", "docs/rules.md", "docs/extension.md", "docs/rules/index.md"):
        assert "labels.md" in (REPO / doc).read_text(encoding="utf-8"), doc
    for rule_file in ("pressure.yaml", "self_focus.yaml", "learned.yaml"):
        assert "docs/labels.md" in (REPO / "lint_rules" / rule_file).read_text(encoding="utf-8").split("\nrules:")[0]

"""A rule's one-click replacement, applied to each of its flag examples, reads right: the real
LanguageTool finds no grammar error in the result that the original did not have."""
from __future__ import annotations

import pytest

from twoway.config import BUNDLED_RULES_DIR
from twoway.examples import replaced_examples
from twoway.pack import load_pack

from .conftest import grammar_app_for

PACK = load_pack(BUNDLED_RULES_DIR)
CASES = [(rule.id, example, fixed) for rule in PACK.rules for example, _, fixed in replaced_examples(rule)]


@pytest.fixture(scope="module")
def patient_app(lt_server):
    """The suite's LanguageTool with a generous wait: a shared machine can be slow, and an
    unavailable answer here would say nothing about the replacement."""
    app = grammar_app_for(lt_server.url, LANGUAGETOOL_TIMEOUT=20)
    yield app
    app.extensions["twoway"].grammar.close()


def grammar_errors(app, text: str) -> set[tuple[str, str]]:
    findings, state = app.extensions["twoway"].grammar.check(text, "")
    assert state == "ok"
    return {(f.rule, text[f.start:f.end]) for f in findings}


def test_there_are_replacements_to_check():
    assert len(CASES) >= 20


@pytest.mark.parametrize("rule_id, example, fixed", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_replacement_adds_no_grammar_error(patient_app, rule_id, example, fixed):
    original = example.replace("[[", "").replace("]]", "")
    assert grammar_errors(patient_app, fixed) <= grammar_errors(patient_app, original), fixed

"""The audit's grammar: off by default, and with --grammar URL every worker asks that one
LanguageTool (here the session's real server)."""
from __future__ import annotations

from twoway.audit.checking import Settings, _tools, check_item
from twoway.audit.sources import RawItem

EMAIL = RawItem("crm.csv", "row 2", "fields", {
    "body": "Thanks for the notes from the pilot. He go to the store every morning before the standup.",
    "sender": "bea@northwind.example"})


def test_grammar_is_off_in_the_audit_by_default():
    linter, grammar = _tools(Settings())
    assert grammar is None
    row = check_item(linter, grammar, EMAIL)
    assert row["grammar_state"] == "off" and row["grammar"] == 0


def test_grammar_url_checks_on_the_shared_languagetool(lt_server):
    linter, grammar = _tools(Settings(grammar_url=lt_server.url))
    try:
        row = check_item(linter, grammar, EMAIL)
    finally:
        grammar.close()
    assert row["grammar_state"] == "ok" and row["grammar"] >= 1

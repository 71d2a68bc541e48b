"""The audit's grammar: off by default, and with --grammar URL every worker asks that one
LanguageTool (here the session's real server)."""
from __future__ import annotations

from twoway.audit.checking import Settings, check_batch
from twoway.audit.sources import RawItem

EMAIL = RawItem("crm.csv", "row 2", "fields", {
    "body": "Thanks for the notes from the pilot. He go to the store every morning before the standup.",
    "sender": "bea@northwind.example"})


def test_grammar_is_off_in_the_audit_by_default():
    row = check_batch(Settings(), [EMAIL])[0]
    assert row["grammar_state"] == "off" and row["grammar"] == 0


def test_grammar_url_checks_on_the_shared_languagetool(lt_server):
    row = check_batch(Settings(grammar_url=lt_server.url), [EMAIL])[0]
    check_batch(Settings(), [])  # back to the default checker: the grammar one is closed
    assert row["grammar_state"] == "ok" and row["grammar"] >= 1

"""The email, parsed: structure that is never linted, sentences that are, and merge fields."""
from __future__ import annotations

import pytest

from twoway.emailparse import matchable, parse_email


def kinds(text):
    email = parse_email(text)
    return [(b.kind, text[b.start:b.end]) for b in email.blocks]


def sentences(text):
    return [s.text for s in parse_email(text).sentences]


def test_greeting_signoff_and_signature_are_not_sentences():
    text = "Hi Priya,\n\nHow is the pilot going? I can send the export today.\n\nBest,\nJo Park\nAccount Manager"
    assert kinds(text) == [("greeting", "Hi Priya,"), ("body", "How is the pilot going? I can send the export today."),
                           ("signoff", "Best,"), ("signature", "Jo Park\nAccount Manager")]
    assert sentences(text) == ["How is the pilot going?", "I can send the export today."]


@pytest.mark.parametrize("opening, greeting", [
    ("Hi Sam, ", "Hi Sam,"),
    ("Hey there! ", "Hey there!"),
    ("{{first_name}}, ", "{{first_name}},"),
    ("[Name] - ", "[Name] -"),
    ("Good morning Dana, ", "Good morning Dana,"),
])
def test_greeting_glued_to_the_first_sentence_is_cut_off(opening, greeting):
    text = opening + "saw your post on churn. How are you measuring it today?"
    email = parse_email(text)
    assert (email.blocks[0].kind, text[email.blocks[0].start:email.blocks[0].end]) == ("greeting", greeting)
    assert email.sentences[0].text.startswith(("saw", "Saw"))


def test_a_short_sentence_after_a_name_is_not_taken_for_a_greeting():
    assert sentences("Hi Sam, sign today.") == ["sign today."]
    assert sentences("Last chance: this offer expires tonight, sign today.") == [
        "Last chance: this offer expires tonight, sign today."]


def test_ps_keeps_its_text_and_may_follow_the_signature():
    text = "{FIRST_NAME},\n\nWorth a look?\n\n{SENDER_EMAIL_SIGNATURE}\n\nP.S. - The case study is two pages."
    assert kinds(text) == [("greeting", "{FIRST_NAME},"), ("body", "Worth a look?"),
                           ("signature", "{SENDER_EMAIL_SIGNATURE}"), ("ps", "P.S. - The case study is two pages.")]
    assert sentences(text) == ["Worth a look?", "P.S. - The case study is two pages."]


def test_list_items_are_sentences_of_their_own_kind():
    text = "Next steps:\n- You send the schema by Friday\n- We share the pilot plan\n\nThanks,\nMia"
    email = parse_email(text)
    assert [(s.kind, s.text) for s in email.sentences] == [
        ("body", "Next steps:"), ("list_item", "You send the schema by Friday"),
        ("list_item", "We share the pilot plan")]
    # the item's block keeps its marker; its sentence (what a finding can span) does not
    assert [text[b.start:b.end] for b in email.blocks if b.kind == "list_item"] == [
        "- You send the schema by Friday", "- We share the pilot plan"]


@pytest.mark.parametrize("quote", [
    "On Thu, May 4, 2026 at 10:02 AM Priya Shah <priya@example.com> wrote:\n> Sign by Friday or lose the slot.",
    "On Thu, May 4, 2026 at 10:02 AM Priya Shah <priya@example.com>\nwrote:\n\nSign by Friday or lose the slot.",
    "-----Original Message-----\nFrom: Priya\nSign by Friday or lose the slot.",
    "From: Priya Shah <priya@example.com>\nSent: Thursday, May 4, 2026 10:02 AM\nTo: Jo\n\nSign by Friday or lose the slot.",
    "---------- Forwarded message ---------\nFrom: Priya\nSign by Friday or lose the slot.",
    "> Sign by Friday or lose the slot.\n> Thanks",
])
def test_quoted_thread_is_never_the_reps_words(quote):
    text = "Hi Priya,\n\nHere is the report you asked for.\n\n" + quote
    email = parse_email(text)
    assert [s.text for s in email.sentences] == ["Here is the report you asked for."]
    assert "lose the slot" not in email.own_text()
    assert any(b.kind == "quote" for b in email.blocks)


def test_plain_text_signature_delimiter():
    text = "Here is the deck.\n\n-- \nJo Park | Acme | +1 555 0100\nWe are the leading provider of ETL."
    assert sentences(text) == ["Here is the deck."]


def test_merge_fields_have_kinds():
    email = parse_email("Hi {{first_name}}, could {COMPANY} decide by [date]? {{custom_pain}} [Your Name]")
    assert [f.kind for f in email.fields] == ["name", "company", "date", "other", "name"]


def test_rules_read_a_date_field_as_a_date_and_spans_never_cut_inside_a_field():
    m = matchable("Finalize by {{DECISION_DATE}} to hold {COMPANY}’s slot.")
    assert m.text == "Finalize by Friday to hold Contoso's slot."
    friday = m.text.index("Friday")
    # a match inside or across a field's word widens to the whole field
    assert m.to_original(friday + 2, friday + 4) == (12, 29)
    assert m.to_original(0, friday + 6) == (0, 29)
    hold = m.text.index("hold")
    assert m.to_original(hold, hold + 4) == (33, 37)


def test_linter_flags_a_deadline_in_a_date_field_with_whole_field_span(linter):
    text = "Please finalize by {{DECISION_DATE}} to hold your slot."
    spans = [text[f.start:f.end] for f in linter.lint(text).findings if f.category == "pressure"]
    assert spans and all(not s.startswith("{") or s.count("{{") == s.count("}}") for s in spans)
    assert all(s.count("{{") == s.count("}}") for s in spans)


def test_structure_is_not_flagged_or_counted(linter):
    text = ("Hi Sam,\n\nHow is the rollout going for your team?\n\nBest,\nAlex\n\n"
            "On Mon, Jo <jo@example.com> wrote:\n> Just checking in. Sign today, this offer expires tonight!")
    result = linter.lint(text)
    assert [f for f in result.findings if f.category in ("pressure", "self_focus")] == []
    assert result.stats["sentences"] == 1 and result.stats["words"] == 8

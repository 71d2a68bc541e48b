"""The rep's own words: text/plain preferred, HTML to text, quotes and signatures cut, broken
messages named, never a crash."""
from __future__ import annotations

from email.message import EmailMessage

import pytest

from twoway.audit.checking import Settings, _checker, check_item
from twoway.audit.extraction import Malformed, extract, html_to_text
from twoway.audit.sources import RawItem

from .conftest import MALFORMED, QUOTED_ONLY


def mime(msg: EmailMessage) -> RawItem:
    return RawItem("test", "message 1", "mime", msg.as_bytes())


def message(body: str, html: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Bea Okafor <Bea.Okafor@northwind.example>"
    msg["Subject"] = "Pilot follow-up"
    msg["Date"] = "Tue, 03 Mar 2026 10:00:00 +0000"
    msg.set_content(body)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    return msg


def test_text_plain_is_preferred_over_the_html_alternative():
    mail = extract(mime(message("Plain words for the reader.", "<p>Fancy words for the reader.</p>")))
    assert "Plain words" in mail.text and "Fancy" not in mail.text
    assert mail.sender == "bea.okafor@northwind.example" and mail.sender_name == "Bea Okafor"
    assert mail.date.isoformat() == "2026-03-03T10:00:00+00:00" and mail.subject == "Pilot follow-up"


def test_an_html_only_part_is_turned_into_text():
    msg = EmailMessage()
    msg["From"] = "a@northwind.example"
    msg.set_content("<html><head><style>p{color:red}</style><script>var x=1;</script></head><body>"
                    "<p>First paragraph&nbsp;here.</p><div>Second<br>line &amp; more.</div>"
                    "<ul><li>one</li><li>two</li></ul></body></html>", subtype="html")
    body = extract(mime(msg)).text
    assert body.splitlines() == ["First paragraph here.", "", "Second", "line & more.", "- one", "- two"]
    assert "color" not in body and "var x" not in body


def test_html_blockquotes_become_quoted_lines():
    text = html_to_text("<p>My reply.</p><div class='gmail_quote'>On Mon, Sam wrote:"
                        "<blockquote><p>Their words.</p></blockquote></div>")
    assert "> Their words." in text.splitlines()


def test_quoted_reply_and_signature_are_not_the_reps_words():
    checker = _checker(Settings())
    quoted = check_item(checker, mime(message(QUOTED_ONLY + "\n-- \nBea Okafor\n+1 555 0142\n")))
    own_only = check_item(checker, mime(message(QUOTED_ONLY.split("\n\nOn Tue")[0])))
    assert quoted["error"] == "" and quoted["pressure"] == 0 and quoted["one_way_sentences"] == 0
    assert quoted["template"] == own_only["template"]  # same own words: the quote and signature are cut
    assert quoted["words"] == own_only["words"]
    # The same sentences written by the rep herself are counted.
    own = check_item(checker, mime(message(QUOTED_ONLY.replace("> ", ""))))
    assert own["pressure"] >= 2 and own["template"] != quoted["template"]


def test_a_forwarded_message_is_not_the_reps_words():
    forwarded = ("Hi Priya,\n\nSharing the note below in case it helps your planning.\n\nBest,\nDana\n\n"
                 "---------- Forwarded message ---------\nFrom: Avery <avery@northwind.example>\n"
                 "Date: Mon, 2 Mar 2026\nSubject: Pricing\n\nThis discount expires on Friday, so please sign before then.\n")
    row = check_item(_checker(Settings()), mime(message(forwarded)))
    assert row["pressure"] == 0 and "pressure.fake-deadline" not in row["rules"]


def test_html_email_with_a_quoted_reply_cuts_the_quote():
    html = ("<p>Thanks for the candid feedback on the pilot.</p><blockquote>"
            "<p>We only have two onboarding slots left this month.</p></blockquote>")
    msg = EmailMessage()
    msg["From"] = "a@northwind.example"
    msg.set_content(html, subtype="html")
    assert check_item(_checker(Settings()), mime(msg))["pressure"] == 0


@pytest.mark.parametrize("raw, reason", [
    (b"", "empty message"),
    (MALFORMED, "no email headers"),
    (b"From: a@x.example\nContent-Type: image/png\n\n\x89PNG", "no text part"),
    (b"From: a@x.example\nSubject: hi\n\n   \n", "empty body"),
])
def test_malformed_messages_are_named_not_raised(raw, reason):
    with pytest.raises(Malformed, match=reason):
        extract(RawItem("test", "message 9", "mime", raw))
    row = check_item(_checker(Settings()), RawItem("box.mbox", "message 9", "mime", raw))
    assert row == {"source": "box.mbox", "ref": "message 9", "error": reason}


def test_crm_and_jsonl_rows_give_sender_date_and_html_bodies_as_text():
    mail = extract(RawItem("crm.csv", "row 2", "fields", {
        "body": "<p>Thanks for the call.</p><p>How is the rollout going?</p>", "subject": "Call",
        "sender": "Dana Whitlock", "date": "2026-02-10 14:30"}))
    assert mail.text == "Thanks for the call.\n\nHow is the rollout going?"
    assert mail.sender == "dana whitlock" and mail.sender_name == "Dana Whitlock"
    assert mail.date.isoformat() == "2026-02-10T14:30:00+00:00"
    epoch = extract(RawItem("x.jsonl", "line 1", "fields", {"body": "Hi.", "sender": "e@x.example",
                                                            "date": 1767225600000}))
    assert epoch.date.year == 2026 and epoch.sender == "e@x.example"
    with pytest.raises(Malformed, match="no body"):
        extract(RawItem("crm.csv", "row 3", "fields", {"body": "", "sender": "x"}))

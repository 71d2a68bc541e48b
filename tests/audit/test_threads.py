"""Which of the team's emails were answered: replies linked by In-Reply-To or References only,
auto-replies and bounces set aside, the follow-up credited, the team told from inbound mail.
Each case threads a few hand-written header blocks through the index the audit uses."""
from __future__ import annotations

import pytest

from twoway.audit.threads import (AUTOMATIC, FIRST_TOUCH, FOLLOW_UP, INBOUND, NO, TEAM, UNKNOWN, YES, TeamRule,
                                  ThreadIndex, header_block, read_headers)

ACME = TeamRule.of(["acme.com"])


def message(mid: str, sender: str, day: int, hour: int = 9, subject: str = "Quick question", *extra: str,
            body: str = "Hello there.") -> bytes:
    headers = [f"From: {sender}", "To: someone@example.org", f"Subject: {subject}",
               f"Date: Tue, {day:02d} Mar 2026 {hour:02d}:00:00 +0000", f"Message-ID: <{mid}>", *extra]
    return ("\n".join(headers) + "\n\n" + body + "\n").encode()


def thread(*messages: bytes, rule: TeamRule = ACME) -> ThreadIndex:
    index = ThreadIndex()
    for position, raw in enumerate(messages):
        index.add(read_headers(position, header_block(raw), rule))
    index.finish(rule)
    return index


SENT = message("a1@acme.com", "Rep <rep@acme.com>", 3)


def test_a_reply_is_linked_by_in_reply_to_alone():
    index = thread(SENT, message("r1@buyer.org", "Buyer <b@buyer.org>", 3, 14, "Re: Quick question",
                                 "In-Reply-To: <a1@acme.com>"))
    assert index.outcome(0) == (YES, 5.0, FIRST_TOUCH)
    assert not index.audited(1)  # the reply is inbound mail: never audited as the team's
    assert (index.counts.replies, index.counts.answered) == (1, 1)


@pytest.mark.parametrize("references", ["<a1@acme.com>", "<x@buyer.org> <a1@acme.com> <y@buyer.org>",
                                        "<x@buyer.org>\n <a1@acme.com>", "a1@acme.com"])
def test_a_reply_is_linked_by_references_alone_at_any_position(references):
    index = thread(SENT, message("r1@buyer.org", "b@buyer.org", 4, 9, "Re: Quick question",
                                 f"References: {references}"))
    assert index.outcome(0) == (YES, 24.0, FIRST_TOUCH)


def test_a_reused_subject_never_links_a_reply():
    """Sequences send "Quick question" to hundreds of people: a subject says nothing about replies."""
    index = thread(SENT, message("a2@acme.com", "rep@acme.com", 3, 10),
                   message("r1@buyer.org", "b@buyer.org", 3, 12, "Re: Quick question"),
                   message("r2@buyer.org", "c@other.org", 3, 13, "Quick question"))
    assert index.outcome(0)[0] == NO and index.outcome(1)[0] == NO
    assert index.counts.replies == 0


AUTOMATIC_SIGNALS = {
    "auto-submitted": ("Auto-Submitted: auto-replied",),
    "auto-generated": ("Auto-Submitted: auto-generated",),
    "x-autoreply": ("X-Autoreply: yes",),
    "x-autorespond": ("X-Autorespond: Out of office",),
    "precedence": ("Precedence: auto_reply",),
    "delivery report": ('Content-Type: multipart/report; report-type=delivery-status; boundary="b"',),
}
AUTOMATIC_SUBJECTS = ["Automatic reply: Quick question", "Out of Office: Quick question", "Auto: Quick question",
                      "Abwesenheitsnotiz: Quick question", "Réponse automatique : Quick question",
                      "Respuesta automática: Quick question", "Risposta automatica: Quick question",
                      "Automatisch antwoord: Quick question", "=?utf-8?q?Automatische_Antwort=3A_Quick?=",
                      "自動返信: Quick question", "Undeliverable: Quick question"]


@pytest.mark.parametrize("signal", sorted(AUTOMATIC_SIGNALS))
def test_auto_replies_and_bounces_are_not_replies_by_header(signal):
    index = thread(SENT, message("r1@buyer.org", "b@buyer.org", 3, 10, "Re: Quick question",
                                 "In-Reply-To: <a1@acme.com>", *AUTOMATIC_SIGNALS[signal]))
    assert index.outcome(0)[0] == NO
    assert int(index.role_at[1]) == AUTOMATIC and index.counts.automatic == 1


@pytest.mark.parametrize("subject", AUTOMATIC_SUBJECTS)
def test_out_of_office_subjects_in_common_languages_are_not_replies(subject):
    index = thread(SENT, message("r1@buyer.org", "b@buyer.org", 3, 10, subject, "In-Reply-To: <a1@acme.com>"))
    assert index.outcome(0)[0] == NO


@pytest.mark.parametrize("sender", ["MAILER-DAEMON@mx.buyer.org", "postmaster@buyer.org",
                                    "Mail Delivery System <mailer-daemon@googlemail.com>"])
def test_bounces_from_mailer_daemon_and_postmaster_are_not_replies(sender):
    index = thread(SENT, message("r1@buyer.org", sender, 3, 10, "Delivery Status", "In-Reply-To: <a1@acme.com>"))
    assert index.outcome(0)[0] == NO


def test_a_person_saying_auto_submitted_no_and_re_out_of_office_is_a_reply():
    index = thread(SENT, message("r1@buyer.org", "b@buyer.org", 3, 10, "Re: Out of office cover for your team?",
                                 "In-Reply-To: <a1@acme.com>", "Auto-Submitted: no"))
    assert index.outcome(0)[0] == YES


def test_the_follow_up_that_got_the_answer_gets_the_credit():
    first = message("a1@acme.com", "rep@acme.com", 2)
    follow_up = message("a2@acme.com", "rep@acme.com", 5, 9, "Re: Quick question", "In-Reply-To: <a1@acme.com>",
                        "References: <a1@acme.com>")
    # The buyer answers the first email (names only it), after the follow-up went out.
    reply = message("r1@buyer.org", "b@buyer.org", 6, 9, "Re: Quick question", "In-Reply-To: <a1@acme.com>")
    index = thread(first, follow_up, reply)
    assert index.outcome(0) == (NO, None, FIRST_TOUCH)
    assert index.outcome(1) == (YES, 24.0, FOLLOW_UP)


def test_a_reply_before_the_follow_up_credits_the_first_email():
    first = message("a1@acme.com", "rep@acme.com", 2)
    reply = message("r1@buyer.org", "b@buyer.org", 3, 9, "Re: Quick question", "In-Reply-To: <a1@acme.com>")
    follow_up = message("a2@acme.com", "rep@acme.com", 5, 9, "Re: Quick question", "In-Reply-To: <r1@buyer.org>",
                        "References: <a1@acme.com> <r1@buyer.org>")
    index = thread(follow_up, first, reply)  # mailbox order is not date order
    assert index.outcome(1) == (YES, 24.0, FIRST_TOUCH)
    assert index.outcome(0) == (NO, None, FOLLOW_UP)


def test_time_to_reply_is_to_the_first_reply():
    index = thread(SENT, message("r2@buyer.org", "b@buyer.org", 4, 9, "Re", "In-Reply-To: <a1@acme.com>"),
                   message("r1@buyer.org", "c@buyer.org", 3, 11, "Re", "In-Reply-To: <a1@acme.com>"))
    assert index.outcome(0) == (YES, 2.0, FIRST_TOUCH)


def test_a_colleague_answering_is_not_a_reply():
    index = thread(SENT, message("c1@acme.com", "boss@acme.com", 3, 10, "Re", "In-Reply-To: <a1@acme.com>"),
                   message("c2@sub.acme.com", "x@eu.acme.com", 3, 11, "Re", "In-Reply-To: <a1@acme.com>"),
                   message("n1@news.org", "news@news.org", 3, 12, "Weekly digest"))  # the mailbox has inbound mail
    assert index.outcome(0)[0] == NO
    assert index.audited(1) and index.audited(2)  # the team's own mail


def test_gmail_labels_tell_the_team_apart_without_options():
    rule = TeamRule()
    sent = message("a1@acme.com", "rep@acme.com", 3, 9, "Quick question", "X-Gmail-Labels: Sent,Opened")
    inbox = message("r1@buyer.org", "b@buyer.org", 3, 10, "Re", "In-Reply-To: <a1@acme.com>",
                    "X-Gmail-Labels: Inbox,Important")
    other = message("n1@news.org", "news@news.org", 3, 11, "Weekly digest", "X-Gmail-Labels: Inbox")
    index = thread(sent, inbox, other, rule=rule)
    assert [int(r) for r in index.role_at] == [TEAM, INBOUND, INBOUND]
    assert index.outcome(0)[0] == YES
    # A colleague's reply in this rep's inbox: labelled Inbox, from someone who sent with the label.
    colleague_sent = message("a2@acme.com", "boss@acme.com", 3, 8, "Plan", "X-Gmail-Labels: Sent")
    colleague_reply = message("c1@acme.com", "boss@acme.com", 3, 12, "Re", "In-Reply-To: <a1@acme.com>",
                              "X-Gmail-Labels: Inbox")
    index = thread(sent, colleague_sent, colleague_reply, rule=rule)
    assert index.outcome(0)[0] == NO


def test_team_address_option():
    rule = TeamRule.of(addresses=["Rep@Gmail.com"])
    index = thread(message("a1@gmail.com", "rep@gmail.com", 3), message("r1@gmail.com", "b@gmail.com", 3, 10, "Re",
                                                                         "In-Reply-To: <a1@gmail.com>"), rule=rule)
    assert [int(r) for r in index.role_at] == [TEAM, INBOUND] and index.outcome(0)[0] == YES


def test_without_labels_or_a_team_every_message_is_audited_and_the_outcome_is_unknown():
    index = thread(SENT, message("r1@buyer.org", "b@buyer.org", 3, 10, "Re", "In-Reply-To: <a1@acme.com>"),
                   rule=TeamRule())
    assert index.audited(0) and index.audited(1)
    assert index.outcome(0)[0] == UNKNOWN and not index.counts.known


def test_only_sent_mail_given_says_unknown_rather_than_no():
    index = thread(SENT, message("a2@acme.com", "rep@acme.com", 4))
    assert index.outcome(0)[0] == UNKNOWN and index.outcome(1)[0] == UNKNOWN


def test_the_threading_pass_never_reads_a_body():
    raw = message("a1@acme.com", "rep@acme.com", 3, body="In-Reply-To: <zzz@x>\nSECRET BODY")
    assert b"SECRET" not in header_block(raw) and header_block(raw).endswith(b"<a1@acme.com>\n")
    crlf = raw.replace(b"\n", b"\r\n")
    assert b"SECRET" not in header_block(crlf)


def test_a_message_without_headers_is_left_to_the_audit_to_name():
    index = thread(b"no headers here at all\n", SENT)
    assert index.audited(0) and index.outcome(1)[0] == UNKNOWN  # no inbound mail at all

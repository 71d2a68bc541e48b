"""A generated mailbox with outcomes, for the reply tests, the benchmark and the screenshot:
the team's emails (audit/sample.py) plus what came back: replies (linked by In-Reply-To,
References or both, as mail clients do), follow-ups in unanswered threads, out-of-office
auto-replies and bounces that name the team's email too, and unrelated inbound mail that reuses
the team's subjects.

How often an email is answered is planted: with `pressure_reply` and `base_reply` the emails
holding a pressure sentence are answered at one rate and the others at another (equal rates: no
effect). Every inbound body carries INBOUND_MARK, so a test can prove none of it is shown.
"""
from __future__ import annotations

import random
from datetime import timedelta
from typing import Iterator

from . import sample

TEAM_DOMAIN = "northwind.example"
INBOUND_MARK = "Inbound-text-never-shown"
_PRESSURE_OPENINGS = tuple(p.split("{")[0][:28] for p in sample.PRESSURE)
_REPLIES = ["Thanks, this is useful. Can we talk on Thursday?", "Not right now, maybe next quarter.",
            "Please send the pricing sheet.", "Looping in our operations lead, who owns this."]


def has_pressure(body: str) -> bool:
    """Whether the generator put a pressure sentence in the rep's own words (not the quoted part)."""
    own = body.split("\nOn ", 1)[0]
    return any(opening in own for opening in _PRESSURE_OPENINGS)


def generate(count: int, seed: int = 7, pressure_reply: float = 0.06, base_reply: float = 0.30,
             follow_up_rate: float = 0.3, labels: bool = True, auto_rate: float = 0.05,
             bounce_rate: float = 0.02, months: int = 6) -> Iterator[dict]:
    """About `count` messages in date order: the team's `count * 0.6`-odd emails and the inbound
    mail they drew. Records as sample.generate's, with `headers` (In-Reply-To, References,
    X-Gmail-Labels...) and `kind` (team, reply, auto, bounce, unrelated)."""
    rng = random.Random(seed * 7919 + 1)
    team_count = max(1, int(count / (1.0 + (base_reply + pressure_reply) / 2 + auto_rate + bounce_rate + 0.05)))
    out: list[dict] = []
    open_threads: list[list[dict]] = []   # unanswered threads: the team's emails in each
    for record in sample.generate(team_count, seed=seed, months=months):
        record = dict(record)
        if open_threads and rng.random() < follow_up_rate:
            thread = open_threads.pop(rng.randrange(len(open_threads)))
            last = thread[-1]
            record["subject"] = "Re: " + thread[0]["subject"]
            record["sender"], record["sender_name"] = last["sender"], last["sender_name"]
            record["date"] = max(record["date"], last["date"] + timedelta(days=2))
            record["headers"] = [f"In-Reply-To: {last['msg_id']}",
                                 "References: " + " ".join(m["msg_id"] for m in thread)]
        else:
            thread = []
        record["headers"] = list(record.get("headers", ())) + (["X-Gmail-Labels: Sent"] if labels else [])
        record["kind"] = "team"
        thread.append(record)
        out.append(record)
        prospect = f"buyer{rng.randrange(10_000)}@client.example"
        roll = rng.random()
        chance = pressure_reply if has_pressure(record["body"]) else base_reply
        if roll < chance:
            out.append(_inbound(rng, record, thread, prospect, "reply", labels))
        else:
            extra = rng.random()
            if extra < auto_rate:
                out.append(_inbound(rng, record, thread, prospect, "auto", labels))
            elif extra < auto_rate + bounce_rate:
                out.append(_inbound(rng, record, thread, "MAILER-DAEMON@mx.client.example", "bounce", labels))
            open_threads.append(thread)
            del open_threads[:-200]  # a rep follows up recent threads
        if rng.random() < 0.05:  # unrelated inbound mail reusing the team's subject: never a reply
            out.append(_inbound(rng, record, thread, prospect, "unrelated", labels))
    out.sort(key=lambda r: r["date"])
    yield from out


def _inbound(rng: random.Random, sent: dict, thread: list[dict], sender: str, kind: str, labels: bool) -> dict:
    delay = timedelta(hours=min(24 * 20, rng.expovariate(1 / 18)) + 0.05)
    ids = [m["msg_id"] for m in thread]
    style = rng.random()
    if kind == "unrelated":
        links = []
    elif style < 0.5:
        links = [f"In-Reply-To: {sent['msg_id']}", "References: " + " ".join(ids)]
    elif style < 0.8:
        links = ["References: " + " ".join(ids)]   # References alone (some clients)
    else:
        links = [f"In-Reply-To: {sent['msg_id']}"]
    headers = links + (["X-Gmail-Labels: Inbox,Opened"] if labels else [])
    subject, body, content_type = "Re: " + sent["subject"], f"{rng.choice(_REPLIES)} {INBOUND_MARK}", None
    name = sender.split("@")[0].title()
    if kind == "auto":
        headers += rng.choice([["Auto-Submitted: auto-replied"], ["X-Autoreply: yes"], ["Precedence: auto_reply"], []])
        subject = rng.choice(["Automatic reply: ", "Out of Office: ", "Abwesenheitsnotiz: ", "Réponse automatique : "]) \
            + sent["subject"]
        body = f"I am away until Monday with limited access to email. {INBOUND_MARK}"
    elif kind == "bounce":
        name, subject = "Mail Delivery Subsystem", "Undelivered Mail Returned to Sender"
        content_type = 'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"'
        body = (f"--b1\nContent-Type: text/plain\n\nThe address was not found. {INBOUND_MARK}\n--b1\n"
                "Content-Type: message/delivery-status\n\nStatus: 5.1.1\n--b1--")
    elif kind == "unrelated":
        subject = sent["subject"].removeprefix("Re: ")
    return {"sender_name": name, "sender": sender, "to": sent["sender"], "date": sent["date"] + delay,
            "subject": subject, "body": body, "html": False, "headers": headers, "kind": kind,
            "content_type": content_type, "answers": None if kind == "unrelated" else sent["msg_id"],
            "msg_id": f"<{kind}-{rng.getrandbits(48):012x}@client.example>"}

"""A generated team mailbox for tests, benchmarks and the report screenshot.

Every sentence here was written for Two-Way (none comes from the public labelled set of real email). A team of
reps sends templates (merge fields filled in) and one-off emails of realistic, mixed lengths,
some with a quoted reply, a forwarded message or a signature under them, some as HTML only.
Reps lean on pressure at different rates, and less so month after month (coaching works).
"""
from __future__ import annotations

import csv
import html
import json
import random
import re
from datetime import datetime, timedelta, timezone
from email.header import Header
from email.utils import format_datetime
from pathlib import Path
from typing import Iterator

REPS = [
    ("Avery Quinlan", "avery.quinlan@northwind.example", 0.45),
    ("Bea Okafor", "bea.okafor@northwind.example", 0.10),
    ("Casimir Dube", "casimir.dube@northwind.example", 0.30),
    ("Dana Whitlock", "dana.whitlock@northwind.example", 0.20),
    ("Emeka Larsson", "emeka.larsson@northwind.example", 0.55),
    ("Farah Ibsen", "farah.ibsen@northwind.example", 0.05),
]
PROSPECTS = ["Jordan", "Priya", "Mateo", "Ingrid", "Tomasz", "Keiko", "Rafael", "Noor", "Lucien", "Wren"]
COMPANIES = ["Halvorsen Freight", "Bluefin Dental", "Orchard Labs", "Cobalt Civic", "Marrow & Pike"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]

TWO_WAY = [
    "I read your note about the onboarding backlog at {company}.",
    "How are you handling renewals for the larger accounts right now?",
    "Would it help if I sent the one-page summary before your planning meeting?",
    "You mentioned the team is hiring three new coordinators this spring.",
    "What would a good first month look like for your side?",
    "If the timing is wrong, just say so and I will check back in the autumn.",
    "Happy to walk through how two similar teams set up their reporting.",
    "Is the migration still the main thing on your plate this quarter?",
    "I can share the checklist your operations lead asked about.",
    "Which of these three options fits the way your team works today?",
    "No pressure either way; your rollout dates come first.",
    "Thanks for the candid feedback on the pilot.",
    "Let me know which questions your finance team raised, and I will answer them in writing.",
    "The notes from our call are below so you can correct anything I got wrong.",
]
PRESSURE = [
    "This discount expires on {day}, so please sign before then.",
    "We only have two onboarding slots left this month.",
    "If I don't hear back by {day}, I'll assume the project is dead.",
    "Your competitors are already using this to win renewals.",
    "This is my third email and I would appreciate a reply.",
    "Honestly, it's a no-brainer at this price.",
    "Prices are going up next month for all new accounts.",
    "You'd be crazy not to try it.",
]
SELF_FOCUS = [
    "I need to hit my quota by the end of the month.",
    "My manager asked me to get this closed this week.",
    "We are the leading platform in the industry.",
    "Just checking in to see if you got my last email.",
    "Our award-winning team has won every industry prize this year.",
]
TEMPLATES = [
    ("Quick question about {company}",
     ["Hi {name},", "I read your note about the onboarding backlog at {company}.",
      "How are you handling renewals for the larger accounts right now?",
      "Would it help if I sent the one-page summary before your planning meeting?",
      "Best,"]),
    ("Last chance: pricing ends {day}",
     ["Hi {name},", "This discount expires on {day}, so please sign before then.",
      "We only have two onboarding slots left this month.",
      "Honestly, it's a no-brainer at this price.", "Thanks,"]),
    ("Following up",
     ["Hi {name},", "Just checking in to see if you got my last email.",
      "I need to hit my quota by the end of the month.",
      "Can we set up a call on {day}?", "Cheers,"]),
    ("Notes from our call",
     ["Hi {name},", "Thanks for the candid feedback on the pilot.",
      "The notes from our call are below so you can correct anything I got wrong.",
      "What would a good first month look like for your side?", "Best regards,"]),
    ("Closing the loop",
     ["Hi {name},", "This is my third email and I would appreciate a reply.",
      "If I don't hear back by {day}, I'll assume the project is dead.", "Regards,"]),
]
SIGNOFFS = ["Best,", "Thanks,", "Cheers,", "Kind regards,"]
QUOTED = [
    "Thanks for the overview. We will review it with the team next week.",
    "Can you send pricing for forty seats?",
    "We are not ready to decide before the board meeting.",
]


_FROM_LINE = re.compile(rb"^(>*From )", re.MULTILINE)


def _fill(text: str, rng: random.Random, prospect: str, company: str) -> str:
    return text.format(name=prospect, company=company, day=rng.choice(DAYS))


def _one_off(rng: random.Random, pressure_rate: float, prospect: str, company: str) -> str:
    n = rng.choice([2, 3, 4, 4, 5, 6, 8, 12])  # mixed lengths: a short nudge to a long recap
    lines = []
    for _ in range(n):
        roll = rng.random()
        pool = PRESSURE if roll < pressure_rate * 0.6 else SELF_FOCUS if roll < pressure_rate else TWO_WAY
        lines.append(_fill(rng.choice(pool), rng, prospect, company))
    return " ".join(lines)


def generate(count: int, seed: int = 7, months: int = 6,
             start: datetime = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)) -> Iterator[dict]:
    """`count` emails as dicts: sender_name, sender, date (datetime), subject, body (plain text),
    html (True when the email should be sent as HTML only), and msg_id."""
    rng = random.Random(seed)
    span = timedelta(days=30 * months)
    for i in range(count):
        name, address, lean = rng.choice(REPS)
        when = start + span * (i / max(count, 1)) + timedelta(minutes=rng.randrange(600))
        month = (when - start).days // 30
        rate = max(0.02, lean * (1.0 - 0.12 * month))  # the coaching effect: less pressure each month
        prospect, company = rng.choice(PROSPECTS), rng.choice(COMPANIES)
        if rng.random() < 0.4:
            subject, lines = TEMPLATES[rng.randrange(len(TEMPLATES))
                                       if rng.random() < rate * 1.5 else rng.choice([0, 3])]
            subject = _fill(subject, rng, prospect, company)
            body = "\n\n".join(_fill(line, rng, prospect, company) for line in lines) + f"\n{name.split()[0]}"
        else:
            subject = rng.choice(["Your rollout", "Next steps", "Pilot follow-up", "A question"])
            body = (f"Hi {prospect},\n\n" + _one_off(rng, rate, prospect, company)
                    + f"\n\n{rng.choice(SIGNOFFS)}\n{name.split()[0]}")
        extra = rng.random()
        if extra < 0.25:
            body += f"\n\n-- \n{name}\nAccount Executive, Northwind\n+1 555 01{rng.randrange(10, 99)}"
        elif extra < 0.45:
            quoted = "\n".join("> " + line for line in rng.sample(QUOTED, 2))
            body += f"\n\nOn {format_datetime(when - timedelta(days=1))}, {prospect} <{prospect.lower()}@client.example> wrote:\n{quoted}"
        yield {"sender_name": name, "sender": address, "date": when, "subject": subject, "body": body,
               "html": rng.random() < 0.15, "msg_id": f"<gen-{seed}-{i}@northwind.example>"}


def message_bytes(record: dict) -> bytes:
    """The record as an RFC 5322 message (written directly: the generator feeds benchmarks of
    100,000 emails, and building EmailMessage objects would take longer than auditing them)."""
    if record.get("content_type"):  # a delivery report or other raw part (sample_threads.py)
        kind, content = None, record["body"]
    elif record.get("html"):
        paragraphs = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in record["body"].split("\n\n"))
        kind, content = "html", f"<html><head><style>p {{margin:0}}</style></head><body>{paragraphs}</body></html>"
    else:
        kind, content = "plain", record["body"]
    headers = [
        f"From: {_header(record['sender_name'])} <{record['sender']}>",
        f"To: {record.get('to', 'prospect@client.example')}",
        f"Subject: {_header(record['subject'])}",
        f"Date: {format_datetime(record['date'])}",
        f"Message-ID: {record['msg_id']}",
        *record.get("headers", ()),  # In-Reply-To, References, X-Gmail-Labels, Auto-Submitted...
        "MIME-Version: 1.0",
        record.get("content_type") or f'Content-Type: text/{kind}; charset="utf-8"',
        "Content-Transfer-Encoding: 8bit",
    ]
    return ("\n".join(headers) + "\n\n" + content + "\n").encode("utf-8")


def _header(value: str) -> str:
    return value if value.isascii() else Header(value, "utf-8").encode()


def write_mbox(path: str | Path, records) -> Path:
    path = Path(path)
    with path.open("wb") as fh:
        for record in records:
            stamp = record["date"].strftime("%a %b %d %H:%M:%S %Y")
            body = _FROM_LINE.sub(b">\\1", message_bytes(record))  # mboxrd: quote body lines that start with From
            fh.write(f"From {record['sender']} {stamp}\n".encode() + body + b"\n")
    return path


def write_eml_folder(path: str | Path, records) -> Path:
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    for i, record in enumerate(records):
        (path / f"{i:05d}.eml").write_bytes(message_bytes(record))
    return path


def write_crm_csv(path: str | Path, records, columns=("Email Body", "Subject", "Activity Owner", "Activity Date")) -> Path:
    """A CRM activity export (HubSpot/Salesforce style column names unless told otherwise)."""
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(columns)
        for r in records:
            out.writerow([r["body"], r["subject"], r["sender_name"], r["date"].strftime("%Y-%m-%d %H:%M")])
    return path


def write_jsonl(path: str | Path, records) -> Path:
    path = Path(path)
    with path.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps({"body": r["body"], "subject": r["subject"], "sender": r["sender"],
                                 "sender_name": r["sender_name"], "date": r["date"].isoformat()}) + "\n")
    return path

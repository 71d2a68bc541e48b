"""Which of the team's emails were answered, from the mail's headers alone (issue 18).

A first pass over the MIME sources reads each message's headers only (never a body): workers
turn a batch of header blocks into small records (Message-ID, date, sender and the ids it names,
all hashed to 64-bit ints, and whether it is the team's, an inbound message or an automatic
one); the driver keeps those ints in compact arrays, an index of Message-IDs and nothing else,
so a mailbox of a million messages threads in a few hundred bytes per message.

- The team's own messages: Gmail's `X-Gmail-Labels` (Sent) where the header is there, else the
  sender's address against `--team-domain` / `--team-address`. With neither, every message is
  audited as before and the outcome is unknown (the mail cannot say who answered whom).
- A reply is an inbound message whose In-Reply-To or References (any position) names one of the
  team's Message-IDs, from outside the team; never linked by subject (sequences reuse subjects).
- Auto-replies and bounces are not replies (`automatic_reason`).
- Credit: a thread is the messages joined by the ids they name; a reply credits the latest team
  message of its thread sent before it (the follow-up that got the answer), earlier touches stay
  unanswered. A team message is a first touch when no team message came before it in its thread.
"""
from __future__ import annotations

import email.parser
import email.policy
import re
from array import array
from dataclasses import dataclass, field
from datetime import timezone
from email.header import decode_header
from email.utils import getaddresses, parsedate_to_datetime
from hashlib import blake2b

# Roles of a message in the mailbox.
UNREADABLE, TEAM, INBOUND, AUTOMATIC = 0, 1, 2, 3
# Outcomes of a team message: unknown (the mail cannot say), no, yes.
UNKNOWN, NO, YES = -1, 0, 1
REPLIED_WORDS = {UNKNOWN: "unknown", NO: "no", YES: "yes"}
FIRST_TOUCH, FOLLOW_UP = 0, 1
STAGE_WORDS = {FIRST_TOUCH: "first-touch", FOLLOW_UP: "follow-up"}
MIME_KINDS = ("mbox", "eml-folder", "eml")

_DATE_BITS = 34           # seconds since 1970 fit in 34 bits until the year 2514
_NO_DATE = -1
_IDS = re.compile(rb"<[^<>\s]+>|[^<>\s,]+@[^<>\s,]+")
_HEADER_END = re.compile(rb"\r?\n\r?\n")

# Out-of-office and delivery-failure subjects in common languages; anchored at the start, so a
# human "Re: Out of office cover for your team?" is still a reply.
_AUTOMATIC_SUBJECT = re.compile(
    r"^\s*(?:"
    r"out of (?:the )?office|automatic reply|auto(?:matic)?[- ]?(?:reply|response)|autoreply|auto:|"
    r"away from (?:the |my )?office|on (?:vacation|holiday|leave)\b|"
    r"undeliverable|undelivered mail|delivery status notification|delivery failure|mail delivery failed|"
    r"returned mail|failure notice|"
    r"abwesenheitsnotiz|automatische antwort|abwesend|nicht im büro|außer haus|"
    r"réponse automatique|absence du bureau|absent(?:e)? du bureau|hors du bureau|message d'absence|"
    r"respuesta automática|respuesta automatica|fuera de la oficina|ausente|"
    r"risposta automatica|fuori ufficio|assente|"
    r"automatisch antwoord|afwezig|niet op kantoor|"
    r"resposta automática|resposta automatica|fora do escritório|ausência|"
    r"autosvar|frånvarande|fraværende|fravær|ikke på kontoret|"
    r"poza biurem|odpowiedź automatyczna|automaattinen vastaus|poissa toimistolta|"
    r"automatická odpověď|mimo kancelář|automatikus válasz|"
    r"otomatik yanıt|ofis dışında|автоответ|автоматический ответ|вне офиса|"
    r"不在|自動返信|自动回复|自動回覆|외출|부재|자동 응답"
    r")", re.IGNORECASE)
_BOUNCE_SENDERS = ("mailer-daemon", "postmaster")
_PRECEDENCE_AUTOMATIC = ("auto_reply", "bulk", "junk")


@dataclass(frozen=True)
class TeamRule:
    """Who the team is: addresses and domains (lower case). Sent by value to every worker."""
    domains: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()

    @classmethod
    def of(cls, domains=(), addresses=()) -> "TeamRule":
        return cls(tuple(sorted({d.strip().lower().lstrip("@") for d in domains if d.strip()})),
                   tuple(sorted({a.strip().lower() for a in addresses if a.strip()})))

    def __bool__(self) -> bool:
        return bool(self.domains or self.addresses)

    def is_team(self, address: str) -> bool:
        if address in self.addresses:
            return True
        domain = address.rpartition("@")[2]
        return bool(domain) and any(domain == d or domain.endswith("." + d) for d in self.domains)


def id_hash(value: bytes | str) -> int:
    """A Message-ID (or address) as a signed 64-bit int: the index keeps these, not the text."""
    data = value.encode("utf-8", "surrogateescape") if isinstance(value, str) else value
    return int.from_bytes(blake2b(data.strip(), digest_size=8).digest(), "little", signed=True)


def header_block(raw: bytes) -> bytes:
    """The header block of a raw message: what the threading pass reads (and all it sends)."""
    end = _HEADER_END.search(raw)
    return raw[:end.start() + 1] if end else raw


def _decoded(msg, name: str) -> str:
    """A header as text: encoded words decoded, raw 8-bit bytes read as UTF-8 (what they are in
    practice), anything broken replaced rather than raised."""
    value = msg.get(name)
    if value is None:
        return ""
    try:
        parts = decode_header(value)
    except Exception:
        return str(value)
    text = []
    for part, charset in parts:
        if isinstance(part, bytes):
            try:
                part = part.decode(charset if charset and charset != "unknown-8bit" else "utf-8", "replace")
            except LookupError:
                part = part.decode("utf-8", "replace")
        text.append(part)
    return "".join(text)


def automatic_reason(msg, address: str) -> str | None:
    """Why an inbound message is an auto-reply or a bounce (None: a person wrote it)."""
    submitted = (msg.get("auto-submitted") or "").strip().lower()
    if submitted and submitted != "no":
        return "auto-submitted"
    if msg.get("x-autoreply") is not None or msg.get("x-autorespond") is not None:
        return "x-autoreply"
    if (msg.get("precedence") or "").strip().lower() in _PRECEDENCE_AUTOMATIC:
        return "precedence"
    if msg.get_content_type() == "multipart/report":
        return "delivery report"
    if address.partition("@")[0] in _BOUNCE_SENDERS:
        return "mailer-daemon"
    if _AUTOMATIC_SUBJECT.search(_decoded(msg, "subject")):
        return "out-of-office subject"
    return None


def _labels(msg) -> set[str] | None:
    value = msg.get("x-gmail-labels")
    if value is None:
        return None
    return {label.strip().strip('"').lower() for label in _decoded(msg, "x-gmail-labels").split(",")}


_PARSER = email.parser.BytesHeaderParser(policy=email.policy.compat32)


def read_headers(position: int, headers: bytes, rule: TeamRule) -> tuple:
    """One message's record: (position, id, date, sender, role, from the team, labelled, ids named).
    Only the header block is parsed; the body never reaches this function."""
    try:
        msg = _PARSER.parsebytes(headers)
        if not {k.lower() for k in msg.keys()} & {"from", "subject", "date", "to", "message-id"}:
            return (position, 0, _NO_DATE, 0, UNREADABLE, False, False, ())
        pairs = getaddresses([_decoded(msg, "from")])
        address = (pairs[0][1] if pairs else "").strip().lower()
        labels = _labels(msg)
        from_team = rule.is_team(address)
        if labels is not None:
            role = TEAM if labels & {"sent", "sent mail"} else INBOUND
        elif rule:
            role = TEAM if from_team else INBOUND
        else:
            role = TEAM  # nothing says who the team is: audit everything, as before
        if role == INBOUND and automatic_reason(msg, address):
            role = AUTOMATIC
        message_id = (msg.get("message-id") or "").strip()
        named = []
        for name in ("in-reply-to", "references"):
            value = msg.get(name)
            if value:
                named.extend(id_hash(m.strip(b"<>")) for m in _IDS.findall(str(value).encode("utf-8", "surrogateescape")))
        try:
            when = parsedate_to_datetime(msg.get("date") or "")
            seconds = int((when if when.tzinfo else when.replace(tzinfo=timezone.utc)).timestamp())
            seconds = seconds if 0 <= seconds < (1 << _DATE_BITS) else _NO_DATE
        except (TypeError, ValueError, IndexError, OverflowError):
            seconds = _NO_DATE
        own = _IDS.search(message_id.encode("utf-8", "surrogateescape"))
        own_id = id_hash(own.group().strip(b"<>")) if own else 0
        return (position, own_id, seconds, id_hash(address) if address else 0, role, from_team,
                labels is not None, tuple(dict.fromkeys(named)))
    except Exception:  # a broken header block: audited (and named) like any unreadable message
        return (position, 0, _NO_DATE, 0, UNREADABLE, False, False, ())


def header_batch(rule: TeamRule, batch: list[tuple[int, bytes]]) -> list[tuple]:
    """What runs on a worker (local or Dask) in the threading pass."""
    return [read_headers(position, headers, rule) for position, headers in batch]


@dataclass
class ThreadCounts:
    messages: int = 0
    team: int = 0
    inbound: int = 0
    automatic: int = 0
    replies: int = 0          # inbound messages linked to a team email
    answered: int = 0         # team emails credited with a reply
    known: bool = False       # whether the mail says who answered whom


class ThreadIndex:
    """The index of the threading pass: ints per message, filled as records arrive (in any
    order), turned into outcomes by `finish`."""

    def __init__(self):
        self.position = array("q")
        self.ids = array("q")
        self.dates = array("q")
        self.senders = array("q")
        self.roles = array("b")
        self.from_team = array("b")
        self.edge_from = array("q")   # index into the arrays above
        self.edge_to = array("q")     # the hashed id named
        self.labelled = 0
        self.size = 0
        self.counts = ThreadCounts()
        # Filled by finish(), per position: role, outcome, hours to the first reply, stage.
        self.role_at = None
        self.replied_at = None
        self.hours_at = None
        self.stage_at = None

    def add(self, record: tuple) -> None:
        position, own_id, date, sender, role, from_team, labelled, named = record
        index = len(self.ids)
        self.position.append(position)
        self.ids.append(own_id)
        self.dates.append(date)
        self.senders.append(sender)
        self.roles.append(role)
        self.from_team.append(1 if from_team else 0)
        self.labelled += labelled
        for target in named:
            self.edge_from.append(index)
            self.edge_to.append(target)
        self.size = max(self.size, position + 1)

    def finish(self, rule: TeamRule) -> ThreadCounts:
        import numpy as np
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        n = len(self.ids)
        position = np.frombuffer(self.position, dtype=np.int64)
        ids = np.frombuffer(self.ids, dtype=np.int64).copy()
        dates = np.frombuffer(self.dates, dtype=np.int64)
        senders = np.frombuffer(self.senders, dtype=np.int64)
        roles = np.frombuffer(self.roles, dtype=np.int8)
        from_team = np.frombuffer(self.from_team, dtype=np.int8).astype(bool)
        edge_from = np.frombuffer(self.edge_from, dtype=np.int64)
        edge_to = np.frombuffer(self.edge_to, dtype=np.int64)
        self.position = self.ids = self.dates = self.senders = self.roles = self.from_team = None
        self.edge_from = self.edge_to = None

        # A message without a Message-ID is its own thread (an id nobody can name).
        missing = ids == 0
        ids[missing] = np.arange(missing.sum(), dtype=np.int64) * -1 - (1 << 62)
        nodes, inverse = np.unique(np.concatenate([ids, edge_to]), return_inverse=True)
        node_of_message, node_named = inverse[:n], inverse[n:]
        graph = coo_matrix((np.ones(len(edge_from), dtype=np.int8), (node_of_message[edge_from], node_named)),
                           shape=(len(nodes), len(nodes)))
        _, component = connected_components(graph, directed=False)
        thread = component[node_of_message]

        team = (roles == TEAM) | (roles == UNREADABLE)
        inbound = (roles == INBOUND) | (roles == AUTOMATIC)
        counts = self.counts
        counts.messages, counts.team = n, int((roles == TEAM).sum())
        counts.inbound, counts.automatic = int(inbound.sum()), int((roles == AUTOMATIC).sum())
        # The mail can say who answered whom when it tells the team apart and holds inbound mail.
        counts.known = bool((self.labelled or rule) and counts.inbound)

        # A reply names a team message directly, and comes from outside the team.
        team_node = np.zeros(len(nodes), dtype=bool)
        team_node[node_of_message[roles == TEAM]] = True
        names_team = np.zeros(n, dtype=bool)
        names_team[edge_from[team_node[node_named]]] = True
        team_senders = np.unique(senders[roles == TEAM])
        reply = (roles == INBOUND) & names_team & ~from_team & ~np.isin(senders, team_senders)
        counts.replies = int(reply.sum())

        # Team messages in (thread, date) order; a reply credits the latest one before it.
        team_index = np.flatnonzero(roles == TEAM)
        team_dates = np.where(dates[team_index] >= 0, dates[team_index], 0)
        team_keys = (thread[team_index].astype(np.int64) << _DATE_BITS) | team_dates
        order = np.argsort(team_keys, kind="stable")
        team_index, team_keys, team_dates = team_index[order], team_keys[order], team_dates[order]
        team_thread = thread[team_index]
        reply_index = np.flatnonzero(reply)
        reply_dates = np.where(dates[reply_index] >= 0, dates[reply_index], (1 << _DATE_BITS) - 1)
        reply_thread = thread[reply_index].astype(np.int64)
        latest = np.searchsorted(team_keys, (reply_thread << _DATE_BITS) | reply_dates, side="left") - 1
        before = (latest >= 0) & (team_thread[np.clip(latest, 0, None)] == reply_thread)
        # A reply dated before every team message of its thread (clocks disagree): the first one.
        first = np.searchsorted(team_keys, reply_thread << _DATE_BITS, side="left")
        credited = np.where(before, latest, first)
        first_reply = np.full(len(team_index), np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(first_reply, credited, reply_dates)
        answered = first_reply != np.iinfo(np.int64).max
        counts.answered = int(answered.sum())
        hours = np.full(len(team_index), np.nan, dtype=np.float32)
        dated = answered & (dates[team_index] >= 0) & (first_reply < (1 << _DATE_BITS) - 1)
        hours[dated] = np.maximum(0, first_reply[dated] - team_dates[dated]) / 3600.0
        follow_up = np.zeros(len(team_index), dtype=bool)
        follow_up[1:] = team_thread[1:] == team_thread[:-1]

        self.role_at = np.full(self.size, UNREADABLE, dtype=np.int8)
        self.role_at[position] = roles
        self.replied_at = np.full(self.size, UNKNOWN, dtype=np.int8)
        self.hours_at = np.full(self.size, np.nan, dtype=np.float32)
        self.stage_at = np.full(self.size, -1, dtype=np.int8)
        where = position[team_index]
        if counts.known:
            self.replied_at[where] = np.where(answered, YES, NO)
            self.hours_at[where] = hours
        self.stage_at[where] = np.where(follow_up, FOLLOW_UP, FIRST_TOUCH)
        return counts

    def audited(self, position: int) -> bool:
        """Whether the message at this position is the team's (or unreadable: named in the report)."""
        return int(self.role_at[position]) in (TEAM, UNREADABLE)

    def outcome(self, position: int) -> tuple[int, float | None, int]:
        hours = float(self.hours_at[position])
        return int(self.replied_at[position]), (None if hours != hours else hours), int(self.stage_at[position])


@dataclass
class Threads:
    """The threading pass over every MIME source: the index by position, and where each
    source's positions start (CSV and JSONL sources have none: their outcome is a column)."""
    index: ThreadIndex
    offsets: dict = field(default_factory=dict)  # source number -> its first position

    @property
    def counts(self) -> ThreadCounts:
        return self.index.counts


def thread_mail(sources, rule: TeamRule, executor, slots: int, batch_size: int, run) -> Threads:
    """The threading pass, on the executor the audit uses (local processes or Dask): positions
    count the messages of the MIME sources in the order the audit reads them."""
    offsets: dict[int, int] = {}

    def header_items():
        position = 0
        for number, source in enumerate(sources):
            if source.kind not in MIME_KINDS:
                continue
            offsets[number] = position
            for item in source.items():
                yield (position, header_block(item.payload) if isinstance(item.payload, bytes) else b"")
                position += 1

    index = ThreadIndex()
    run(header_items(), rule, executor, slots, index.add, batch_size, task=header_batch)
    index.finish(rule)
    return Threads(index, offsets)

"""The team's numbers, added up row by row as results arrive (nothing per email is kept but a
64-bit template key per sender, to count a template sent many times once per sender)."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..definitions import ONE_WAY_CATEGORIES

MALFORMED_NAMED = 200  # the report names this many malformed messages, and counts them all


@dataclass
class SenderStats:
    name: str
    index: int
    emails: int = 0
    score_sum: int = 0
    one_way: int = 0
    duplicates: int = 0
    rules: Counter = field(default_factory=Counter)


@dataclass
class PeriodStats:
    emails: int = 0
    score_sum: int = 0
    one_way: int = 0


@dataclass
class RuleStats:
    category: str
    message: str
    count: int = 0
    emails: int = 0
    examples: list = field(default_factory=list)


@dataclass
class TemplateStats:
    score: int
    subject: str
    rules: tuple
    example: str
    sends: int = 0
    senders: set = field(default_factory=set)


class Aggregate:
    def __init__(self):
        self.read = 0
        self.audited = 0          # distinct emails (a template counted once per sender)
        self.duplicates = 0
        self.malformed = 0
        self.malformed_named: list[tuple[str, str, str]] = []
        self.scores = Counter()   # alignment score -> distinct emails
        self.senders: dict[str, SenderStats] = {}
        self.days: dict[date, PeriodStats] = defaultdict(PeriodStats)
        self.rules: dict[str, RuleStats] = {}
        self.templates: dict[int, TemplateStats] = {}  # bodies sent at least twice
        # Per distinct body, only ints (about 130 bytes): the template seen once (-> its sender),
        # and each (sender, template) pair seen, so a template counts once per sender.
        self._sent_once: dict[int, int] = {}
        self._seen: set[int] = set()
        self.partial = False

    def add(self, row: dict) -> bool:
        """Count one result row; False when it was a duplicate (the same template, same sender)."""
        self.read += 1
        if row.get("error"):
            self.malformed += 1
            if len(self.malformed_named) < MALFORMED_NAMED:
                self.malformed_named.append((row["source"], row["ref"], row["error"]))
            return False
        sender = self.senders.get(row["sender"])
        if sender is None:
            sender = self.senders[row["sender"]] = SenderStats(row["sender_name"], len(self.senders))
        template_id = int(row["template"], 16)
        if self._count_template(template_id, sender.index, row):
            self.duplicates += 1
            sender.duplicates += 1
            return False
        self.audited += 1
        score = row["alignment_score"]
        self.scores[score] += 1
        sender.emails += 1
        sender.score_sum += score
        sender.one_way += row["one_way_sentences"]
        sender.rules.update(r for r in row["rules"] if row["rule_info"][r][0] in ONE_WAY_CATEGORIES)
        if row["date"]:
            period = self.days[datetime.fromisoformat(row["date"]).date()]
            period.emails += 1
            period.score_sum += score
            period.one_way += row["one_way_sentences"]
        for rule_id in dict.fromkeys(row["rules"]):
            stats = self.rules.get(rule_id)
            if stats is None:
                stats = self.rules[rule_id] = RuleStats(*row["rule_info"][rule_id])
            stats.emails += 1
        for rule_id in row["rules"]:
            self.rules[rule_id].count += 1
        for rule_id, sentence in row["hits"]:
            examples = self.rules[rule_id].examples
            if len(examples) < 2 and sentence not in examples:
                examples.append(sentence)
        return True

    def _count_template(self, template_id: int, sender_index: int, row: dict) -> bool:
        """Counts a send of the template; True when this sender had sent it already."""
        template = self.templates.get(template_id)
        if template is not None:
            template.sends += 1
            if len(template.senders) < 1000:
                template.senders.add(sender_index)
        elif template_id in self._sent_once:
            # The second send makes it a template; its details come from this send (same text).
            self.templates[template_id] = TemplateStats(
                row["alignment_score"], row["subject_masked"], tuple(dict.fromkeys(row["rules"])),
                row["hits"][0][1] if row["hits"] else "", 2,
                {self._sent_once.pop(template_id), sender_index})
        else:
            self._sent_once[template_id] = sender_index
        pair = template_id | (sender_index << 64)
        if pair in self._seen:
            return True
        self._seen.add(pair)
        return False

    def trend(self) -> tuple[str, dict[date, PeriodStats]]:
        """By month when the mail spans more than three months, else by week (Mondays)."""
        if not self.days:
            return "month", {}
        by_month = (max(self.days) - min(self.days)).days > 92
        out: dict[date, PeriodStats] = defaultdict(PeriodStats)
        for day, stats in self.days.items():
            period = out[day.replace(day=1) if by_month else day - timedelta(days=day.weekday())]
            period.emails += stats.emails
            period.score_sum += stats.score_sum
            period.one_way += stats.one_way
        return ("month" if by_month else "week"), dict(sorted(out.items()))

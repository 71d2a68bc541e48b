"""The team's numbers, added up row by row as results arrive (nothing per email is kept but a
64-bit template key per sender, to count a template sent many times once per sender)."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..findings import ONE_WAY_CATEGORIES

MALFORMED_NAMED = 200  # the report names this many malformed messages, and counts them all


@dataclass
class SenderStats:
    name: str
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
        self.templates: dict[str, TemplateStats] = {}
        self._seen: set[tuple[str, str]] = set()
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
            sender = self.senders[row["sender"]] = SenderStats(row["sender_name"])
        template = self.templates.get(row["template"])
        if template is None:
            template = self.templates[row["template"]] = TemplateStats(
                row["alignment_score"], row["subject_masked"], tuple(dict.fromkeys(row["rules"])),
                row["hits"][0][1] if row["hits"] else "")
        template.sends += 1
        if len(template.senders) < 1000:
            template.senders.add(row["sender"])
        key = (row["sender"], row["template"])
        if key in self._seen:
            self.duplicates += 1
            sender.duplicates += 1
            return False
        self._seen.add(key)
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

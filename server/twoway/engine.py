"""The linter: parses the email, runs the rule pack over each of the rep's sentences and the
whole email, and computes the email's numbers.

The flow (docs/architecture.md): emailparse.parse_email -> one contexts.SentenceContext per linted
sentence (what rules match: apostrophes straight, merge fields read as words) -> each sentence
rule in pack order -> findings cached per sentence -> email rules over the stats -> alignment.
A sentence's findings depend on that sentence and where it sits (first, mid, last), so the cache
is keyed by its text, kind and position.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace

from . import readability
from .alignment import add_alignment
from .caches import SentenceCache
from .contexts import EmailContext, SentenceContext, TextContext, position_of
from .emailparse import ParsedEmail, parse_email
from .findings import MODES, Finding
from .pack import RulePack
from .pronouns import READER_PRONOUNS, SELLER_PRONOUNS
from .rules import MetricRule, Rule
from .rules.matching import LiteralPrefilter
from .sentences import Sentence, is_question, split_sentences

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_LETTER = re.compile(r"[^\W\d_]")
# Seconds one rule may spend on one email before the rest of the email is linted without it:
# a pathological pattern or text costs that rule's findings, never the server.
RULE_BUDGET = 0.25


@dataclass
class LintResult:
    findings: list[Finding]  # code-point offsets into their field
    stats: dict
    email: ParsedEmail


def targets_of(rules: list[Rule]) -> dict:
    """The numbers' targets, from the pack's metric rules (a team that changes a range changes
    what the page and the extension show)."""
    targets: dict[str, dict] = {}
    for rule in rules:
        if isinstance(rule, MetricRule):
            target = targets.setdefault(rule.metric, {})
            if rule.min is not None:
                target["min"] = max(target.get("min", rule.min), rule.min)
            if rule.max is not None:
                target["max"] = min(target.get("max", rule.max), rule.max)
    if any(rule.category == "readiness" for rule in rules):
        targets["readiness_issues"] = {"max": 0}  # ready to send: none
    return targets


class Linter:
    def __init__(self, pack: RulePack, cache_size: int = 4096):
        self.pack = pack
        self.sentence_rules = sorted((r for r in pack.rules if r.LEVEL == "sentence"), key=lambda r: r.PASS)
        self.email_rules = [r for r in pack.rules if r.LEVEL == "email"]
        self.text_rules = [r for r in pack.rules if r.LEVEL == "text"]
        self.targets = targets_of(pack.rules)
        self.prefilter = LiteralPrefilter([r.requirement for r in self.sentence_rules])
        self._cache = SentenceCache(cache_size)
        readability.warm_up()

    def lint(self, body: str, subject: str = "", mode: str = MODES[0], thread: bool = False) -> LintResult:
        """`mode` (findings.MODES) decides which readiness rules run: in "template" merge fields
        are the point and only malformed ones are flagged. `thread`: the client knows the email
        replies to a real message, though its quoted thread is not in `body`."""
        email = parse_email(body)
        budget = {}
        findings = self._check_sentences(email.sentences, "body", budget)
        subject_sentences = split_sentences(subject, kind="subject") if subject else []
        findings += self._check_sentences(subject_sentences, "subject", budget)
        own_text = "\n".join(s.text for s in email.sentences)
        stats = compute_stats(email.sentences, own_text, self.targets)
        context = EmailContext(own_text, stats)
        for rule in self.email_rules:
            finding = rule.check_email(context)
            if finding:
                findings.append(finding)
        readiness = self._check_text(TextContext(email, subject, mode, thread))
        stats["readiness_issues"] = sum(1 for f in readiness if f.category == "readiness")
        findings += readiness
        add_alignment(stats, findings, list(email.sentences))
        findings.sort(key=Finding.sort_key)
        return LintResult(findings, stats, email)

    def _check_text(self, context: TextContext) -> list[Finding]:
        """Text rules in pack order; one card per place: a later rule's finding on a span an
        earlier one flagged in the same field is dropped."""
        found: list[Finding] = []
        for rule in self.text_rules:
            for f in rule.check_text(context):
                if not any(g.field == f.field and f.start < g.end and g.start < f.end for g in found):
                    found.append(f)
        return found

    def _check_sentences(self, sentences, field_name: str, budget: dict) -> list[Finding]:
        """Each sentence's findings, from the cache when the rep has not changed it."""
        out = []
        for index, s in enumerate(sentences):
            position = position_of(index, len(sentences)) if field_name == "body" else None
            key = (s.kind, s.text, position)
            found = self._cache.get(key)
            if found is None:
                found = self._check_sentence(s, budget, position)
                if not budget.get("overrun"):
                    self._cache.put(key, found)
            out.extend(replace(f, start=s.start + f.start, end=s.start + f.end, field=field_name) for f in found)
        return out

    def _check_sentence(self, sentence: Sentence, budget: dict, position: str | None = None) -> tuple[Finding, ...]:
        """Findings with offsets in the sentence; in pack order, the first rule to cover a span
        speaks for it: one card for one thing within a category."""
        if not _LETTER.search(sentence.text):
            return ()
        context = SentenceContext(sentence, position)
        found: list[Finding] = []
        lowered = context.lowered
        candidates = self.prefilter.candidates(lowered) if lowered is not None else None
        for index, rule in enumerate(self.sentence_rules):
            if candidates is not None and index not in candidates:
                continue  # none of the literals this rule needs is in the sentence
            spent = budget.get(rule.id, 0.0)
            if spent > RULE_BUDGET:
                budget["overrun"] = True
                continue
            began = time.perf_counter()
            f = rule.check_sentence(context, found)
            budget[rule.id] = spent + time.perf_counter() - began
            if f and not any(g.category == f.category and f.start < g.end and g.start < f.end for g in found):
                found.append(f)
        return tuple(found)


def compute_stats(sentences, text: str, targets: dict) -> dict:
    """The email's numbers over the rep's own sentences (no greeting, sign-off, signature or
    quote); `text` is those sentences joined by newlines."""
    sentence_words = [len(_WORD.findall(s.text)) for s in sentences]
    reader = len(READER_PRONOUNS.findall(text))
    seller = len(SELLER_PRONOUNS.findall(text))
    grade, ease = readability.reading_scores(text)
    return {
        "words": sum(sentence_words),
        "sentences": len(sentences),
        "questions": sum(1 for s in sentences if is_question(s.text)),
        "reading_grade": grade,
        "reading_ease": ease,
        "reader_pronouns": reader,
        "seller_pronouns": seller,
        # you/I: the reader's pronouns per seller pronoun; with no seller pronoun, the reader count.
        "you_ratio": round(reader / seller, 2) if seller else float(reader),
        "longest_sentence_words": max(sentence_words, default=0),
        "targets": targets,
    }

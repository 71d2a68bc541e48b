"""The linter: runs a rule pack over an email and computes the whole-email numbers."""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace

from . import readability
from .findings import Finding
from .pack import RulePack
from .rules import ClassifierRule, MetricRule, RatioRule, SentenceRule, classifier_features, lowered_copy
from .alignment import add_alignment
from .textutil import Sentence, SentenceCache, split_sentences

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_READER = re.compile(r"\b(?:you|your|yours|yourself|yourselves)\b", re.IGNORECASE)
_SELLER = re.compile(r"\b(?:I|me|my|mine|myself|we|us|our|ours|ourselves)\b", re.IGNORECASE)

# Published targets the numbers are shown against (see README: Boomerang, Lavender).
TARGETS = {
    "words": {"min": 50, "max": 125},
    "reading_grade": {"min": 3, "max": 5},
    "questions": {"min": 1, "max": 3},
    "you_ratio": {"min": 1.0},
}


@dataclass
class LintResult:
    findings: list[Finding]
    stats: dict


class Linter:
    def __init__(self, pack: RulePack, cache_size: int = 4096):
        self.pack = pack
        self.sentence_rules = [r for r in pack.rules if isinstance(r, SentenceRule)]
        self.metric_rules = [r for r in pack.rules if isinstance(r, MetricRule)]
        self.ratio_rules = [r for r in pack.rules if isinstance(r, RatioRule)]
        self.classifier_rules = [r for r in pack.rules if isinstance(r, ClassifierRule)]
        self._cache = SentenceCache(cache_size)
        readability.warm_up()

    def lint(self, body: str, subject: str = "") -> LintResult:
        sentences = split_sentences(body)
        findings = self.check_sentences(sentences, "body")
        if subject:
            findings += self.check_sentences(split_sentences(subject), "subject")
        stats = compute_stats(body, sentences)
        for rule in self.ratio_rules:
            finding = rule.check_text(body)
            if finding:
                findings.append(finding)
        for rule in self.metric_rules:
            finding = rule.check_stats(stats)
            if finding:
                findings.append(finding)
        add_alignment(stats, findings, sentences)
        findings.sort(key=Finding.sort_key)
        return LintResult(findings, stats)

    def check_sentences(self, sentences: list[Sentence], field_name: str) -> list[Finding]:
        """Sentence-level findings; each sentence is checked once and remembered, so a re-lint
        while the rep types only checks the sentences that changed."""
        hits = {s.text: self._cache.get(s.text) for s in sentences}
        new = [t for t, h in hits.items() if h is None]
        if new:
            for sentence_text, found in zip(new, self._check_new(new)):
                hits[sentence_text] = found
                self._cache.put(sentence_text, found)
        return [replace(f, start=s.start + f.start, end=s.start + f.end, field=field_name)
                for s in sentences for f in hits[s.text]]

    def _check_new(self, texts: list[str]) -> list[tuple[Finding, ...]]:
        """Each sentence's findings, offsets within it. The sentences are scanned together, one
        per line behind a fence no pattern crosses, so each rule scans once."""
        fence = "\n.\n"
        sentences, pos = [], 0
        for t in texts:
            sentences.append(Sentence(pos, pos + len(t), t))
            pos += len(t) + len(fence)
        joined = fence.join(texts)
        # Rules are written with a straight apostrophe; curly ones are the same length.
        matchable = joined.translate(_APOSTROPHES)
        lowered = lowered_copy(matchable)
        starts = [s.start for s in sentences]

        def sentence_at(index: int) -> int:
            i = bisect_right(starts, index) - 1
            return i if i >= 0 and index < sentences[i].end else -1

        found: list[list[Finding]] = [[] for _ in texts]
        for rule in self.sentence_rules:  # in pack order: the first rule to cover a span speaks for it
            for f in rule.check(matchable, lowered, sentences, sentence_at, "body"):
                i = sentence_at(f.start)
                a, b = f.start - starts[i], f.end - starts[i]
                # One card for one thing: a second rule of the same category on an overlapping span adds nothing.
                if not any(g.category == f.category and a < g.end and g.start < b for g in found[i]):
                    found[i].append(replace(f, start=a, end=b))
        if self.classifier_rules:
            features = [classifier_features(t) for t in texts]
            for rule in self.classifier_rules:
                # A safety net for what the hand-written rules missed: not where a rule of its own
                # category spoke, and only when sure where a rule of another category already
                # coaches the sentence (a vague second card is noise, a second label is not).
                own = {i for i, hits in enumerate(found) if any(g.category == rule.category for g in hits)}
                other = {i for i, hits in enumerate(found) if hits} - own
                for f in rule.check_sentences(sentences, features, own, other, "body"):
                    i = sentence_at(f.start)
                    found[i].append(replace(f, start=0, end=len(texts[i])))
        return [tuple(hits) for hits in found]


def compute_stats(body: str, sentences: list[Sentence]) -> dict:
    # Sentences cover every word of the body, so one count per sentence serves both figures.
    sentence_words = [len(_WORD.findall(s.text)) for s in sentences]
    reader = len(_READER.findall(body))
    seller = len(_SELLER.findall(body))
    grade, ease = readability.reading_scores(body)
    return {
        "words": sum(sentence_words),
        "sentences": len(sentences),
        "questions": sum(1 for s in sentences if s.text.rstrip("”\"')] ").endswith("?")),
        "reading_grade": grade,
        "reading_ease": ease,
        "reader_pronouns": reader,
        "seller_pronouns": seller,
        # you/I: the reader's pronouns per seller pronoun; with no seller pronoun, the reader count.
        "you_ratio": round(reader / seller, 2) if seller else float(reader),
        "longest_sentence_words": max(sentence_words, default=0),
        "targets": TARGETS,
    }

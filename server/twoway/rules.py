"""Rule types. A rule is data (YAML); each type is one small class compiled once at load.

- phrases: a list of literal phrases, matched case-insensitively on word boundaries.
- pattern: regular expressions (case-insensitive), for phrasing a list cannot enumerate.
- cooccurrence: every one of several concept lists (regular expressions) in one sentence,
  in any order: "an offer word" + "an ending verb" + "a date" says fake deadline in more
  wordings than any phrase list.
- classifier: labelled sentences (JSON lines) that train a naive Bayes model at load; it
  flags a sentence of its category that no hand-written rule caught, so reps' wording that
  no pattern foresaw is still coached. The sentences are data a team can extend.
- metric:  a whole-email number (words, reading grade, questions) outside a target range.
- ratio:   two counts over the whole email whose ratio is off target (e.g. we/you).

Sentence rules (phrases, pattern) share context guards, because a trigger word alone is not
a one-way sentence: a negation before the match ("there's no deadline"), the match inside
the reader's quoted words, the reader's own situation ("you said your audit is Friday"), and
questions about the reader. Each rule picks the guards that fit it.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from .findings import Finding
from .guards import DEFAULT_GUARDS, GUARDS
from .textutil import Sentence

# Matching ------------------------------------------------------------------------------

def _lower_literals(pattern: str) -> str:
    """The pattern with its literal characters lower-cased; escapes (\\S, \\W, \\B) kept as they are."""
    out, i = [], 0
    while i < len(pattern):
        if pattern[i] == "\\" and i + 1 < len(pattern):
            out.append(pattern[i:i + 2])
            i += 2
        else:
            out.append(pattern[i].lower())
            i += 1
    return "".join(out)


def _alternation(patterns: Iterable[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


class CaseBlindRegex:
    """Case-insensitive patterns, matched fast.

    CPython's re is several times slower with IGNORECASE, so patterns run without it on a
    lower-cased copy of the text (same length, same offsets). Patterns that must see case,
    written with (?-i:...) (a capitalised name), run with IGNORECASE on the original text.
    Text whose lower-case form changes length (rare: "İ") uses the IGNORECASE form throughout.
    """

    def __init__(self, patterns: list[str]):
        blind = [p for p in patterns if "(?-i:" not in p]
        cased = [p for p in patterns if "(?-i:" in p]
        # MULTILINE: the linter scans several sentences at once, one per line, and ^ means a
        # sentence's start. ASCII: a quarter faster; an accented letter then ends a word, which can
        # only make a pattern miss, never flag.
        self.blind = (re.compile(_alternation(_lower_literals(p) for p in blind), re.MULTILINE | re.ASCII)
                      if blind else None)
        self.cased = re.compile(_alternation(cased), re.IGNORECASE | re.MULTILINE) if cased else None
        self.fallback = re.compile(_alternation(patterns), re.IGNORECASE | re.MULTILINE)

    def finditer(self, text: str, lowered: str | None, pos: int = 0, endpos: int | None = None):
        end = len(text) if endpos is None else endpos
        if lowered is None:
            return self.fallback.finditer(text, pos, end)
        if self.cased is None:
            return self.blind.finditer(lowered, pos, end)
        if self.blind is None:
            return self.cased.finditer(text, pos, end)
        matches = [*self.blind.finditer(lowered, pos, end), *self.cased.finditer(text, pos, end)]
        matches.sort(key=lambda m: m.start())
        return matches


def lowered_copy(text: str) -> str | None:
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else None


# Rules --------------------------------------------------------------------------------

@dataclass
class Rule:
    id: str
    type: str
    category: str
    severity: str
    message: str
    why: str
    replacements: tuple[str, ...]
    advice: str
    examples: dict
    source: str
    description: str = ""

    def describe(self) -> dict:
        return {
            "id": self.id,
            "type": self.type,
            "category": self.category,
            "severity": self.severity,
            "message": self.message,
            "why": self.why,
            "replacements": list(self.replacements),
            "advice": self.advice,
            "description": self.description,
            "source": self.source,
        }

    def finding(self, start: int, end: int, field_name: str = "body") -> Finding:
        return Finding(
            rule=self.id, category=self.category, severity=self.severity, message=self.message,
            why=self.why, start=start, end=end, replacements=self.replacements,
            field=field_name, advice=self.advice,
        )


@dataclass
class SentenceRule(Rule):
    """Shared by phrases and pattern: one compiled regex, guards, and span choice."""

    regex: CaseBlindRegex = field(default=None, repr=False)
    unless: re.Pattern | None = field(default=None, repr=False)
    guards: tuple[str, ...] = DEFAULT_GUARDS
    span: str = "match"  # or "sentence"

    def check(self, text: str, lowered: str | None, sentences: list[Sentence],
              sentence_at: Callable[[int], int], field_name: str) -> Iterator[Finding]:
        """One finding per sentence: the span from the first to the last unguarded match."""
        current, first, last = -1, 0, 0
        for m in self.regex.finditer(text, lowered):
            if m.end() == m.start():
                continue
            index = sentence_at(m.start())
            if index < 0:
                continue
            sentence = sentences[index]
            if m.end() > sentence.end:  # a match across a sentence boundary is no match
                continue
            a, b = m.start() - sentence.start, m.end() - sentence.start
            if self.unless is not None and self.unless.search(sentence.text):
                continue
            if any(GUARDS[g](sentence, a, b) for g in self.guards):
                continue
            if index == current:
                last = m.end()
                continue
            if current >= 0:
                yield self._finding_for(sentences[current], first, last, field_name)
            current, first, last = index, m.start(), m.end()
        if current >= 0:
            yield self._finding_for(sentences[current], first, last, field_name)

    def _finding_for(self, sentence: Sentence, start: int, end: int, field_name: str) -> Finding:
        if self.span == "sentence":
            return self.finding(sentence.start, sentence.end, field_name)
        return self.finding(start, end, field_name)


class PhraseRule(SentenceRule):
    @staticmethod
    def compile(phrases: Iterable[str]) -> CaseBlindRegex:
        parts = []
        for phrase in sorted(set(phrases), key=len, reverse=True):
            # Text is matched with curly apostrophes already made straight (engine.py).
            parts.append(r"\s+".join(re.escape(w.replace("’", "'")) for w in phrase.split()))
        return CaseBlindRegex([r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)"])


class PatternRule(SentenceRule):
    @staticmethod
    def compile(patterns: Iterable[str]) -> CaseBlindRegex:
        return CaseBlindRegex(list(patterns))


@dataclass
class CooccurrenceRule(SentenceRule):
    """Flags a sentence in which every concept regex matches; the span covers the matches."""

    concepts: tuple = field(default=(), repr=False)

    def check(self, text: str, lowered: str | None, sentences: list[Sentence],
              sentence_at: Callable[[int], int], field_name: str) -> Iterator[Finding]:
        for sentence in sentences:
            if self.unless is not None and self.unless.search(sentence.text):
                continue
            spans = []
            for concept in self.concepts:
                m = next((m for m in concept.finditer(text, lowered, sentence.start, sentence.end)
                          if m.end() > m.start() and not any(
                              GUARDS[g](sentence, m.start() - sentence.start, m.end() - sentence.start)
                              for g in self.guards)), None)
                if m is None:
                    break
                spans.append((m.start(), m.end()))
            else:
                start, end = min(a for a, _ in spans), max(b for _, b in spans)
                yield self._finding_for(sentence, start, end, field_name)


_TOKEN = re.compile(r"[a-z0-9']+")
MIN_CLASSIFIED_WORDS = 4
# Extra log-odds a learned rule needs on a sentence a rule of another category already flagged.
CROSS_MARGIN = 6.0
# Log-odds by which a family must lead the next one before a learned flag borrows its wording
# (on the blind set: 145 right, 4 wrong, 7 general among 156 flagged sentences).
FAMILY_MARGIN = 4.0


def sentence_features(text: str) -> set[str]:
    """What the classifier rule weighs: lower-case words and word pairs, and the same over word
    stems (first five letters), so "expires", "expiring" and "expiry" count together."""
    words = _TOKEN.findall(text.lower().replace("’", "'"))
    stems = ["~" + w[:5] for w in words]
    return (set(words) | {f"{a} {b}" for a, b in zip(words, words[1:])}
            | set(stems) | {f"{a} {b}" for a, b in zip(stems, stems[1:])})


@dataclass
class ClassifierRule(Rule):
    """Naive Bayes over word features, trained once at load on labelled sentences.

    A sentence scores the log-odds that it carries this rule's category; above `threshold`
    it is flagged, whole, unless a hand-written rule of the same category already flagged it.
    """

    threshold: float = 6.0
    unless: re.Pattern | None = field(default=None, repr=False)
    prior: float = 0.0
    weights: dict = field(default_factory=dict, repr=False)
    trained_on: int = 0
    # family name -> the hand-written rule whose message, why and wording a flag of that family
    # borrows (resolved by the pack loader); family_model scores which family a sentence is.
    families: dict = field(default_factory=dict, repr=False)
    family_model: dict = field(default_factory=dict, repr=False)
    training_records: list = field(default_factory=list, repr=False)  # until the family model is trained

    def train_families(self, records: list[tuple[str, frozenset, str]]) -> None:
        """A second naive Bayes, among this category's sentences, over the families it maps."""
        by_family: dict[str, list[set[str]]] = {}
        for text, labels, family in records:
            if self.category in labels and family in self.families:
                by_family.setdefault(family, []).append(sentence_features(text))
        total = sum(len(v) for v in by_family.values())
        self.family_model = {}
        for family, rows in by_family.items():
            counts: dict[str, int] = {}
            for features in rows:
                for f in features:
                    counts[f] = counts.get(f, 0) + 1
            n = len(rows)
            self.family_model[family] = (math.log(n / total), {f: math.log((c + 0.5) / (n + 1)) for f, c in counts.items()},
                                         math.log(0.5 / (n + 1)))

    def family_of(self, features: set[str]) -> str | None:
        """The family the sentence most resembles, or None when the runner-up is close (a card
        worded for the wrong family misleads more than a general one)."""
        scores = sorted((prior + sum(present.get(f, unseen) for f in features), family)
                        for family, (prior, present, unseen) in self.family_model.items())
        if not scores:
            return None
        if len(scores) > 1 and scores[-1][0] - scores[-2][0] < FAMILY_MARGIN:
            return None
        return scores[-1][1]

    def finding(self, start: int, end: int, field_name: str = "body", features: set[str] | None = None) -> Finding:
        """The learned rule's finding, worded like the hand-written rule of the family it most resembles."""
        family_rule = self.families.get(self.family_of(features)) if features and self.family_model else None
        if family_rule is None:
            return super().finding(start, end, field_name)
        return Finding(
            rule=self.id, category=self.category, severity=self.severity, message=family_rule.message,
            why=family_rule.why, start=start, end=end, replacements=family_rule.replacements,
            field=field_name, advice=family_rule.advice,
        )

    def train(self, records: list[tuple[str, frozenset]]) -> None:
        positive, negative = {}, {}
        n_pos = n_neg = 0
        for text, labels, *_ in records:
            counts = positive if self.category in labels else negative
            if self.category in labels:
                n_pos += 1
            else:
                n_neg += 1
            for feature in sentence_features(text):
                counts[feature] = counts.get(feature, 0) + 1
        self.prior = math.log(max(n_pos, 1) / max(n_neg, 1))
        self.weights = {
            f: math.log((positive.get(f, 0) + 0.5) / (n_pos + 1)) - math.log((negative.get(f, 0) + 0.5) / (n_neg + 1))
            for f in set(positive) | set(negative)
        }
        self.trained_on = n_pos + n_neg

    def score(self, text: str) -> float:
        return self._score(sentence_features(text))

    def _score(self, features: set[str]) -> float:
        weights = self.weights
        return self.prior + sum(weights.get(f, 0.0) for f in features)

    def check_sentences(self, sentences: list[Sentence], features: list[set[str] | None], skip: set[int],
                        stricter: set[int], field_name: str) -> Iterator[Finding]:
        """`features` holds each sentence's sentence_features, or None where it is too short to
        judge; sentences in `skip` are left alone, those in `stricter` need CROSS_MARGIN more."""
        for index, sentence in enumerate(sentences):
            if features[index] is None or index in skip:
                continue
            if self.unless is not None and self.unless.search(sentence.text):
                continue
            bar = self.threshold + (CROSS_MARGIN if index in stricter else 0.0)
            if self._score(features[index]) > bar:
                yield self.finding(sentence.start, sentence.end, field_name, features[index])


def classifier_features(sentence: str) -> set[str] | None:
    """Features of a sentence for the classifier rules; None for a greeting or sign-off
    ("Hi Priya,", "Best, Jo"): under four words is too little evidence to judge."""
    if len(_TOKEN.findall(sentence.lower())) < MIN_CLASSIFIED_WORDS:
        return None
    return sentence_features(sentence)


@dataclass
class MetricRule(Rule):
    """A whole-email number outside [min, max]; reported at 0..0 (email level)."""

    metric: str = ""
    min: float | None = None
    max: float | None = None
    min_words: int = 0  # below this many words the metric says nothing useful

    def check_stats(self, stats: dict) -> Finding | None:
        if stats["words"] < self.min_words:
            return None
        value = stats[self.metric]
        if (self.min is not None and value < self.min) or (self.max is not None and value > self.max):
            return self.finding(0, 0)
        return None


@dataclass
class RatioRule(Rule):
    """numerator / denominator over the whole email above `max` (or below `min`)."""

    numerator: re.Pattern = field(default=None, repr=False)
    denominator: re.Pattern = field(default=None, repr=False)
    min: float | None = None
    max: float | None = None
    min_count: int = 3

    def check_text(self, text: str) -> Finding | None:
        num = len(self.numerator.findall(text))
        den = len(self.denominator.findall(text))
        if num + den < self.min_count:
            return None
        ratio = num / max(den, 1)
        if (self.max is not None and ratio > self.max) or (self.min is not None and ratio < self.min):
            return self.finding(0, 0)
        return None


METRICS = ("words", "sentences", "questions", "reading_grade", "reading_ease", "you_ratio",
           "longest_sentence_words")

"""`classifier` rules: labelled sentences that train a small naive Bayes model at load.

It flags a sentence of its category that no hand-written rule caught, so wordings no pattern
foresaw are still coached. The sentences are data a team can extend (JSON lines with "text",
"labels" and optionally "family"). A flag borrows the wording of the hand-written rule of the
family it most resembles ("deadline", "guilt", "bragging"...), when that family is clear.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Mapping

from ..definitions import ONE_WAY_CATEGORIES
from ..findings import Finding
from ..guards import GUARDS
from ..pronouns import PRONOUN_SETS
from ..sentences import normalize_apostrophes
from ..word_features import sentence_features
from .base import Fields, Rule
from .linear import ModelFile, ModelFileError, load_model_file

# Extra log-odds a learned rule needs on a sentence a rule of another category already flagged.
CROSS_MARGIN = 6.0
# Log-odds by which a family must lead the next one before a learned flag borrows its wording.
FAMILY_MARGIN = 4.0
# Sentence kinds a learned rule judges: a list item is a recap or a fact, not a pitch.
CLASSIFIED_KINDS = frozenset({"body", "ps", "subject"})


class NaiveBayes:
    """Log-odds of one label against the rest, with add-half smoothing."""

    def __init__(self, rows: list[tuple[set[str], bool]]):
        positive: dict[str, int] = {}
        negative: dict[str, int] = {}
        n_pos = sum(1 for _, label in rows if label)
        n_neg = len(rows) - n_pos
        for features, label in rows:
            counts = positive if label else negative
            for f in features:
                counts[f] = counts.get(f, 0) + 1
        self.prior = math.log(max(n_pos, 1) / max(n_neg, 1))
        self.weights = {
            f: math.log((positive.get(f, 0) + 0.5) / (n_pos + 1)) - math.log((negative.get(f, 0) + 0.5) / (n_neg + 1))
            for f in set(positive) | set(negative)
        }

    def score(self, features: set[str]) -> float:
        # Only features seen in training weigh anything; the set intersection and the sum run in C.
        weights = self.weights
        return self.prior + sum(map(weights.__getitem__, features & weights.keys()))


@dataclass
class ClassifierRule(Rule):
    TYPE: ClassVar[str] = "classifier"
    FIELDS: ClassVar[frozenset[str]] = frozenset({"training", "threshold", "unless", "requires", "families", "guards", "model"})
    PASS: ClassVar[int] = 1

    threshold: float = 6.0
    unless: re.Pattern | None = field(default=None, repr=False)
    # A pronoun set (pronouns.PRONOUN_SETS) the sentence must use: self-focus is about the seller.
    requires: re.Pattern | None = field(default=None, repr=False)
    guards: tuple[str, ...] = ()  # the hand-written rules' context guards, judged on the whole sentence
    model: NaiveBayes | None = field(default=None, repr=False)
    trained_on: int = 0
    # family -> (prior, log P(feature | family), log P(unseen | family)); and family -> rule id / rule.
    family_model: dict = field(default_factory=dict, repr=False)
    family_ids: dict = field(default_factory=dict, repr=False)
    families: dict = field(default_factory=dict, repr=False)
    # A shipped linear model (rules/linear.py) instead of naive Bayes over `training`: it judges
    # every sentence, adds a flag the hand-written rules missed and, where its probability is
    # under the threshold, withdraws theirs (a rule that does not hold on unseen senders).
    linear: ModelFile | None = field(default=None, repr=False)
    team_rule_ids: frozenset = frozenset()

    @classmethod
    def from_mapping(cls, common: dict, fields: Fields) -> "ClassifierRule":
        if common["category"] not in ONE_WAY_CATEGORIES:
            fields.fail("category", "a classifier rule is for one-way writing: " + " or ".join(ONE_WAY_CATEGORIES))
        families = fields.get("families") or {}
        if not isinstance(families, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                      for k, v in families.items()):
            fields.fail("families", "must map family names to rule ids")
        threshold = fields.number("threshold")
        model_name = fields.get("model")
        if model_name is not None:
            if not isinstance(model_name, str):
                fields.fail("model", "must be a file name")
            try:
                linear = shared_model((Path(fields.base_dir) / model_name).resolve())
            except ModelFileError as exc:
                fields.fail("model", str(exc))
            if common["category"] not in linear.categories:
                fields.fail("model", f"{model_name} has no weights for {common['category']}")
            # `threshold` is the model's probability bar (a profile may scale it, as for naive Bayes)
            return cls(**common, linear=linear, threshold=linear.categories[common["category"]].threshold,
                       unless=fields.search_regex("unless"))
        records = load_training(fields, fields.str_list("training", required=True))
        category = common["category"]
        featured = [(sentence_features(text), labels, family) for text, labels, family in records]
        requires = fields.get("requires")
        if requires is not None and requires not in PRONOUN_SETS:
            fields.fail("requires", f"must be one of: {', '.join(sorted(PRONOUN_SETS))}")
        guards = fields.get("guards") or []
        if not isinstance(guards, list) or any(g not in GUARDS for g in guards):
            fields.fail("guards", f"must be a list of: {', '.join(GUARDS)}")
        return cls(**common, threshold=6.0 if threshold is None else float(threshold),
                   unless=fields.search_regex("unless"), guards=tuple(guards),
                   requires=PRONOUN_SETS[requires] if requires is not None else None,
                   model=NaiveBayes([(f, category in labels) for f, labels, _ in featured]),
                   trained_on=len(records), family_ids=dict(families),
                   family_model=train_families(featured, category, set(families)))

    def bind(self, active: Mapping[str, Rule], every: Mapping[str, Rule]) -> None:
        for family, rule_id in self.family_ids.items():
            if rule_id not in every:
                from .base import RulePackError
                raise RulePackError(self.source, self.id, "families", f"{family}: unknown rule id {rule_id!r}")
        # A family whose rule is turned off falls back to this rule's own wording.
        self.families = {family: active[rule_id] for family, rule_id in self.family_ids.items() if rule_id in active}
        # The model learned what the bundled rules' flags are worth; a team's own rule is the
        # team's call, so the model never withdraws its flags.
        self.team_rule_ids = frozenset(rule_id for rule_id, rule in every.items() if rule.team)

    def score(self, text: str) -> float:
        return self.model.score(sentence_features(text))

    def check_sentence(self, sentence, found: list[Finding]) -> Finding | None:
        if self.linear is not None:
            return self.judge(sentence, found)
        # A safety net for what the hand-written rules missed: not where a rule of its own
        # category spoke, and only when sure where a rule of another category already coaches
        # the sentence (a vague second card is noise, a second label is not).
        if sentence.sentence.kind not in CLASSIFIED_KINDS or any(f.category == self.category for f in found):
            return None
        features = sentence.features
        if features is None or (self.unless is not None and self.unless.search(sentence.text)):
            return None
        if self.requires is not None and not self.requires.search(sentence.text):
            return None
        if any(GUARDS[g](sentence.view, 0, len(sentence.text)) for g in self.guards):
            return None
        bar = self.threshold + (CROSS_MARGIN if found else 0.0)
        if self.model.score(features) <= bar:
            return None
        return self.worded_finding(len(sentence.sentence.text), features)

    def judge(self, sentence, found: list[Finding]) -> Finding | None:
        """The linear model's verdict on the sentence for this category: a flag of its own where
        no hand-written rule spoke, and the hand-written flags withdrawn where it is unsure.
        Its features see the hand-written rules' findings as they were before any learned rule
        acted (computed once per sentence, whichever learned rule asks first)."""
        buckets = sentence.__dict__.get("learned_buckets")
        if buckets is None:
            buckets = self.linear.features(sentence.text, sentence.sentence.kind, sentence.position,
                                           [(f.rule, f.category) for f in found])
            sentence.__dict__["learned_buckets"] = buckets
        model = self.linear.categories[self.category]
        mine = [f for f in found if f.category == self.category]
        probability = model.probability(buckets)
        if probability >= self.threshold:
            if mine or (self.unless is not None and self.unless.search(sentence.text)):
                return None
            return self.finding(0, len(sentence.sentence.text))
        if mine and probability < self.veto_below():
            found[:] = [f for f in found if f.category != self.category or f.rule in self.team_rule_ids]
        return None

    def veto_below(self) -> float:
        """Hand-written flags of this category are withdrawn under this probability: the model
        must be surer that a flag is wrong than it must be to raise one of its own."""
        config = self.linear.meta.get("config", {})
        if not config.get("veto", True):
            return 0.0
        return float(config.get("veto_below", {}).get(self.category, self.threshold))

    def worded_finding(self, end: int, features: set[str]) -> Finding:
        """The whole sentence, worded like the hand-written rule of the family it most resembles."""
        family_rule = self.families.get(self.family_of(features))
        if family_rule is None:
            return self.finding(0, end)
        return Finding(rule=self.id, category=self.category, severity=self.severity, message=family_rule.message,
                       why=family_rule.why, start=0, end=end, replacements=(), advice=family_rule.advice)

    def family_of(self, features: set[str]) -> str | None:
        """The family the sentence most resembles, or None when the runner-up is close (a card
        worded for the wrong family misleads more than a general one)."""
        scores = sorted((prior + sum(present.get(f, unseen) for f in features), family)
                        for family, (prior, present, unseen) in self.family_model.items())
        if not scores or (len(scores) > 1 and scores[-1][0] - scores[-2][0] < FAMILY_MARGIN):
            return None
        return scores[-1][1]


def train_families(featured: list, category: str, names: set[str]) -> dict:
    """A second naive Bayes, among this category's sentences, over the families it maps."""
    by_family: dict[str, list[set[str]]] = {}
    for features, labels, family in featured:
        if category in labels and family in names:
            by_family.setdefault(family, []).append(features)
    total = sum(len(v) for v in by_family.values())
    model = {}
    for family, rows in by_family.items():
        counts: dict[str, int] = {}
        for features in rows:
            for f in features:
                counts[f] = counts.get(f, 0) + 1
        n = len(rows)
        model[family] = (math.log(n / total), {f: math.log((c + 0.5) / (n + 1)) for f, c in counts.items()},
                         math.log(0.5 / (n + 1)))
    return model


def load_training(fields: Fields, names: list[str]) -> list[tuple[str, frozenset, str]]:
    """Labelled sentences: JSON lines with "text", "labels" and optionally "family"."""
    records = []
    for name in names:
        path = (Path(fields.base_dir) / name).resolve()
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            fields.fail("training", f"cannot read {name}")
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                text, labels = record["text"], record.get("labels", [])
                if not isinstance(text, str) or not isinstance(labels, list):
                    raise TypeError
            except (ValueError, KeyError, TypeError):
                fields.fail("training", f"{name} line {number}: expected {{\"text\": str, \"labels\": [...]}}")
            records.append((normalize_apostrophes(text), frozenset(labels), str(record.get("family") or "")))
    if not records:
        fields.fail("training", "no labelled sentences")
    return records


_MODELS: dict = {}


def shared_model(path: Path) -> ModelFile:
    """One parsed copy of a model file per process (both learned rules read the same file)."""
    key = (str(path), path.stat().st_mtime_ns if path.exists() else 0)
    if key not in _MODELS:
        _MODELS.clear()
        _MODELS[key] = load_model_file(path)
    return _MODELS[key]

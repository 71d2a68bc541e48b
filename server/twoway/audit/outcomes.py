"""Do one-way emails get fewer replies? The team's own outcomes, group by group (issue 18).

Each audited team email with a known outcome (answered or not; template repeats included: each
send went to someone) is kept as a few ints. Per group (all, a verdict, a category, a rule, the
first touch or a follow-up): how many emails, how many answered, the reply rate of the emails
without it, the difference with a 95% interval (Newcombe's hybrid score method from Wilson
intervals), and an adjusted difference from a logistic regression that holds the sender, the
length and first touch vs follow-up fixed (statsmodels for both: no hand-written statistics).

The adjusted difference is the regression's average effect: the mean over the emails of the
predicted reply rate with the trait minus without it, its interval by the delta method
(statsmodels' NonlinearDeltaCov). The regression is fitted on the distinct combinations of its
inputs, weighted by how many emails share each, so it costs the same for 1,000 or 1,000,000.

All of it is observational: which emails carry a trait is not random (see the report's words).
"""
from __future__ import annotations

import csv
import warnings
from array import array
from dataclasses import dataclass, field
from pathlib import Path

from ..definitions import CATEGORIES
from ..definitions import VERDICTS as DEFINED_VERDICTS
from .threads import FIRST_TOUCH, FOLLOW_UP, NO, STAGE_WORDS, YES

MIN_EMAILS = 30           # fewer emails with (or without) a trait: "too few emails to tell"
TOO_FEW = "too few emails to tell"
SENDER_MIN_EMAILS = 20    # senders with fewer known outcomes share one "other" level
LENGTH_BANDS = (50, 100, 150, 250)  # words: <50, 50-99, 100-149, 150-249, 250+
SCORE_BAND_WIDTH = 10
VERDICTS = tuple(v for v, _ in reversed(DEFINED_VERDICTS))  # lowest score first
HOUR_BUCKETS = ((1, "under 1 h"), (4, "1–4 h"), (24, "4–24 h"), (72, "1–3 days"), (168, "3–7 days"),
                (float("inf"), "over 7 days"))
COLUMNS = ("group", "emails", "replied", "reply_rate", "baseline_emails", "baseline_replied", "baseline_rate",
           "difference", "ci_low", "ci_high", "adjusted_difference", "adjusted_ci_low", "adjusted_ci_high", "note")


class OutcomeData:
    """The outcome of each audited team email, as ints, added row by row in the driver."""

    def __init__(self):
        self.replied = array("b")
        self.words = array("q")
        self.scores = array("h")
        self.verdicts = array("b")
        self.stages = array("b")
        self.senders = array("q")
        self.hours = array("f")
        self.categories = array("q")   # a bit per category
        self.rule_ends = array("q")    # the rules of email i: rules[rule_ends[i-1]:rule_ends[i]]
        self.rules = array("q")
        self.unknown = 0               # audited emails whose outcome the source cannot tell
        self._senders: dict[str, int] = {}
        self.rule_ids: dict[str, int] = {}
        self.rule_category: dict[str, str] = {}
        self.category_ids: dict[str, int] = {}
        self.verdict_ids: dict[str, int] = {v: i for i, v in enumerate(VERDICTS)}

    def __len__(self) -> int:
        return len(self.replied)

    def add(self, row: dict) -> None:
        if row.get("error"):
            return
        replied = row.get("replied_code")
        if replied not in (YES, NO):
            self.unknown += 1
            return
        self.replied.append(replied)
        self.words.append(int(row["words"]))
        self.scores.append(int(row["alignment_score"]))
        self.verdicts.append(self.verdict_ids.setdefault(row["verdict"], len(self.verdict_ids)))
        self.stages.append(row.get("stage_code", -1))
        self.senders.append(self._senders.setdefault(row["sender"], len(self._senders)))
        hours = row.get("reply_hours")
        self.hours.append(float("nan") if hours is None or hours == "" else float(hours))
        bits = 0
        for rule_id in dict.fromkeys(row["rules"]):
            category = row["rule_info"][rule_id][0]
            bits |= 1 << self.category_ids.setdefault(category, len(self.category_ids))
            self.rule_category.setdefault(rule_id, category)
            self.rules.append(self.rule_ids.setdefault(rule_id, len(self.rule_ids)))
        self.categories.append(bits)
        self.rule_ends.append(len(self.rules))


@dataclass
class GroupOutcome:
    group: str
    emails: int
    replied: int
    baseline_emails: int | None = None
    baseline_replied: int | None = None
    difference: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    adjusted: float | None = None
    adjusted_low: float | None = None
    adjusted_high: float | None = None

    @property
    def rate(self) -> float | None:
        return self.replied / self.emails if self.emails else None

    @property
    def baseline_rate(self) -> float | None:
        return self.baseline_replied / self.baseline_emails if self.baseline_emails else None

    @property
    def enough(self) -> bool:
        """Enough emails on both sides to say anything (else: too few emails to tell)."""
        return self.emails >= MIN_EMAILS and (self.baseline_emails is None or self.baseline_emails >= MIN_EMAILS)

    @property
    def note(self) -> str:
        if not self.enough:
            return TOO_FEW
        if self.ci_low is None:
            return ""
        if self.ci_high < 0:
            return "fewer replies"
        if self.ci_low > 0:
            return "more replies"
        return "no clear difference"


@dataclass
class Band:
    label: str
    low: int
    emails: int
    replied: int
    ci_low: float | None
    ci_high: float | None

    @property
    def rate(self) -> float | None:
        return self.replied / self.emails if self.emails else None


@dataclass
class Analysis:
    groups: list[GroupOutcome] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)
    hours: dict[str, list[float]] = field(default_factory=dict)  # verdict -> hours to the first reply
    rule_category: dict[str, str] = field(default_factory=dict)
    unknown: int = 0

    def group(self, name: str) -> GroupOutcome | None:
        return next((g for g in self.groups if g.group == name), None)


def _difference(count1: int, n1: int, count2: int, n2: int) -> tuple[float, float, float] | None:
    from statsmodels.stats.proportion import confint_proportions_2indep

    if not n1 or not n2:
        return None
    low, high = confint_proportions_2indep(count1, n1, count2, n2, method="newcomb", compare="diff")
    return count1 / n1 - count2 / n2, float(low), float(high)


def _adjusted(y, trait, covariates) -> tuple[float, float, float] | None:
    """The regression's average difference in reply rate with and without the trait, holding
    the covariates (columns of small ints: sender, length band, stage) fixed, with its 95%
    interval; None when the data cannot support a fit. Fitted on the distinct (covariates,
    trait, outcome) cells weighted by their counts: the same fit as one row per email."""
    import numpy as np
    from scipy.special import expit
    from statsmodels.genmod.families import Binomial
    from statsmodels.genmod.generalized_linear_model import GLM
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    shifted = covariates - covariates.min(axis=0)
    radix = tuple(int(r) for r in shifted.max(axis=0) + 1)
    combo = np.ravel_multi_index(tuple(shifted.T), radix)  # one int per combination of the covariates
    cells, weights = np.unique((combo * 2 + trait) * 2 + y, return_counts=True)
    outcome, with_it = cells % 2, (cells // 2) % 2
    levels = np.column_stack(np.unravel_index(cells // 4, radix))
    columns = [np.ones(len(cells)), with_it.astype(float)]
    for j in range(levels.shape[1]):
        present = np.unique(levels[:, j])
        columns += [(levels[:, j] == level).astype(float) for level in present[1:]]  # first level: the reference
    exog = np.column_stack(columns)
    weights = weights.astype(float)
    with_trait, without = exog.copy(), exog.copy()
    with_trait[:, 1], without[:, 1] = 1.0, 0.0

    def average_difference(params):
        return np.array([np.average(expit(with_trait @ params) - expit(without @ params), weights=weights)])

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PerfectSeparationWarning)
            warnings.simplefilter("error", ConvergenceWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            fit = GLM(outcome.astype(float), exog, family=Binomial(), freq_weights=weights).fit()
            effect = fit._get_wald_nonlinear(average_difference)
            low, high = effect.conf_int(alpha=0.05)[0]
            estimate = float(np.ravel(effect.predicted())[0])
    except Exception:  # separation, a singular design, no convergence: no adjusted figure
        return None
    if not all(np.isfinite([estimate, low, high])):
        return None
    return estimate, float(low), float(high)


def analyse(data: OutcomeData) -> Analysis:
    import numpy as np
    from statsmodels.stats.proportion import proportion_confint

    out = Analysis(rule_category=dict(data.rule_category), unknown=data.unknown)
    n = len(data)
    if not n:
        return out
    y = np.frombuffer(data.replied, dtype=np.int8).astype(np.int64)
    words = np.frombuffer(data.words, dtype=np.int64)
    scores = np.frombuffer(data.scores, dtype=np.int16)
    verdicts = np.frombuffer(data.verdicts, dtype=np.int8)
    stages = np.frombuffer(data.stages, dtype=np.int8)
    senders = np.frombuffer(data.senders, dtype=np.int64)
    hours = np.frombuffer(data.hours, dtype=np.float32)
    categories = np.frombuffer(data.categories, dtype=np.int64)
    ends = np.frombuffer(data.rule_ends, dtype=np.int64)
    rules = np.frombuffer(data.rules, dtype=np.int64)
    email_of_rule = np.repeat(np.arange(n), np.diff(np.concatenate([[0], ends])))

    known_senders = np.bincount(senders)
    covariates = {
        "sender": np.where(known_senders[senders] >= SENDER_MIN_EMAILS, senders, -1),
        "length": np.digitize(words, LENGTH_BANDS),
        "stage": stages.astype(np.int64),
    }

    def compare(name: str, trait, population=None, held_fixed=("sender", "length", "stage")) -> GroupOutcome:
        population = np.ones(n, dtype=bool) if population is None else population
        inside, outside = trait & population, ~trait & population
        group = GroupOutcome(name, int(inside.sum()), int(y[inside].sum()),
                             int(outside.sum()), int(y[outside].sum()))
        raw = _difference(group.replied, group.emails, group.baseline_replied, group.baseline_emails)
        if raw:
            group.difference, group.ci_low, group.ci_high = raw
        if group.enough and 0 < group.replied + group.baseline_replied < group.emails + group.baseline_emails:
            held = np.column_stack([covariates[c][population] for c in held_fixed])
            adjusted = _adjusted(y[population], trait[population].astype(np.int64), held)
            if adjusted:
                group.adjusted, group.adjusted_low, group.adjusted_high = adjusted
        return group

    out.groups.append(GroupOutcome("all", n, int(y.sum())))
    verdict_names = {i: v for v, i in data.verdict_ids.items()}
    for code in sorted(set(verdicts.tolist())):
        out.groups.append(compare(f"verdict:{verdict_names[code]}", verdicts == code))
    # In the defined order, not the order emails arrived in (the Dask and local runs agree).
    order = {c: i for i, c in enumerate(CATEGORIES)}
    for category, bit in sorted(data.category_ids.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])):
        out.groups.append(compare(f"category:{category}", (categories >> bit) & 1 == 1))
    by_rule = np.bincount(rules, minlength=len(data.rule_ids)) if len(rules) else np.zeros(len(data.rule_ids))
    for rule_id, index in sorted(data.rule_ids.items(), key=lambda kv: (-by_rule[kv[1]], kv[0])):
        trait = np.zeros(n, dtype=bool)
        trait[email_of_rule[rules == index]] = True
        out.groups.append(compare(f"rule:{rule_id}", trait))
    staged = stages >= 0
    if staged.any():
        for code in (FIRST_TOUCH, FOLLOW_UP):
            out.groups.append(compare(f"stage:{STAGE_WORDS[code]}", stages == code, staged, ("sender", "length")))

    for low in range(0, 100, SCORE_BAND_WIDTH):
        high = 100 if low + SCORE_BAND_WIDTH >= 100 else low + SCORE_BAND_WIDTH - 1
        inside = (scores >= low) & (scores <= high)
        emails, replied = int(inside.sum()), int(y[inside].sum())
        ci = proportion_confint(replied, emails, alpha=0.05, method="wilson") if emails else (None, None)
        out.bands.append(Band(f"{low}–{high}", low, emails, replied,
                              None if ci[0] is None else float(ci[0]), None if ci[1] is None else float(ci[1])))

    answered = (y == 1) & ~np.isnan(hours)
    for code in sorted(set(verdicts.tolist())):
        chosen = answered & (verdicts == code)
        out.hours[verdict_names[code]] = sorted(hours[chosen].astype(float).tolist())
    return out


def _number(value, digits: int = 4) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def write_outcomes(path: Path, analysis: Analysis) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(COLUMNS)
        for g in analysis.groups:
            out.writerow([g.group, g.emails, g.replied, _number(g.rate), "" if g.baseline_emails is None else
                          g.baseline_emails, "" if g.baseline_replied is None else g.baseline_replied,
                          _number(g.baseline_rate), _number(g.difference), _number(g.ci_low), _number(g.ci_high),
                          _number(g.adjusted), _number(g.adjusted_low), _number(g.adjusted_high), g.note])
    return path


def hour_buckets(hours: list[float]) -> list[int]:
    counts = [0] * len(HOUR_BUCKETS)
    for h in hours:
        counts[next(i for i, (limit, _) in enumerate(HOUR_BUCKETS) if h < limit)] += 1
    return counts


_YES = {"yes", "y", "true", "t", "1", "replied", "x", "✓", "oui", "ja", "sí", "si"}
_NO = {"no", "n", "false", "f", "0", "not replied", "none", "-", "nein", "non"}


def replied_from_column(value) -> tuple[int, object]:
    """A CRM or sequencer's replied column: (YES, NO or UNKNOWN, the reply's datetime or None).
    Yes/no words, true/false, 1/0, or the date of the reply; an empty cell is no reply."""
    from .extraction import parse_date
    from .threads import UNKNOWN

    if value is None or isinstance(value, bool):
        return (YES if value else NO), None
    if isinstance(value, (int, float)) and value in (0, 1):
        return (YES if value else NO), None
    text = str(value).strip()
    if not text:
        return NO, None
    if text.lower() in _YES:
        return YES, None
    if text.lower() in _NO:
        return NO, None
    when = parse_date(value if isinstance(value, (int, float)) else text)
    return (YES, when) if when is not None else (UNKNOWN, None)

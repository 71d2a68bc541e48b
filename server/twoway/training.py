"""Training the learned model (`twoway train-model`): a developer command, run where the
labelled real email is (../shared), never at run time. Needs numpy (the `train` extra).

Rows are the linter's own sentences of the labelled emails (labelled by the units they overlap:
positive when a unit both readers gave the category overlaps, negative when every overlapping
unit is agreed clean of it, left out when the readers split) plus the team's recipe sentences
in lint_rules/training/ (weighted down: they are mostly one-way, real mail is mostly clean).
Each category gets an L2-regularised logistic regression, fitted by L-BFGS from zeros over a
fixed order of rows: the same data gives the same file, bit for bit. The flag threshold is
chosen from data too, by leave-one-source-out inside the training sources: the lowest
probability whose out-of-fold unit precision stays at or above PRECISION_FLOOR.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from .emailparse import parse_email
from .contexts import SentenceContext, position_of
from .engine import Linter
from .evaluate import LabelledEmail
from .definitions import ONE_WAY_CATEGORIES
from .pack import RulePack
from .rules.linear import LinearModel, ModelFile, hashed, feature_names
from .sentences import Sentence, normalize_apostrophes

BUCKETS = 1 << 18
MODEL_FILE = "learned_model.json"
# numpy's BLAS threads spin against each other on a busy machine (20x slower here); the vectors
# are small, one thread is fastest.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")


@dataclass
class TrainingConfig:
    l2: float = 1.0
    recipe_weight: float = 0.3
    char_grams: bool = False  # character 4-grams: no better held out, and four times the features
    precision_floor: float = 0.85
    iterations: int = 120
    veto: bool = True
    # Flag at or above these probabilities (hyperparameters, chosen by the leave-one-source-out score).
    thresholds: dict = field(default_factory=lambda: {"pressure": 0.5, "self_focus": 0.5})
    # Hand-written flags are withdrawn only under these probabilities (None: the flag threshold):
    # the model must be surer that a hand flag is wrong than it must be to raise its own. Chosen
    # by the leave-one-source-out score among 0.15-0.6 (docs/accuracy.md).
    veto_below: dict | None = field(default_factory=lambda: {"pressure": 0.3, "self_focus": 0.4})
    # True: choose each threshold from data instead, by leave-one-source-out inside the training sources.
    inner_thresholds: bool = False
    # True: choose each veto bar from VETO_BARS by leave-one-source-out inside the training
    # sources (the bar a fold uses is then fitted without its held-out source too).
    inner_veto: bool = False


@dataclass
class Row:
    names: set[str]
    gold: dict  # category -> True / False / None (not used for that category)
    source: str  # the source repository, or "recipe"
    email: str = ""
    # the unit ids this sentence overlaps, per category's verdict (for unit-level threshold choice)
    units: tuple = ()
    buckets: list = field(default_factory=list)

    def __post_init__(self):
        self.buckets = hashed(self.names, BUCKETS)


def hand_only(pack: RulePack) -> Linter:
    """The pack without its learned rules: what the model sees as "which hand rules fired"."""
    from .rules.classifier import ClassifierRule
    return Linter(RulePack([r for r in pack.rules if not isinstance(r, ClassifierRule)], pack.disabled), cache_size=0)


def email_rows(linter: Linter, email: LabelledEmail, char_grams: bool) -> list[Row]:
    parsed = parse_email(email.text)
    sentences = list(parsed.sentences)
    rows = []
    for index, sentence in enumerate(sentences):
        position = position_of(index, len(sentences))
        context = SentenceContext(sentence, position)
        found = linter._check_sentence(sentence, {}, position)
        names = feature_names(context.text, sentence.kind, position, [(f.rule, f.category) for f in found], char_grams)
        over = [(i, gold) for i, (a, b, gold) in enumerate(email.units) if a < sentence.end and sentence.start < b]
        if not over:
            continue
        gold = {}
        for c in ONE_WAY_CATEGORIES:
            verdicts = [g[c] for _, g in over]
            gold[c] = True if True in verdicts else None if None in verdicts else False
        rows.append(Row(names, gold, email.source, email.id, tuple(i for i, _ in over)))
    return rows


def recipe_rows(linter: Linter, records: list[dict], char_grams: bool) -> list[Row]:
    rows = []
    for record in records:
        text = normalize_apostrophes(record["text"])
        sentence = Sentence(0, len(text), text, "body")
        context = SentenceContext(sentence, None)
        found = linter._check_sentence(sentence, {}, None)
        names = feature_names(context.text, "body", None, [(f.rule, f.category) for f in found], char_grams)
        labels = set(record.get("labels", []))
        rows.append(Row(names, {c: c in labels for c in ONE_WAY_CATEGORIES}, "recipe"))
    return rows


def read_recipes(training_dir: Path) -> list[dict]:
    records = []
    for path in sorted(training_dir.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                records.append(json.loads(line))
    return records


# Logistic regression (numpy) ------------------------------------------------------------------

def _design(rows: list[Row], buckets: int):
    import numpy as np
    cols = [np.array(r.buckets if buckets == BUCKETS else hashed(r.names, buckets), dtype=np.int64) for r in rows]
    lengths = np.array([len(c) for c in cols], dtype=np.int64)
    flat = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    used, compact = np.unique(flat, return_inverse=True)
    row_of = np.repeat(np.arange(len(rows)), lengths)
    return used, compact, row_of


def fit_logistic(rows: list[Row], y, weight, buckets: int, l2: float, iterations: int) -> LinearModel:
    """Minimise sum(weight * logloss) + l2/2 |w|^2 (bias free) by L-BFGS from zeros."""
    import numpy as np
    used, cols, row_of = _design(rows, buckets)
    n, d = len(rows), len(used)
    y = np.asarray(y, dtype=np.float64)
    weight = np.asarray(weight, dtype=np.float64)

    def loss_grad(theta):
        w, b = theta[:d], theta[d]
        z = np.bincount(row_of, weights=w[cols], minlength=n) + b
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))
        loss = float(np.sum(weight * (np.logaddexp(0.0, z) - y * z)) + 0.5 * l2 * np.dot(w, w))
        r = weight * (p - y)
        g = np.empty(d + 1)
        g[:d] = np.bincount(cols, weights=r[row_of], minlength=d) + l2 * w
        g[d] = r.sum()
        return loss, g

    theta = np.zeros(d + 1)
    loss, g = loss_grad(theta)
    s_hist, y_hist = [], []
    for _ in range(iterations):
        # two-loop recursion
        q = g.copy()
        alphas = []
        for s, yv in reversed(list(zip(s_hist, y_hist))):
            a = np.dot(s, q) / np.dot(yv, s)
            alphas.append(a)
            q -= a * yv
        if s_hist:
            q *= np.dot(s_hist[-1], y_hist[-1]) / np.dot(y_hist[-1], y_hist[-1])
        for (s, yv), a in zip(zip(s_hist, y_hist), reversed(alphas)):
            q += (a - np.dot(yv, q) / np.dot(yv, s)) * s
        direction = -q
        slope = float(np.dot(g, direction))
        if slope >= 0:
            direction, slope = -g, -float(np.dot(g, g))
        step = 1.0 if s_hist else 1.0 / max(1.0, float(np.sqrt(np.dot(g, g))))
        while True:
            new = theta + step * direction
            new_loss, new_g = loss_grad(new)
            if new_loss <= loss + 1e-4 * step * slope or step < 1e-10:
                break
            step *= 0.5
        s, yv = new - theta, new_g - g
        if np.dot(s, yv) > 1e-12:
            s_hist.append(s)
            y_hist.append(yv)
            if len(s_hist) > 10:
                s_hist.pop(0)
                y_hist.pop(0)
        converged = abs(loss - new_loss) <= 1e-7 * max(1.0, abs(loss))
        theta, loss, g = new, new_loss, new_g
        if converged:
            break
    weights = {int(used[i]): float(theta[i]) for i in range(d) if theta[i] != 0.0}
    return LinearModel(float(theta[d]), weights, 0.5)


def fit_category(rows: list[Row], category: str, config: TrainingConfig) -> LinearModel:
    usable = [r for r in rows if r.gold[category] is not None and (r.source != "recipe" or config.recipe_weight > 0)]
    y = [1.0 if r.gold[category] else 0.0 for r in usable]
    weight = [config.recipe_weight if r.source == "recipe" else 1.0 for r in usable]
    return fit_logistic(usable, y, weight, BUCKETS, config.l2, config.iterations)


def choose_threshold(scored: list[tuple[float, bool]], floor: float) -> float:
    """The lowest probability whose flags (scored rows at or above it) keep precision >= floor
    from there up (so a lucky dip never lowers the bar); 0.5 when no bar reaches it."""
    ranked = sorted(scored, key=lambda x: -x[0])
    tp = fp = 0
    best = None
    for i, (p, gold) in enumerate(ranked):
        tp += gold
        fp += not gold
        if (i + 1 == len(ranked) or ranked[i + 1][0] < p) and tp / (tp + fp) >= floor and tp >= 3:
            best = p
    if best is None:
        return max(0.5, ranked[0][0] + 1e-6) if ranked else 0.5
    return max(best, 0.05)


# The veto bars `inner_veto` chooses among, and what the choice must keep out of fold.
VETO_BARS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5)
VETO_MEAN_PRECISION = 0.85
VETO_WORST_PRECISION = 0.70


def choose_veto_bar(scored: list[tuple[str, float, bool, bool]], threshold: float) -> float:
    """`scored`: (source, out-of-fold probability, a hand rule of the category fired, gold) per
    sentence. The bar with the best mean recall over sources whose sentence precision keeps
    VETO_MEAN_PRECISION on average and VETO_WORST_PRECISION at worst; the flag threshold itself
    (withdraw every flag under it) when none does."""
    best = (-1.0, threshold)
    for bar in VETO_BARS:
        if bar > threshold:
            continue
        precisions, recalls = [], []
        for source in sorted({s for s, *_ in scored}):
            flags = [(p >= threshold or (hand and p >= bar), gold) for s, p, hand, gold in scored if s == source]
            tp = sum(f and g for f, g in flags)
            fp = sum(f and not g for f, g in flags)
            fn = sum(g and not f for f, g in flags)
            if tp + fp:
                precisions.append(tp / (tp + fp))
            if tp + fn:
                recalls.append(tp / (tp + fn))
        if not precisions or not recalls:
            continue
        if sum(precisions) / len(precisions) < VETO_MEAN_PRECISION or min(precisions) < VETO_WORST_PRECISION:
            continue
        recall = sum(recalls) / len(recalls)
        if recall > best[0]:
            best = (recall, bar)
    return best[1]


def fit_model(rows: list[Row], config: TrainingConfig) -> ModelFile:
    """Weights on every row given; thresholds and veto bars fixed, or chosen by
    leave-one-source-out over the real sources in them."""
    categories = {}
    real_sources = sorted({r.source for r in rows if r.source != "recipe"})
    veto_below = dict(config.veto_below or {})
    for c in ONE_WAY_CATEGORIES:
        model = fit_category(rows, c, config)
        model.threshold = config.thresholds[c]
        if (config.inner_thresholds or config.inner_veto) and len(real_sources) > 1:
            scored = []
            for source in real_sources:
                fold = fit_category([r for r in rows if r.source != source], c, config)
                for r in rows:
                    if r.source == source and r.gold[c] is not None:
                        scored.append((source, fold.probability(r.buckets), "rc:" + c in r.names, r.gold[c]))
            if config.inner_thresholds:
                model.threshold = choose_threshold([(p, g) for _, p, _, g in scored], config.precision_floor)
            if config.inner_veto:
                veto_below[c] = choose_veto_bar(scored, model.threshold)
        categories[c] = model
    meta = {"rows": {s: sum(r.source == s for r in rows) for s in sorted({r.source for r in rows})},
            "config": {"l2": config.l2, "recipe_weight": config.recipe_weight, "char_grams": config.char_grams,
                       "veto": config.veto, "thresholds": config.thresholds,
                       **({"veto_below": veto_below} if veto_below else {})},
            "sources": len(real_sources)}
    return ModelFile(BUCKETS, config.char_grams, categories, meta)


def hand_pack(rules_dir: str | Path) -> RulePack:
    """The pack's hand-written rules alone, loaded without the learned rules' files (so a model
    can be trained before its file exists): every rule file but learned.yaml."""
    import shutil
    import tempfile
    from .pack import load_pack
    with tempfile.TemporaryDirectory() as tmp:
        for path in Path(rules_dir).glob("*.y*ml"):
            if path.name != "learned.yaml":
                shutil.copy(path, tmp)
        return load_pack(tmp)


def with_model(pack: RulePack, model: ModelFile | None) -> RulePack:
    """The pack with its learned rules reading `model` (None: the pack as it is)."""
    from .rules.classifier import ClassifierRule
    if model is None:
        return pack
    return RulePack([replace(r, linear=model) if isinstance(r, ClassifierRule) else r for r in pack.rules],
                    pack.disabled)


def build_rows(pack: RulePack, emails: list[LabelledEmail], recipes: list[dict], char_grams: bool = True) -> list[Row]:
    linter = hand_only(pack)
    rows = []
    for email in emails:
        rows.extend(email_rows(linter, email, char_grams))
    return rows + recipe_rows(linter, recipes, char_grams)


# Leave-one-source-out with the model re-fitted per fold ------------------------------------------

_FOLD_STATE: dict = {}


def _fold(source: str):
    from .evaluate import linted_spans, score_linted
    pack, emails, rows, config = (_FOLD_STATE[k] for k in ("pack", "emails", "rows", "config"))
    model = fit_model([r for r in rows if r.source != source], config)
    linter = Linter(with_model(pack, model), cache_size=0)
    held_out = [e for e in emails if e.source == source]
    return source, score_linted(held_out, {e.id: linted_spans(linter, e) for e in held_out})


def by_source_refitted(pack: RulePack, emails: list[LabelledEmail], recipes: list[dict],
                       config: TrainingConfig, workers: int = 2) -> dict[str, dict]:
    """Each source scored by the pack whose learned model was trained (weights and thresholds)
    without that source. Folds run in `workers` forked processes."""
    rows = build_rows(pack, emails, recipes, config.char_grams)
    _FOLD_STATE.update(pack=pack, emails=emails, rows=rows, config=config)
    sources = sorted({e.source for e in emails})
    try:
        if workers > 1:
            import multiprocessing
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                results = pool.map(_fold, sources, chunksize=1)
        else:
            results = [_fold(s) for s in sources]
    finally:
        _FOLD_STATE.clear()
    return dict(results)


def train(pack: RulePack, emails: list[LabelledEmail], recipes: list[dict], config: TrainingConfig) -> ModelFile:
    return fit_model(build_rows(pack, emails, recipes, config.char_grams), config)

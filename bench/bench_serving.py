"""Serving figures over HTTP on loopback (issue 10): `make bench` runs it, or
.venv/bin/python bench/bench_serving.py. One table, every figure from this one run.

- lints/s and p99 for 120-word emails under `twoway serve` (gunicorn) with 1 and 2 workers,
  beside GET /healthz (a no-op JSON endpoint) on the same server in the same run; load from
  wrk (Debian) with a bounded number of connections. Emails are cut at run time from the public
  labelled set of real email where it is (evaluate.REALWORLD_DIR; not shipped, nothing of it is
  stored in the project), else from the project's own test emails (tests/data): the table says which. Two mixes:
  "distinct": every request has a counter in every sentence (nothing cached anywhere);
  "re-lint": the emails repeat, as when reps re-lint a draft at every pause (sentence caches).
- grammar on, against a real LanguageTool started here: the first lint of an email, the re-lint
  after a one-word edit, and LanguageTool alone on the same text, over HTTP, p50; once with
  LanguageTool fresh, and again after BENCH_WARM_LINTS (300) lints of other emails, as on a
  server in use (a fresh JVM is slower for its first few hundred checks).
- resident memory of each worker before and after BENCH_MEMORY_LINTS lints (default 100,000;
  BENCH_PARTS=memory runs this part alone, BENCH_MEMORY_LINTS=0 skips it).

Targets (2-core machine): >= 400 lints/s with 2 workers; lint throughput >= half the no-op's;
grammar re-lint p50 <= 15 ms; <= 120 MB per worker after 100,000 lints, flat.
"""
from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT / "tests"))  # loopback.py, shared by the tests
sys.path.insert(0, str(ROOT / "tests" / "serving"))

from harness import ServeProcess, private_kb, rss_kb  # noqa: E402  (the serving tests' process helpers)
from twoway import languagetool_server as lts  # noqa: E402
from twoway.evaluate import REALWORLD_DIR  # noqa: E402
from twoway.languagetool_client import make_client  # noqa: E402

REALWORLD = REALWORLD_DIR / "emails.jsonl"
# Without the real set: the project's own labelled test emails (fewer and more alike).
OWN_EMAILS = sorted((ROOT / "tests" / "data").glob("*emails.jsonl"))
WRK = shutil.which("wrk") or "/usr/bin/wrk"
DURATION = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
MEMORY_LINTS = int(os.environ.get("BENCH_MEMORY_LINTS", "100000"))
WORDS = 120
WARM_LINTS = int(os.environ.get("BENCH_WARM_LINTS", "300"))  # grammar: lints between the fresh and the warm measure
# Which parts to run (the memory part alone takes minutes): BENCH_PARTS=memory for that one.
PARTS = set(os.environ.get("BENCH_PARTS", "throughput,grammar,memory").split(","))


EMAIL_SOURCES = [REALWORLD] if REALWORLD.exists() else OWN_EMAILS


def emails_of(n_words: int) -> list[str]:
    """Consecutive n-word windows over the real emails' words (read here, never stored)."""
    words = []
    for path in EMAIL_SOURCES:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    words += json.loads(line)["text"].split()
    return [" ".join(words[i:i + n_words]) for i in range(0, len(words) - n_words + 1, n_words)]


def lua_script(bodies: list[str], distinct: bool, path: Path) -> Path:
    quoted = []
    for body in bodies:
        level = 0
        while f"]{'=' * level}]" in body:
            level += 1
        quoted.append(f"[{'=' * level}[{body}]{'=' * level}]")
    # distinct: a per-request counter before every full stop, so no sentence repeats anywhere.
    mutate = 'body = body:gsub("%. ", " " .. counter .. ". ")' if distinct else ""
    path.write_text(
        "local bodies = {" + ",\n".join(quoted) + "}\n"
        "local counter = 0\n"
        "request = function()\n"
        "  counter = counter + 1\n"
        "  local body = bodies[(counter % #bodies) + 1]\n"
        f"  {mutate}\n"
        '  return wrk.format("POST", "/api/v1/lint", {["Content-Type"] = "application/json"}, body)\n'
        "end\n")
    return path


def wrk(url: str, seconds: int, script: Path | None = None) -> dict:
    args = [WRK, "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if script is not None:
        args += ["-s", str(script)]
    out = subprocess.run(args + [url], capture_output=True, text=True, timeout=seconds + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "total": total, "non2xx": int(bad.group(1)) if bad else 0,
            "socket_errors": errors.group(1) if errors else ""}


def _ms(value: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s|m)", value)
    number, unit = float(m.group(1)), m.group(2)
    return number * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def bodies_for(texts: list[str], grammar: bool = False) -> list[str]:
    return [json.dumps({"text": t, "grammar": grammar}) for t in texts]


def throughput_rows(texts: list[str], folder: Path) -> list[tuple]:
    rows = []
    relint = lua_script(bodies_for(texts), distinct=False, path=folder / "relint.lua")
    distinct = lua_script(bodies_for(texts), distinct=True, path=folder / "distinct.lua")
    for workers in (1, 2):
        server = ServeProcess(workers=workers)
        try:
            server.wait_workers(workers)
            wrk(server.url + "/healthz", 2)  # warm-up
            noop = wrk(server.url + "/healthz", DURATION)
            fresh = wrk(server.url + "/api/v1/lint", DURATION, distinct)
            again = wrk(server.url + "/api/v1/lint", DURATION, relint)
        finally:
            server.stop()
        for name, r in (("GET /healthz (no-op)", noop), ("lint 120 words, distinct", fresh),
                        ("lint 120 words, re-lint mix", again)):
            ratio = "" if r is noop else f"{r['rps'] / noop['rps']:.2f}x no-op"
            rows.append((f"{workers} worker(s): {name}", f"{r['rps']:.0f}/s", f"p50 {r['p50']:.1f} ms, p99 {r['p99']:.1f} ms",
                         ratio, f"{r['non2xx']} non-2xx{'; ' + r['socket_errors'] if r['socket_errors'] else ''}"))
    return rows


def grammar_rows(texts: list[str], runs: int = 40) -> list[tuple]:
    lt = lts.make_local(port=lts.free_port())
    if lt is None:
        return [("grammar", "skipped: no Java >= 17 or no LanguageTool jars", "", "", "")]
    lt.start()
    try:
        if not lt.wait_ready(120):
            return [("grammar", "LanguageTool did not start", "", "", "")]
        server = ServeProcess(workers=2, env={"TWOWAY_LANGUAGETOOL": lt.url, "TWOWAY_LANGUAGETOOL_TIMEOUT": "10"})
        try:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            alone_client = make_client(lt.url + "/", timeout=(2.0, 30.0))

            def post(text):
                t0 = time.perf_counter()
                conn.request("POST", "/api/v1/lint", json.dumps({"text": text}), {"Content-Type": "application/json"})
                answer = json.loads(conn.getresponse().read())
                dt = (time.perf_counter() - t0) * 1000
                assert answer["grammar"] == "ok", answer["grammar"]
                return dt

            def measure(offset: int) -> tuple[list, list, list]:
                first, relint, alone = [], [], []
                for i in range(offset, offset + runs + 5):
                    base = texts[i % len(texts)]
                    text = f"{base} Reference {i}."  # new to every cache
                    words = text.split()
                    k = len(words) // 2
                    edited = " ".join(words[:k] + ["really"] + words[k + 1:])  # one word changed, one sentence
                    a, b = post(text), post(edited)
                    t0 = time.perf_counter()
                    alone_client.check_json(f"{base} Alone {i}.")
                    c = (time.perf_counter() - t0) * 1000
                    if i >= offset + 5:
                        first.append(a)
                        relint.append(b)
                        alone.append(c)
                return first, relint, alone

            # A LanguageTool just started is slower for its first few hundred checks (the JVM
            # compiles as it goes): measured once fresh, and again after the lints of a server in use.
            fresh = measure(0)
            for i in range(WARM_LINTS):
                post(f"{texts[(i * 7) % len(texts)]} Warm {i}.")
            warm = measure(runs + 5)
        finally:
            server.stop()
    finally:
        lt.stop()
    med = statistics.median
    rows = []
    for when, (first, relint, alone) in (("LanguageTool fresh", fresh), (f"after {WARM_LINTS} lints", warm)):
        rows += [
            (f"grammar on, {when}: first lint (120 words)", f"p50 {med(first):.1f} ms", f"p95 {pct(first, .95):.1f} ms", "", f"n={runs}"),
            (f"grammar on, {when}: re-lint after a one-word edit", f"p50 {med(relint):.1f} ms",
             f"p95 {pct(relint, .95):.1f} ms", "target p50 <= 15 ms: " + ("met" if med(relint) <= 15 else "NOT met"), f"n={runs}"),
            (f"grammar, {when}: LanguageTool alone, same size", f"p50 {med(alone):.1f} ms", f"p95 {pct(alone, .95):.1f} ms", "", f"n={runs}"),
        ]
    return rows


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def memory_rows(texts: list[str], folder: Path) -> list[tuple]:
    """RSS counts the pages a worker shares copy-on-write with the parent (the preloaded app and
    pack) once per worker; "private" is what each worker adds on its own."""
    script = lua_script(bodies_for(texts), distinct=True, path=folder / "memory.lua")
    server = ServeProcess(workers=2)
    try:
        workers = server.wait_workers(2)
        wrk(server.url + "/api/v1/lint", 3, script)

        def sample():
            return [(rss_kb(p), private_kb(p)) for p in workers]
        start = sample()
        done, checkpoints = 0, []
        while done < MEMORY_LINTS:
            done += wrk(server.url + "/api/v1/lint", 20, script)["total"]
            checkpoints.append((done, sample()))
        assert sorted(server.workers()) == sorted(workers), "a worker was replaced during the run"
    finally:
        server.stop()

    def fmt(sample):
        return ", ".join(f"{rss / 1024:.0f} MB ({private / 1024:.0f} private)" for rss, private in sample)
    end = checkpoints[-1][1]
    half_done, half = next(c for c in checkpoints if c[0] >= done / 2)
    worst_rss = max(r for r, _ in end)
    growth = max(e[0] - h[0] for e, h in zip(end, half)) / 1024
    return [("memory per worker: RSS (private)", f"start {fmt(start)}", f"{half_done:,} lints {fmt(half)}",
             f"{done:,} lints {fmt(end)}",
             f"RSS <= 120 MB: {'met' if worst_rss <= 120 * 1024 else 'NOT met'}; growth {growth:+.1f} MB over the second half")]


def main() -> int:
    print("bench_serving: emails cut from " + ("the public labelled set of real email" if REALWORLD.exists()
                                                else "tests/data (the public labelled set of real email is not here)"))
    if not Path(WRK).exists():
        print("bench_serving: wrk not found (make bench installs Debian's wrk)")
        return 1
    texts = emails_of(WORDS)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows = []
        if "throughput" in PARTS:
            rows += throughput_rows(texts, folder)
        if "grammar" in PARTS:
            rows += grammar_rows(texts)
        if "memory" in PARTS and MEMORY_LINTS > 0:
            rows += memory_rows(texts, folder)
    print(f"serving bench: {len(texts)} real 120-word emails, wrk {CONNECTIONS} connections x {DURATION} s, "
          f"{os.cpu_count()} cores, gunicorn workers (twoway.serve.TwoWayWorker), grammar off unless said")
    widths = [max(len(str(r[i])) for r in rows) for i in range(5)]
    for r in rows:
        print(" | ".join(str(c).ljust(w) for c, w in zip(r, widths)))
    two = {r[0]: r for r in rows}
    if "2 worker(s): lint 120 words, distinct" not in two:
        return 0
    lint2 = float(two["2 worker(s): lint 120 words, distinct"][1].rstrip("/s"))
    noop2 = float(two["2 worker(s): GET /healthz (no-op)"][1].rstrip("/s"))
    print(f"targets: >= 400 lints/s with 2 workers: {'met' if lint2 >= 400 else 'NOT met'} ({lint2:.0f}/s, distinct); "
          f"lint >= 0.5x no-op: {'met' if lint2 >= noop2 / 2 else 'NOT met'} ({lint2 / noop2:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

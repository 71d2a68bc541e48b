"""Resilience figures on loopback (issue 22): `make bench` runs it, or
.venv/bin/python bench/bench_resilience.py. Every figure from this one run; load is bounded in
clients and seconds (BENCH_SECONDS, default 8) and only ever sent to 127.0.0.1.

1. reload under load: `twoway serve` (2 workers) with a team pack, 16 clients linting; the pack
   changes and the server gets SIGHUP. Reported: seconds until the old workers have left, seconds
   until the new pack answers, requests sent, requests failed (target 0).
2. /healthz at 128 clients: 128 connections linting without pause (asyncio, one request per
   connection as nginx sends them), /healthz probed every 20 ms beside them. Lint load, then
   grammar load (a real LanguageTool when `make languagetool` has run, else, or with
   BENCH_GRAMMAR=stand-in, a stand-in whose checks take 300 ms). Target p99 <= 100 ms.
3. fair shares: 4 clients re-lint ordinary emails (grammar on, five drafts each), alone and then
   beside 3 clients sending 50,000-character emails (every one new) with grammar on. Target: ordinary p99 <= 200 ms beside them.
4. worker memory after 30 lints of 50,000-character texts (docs/deploy.md states the bound).
5. the audit of broken inputs: a CSV with an unclosed quote in row 4 of 10, an mbox whose last
   message is cut mid-line, an mbox with a 20 MB body: what the CLI says, and peak memory.
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT / "tests"))  # loopback.py, shared by the tests
sys.path.insert(0, str(ROOT / "tests" / "serving"))

from team_packs import team_rule_yaml  # noqa: E402
from harness import ServeProcess, SlowLanguageTool, rss_kb  # noqa: E402  (the serving tests' helpers)
from twoway import languagetool_server as lts  # noqa: E402
from twoway.audit import sample  # noqa: E402

SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
EMAIL = ("Hi Sam, thanks for the call yesterday. Would a short demo on Tuesday suit your team, or is "
         "email easier? I can send the notes from our side first.")


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * (len(values) - 1)))] if values else float("nan")


async def _one(port: int, path: str, body: bytes | None) -> tuple[float, int, bytes]:
    """One request on its own connection: (seconds, status, body)."""
    t0 = time.monotonic()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    method = "POST" if body is not None else "GET"
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    if body is not None:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    writer.write(head.encode() + b"\r\n" + (body or b""))
    await writer.drain()
    data = await reader.read()
    writer.close()
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    return time.monotonic() - t0, status, data.partition(b"\r\n\r\n")[2]


def lint_body(text: str, grammar: bool) -> bytes:
    return json.dumps({"text": text, "grammar": grammar}).encode()


async def _clients(port: int, n: int, seconds: float, make_body, latencies: list, failures: list) -> None:
    stop = time.monotonic() + seconds

    async def client(k: int) -> None:
        i = 0
        while time.monotonic() < stop:
            try:
                took, status, _ = await _one(port, "/api/v1/lint", make_body(k, i))
                (latencies if status == 200 else failures).append(took if status == 200 else status)
            except OSError as exc:
                failures.append(type(exc).__name__)
            i += 1

    await asyncio.gather(*(client(k) for k in range(n)))


def load_in_thread(port: int, n: int, seconds: float, make_body) -> tuple[threading.Thread, list, list]:
    latencies: list = []
    failures: list = []
    thread = threading.Thread(target=lambda: asyncio.run(_clients(port, n, seconds, make_body, latencies, failures)),
                              daemon=True)
    thread.start()
    return thread, latencies, failures


PROBE = """
import http.client, json, sys, time
port, seconds = int(sys.argv[1]), float(sys.argv[2])
latencies, busy, failed = [], 0, 0
stop = time.monotonic() + seconds
while time.monotonic() < stop:
    t0 = time.monotonic()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/healthz")
        answer = conn.getresponse()
        data = answer.read()
        conn.close()
        latencies.append(time.monotonic() - t0)
        busy += json.loads(data).get("status") == "busy"
        failed += answer.status != 200
    except OSError:
        failed += 1
    time.sleep(0.02)
print(json.dumps([latencies, busy, failed]))
"""


def probe_health(port: int, seconds: float) -> tuple[list[float], int, int]:
    """/healthz every 20 ms from a process of its own (the load generator's threads must not
    delay the probe): latencies, answers saying busy, failures."""
    done = subprocess.run([sys.executable, "-c", PROBE, str(port), str(seconds)], capture_output=True,
                          text=True, timeout=seconds + 60)
    return tuple(json.loads(done.stdout))


def team_pack(folder: Path, extra: bool) -> None:
    phrases = {"zebra": "sign zebra now", **({"delta": "act deltazebra now"} if extra else {})}
    text = "rules:\n" + "".join(team_rule_yaml(rf"\b{phrase}\b", f"Please [[{phrase}]].", f"team.{name}")
                                 for name, phrase in phrases.items())
    (folder / "team.yaml").write_text(text)


def bench_reload() -> None:
    import requests

    folder = Path(tempfile.mkdtemp(prefix="twoway-bench-pack-"))
    team_pack(folder, extra=False)
    server = ServeProcess(workers=2, args=("--rules-dir", str(folder)))
    try:
        old = set(server.wait_workers(2))
        thread, latencies, failures = load_in_thread(server.port, 16, SECONDS,
                                                     lambda k, i: lint_body(f"{EMAIL} Ref {k}-{i}.", False))
        time.sleep(SECONDS / 3)
        team_pack(folder, extra=True)
        hup = time.monotonic()
        server.signal(signal.SIGHUP)
        gone = new_pack = None
        while time.monotonic() - hup < 60 and (gone is None or new_pack is None):
            if gone is None and not old & set(server.workers()):
                gone = time.monotonic() - hup
            if new_pack is None:
                r = requests.post(server.url + "/api/v1/lint", json={"text": "Please act deltazebra now."},
                                  timeout=30, proxies={"http": None})
                if any(i["rule"] == "team.delta" for i in r.json()["issues"]):
                    new_pack = time.monotonic() - hup
            time.sleep(0.05)
        thread.join()
        import re
        built = re.search(r"built in ([0-9.]+) s", server.output())
        build = float(built.group(1)) if built else float("nan")
        print(f"reload under load (16 clients, 2 workers): old workers gone {gone:.2f} s after SIGHUP, "
              f"new pack answering {new_pack:.2f} s after (of which building the new app in the parent, "
              f"old workers serving meanwhile: {build:.1f} s; the swap itself {gone - build:.2f} s); "
              f"{len(latencies) + len(failures)} requests, {len(failures)} failed {sorted(set(map(str, failures)))}")
    finally:
        server.stop()


def grammar_backend():
    """A real LanguageTool when the jars are here, else a stand-in (300 ms per check)."""
    local = None if os.environ.get("BENCH_GRAMMAR") == "stand-in" else lts.make_local(port=lts.free_port())
    if local is not None:
        local.start()
        if local.wait_ready(120):
            return local.url, "real LanguageTool", local.stop
        local.stop()
    fake = SlowLanguageTool(delay=0.3)
    return fake.url, "stand-in LanguageTool (300 ms per check)", fake.close


def bench_health(grammar_url: str, grammar_name: str) -> None:
    server = ServeProcess(workers=2)
    try:  # the machine's own floor: the same probe with no load on the server
        health, _, _ = probe_health(server.port, 4)
        print(f"/healthz with no load (this machine now): p50 {pct(health, .5) * 1000:.0f} ms, "
              f"p99 {pct(health, .99) * 1000:.0f} ms over {len(health)} probes; load average {os.getloadavg()[0]:.1f} "
              f"on {os.cpu_count()} cores")
    finally:
        server.stop()
    for grammar in (False, True):
        env = {"TWOWAY_LANGUAGETOOL": grammar_url} if grammar else {}
        server = ServeProcess(workers=2, env=env)
        try:
            thread, latencies, failures = load_in_thread(
                server.port, 128, SECONDS, lambda k, i: lint_body(f"{EMAIL} Ref {k}-{i}.", grammar))
            time.sleep(1)
            health, busy, failed = probe_health(server.port, SECONDS - 2)
            thread.join()
            label = f"grammar on, {grammar_name}" if grammar else "grammar off"
            print(f"/healthz at 128 lint clients ({label}): p50 {pct(health, .5) * 1000:.0f} ms, "
                  f"p99 {pct(health, .99) * 1000:.0f} ms, max {max(health) * 1000:.0f} ms over {len(health)} probes, "
                  f"{busy} said busy, {failed} failed; lints {len(latencies) / SECONDS:.0f}/s, "
                  f"lint p99 {pct(latencies, .99) * 1000:.0f} ms, {len(failures)} lints failed")
        finally:
            server.stop()


def long_email(k: int, i: int) -> str:
    sentences, size = [], 0
    j = 0
    while size < 49_000:
        s = f"Client {k} draft {i} point {j}: our team reviewed the figures and we would like your view on them. "
        sentences.append(s)
        size += len(s)
        j += 1
    return "".join(sentences)


def bench_fair_shares(grammar_url: str, grammar_name: str) -> None:
    server = ServeProcess(workers=2, env={"TWOWAY_LANGUAGETOOL": grammar_url})
    try:
        # Reps re-linting their drafts: a handful of emails per client, grammar on (LanguageTool's
        # answers cached after the first round, as for a draft between keystroke pauses).
        ordinary = lambda k, i: lint_body(f"{EMAIL} Ref {k}-{i % 5}. He go to the store {i % 5}.", True)  # noqa: E731
        thread, alone, failed_alone = load_in_thread(server.port, 4, SECONDS, ordinary)
        thread.join()
        big_thread, big, big_failed = load_in_thread(server.port, 3, SECONDS + 1,
                                                     lambda k, i: lint_body(long_email(k, i), True))
        time.sleep(1)
        thread, beside, failed_beside = load_in_thread(server.port, 4, SECONDS - 1, ordinary)
        thread.join()
        big_thread.join()
        print(f"ordinary lints, grammar on ({grammar_name}), 4 clients: alone p50 {pct(alone, .5) * 1000:.0f} ms "
              f"p99 {pct(alone, .99) * 1000:.0f} ms ({len(alone) / SECONDS:.0f}/s); beside 3 clients of "
              f"50,000-character emails: p50 {pct(beside, .5) * 1000:.0f} ms p99 {pct(beside, .99) * 1000:.0f} ms "
              f"({len(beside) / (SECONDS - 1):.0f}/s); the long ones {len(big)} answered, p50 {pct(big, .5):.1f} s; "
              f"failed: {len(failed_alone) + len(failed_beside) + len(big_failed)}")
    finally:
        server.stop()


def bench_memory() -> None:
    server = ServeProcess(workers=2)
    try:
        workers = server.wait_workers(2)
        before = [rss_kb(p) // 1024 for p in workers]
        for i in range(30):
            asyncio.run(_one(server.port, "/api/v1/lint", lint_body(long_email(9, i), False)))
        time.sleep(0.5)
        after = [rss_kb(p) // 1024 for p in workers]
        print(f"worker memory (RSS) before {before} MB, after 30 lints of 50,000 characters {after} MB")
    finally:
        server.stop()


def bench_audit() -> None:
    folder = Path(tempfile.mkdtemp(prefix="twoway-bench-audit-"))
    rows = [f'rep{i}@acme.example,Hello {i},"Hi Sam, would a short call on Tuesday {i} suit you?"\n' for i in range(10)]
    rows[3] = 'rep3@acme.example,Hello 3,"Hi Sam, this quote never closes. Sign by Friday.\n'
    (folder / "crm.csv").write_text("Owner,Subject,Body\n" + "".join(rows))
    box = sample.write_mbox(folder / "cut.mbox", sample.generate(20, seed=5))
    box.write_bytes(box.read_bytes()[:-40].rstrip(b"\n"))
    records = list(sample.generate(2, seed=8))
    records[0]["body"] = "Hi Sam,\n\n" + "Sign by Friday or the price goes up. " * 560_000 + "\n\nBest,\nBea\n"
    sample.write_mbox(folder / "big.mbox", records)
    code = ("import resource, sys\nfrom twoway.cli import main\n"
            "rc = main(['audit', '--no-progress', '--workers', '1', *sys.argv[2:], '--out', sys.argv[1]])\n"
            "print('peak MB', max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
            "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) // 1024, 'exit', rc)\n")
    done = subprocess.run([sys.executable, "-c", code, str(folder / "out"), str(folder / "crm.csv"),
                           str(folder / "cut.mbox"), str(folder / "big.mbox")],
                          capture_output=True, text=True, timeout=900, cwd=ROOT)
    print("audit of broken inputs (CSV with an unclosed quote in row 4 of 10, an mbox cut mid-line, a 20 MB body):")
    for line in (done.stdout + done.stderr).strip().splitlines():
        print("   ", line)
    import csv
    with (folder / "out" / "results.csv").open(newline="", encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    print(f"    results.csv: {len(table)} rows, read with Python's csv default limits; "
          f"errors: {[(r['ref'], r['error']) for r in table if r['error']]}; "
          f"notes: {[(r['ref'], r['note']) for r in table if r['note']]}; "
          f"largest cell {max(len(v) for r in table for v in r.values())} characters")


def main() -> None:
    parts = set(os.environ.get("BENCH_PARTS", "reload,health,fair,memory,audit").split(","))
    print(f"== resilience (2 workers per server, {SECONDS:.0f} s per load run, loopback)")
    if "reload" in parts:
        bench_reload()
    if parts & {"health", "fair"}:
        url, name, stop = grammar_backend()
        try:
            if "health" in parts:
                bench_health(url, name)
            if "fair" in parts:
                bench_fair_shares(url, name)
        finally:
            stop()
    if "memory" in parts:
        bench_memory()
    if "audit" in parts:
        bench_audit()


if __name__ == "__main__":
    main()

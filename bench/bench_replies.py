"""Reply evidence (issue 18): threading and outcomes on generated mailboxes of sent mail and
what came back (audit/sample_threads.py: the team's emails, replies by In-Reply-To or
References, follow-ups, auto-replies, bounces, unrelated mail), grammar off.

1. The threading pass alone (headers read on workers, the index of Message-ID hashes in the
   driver, the credit given): 100,000 and 200,000 messages, on 1 process and on all cores.
   Peak memory of the driver, which holds the index; growth from 100,000 to 200,000 (linear:
   time and index memory per message about the same).
2. The whole audit with outcomes on all cores, 100,000 and 200,000 messages: the time of each
   phase (threading, lint of the team's emails, the outcome analysis and outcomes.csv).

Each run is a fresh process. `--million` adds the threading pass on 1,000,000 messages (a
~1.3 GB mbox in the temp folder) to show the index stays bounded.
Targets: linear growth (time per message at 200,000 within 1.3x of 100,000); the index costs
well under 1 KB per message (no bodies are held).
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))


def _cpu(usage) -> float:
    return usage.ru_utime + usage.ru_stime


def _rss_mb() -> float:
    """This process's peak resident memory (VmHWM: reset by exec, unlike ru_maxrss, which a
    child started by the benchmark would inherit from the benchmark's own peak)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:")) / 1024


def threading_run(mbox: str, workers: int) -> dict:
    from twoway.audit.running import BATCH_SIZE, local_executor, run
    from twoway.audit.sample_threads import TEAM_DOMAIN
    from twoway.audit.sources import open_source
    from twoway.audit.threads import TeamRule, thread_mail

    sources = [open_source(mbox)]
    import numpy, scipy.sparse.csgraph  # noqa: F401  imported before the baseline, as the audit has them
    baseline = _rss_mb()
    cpu = _cpu(resource.getrusage(resource.RUSAGE_SELF))
    start = time.perf_counter()
    with local_executor(workers) as (pool, slots):
        threads = thread_mail(sources, TeamRule.of([TEAM_DOMAIN]), pool, slots, BATCH_SIZE * 10, run)
    wall = time.perf_counter() - start
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    c = threads.counts
    return {"messages": c.messages, "team": c.team, "replies": c.replies, "answered": c.answered,
            "automatic": c.automatic, "wall": wall,
            "cpu": _cpu(resource.getrusage(resource.RUSAGE_SELF)) - cpu + _cpu(children),
            "driver_mb": _rss_mb(), "baseline_mb": baseline, "worker_mb": children.ru_maxrss / 1024}


def index_run(count: int) -> dict:
    """The driver's side alone, on `count` synthetic header records (what the workers send): the
    index of Message-ID hashes and the credit, without reading a mailbox. Shows what a mailbox of
    a million messages costs the driver."""
    import random

    from twoway.audit.threads import AUTOMATIC, INBOUND, TEAM, TeamRule, ThreadIndex

    import numpy, scipy.sparse.csgraph  # noqa: F401
    rng = random.Random(count)
    baseline = _rss_mb()
    start = time.perf_counter()
    index = ThreadIndex()
    team_ids: list[int] = []
    for position in range(count):
        own = rng.getrandbits(63)
        when = 1_767_000_000 + position * 60
        roll = rng.random()
        if roll < 0.7 or not team_ids:
            named = (team_ids[-rng.randrange(1, min(len(team_ids), 50) + 1)],) if team_ids and roll < 0.2 else ()
            index.add((position, own, when, rng.randrange(8) + 1, TEAM, True, True, named))
            team_ids.append(own)
            del team_ids[:-1000]
        else:
            target = team_ids[-rng.randrange(1, min(len(team_ids), 200) + 1)]
            role = AUTOMATIC if roll > 0.97 else INBOUND
            index.add((position, own, when, rng.getrandbits(40) + 100, role, False, True, (rng.getrandbits(63), target)))
    added = time.perf_counter() - start
    counts = index.finish(TeamRule.of(["acme.com"]))
    return {"messages": count, "team": counts.team, "replies": counts.replies, "answered": counts.answered,
            "add": added, "finish": time.perf_counter() - start - added, "index_mb": _rss_mb() - baseline}


def outcomes_run(count: int) -> dict:
    """The outcome analysis alone on `count` team emails as the lint leaves them (rows with a
    verdict, rules, sender, length, stage and outcome; 25 rules, 8 senders): outcomes.csv's
    groups with their intervals and regressions."""
    import random

    from twoway.audit.outcomes import OutcomeData, analyse, write_outcomes

    rng = random.Random(count)
    rules = [f"{'pressure' if i < 12 else 'self_focus'}.rule-{i}" for i in range(25)]
    info = {r: (r.split(".")[0], "") for r in rules}
    baseline = _rss_mb()
    start = time.perf_counter()
    data = OutcomeData()
    for i in range(count):
        fired = [r for r in rules if rng.random() < 0.04]
        pressure = any(r.startswith("pressure") for r in fired)
        data.add({"replied_code": int(rng.random() < (0.08 if pressure else 0.25)), "words": rng.randrange(20, 300),
                  "alignment_score": rng.randrange(101), "verdict": rng.choice(("one-way", "mixed", "two-way")),
                  "stage_code": int(rng.random() < 0.3), "sender": f"rep{rng.randrange(8)}", "reply_hours": 5.0,
                  "rules": fired, "rule_info": info})
    added = time.perf_counter() - start
    analysis = analyse(data)
    with tempfile.TemporaryDirectory() as tmp:
        write_outcomes(Path(tmp) / "outcomes.csv", analysis)
    return {"emails": count, "add": added, "analyse": time.perf_counter() - start - added,
            "groups": len(analysis.groups), "memory_mb": _rss_mb() - baseline}


def audit_run(mbox: str, out: str, workers: int) -> dict:
    from twoway.audit import AuditOptions, audit

    start = time.perf_counter()
    result = audit([mbox], out, AuditOptions(workers=workers or None, progress=False))
    wall = time.perf_counter() - start
    return {"messages": result.threads.messages, "team": result.threads.team, "wall": wall, **result.seconds,
            "driver_mb": _rss_mb(), "groups": sum(1 for _ in open(result.outcomes)) - 1}


def child(kind: str, *args: str) -> dict:
    command = [sys.executable, __file__, "--" + kind, *args]
    answer = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(answer.stdout.strip().splitlines()[-1])


def write_mailbox(path: Path, count: int, seed: int) -> Path:
    from twoway.audit import sample, sample_threads

    return sample.write_mbox(path, sample_threads.generate(count, seed=seed))


def main() -> int:
    cores = os.cpu_count() or 1
    sizes = [100_000, 200_000] + ([1_000_000] if "--million" in sys.argv else [])
    with tempfile.TemporaryDirectory(prefix="twoway-bench-replies-") as tmp:
        tmp = Path(tmp)
        boxes = {n: write_mailbox(tmp / f"{n}.mbox", n, seed=n % 97) for n in sizes}
        print("Threading pass (headers only; the index in the driver)\n")
        print("| run | messages | team | replies linked | auto/bounce | wall s | msgs/s | CPU s | driver peak MB "
              "| index MB | bytes/msg | worker peak MB |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        runs = {}
        for n in sizes:
            for workers in ([1, cores] if n < 1_000_000 else [cores]):
                r = runs[(n, workers)] = child("thread", str(boxes[n]), str(workers))
                index = r["driver_mb"] - r["baseline_mb"]
                name = "1 process" if workers == 1 else f"all cores ({workers})"
                print(f"| {name} | {r['messages']:,} | {r['team']:,} | {r['replies']:,} | {r['automatic']:,} | "
                      f"{r['wall']:.1f} | {r['messages'] / r['wall']:,.0f} | {r['cpu']:.1f} | {r['driver_mb']:.0f} | "
                      f"{index:.0f} | {index * 1024 * 1024 / r['messages']:.0f} | {r['worker_mb']:.0f} |")
        for workers in (1, cores):
            a, b = runs[(100_000, workers)], runs[(200_000, workers)]
            growth = (b["wall"] / b["messages"]) / (a["wall"] / a["messages"])
            growth_cpu = (b["cpu"] / b["messages"]) / (a["cpu"] / a["messages"])
            memory = (b["driver_mb"] - b["baseline_mb"]) / max(1e-9, a["driver_mb"] - a["baseline_mb"])
            print(f"\n{workers} process(es): time per message at 200,000 / at 100,000: {growth:.2f}x wall, "
                  f"{growth_cpu:.2f}x CPU; index memory {memory:.2f}x for 2x the messages (linear: ~1.0x, ~2.0x)")
        print("\nThe driver's index alone (synthetic header records, no mailbox read)\n")
        print("| messages | team | replies | add s | thread and credit s | peak memory over baseline MB | bytes/msg |")
        print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for n in (100_000, 200_000, 1_000_000):
            r = child("index", str(n))
            print(f"| {n:,} | {r['team']:,} | {r['replies']:,} | {r['add']:.1f} | {r['finish']:.1f} | "
                  f"{r['index_mb']:.0f} | {r['index_mb'] * 1024 * 1024 / n:.0f} |")
        print("\nThe outcome analysis alone (team emails as the lint leaves them; 25 rules, 8 senders)\n")
        print("| team emails | collect s | analyse and write s | groups | memory over baseline MB |")
        print("| ---: | ---: | ---: | ---: | ---: |")
        for n in (100_000, 200_000):
            r = child("outcomes", str(n))
            print(f"| {n:,} | {r['add']:.1f} | {r['analyse']:.1f} | {r['groups']} | {r['memory_mb']:.0f} |")
        print("\nWhole audit with outcomes, all cores (phases in seconds)\n")
        print("| messages | team emails linted | threading s | lint s | outcomes s | total s | driver peak MB "
              "| outcome groups |")
        print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for n in sizes[:2]:
            r = child("audit", str(boxes[n]), str(tmp / f"out-{n}"), str(cores))
            print(f"| {r['messages']:,} | {r['team']:,} | {r['threading']:.1f} | {r['checking']:.1f} | "
                  f"{r['outcomes']:.1f} | {r['wall']:.1f} | {r['driver_mb']:.0f} | {r['groups']} |")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--thread":
        print(json.dumps(threading_run(sys.argv[2], int(sys.argv[3]))))
        sys.exit(0)
    if len(sys.argv) > 1 and sys.argv[1] == "--outcomes":
        print(json.dumps(outcomes_run(int(sys.argv[2]))))
        sys.exit(0)
    if len(sys.argv) > 1 and sys.argv[1] == "--index":
        print(json.dumps(index_run(int(sys.argv[2]))))
        sys.exit(0)
    if len(sys.argv) > 1 and sys.argv[1] == "--audit":
        print(json.dumps(audit_run(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
        sys.exit(0)
    sys.exit(main())

"""The team audit's throughput and memory (issue 12), grammar off, one table.

Generated team mail (audit/sample.py: Two-Way's own sentences, mixed lengths, templates,
quotes, signatures, some HTML): 10,000 emails with 1 process, all cores and a local Dask
cluster of one worker process per core; then 100,000 emails on all cores for the growth.
Each run is a fresh process, timed end to end (start-up and linter build included); the Dask
cluster is started before the clock, as an existing cluster would be.

Targets (2-core machine): >= 300 emails/s on all cores; Dask >= 80% of the local rate; the
time per email at 100,000 within 1.3x of the time at 10,000 (linear); driver memory flat.
The machine is shared: wall-clock rates fall when others run, so CPU seconds (driver and
workers) are shown too, and "emails per CPU-second x cores" is the rate on an idle machine.
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


def one_run(mbox: str, out: str, workers: int | None, dask_workers: int) -> dict:
    """Runs in a fresh process: one audit, its wall time, CPU seconds and peak memory."""
    from twoway.audit import AuditOptions, audit

    cluster = client = None
    options = AuditOptions(workers=workers, progress=False)
    if dask_workers:
        from distributed import Client, LocalCluster

        cluster = LocalCluster(n_workers=dask_workers, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)
        client = Client(cluster)
        options.scheduler = cluster.scheduler_address
        before = client.run(lambda: _cpu(resource.getrusage(resource.RUSAGE_SELF)))
    cpu_start = _cpu(resource.getrusage(resource.RUSAGE_SELF))
    start = time.perf_counter()
    result = audit([mbox], out, options)
    wall = time.perf_counter() - start
    driver_cpu = _cpu(resource.getrusage(resource.RUSAGE_SELF)) - cpu_start
    if dask_workers:
        after = client.run(lambda: _cpu(resource.getrusage(resource.RUSAGE_SELF)))
        worker_rss = max(client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss).values())
        worker_cpu = sum(after[w] - before[w] for w in after)
        client.close()
        cluster.close()
    else:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        worker_cpu, worker_rss = _cpu(children), children.ru_maxrss
    return {"emails": result.aggregate.read, "wall": wall, "cpu": driver_cpu + worker_cpu, "driver_cpu": driver_cpu, "worker_cpu": worker_cpu,
            "driver_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "worker_mb": worker_rss / 1024}


def measure(mbox: Path, out: Path, workers: int | None = None, dask_workers: int = 0) -> dict:
    args = [sys.executable, __file__, "--one", str(mbox), str(out), str(workers or 0), str(dask_workers)]
    answer = subprocess.run(args, check=True, capture_output=True, text=True)
    return json.loads(answer.stdout.strip().splitlines()[-1])


def main() -> int:
    from twoway.audit import sample

    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="twoway-bench-audit-") as tmp:
        tmp = Path(tmp)
        small = sample.write_mbox(tmp / "10k.mbox", sample.generate(10_000, seed=1))
        large = sample.write_mbox(tmp / "100k.mbox", sample.generate(100_000, seed=2))
        runs = [
            ("1 process", small, measure(small, tmp / "o1", workers=1)),
            (f"all cores ({cores} processes)", small, measure(small, tmp / "o2")),
            (f"local Dask cluster ({cores} worker processes)", small, measure(small, tmp / "o3", dask_workers=cores)),
            (f"all cores ({cores} processes)", large, measure(large, tmp / "o4")),
        ]
    print(f"| run | emails | wall s | emails/s | CPU s | emails/s on idle cores | driver peak MB | worker peak MB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, _, r in runs:
        used = 1 if name == "1 process" else cores
        print(f"| {name} | {r['emails']:,} | {r['wall']:.1f} | {r['emails'] / r['wall']:.0f} | {r['cpu']:.1f} | "
              f"{used * r['emails'] / r['cpu']:.0f} | {r['driver_mb']:.0f} | {r['worker_mb']:.0f} |")
    local, dask, big = runs[1][2], runs[2][2], runs[3][2]
    local_rate, dask_rate = local["emails"] / local["wall"], dask["emails"] / dask["wall"]
    growth = (big["wall"] / big["emails"]) / (local["wall"] / local["emails"])
    growth_cpu = (big["cpu"] / big["emails"]) / (local["cpu"] / local["emails"])
    print(f"Dask / local throughput: {dask_rate / local_rate:.0%} (target >= 80%)")
    print(f"time per email at 100,000 / at 10,000: {growth:.2f}x wall, {growth_cpu:.2f}x CPU (linear: ~1.0)")
    print(f"driver peak memory 10,000 -> 100,000: {local['driver_mb']:.0f} -> {big['driver_mb']:.0f} MB")
    idle_rate = cores * local["emails"] / local["cpu"]
    print(f"all cores: {local_rate:.0f} emails/s wall, {idle_rate:.0f} on idle cores (target >= 300):",
          "met" if max(local_rate, idle_rate) >= 300 else "NOT met")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        mbox, out, workers, dask_workers = sys.argv[2:6]
        print(json.dumps(one_run(mbox, out, int(workers) or None, int(dask_workers))))
        sys.exit(0)
    sys.exit(main())

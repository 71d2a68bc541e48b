"""How busy this process is, for /healthz: the serving worker (serve.TwoWayWorker) registers a
probe; under the test client or `twoway lint` there is none and the answer is None."""
from __future__ import annotations

from typing import Callable

_probe: Callable[[], dict] | None = None


def register(probe: Callable[[], dict]) -> None:
    global _probe
    _probe = probe


def saturation() -> dict | None:
    """{"busy": bool, "queued": lints waiting for a thread, "running": ..., "waited_ms": ...}."""
    return _probe() if _probe is not None else None

"""The benchmark scripts still import (they run under `make bench`, not here: no timing in tests)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = sorted((Path(__file__).parents[1] / "bench").glob("bench_*.py"))


# Module level only (main() is not run), in a fresh interpreter as `make bench` starts it: a
# script that leans on the test run's sys.path fails here.
IMPORT_ONLY = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("bench_script", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
assert callable(getattr(module, "main", None)), "no main()"
"""


@pytest.mark.parametrize("script", BENCH, ids=lambda p: p.name)
def test_bench_script_imports_and_has_main(script, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-c", IMPORT_ONLY, str(script)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def test_there_are_bench_scripts():
    assert {p.name for p in BENCH} >= {"bench_lint.py", "bench_grammar.py", "bench_extension.py"}

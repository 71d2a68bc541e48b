"""The benchmark scripts still import (they run under `make bench`, not here: no timing in tests)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = sorted((Path(__file__).parents[1] / "bench").glob("bench_*.py"))


@pytest.mark.parametrize("script", BENCH, ids=lambda p: p.name)
def test_bench_script_imports_and_has_main(script):
    spec = importlib.util.spec_from_file_location(script.stem, script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # module level only: main() is not run
    assert callable(getattr(module, "main", None))


def test_there_are_bench_scripts():
    assert {p.name for p in BENCH} >= {"bench_lint.py", "bench_grammar.py", "bench_extension.py"}

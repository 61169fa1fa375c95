"""The benchmarks in bench/ are run by hand, now and then: each must at least still import
against the engine as it is (a renamed function otherwise breaks one silently)."""

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.mark.parametrize("script", sorted(BENCH.glob("*.py")), ids=lambda path: path.name)
def test_the_benchmark_imports(script, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))  # as when run: its neighbours import by name
    spec = importlib.util.spec_from_file_location(f"bench_{script.stem}", script)
    module = importlib.util.module_from_spec(spec)

    # Runs its imports and definitions; the benchmark itself is behind __name__ == "__main__".
    spec.loader.exec_module(module)

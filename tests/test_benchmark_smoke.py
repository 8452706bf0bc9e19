"""The benchmark runs end to end on a tiny package, so that it cannot rot (no timing asserted)."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

#: Slow: runs the benchmark end to end on two tiny packages.
pytestmark = pytest.mark.slow

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench.py"


def _bench_module():
    spec = importlib.util.spec_from_file_location("bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_runs_on_a_tiny_package_and_writes_its_markdown(tmp_path: Path) -> None:
    if not BENCH.exists():
        pytest.skip("benchmarks/ is not part of this installation")
    if shutil.which("frictionless") is None and not (
        Path(__import__("sys").executable).with_name("frictionless").exists()
    ):
        pytest.skip("the frictionless CLI is not installed")
    bench = _bench_module()
    out = tmp_path / "results.md"
    bench.main(["--sizes", "40", "120", "--runs", "1", "--big-runs", "1", "--output", str(out)])
    text = out.read_text(encoding="utf-8")
    assert "## `import msc_exos_pof`" in text
    assert "heavy modules loaded: none" in text
    assert "| `msc-exos-pof validate`, fresh runner (empty cache) |" in text
    assert "(a row edited, rehashed)" in text
    assert "warm `validate()` of the shipped package" in text
    assert "| copy + 3,000 columns |" in text
    assert "| 40 |" in text and "| 120 |" in text
    assert "Log-log slope" in text
    assert "against DuckDB SQL" in text
    assert not list(tmp_path.glob("*.tmp"))  # written atomically


def test_slope_of_a_linear_series_is_one() -> None:
    bench = _bench_module()
    assert bench.slope([(1_000, 1.0), (10_000, 10.0), (100_000, 100.0)]) == pytest.approx(1.0)

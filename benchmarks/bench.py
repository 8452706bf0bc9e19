"""Benchmark the import, the gate and its scaling against what users would otherwise run.

One command, run by hand or by ``make bench`` (never timed by the test suite)::

    .venv/bin/python benchmarks/bench.py                      # 1k, 10k, 100k and 1M studies
    .venv/bin/python benchmarks/bench.py --sizes 1000 10000 --runs 3 --output results.md

Every measurement is a fresh process, so times include interpreter start and imports, and the
peak resident memory (``ru_maxrss`` of that child alone) is the command's own. Each comparison
is made in the same run on the same files, and reported as a ratio:

* ``import msc_exos_pof``: wall time (median) and which heavy modules it loads (must be none);
* the shipped package: ``msc-exos-pof validate`` (every layer) against ``frictionless validate``;
* synthetic packages (``msc_exos_pof.testing.synth``, seed 1) of growing size: the full gate against
  ``frictionless validate`` and against the floor, reading the same CSV files with
  ``pyarrow.csv``; wall time, rows/s, peak memory, and the log-log slope of time over rows.

Results are printed as Markdown and written to ``--output`` (default ``benchmarks/results.md``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = (
    "pandas",
    "pandera",
    "frictionless",
    "pyarrow",
    "numpy",
    "pydantic",
    "duckdb",
    "matplotlib",
)
SIZES = (1_000, 10_000, 100_000, 1_000_000)

# Runs one command as a child and prints its wall time and its own peak RSS (KiB) as JSON.
_MEASURE = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_kib": peak, "returncode": done.returncode,
                  "stderr": done.stderr.decode("utf-8", "replace")[-500:]}))
"""

_IMPORT = """
import json, sys, time
started = time.perf_counter()
import msc_exos_pof
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "heavy": sorted(m for m in %r if m in sys.modules)}))
"""

# The floor: what reading the same CSV files with pyarrow costs, nothing else.
_FLOOR = """
import sys
from pathlib import Path
import pyarrow.csv
rows = 0
for file in sorted(Path(sys.argv[1]).glob("data/*.csv")):
    rows += pyarrow.csv.read_csv(file).num_rows
"""


def _tool(name: str) -> str:
    """A console script of the running environment (the venv's, not one on PATH)."""
    candidate = Path(sys.executable).with_name(name)
    return str(candidate) if candidate.exists() else (shutil.which(name) or name)


def measure(command: list[str], runs: int) -> dict[str, float]:
    """Median wall seconds and the largest peak RSS (MB) of ``runs`` fresh runs of ``command``."""
    results = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, check=True
        )
        results.append(json.loads(out.stdout))
    failed = [r for r in results if r["returncode"] not in (0, 1)]
    if failed:
        raise SystemExit(f"{' '.join(command)} failed: {failed[0]['stderr']}")
    return {
        "seconds": statistics.median(r["seconds"] for r in results),
        "peak_mb": max(r["peak_kib"] for r in results) / 1024,
        "returncode": results[0]["returncode"],
    }


def import_cost(runs: int) -> dict[str, object]:
    samples = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _IMPORT % (HEAVY,)], capture_output=True, text=True, check=True
        )
        samples.append(json.loads(out.stdout))
    return {
        "ms": statistics.median(s["seconds"] for s in samples) * 1000,
        "heavy": sorted({m for s in samples for m in s["heavy"]}),
    }


def package_rows(folder: Path) -> tuple[int, int, int]:
    """(studies, rows over all tables, CSV bytes) of a package folder."""
    rows = 0
    studies = 0
    size = 0
    for file in sorted(folder.glob("data/*.csv")):
        size += file.stat().st_size
        with open(file, "rb") as handle:
            # Rows are counted by the gate too; newlines inside quotes are rare enough here.
            count = max(
                sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 24), b"")) - 1, 0
            )
        rows += count
        if file.stem == "studies":
            studies = count
    return studies, rows, size


def gate_command(package: Path) -> list[str]:
    return [_tool("msc-exos-pof"), "validate", str(package), "--format", "json"]


def frictionless_command(package: Path) -> list[str]:
    return [_tool("frictionless"), "validate", str(package / "datapackage.json")]


def floor_command(package: Path) -> list[str]:
    return [sys.executable, "-c", _FLOOR, str(package)]


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of log(seconds) over log(rows)."""
    xs = [math.log(rows) for rows, _ in points]
    ys = [math.log(seconds) for _, seconds in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def run(
    sizes: list[int],
    runs: int,
    big_runs: int,
    skip_frictionless_above: int | None,
    log=print,
    rounds: int = 1,
) -> str:
    lines = [
        f"# Benchmark results ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})",
        "",
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"median of {runs} fresh processes ({big_runs} from 100k rows on)"
        + (f"; synthetic packages with {rounds} search rounds." if rounds > 1 else "."),
        "",
    ]

    cost = import_cost(max(runs, 5))
    log(f"import: {cost}")
    lines += [
        "## `import msc_exos_pof`",
        "",
        f"- {cost['ms']:.1f} ms (median of {max(runs, 5)} fresh interpreters, interpreter "
        "start excluded)",
        f"- heavy modules loaded: {', '.join(cost['heavy']) or 'none'} "
        f"(looked for {', '.join(HEAVY)})",
        "",
    ]

    shipped = ROOT / "datapackage"
    ours = measure(gate_command(shipped), runs)
    theirs = measure(frictionless_command(shipped), runs)
    log(f"shipped: ours {ours} frictionless {theirs}")
    lines += [
        "## Cold CLI run on the shipped package",
        "",
        "| command | wall s (median) | peak RSS |",
        "|---|---:|---:|",
        f"| `msc-exos-pof validate` (every layer) | {ours['seconds']:.2f} | "
        f"{ours['peak_mb']:.0f} MB |",
        f"| `frictionless validate datapackage/datapackage.json` | "
        f"{theirs['seconds']:.2f} | {theirs['peak_mb']:.0f} MB |",
        "",
        f"Ratio ours / frictionless: **{ours['seconds'] / theirs['seconds']:.2f}x**.",
        "",
    ]

    rows_table = [
        "## Synthetic packages",
        "",
        "| studies | rows (all tables) | CSV bytes | gate s | gate rows/s | "
        "gate peak RSS | peak / CSV bytes | frictionless s | frictionless / gate | "
        "pyarrow floor s | gate / floor |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    points = []
    with tempfile.TemporaryDirectory(prefix="msc-exos-pof-bench-") as holder:
        for studies in sizes:
            package = Path(holder) / f"pkg-{studies}"
            subprocess.run(
                [
                    _tool("msc-exos-pof"),
                    "synth",
                    "--studies",
                    str(studies),
                    "--seed",
                    "1",
                    "--rounds",
                    str(rounds),
                    str(package),
                ],
                check=True,
                capture_output=True,
            )
            _, rows, size = package_rows(package)
            repeat = runs if studies < 100_000 else big_runs
            gate = measure(gate_command(package), repeat)
            if gate["returncode"] != 0:
                raise SystemExit(f"the synthetic package of {studies} studies is not valid")
            floor = measure(floor_command(package), repeat)
            if skip_frictionless_above is None or studies <= skip_frictionless_above:
                fl = measure(frictionless_command(package), 1 if studies >= 100_000 else repeat)
                fl_text = f"{fl['seconds']:.2f} | {fl['seconds'] / gate['seconds']:.1f}x"
            else:
                fl_text = "not run | -"
            log(f"{studies}: gate {gate} floor {floor} frictionless {fl_text}")
            points.append((rows, gate["seconds"]))
            rows_table.append(
                f"| {studies:,} | {rows:,} | {size / 1e6:.1f} MB | {gate['seconds']:.2f} | "
                f"{rows / gate['seconds']:,.0f} | {gate['peak_mb']:.0f} MB | "
                f"{gate['peak_mb'] * 1024 * 1024 / size:.1f}x | {fl_text} | "
                f"{floor['seconds']:.2f} | {gate['seconds'] / floor['seconds']:.1f}x |"
            )
            shutil.rmtree(package)
    lines += rows_table + [""]
    if len(points) >= 2:
        lines += [
            f"Log-log slope of gate time over rows, all sizes: **{slope(points):.2f}**"
            + (
                f"; from 100k studies on: **{slope(points[-2:]):.2f}**"
                if len(points) >= 3 and sizes[-2] >= 100_000
                else ""
            )
            + ".",
            "",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (median)")
    parser.add_argument(
        "--big-runs", type=int, default=2, help="runs per measurement from 100k studies on"
    )
    parser.add_argument(
        "--skip-frictionless-above",
        type=int,
        default=None,
        help="do not run frictionless on packages with more studies than this",
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="search rounds of the synthetic packages"
    )
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results.md")
    args = parser.parse_args(argv)
    text = run(
        args.sizes,
        args.runs,
        args.big_runs,
        args.skip_frictionless_above,
        log=lambda *a: print(*a, file=sys.stderr),
        rounds=args.rounds,
    )
    print(text)
    temporary = args.output.with_name(args.output.name + ".tmp")
    temporary.write_text(text + "\n", encoding="utf-8")
    os.replace(temporary, args.output)


if __name__ == "__main__":
    main()

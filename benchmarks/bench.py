"""Benchmark the import, the gate and its scaling against what users would otherwise run.

One command, run by hand or by ``make bench`` (never timed by the test suite)::

    .venv/bin/python benchmarks/bench.py                      # every section, 1k to 1M studies
    .venv/bin/python benchmarks/bench.py --sizes 1000 10000 --runs 3 --output results.md
    .venv/bin/python benchmarks/bench.py --tree /tmp/main --sections shipped api

Every command is a fresh process, so times include interpreter start and imports, and the peak
resident memory (``ru_maxrss`` of that child alone) is the command's own; its CPU time (user +
system) is given beside the wall time, which a shared machine disturbs more. Each comparison is
made in the same run on the same files, the two commands interleaved, and reported as a ratio.
The gate is run from ``--tree`` (a checkout: its ``src/`` on ``PYTHONPATH``, its
``datapackage/`` as the shipped package), so that two trees can be measured by one script.

Sections (``--sections``, default all):

* ``import``: ``import msc_exos_pof``, wall time and which heavy modules it loads (none);
* ``shipped``: a cold ``msc-exos-pof validate`` against ``frictionless validate``: the shipped
  package on a fresh runner (empty ``HOME`` and cache for every run) and with a warm cache
  (one shared, filled by an untimed run), and a maintainer's copy (one row edited, rehashed);
* ``api``: in one process, ``validate()`` of the shipped package after a first call (CPU
  seconds), and ``load(name)`` against ``pandas.read_csv`` of the same file;
* ``columns``: the cost of declared columns: a copy of the shipped package with 3,000 extra
  declared text columns in ``studies`` against the copy without them;
* ``synth``: synthetic packages (``msc-exos-pof synth --seed 1``) of growing size: the full gate
  against ``frictionless validate`` and against the floor (reading the same CSV files with
  ``pyarrow.csv``); wall and CPU time, rows/s, peak memory, the log-log slope of time over rows;
  and, on the same packages, the gate's schema, key and count checks against the DuckDB-SQL
  formulation of ``duckdb_sql.py``.

Results are printed as Markdown and written to ``--output`` (default ``benchmarks/results.md``).
"""

from __future__ import annotations

import argparse
import csv
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
SECTIONS = ("import", "shipped", "api", "columns", "synth")
#: Extra declared columns of the ``columns`` section.
EXTRA_COLUMNS = 3_000

#: The console script (``msc_exos_pof.cli:run``), run from the tree on ``PYTHONPATH``.
_CLI = "from msc_exos_pof.cli import run; run()"

# Runs one command as a child and prints its wall time, CPU time and own peak RSS (KiB) as JSON.
_MEASURE = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_kib": usage.ru_maxrss, "returncode": done.returncode,
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

# The library in one process: validate() after a first call, load() against read_csv.
_API = """
import json, statistics, sys, time
import pandas as pd
import msc_exos_pof
from msc_exos_pof.io.descriptor import resource_file
runs = int(sys.argv[1])
msc_exos_pof.validate()
validate = []
for _ in range(runs):
    started = time.process_time()
    msc_exos_pof.validate()
    validate.append(time.process_time() - started)
loads = {}
for name in sys.argv[2:]:
    file = resource_file(name).file
    msc_exos_pof.load(name), pd.read_csv(file)
    ours, theirs = [], []
    for _ in range(runs):
        started = time.perf_counter()
        msc_exos_pof.load(name)
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        pd.read_csv(file)
        theirs.append(time.perf_counter() - started)
    loads[name] = [statistics.median(ours), statistics.median(theirs)]
print(json.dumps({"validate_cpu": statistics.median(validate), "loads": loads}))
"""

# The gate's own engine on the checks duckdb_sql.py formulates (no summary, no other layer).
_ENGINE = """
import sys
import msc_exos_pof
msc_exos_pof.validate(sys.argv[1], select=["schema", "counts"], summary=False)
"""


def _tool(name: str) -> str:
    """A console script of the running environment (the venv's, not one on PATH)."""
    candidate = Path(sys.executable).with_name(name)
    return str(candidate) if candidate.exists() else (shutil.which(name) or name)


def _environment(tree: Path, home: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(tree / "src")
    if home is not None:  # a runner's home and cache: empty (fresh) or shared (warm)
        env["HOME"] = str(home)
        env["XDG_CACHE_HOME"] = str(home / ".cache")
    return env


def _run_once(command: list[str], env: dict[str, str] | None = None) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    result = json.loads(out.stdout)
    if result["returncode"] not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed: {result['stderr']}")
    return result


def _summary(results: list[dict[str, float]]) -> dict[str, float]:
    return {
        "seconds": statistics.median(r["seconds"] for r in results),
        "cpu": statistics.median(r["cpu"] for r in results),
        "peak_mb": max(r["peak_kib"] for r in results) / 1024,
        "returncode": results[0]["returncode"],
    }


def measure(command: list[str], runs: int, env: dict[str, str] | None = None) -> dict[str, float]:
    """Median wall and CPU seconds and the largest peak RSS (MB) of ``runs`` fresh runs."""
    return _summary([_run_once(command, env) for _ in range(runs)])


def interleaved(
    commands: dict[str, tuple[list[str], object]], runs: int
) -> dict[str, dict[str, float]]:
    """``measure`` of several commands, one run of each in turn (the load of a shared machine
    falls on all alike). Each command comes with its environment, or a function of the run
    number that gives one."""
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in commands}
    for run in range(runs):
        for name, (command, env) in commands.items():
            samples[name].append(_run_once(command, env(run) if callable(env) else env))
    return {name: _summary(values) for name, values in samples.items()}


def import_cost(tree: Path, runs: int) -> dict[str, object]:
    samples = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _IMPORT % (HEAVY,)],
            capture_output=True,
            text=True,
            check=True,
            env=_environment(tree),
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


def gate_command(package: Path, *options: str) -> list[str]:
    return [sys.executable, "-c", _CLI, "validate", str(package), "--format", "json", *options]


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


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _rewrite_csv(file: Path, change) -> None:  # noqa: ANN001 - change(rows) edits in place
    with open(file, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    change(rows)
    with open(file, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _copy(tree: Path, target: Path) -> Path:
    """A copy of the tree's shipped package outside any checkout (no release checks)."""
    shutil.copytree(tree / "datapackage", target)
    return target


def _rehash(tree: Path, package: Path) -> None:
    subprocess.run(
        [sys.executable, "-c", _CLI, "rehash", str(package)],
        check=True,
        capture_output=True,
        env=_environment(tree),
    )


def edited_copy(tree: Path, target: Path) -> Path:
    """A maintainer's copy: one row's curation note edited, bytes and hashes refreshed."""

    def edit(rows: list[list[str]]) -> None:
        rows[1][rows[0].index("curation_note")] = "Edited in a copy."

    package = _copy(tree, target)
    _rewrite_csv(package / "data" / "studies.csv", edit)
    _rehash(tree, package)
    return package


def wide_copy(tree: Path, target: Path, extra: int) -> Path:
    """A copy whose ``studies`` declares ``extra`` more text columns, each with a value."""
    package = _copy(tree, target)
    names = [f"extra_{i}" for i in range(extra)]

    def widen(rows: list[list[str]]) -> None:
        rows[0] += names
        for row in rows[1:]:
            row += ["x"] * extra

    _rewrite_csv(package / "data" / "studies.csv", widen)
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == "studies":
            resource["schema"]["fields"] += [{"name": n, "type": "string"} for n in names]
    (package / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    _rehash(tree, package)
    return package


def _cli_row(label: str, result: dict[str, float]) -> str:
    return (
        f"| {label} | {result['seconds']:.2f} | {result['cpu']:.2f} | {result['peak_mb']:.0f} MB |"
    )


def shipped_section(tree: Path, runs: int, holder: Path, log) -> list[str]:  # noqa: ANN001
    shipped = tree / "datapackage"
    warm = holder / "home-warm"
    _run_once(gate_command(shipped), _environment(tree, warm))  # fills a cache, if any

    def fresh(run: int) -> dict[str, str]:
        return _environment(tree, holder / f"home-fresh-{run}")

    results = interleaved(
        {
            "fresh": (gate_command(shipped), fresh),
            "warm": (gate_command(shipped), _environment(tree, warm)),
            "frictionless": (frictionless_command(shipped), None),
        },
        runs,
    )
    copy = edited_copy(tree, holder / "edited")
    copied = interleaved(
        {
            "copy": (gate_command(copy), fresh),
            "frictionless": (frictionless_command(copy), None),
        },
        runs,
    )
    log(f"shipped: {results}; edited copy: {copied}")
    theirs, theirs_copy = results["frictionless"], copied["frictionless"]
    return [
        f"## Cold CLI run on the shipped package (load {_load()})",
        "",
        f"Median of {runs} runs of each command, interleaved.",
        "",
        "| command | wall s | CPU s | peak RSS |",
        "|---|---:|---:|---:|",
        _cli_row("`msc-exos-pof validate`, fresh runner (empty cache)", results["fresh"]),
        _cli_row("`msc-exos-pof validate`, warm cache", results["warm"]),
        _cli_row("`frictionless validate datapackage/datapackage.json`", theirs),
        _cli_row("`msc-exos-pof validate COPY` (a row edited, rehashed), fresh", copied["copy"]),
        _cli_row("`frictionless validate COPY/datapackage.json`", theirs_copy),
        "",
        "Ratio ours / frictionless (wall, CPU): fresh runner "
        f"**{results['fresh']['seconds'] / theirs['seconds']:.2f}x**, "
        f"{results['fresh']['cpu'] / theirs['cpu']:.2f}x; warm cache "
        f"**{results['warm']['seconds'] / theirs['seconds']:.2f}x**, "
        f"{results['warm']['cpu'] / theirs['cpu']:.2f}x; edited copy "
        f"**{copied['copy']['seconds'] / theirs_copy['seconds']:.2f}x**, "
        f"{copied['copy']['cpu'] / theirs_copy['cpu']:.2f}x.",
        "",
    ]


def api_section(tree: Path, runs: int, log) -> list[str]:  # noqa: ANN001
    names = ["studies", "references", "claims", "study_mechanisms"]
    out = subprocess.run(
        [sys.executable, "-c", _API, str(max(runs, 5)), *names],
        capture_output=True,
        text=True,
        check=True,
        env=_environment(tree),
    )
    result = json.loads(out.stdout)
    log(f"api: {result}")
    lines = [
        f"## The library in one process (load {_load()})",
        "",
        f"- warm `validate()` of the shipped package: **{result['validate_cpu']:.3f} s CPU** "
        f"(median of {max(runs, 5)} calls after a first one)",
        "",
        "| resource | `load(name)` ms | `pandas.read_csv` ms | ratio |",
        "|---|---:|---:|---:|",
    ]
    for name, (ours, theirs) in result["loads"].items():
        lines.append(f"| {name} | {ours * 1000:.1f} | {theirs * 1000:.1f} | {ours / theirs:.1f}x |")
    return [*lines, ""]


def columns_section(tree: Path, runs: int, holder: Path, log) -> list[str]:  # noqa: ANN001
    base = _copy(tree, holder / "base")
    wide = wide_copy(tree, holder / "wide", EXTRA_COLUMNS)
    results = interleaved(
        {"base": (gate_command(base), None), "wide": (gate_command(wide), None)}, runs
    )
    log(f"columns: {results}")
    extra = results["wide"]["seconds"] - results["base"]["seconds"]
    return [
        f"## Declared columns (load {_load()})",
        "",
        f"A copy of the shipped package, and the same copy with {EXTRA_COLUMNS:,} more declared "
        f"text columns in `studies`; cold `msc-exos-pof validate`, median of {runs} interleaved "
        "runs.",
        "",
        "| package | wall s | CPU s | peak RSS |",
        "|---|---:|---:|---:|",
        _cli_row("copy", results["base"]),
        _cli_row(f"copy + {EXTRA_COLUMNS:,} columns", results["wide"]),
        "",
        f"Ratio: **{results['wide']['seconds'] / results['base']['seconds']:.2f}x** the base "
        f"time ({results['wide']['cpu'] / results['base']['cpu']:.2f}x CPU); "
        f"{extra / EXTRA_COLUMNS * 1000:.2f} ms per extra column.",
        "",
    ]


def synth_section(
    tree: Path,
    sizes: list[int],
    runs: int,
    big_runs: int,
    skip_frictionless_above: int | None,
    rounds: int,
    holder: Path,
    log,  # noqa: ANN001
) -> list[str]:
    rows_table = [
        f"## Synthetic packages (load {_load()} at the start)",
        "",
        "| studies | rows (all tables) | CSV bytes | gate s | gate CPU s | gate rows/s | "
        "gate peak RSS | peak / CSV bytes | frictionless s | frictionless / gate | "
        "pyarrow floor s | gate / floor |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    engine_table = [
        "### Schema, key and count checks: the gate's engine against DuckDB SQL",
        "",
        "`validate(select=['schema', 'counts'], summary=False)` in a fresh process against "
        "`benchmarks/duckdb_sql.py` (DuckDB's CSV reader, one query per rule).",
        "",
        "| studies | gate engine s | gate engine peak | DuckDB SQL s | DuckDB SQL peak | "
        "DuckDB / gate time | DuckDB / gate memory |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    points = []
    env = _environment(tree)
    for studies in sizes:
        package = holder / f"pkg-{studies}"
        subprocess.run(
            [sys.executable, "-c", _CLI, "synth", "--studies", str(studies), "--seed", "1"]
            + ["--rounds", str(rounds), str(package)],
            check=True,
            capture_output=True,
            env=env,
        )
        _, rows, size = package_rows(package)
        repeat = runs if studies < 100_000 else big_runs
        timed = {
            "gate": (gate_command(package), env),
            "floor": (floor_command(package), env),
            "engine": ([sys.executable, "-c", _ENGINE, str(package)], env),
            "duckdb": ([sys.executable, str(ROOT / "benchmarks" / "duckdb_sql.py"), package], env),
        }
        if skip_frictionless_above is None or studies <= skip_frictionless_above:
            timed["frictionless"] = (frictionless_command(package), None)
        found = interleaved(
            {k: ([str(part) for part in c], e) for k, (c, e) in timed.items()}, repeat
        )
        gate, floor = found["gate"], found["floor"]
        if gate["returncode"] != 0:
            raise SystemExit(f"the synthetic package of {studies} studies is not valid")
        fl = found.get("frictionless")
        fl_text = (
            f"{fl['seconds']:.2f} | {fl['seconds'] / gate['seconds']:.1f}x" if fl else "not run | -"
        )
        log(f"{studies}: {found}")
        points.append((rows, gate["seconds"]))
        rows_table.append(
            f"| {studies:,} | {rows:,} | {size / 1e6:.1f} MB | {gate['seconds']:.2f} | "
            f"{gate['cpu']:.2f} | {rows / gate['seconds']:,.0f} | {gate['peak_mb']:.0f} MB | "
            f"{gate['peak_mb'] * 1024 * 1024 / size:.2f}x | {fl_text} | "
            f"{floor['seconds']:.2f} | {gate['seconds'] / floor['seconds']:.1f}x |"
        )
        engine, duck = found["engine"], found["duckdb"]
        engine_table.append(
            f"| {studies:,} | {engine['seconds']:.2f} | {engine['peak_mb']:.0f} MB | "
            f"{duck['seconds']:.2f} | {duck['peak_mb']:.0f} MB | "
            f"{duck['seconds'] / engine['seconds']:.2f}x | "
            f"{duck['peak_mb'] / engine['peak_mb']:.2f}x |"
        )
        shutil.rmtree(package)
    lines = [*rows_table, ""]
    if len(points) >= 2:
        lines += [
            f"Log-log slope of gate time over rows, all sizes: **{slope(points):.2f}**"
            + (
                f"; from {sizes[-2]:,} studies on: **{slope(points[-2:]):.2f}**"
                if len(points) >= 3
                else ""
            )
            + f". Load at the end: {_load()}.",
            "",
        ]
    return [*lines, *engine_table, ""]


def run(
    sizes: list[int],
    runs: int,
    big_runs: int,
    skip_frictionless_above: int | None,
    log=print,
    rounds: int = 1,
    tree: Path = ROOT,
    sections: tuple[str, ...] = SECTIONS,
) -> str:
    lines = [
        f"# Benchmark results ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})",
        "",
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"median of {runs} fresh processes ({big_runs} from 100k rows on)"
        + (f"; synthetic packages with {rounds} search rounds" if rounds > 1 else "")
        + f"; load {_load()} at the start.",
        "",
    ]
    # Bytecode, as pip writes it when it installs the wheel (PYTHONDONTWRITEBYTECODE would
    # otherwise make every run compile the library's sources, and no installed copy does that).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "src")], check=True)
    with tempfile.TemporaryDirectory(prefix="msc-exos-pof-bench-") as folder:
        holder = Path(folder)
        if "import" in sections:
            cost = import_cost(tree, max(runs, 5))
            log(f"import: {cost}")
            lines += [
                "## `import msc_exos_pof`",
                "",
                f"- {cost['ms']:.1f} ms (median of {max(runs, 5)} fresh interpreters, "
                "interpreter start excluded)",
                f"- heavy modules loaded: {', '.join(cost['heavy']) or 'none'} "
                f"(looked for {', '.join(HEAVY)})",
                "",
            ]
        if "shipped" in sections:
            lines += shipped_section(tree, runs, holder, log)
        if "api" in sections:
            lines += api_section(tree, runs, log)
        if "columns" in sections:
            lines += columns_section(tree, runs, holder, log)
        if "synth" in sections:
            lines += synth_section(
                tree, sizes, runs, big_runs, skip_frictionless_above, rounds, holder, log
            )
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
    parser.add_argument(
        "--tree", type=Path, default=ROOT, help="the checkout to measure (default: this one)"
    )
    parser.add_argument("--sections", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results.md")
    args = parser.parse_args(argv)
    text = run(
        args.sizes,
        args.runs,
        args.big_runs,
        args.skip_frictionless_above,
        log=lambda *a: print(*a, file=sys.stderr),
        rounds=args.rounds,
        tree=args.tree.resolve(),
        sections=tuple(args.sections),
    )
    print(text)
    temporary = args.output.with_name(args.output.name + ".tmp")
    temporary.write_text(text + "\n", encoding="utf-8")
    os.replace(temporary, args.output)


if __name__ == "__main__":
    main()

"""Time ``msc-exos-pof validate`` of several source trees against each other, in one run.

A focused timing for a change to the gate's machinery (a thread, a cache, a start-up trick):
each tree is a checkout (its ``src/`` and ``datapackage/``), run by this interpreter with
``PYTHONPATH=<tree>/src`` in a fresh process from an empty folder, so that only the library's
code differs. Runs are interleaved (tree A, tree B, tree A...) so that the load of a shared
machine falls on every tree alike; the table gives each tree's median and its ratio to the
first tree, and the fastest run of each (on a shared machine the minimum is the least disturbed
estimate of a tree's own cost)::

    .venv/bin/python benchmarks/compare_trees.py --tree main=/tmp/main --tree new=. \\
        --package shipped --package synth:10000 --runs 7

``--package shipped`` validates each tree's own shipped package; ``synth:N`` a synthetic package
of N studies (written once, by the first tree's ``msc-exos-pof synth``). ``--cache cold`` gives
every run an empty ``XDG_CACHE_HOME`` (a fresh CI runner); ``--cache warm`` one shared folder,
filled by a first untimed run of each tree.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_CLI = "from msc_exos_pof.cli import run; run()"


def _environment(tree: Path, cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(tree / "src")
    env["XDG_CACHE_HOME"] = str(cache)
    env.pop("MSC_EXOS_POF_NO_CACHE", None)
    return env


def _validate(tree: Path, package: Path | None, cache: Path, where: Path) -> tuple[float, int]:
    command = [sys.executable, "-c", _CLI, "validate", "--format", "json"]
    command += [str(package)] if package is not None else []
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=where, env=_environment(tree, cache), capture_output=True, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{tree}: {done.stderr.decode(errors='replace')[-500:]}")
    return seconds, done.returncode


def _synthetic(tree: Path, studies: int, folder: Path) -> Path:
    target = folder / f"synth-{studies}"
    command = [sys.executable, "-c", _CLI, "synth", "--studies", str(studies), "--seed", "1"]
    subprocess.run(
        [*command, str(target)],
        env=_environment(tree, folder / "cache-synth"),
        cwd=folder,
        check=True,
        capture_output=True,
    )
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", action="append", required=True, help="NAME=PATH")
    parser.add_argument("--package", action="append", default=[], help="shipped or synth:N")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cache", choices=("cold", "warm"), default="cold")
    parser.add_argument("--output", type=Path, help="append the Markdown table to this file")
    args = parser.parse_args()
    trees = {name: Path(path).resolve() for name, path in (t.split("=", 1) for t in args.tree)}
    with tempfile.TemporaryDirectory(prefix="msc-exos-pof-compare-") as holder:
        folder = Path(holder)
        where = folder / "cwd"
        where.mkdir()
        first = next(iter(trees.values()))
        lines = [
            f"### {args.cache} cache, median (min) of {args.runs} interleaved runs "
            f"({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load "
            f"{' '.join(f'{x:.1f}' for x in os.getloadavg())})",
            "",
            "| package | "
            + " | ".join(f"{name} s" for name in trees)
            + " | "
            + " | ".join(f"{name} / {next(iter(trees))}" for name in list(trees)[1:])
            + " |",
            "|---|" + "---:|" * (2 * len(trees) - 1),
        ]
        for spec in args.package or ["shipped"]:
            package = None if spec == "shipped" else _synthetic(first, int(spec[6:]), folder)
            warm = folder / "cache-warm"
            if args.cache == "warm":
                for tree in trees.values():
                    _validate(tree, package, warm, where)
            samples: dict[str, list[float]] = {name: [] for name in trees}
            for run in range(args.runs):
                for name, tree in trees.items():
                    cache = warm if args.cache == "warm" else folder / f"cold-{name}-{run}"
                    samples[name].append(_validate(tree, package, cache, where)[0])
            medians = {name: statistics.median(values) for name, values in samples.items()}
            fastest = {name: min(values) for name, values in samples.items()}
            base, base_min = next(iter(medians.values())), next(iter(fastest.values()))
            print(spec, {name: [round(v, 2) for v in values] for name, values in samples.items()})
            lines.append(
                f"| {spec} | "
                + " | ".join(f"{medians[n]:.2f} ({fastest[n]:.2f})" for n in trees)
                + " | "
                + " | ".join(
                    f"{medians[n] / base:.2f}x ({fastest[n] / base_min:.2f}x)"
                    for n in list(trees)[1:]
                )
                + " |"
            )
        text = "\n".join(lines) + "\n"
        print(text)
        if args.output:
            with open(args.output, "a", encoding="utf-8") as handle:
                handle.write(text + "\n")


if __name__ == "__main__":
    main()

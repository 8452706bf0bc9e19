"""Did the gate's speed machinery of 6a0159c pay? In-process A/B timings, interleaved.

Three pieces of machinery were in the gate at 6a0159c: the schema layer and the errata judgement
computed at once on two threads (``runner._overlap_heavy_layers``), each CSV hashed in a second
thread while Arrow parses it (``io.table.read_table``), and ``gc.freeze()`` at the CLI's exit.
This script times the first two in one process, switching each on and off in turn (so the load
of a shared machine falls on both alike), on the shipped package and on synthetic packages;
``compare_trees.py`` times the third (it acts at interpreter exit). Run it against a checkout
of 6a0159c::

    PYTHONPATH=/path/to/6a0159c/src .venv/bin/python benchmarks/machinery.py --runs 15 \\
        --studies 10000 100000

It prints, per package and piece, the median and the fastest time with and without it.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _read_table_inline(item):  # noqa: ANN001, ANN202 - 6a0159c's read_table, hashing inline
    from msc_exos_pof.errors import TableError
    from msc_exos_pof.io import table

    path = item.descriptor.get("path")
    try:
        data = table.read_regular(item.file, table.MAX_TABLE_BYTES, "file")
    except OSError:
        message = f"resource {item.name!r}: {path}"
        raise TableError("table.missing_file", message, item.name) from None
    digest = hashlib.sha256(data)
    found = None
    try:
        frame, found = table._parse_table(item, data)
    except TableError as error:
        found = error.structure
        raise
    finally:
        if found is not None:
            found.digest = (len(data), f"sha256:{digest.hexdigest()}")
    return frame, found


def _time(package: Path | None, runs: int) -> dict[str, list[float]]:
    from msc_exos_pof.gate import runner
    from msc_exos_pof.io import context

    overlap, threaded = runner._overlap_heavy_layers, context.read_table
    variants = {
        "as shipped": (overlap, threaded),
        "no overlap": (lambda ctx, chosen: None, threaded),
        "no hash thread": (overlap, _read_table_inline),
    }
    samples: dict[str, list[float]] = {name: [] for name in variants}
    runner.validate(package, summary=False)  # imports and caches, untimed
    for _ in range(runs):
        for name, (overlapping, reading) in variants.items():
            runner._overlap_heavy_layers, context.read_table = overlapping, reading
            started = time.perf_counter()
            runner.validate(package, summary=False)
            samples[name].append(time.perf_counter() - started)
    runner._overlap_heavy_layers, context.read_table = overlap, threaded
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--studies", type=int, nargs="*", default=[10_000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="msc-exos-pof-machinery-") as holder:
        packages: list[tuple[str, Path | None]] = [("shipped", None)]
        for studies in args.studies:
            target = Path(holder) / f"synth-{studies}"
            subprocess.run(
                [sys.executable, "-c", "from msc_exos_pof.cli import run; run()", "synth"]
                + ["--studies", str(studies), "--seed", "1", str(target)],
                check=True,
                capture_output=True,
            )
            packages.append((f"synth:{studies}", target))
        print("| package | variant | median s | min s | median / as shipped |")
        print("|---|---|---:|---:|---:|")
        for label, package in packages:
            samples = _time(package, args.runs)
            base = statistics.median(samples["as shipped"])
            for name, values in samples.items():
                median = statistics.median(values)
                print(
                    f"| {label} | {name} | {median:.3f} | {min(values):.3f} | "
                    f"{median / base:.2f}x |",
                    flush=True,
                )


if __name__ == "__main__":
    main()

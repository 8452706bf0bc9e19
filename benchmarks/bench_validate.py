"""Time ``msc-exos-pof synth`` and ``msc_exos_pof.validate`` on synthetic packages of growing size.

Run by hand (not by pytest): ``.venv/bin/python benchmarks/bench_validate.py [SIZES...]``.
Default sizes: 1k, 10k, 100k and 1M studies. Each size is generated once into a temporary
folder, then validated in a fresh process (so that peak memory is the gate's own). Prints a
Markdown table to paste into benchmarks/README.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = (1_000, 10_000, 100_000, 1_000_000)

_VALIDATE = """
import json, resource, sys, time
started = time.perf_counter()
import msc_exos_pof
report = msc_exos_pof.validate(sys.argv[1])
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_kb": peak, "valid": report.valid,
                  "errors": report.counts["error"], "warnings": report.counts["warning"]}))
"""

_SYNTH = """
import resource, sys, time
from msc_exos_pof.synth import synth
started = time.perf_counter()
synth(sys.argv[1], int(sys.argv[2]), seed=1)
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _run(code: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          check=True)
    return done.stdout.strip().splitlines()[-1]


def bench(studies: int, folder: Path) -> dict[str, float]:
    out = folder / f"pkg-{studies}"
    synth_seconds, synth_peak = (float(v) for v in _run(_SYNTH, str(out), str(studies)).split())
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    result = json.loads(_run(_VALIDATE, str(out)))
    return {"studies": studies, "bytes": size, "synth_seconds": synth_seconds,
            "synth_peak_mb": synth_peak / 1024, "validate_seconds": result["seconds"],
            "validate_peak_mb": result["peak_kb"] / 1024, "errors": result["errors"],
            "warnings": result["warnings"]}


def main(sizes: list[int]) -> None:
    rows = []
    with tempfile.TemporaryDirectory() as holder:
        for studies in sizes:
            started = time.perf_counter()
            rows.append(bench(studies, Path(holder)))
            print(f"# {studies} studies done in {time.perf_counter() - started:.1f} s",
                  file=sys.stderr)
    print("| studies | package size | synth s | synth peak RSS | validate s | "
          "validate peak RSS | errors | warnings |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['studies']:,} | {r['bytes'] / 1e6:.1f} MB | {r['synth_seconds']:.1f} | "
              f"{r['synth_peak_mb']:.0f} MB | {r['validate_seconds']:.1f} | "
              f"{r['validate_peak_mb']:.0f} MB | {r['errors']} | {r['warnings']} |")


if __name__ == "__main__":
    main([int(v) for v in sys.argv[1:]] or list(SIZES))

"""Hostile input, round two (issue 23), the expensive cases: a 1.5 GB member in a zip of a few
megabytes, a 50 MB descriptor of five million small objects, and SIGINT/SIGTERM at random moments
of the Arrow and DuckDB phases of a large package. Each runs the console script in a process of
its own and measures it from outside."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from reliability_helpers import zip_bomb

pytestmark = pytest.mark.slow

SCRIPT = [sys.executable, "-c", "from msc_exos_pof.cli import run; run()"]


#: Runs its arguments and reports their peak memory. A child forked from this (large) test
#: process would count this process's pages as its own; one forked from this small launcher
#: counts only what it uses.
LAUNCHER = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "sys.stdout.write(done.stdout)\n"
    "sys.stderr.write(done.stderr)\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "sys.stderr.write(f'\\npeak-kb {peak}\\n')\n"
    "sys.exit(done.returncode)\n"
)


def _measured(arguments: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run the console script; return it and its peak memory (Linux: ru_maxrss), in MB."""
    done = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *SCRIPT, *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    peak = int(done.stderr.rsplit("peak-kb ", 1)[1].split()[0])
    return done, peak / 1024


def test_a_gigabyte_member_of_a_small_zip_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    from msc_exos_pof.io.locate import shipped_package_dir

    archive = zip_bomb(tmp_path / "bomb.zip", 1_500_000_000)
    assert archive.stat().st_size < 8 << 20
    started = time.perf_counter()
    done, megabytes = _measured(["diff", str(archive), str(shipped_package_dir())], tmp_path)
    assert done.returncode == 2, done.stderr
    assert "decompression bomb" in done.stderr
    assert time.perf_counter() - started < 30
    assert megabytes < 500  # the process, libraries included; main took 3.4 GB


def test_a_descriptor_of_millions_of_small_objects_is_cheap_to_refuse(
    package_copy: Path, tmp_path: Path
) -> None:
    descriptor = json.loads((package_copy / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["extra"] = [{"a": 1} for _ in range(5_000_000)]
    (package_copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    started = time.perf_counter()
    done, megabytes = _measured(["validate", str(package_copy)], tmp_path)
    seconds = time.perf_counter() - started
    assert done.returncode == 2, done.stdout
    assert "JSON objects and arrays" in done.stdout
    assert seconds < 15 and megabytes < 800  # main: 22 s and 3 GB on this machine


def test_a_large_legitimate_descriptor_is_read_in_linear_time(
    package_copy: Path, tmp_path: Path
) -> None:
    descriptor = json.loads((package_copy / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["extra"] = [{"a": 1} for _ in range(900_000)]
    (package_copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    started = time.perf_counter()
    done, megabytes = _measured(["validate", str(package_copy)], tmp_path)
    assert done.returncode == 0, done.stdout
    assert time.perf_counter() - started < 30 and megabytes < 1200


@pytest.fixture(scope="module")
def large_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic package large enough that Arrow and DuckDB work for seconds."""
    folder = tmp_path_factory.mktemp("large") / "package"
    subprocess.run([*SCRIPT, "synth", "-n", "150000", str(folder)], check=True)
    return folder


#: Commands whose Arrow phase (validate, parquet) or DuckDB phase (duckdb, query) is interrupted.
INTERRUPTED = {
    "validate": ["validate", "{package}"],
    "parquet": ["export", "--to", "parquet", "{out}/parquet", "{package}"],
    "duckdb": ["export", "--to", "duckdb", "{out}/db.duckdb", "{package}"],
    "query": ["query", "select count(*) from studies", "{package}"],
}


@pytest.mark.parametrize("command", list(INTERRUPTED))
def test_sigint_and_sigterm_end_every_phase_cleanly(
    large_package: Path, tmp_path: Path, command: str
) -> None:
    rnd = random.Random(command)
    out = tmp_path / "out"
    outcomes = []
    for attempt in range(8):
        out.mkdir(exist_ok=True)
        arguments = [a.format(package=large_package, out=out) for a in INTERRUPTED[command]]
        run = subprocess.Popen(
            [*SCRIPT, *arguments], cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        time.sleep(rnd.uniform(0.6, 3.5))
        sent = signal.SIGINT if attempt % 2 == 0 else signal.SIGTERM
        run.send_signal(sent)
        _, error = run.communicate(timeout=120)
        text = error.decode("utf-8", "replace")
        outcomes.append((sent, run.returncode))
        assert run.returncode in (0, 1, 128 + sent), (sent, run.returncode, text)
        assert "unexpected" not in text and "Traceback" not in text, text
        if run.returncode == 128 + sent:  # stopped: nothing half-written stays behind
            _assert_nothing_half_written(out)
        for item in out.iterdir():
            subprocess.run(["rm", "-rf", str(item)], check=True)
    assert any(code == 128 + sent for sent, code in outcomes), outcomes


def _assert_nothing_half_written(out: Path) -> None:
    """After a stop, ``out`` holds no temporary or staging entry (``.NAME.kind-PID-...``), and
    an output that is there is whole: the signal may land just after the last atomic rename, and
    then the output is the complete one (an export folder holds the files its manifest lists; a
    file is only ever renamed into place whole)."""
    for item in out.iterdir():
        assert not item.name.startswith("."), sorted(out.iterdir())
        if item.is_dir():
            manifest = item / ".msc-exos-pof-export.json"
            assert manifest.is_file(), sorted(item.iterdir())
            listed = set(json.loads(manifest.read_text(encoding="utf-8"))["files"])
            assert {p.name for p in item.iterdir()} - {manifest.name} == listed

"""Exports under stress: --force never deletes a user's file, locks, signals, Ctrl-C, and
broken keys named by row and field in every format.

Red-team regressions of issue 15, one case each.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from reliability_helpers import (
    field_in,
    load_descriptor,
    save_descriptor,
)

import msc_exos_pof
from msc_exos_pof.release.hashes import rehash

#: Slow: red-team cases, under alarms and subprocess timeouts, with large hostile inputs.
pytestmark = pytest.mark.slow


# --- 2 and 11. exports: --force, locks, signals, keys -------------------------------------------


def _export_cli(*args: str) -> tuple[int, str]:
    from click.testing import CliRunner

    from msc_exos_pof.cli import main

    result = CliRunner().invoke(main, ["export", *args])
    return result.exit_code, result.output


def test_force_never_deletes_a_file_of_the_users(package_copy: Path, tmp_path: Path) -> None:
    """`cp -r datapackage/. work/; echo mine > work/NOTES.md; export --to csv work --force`."""
    import shutil

    work = tmp_path / "work"
    shutil.copytree(package_copy, work)
    (work / "NOTES.md").write_text("mine", encoding="utf-8")
    code, output = _export_cli("--to", "csv", "--force", str(work), str(package_copy))
    assert code == 2 and "not replaced even with --force" in output
    assert (work / "NOTES.md").read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("to", ["csv", "parquet"])
def test_force_replaces_an_export_of_ours_but_not_one_a_user_added_to(
    tmp_path: Path, to: str
) -> None:
    from msc_exos_pof.exports.target import MANIFEST_NAME

    out = tmp_path / "out"
    msc_exos_pof.export(to, out)
    assert (out / MANIFEST_NAME).is_file()
    msc_exos_pof.export(to, out, overwrite=True)  # only what the manifest lists: replaced
    (out / "mine.parquet").write_text("mine", encoding="utf-8")
    with pytest.raises(msc_exos_pof.errors.ExportTargetError, match="not replaced"):
        msc_exos_pof.export(to, out, overwrite=True)
    assert (out / "mine.parquet").read_text(encoding="utf-8") == "mine"


def test_a_folder_of_parquet_files_without_a_manifest_is_not_ours(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "results.parquet").write_bytes(b"PAR1 my own results")
    with pytest.raises(msc_exos_pof.errors.ExportTargetError, match="not replaced"):
        msc_exos_pof.export("parquet", tmp_path / "out", overwrite=True)


def test_a_second_export_to_a_locked_out_is_refused(tmp_path: Path) -> None:
    from msc_exos_pof.exports.target import locked

    out = tmp_path / "review.sqlite"
    with locked(out):
        with pytest.raises(msc_exos_pof.errors.ExportTargetError, match="another export"):
            msc_exos_pof.export("sqlite", out)
    assert not out.exists()
    msc_exos_pof.export("sqlite", out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["review.sqlite"]  # no lock left


def test_two_concurrent_exports_without_force_do_not_both_succeed(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "review.sqlite"
    command = [sys.executable, "-c", "from msc_exos_pof.cli import run; run()"]
    command += ["export", "--to", "sqlite", str(out)]
    runs = [subprocess.Popen(command, stderr=subprocess.PIPE) for _ in range(2)]
    codes = sorted(run.wait(timeout=120) for run in runs)
    assert codes == [0, 2]


def test_sigterm_removes_the_staging_folder_and_the_lock(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "review.xlsx"
    script = (
        "import time, msc_exos_pof.exports.writers as w\n"
        "def slow(path, target):\n"
        "    target.write_text('partial'); print('staged', flush=True); time.sleep(60)\n"
        "w.WRITERS['xlsx'] = slow\n"
        f"w.export('xlsx', {str(out)!r})\n"
    )
    run = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert run.stdout.readline().strip() == "staged"
    assert any(p.name.startswith(".review.xlsx.export-") for p in tmp_path.iterdir())
    run.terminate()
    assert run.wait(timeout=30) == 128 + signal.SIGTERM
    assert list(tmp_path.iterdir()) == []


def _broken_foreign_key(folder: Path) -> None:
    import csv
    import io

    file = folder / "data" / "studies.csv"
    rows = list(csv.reader(io.StringIO(file.read_text(encoding="utf-8"))))
    rows[1][rows[0].index("reference_number")] = "999"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    file.write_text(buffer.getvalue(), encoding="utf-8")
    rehash(folder)


@pytest.mark.parametrize("to", ["sqlite", "duckdb", "parquet", "xlsx"])
def test_a_broken_foreign_key_stops_every_format_with_row_and_field(
    package_copy: Path, tmp_path: Path, to: str
) -> None:
    _broken_foreign_key(package_copy)
    with pytest.raises(msc_exos_pof.errors.ExportDataError) as caught:
        msc_exos_pof.export(
            to, tmp_path / ("out" if to == "parquet" else f"out.{to}"), package_copy
        )
    message = caught.value.message
    assert "resource 'studies' row 1, field 'reference_number': 999" in message
    assert "TransactionContext" not in message
    assert list(tmp_path.iterdir()) == [package_copy]


def test_duckdb_keeps_its_own_constraint_error_not_the_cleanup_one(
    package_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("duckdb")
    from msc_exos_pof.exports import to_duckdb

    _broken_foreign_key(package_copy)
    monkeypatch.setattr(to_duckdb, "arrow_tables", _unchecked_tables)
    with pytest.raises(msc_exos_pof.errors.ExportDataError) as caught:
        msc_exos_pof.export("duckdb", tmp_path / "out.duckdb", package_copy)
    assert "TransactionContext" not in caught.value.message
    assert "foreign key" in caught.value.message.lower()


def _unchecked_tables(found: list, descriptor: dict) -> dict:
    from msc_exos_pof.exports.arrow import arrow_table

    return {table.name: arrow_table(table, descriptor) for table in found}


def test_ctrl_c_during_an_export_is_not_a_data_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from msc_exos_pof.exports.sql import _engine_error

    class InterruptException(Exception):
        pass

    with pytest.raises(KeyboardInterrupt):
        _engine_error("studies", "DuckDB", InterruptException("INTERRUPT Error"))

    from msc_exos_pof.exports import writers

    def interrupted(path: object, target: Path) -> None:
        raise KeyboardInterrupt

    monkeypatch.setitem(writers.WRITERS, "sqlite", interrupted)
    code, output = _export_cli("--to", "sqlite", os.devnull + ".sqlite")
    assert code == 130 and "interrupted" in output


# --- a constraint the export's engine enforces ------------------------------------------------


def test_a_sqlite_constraint_error_names_the_row_and_field(
    package_copy: Path, tmp_path: Path
) -> None:
    descriptor = load_descriptor(package_copy)
    field = field_in(descriptor, "studies", "year")
    field.setdefault("constraints", {})["maximum"] = 1900  # every year now breaks a CHECK
    save_descriptor(package_copy, descriptor)
    with pytest.raises(msc_exos_pof.errors.ExportDataError) as caught:
        msc_exos_pof.export("sqlite", tmp_path / "out.sqlite", package_copy)
    assert "resource 'studies' row 1, field 'year'" in caught.value.message

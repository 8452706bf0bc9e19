"""The rough edges a new maintainer meets: outputs named like what they are, a compact DuckDB
file, exit codes of misuse, and the README's claims that follow from the data."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

import msc_exos_pof
from msc_exos_pof.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("to", "out"), [("parquet", "tables.parquet"), ("csv", "copy.csv"), ("datasette", "site.db")]
)
def test_a_folder_export_refuses_an_out_named_like_a_file(
    tmp_path: Path, to: str, out: str
) -> None:
    result = CliRunner().invoke(main, ["export", "--to", to, str(tmp_path / out), "--shipped"])
    assert result.exit_code == 2 and "names a file, but the" in result.output
    assert "writes a folder" in result.output and not (tmp_path / out).exists()


def test_the_duckdb_file_is_not_mostly_empty_blocks(tmp_path: Path) -> None:
    # DuckDB gives each table and index blocks of its own: 16 KiB blocks, not 256 KiB ones.
    database = msc_exos_pof.export("duckdb", tmp_path / "review.duckdb")
    assert database.stat().st_size < 3_000_000
    with duckdb.connect(str(database), read_only=True) as connection:
        assert connection.execute("select count(*) from studies_overview").fetchall() == [(17,)]


def test_the_readme_data_table_lists_every_resource_with_its_rows() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| resource | rows | what it holds |") :].split("\n\n")[0]
    listed = re.findall(r"^\| `(\w+)` \| (\d+) \|", table, re.MULTILINE)
    names = msc_exos_pof.resource_names(msc_exos_pof.package_dir())
    assert [name for name, _ in listed] == names
    for name, rows in listed:
        frame = msc_exos_pof.load(name, msc_exos_pof.package_dir(), include_removed=True)
        assert int(rows) == len(frame), name
    assert "the ten resources" not in readme


def test_the_hook_output_docs_ci_shows_is_what_the_gate_prints(
    tmp_path: Path, package_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    sample = page[page.index("- hook id: msc-exos-pof-validate") :].split("```")[0]
    shown = [line for line in sample.splitlines()[2:] if line.strip()]
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)  # paths are shown from the work tree's root
    shutil.copytree(package_copy, repository / "datapackage")
    studies = repository / "datapackage" / "data" / "studies.csv"
    studies.write_text(studies.read_text(encoding="utf-8").replace("in_vivo", "in_silico", 1))
    monkeypatch.chdir(repository)
    result = CliRunner().invoke(main, ["validate"])
    printed = (result.stderr + result.stdout).splitlines()
    assert result.exit_code == 1 and len(shown) == 3
    assert shown == printed[:3]

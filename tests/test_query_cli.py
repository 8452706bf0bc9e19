"""SQL and tables from the shell: ``msc-exos-pof query`` and ``show``."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from msc_exos_pof.cli import main

pytest.importorskip("duckdb")

PER_DESIGN = "select design, count(*) as studies from studies group by design order by design"


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


def test_query_prints_a_table_by_default() -> None:
    result = run("query", PER_DESIGN)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "design    studies",
        "--------  -------",
        "in_vitro  2",
        "in_vivo   15",
        "(2 rows)",
    ]


def test_query_as_csv_and_json() -> None:
    rows = list(csv.DictReader(io.StringIO(run("query", PER_DESIGN, "--format", "csv").stdout)))
    assert rows == [{"design": "in_vitro", "studies": "2"}, {"design": "in_vivo", "studies": "15"}]
    objects = json.loads(run("query", PER_DESIGN, "--format", "json").stdout)
    assert objects == [{"design": "in_vitro", "studies": 2}, {"design": "in_vivo", "studies": 15}]


def test_query_sees_the_views_and_missing_cells_are_null() -> None:
    objects = json.loads(
        run(
            "query",
            "select study_id, msc_source from studies where msc_source is null",
            "--format",
            "json",
        ).stdout
    )
    assert objects == [{"study_id": "bao-z-2024", "msc_source": None}]
    assert run("query", "select * from source_counts").exit_code == 0


def test_bad_sql_is_one_sentence_and_exit_2() -> None:
    result = run("query", "select * from nope")
    assert result.exit_code == 2
    assert "the query failed" in result.output and "the tables are:" in result.output
    assert "Traceback" not in result.output


def test_show_prints_a_resource_in_each_format() -> None:
    table = run("show", "msc_sources")
    assert table.exit_code == 0 and table.stdout.splitlines()[-1] == "(6 rows)"
    rows = list(csv.DictReader(io.StringIO(run("show", "msc_sources", "--format", "csv").stdout)))
    assert [r["msc_source"] for r in rows] == ["BMSC", "hUCMSC", "ADSC", "PMSC", "AFSC", "MenSC"]
    first = json.loads(run("show", "studies", "--format", "json").stdout)[0]
    assert first["study_id"] == "yang-m-2020" and first["year"] == 2020


def test_show_an_unknown_resource_is_misuse_exit_2_naming_the_known_ones() -> None:
    result = run("show", "nope")
    assert result.exit_code == 2 and "the package has no resource 'nope'" in result.output
    assert "choose one of search_strategies, prisma_flow" in result.output

"""Exports: each format opened with its own engine reproduces the data, keys and counts."""

from __future__ import annotations

import datetime
import hashlib
import importlib
import json
import shutil
import sqlite3
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import duckdb
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from package_rows import edit_rows

import msc_exos_pof
from msc_exos_pof.cli import main
from msc_exos_pof.io.descriptor import read_descriptor

#: Slow: writes and reopens every export format.
pytestmark = pytest.mark.slow

# The submodule, whatever ``msc_exos_pof.export`` (the function) is bound to.
export_module = importlib.import_module("msc_exos_pof.exports")

FORMATS = export_module.FORMATS
#: The formats holding every table (the others: the bibliography, the Datasette folder).
TABLE_FORMATS = importlib.import_module("msc_exos_pof.exports.formats").TABLE_FORMATS
DATABASES = ("sqlite", "duckdb")
SUFFIX = {
    "sqlite": ".sqlite",
    "duckdb": ".duckdb",
    "parquet": "_parquet",
    "xlsx": ".xlsx",
    "csv": "_csv",
    "bibtex": ".bib",
    "ris": ".ris",
    "csljson": ".json",
    "datasette": "_datasette",
}

#: The join every format must reproduce: studies per curated MSC source, beside the stated count.
COUNT_SQL = """
SELECT m."msc_source", COUNT(s."study_id"), m."stated_study_count"
FROM "msc_sources" AS m LEFT JOIN "studies" AS s ON s."msc_source" = m."msc_source"
GROUP BY m."msc_source", m."stated_study_count"
"""


def expected_source_counts() -> dict[str, tuple[int, int]]:
    """{source: (curated studies, stated count)} from the loader, the reference for every format."""
    curated = msc_exos_pof.load("studies")["msc_source"].value_counts().to_dict()
    sources = msc_exos_pof.load("msc_sources")
    return {
        str(source): (int(curated.get(source, 0)), int(stated))
        for source, stated in zip(sources["msc_source"], sources["stated_study_count"], strict=True)
    }


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The shipped package exported once to every format (read-only for the tests)."""
    folder = tmp_path_factory.mktemp("exports")
    return {to: msc_exos_pof.export(to, folder / f"out{SUFFIX[to]}") for to in TABLE_FORMATS}


def counts_sqlite(out: Path) -> dict[str, tuple[int, int]]:
    with sqlite3.connect(out) as connection:
        return {row[0]: (row[1], row[2]) for row in connection.execute(COUNT_SQL)}


def counts_duckdb(out: Path) -> dict[str, tuple[int, int]]:
    with duckdb.connect(str(out), read_only=True) as connection:
        return {row[0]: (row[1], row[2]) for row in connection.execute(COUNT_SQL).fetchall()}


def counts_parquet(out: Path) -> dict[str, tuple[int, int]]:
    studies = pq.read_table(out / "studies.parquet", columns=["study_id", "msc_source"])
    sources = pq.read_table(out / "msc_sources.parquet")
    per_source = (
        studies.cast(pa.schema([("study_id", pa.string()), ("msc_source", pa.string())]))
        .group_by("msc_source")
        .aggregate([("study_id", "count")])
    )
    curated = dict(
        zip(
            per_source["msc_source"].to_pylist(),
            per_source["study_id_count"].to_pylist(),
            strict=True,
        )
    )
    return {
        source: (curated.get(source, 0), stated)
        for source, stated in zip(
            sources["msc_source"].to_pylist(),
            sources["stated_study_count"].to_pylist(),
            strict=True,
        )
    }


def sheet_rows(workbook: openpyxl.Workbook, name: str) -> list[dict[str, object]]:
    header, *rows = workbook[name].iter_rows(values_only=True)
    # A read-only sheet leaves trailing empty cells out of a row.
    return [
        dict(zip(header, row + (None,) * (len(header) - len(row)), strict=True)) for row in rows
    ]


def counts_xlsx(out: Path) -> dict[str, tuple[int, int]]:
    workbook = openpyxl.load_workbook(out, read_only=True)
    curated = Counter(row["msc_source"] for row in sheet_rows(workbook, "studies"))
    return {
        row["msc_source"]: (curated[row["msc_source"]], row["stated_study_count"])
        for row in sheet_rows(workbook, "msc_sources")
    }


def counts_csv(out: Path) -> dict[str, tuple[int, int]]:
    assert msc_exos_pof.validate(str(out)).valid
    curated = msc_exos_pof.load("studies", str(out))["msc_source"].value_counts().to_dict()
    sources = msc_exos_pof.load("msc_sources", str(out))
    return {
        source: (int(curated.get(source, 0)), int(stated))
        for source, stated in zip(sources["msc_source"], sources["stated_study_count"], strict=True)
    }


COUNTERS: dict[str, Callable[[Path], dict[str, tuple[int, int]]]] = {
    "sqlite": counts_sqlite,
    "duckdb": counts_duckdb,
    "parquet": counts_parquet,
    "xlsx": counts_xlsx,
    "csv": counts_csv,
}


def digest(folder: Path) -> dict[str, str]:
    """Every file's hash, without the manifest a folder export adds (compared on its own)."""
    return {
        str(f.relative_to(folder)): hashlib.sha256(f.read_bytes()).hexdigest()
        for f in sorted(folder.rglob("*"))
        if f.is_file() and f.name != ".msc-exos-pof-export.json"
    }


# --- every format ----------------------------------------------------------------------------


@pytest.mark.parametrize("to", TABLE_FORMATS)
def test_each_format_reproduces_the_studies_per_source_and_the_stated_counts(
    exported: dict[str, Path], to: str
) -> None:
    counts = COUNTERS[to](exported[to])
    assert counts == expected_source_counts()
    assert counts["PMSC"] == (2, 3)  # the erratum: three rows filed under PMSC, one is plasma


def test_export_never_changes_its_input(tmp_path: Path, package_copy: Path) -> None:
    before = digest(package_copy)
    for to in FORMATS:
        msc_exos_pof.export(to, tmp_path / f"out{SUFFIX[to]}", package_copy)
    assert digest(package_copy) == before


# --- SQLite and DuckDB -----------------------------------------------------------------------


def open_database(to: str, out: Path) -> tuple[object, type[Exception]]:
    """A connection that enforces foreign keys, and the error the engine raises for a violation."""
    if to == "sqlite":
        connection = sqlite3.connect(out)
        connection.execute("PRAGMA foreign_keys = ON")  # off by default in every SQLite session
        return connection, sqlite3.IntegrityError
    return duckdb.connect(str(out)), duckdb.ConstraintException


def fetch(connection: object, sql: str) -> list[tuple[object, ...]]:
    return connection.execute(sql).fetchall()  # type: ignore[attr-defined]


@pytest.mark.parametrize("to", DATABASES)
def test_database_tables_hold_every_row_of_every_resource(
    exported: dict[str, Path], to: str
) -> None:
    connection, _ = open_database(to, exported[to])
    for name in msc_exos_pof.resource_names():
        (rows,) = fetch(connection, f'SELECT COUNT(*) FROM "{name}"')[0]
        assert rows == len(msc_exos_pof.load(name)), name
    duplicates = fetch(
        connection,
        'SELECT "reference_number", "duplicate_of" FROM "references" '
        'WHERE "duplicate_of" IS NOT NULL ORDER BY 1',
    )
    assert duplicates == [(54, 29), (74, 45)]  # the self-referencing foreign key survives
    if to == "duckdb":  # readable by older DuckDB releases than the one that wrote it
        (tags,) = fetch(connection, "SELECT tags FROM duckdb_databases() WHERE NOT internal")[0]
        assert tags["storage_version"].startswith(export_module.DUCKDB_STORAGE_VERSION)
    connection.close()


@pytest.mark.parametrize("to", DATABASES)
def test_database_keys_follow_the_descriptor(exported: dict[str, Path], to: str) -> None:
    # Read back through SQLite's catalogue, or DuckDB's: both must equal the Table Schemas.
    connection, _ = open_database(to, exported[to])
    for resource in read_descriptor()["resources"]:
        name, schema = resource["name"], resource["schema"]
        key = schema["primaryKey"]
        key = [key] if isinstance(key, str) else key
        declared = sorted(
            (
                [fk["fields"]] if isinstance(fk["fields"], str) else fk["fields"],
                fk["reference"]["resource"] or name,
            )
            for fk in schema.get("foreignKeys", [])
        )
        if to == "sqlite":
            info = fetch(connection, f'PRAGMA table_info("{name}")')
            primary = [row[1] for row in sorted(info, key=lambda r: r[5]) if row[5]]
            links = fetch(connection, f'PRAGMA foreign_key_list("{name}")')
            found = sorted(([row[3]], row[2]) for row in links)
        else:
            constraints = fetch(
                connection,
                "SELECT constraint_type, constraint_column_names, "
                "referenced_table FROM duckdb_constraints() "
                f"WHERE table_name = '{name}'",
            )
            primary = next(c[1] for c in constraints if c[0] == "PRIMARY KEY")
            found = sorted((c[1], c[2]) for c in constraints if c[0] == "FOREIGN KEY")
        assert primary == key, name
        assert found == declared, name
    connection.close()


def test_sqlite_foreign_key_check_is_empty(exported: dict[str, Path]) -> None:
    with sqlite3.connect(exported["sqlite"]) as connection:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


VIOLATIONS = {
    "a mechanism of a study that does not exist": (
        'INSERT INTO "study_mechanisms" ("study_id", "mechanism", "pathway", "evidence") '
        "VALUES ('ghost-x-2020', 'apoptosis', NULL, 'x')"
    ),
    "a duplicate of a reference that does not exist": (
        'UPDATE "references" SET "duplicate_of" = 9999 WHERE "reference_number" = 1'
    ),
    "a required value left empty": ("INSERT INTO \"animal_models\" VALUES (NULL, 'rat', NULL)"),
    "a value outside its enum": ("INSERT INTO \"animal_models\" VALUES ('Dogs', 'dog', NULL)"),
    "a repeated primary key": ('INSERT INTO "animal_models" SELECT * FROM "animal_models" LIMIT 1'),
}


@pytest.mark.parametrize("violation", VIOLATIONS)
@pytest.mark.parametrize("to", DATABASES)
def test_database_refuses_rows_that_break_the_schema(
    exported: dict[str, Path], tmp_path: Path, to: str, violation: str
) -> None:
    out = Path(shutil.copy(exported[to], tmp_path))
    connection, error = open_database(to, out)
    refused = (error, sqlite3.IntegrityError, duckdb.ConstraintException, duckdb.Error)
    with pytest.raises(refused):
        connection.execute(VIOLATIONS[violation])  # type: ignore[attr-defined]
    connection.close()


@pytest.mark.parametrize("to", DATABASES)
def test_database_views_are_readable_and_agree_with_the_tables(
    exported: dict[str, Path], to: str
) -> None:
    connection, _ = open_database(to, exported[to])
    counts = fetch(
        connection,
        'SELECT "msc_source", "curated_study_count", "stated_study_count" FROM "source_counts"',
    )
    assert {row[0]: (row[1], row[2]) for row in counts if row[0]} == expected_source_counts()
    assert [row[1:] for row in counts if row[0] is None] == [(1, None)]  # bao-z-2024, no source
    overview = fetch(
        connection,
        'SELECT "study_id", "msc_source", "msc_tissue", "reference_title" FROM "studies_overview"',
    )
    assert len(overview) == len(msc_exos_pof.load("studies"))
    by_study = {row[0]: row[1:] for row in overview}
    assert by_study["bao-z-2024"][:2] == (None, None)
    assert by_study["yang-m-2020"][1] == "bone marrow"
    assert all(row[3] for row in overview)  # every study's reference entry is found
    errata = fetch(connection, 'SELECT "erratum_id", "record_label" FROM "errata_overview"')
    assert len(errata) == len(msc_exos_pof.load("errata"))
    assert dict(errata)["studies/yang-m-2020/year"] == "M.Yang et al. 2018"
    info = dict(fetch(connection, 'SELECT "key", "value" FROM "package_info"'))
    assert info["version"] == msc_exos_pof.__version__
    connection.close()


def test_connect_returns_duckdb_with_every_table_and_view() -> None:
    connection = msc_exos_pof.connect()
    tables = {row[0] for row in connection.sql("SELECT table_name FROM duckdb_tables()").fetchall()}
    views = {
        row[0]
        for row in connection.sql(
            "SELECT view_name FROM duckdb_views() WHERE NOT internal"
        ).fetchall()
    }
    assert tables == set(msc_exos_pof.resource_names()) | {"package_info"}
    assert views == {view.name for view in export_module.VIEWS}
    rows = connection.sql("select * from source_counts").fetchall()
    assert ("PMSC", 3, 2) in [(r[0], r[4], r[5]) for r in rows]
    connection.close()


def test_a_data_error_names_the_resource_and_the_hint(tmp_path: Path, package_copy: Path) -> None:
    def orphan(rows: list[dict[str, str]]) -> None:
        rows[0]["study_id"] = "ghost-x-2020"

    edit_rows(package_copy, "study_mechanisms", orphan)
    for to in DATABASES:
        with pytest.raises(export_module.ExportDataError, match="study_mechanisms.*validate"):
            msc_exos_pof.export(to, tmp_path / f"out{SUFFIX[to]}", package_copy)
        assert list(tmp_path.iterdir()) == [package_copy]


@pytest.mark.parametrize("to", ("sqlite", "duckdb", "parquet", "xlsx"))
def test_a_cell_that_breaks_its_type_is_refused_not_dropped(
    tmp_path: Path, package_copy: Path, to: str
) -> None:
    def bad_year(rows: list[dict[str, str]]) -> None:
        rows[2]["year"] = "20x9"

    edit_rows(package_copy, "studies", bad_year)
    with pytest.raises(
        export_module.ExportDataError,
        match=r"'studies' row 3, field 'year': '20x9' is not a valid integer",
    ):
        msc_exos_pof.export(to, tmp_path / f"out{SUFFIX[to]}", package_copy)


# --- Parquet, Excel and the CSV copy ---------------------------------------------------------


def test_parquet_keeps_the_table_schema_types_and_descriptions(exported: dict[str, Path]) -> None:
    expected_types = {"integer": pa.int64(), "boolean": pa.bool_(), "string": pa.string()}
    for resource in read_descriptor()["resources"]:
        schema = pq.read_schema(exported["parquet"] / f"{resource['name']}.parquet")
        assert schema.metadata[b"resource"].decode() == resource["name"]
        for field in resource["schema"]["fields"]:
            arrow = schema.field(field["name"])
            constraints = field.get("constraints", {})
            if constraints.get("enum"):
                assert pa.types.is_dictionary(arrow.type)
            else:
                assert arrow.type == expected_types[field["type"]], field["name"]
            assert arrow.metadata[b"description"].decode() == field["description"]
            assert arrow.nullable == (not constraints.get("required")), field["name"]
    studies = pq.read_table(exported["parquet"] / "studies.parquet").to_pandas()
    assert str(studies["year"].dtype) == "Int64"
    assert list(studies["msc_source"].cat.categories) == [
        "BMSC",
        "hUCMSC",
        "ADSC",
        "PMSC",
        "AFSC",
        "MenSC",
    ]


def test_xlsx_has_an_about_sheet_and_one_sheet_per_resource(exported: dict[str, Path]) -> None:
    workbook = openpyxl.load_workbook(exported["xlsx"])
    # One sheet per resource, in the order a database creates them (a table after the tables
    # its foreign keys reference: search_rounds before the per-round tables).
    assert workbook.sheetnames[0] == "about"
    assert sorted(workbook.sheetnames[1:]) == sorted(msc_exos_pof.resource_names())
    assert workbook.sheetnames.index("search_rounds") < workbook.sheetnames.index("studies")
    about = {row[0]: row[1] for row in workbook["about"].iter_rows(values_only=True) if row}
    assert about["version"] == msc_exos_pof.__version__
    assert "doi:10.29063/ajrh2026/v30i7.11" in about["citation"]
    studies = workbook["studies"]
    assert studies.freeze_panes == "A2"
    assert all(cell.font.b for cell in studies[1])
    rows = sheet_rows(workbook, "studies")
    assert len(rows) == 17 and isinstance(rows[0]["year"], int)
    assert isinstance(sheet_rows(workbook, "stated_counts")[0]["derivable"], bool)


def test_csv_copy_is_the_package_byte_for_byte(exported: dict[str, Path]) -> None:
    from msc_exos_pof.exports.target import MANIFEST_NAME

    copied = digest(exported["csv"])
    manifest = json.loads((exported["csv"] / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["files"] == sorted(copied)  # what a later --force may replace
    assert copied == digest(msc_exos_pof.package_dir())


def test_a_package_with_other_tables_and_types_exports_from_its_descriptor(tmp_path: Path) -> None:
    # Nothing is hard-coded: another package's tables, dates, numbers and keys come through,
    # and the views that need the review's tables are left out.
    folder = tmp_path / "other"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "visits.csv").write_text(
        "visit,day,score,done\n1,2024-01-02,0.5,true\n2,2024-02-03,,false\n", encoding="utf-8"
    )
    (folder / "data" / "notes.csv").write_text(
        "note,visit,text\n1,1,first\n2,,orphan-free\n", encoding="utf-8"
    )
    (folder / "datapackage.json").write_text(
        json.dumps(
            {
                "name": "other",
                "resources": [
                    {
                        "name": "notes",
                        "path": "data/notes.csv",
                        "schema": {
                            "fields": [
                                {"name": "note", "type": "integer"},
                                {"name": "visit", "type": "integer"},
                                {"name": "text", "type": "string"},
                            ],
                            "primaryKey": "note",
                            "foreignKeys": [
                                {
                                    "fields": "visit",
                                    "reference": {"resource": "visits", "fields": "visit"},
                                }
                            ],
                        },
                    },
                    {
                        "name": "visits",
                        "path": "data/visits.csv",
                        "schema": {
                            "fields": [
                                {"name": "visit", "type": "integer"},
                                {"name": "day", "type": "date"},
                                {"name": "score", "type": "number"},
                                {"name": "done", "type": "boolean"},
                            ],
                            "primaryKey": ["visit"],
                        },
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    outs = {
        to: msc_exos_pof.export(to, tmp_path / f"out{SUFFIX[to]}", folder) for to in TABLE_FORMATS
    }

    connection = msc_exos_pof.connect(folder)
    assert connection.sql("SELECT day, score, done FROM visits ORDER BY visit").fetchall() == [
        (datetime.date(2024, 1, 2), 0.5, True),
        (datetime.date(2024, 2, 3), None, False),
    ]
    assert connection.sql("SELECT COUNT(*) FROM duckdb_views() WHERE NOT internal").fetchall() == [
        (0,)
    ]
    with sqlite3.connect(outs["sqlite"]) as sqlite:
        assert sqlite.execute("SELECT day, done FROM visits WHERE visit = 1").fetchone() == (
            "2024-01-02",
            1,
        )
    schema = pq.read_schema(outs["parquet"] / "visits.parquet")
    assert [schema.field(n).type for n in ("day", "score", "done")] == [
        pa.date32(),
        pa.float64(),
        pa.bool_(),
    ]
    sheet = openpyxl.load_workbook(outs["xlsx"])["visits"]
    assert sheet["B2"].value == datetime.datetime(2024, 1, 2)
    assert digest(outs["csv"]) == digest(folder)


# --- writing OUT safely ----------------------------------------------------------------------


@pytest.mark.parametrize("to", FORMATS)
def test_a_failed_export_leaves_no_out_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, to: str
) -> None:
    real = export_module.WRITERS[to]

    def write_then_fail(path: object, target: Path) -> None:
        real(path, target)  # OUT is complete in the staging folder...
        raise OSError(28, "No space left on device")  # ...when the disk fills up

    monkeypatch.setitem(export_module.WRITERS, to, write_then_fail)
    with pytest.raises(OSError, match="No space left"):
        msc_exos_pof.export(to, tmp_path / f"out{SUFFIX[to]}")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("to", ("sqlite", "duckdb", "parquet", "xlsx"))
def test_an_export_interrupted_halfway_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, to: str
) -> None:
    real, calls = export_module.arrow_table, []

    def fail_on_the_fifth_table(*args: object) -> pa.Table:
        calls.append(args)
        if len(calls) == 5:
            raise KeyboardInterrupt
        return real(*args)

    for module in list(sys.modules.values()):  # every writer that imported it
        if (
            getattr(module, "__name__", "").startswith("msc_exos_pof.exports")
            and getattr(module, "arrow_table", None) is real
        ):
            monkeypatch.setattr(module, "arrow_table", fail_on_the_fifth_table)
    with pytest.raises(KeyboardInterrupt):
        msc_exos_pof.export(to, tmp_path / f"out{SUFFIX[to]}")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("to", FORMATS)
def test_an_existing_out_is_refused_unless_overwrite(tmp_path: Path, to: str) -> None:
    out = tmp_path / f"nested/out{SUFFIX[to]}"
    assert msc_exos_pof.export(to, out) == out
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temporary left beside it
    assert out.is_dir() == (to in export_module.FOLDER_FORMATS)
    before = digest(tmp_path)
    with pytest.raises(export_module.ExportTargetError, match="exists"):
        msc_exos_pof.export(to, out)
    assert digest(tmp_path) == before
    assert msc_exos_pof.export(to, out, overwrite=True) == out
    assert [p.name for p in out.parent.iterdir()] == [out.name]


@pytest.mark.parametrize("to", FORMATS)
def test_a_failed_overwrite_keeps_the_previous_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, to: str
) -> None:
    out = tmp_path / f"out{SUFFIX[to]}"
    if to in export_module.FOLDER_FORMATS:  # an earlier export (with its manifest)
        msc_exos_pof.export(to, out)
    else:
        out.write_text("old")
    before = digest(tmp_path)
    monkeypatch.setitem(export_module.WRITERS, to, lambda path, target: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        msc_exos_pof.export(to, out, overwrite=True)
    assert digest(tmp_path) == before


@pytest.mark.parametrize("to", export_module.FOLDER_FORMATS)
def test_a_folder_that_is_not_an_export_is_never_replaced(tmp_path: Path, to: str) -> None:
    (tmp_path / "thesis.tex").write_text("months of work", encoding="utf-8")
    with pytest.raises(export_module.ExportTargetError, match="not replaced even with --force"):
        msc_exos_pof.export(to, tmp_path, overwrite=True)
    assert [p.name for p in tmp_path.iterdir()] == ["thesis.tex"]


def test_an_empty_folder_is_filled(tmp_path: Path) -> None:
    msc_exos_pof.export("parquet", tmp_path)
    assert len(list(tmp_path.glob("*.parquet"))) == len(msc_exos_pof.resource_names())


@pytest.mark.parametrize("where", ["data/out.sqlite", ".", "..", "../.."])
def test_out_inside_or_around_the_package_is_refused(package_copy: Path, where: str) -> None:
    before = digest(package_copy.parent)
    with pytest.raises(export_module.ExportTargetError, match="package being exported"):
        msc_exos_pof.export("sqlite", package_copy / where, package_copy, overwrite=True)
    assert digest(package_copy.parent) == before


def test_export_stays_the_function_after_the_exports_module_is_imported(tmp_path: Path) -> None:
    # The module is ``exports``, so importing it cannot rebind ``msc_exos_pof.export``.
    import inspect

    importlib.import_module("msc_exos_pof.exports")
    assert inspect.isfunction(msc_exos_pof.export)
    assert msc_exos_pof.export("csv", tmp_path / "a") == tmp_path / "a"
    assert msc_exos_pof.export("csv", tmp_path / "b") == tmp_path / "b"


def test_unknown_format_is_a_value_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="expected one of sqlite, duckdb"):
        msc_exos_pof.export("json", tmp_path / "out.json")


@pytest.mark.parametrize("module, to", [("duckdb", "duckdb"), ("openpyxl", "xlsx")])
def test_a_missing_extra_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: str, to: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` fail
    with pytest.raises(
        export_module.MissingDependencyError, match=r"pip install 'msc-exos-pof\[export\]'"
    ):
        msc_exos_pof.export(to, tmp_path / "out")
    assert list(tmp_path.iterdir()) == []
    if module == "duckdb":
        with pytest.raises(ImportError, match=r"msc-exos-pof\[export\]"):
            msc_exos_pof.connect()


# --- the command line ------------------------------------------------------------------------


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["export", *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.mark.parametrize("to", FORMATS)
def test_cli_writes_each_format_and_exits_0(tmp_path: Path, to: str) -> None:
    out = tmp_path / f"out{SUFFIX[to]}"
    code, output = run("--to", to, str(out))
    assert code == 0 and out.exists()
    assert f"wrote {out}" in output and "bytes" in output


def test_cli_exit_codes(tmp_path: Path, package_copy: Path) -> None:
    out = tmp_path / "out.sqlite"
    assert run("--to", "sqlite", str(out), str(package_copy))[0] == 0
    code, output = run("--to", "sqlite", str(out), str(package_copy))
    assert code == 2 and "exists; pass --force" in output
    assert run("--to", "sqlite", "--force", str(out), str(package_copy))[0] == 0
    code, output = run("--to", "sqlite", str(package_copy / "x.sqlite"), str(package_copy))
    assert code == 2 and "inside the package" in output
    code, output = run("--to", "sqlite", str(tmp_path / "o.sqlite"), str(tmp_path / "nothing"))
    assert code == 2 and "no data package" in output
    assert run("--to", "json", str(tmp_path / "o.json"))[0] == 2
    assert run(str(tmp_path / "o.sqlite"))[0] == 2  # --to is required

    def orphan(rows: list[dict[str, str]]) -> None:
        rows[0]["study_id"] = "ghost-x-2020"

    edit_rows(package_copy, "study_mechanisms", orphan)
    code, output = run("--to", "duckdb", str(tmp_path / "bad.duckdb"), str(package_copy))
    assert code == 1 and "study_mechanisms" in output and "validate" in output
    assert not (tmp_path / "bad.duckdb").exists()


def test_cli_missing_extra_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    code, output = run("--to", "xlsx", str(tmp_path / "out.xlsx"))
    assert code == 2 and "pip install 'msc-exos-pof[export]'" in output


def test_the_cli_offers_exactly_the_formats_the_library_writes() -> None:
    from msc_exos_pof.cli import export as cli_export

    assert cli_export.FORMATS == export_module.FORMATS

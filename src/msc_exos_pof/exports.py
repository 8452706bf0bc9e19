"""Exports of a data package to SQLite, DuckDB, Parquet, Excel or a CSV copy, written atomically.

The descriptor is the single source of truth: tables, column types, primary keys, foreign keys,
``required``, ``unique``, ``enum`` and range constraints are all read from the Table Schemas.
Only the readable views (``VIEWS``) name columns, and a view is skipped when the package lacks a
table or column it needs.

>>> import msc_exos_pof
>>> con = msc_exos_pof.connect()  # doctest: +SKIP
>>> con.sql("select msc_source from source_counts").fetchall()[0]  # doctest: +SKIP
('BMSC',)
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .package_io import (
    DESCRIPTOR_NAME,
    ResourceFile,
    TableError,
    descriptor_path,
    read_descriptor,
    read_raw_table,
    resource_files,
    typed_frame,
)

if TYPE_CHECKING:  # pragma: no cover
    import duckdb
    import pyarrow as pa

#: Every format ``export`` writes: a file, except ``FOLDER_FORMATS`` which write a folder.
FORMATS = ("sqlite", "duckdb", "parquet", "xlsx", "csv")
FOLDER_FORMATS = ("parquet", "csv")

#: Name of the key/value table that describes the exported release in the databases.
INFO_TABLE = "package_info"

INSTALL_HINT = "pip install 'msc-exos-pof[export]'"

#: Excel's limits: rows per sheet (the header takes one) and characters per cell.
_EXCEL_MAX_ROWS = 1_048_576
_EXCEL_MAX_CELL = 32_767


class ExportError(Exception):
    """An export could not be written; ``message`` says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ExportTargetError(ExportError):
    """OUT is refused: it exists (and ``overwrite`` is off), or it is inside the input package."""


class ExportDataError(ExportError):
    """The package's data cannot be exported as it is: a value or key breaks its Table Schema."""


class MissingDependencyError(ExportError, ImportError):
    """An optional dependency of the export (duckdb, openpyxl) is not installed."""


# --- the tables the descriptor declares ------------------------------------------------------


@dataclass(frozen=True)
class ForeignKey:
    """A foreign key of a Table Schema, with a self-reference (``resource: ""``) resolved."""

    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A resource as a database table: its fields and keys, read from its Table Schema."""

    item: ResourceFile
    fields: tuple[dict[str, Any], ...]
    primary_key: tuple[str, ...]
    unique_keys: tuple[tuple[str, ...], ...]
    foreign_keys: tuple[ForeignKey, ...]

    @property
    def name(self) -> str:
        return self.item.name

    @property
    def schema(self) -> dict[str, Any]:
        return self.item.descriptor.get("schema") or {}

    def required(self, field: dict[str, Any]) -> bool:
        return bool(_constraints(field).get("required")) or field["name"] in self.primary_key

    def unique(self, columns: tuple[str, ...]) -> bool:
        """True when ``columns`` are declared unique (primary key, unique field or unique key)."""
        if columns == self.primary_key or columns in self.unique_keys:
            return True
        return len(columns) == 1 and any(
            f["name"] == columns[0] and _constraints(f).get("unique") for f in self.fields
        )


def _constraints(field: dict[str, Any]) -> dict[str, Any]:
    constraints = field.get("constraints")
    return constraints if isinstance(constraints, dict) else {}


def _names(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ExportDataError(f"{where} is {value!r}: expected a field name or a list of them")


def tables(path: str | os.PathLike[str] | None = None) -> list[Table]:
    """The package's resources as tables, ordered so that every table follows those it references.

    ``PackageError`` when the package cannot be read; ``ExportDataError`` when its keys cannot
    become database constraints (an unknown table or column, a key that is not unique, a cycle).
    """
    found: dict[str, Table] = {}
    for item in resource_files(path):
        schema = item.descriptor.get("schema")
        fields = schema.get("fields") if isinstance(schema, dict) else None
        if not isinstance(fields, list) or not fields or not all(
            isinstance(f, dict) and isinstance(f.get("name"), str) for f in fields
        ):
            raise ExportDataError(
                f"resource '{item.name}' has no Table Schema fields to make columns of; "
                "declare schema.fields in the descriptor"
            )
        where = f"resource '{item.name}': schema"
        primary_key = (
            _names(schema["primaryKey"], f"{where}.primaryKey") if schema.get("primaryKey") else ()
        )
        unique_keys = tuple(
            _names(key, f"{where}.uniqueKeys") for key in schema.get("uniqueKeys") or []
        )
        foreign_keys = []
        for key in schema.get("foreignKeys") or []:
            reference = key.get("reference") if isinstance(key, dict) else None
            if not isinstance(reference, dict):
                raise ExportDataError(f"{where}.foreignKeys has an entry without a 'reference'")
            foreign_keys.append(
                ForeignKey(
                    _names(key.get("fields"), f"{where}.foreignKeys.fields"),
                    reference.get("resource") or item.name,
                    _names(reference.get("fields"), f"{where}.foreignKeys.reference.fields"),
                )
            )
        found[item.name] = Table(
            item, tuple(fields), primary_key, unique_keys, tuple(foreign_keys)
        )
    for table in found.values():
        _check_keys(table, found)
    return _dependency_order(found)


def _check_keys(table: Table, found: dict[str, Table]) -> None:
    columns = {f["name"] for f in table.fields}
    keys = [("primaryKey", table.primary_key)] + [("uniqueKeys", k) for k in table.unique_keys]
    keys += [("foreignKeys", key.fields) for key in table.foreign_keys]
    for what, key in keys:
        unknown = [name for name in key if name not in columns]
        if unknown:
            raise ExportDataError(
                f"resource '{table.name}': {what} names field(s) {', '.join(unknown)}, which "
                "its schema does not declare"
            )
    for key in table.foreign_keys:
        target = found.get(key.resource)
        where = f"resource '{table.name}': the foreign key on {', '.join(key.fields)}"
        if target is None:
            raise ExportDataError(f"{where} references resource '{key.resource}', which the "
                                  "package does not have")
        target_columns = {f["name"] for f in target.fields}
        if len(key.reference_fields) != len(key.fields) or not set(key.reference_fields) <= (
            target_columns
        ):
            raise ExportDataError(f"{where} references {', '.join(key.reference_fields)} of "
                                  f"'{target.name}', which do not match its fields")
        if not target.unique(key.reference_fields):
            raise ExportDataError(
                f"{where} references {', '.join(key.reference_fields)} of '{target.name}', "
                "which are neither its primary key nor unique; a database cannot enforce it"
            )


def _dependency_order(found: dict[str, Table]) -> list[Table]:
    """Descriptor order, except that a table comes after every other table it references."""
    ordered: list[Table] = []
    placed: set[str] = set()
    pending = list(found.values())
    while pending:
        ready = [
            t for t in pending
            if all(k.resource in placed or k.resource == t.name for k in t.foreign_keys)
        ]
        if not ready:
            names = ", ".join(t.name for t in pending)
            raise ExportDataError(
                f"the foreign keys of {names} reference each other in a cycle, so no table can "
                "be created first; break the cycle in the descriptor"
            )
        ordered.append(ready[0])
        placed.add(ready[0].name)
        pending.remove(ready[0])
    return ordered


# --- typed columns as Arrow ------------------------------------------------------------------

_VALIDATE_HINT = "run `msc-exos-pof validate` on the package to see every problem"


def _arrow_type(field: dict[str, Any]) -> pa.DataType:
    import pyarrow as pa

    kind = field.get("type", "string")
    if kind == "string" and _constraints(field).get("enum"):
        return pa.dictionary(pa.int32(), pa.string())
    return {
        "integer": pa.int64(),
        "year": pa.int64(),
        "number": pa.float64(),
        "boolean": pa.bool_(),
        "date": pa.date32(),
        "datetime": pa.timestamp("us", tz="UTC"),
    }.get(kind, pa.string())


def _field_metadata(field: dict[str, Any]) -> dict[str, str]:
    metadata = {"table_schema": json.dumps(field, ensure_ascii=False)}
    for key in ("title", "description"):
        if isinstance(field.get(key), str):
            metadata[key] = field[key]
    return metadata


def _package_metadata(descriptor: dict[str, Any]) -> dict[str, str]:
    return {
        "package": str(descriptor.get("name", "")),
        "package_version": str(descriptor.get("version", "")),
        "package_title": str(descriptor.get("title", "")),
    }


def arrow_table(table: Table, descriptor: dict[str, Any] | None = None) -> pa.Table:
    """Resource ``table`` as an Arrow table typed from its Table Schema, with its descriptions.

    Integers are ``int64``, enums ``dictionary<int32, string>`` (the whole vocabulary, in
    order), booleans ``bool``, dates ``date32``; a field's description and Table Schema are in
    its Arrow field metadata. ``ExportDataError`` for a cell that does not fit its type or
    enum, or an empty required cell: an export never drops a value silently.
    """
    import pandas as pd
    import pyarrow as pa

    try:
        raw = read_raw_table(table.item)
    except TableError as error:
        raise ExportDataError(f"{error.message}; {_VALIDATE_HINT}") from None
    names = [f["name"] for f in table.fields]
    missing = [name for name in names if name not in raw.columns]
    if missing:
        raise ExportDataError(
            f"resource '{table.name}': {table.item.descriptor.get('path')} has no column "
            f"{', '.join(missing)}, which its Table Schema declares; {_VALIDATE_HINT}"
        )
    raw = raw[names]
    missing_values = table.schema.get("missingValues", [""])
    if isinstance(missing_values, list) and set(missing_values) - {""}:
        raw = raw.where(~raw.isin(missing_values), "")
    typed = typed_frame(raw, table.schema)
    columns = {}
    for field in table.fields:
        name, kind = field["name"], field.get("type", "string")
        values = typed[name]
        if kind == "date":
            values = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
        elif kind == "datetime":
            values = pd.to_datetime(values, format="ISO8601", utc=True, errors="coerce")
        text = raw[name]
        lost = (text != "") & values.isna()
        if lost.any():
            row = int(lost.to_numpy().nonzero()[0][0])
            enum = _constraints(field).get("enum")
            expected = "one of its enum values" if enum else f"a valid {kind}"
            raise ExportDataError(
                f"resource '{table.name}' row {row + 1}, field '{name}': {text.iloc[row]!r} is "
                f"not {expected}; {_VALIDATE_HINT}"
            )
        if table.required(field) and values.isna().any():
            row = int(values.isna().to_numpy().nonzero()[0][0])
            raise ExportDataError(
                f"resource '{table.name}' row {row + 1}, field '{name}' is empty but required; "
                f"{_VALIDATE_HINT}"
            )
        columns[name] = values
    schema = pa.schema(
        [
            pa.field(f["name"], _arrow_type(f), nullable=not table.required(f),
                     metadata=_field_metadata(f))
            for f in table.fields
        ],
        metadata={
            "resource": table.name,
            "title": str(table.item.descriptor.get("title", "")),
            "description": str(table.item.descriptor.get("description", "")),
            "primary_key": json.dumps(list(table.primary_key)),
            "foreign_keys": json.dumps(table.schema.get("foreignKeys") or []),
            **_package_metadata(descriptor or {}),
        },
    )
    frame = pd.DataFrame(columns, index=raw.index)
    return pa.Table.from_pandas(frame, schema=schema, preserve_index=False)


# --- SQL shared by SQLite and DuckDB ---------------------------------------------------------


def quote(name: str) -> str:
    """``name`` as an SQL identifier: double-quoted, so reserved words like ``references`` work."""
    return '"' + name.replace('"', '""') + '"'


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


_SQL_TYPES = {
    # SQLite has no date type: dates are ISO 8601 text, which sorts and compares correctly.
    "sqlite": {"integer": "INTEGER", "year": "INTEGER", "number": "REAL", "boolean": "BOOLEAN"},
    "duckdb": {
        "integer": "BIGINT",
        "year": "BIGINT",
        "number": "DOUBLE",
        "boolean": "BOOLEAN",
        "date": "DATE",
        "datetime": "TIMESTAMPTZ",
    },
}
_TEXT = {"sqlite": "TEXT", "duckdb": "VARCHAR"}


def _checks(field: dict[str, Any], dialect: str) -> list[str]:
    column = quote(field["name"])
    constraints = _constraints(field)
    kind = field.get("type", "string")
    checks = []
    if constraints.get("enum"):
        values = ", ".join(_literal(v) for v in constraints["enum"])
        checks.append(f"{column} IN ({values})")
    if kind in ("integer", "number", "year"):
        for key, operator in (("minimum", ">="), ("maximum", "<=")):
            if isinstance(constraints.get(key), int | float):
                checks.append(f"{column} {operator} {_literal(constraints[key])}")
    if kind == "string":
        for key, operator in (("minLength", ">="), ("maxLength", "<=")):
            if isinstance(constraints.get(key), int):
                checks.append(f"length({column}) {operator} {constraints[key]}")
    if kind == "boolean" and dialect == "sqlite":
        checks.append(f"{column} IN (0, 1)")  # SQLite would store any value in a BOOLEAN column
    return checks


def _comment(text: Any) -> str:
    return " ".join(str(text).split()) if text else ""


def create_table_sql(table: Table, dialect: str) -> str:
    """``CREATE TABLE`` for ``table`` in ``dialect`` (``sqlite`` or ``duckdb``).

    Columns carry NOT NULL, UNIQUE and CHECK (enum, range, length) from their constraints; the
    table its PRIMARY KEY, UNIQUE keys and FOREIGN KEYs. Descriptions are SQL comments, which
    SQLite keeps in ``sqlite_master``.
    """
    lines: list[tuple[str, str]] = []
    for field in table.fields:
        parts = [quote(field["name"]), _SQL_TYPES[dialect].get(field.get("type"), _TEXT[dialect])]
        if table.required(field):
            parts.append("NOT NULL")
        if _constraints(field).get("unique") and table.primary_key != (field["name"],):
            parts.append("UNIQUE")
        parts += [f"CHECK ({check})" for check in _checks(field, dialect)]
        lines.append((" ".join(parts), _comment(field.get("description"))))
    if table.primary_key:
        lines.append((f"PRIMARY KEY ({', '.join(map(quote, table.primary_key))})", ""))
    for key in table.unique_keys:
        if key != table.primary_key:
            lines.append((f"UNIQUE ({', '.join(map(quote, key))})", ""))
    for key in table.foreign_keys:
        lines.append((
            f"FOREIGN KEY ({', '.join(map(quote, key.fields))}) REFERENCES "
            f"{quote(key.resource)} ({', '.join(map(quote, key.reference_fields))})",
            "",
        ))
    body = []
    for index, (definition, comment) in enumerate(lines):
        separator = "," if index < len(lines) - 1 else ""
        body.append(f"    {definition}{separator}" + (f"  -- {comment}" if comment else ""))
    title = _comment(table.item.descriptor.get("title"))
    header = f"CREATE TABLE {quote(table.name)} (" + (f"  -- {title}" if title else "")
    return header + "\n" + "\n".join(body) + "\n)"


@dataclass(frozen=True)
class View:
    """A readable view: its SQL (portable to SQLite and DuckDB) and the columns it needs."""

    name: str
    description: str
    needs: dict[str, tuple[str, ...]]
    sql: str

    def available(self, tables_by_name: dict[str, Table]) -> bool:
        for name, columns in self.needs.items():
            table = tables_by_name.get(name)
            if table is None or not set(columns) <= {f["name"] for f in table.fields}:
                return False
        return True

    def create_sql(self) -> str:
        return f"CREATE VIEW {quote(self.name)} AS\n-- {self.description}\n{self.sql.strip()}"


VIEWS = (
    View(
        "studies_overview",
        "One row per study: its label, curated year, first author, design and species, the "
        "curated MSC source with its tissue and origin, and the title of its reference entry.",
        {
            "studies": ("study_id", "table_row", "label_published", "year", "first_author",
                        "msc_source_published", "msc_source", "species", "design",
                        "effector_type", "eligibility_concern", "reference_number"),
            "msc_sources": ("msc_source", "full_name", "tissue", "origin"),
            "references": ("reference_number", "title", "journal", "year"),
        },
        """
SELECT
    s."study_id",
    s."table_row",
    s."label_published" AS "study_label",
    s."year",
    s."first_author",
    s."msc_source_published",
    s."msc_source",
    m."full_name" AS "msc_full_name",
    m."tissue" AS "msc_tissue",
    m."origin" AS "msc_origin",
    s."species",
    s."design",
    s."effector_type",
    s."eligibility_concern",
    s."reference_number",
    r."title" AS "reference_title",
    r."journal" AS "reference_journal",
    r."year" AS "reference_year"
FROM "studies" AS s
LEFT JOIN "msc_sources" AS m ON m."msc_source" = s."msc_source"
LEFT JOIN "references" AS r ON r."reference_number" = s."reference_number"
ORDER BY s."table_row"
""",
    ),
    View(
        "source_counts",
        "Studies per curated MSC source beside the count the review states; a last row counts "
        "the studies with no curated source, if any.",
        {
            "studies": ("study_id", "msc_source"),
            "msc_sources": ("msc_source", "full_name", "tissue", "origin", "stated_study_count"),
        },
        """
SELECT * FROM (
    SELECT
        m."msc_source",
        m."full_name",
        m."tissue",
        m."origin",
        m."stated_study_count",
        COUNT(s."study_id") AS "curated_study_count",
        COUNT(s."study_id") - m."stated_study_count" AS "curated_minus_stated"
    FROM "msc_sources" AS m
    LEFT JOIN "studies" AS s ON s."msc_source" = m."msc_source"
    GROUP BY m."msc_source", m."full_name", m."tissue", m."origin", m."stated_study_count"
    UNION ALL
    SELECT NULL, '(no curated MSC source)', NULL, NULL, NULL, unassigned."studies", NULL
    FROM (SELECT COUNT(*) AS "studies" FROM "studies" WHERE "msc_source" IS NULL) AS unassigned
    WHERE unassigned."studies" > 0
) AS counts
ORDER BY "msc_source" IS NULL, "curated_study_count" DESC, "msc_source"
""",
    ),
    View(
        "errata_overview",
        "Every erratum with a readable label of the record it corrects (study label, reference "
        "title or MSC source name), the published and curated values and the evidence.",
        {
            "errata": ("erratum_id", "resource", "record", "field", "kind", "published_value",
                       "curated_value", "note", "evidence"),
            "studies": ("study_id", "label_published"),
            "references": ("reference_number", "title"),
            "msc_sources": ("msc_source", "full_name"),
        },
        """
SELECT
    e."erratum_id",
    e."resource",
    e."record",
    COALESCE(s."label_published", r."title", m."full_name") AS "record_label",
    e."field",
    e."kind",
    e."published_value",
    e."curated_value",
    e."note",
    e."evidence"
FROM "errata" AS e
LEFT JOIN "studies" AS s ON e."resource" = 'studies' AND s."study_id" = e."record"
LEFT JOIN "references" AS r
    ON e."resource" = 'references' AND CAST(r."reference_number" AS TEXT) = e."record"
LEFT JOIN "msc_sources" AS m ON e."resource" = 'msc_sources' AND m."msc_source" = e."record"
ORDER BY e."resource", e."record", e."field"
""",
    ),
)


def _views_for(found: list[Table]) -> list[View]:
    by_name = {t.name: t for t in found}
    taken = set(by_name) & ({v.name for v in VIEWS} | {INFO_TABLE})
    if taken:
        raise ExportDataError(
            f"resource(s) {', '.join(sorted(taken))} have the name of a view or table the "
            "export adds; rename the resource"
        )
    return [view for view in VIEWS if view.available(by_name)]


def package_info(path: str | os.PathLike[str] | None) -> list[tuple[str, str]]:
    """``(key, value)`` rows describing the release: name, version, citation, descriptor."""
    from .citation import cite

    descriptor = read_descriptor(path)
    licenses = [
        f"{lic.get('name')} ({lic.get('title')})" if lic.get("title") else str(lic.get("name"))
        for lic in descriptor.get("licenses", []) if isinstance(lic, dict)
    ]
    review = descriptor.get("review") if isinstance(descriptor.get("review"), dict) else {}
    rows = [
        ("name", descriptor.get("name")),
        ("title", descriptor.get("title")),
        ("version", descriptor.get("version")),
        ("created", descriptor.get("created")),
        ("licenses", "; ".join(licenses)),
        ("homepage", descriptor.get("homepage")),
        ("review_doi", review.get("doi")),
        ("citation", cite("text", path).strip()),
        ("description", descriptor.get("description")),
        ("datapackage_json", json.dumps(descriptor, ensure_ascii=False, indent=2)),
    ]
    return [(key, str(value)) for key, value in rows if value]


# --- SQLite and DuckDB -----------------------------------------------------------------------


def _insertion_waves(table: Table, data: pa.Table) -> list[list[int] | None]:
    """Row indices to insert together, so that a row referencing its own table comes after the
    row it references (DuckDB checks each insert against the rows already in the table).

    ``[None]`` (all rows at once) when the table does not reference itself.
    """
    own = [key for key in table.foreign_keys if key.resource == table.name]
    if not own:
        return [None]
    columns = {name: data.column(name).to_pylist() for key in own
               for name in key.fields + key.reference_fields}
    pending = list(range(data.num_rows))
    present: list[set[tuple[Any, ...]]] = [set() for _ in own]
    waves: list[list[int] | None] = []
    while pending:
        ready, waiting = [], []
        for row in pending:
            fits = True
            for index, key in enumerate(own):
                target = tuple(columns[name][row] for name in key.fields)
                if None not in target and target not in present[index]:
                    fits = False
                    break
            (ready if fits else waiting).append(row)
        if not ready:  # a missing target or a cycle: insert them and let the engine refuse
            ready, waiting = waiting, []
        for row in ready:
            for index, key in enumerate(own):
                present[index].add(tuple(columns[name][row] for name in key.reference_fields))
        waves.append(ready)
        pending = waiting
    return waves


def _python_rows(data: pa.Table) -> list[tuple[Any, ...]]:
    import pyarrow as pa

    columns = []
    for column in data.columns:
        values = column.to_pylist()
        if pa.types.is_date(column.type) or pa.types.is_timestamp(column.type):
            values = [None if v is None else v.isoformat() for v in values]
        columns.append(values)
    return list(zip(*columns, strict=True))


def _engine_error(table: str, engine: str, error: Exception) -> ExportDataError:
    message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return ExportDataError(
        f"resource '{table}' cannot be loaded into {engine}: {message}; {_VALIDATE_HINT}"
    )


def _write_sqlite(path: str | os.PathLike[str] | None, target: Path) -> None:
    import sqlite3

    found = tables(path)
    views = _views_for(found)
    descriptor = read_descriptor(path)
    data = {table.name: arrow_table(table, descriptor) for table in found}
    connection = sqlite3.connect(target, isolation_level=None)
    try:
        # Off by default in SQLite, per connection: on while loading, every key is checked.
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("BEGIN")
        for table in found:
            columns = [f["name"] for f in table.fields]
            insert = (
                f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, columns))}) "
                f"VALUES ({', '.join('?' for _ in columns)})"
            )
            try:
                connection.execute(create_table_sql(table, "sqlite"))
                for wave in _insertion_waves(table, data[table.name]):
                    rows = data[table.name] if wave is None else data[table.name].take(wave)
                    connection.executemany(insert, _python_rows(rows))
            except sqlite3.Error as error:
                raise _engine_error(table.name, "SQLite", error) from None
        connection.execute(
            f"CREATE TABLE {INFO_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
        )
        connection.executemany(f"INSERT INTO {INFO_TABLE} VALUES (?, ?)", package_info(path))
        for view in views:
            connection.execute(view.create_sql())
        connection.execute("COMMIT")
        broken = connection.execute("PRAGMA foreign_key_check").fetchall()
        if broken:  # pragma: no cover - foreign_keys=ON refuses these rows while loading
            raise ExportDataError(f"foreign keys are violated in {broken[:3]}; {_VALIDATE_HINT}")
    finally:
        connection.close()


def _require(module: str, what: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependencyError(
            f"{what} needs the optional dependency {module}, which is not installed: "
            f"run {INSTALL_HINT}"
        ) from None


def _load_duckdb(
    connection: duckdb.DuckDBPyConnection, path: str | os.PathLike[str] | None
) -> None:
    import duckdb

    found = tables(path)
    views = _views_for(found)
    descriptor = read_descriptor(path)
    staging = "__msc_exos_pof_rows"
    # One transaction: a commit per statement would cost a file sync each (seconds in all).
    connection.execute("BEGIN TRANSACTION")
    for table in found:
        data = arrow_table(table, descriptor)
        columns = ", ".join(quote(f["name"]) for f in table.fields)
        try:
            # Created in dependency order: DuckDB refuses a foreign key to a missing table.
            connection.execute(create_table_sql(table, "duckdb"))
            for wave in _insertion_waves(table, data):
                connection.register(staging, data if wave is None else data.take(wave))
                try:
                    connection.execute(
                        f"INSERT INTO {quote(table.name)} ({columns}) "
                        f"SELECT {columns} FROM {staging}"
                    )
                finally:
                    connection.unregister(staging)
        except duckdb.Error as error:
            raise _engine_error(table.name, "DuckDB", error) from None
        comments = [(f"TABLE {quote(table.name)}", table.item.descriptor.get("title"))]
        comments += [
            (f"COLUMN {quote(table.name)}.{quote(f['name'])}", f.get("description"))
            for f in table.fields
        ]
        for what, text in comments:
            if text:
                connection.execute(f"COMMENT ON {what} IS {_literal(_comment(text))}")
    connection.execute(
        f"CREATE TABLE {INFO_TABLE} (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)"
    )
    connection.executemany(f"INSERT INTO {INFO_TABLE} VALUES (?, ?)", package_info(path))
    for view in views:
        connection.execute(view.create_sql())
        connection.execute(f"COMMENT ON VIEW {quote(view.name)} IS {_literal(view.description)}")
    connection.execute("COMMIT")


#: Storage format of exported DuckDB files: the oldest that DuckDB >= 1.2 can still write, so
#: that a file exported with a new DuckDB opens in any DuckDB from 1.0 on.
DUCKDB_STORAGE_VERSION = "v1.0.0"


def _write_duckdb(path: str | os.PathLike[str] | None, target: Path) -> None:
    duckdb = _require("duckdb", "the DuckDB export")
    connection = duckdb.connect(":memory:")
    try:
        file = _literal(str(target))
        try:
            connection.execute(
                f"ATTACH {file} AS export_target (STORAGE_VERSION '{DUCKDB_STORAGE_VERSION}')"
            )
        except duckdb.Error:  # DuckDB 1.1 has no STORAGE_VERSION; it writes an old format anyway
            connection.execute(f"ATTACH {file} AS export_target")
        connection.execute("USE export_target")
        _load_duckdb(connection, path)
        # Everything into the file itself: no write-ahead log is left beside it.
        connection.execute("CHECKPOINT export_target")
    finally:
        connection.close()


def connect(path: str | os.PathLike[str] | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB database with every table and view of the package (default: shipped).

    Tables have the package's primary and foreign keys; views are listed in ``VIEWS``. Needs
    the ``export`` extra (``pip install 'msc-exos-pof[export]'``).

    >>> import msc_exos_pof
    >>> msc_exos_pof.connect().sql("select count(*) from studies").fetchall()  # doctest: +SKIP
    [(17,)]
    """
    duckdb = _require("duckdb", "msc_exos_pof.connect()")
    connection = duckdb.connect(":memory:")
    try:
        _load_duckdb(connection, path)
    except BaseException:
        connection.close()
        raise
    return connection


# --- Parquet, Excel and the CSV copy ---------------------------------------------------------


def _write_parquet(path: str | os.PathLike[str] | None, target: Path) -> None:
    import pyarrow.parquet as pq

    target.mkdir()
    descriptor = read_descriptor(path)
    for table in tables(path):
        pq.write_table(arrow_table(table, descriptor), target / f"{table.name}.parquet")


def _sheet_names(names: list[str]) -> list[str]:
    """Excel sheet names: at most 31 characters, none of ``[]:*?/\\``, unique ignoring case."""
    out: list[str] = []
    for name in names:
        clean = "".join("_" if c in "[]:*?/\\" else c for c in name)[:31] or "sheet"
        candidate, number = clean, 2
        while candidate.lower() in {o.lower() for o in out}:
            suffix = f" ({number})"
            candidate, number = clean[: 31 - len(suffix)] + suffix, number + 1
        out.append(candidate)
    return out


def _check_excel_value(value: Any, table: str, row: int, field: str) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        if ILLEGAL_CHARACTERS_RE.search(value):
            raise ExportDataError(
                f"resource '{table}' row {row}, field '{field}' holds a control character that "
                "Excel cannot store; export to another format or remove the character"
            )
        if len(value) > _EXCEL_MAX_CELL:
            raise ExportDataError(
                f"resource '{table}' row {row}, field '{field}' has {len(value)} characters, "
                f"more than an Excel cell holds ({_EXCEL_MAX_CELL}); export to another format"
            )


def _excel_rows(table: Table, data: pa.Table) -> list[tuple[Any, ...]]:
    """The rows of a sheet as Python values, refused before any sheet is written if Excel
    cannot hold them."""
    if data.num_rows >= _EXCEL_MAX_ROWS:
        raise ExportDataError(
            f"resource '{table.name}' has {data.num_rows} rows, more than an Excel sheet "
            f"holds ({_EXCEL_MAX_ROWS - 1}); export to parquet, duckdb or sqlite instead"
        )
    import pyarrow as pa

    names = [f["name"] for f in table.fields]
    columns = [data.column(name).to_pylist() for name in names]
    for index, name in enumerate(names):
        if pa.types.is_timestamp(data.column(name).type):  # Excel has no time zones: UTC
            columns[index] = [v if v is None else v.replace(tzinfo=None) for v in columns[index]]
    for name, values in zip(names, columns, strict=True):
        for row, value in enumerate(values, start=1):
            _check_excel_value(value, table.name, row, name)
    return list(zip(*columns, strict=True))


def _write_xlsx(path: str | os.PathLike[str] | None, target: Path) -> None:
    openpyxl = _require("openpyxl", "the Excel export")
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    descriptor = read_descriptor(path)
    found = tables(path)
    rows = {t.name: _excel_rows(t, arrow_table(t, descriptor)) for t in found}
    info = package_info(path)
    sheets = _sheet_names(["about"] + [t.name for t in found])
    # Write-only mode streams each sheet to disk: memory stays flat for large packages.
    workbook = openpyxl.Workbook(write_only=True)
    workbook.properties.title = str(descriptor.get("title", ""))
    workbook.properties.creator = "msc-exos-pof"
    bold = Font(bold=True)

    def cell(sheet: Any, value: Any, font: Font | None = None, text: bool = False) -> Any:
        item = WriteOnlyCell(sheet, value=value)
        if font is not None:
            item.font = font
        if text or (isinstance(value, str) and value.startswith("=")):
            item.data_type = "s"  # a value is never a formula, even if it starts with "="
        return item

    about = workbook.create_sheet(sheets[0])
    for letter, width in zip("ABCDE", (22, 28, 14, 14, 90), strict=True):
        about.column_dimensions[letter].width = width
    about.append([cell(about, str(descriptor.get("title", "")), Font(bold=True, size=14))])
    about.append([])
    wrap = Alignment(wrap_text=True, vertical="top")
    for key, value in info:
        if key == "datapackage_json":
            continue
        value_cell = cell(about, value, text=True)
        value_cell.alignment = wrap
        about.append([cell(about, key, bold), value_cell])
    about.append([])
    about.append([cell(about, h, bold) for h in ("sheet", "resource", "rows", "title")])
    for sheet_name, table in zip(sheets[1:], found, strict=True):
        about.append([sheet_name, table.name, len(rows[table.name]),
                      cell(about, str(table.item.descriptor.get("title", "")), text=True)])
    about.append([])
    about.append([cell(about, h, bold)
                  for h in ("resource", "field", "type", "required", "description")])
    for table in found:
        for field in table.fields:
            about.append([table.name, field["name"], field.get("type", "string"),
                          table.required(field),
                          cell(about, _comment(field.get("description")), text=True)])

    for sheet_name, table in zip(sheets[1:], found, strict=True):
        sheet = workbook.create_sheet(sheet_name)
        sheet.freeze_panes = "A2"
        names = [f["name"] for f in table.fields]
        for index, name in enumerate(names):
            sample = [len(str(row[index])) for row in rows[table.name][:200]
                      if row[index] is not None]
            width = min(max([len(name), *sample]) + 2, 60)
            sheet.column_dimensions[get_column_letter(index + 1)].width = width
        last = f"{get_column_letter(len(names))}{len(rows[table.name]) + 1}"
        sheet.auto_filter.ref = f"A1:{last}"
        sheet.append([cell(sheet, name, bold) for name in names])
        for values in rows[table.name]:
            sheet.append([cell(sheet, value) for value in values])
    workbook.save(target)


def _write_csv(path: str | os.PathLike[str] | None, target: Path) -> None:
    # The bytes are copied unchanged, so the descriptor's hashes stay true for the copy.
    source = descriptor_path(path)
    read_descriptor(path)
    items = resource_files(path)
    target.mkdir()
    shutil.copyfile(source, target / DESCRIPTOR_NAME)
    for item in items:
        destination = target / item.descriptor["path"]
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copyfile(item.file, destination)
        except FileNotFoundError:
            raise ExportDataError(
                f"resource '{item.name}': file {item.descriptor['path']} does not exist; "
                f"{_VALIDATE_HINT}"
            ) from None


#: The writer of each format: ``writer(path, target)`` creates ``target`` (a file or folder).
WRITERS: dict[str, Callable[[str | os.PathLike[str] | None, Path], None]] = {
    "sqlite": _write_sqlite,
    "duckdb": _write_duckdb,
    "parquet": _write_parquet,
    "xlsx": _write_xlsx,
    "csv": _write_csv,
}


# --- writing OUT atomically ------------------------------------------------------------------


def _within(inner: Path, outer: Path) -> bool:
    return inner == outer or outer in inner.parents


def _looks_like_export(folder: Path, to: str) -> bool:
    """Whether replacing ``folder`` (with ``overwrite``) loses nothing but an earlier export."""
    entries = list(folder.iterdir())
    if not entries:
        return True
    if to == "parquet":
        return all(e.is_file() and e.suffix == ".parquet" for e in entries)
    return (folder / DESCRIPTOR_NAME).is_file()


def _check_target(to: str, out: Path, path: str | os.PathLike[str] | None,
                  overwrite: bool) -> None:
    package_folder = descriptor_path(path).parent.resolve()
    resolved = out.resolve()
    if _within(resolved, package_folder):
        raise ExportTargetError(
            f"{out} is inside the package being exported ({package_folder}), which is never "
            "written to; choose an OUT outside it"
        )
    if _within(package_folder, resolved):
        raise ExportTargetError(
            f"{out} holds the package being exported ({package_folder}), which is never "
            "replaced; choose another OUT"
        )
    if not (out.exists() or out.is_symlink()):
        return
    if to in FOLDER_FORMATS:
        if out.is_dir() and not any(out.iterdir()):
            return  # an empty folder is filled, as if it were new
        if not out.is_dir():
            raise ExportTargetError(
                f"{out} exists and is not a folder; the {to} export writes a folder, choose "
                "another OUT"
            )
        if not overwrite:
            raise ExportTargetError(
                f"{out} exists and is not empty; pass --force (overwrite=True) to replace it "
                "or choose another OUT"
            )
        if not _looks_like_export(out, to):
            raise ExportTargetError(
                f"{out} holds files that an earlier {to} export would not have written, so "
                "it is not replaced even with --force; remove it yourself or choose another OUT"
            )
        return
    if out.is_dir():
        raise ExportTargetError(
            f"{out} is a folder; the {to} export writes one file, name the file to create"
        )
    if not overwrite:
        raise ExportTargetError(
            f"{out} exists; pass --force (overwrite=True) to replace it or choose another OUT"
        )


@contextmanager
def _staging(out: Path) -> Iterator[Path]:
    """A private folder beside ``out`` (same file system, so the final move is a rename),
    removed with whatever it holds when the export ends, however it ends."""
    folder = Path(tempfile.mkdtemp(prefix=f".{out.name}.export-", dir=out.parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _move_into_place(built: Path, out: Path, staging: Path) -> None:
    if not (out.exists() or out.is_symlink()) or (built.is_file() and not out.is_dir()):
        os.replace(built, out)  # atomic: OUT is the old file or the new one, never a mix
        return
    # A folder cannot be renamed over a non-empty one: move the old aside (into the staging
    # folder, which is removed afterwards), then the new into place; undo if that fails.
    previous = staging / "previous"
    os.replace(out, previous)
    try:
        os.replace(built, out)
    except BaseException:
        os.replace(previous, out)
        raise


def export(to: str, out: str | os.PathLike[str], path: str | os.PathLike[str] | None = None,
           *, overwrite: bool = False) -> Path:
    """Export the package at ``path`` (default: the shipped one) to ``out`` in format ``to``.

    Parameters
    ----------
    to
        ``sqlite`` or ``duckdb`` (a database file with keys, constraints and views),
        ``parquet`` (a folder of one ``<resource>.parquet`` per resource), ``xlsx`` (a workbook
        with an ``about`` sheet and one sheet per resource) or ``csv`` (a copy of the package:
        descriptor and CSV files, byte for byte).
    out
        The file or folder to create. It is written beside itself under a temporary name and
        moved into place when complete, so a failed export leaves nothing behind.
    path
        A ``datapackage.json`` or its folder; never modified.
    overwrite
        Replace an existing ``out`` (a folder only if it holds nothing but an earlier export).

    Returns
    -------
    Path
        The absolute path of ``out``.

    Raises
    ------
    ExportTargetError
        ``out`` exists (without ``overwrite``) or is inside the package.
    ExportDataError
        A value or key breaks its Table Schema (run ``msc-exos-pof validate``).
    MissingDependencyError
        duckdb or openpyxl is missing: ``pip install 'msc-exos-pof[export]'``.
    PackageError
        The package cannot be read at all.

    Examples
    --------
    >>> import msc_exos_pof
    >>> msc_exos_pof.export("sqlite", "review.sqlite")  # doctest: +SKIP
    PosixPath('/home/me/review.sqlite')
    """
    if to not in FORMATS:
        raise ValueError(f"unknown export format {to!r}: expected one of {', '.join(FORMATS)}")
    target = Path(os.path.abspath(Path(out).expanduser()))
    read_descriptor(path)  # a package that cannot be read is reported before OUT is checked
    _check_target(to, target, path, overwrite)
    if to == "duckdb":
        _require("duckdb", "the DuckDB export")
    elif to == "xlsx":
        _require("openpyxl", "the Excel export")
    target.parent.mkdir(parents=True, exist_ok=True)
    with _staging(target) as staging:
        built = staging / target.name
        WRITERS[to](path, built)
        _move_into_place(built, target, staging)
    return target

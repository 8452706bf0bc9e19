"""SQL shared by SQLite and DuckDB: DDL from the Table Schemas, the readable views, the rows."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import (
    ExportDataError,
)
from ..io.descriptor import read_descriptor
from ..io.tableschema import constraints as _constraints
from ..io.tableschema import enum
from .formats import _VALIDATE_HINT, INFO_TABLE
from .tables import Table

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa


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
    codes = enum(field)
    if codes:
        values = ", ".join(_literal(v) for v in codes)
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
        lines.append(
            (
                f"FOREIGN KEY ({', '.join(map(quote, key.fields))}) REFERENCES "
                f"{quote(key.resource)} ({', '.join(map(quote, key.reference_fields))})",
                "",
            )
        )
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

    def create_sql(self, tables_by_name: dict[str, Table] | None = None) -> str:
        """``CREATE VIEW``, with ``{included}`` and ``{published}`` in its SQL filled in for the
        columns ``studies`` has (a package of the 0.1.0 model has neither)."""
        sql = self.sql.strip().format(**_study_filters(tables_by_name or {}))
        return f"CREATE VIEW {quote(self.name)} AS\n-- {self.description}\n{sql}"


def _study_filters(tables_by_name: dict[str, Table]) -> dict[str, str]:
    """SQL conditions on a ``studies`` row: ``included`` (no round removed it: the studies the
    latest round's PRISMA total counts) and ``published`` (round 1, the review's own, which its
    statements describe); always true when ``studies`` lacks the column."""
    table = tables_by_name.get("studies")
    columns = {f["name"] for f in table.fields} if table is not None else set()
    return {
        "included": '"removed_round" IS NULL' if "removed_round" in columns else "1 = 1",
        "published": '"round" = 1' if "round" in columns else "1 = 1",
    }


VIEWS = (
    View(
        "included_studies",
        "The studies included now: every studies row but those a later search round removed "
        "(removed_round), i.e. the studies the PRISMA total of the latest round counts.",
        {"studies": ("study_id",)},
        """
SELECT * FROM "studies" WHERE {included}
""",
    ),
    View(
        "studies_overview",
        "One row per study included now: its label, curated year, first author, design and "
        "species, the curated MSC source with its tissue and origin, the search round that "
        "included it and the title of its reference entry.",
        {
            "studies": (
                "study_id",
                "table_row",
                "label_published",
                "year",
                "first_author",
                "msc_source_published",
                "msc_source",
                "species",
                "design",
                "effector_type",
                "eligibility_concern",
                "reference_number",
            ),
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
FROM "included_studies" AS s
LEFT JOIN "msc_sources" AS m ON m."msc_source" = s."msc_source"
LEFT JOIN "references" AS r ON r."reference_number" = s."reference_number"
ORDER BY s."table_row"
""",
    ),
    View(
        "source_counts",
        "Studies per curated MSC source: curated_study_count counts the studies included now "
        "(they add up to the latest round's total); stated_study_count is what the review "
        "states, which describes its own studies (round 1): review_study_count counts those, "
        "and curated_minus_stated is their difference, which an erratum explains. A last row "
        "counts the studies with no curated source, if any.",
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
        COALESCE(n."studies", 0) AS "curated_study_count",
        COALESCE(p."studies", 0) AS "review_study_count",
        COALESCE(p."studies", 0) - m."stated_study_count" AS "curated_minus_stated"
    FROM "msc_sources" AS m
    LEFT JOIN (
        SELECT "msc_source", COUNT(*) AS "studies" FROM "included_studies" GROUP BY "msc_source"
    ) AS n ON n."msc_source" = m."msc_source"
    LEFT JOIN (
        SELECT "msc_source", COUNT(*) AS "studies" FROM "studies" WHERE {published}
        GROUP BY "msc_source"
    ) AS p ON p."msc_source" = m."msc_source"
    UNION ALL
    SELECT NULL, '(no curated MSC source)', NULL, NULL, NULL, unassigned."studies", NULL, NULL
    FROM (
        SELECT COUNT(*) AS "studies" FROM "included_studies" WHERE "msc_source" IS NULL
    ) AS unassigned
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
            "errata": (
                "erratum_id",
                "resource",
                "record",
                "field",
                "kind",
                "published_value",
                "curated_value",
                "note",
                "evidence",
            ),
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
    from ..release.citation import cite

    descriptor = read_descriptor(path)
    licenses = [
        f"{lic.get('name')} ({lic.get('title')})" if lic.get("title") else str(lic.get("name"))
        for lic in descriptor.get("licenses", [])
        if isinstance(lic, dict)
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


def _insertion_waves(table: Table, data: pa.Table) -> list[list[int] | None]:
    """Row indices to insert together, so that a row referencing its own table comes after the
    row it references (DuckDB checks each insert against the rows already in the table).

    ``[None]`` (all rows at once) when the table does not reference itself.
    """
    own = [key for key in table.foreign_keys if key.resource == table.name]
    if not own:
        return [None]
    columns = {
        name: data.column(name).to_pylist()
        for key in own
        for name in key.fields + key.reference_fields
    }
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


def _engine_error(
    table: str, engine: str, error: Exception, row: int | None = None
) -> ExportDataError:
    if type(error).__name__ == "InterruptException" or str(error) == "interrupted":
        raise KeyboardInterrupt  # Ctrl-C (DuckDB's or SQLite's word for it) is no data error
    message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    where = f"resource '{table}'"
    if row is not None:
        import re

        # SQLite names the column as table.column (NOT NULL, UNIQUE) or "column" (CHECK).
        named = re.search(r'failed: (?:[^.\s]+\.)?"?([^"\s,()]+)', message)
        where += f" row {row}" + (f", field '{named.group(1)}'" if named else "")
    return ExportDataError(f"{where} cannot be loaded into {engine}: {message}; {_VALIDATE_HINT}")

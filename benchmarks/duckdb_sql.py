"""The gate's schema, key and count checks written as DuckDB SQL, for ``bench.py`` to time.

A formulation to measure, not a second gate: it answers "would DuckDB be the better engine for
these layers?" (docs/performance.md gives the answer). Every CSV is read by DuckDB's own
parallel reader (every column as text, empty cells as NULL) into a table, and each rule of
each field of the Table Schema (read with ``msc_exos_pof.io.tableschema``, like the gate)
becomes one query that returns the flagged rows' numbers (``rowid + 1``, the data row the
gate reports). Types, required, enum, range, pattern (RE2, as in the gate), length and unique;
primary keys (empty parts, repeats); foreign keys (an anti-join); and the stated counts against
the rows (included studies, databases, studies per design and per source, the MSC sources'
stated counts, their total against the PRISMA flow, the two transcriptions of per-source
counts), with errata rows explaining a difference as in the gate. Messages are not built:
the flagged rows are counted, which is what the gate's engine must find before it words them.

    .venv/bin/python benchmarks/duckdb_sql.py PACKAGE      # prints {check: flagged rows}
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import duckdb

from msc_exos_pof.io.descriptor import resource_files
from msc_exos_pof.io.tableschema import constraints, enum, field_list, foreign_keys, primary_key

_TRUE_FALSE = "('true', 'True', 'TRUE', '1', 'false', 'False', 'FALSE', '0')"


def _name(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _text(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _field_rules(column: str, field: dict) -> list[tuple[str, str]]:
    """(check id, SQL condition that flags a cell) for one field."""
    c, kind, rules = _name(column), field.get("type", "string"), constraints(field)
    out = []
    if kind in ("integer", "year"):
        out.append(("schema.type", f"{c} IS NOT NULL AND TRY_CAST({c} AS BIGINT) IS NULL"))
    elif kind == "number":
        out.append(("schema.type", f"{c} IS NOT NULL AND TRY_CAST({c} AS DOUBLE) IS NULL"))
    elif kind == "boolean":
        out.append(("schema.type", f"{c} IS NOT NULL AND {c} NOT IN {_TRUE_FALSE}"))
    if rules.get("required") is True:
        out.append(("schema.required", f"{c} IS NULL"))
    codes = enum(field)
    if codes:
        allowed = ", ".join(_text(code) for code in codes)
        out.append(("schema.enum", f"{c} IS NOT NULL AND {c} NOT IN ({allowed})"))
    bounds = [
        f"TRY_CAST({c} AS DOUBLE) {op} {rules[key]}"
        for key, op in (("minimum", "<"), ("maximum", ">"))
        if isinstance(rules.get(key), int | float) and not isinstance(rules.get(key), bool)
    ]
    if bounds and kind in ("integer", "number", "year"):
        out.append(("schema.range", " OR ".join(bounds)))
    if isinstance(rules.get("pattern"), str) and kind == "string":
        out.append(("schema.pattern", f"NOT regexp_full_match({c}, {_text(rules['pattern'])})"))
    lengths = [
        f"length({c}) {op} {rules[key]}"
        for key, op in (("minLength", "<"), ("maxLength", ">"))
        if isinstance(rules.get(key), int) and not isinstance(rules.get(key), bool)
    ]
    if lengths and kind == "string":
        out.append(("schema.length", " OR ".join(lengths)))
    return out


def _flagged(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return len(con.execute(sql).fetchall())


def schema_and_keys(con: duckdb.DuckDBPyConnection, path: str) -> Counter:
    found: Counter = Counter()
    items = resource_files(path)
    for item in items:
        con.execute(
            f"CREATE TABLE {_name(item.name)} AS SELECT * FROM read_csv(?, header = true, "
            "all_varchar = true, quote = '\"', escape = '\"', strict_mode = true)",
            [str(item.file)],
        )
    for item in items:
        table, schema = _name(item.name), item.descriptor.get("schema", {})
        columns = {row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()}
        for field in field_list(schema):
            if field["name"] not in columns:
                continue
            for check, condition in _field_rules(field["name"], field):
                found[check] += _flagged(con, f"SELECT rowid + 1 FROM {table} WHERE {condition}")
            if constraints(field).get("unique") is True:
                c = _name(field["name"])
                found["schema.unique"] += _flagged(
                    con,
                    f"SELECT rowid + 1 FROM {table} WHERE {c} IN (SELECT {c} FROM {table} "
                    f"WHERE {c} IS NOT NULL GROUP BY {c} HAVING count(*) > 1)",
                )
        keys = [k for k in primary_key(schema) if k in columns]
        if keys:
            parts = ", ".join(map(_name, keys))
            empty = " OR ".join(f"{_name(k)} IS NULL" for k in keys)
            found["schema.primary_key"] += _flagged(
                con, f"SELECT rowid + 1 FROM {table} WHERE {empty}"
            )
            found["schema.primary_key"] += _flagged(
                con,
                f"SELECT r FROM (SELECT rowid + 1 AS r, row_number() OVER (PARTITION BY {parts} "
                f"ORDER BY rowid) AS n FROM {table} WHERE NOT ({empty})) WHERE n > 1",
            )
        for key in foreign_keys(schema, item.name):
            if key.resource not in {i.name for i in items} or not key.fields:
                continue
            on = " AND ".join(
                f"p.{_name(theirs)} = c.{_name(mine)}"
                for mine, theirs in zip(key.fields, key.reference_fields, strict=True)
            )
            present = " AND ".join(f"c.{_name(mine)} IS NOT NULL" for mine in key.fields)
            found["schema.foreign_key"] += _flagged(
                con,
                f"SELECT c.rowid + 1 FROM {table} c WHERE {present} AND NOT EXISTS "
                f"(SELECT 1 FROM {_name(key.resource)} p WHERE {on})",
            )
    return found


#: stated_counts quantity -> (check id, SQL giving the count the rows derive for a group).
_DERIVED = {
    "included_studies": ("counts.included", "SELECT count(*) FROM studies"),
    "databases_searched": ("counts.databases", "SELECT count(*) FROM search_strategies"),
}


def counts(con: duckdb.DuckDBPyConnection) -> Counter:
    found: Counter = Counter()
    explained = (
        "EXISTS (SELECT 1 FROM errata e WHERE e.resource = 'stated_counts' AND e.record = s.key "
        "AND e.field = 'value' AND e.published_value = s.value "
        "AND e.curated_value = CAST(d AS VARCHAR))"
    )
    derived = (
        "CASE s.quantity "
        + " ".join(f"WHEN '{q}' THEN ({sql})" for q, (_, sql) in _DERIVED.items())
        + " WHEN 'studies_per_design' THEN (SELECT count(*) FROM studies t "
        'WHERE t.design = s."group") '
        "WHEN 'studies_per_source' THEN (SELECT count(*) FROM studies t "
        'WHERE t.msc_source = s."group") END'
    )
    rows = con.execute(
        f"SELECT s.quantity FROM (SELECT s.*, {derived} AS d FROM stated_counts s "
        "WHERE s.derivable = 'true') s WHERE d IS NOT NULL AND TRY_CAST(s.value AS BIGINT) <> d "
        f"AND NOT {explained}"
    ).fetchall()
    owners = {
        "studies_per_design": "counts.per_design",
        "studies_per_source": "counts.per_source",
        **{q: check for q, (check, _) in _DERIVED.items()},
    }
    for (quantity,) in rows:
        found[owners[quantity]] += 1
    found["counts.source_table"] += _flagged(
        con,
        "SELECT m.msc_source FROM msc_sources m LEFT JOIN (SELECT msc_source, count(*) AS n "
        "FROM studies GROUP BY msc_source) t USING (msc_source) "
        "WHERE TRY_CAST(m.stated_study_count AS BIGINT) <> coalesce(t.n, 0) AND NOT EXISTS "
        "(SELECT 1 FROM errata e WHERE e.resource = 'msc_sources' AND e.record = m.msc_source "
        "AND e.field = 'stated_study_count')",
    )
    found["counts.source_total"] += _flagged(
        con,
        "SELECT 1 FROM (SELECT sum(TRY_CAST(stated_study_count AS BIGINT)) AS n FROM "
        "msc_sources) m, prisma_flow p WHERE p.node = 'new_studies' AND "
        "TRY_CAST(p.count AS BIGINT) <> m.n",
    )
    found["counts.source_agreement"] += _flagged(
        con,
        'SELECT 1 FROM msc_sources m JOIN stated_counts s ON s."group" = m.msc_source '
        "AND s.quantity = 'studies_per_source' WHERE TRY_CAST(s.value AS BIGINT) <> "
        "TRY_CAST(m.stated_study_count AS BIGINT)",
    )
    return found


def main(path: str) -> dict[str, int]:
    con = duckdb.connect(config={"enable_external_access": True})
    found = schema_and_keys(con, path)
    found.update(counts(con))
    return dict(sorted(found.items()))


if __name__ == "__main__":
    print(json.dumps(main(str(Path(sys.argv[1])))))

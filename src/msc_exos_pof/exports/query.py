"""SQL over the package, and rows as text: ``msc-exos-pof query`` and ``show`` are these."""

from __future__ import annotations

import csv
import io
import json
import math
import os
from typing import TYPE_CHECKING, Any

from .formats import TEXT_FORMATS

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


class QueryError(ValueError):
    """The SQL could not be run (a syntax error, an unknown table or column)."""


def query(sql: str, path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Run ``sql`` on the in-memory DuckDB database of ``connect(path)`` and return the result.

    Every resource is a table and the readable views (``source_counts``...) are there too.
    Raises ``QueryError`` with DuckDB's message when the SQL cannot run.
    """
    import duckdb

    from .to_duckdb import connect

    connection = connect(path)
    try:
        return connection.sql(sql).df() if sql.strip() else _empty()
    except duckdb.Error as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise QueryError(
            f"the query failed: {first}; the tables are: {', '.join(_tables(connection))}"
        ) from None
    finally:
        connection.close()


def _empty() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame()


def _tables(connection: Any) -> list[str]:
    return sorted(
        row[0] for row in connection.sql("select table_name from duckdb_tables()").fetchall()
    )


def _plain(value: Any) -> Any:
    """A cell as a JSON value: missing -> None, numpy scalars -> Python ones."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover
        pass
    return value.item() if hasattr(value, "item") and not isinstance(value, str) else value


def rows_as_text(frame: pd.DataFrame, fmt: str = "table") -> str:
    """``frame`` as an aligned text table, CSV (RFC 4180, "" for missing) or JSON (a list of
    objects, null for missing)."""
    if fmt not in TEXT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(TEXT_FORMATS)}")
    columns = [str(c) for c in frame.columns]
    rows = [[_plain(v) for v in row] for row in frame.astype(object).itertuples(index=False)]
    if fmt == "json":
        objects = [dict(zip(columns, row, strict=True)) for row in rows]
        return json.dumps(objects, indent=2, ensure_ascii=False, default=str) + "\n"
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(cells)
        return out.getvalue()
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(columns)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += [
        "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines) + "\n"

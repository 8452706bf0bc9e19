"""SQL over the package, and rows as text: ``msc-exos-pof query`` and ``show`` are these."""

from __future__ import annotations

import csv
import io
import math
import os
from typing import TYPE_CHECKING, Any

from .formats import TEXT_FORMATS

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


class QueryError(ValueError):
    """The SQL could not be run (a syntax error, an unknown table or column)."""


def query(
    sql: str, path: str | os.PathLike[str] | None = None, *, external_access: bool = False
) -> pd.DataFrame:
    """Run ``sql`` on the in-memory DuckDB database of ``connect(path)`` and return the result.

    Every resource is a table and the readable views (``source_counts``...) are there too.
    Raises ``QueryError`` with DuckDB's message when the SQL cannot run, including SQL that
    reaches files, URLs or extensions: only the package's tables are reachable unless
    ``external_access`` (see ``connect``).
    """
    import duckdb

    from .to_duckdb import connect, interruptible

    connection = connect(path, external_access=external_access)
    try:
        with interruptible():
            return connection.sql(sql).df() if sql.strip() else _empty()
    except duckdb.PermissionException as error:
        raise QueryError(
            f"the query was refused: {_first_line(error)}; SQL reaches only the package's "
            "tables: pass --external-access (external_access=True) to let it read or write "
            "files, URLs and extensions, for SQL you trust"
        ) from None
    except duckdb.Error as error:
        raise QueryError(
            f"the query failed: {_first_line(error)}; the tables are: "
            f"{', '.join(_tables(connection))}"
        ) from None
    finally:
        connection.close()


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


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


def rows_as_text(frame: pd.DataFrame, fmt: str = "table", *, terminal: bool = False) -> str:
    """``frame`` as an aligned text table, CSV (RFC 4180, "" for missing) or JSON (a list of
    objects, null for missing).

    Text from the data never acts on a terminal: the table shows control characters, escape
    sequences and bidirectional overrides escaped (``\\x1b``); JSON writes them as ``\\u``
    escapes (the same JSON value); CSV, whose cells must stay as written for the program that
    reads it, is escaped like the table only when ``terminal`` (standard output is a terminal).
    """
    from ..gate.render.json import escape as json_text
    from ..gate.render.text import escape

    if fmt not in TEXT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(TEXT_FORMATS)}")
    columns = [str(c) for c in frame.columns]
    rows = [[_plain(v) for v in row] for row in frame.astype(object).itertuples(index=False)]
    if fmt == "json":
        objects = [dict(zip(columns, row, strict=True)) for row in rows]
        return json_text(objects) + "\n"
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    if fmt == "csv":
        if terminal:
            columns = [escape(c) for c in columns]
            cells = [[escape(v) for v in row] for row in cells]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(cells)
        return out.getvalue()
    columns = [escape(c) for c in columns]
    cells = [[escape(v) for v in row] for row in cells]
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

"""The SQLite export: one database file, keys enforced while loading."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import (
    ExportDataError,
)
from ..io.descriptor import read_descriptor
from .formats import _VALIDATE_HINT, INFO_TABLE
from .keys import arrow_tables
from .sql import (
    _engine_error,
    _insertion_waves,
    _python_rows,
    _views_for,
    create_table_sql,
    package_info,
    quote,
)
from .tables import tables


def _count(connection: object, table: str) -> int:
    return connection.execute(f"SELECT count(*) FROM {quote(table)}").fetchone()[0]  # type: ignore[attr-defined]


def _write_sqlite(path: str | os.PathLike[str] | None, target: Path) -> None:
    import sqlite3

    found = tables(path)
    views = _views_for(found)
    descriptor = read_descriptor(path)
    data = arrow_tables(found, descriptor)  # keys checked: a violation names its row and field
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
            except sqlite3.Error as error:
                raise _engine_error(table.name, "SQLite", error) from None
            for wave in _insertion_waves(table, data[table.name]):
                rows = data[table.name] if wave is None else data[table.name].take(wave)
                before = _count(connection, table.name)
                try:
                    connection.executemany(insert, _python_rows(rows))
                except sqlite3.Error as error:
                    # The rows before the failing one are in: their count says which one it is.
                    index = _count(connection, table.name) - before
                    row = (index if wave is None else wave[index]) + 1
                    raise _engine_error(table.name, "SQLite", error, row) from None
        connection.execute(f"CREATE TABLE {INFO_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        connection.executemany(f"INSERT INTO {INFO_TABLE} VALUES (?, ?)", package_info(path))
        for view in views:
            connection.execute(view.create_sql({t.name: t for t in found}))
        connection.execute("COMMIT")
        broken = connection.execute("PRAGMA foreign_key_check").fetchall()
        if broken:  # pragma: no cover - foreign_keys=ON refuses these rows while loading
            raise ExportDataError(f"foreign keys are violated in {broken[:3]}; {_VALIDATE_HINT}")
    finally:
        connection.close()

"""The DuckDB export and ``connect()``: an in-memory or file database with keys and views."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import (
    require,
)
from ..io.descriptor import read_descriptor
from .formats import INFO_TABLE
from .keys import arrow_tables
from .sql import (
    _comment,
    _engine_error,
    _insertion_waves,
    _literal,
    _views_for,
    create_table_sql,
    package_info,
    quote,
)
from .tables import tables

if TYPE_CHECKING:  # pragma: no cover
    import duckdb


def _load_duckdb(
    connection: duckdb.DuckDBPyConnection, path: str | os.PathLike[str] | None
) -> None:
    import duckdb

    found = tables(path)
    views = _views_for(found)
    descriptor = read_descriptor(path)
    staging = "__msc_exos_pof_rows"
    loaded = arrow_tables(found, descriptor)  # keys checked: a violation names its row and field
    # One transaction: a commit per statement would cost a file sync each (seconds in all).
    connection.execute("BEGIN TRANSACTION")
    for table in found:
        data = loaded[table.name]
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
                    _unregister(connection, staging)
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
        connection.execute(view.create_sql({t.name: t for t in found}))
        connection.execute(f"COMMENT ON VIEW {quote(view.name)} IS {_literal(view.description)}")
    connection.execute("COMMIT")


def _unregister(connection: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop the staging view; after a failed insert the transaction is aborted and DuckDB would
    refuse with "TransactionContext Error", masking the error that matters."""
    import duckdb

    try:
        connection.unregister(name)
    except duckdb.Error:
        pass


#: Storage format of exported DuckDB files: the oldest that a new DuckDB can still write, so
#: that a file exported with a new DuckDB opens in an old one (DuckDB 1.1.3 reads it; 1.0 reads
#: no file a DuckDB 2 writes).
DUCKDB_STORAGE_VERSION = "v1.0.0"
#: DuckDB stores each table and each index (one per primary key, UNIQUE and FOREIGN KEY: 41 for
#: this package) in blocks of their own; at the default 256 KiB that is 15 MB for 0.4 MB of
#: rows. 16 KiB blocks give a file of about 1.7 MB that DuckDB reads from 1.1 on.
DUCKDB_BLOCK_SIZE = 16384


def _attach_options() -> list[str]:
    """ATTACH options, most compact first; an older DuckDB that lacks one gets the next."""
    version = f"STORAGE_VERSION '{DUCKDB_STORAGE_VERSION}'"
    return [f"({version}, BLOCK_SIZE {DUCKDB_BLOCK_SIZE})", f"({version})", ""]


@contextmanager
def interruptible() -> Iterator[None]:
    """Ctrl-C or SIGTERM during a DuckDB statement is ``KeyboardInterrupt``, as anywhere else:
    DuckDB cancels the statement and reports it as its own error ("Query interrupted"), which
    would otherwise read as a failed query or an unexpected ``RuntimeError``."""
    import duckdb

    try:
        yield
    except duckdb.InterruptException:
        raise KeyboardInterrupt from None
    except RuntimeError as error:
        if "interrupted" in str(error).lower():
            raise KeyboardInterrupt from None
        raise


#: DuckDB settings of ``connect()`` and ``query``: no file or network access beyond the
#: package's own tables (registered Arrow tables still work), and no extension installed or
#: loaded behind the user's back. DuckDB refuses to turn external access back on in a
#: running database, so SQL cannot undo it.
SANDBOX = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}


def _write_duckdb(path: str | os.PathLike[str] | None, target: Path) -> None:
    duckdb = require("duckdb", "the DuckDB export")
    # The one connection that writes a file: its own target, with SQL of this module only.
    connection = duckdb.connect(":memory:")
    try:
        file = _literal(str(target))
        for options in _attach_options():
            try:
                connection.execute(f"ATTACH {file} AS export_target {options}")
                break
            except duckdb.Error:
                if not options:
                    raise
        connection.execute("USE export_target")
        with interruptible():
            _load_duckdb(connection, path)
            # Everything into the file itself: no write-ahead log is left beside it.
            connection.execute("CHECKPOINT export_target")
    finally:
        connection.close()


def connect(
    path: str | os.PathLike[str] | None = None, *, external_access: bool = False
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB database with every table and view of the package (default: shipped).

    Tables have the package's primary and foreign keys; views are listed in ``VIEWS``. Needs
    the ``export`` extra (``pip install 'msc-exos-pof[export]'``).

    SQL reaches the package's tables and nothing else: reading or writing files
    (``read_csv('/etc/passwd')``, ``COPY ... TO``, ``ATTACH``), URLs and installing or loading
    extensions are refused by DuckDB (``duckdb.PermissionException``), and SQL cannot turn that
    back on. ``external_access=True`` gives DuckDB's defaults instead, for SQL you trust.

    >>> import msc_exos_pof
    >>> msc_exos_pof.connect().sql("select count(*) from studies").fetchall()  # doctest: +SKIP
    [(17,)]
    """
    duckdb = require("duckdb", "msc_exos_pof.connect()")
    connection = duckdb.connect(":memory:", config={} if external_access else dict(SANDBOX))
    try:
        with interruptible():
            _load_duckdb(connection, path)
    except BaseException:
        connection.close()
        raise
    return connection

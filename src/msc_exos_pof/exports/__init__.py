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

from ..errors import ExportDataError, ExportError, ExportTargetError, MissingDependencyError
from .arrow import arrow_table
from .formats import FOLDER_FORMATS, FORMATS, INFO_TABLE
from .sql import VIEWS, View, create_table_sql, package_info
from .tables import ForeignKey, Table, tables
from .to_duckdb import DUCKDB_STORAGE_VERSION, connect
from .writers import WRITERS, export

__all__ = [
    "DUCKDB_STORAGE_VERSION",
    "FOLDER_FORMATS",
    "FORMATS",
    "INFO_TABLE",
    "VIEWS",
    "WRITERS",
    "ExportDataError",
    "ExportError",
    "ExportTargetError",
    "ForeignKey",
    "MissingDependencyError",
    "Table",
    "View",
    "arrow_table",
    "connect",
    "create_table_sql",
    "export",
    "package_info",
    "tables",
]

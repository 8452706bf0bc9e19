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
from typing import Any

#: Where each public name lives; importing this package imports none of them, so that the
#: CLI can offer ``formats.FORMATS`` without loading every writer.
_PUBLIC = {
    "DUCKDB_STORAGE_VERSION": "to_duckdb",
    "FOLDER_FORMATS": "formats",
    "FORMATS": "formats",
    "INFO_TABLE": "formats",
    "VIEWS": "sql",
    "WRITERS": "writers",
    "ExportDataError": "..errors",
    "ExportError": "..errors",
    "ExportTargetError": "..errors",
    "ForeignKey": "..io.tableschema",
    "MissingDependencyError": "..errors",
    "Table": "tables",
    "View": "sql",
    "arrow_table": "arrow",
    "connect": "to_duckdb",
    "create_table_sql": "sql",
    "export": "writers",
    "package_info": "sql",
    "tables": "tables",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    relative = module if module.startswith(".") else f".{module}"
    return getattr(importlib.import_module(relative, __name__), name)

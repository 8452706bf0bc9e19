"""The formats ``export`` writes and ``query`` prints, and the hints their messages share.

The one list of each: the CLI offers them from here (this module imports nothing, so starting
the CLI stays cheap), and ``writers.WRITERS`` finds each format's writer by its name.
"""

from __future__ import annotations

#: Every format ``export`` writes: a file, except ``FOLDER_FORMATS`` which write a folder.
FORMATS = ("sqlite", "duckdb", "parquet", "xlsx", "csv", "bibtex", "ris", "csljson", "datasette")

#: The formats that hold every table of the package (any package, not only this review's).
TABLE_FORMATS = ("sqlite", "duckdb", "parquet", "xlsx", "csv")

#: The formats that export the reference list (a bibliography), not the tables.
BIBLIOGRAPHY_FORMATS = ("bibtex", "ris", "csljson")

FOLDER_FORMATS = ("parquet", "csv", "datasette")
#: File suffixes a folder format refuses for OUT: ``--to parquet out.parquet`` would make a
#: folder named like a file, which no reader of Parquet or CSV opens.
FILE_SUFFIXES = {
    "parquet": (".parquet", ".pq"),
    "csv": (".csv", ".tsv"),
    "datasette": (".db", ".sqlite", ".sqlite3"),
}

#: How ``query`` and ``show`` print rows: an aligned table, CSV or JSON.
TEXT_FORMATS = ("table", "csv", "json")

#: Name of the key/value table that describes the exported release in the databases.
INFO_TABLE = "package_info"


_VALIDATE_HINT = "run `msc-exos-pof validate` on the package to see every problem"

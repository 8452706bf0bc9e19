"""The formats ``export`` writes and the hints its messages share."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    pass


#: Every format ``export`` writes: a file, except ``FOLDER_FORMATS`` which write a folder.
FORMATS = ("sqlite", "duckdb", "parquet", "xlsx", "csv", "bibtex", "ris", "csljson", "datasette")

#: The formats that hold every table of the package (any package, not only this review's).
TABLE_FORMATS = ("sqlite", "duckdb", "parquet", "xlsx", "csv")

#: The formats that export the reference list (a bibliography), not the tables.
BIBLIOGRAPHY_FORMATS = ("bibtex", "ris", "csljson")


FOLDER_FORMATS = ("parquet", "csv", "datasette")


#: Name of the key/value table that describes the exported release in the databases.
INFO_TABLE = "package_info"


INSTALL_HINT = "pip install 'msc-exos-pof[export]'"


_VALIDATE_HINT = "run `msc-exos-pof validate` on the package to see every problem"

"""The Parquet export: one ``<resource>.parquet`` per resource, Arrow types kept."""

from __future__ import annotations

import os
from pathlib import Path

from ..io.descriptor import read_descriptor
from .keys import arrow_tables
from .tables import tables


def _write_parquet(path: str | os.PathLike[str] | None, target: Path) -> None:
    import pyarrow.parquet as pq

    descriptor = read_descriptor(path)
    data = arrow_tables(tables(path), descriptor)  # Parquet cannot refuse a broken key itself
    target.mkdir()
    for name, table in data.items():
        pq.write_table(table, target / f"{name}.parquet")

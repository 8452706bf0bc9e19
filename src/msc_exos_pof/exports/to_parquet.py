"""The Parquet export: one ``<resource>.parquet`` per resource, Arrow types kept."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..io.descriptor import read_descriptor
from .arrow import arrow_table
from .tables import tables

if TYPE_CHECKING:  # pragma: no cover
    pass


def _write_parquet(path: str | os.PathLike[str] | None, target: Path) -> None:
    import pyarrow.parquet as pq

    target.mkdir()
    descriptor = read_descriptor(path)
    for table in tables(path):
        pq.write_table(arrow_table(table, descriptor), target / f"{table.name}.parquet")

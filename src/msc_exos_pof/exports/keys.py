"""Keys every export format enforces before it writes: unique primary and unique keys, and
foreign keys that resolve, refused with the resource, row and field of the first violation.

SQLite and DuckDB would also refuse them, but in their own words (no row, no field) and after
work; Parquet and Excel cannot refuse them at all. Checking once here gives every format the
same rule and the same message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import ExportDataError
from .arrow import arrow_table
from .formats import _VALIDATE_HINT
from .tables import Table

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa


def arrow_tables(found: list[Table], descriptor: dict[str, Any]) -> dict[str, pa.Table]:
    """Every table as Arrow (see ``arrow_table``), after its keys are checked (``check_keys``)."""
    data = {table.name: arrow_table(table, descriptor) for table in found}
    check_keys(found, data)
    return data


def _key(data: pa.Table, columns: tuple[str, ...]) -> pa.ChunkedArray:
    """One text key per row (null when any part is null), comparable across tables."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = [pc.cast(data.column(name), pa.string()) for name in columns]
    if len(parts) == 1:
        return parts[0]
    return pc.binary_join_element_wise(*parts, "\x1f")


def _shown(data: pa.Table, columns: tuple[str, ...], row: int) -> str:
    values = [data.column(name)[row].as_py() for name in columns]
    text = repr(values[0] if len(values) == 1 else tuple(values))
    return text if len(text) <= 60 else text[:57] + "..."


def check_keys(found: list[Table], data: dict[str, pa.Table]) -> None:
    """``ExportDataError`` naming the first repeated key or unresolved foreign key."""
    import pyarrow.compute as pc

    for table in found:
        rows = data[table.name]
        keys = [table.primary_key] if table.primary_key else []
        keys += [key for key in table.unique_keys if key != table.primary_key]
        keys += [(f["name"],) for f in table.fields if table.unique((f["name"],))]
        for columns in dict.fromkeys(keys):
            key = _key(rows, columns).to_pandas()
            repeated = key.notna() & key.duplicated(keep="first")
            if repeated.any():
                row = int(repeated.to_numpy().nonzero()[0][0])
                raise ExportDataError(
                    f"resource '{table.name}' row {row + 1}, field '{columns[0]}': "
                    f"{', '.join(columns)} = {_shown(rows, columns, row)} repeats an earlier row, "
                    f"but must be unique; {_VALIDATE_HINT}"
                )
        for foreign in table.foreign_keys:
            child = _key(rows, foreign.fields)
            parent = _key(data[foreign.resource], foreign.reference_fields)
            broken = pc.and_(pc.is_valid(child), pc.invert(pc.is_in(child, value_set=parent)))
            hits = pc.indices_nonzero(pc.fill_null(broken, False))
            if len(hits):
                row = int(hits[0].as_py())
                raise ExportDataError(
                    f"resource '{table.name}' row {row + 1}, field '{foreign.fields[0]}': "
                    f"{_shown(rows, foreign.fields, row)} is not a "
                    f"{', '.join(foreign.reference_fields)} of resource '{foreign.resource}' "
                    f"(a foreign key; {len(hits)} row(s) in all); {_VALIDATE_HINT}"
                )

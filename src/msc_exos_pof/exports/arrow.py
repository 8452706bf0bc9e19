"""Arrow tables typed from the Table Schemas (shared by Parquet, DuckDB and Excel)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..errors import (
    ExportDataError,
    TableError,
)
from ..io.convert import typed_frame
from ..io.table import read_raw_table
from ..io.tableschema import enum, written_foreign_keys
from .formats import _VALIDATE_HINT
from .tables import Table

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa


def _arrow_type(field: dict[str, Any]) -> pa.DataType:
    import pyarrow as pa

    kind = field.get("type", "string")
    if kind == "string" and enum(field):
        return pa.dictionary(pa.int32(), pa.string())
    return {
        "integer": pa.int64(),
        "year": pa.int64(),
        "number": pa.float64(),
        "boolean": pa.bool_(),
        "date": pa.date32(),
        "datetime": pa.timestamp("us", tz="UTC"),
    }.get(kind, pa.string())


def _field_metadata(field: dict[str, Any]) -> dict[str, str]:
    metadata = {"table_schema": json.dumps(field, ensure_ascii=False)}
    for key in ("title", "description"):
        if isinstance(field.get(key), str):
            metadata[key] = field[key]
    return metadata


def _package_metadata(descriptor: dict[str, Any]) -> dict[str, str]:
    return {
        "package": str(descriptor.get("name", "")),
        "package_version": str(descriptor.get("version", "")),
        "package_title": str(descriptor.get("title", "")),
    }


def arrow_table(table: Table, descriptor: dict[str, Any] | None = None) -> pa.Table:
    """Resource ``table`` as an Arrow table typed from its Table Schema, with its descriptions.

    Integers are ``int64``, enums ``dictionary<int32, string>`` (the whole vocabulary, in
    order), booleans ``bool``, dates ``date32``; a field's description and Table Schema are in
    its Arrow field metadata. ``ExportDataError`` for a cell that does not fit its type or
    enum, or an empty required cell: an export never drops a value silently.
    """
    import pandas as pd
    import pyarrow as pa

    try:
        raw = read_raw_table(table.item)
    except TableError as error:
        raise ExportDataError(f"{error.message}; {_VALIDATE_HINT}") from None
    names = [f["name"] for f in table.fields]
    missing = [name for name in names if name not in raw.columns]
    if missing:
        raise ExportDataError(
            f"resource '{table.name}': {table.item.descriptor.get('path')} has no column "
            f"{', '.join(missing)}, which its Table Schema declares; {_VALIDATE_HINT}"
        )
    raw = raw[names]
    missing_values = table.schema.get("missingValues", [""])
    if isinstance(missing_values, list) and set(missing_values) - {""}:
        raw = raw.where(~raw.isin(missing_values), "")
    typed = typed_frame(raw, table.schema)
    columns = {}
    for field in table.fields:
        name, kind = field["name"], field.get("type", "string")
        values = typed[name]
        if kind == "date":
            values = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
        elif kind == "datetime":
            values = pd.to_datetime(values, format="ISO8601", utc=True, errors="coerce")
        text = raw[name]
        lost = (text != "") & values.isna()
        if lost.any():
            row = int(lost.to_numpy().nonzero()[0][0])
            expected = "one of its enum values" if enum(field) else f"a valid {kind}"
            raise ExportDataError(
                f"resource '{table.name}' row {row + 1}, field '{name}': {text.iloc[row]!r} is "
                f"not {expected}; {_VALIDATE_HINT}"
            )
        if table.required(field) and values.isna().any():
            row = int(values.isna().to_numpy().nonzero()[0][0])
            raise ExportDataError(
                f"resource '{table.name}' row {row + 1}, field '{name}' is empty but required; "
                f"{_VALIDATE_HINT}"
            )
        columns[name] = values
    schema = pa.schema(
        [
            pa.field(
                f["name"],
                _arrow_type(f),
                nullable=not table.required(f),
                metadata=_field_metadata(f),
            )
            for f in table.fields
        ],
        metadata={
            "resource": table.name,
            "title": str(table.item.descriptor.get("title", "")),
            "description": str(table.item.descriptor.get("description", "")),
            "primary_key": json.dumps(list(table.primary_key)),
            "foreign_keys": json.dumps(written_foreign_keys(table.schema) or []),
            **_package_metadata(descriptor or {}),
        },
    )
    frame = pd.DataFrame(columns, index=raw.index)
    return pa.Table.from_pandas(frame, schema=schema, preserve_index=False)

"""Typing text columns from their Table Schema (Arrow kernels), and the typed loaders."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from .descriptor import resource_file, resource_files
from .locate import descriptor_path
from .table import read_raw_table
from .tableschema import field_list, pandas_dtype

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from frictionless import Package


_TRUE = ["true", "True", "TRUE", "1"]
_FALSE = ["false", "False", "FALSE", "0"]


def arrow_column(column: pd.Series) -> Any:
    """A raw text column as an Arrow array ("" -> null): zero-copy for Arrow-backed text."""
    import pyarrow as pa

    array = pa.array(column.astype("string"), from_pandas=True).cast(pa.large_string())
    if isinstance(array, pa.ChunkedArray):
        return pa.chunked_array(
            [_empty_as_missing(chunk) for chunk in array.chunks], pa.large_string()
        )
    return _empty_as_missing(array)


def _empty_as_missing(array: Any) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    if array.null_count or array.offset:
        return pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.large_string()), array)
    # Zero-copy: the same offsets and characters, with a validity bitmap marking "" as missing
    # (an if_else would copy every character of the column).
    present = pc.not_equal(array, "")
    return pa.LargeStringArray.from_buffers(
        len(array),
        array.buffers()[1],
        array.buffers()[2],
        present.buffers()[1],
        null_count=len(array) - (pc.sum(present).as_py() or 0),
    )


def _numbers(text: Any, dtype: str, column: pd.Series) -> pd.Series:
    """Integers or numbers from text; cells that are not one become missing.

    Arrow's cast parses a clean column in one C++ pass. It is all-or-nothing and also reads
    hexadecimal, so any failure (or an "x") sends the column to pandas' ``to_numeric``, whose
    rules ("1.0" is the integer 1, " 2" is 2) the gate has always applied.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    target = pa.int64() if dtype == "Int64" else pa.float64()
    if not pc.any(pc.match_substring(text, "x", ignore_case=True)).as_py():
        try:
            values = pc.cast(text, target).to_pandas(
                types_mapper={pa.int64(): pd.Int64Dtype(), pa.float64(): pd.Float64Dtype()}.get
            )
            return pd.Series(values.array, index=column.index)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    values = pd.to_numeric(column.astype("string").replace("", pd.NA), errors="coerce")
    if dtype == "Int64":
        values = values.where(values.notna() & (values % 1 == 0))
    return values.astype(dtype)


def typed_frame(raw: pd.DataFrame, schema: dict[str, Any]) -> pd.DataFrame:
    """Convert a raw text frame to the dtypes of its Table Schema; bad cells become missing.

    Cells that cannot be converted are reported by the schema checks, not here. Conversions run
    in Arrow's kernels, column by column, linear in the rows.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = {}
    for field in field_list(schema):
        name = field["name"]
        if name not in raw.columns:
            continue
        text = arrow_column(raw[name])
        dtype = pandas_dtype(field)
        if dtype == "Int64" or dtype == "Float64":
            columns[name] = _numbers(text, dtype, raw[name])
        elif dtype == "boolean":
            truth = pc.if_else(
                pc.is_in(text, value_set=pa.array(_TRUE)),
                True,
                pc.if_else(
                    pc.is_in(text, value_set=pa.array(_FALSE)), False, pa.scalar(None, pa.bool_())
                ),
            )
            columns[name] = pd.Series(
                truth.to_pandas(types_mapper={pa.bool_(): pd.BooleanDtype()}.get).array,
                index=raw.index,
            )
        elif isinstance(dtype, pd.CategoricalDtype):
            categories = pa.array([str(c) for c in dtype.categories], pa.large_string())
            codes = pc.fill_null(pc.index_in(text, value_set=categories), -1)
            columns[name] = pd.Series(
                pd.Categorical.from_codes(codes.to_numpy(zero_copy_only=False), dtype=dtype),
                index=raw.index,
            )
        else:
            columns[name] = pd.Series(text, index=raw.index, dtype=pd.StringDtype("pyarrow"))
    # Undeclared columns join in one step: inserting them one by one is quadratic in columns.
    for name in raw.columns:
        if name not in columns:
            columns[name] = raw[name].astype("string")
    return pd.DataFrame(columns, index=raw.index, copy=False)  # every column is new already


def load_frame(
    name: str, path: str | os.PathLike[str] | None = None, errors: str = "raise"
) -> pd.DataFrame:
    """Resource ``name`` as a typed DataFrame (see ``msc_exos_pof.load``).

    A cell that does not fit its field raises ``DataValueError`` (``errors="coerce"``: it
    loads as missing, with a ``DataValueWarning``). ``attrs`` describe the resource.
    """
    from .strict import checked

    item = resource_file(name, path)
    schema = item.descriptor.get("schema", {})
    raw = read_raw_table(item)
    frame = checked(name, field_list(schema), raw, typed_frame(raw, schema), errors)
    frame.attrs.update(resource_attrs(name, path))
    return frame


def resource_attrs(name: str, path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """What ``load(name).attrs`` carries: the resource's title and description, the package's
    name, version and source, and each field's description."""
    from .descriptor import read_descriptor

    descriptor = read_descriptor(path)
    resource = resource_file(name, path).descriptor
    sources = descriptor.get("sources") or []
    return {
        "resource": name,
        "title": resource.get("title", ""),
        "description": resource.get("description", ""),
        "package": descriptor.get("name", ""),
        "version": descriptor.get("version", ""),
        "source": sources[0].get("title", "") if sources and isinstance(sources[0], dict) else "",
        "fields": {
            field["name"]: field.get("description", "")
            for field in field_list(resource.get("schema", {}))
        },
    }


def frictionless_package(path: str | os.PathLike[str] | None = None) -> Package:
    """The package as ``frictionless.Package``, after refusing unsafe resource paths."""
    from frictionless import Package

    file = descriptor_path(path)
    resource_files(path)  # refuses URLs and escaping paths before frictionless sees them
    return Package(str(file.resolve()))

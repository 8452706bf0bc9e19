"""Typing text columns from their Table Schema (Arrow kernels), and the typed loaders."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from .descriptor import ResourceFile, resource_file, resource_files
from .locate import descriptor_path
from .table import parse_arrow, read_bytes
from .tableschema import field_list, pandas_dtype

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from frictionless import Package


_TRUE = ["true", "True", "TRUE", "1"]
_FALSE = ["false", "False", "FALSE", "0"]


def arrow_column(column: pd.Series) -> Any:
    """A raw text column as an Arrow array ("" -> null): zero-copy for Arrow-backed text."""
    import pyarrow as pa

    return missing_as_null(
        pa.array(column.astype("string"), from_pandas=True).cast(pa.large_string())
    )


def missing_as_null(text: Any) -> Any:
    """Arrow text with "" as null, chunk by chunk (zero-copy for a column as read)."""
    import pyarrow as pa

    if isinstance(text, pa.ChunkedArray):
        return pa.chunked_array([_empty_as_missing(chunk) for chunk in text.chunks], text.type)
    return _empty_as_missing(text)


def _empty_as_missing(array: Any) -> Any:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if array.null_count or not pa.types.is_large_string(array.type):
        return pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.large_string()), array)
    if len(array) == 0:
        return array
    # Zero-copy: the same offsets and characters, with a validity bitmap marking "" as missing
    # (an if_else would copy every character of the column). An empty cell is one whose offsets
    # are equal, read from the offsets buffer by numpy: no kernel call for a column with none.
    # A column as read starts one cell in (the header is row 0): the bitmap covers that cell.
    start = array.offset
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64, count=start + len(array) + 1)
    empty = offsets[start + 1 :] == offsets[start:-1]
    missing = int(np.count_nonzero(empty))
    if missing == 0:
        return array  # nothing missing: no bitmap
    present = np.concatenate([np.ones(start, dtype=bool), ~empty])
    return pa.Array.from_buffers(
        pa.large_string(),
        len(array),
        [pa.py_buffer(np.packbits(present, bitorder="little")), *array.buffers()[1:]],
        null_count=missing,
        offset=start,
    )


def arrow_table(raw: pd.DataFrame | Any) -> Any:
    """Raw text columns as an Arrow table: as read (``io.table.read_arrow``), or from a raw
    pandas frame (tests edit those)."""
    import pyarrow as pa

    if isinstance(raw, pa.Table):
        return raw
    return pa.table(
        {
            str(name): pa.array(raw[name].astype("string"), from_pandas=True).cast(
                pa.large_string()
            )
            for name in raw.columns
        }
    )


def _numbers(text: Any, dtype: str) -> Any:
    """Integers or numbers from text; cells that are not one become missing.

    Arrow's cast parses a clean column in one C++ pass. It is all-or-nothing and also reads
    hexadecimal, so any failure (or an "x") sends the column to pandas' ``to_numeric``, whose
    rules ("1.0" is the integer 1, " 2" is 2) the gate has always applied.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    target, pandas = (
        (pa.int64(), pd.Int64Dtype()) if dtype == "Int64" else (pa.float64(), pd.Float64Dtype())
    )
    if not pc.any(pc.match_substring(text, "x", ignore_case=True)).as_py():
        try:
            return pandas.__from_arrow__(pc.cast(text, target))  # Arrow's protocol: no copy loop
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    values = pd.to_numeric(pd.Series(text, dtype=pd.StringDtype("pyarrow")), errors="coerce")
    if dtype == "Int64":
        values = values.where(values.notna() & (values % 1 == 0))
    return values.astype(dtype).array


def _typed_column(text: Any, field: dict[str, Any]) -> Any:
    """One field's cells (Arrow text, "" as null) as the pandas array of its dtype."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    dtype = pandas_dtype(field)
    if dtype == "Int64" or dtype == "Float64":
        return _numbers(text, dtype)
    if dtype == "boolean":
        truth = pc.if_else(
            pc.is_in(text, value_set=pa.array(_TRUE)),
            True,
            pc.if_else(
                pc.is_in(text, value_set=pa.array(_FALSE)), False, pa.scalar(None, pa.bool_())
            ),
        )
        return pd.BooleanDtype().__from_arrow__(truth)
    if isinstance(dtype, pd.CategoricalDtype):
        categories = pa.array([str(c) for c in dtype.categories], pa.large_string())
        codes = pc.fill_null(pc.index_in(text, value_set=categories), -1)
        return pd.Categorical.from_codes(codes.to_numpy(zero_copy_only=False), dtype=dtype)
    return _text(text)


def _text(text: Any) -> Any:
    """Arrow text as pandas' Arrow-backed ``string`` array, wrapped as it is (no conversion:
    its Arrow type already fits)."""
    import pandas as pd

    return pd.arrays.ArrowStringArray(text, dtype=pd.StringDtype("pyarrow"))


def typed_frame(raw: pd.DataFrame | Any, schema: dict[str, Any]) -> pd.DataFrame:
    """Convert raw text columns (an Arrow table as read, or a raw pandas frame) to the dtypes
    of their Table Schema; bad cells become missing.

    Cells that cannot be converted are reported by the schema checks, not here. Conversions run
    in Arrow's kernels, column by column, linear in the rows; text stays in Arrow's buffers.
    """
    import pandas as pd

    table = arrow_table(raw)
    index = raw.index if isinstance(raw, pd.DataFrame) else pd.RangeIndex(table.num_rows)
    names = set(table.column_names)
    columns = {}
    for field in field_list(schema):
        name = field["name"]
        if name in names:
            columns[name] = _typed_column(missing_as_null(table.column(name)), field)
    # Undeclared columns stay text as written.
    for name in table.column_names:
        if name not in columns:
            columns[name] = _text(table.column(name))
    return pd.DataFrame(columns, index=index, copy=False)


def load_frame(
    name: str, path: str | os.PathLike[str] | None = None, errors: str = "raise"
) -> pd.DataFrame:
    """Resource ``name`` as a typed DataFrame (see ``msc_exos_pof.load``).

    A cell that does not fit its field raises ``DataValueError`` (``errors="coerce"``: it
    loads as missing, with a ``DataValueWarning``). ``attrs`` describe the resource.
    """
    from .strict import ERRORS, checked

    item = resource_file(name, path)
    schema = item.descriptor.get("schema", {})
    data = read_bytes(item)
    key = _loaded_key(item, data, errors) if errors in ERRORS else None
    if key is not None and key in _LOADED:
        _LOADED[key] = _LOADED.pop(key)  # the most recently used is dropped last
        frame = _LOADED[key].copy(deep=True)
    else:
        raw = parse_arrow(item, data)[0]
        typed = typed_frame(raw, schema)
        frame = checked(name, field_list(schema), raw, typed, errors)
        if key is not None and frame is typed:  # every cell fits: nothing warned or refused
            if len(_LOADED) >= MAX_LOADED:
                _LOADED.pop(next(iter(_LOADED)))
            _LOADED[key] = frame.copy(deep=True)
    frame.attrs.update(resource_attrs(item.descriptor, path))
    return frame


#: The typed frames of small clean resources ``load_frame`` made, by ``_loaded_key``: the
#: library's users call ``load`` again and again (a notebook, a loop over resources), and a
#: small table costs far more to type and check (a few milliseconds, whatever its size) than
#: to hash. Only frames of files of at most ``LOADED_FILE_BYTES`` whose every cell fits
#: (nothing refused or warned) are kept, at most ``MAX_LOADED`` of them, the least recently
#: used dropped first; each caller gets its own deep copy.
_LOADED: dict[tuple[str, str, str], pd.DataFrame] = {}
MAX_LOADED = 8
LOADED_FILE_BYTES = 1 << 22


def _loaded_key(item: ResourceFile, data: bytes, errors: str) -> tuple[str, str, str] | None:
    """What a loaded frame depends on: the file's bytes (their sha256), the resource's
    descriptor (its name, schema, dialect...: all of it) and ``errors``; ``None`` for a file
    too large to keep."""
    import hashlib
    import json

    if len(data) > LOADED_FILE_BYTES:
        return None
    described = json.dumps(item.descriptor, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(data).hexdigest(), described, errors


def resource_attrs(
    resource: dict[str, Any], path: str | os.PathLike[str] | None = None
) -> dict[str, Any]:
    """What ``load(name).attrs`` carries: the resource's (its descriptor) title and description,
    the package's name, version and source, and each field's description."""
    from .descriptor import read_descriptor

    descriptor = read_descriptor(path)
    sources = descriptor.get("sources") or []
    return {
        "resource": resource["name"],
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

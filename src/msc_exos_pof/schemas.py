"""Pandera schemas derived from the Table Schemas in datapackage.json (never written by hand)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from .io.tableschema import constraints, field_list, primary_key, schema_of

if TYPE_CHECKING:  # pragma: no cover
    import pandera.pandas as pa

Frame = Literal["typed", "text"]


def frame_dtype(field: dict[str, Any], frame: Frame = "typed") -> Any:
    """The dtype of ``field`` in a typed frame (``load``) or a text frame (enums kept as text)."""
    import pandas as pd

    from .io.tableschema import pandas_dtype

    dtype = pandas_dtype(field)
    if dtype == "string" or (frame == "text" and isinstance(dtype, pd.CategoricalDtype)):
        return pd.StringDtype()
    return dtype


@dataclass(frozen=True)
class _FieldView:
    """The attributes pandera's ``FrictionlessFieldParser`` reads from a frictionless field.

    Reading them from the descriptor dict avoids building (and re-validating) a
    ``frictionless.Schema`` per resource, which costs more than the whole schema layer.
    """

    name: str
    type: str
    constraints: dict[str, Any]
    description: str
    title: str


@lru_cache(maxsize=64)
def _derive(schema_text: str, frame: Frame, keys: bool) -> pa.DataFrameSchema:
    from pandera.io.pandas_io import FrictionlessFieldParser, deserialize_schema

    table_schema = json.loads(schema_text)
    key = primary_key(table_schema)
    columns = {}
    for field in field_list(table_schema):
        view = _FieldView(
            field["name"],
            field.get("type", "string"),
            dict(constraints(field)),
            field.get("description", ""),
            field.get("title", ""),
        )
        column = FrictionlessFieldParser(view, key).to_pandera_column()
        column["dtype"] = frame_dtype(field, frame)
        column["coerce"] = False  # report wrong dtypes instead of silently converting
        if not keys:
            # Primary keys are checked as a whole (schema.primary_key); keep field constraints.
            column["unique"] = bool(view.constraints.get("unique"))
            column["nullable"] = not view.constraints.get("required", False)
        columns[field["name"]] = column
    return deserialize_schema(
        {
            "columns": columns,
            "index": None,
            "checks": None,
            "coerce": False,
            "strict": True,
            # as from_frictionless_schema: a composite key is unique as a whole
            "unique": key if keys and len(key) > 1 else None,
        }
    )


def derive(
    table_schema: dict[str, Any], *, frame: Frame = "typed", primary_keys: bool = True
) -> pa.DataFrameSchema:
    """A pandera ``DataFrameSchema`` for one Table Schema.

    Built like ``pandera.io.pandas_io.from_frictionless_schema``, with its field parser (field
    types, required, unique, enum, minimum/maximum, pattern, min/maxLength, primary key), and
    with the dtypes adapted to the frames this library produces. ``frame="text"`` keeps enum
    columns as text, so that a value outside the enum fails ``isin`` instead of silently
    becoming missing in a categorical.
    ``primary_keys=False`` leaves primary-key uniqueness to the gate's own check.
    Foreign keys span tables and are not expressible in one pandera schema.
    """
    return _derive(json.dumps(table_schema, sort_keys=True), frame, primary_keys)


def schema_for(
    resource_name: str, path: str | os.PathLike[str] | None = None
) -> pa.DataFrameSchema:
    """The pandera schema of resource ``resource_name``; validates ``msc_exos_pof.load(name)``.

    >>> import msc_exos_pof
    >>> from msc_exos_pof.schemas import schema_for
    >>> _ = schema_for("studies").validate(msc_exos_pof.load("studies"))
    """
    from .io.descriptor import resource_file

    return derive(schema_of(resource_file(resource_name, path).descriptor))

"""Pandera schemas derived from the Table Schemas in datapackage.json (never written by hand)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import pandera.pandas as pa

Frame = Literal["typed", "text"]

#: pandera check name -> the gate's check id that guards the same rule (the agreement test maps
#: pandera's failures to the gate's findings with it).
CHECK_IDS = {
    "not_nullable": "schema.required",
    "field_uniqueness": "schema.unique",
    "isin": "schema.enum",
    "in_range": "schema.range",
    "greater_than_or_equal_to": "schema.range",
    "less_than_or_equal_to": "schema.range",
    "str_matches": "schema.pattern",
    "str_length": "schema.length",
}


def primary_key(table_schema: dict[str, Any]) -> list[str]:
    """The primary key's fields as a list (Table Schema allows a string or a list)."""
    key = table_schema.get("primaryKey") or []
    return [key] if isinstance(key, str) else list(key)


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
    for field in table_schema.get("fields", []):
        view = _FieldView(
            field["name"],
            field.get("type", "string"),
            dict(field.get("constraints") or {}),
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

    return derive(resource_file(resource_name, path).descriptor.get("schema") or {})


def text_frame(
    raw: pd.DataFrame, typed: pd.DataFrame, table_schema: dict[str, Any]
) -> pd.DataFrame:
    """The frame to validate with ``derive(..., frame="text")``: typed columns, but enum columns
    as text (""-> missing), so that a value outside the enum fails ``isin``. The gate's own
    Arrow checks are tested against pandera on exactly this frame."""
    import pandas as pd

    from .io.convert import arrow_column

    columns = {}
    for field in table_schema.get("fields", []):
        name = field.get("name")
        if name not in typed.columns:
            continue
        if (field.get("constraints") or {}).get("enum") and field.get("type", "string") == "string":
            columns[name] = pd.Series(
                arrow_column(raw[name]), index=raw.index, dtype=pd.StringDtype("pyarrow")
            )
        else:
            columns[name] = typed[name]
    return pd.DataFrame(columns, index=typed.index)


def failure_cases(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pd.DataFrame:
    """Every failure (lazy validation) as pandera's ``failure_cases`` frame; empty when valid."""
    import pandas as pd
    import pandera.errors

    present = {name: col for name, col in schema.columns.items() if name in frame.columns}
    schema = schema.remove_columns([n for n in schema.columns if n not in present])
    schema.strict = False  # the table layer reports missing and extra columns
    try:
        schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as error:
        return error.failure_cases
    return pd.DataFrame(
        columns=["schema_context", "column", "check", "check_number", "failure_case", "index"]
    )

"""Test-only helpers for the gate-vs-pandera agreement test: the frame pandera validates, its
failure cases, and which gate check guards each pandera check."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import pandera.pandas as pa

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


def text_frame(
    raw: pd.DataFrame, typed: pd.DataFrame, table_schema: dict[str, Any]
) -> pd.DataFrame:
    """The frame to validate with ``derive(..., frame="text")``: typed columns, but enum columns
    as text (""-> missing), so that a value outside the enum fails ``isin``. The gate's own
    Arrow checks are tested against pandera on exactly this frame."""
    import pandas as pd

    from msc_exos_pof.io.convert import arrow_column

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

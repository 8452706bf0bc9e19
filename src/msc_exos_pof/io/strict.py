"""The strict loader: every cell of a loaded resource fits its field, or ``load`` says which do not.

The gate and the loader read the Table Schema's constraints the same way: both use
``io.constraints.cell_failures`` (types, ``required``, ``enum``, ranges, patterns and lengths).
``unique`` and the keys are questions about a whole table or package, left to the gate.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from ..errors import DataValueError, DataValueWarning
from .constraints import cell_failures

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import pyarrow as pa

#: What ``load(errors=...)`` accepts.
ERRORS = ("raise", "coerce")


def misfits(
    name: str, fields: list[dict[str, Any]], raw: pa.Table | pd.DataFrame, typed: pd.DataFrame
) -> list[tuple[int, str, str]]:
    """(row, field, message) of every cell that does not fit its field, rows 1-based."""
    found = [
        (f.row, f.field, f.message)
        for f in cell_failures(name, fields, raw, typed, whole_table=False)
        if f.row is not None
    ]
    return sorted(set(found))


def checked(
    name: str,
    fields: list[dict[str, Any]],
    raw: pa.Table | pd.DataFrame,
    typed: pd.DataFrame,
    errors: str,
) -> pd.DataFrame:
    """``typed`` when every cell fits; else raise ``DataValueError`` or (``errors="coerce"``)
    warn with the cells and return ``typed`` with them missing."""
    import pandas as pd

    if errors not in ERRORS:
        raise ValueError(f"errors={errors!r}: expected one of {', '.join(map(repr, ERRORS))}")
    cells = misfits(name, fields, raw, typed)
    if not cells:
        return typed
    if errors == "raise":
        raise DataValueError(name, cells)
    listed = "; ".join(f"row {row} field '{field}'" for row, field, _ in cells[:20])
    more = f" and {len(cells) - 20} more" if len(cells) > 20 else ""
    warnings.warn(
        f"resource '{name}': {len(cells)} cells do not fit their field and load as missing: "
        f"{listed}{more}; run `msc-exos-pof validate` on the package to see why",
        DataValueWarning,
        stacklevel=4,
    )
    coerced = typed.copy()
    for row, field, _ in cells:
        if field in coerced.columns:
            coerced.loc[coerced.index[row - 1], field] = pd.NA
    return coerced

"""A package's tables as text, for the generator and the mutations: which resources, in what
order, with which columns and codes (read from the Table Schema), and their CSV files read and
written cell for cell ("" for a missing value, never NaN)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..io.tableschema import enum, field_list, field_named, schema_of

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: The resources of the package as released at 0.1.0 (the core every copy keeps).
CORE_RESOURCES = (
    "search_strategies",
    "prisma_flow",
    "msc_sources",
    "animal_models",
    "references",
    "studies",
    "study_mechanisms",
    "stated_counts",
    "errata",
)
#: Every resource the generator builds row by row, in the order it writes them.
RESOURCE_ORDER = (*CORE_RESOURCES, "search_rounds")


def _resource(descriptor: dict[str, Any], name: str) -> dict[str, Any]:
    for item in descriptor["resources"]:
        if item["name"] == name:
            return item
    raise KeyError(name)


def columns_of(descriptor: dict[str, Any], resource: str) -> list[str]:
    """The resource's field names in Table Schema order (its CSV header)."""
    return [item["name"] for item in field_list(schema_of(_resource(descriptor, resource)))]


def codes_of(descriptor: dict[str, Any], resource: str, name: str) -> list[str]:
    """The codes the field ``resource.name`` allows (its ``enum`` constraint), in order."""
    codes = enum(field_named(schema_of(_resource(descriptor, resource)), name))
    if codes is not None:
        return list(codes)
    raise KeyError(f"{resource}.{name} has no enum in the descriptor")


def read_table(folder: Path, name: str) -> pd.DataFrame:
    """The resource ``name`` of the package in ``folder`` as text cells."""
    import pandas as pd

    return pd.read_csv(
        folder / "data" / f"{name}.csv", dtype=str, keep_default_na=False, na_filter=False
    )


def write_csv(
    frame: pd.DataFrame, file: Path, columns: list[str] | None = None, header: bool = True
) -> None:
    """Write ``frame`` (text cells) to ``file`` as CSV, in ``columns`` order when given ("" fills
    a column the frame lacks); without ``header`` the rows are appended."""
    if columns is not None:
        frame = frame.reindex(columns=columns, fill_value="")
    with open(file, "w" if header else "a", encoding="utf-8", newline="") as handle:
        frame.to_csv(handle, index=False, header=header, lineterminator="\n")

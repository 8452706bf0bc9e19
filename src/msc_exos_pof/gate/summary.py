"""A short description of a package's contents: studies per source and design, and its errata."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..io.context import PackageContext

#: (studies column, summary key, stated_counts quantity stated for the same groups)
GROUPINGS = (
    ("msc_source", "studies_per_source", "studies_per_source"),
    ("design", "studies_per_design", "studies_per_design"),
    ("species", "studies_per_species", None),
)


def _present(value: Any) -> bool:
    """Whether a cell holds a value: ``None``, NaN, ``pd.NA`` and ``NaT`` do not.

    (``k == k`` is no test: on ``pd.NA`` it is ``NA``, whose truth value raises ``TypeError``.)
    """
    import pandas as pd

    try:
        return not bool(pd.isna(value))
    except (TypeError, ValueError):  # a list-like cell: a value, not a missing one
        return True


def _count(value: Any) -> int | None:
    """A stated count as an ``int``, or ``None`` when the cell is missing or not a whole number."""
    if not _present(value):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else None


def _counts(column: pd.Series) -> dict[str, int]:
    """Rows per value, in vocabulary order for enums (zeros included), missing as "(none)"."""
    counts = column.value_counts(dropna=False, sort=False)
    out = {str(k): int(v) for k, v in counts.items() if _present(k)}
    missing = int(column.isna().sum())
    if missing:
        out["(none)"] = missing
    return out


def summarise(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The dataset summary of the package at ``path`` (default: the shipped one), as
    ``validate`` reports it; ``PackageError`` when the package cannot be read."""
    from ..io.context import PackageContext

    return dataset_summary(PackageContext(path))


def dataset_summary(context: PackageContext) -> dict[str, Any]:
    """Counts derived from the rows (curated values), beside the counts the review states."""
    descriptor = context.descriptor
    summary: dict[str, Any] = {
        "name": descriptor.get("name"),
        "version": descriptor.get("version"),
        "resources": {},
    }
    for name in context.files:
        frame = context.frame(name)
        summary["resources"][name] = None if frame is None else len(frame)
    studies = context.frame("studies")
    stated = context.frame("stated_counts")
    for column, key, quantity in GROUPINGS:
        if studies is None or column not in studies:
            continue
        summary[key] = _counts(studies[column])
        if quantity and stated is not None and {"quantity", "group", "value"} <= set(stated):
            rows = stated[stated["quantity"] == quantity].drop_duplicates("group")
            summary[f"stated_{key}"] = {
                str(group): _count(value)
                for group, value in zip(rows["group"], rows["value"], strict=True)
                if _present(group) and _count(value) is not None
            }
    if studies is not None and "eligibility_concern" in studies:
        summary["eligibility_concerns"] = int(studies["eligibility_concern"].notna().sum())
    errata = context.frame("errata")
    if errata is not None and "kind" in errata:
        summary["errata"] = {k: v for k, v in _counts(errata["kind"]).items() if v}
    return summary

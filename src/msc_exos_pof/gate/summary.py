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
    """Counts derived from the rows (curated values), beside the counts the review states.

    ``studies_per_*`` count the studies included now (``io.included``: every studies row but
    those a later round removed), which add up to the latest round's PRISMA total;
    ``stated_*`` are the review's own statements, which describe round 1. A living copy (more
    than one search round) also gets ``included_now`` and ``rounds``: per round, its studies,
    removals and running total beside what its PRISMA flow states, and for round 1 its studies
    per source and design, the counts the review's statements are about.
    """
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
    included = _included(studies)
    stated = context.frame("stated_counts")
    for column, key, quantity in GROUPINGS:
        if included is None or column not in included:
            continue
        summary[key] = _counts(included[column])
        if quantity and stated is not None and {"quantity", "group", "value"} <= set(stated):
            summary[f"stated_{key}"] = _stated(stated, quantity)
    if included is not None and "eligibility_concern" in included:
        summary["eligibility_concerns"] = int(included["eligibility_concern"].notna().sum())
    errata = context.frame("errata")
    if errata is not None and "kind" in errata:
        summary["errata"] = {k: v for k, v in _counts(errata["kind"]).items() if v}
    rounds = _rounds(context, studies)
    if rounds:
        summary["included_now"] = None if included is None else len(included)
        summary["rounds"] = rounds
    return summary


def _included(studies: pd.DataFrame | None) -> pd.DataFrame | None:
    """The studies included now (no ``removed_round``)."""
    if studies is None or "removed_round" not in studies:
        return studies
    return studies[studies["removed_round"].isna().to_numpy()]


def _stated(stated: pd.DataFrame, quantity: str) -> dict[str, int]:
    rows = stated[stated["quantity"] == quantity].drop_duplicates("group")
    return {
        str(group): count
        for group, value in zip(rows["group"], rows["value"], strict=True)
        if _present(group) and (count := _count(value)) is not None
    }


def _rounds(context: PackageContext, studies: pd.DataFrame | None) -> list[dict[str, Any]]:
    """Per search round of a living copy (``[]`` for a single round): its date, its studies
    and removals and the running total, beside what its PRISMA flow states."""
    from .checks.rounds import round_column

    included_in = round_column(studies)
    if included_in is None:
        return []
    removed_in = (
        studies["removed_round"] if "removed_round" in studies else included_in.where(False)
    )
    searched = _searched(context)
    numbers = sorted({*searched, *(int(r) for r in included_in.unique())})
    if numbers in ([], [1]):
        return []
    flow = _flow_statements(context)
    out = []
    total = 0
    for number in numbers:
        new = studies[(included_in == number).to_numpy()]
        removed = studies[(removed_in == number).fillna(False).to_numpy()]
        total += len(new) - len(removed)
        item: dict[str, Any] = {
            "round": number,
            "searched": searched.get(number),
            "new_studies": len(new),
            "removed_studies": [str(v) for v in removed["study_id"]],
            "total_studies": total,
            "stated_new_studies": flow.get((number, "new_studies")),
            "stated_total_studies": flow.get((number, "total_studies")),
        }
        if number == 1:
            for column, key, _ in GROUPINGS[:2]:
                if column in new:
                    item[key] = _counts(new[column])
        out.append(item)
    return out


def _searched(context: PackageContext) -> dict[int, str | None]:
    table = context.frame("search_rounds") if "search_rounds" in context.files else None
    if table is None or not {"round", "searched"} <= set(table):
        return {}
    rows = table.dropna(subset=["round"])
    return {
        int(r): (str(d) if _present(d) else None)
        for r, d in zip(rows["round"], rows["searched"], strict=True)
    }


def _flow_statements(context: PackageContext) -> dict[tuple[int, str], int]:
    """(round, node) -> count of the new_studies and total_studies rows of ``prisma_flow``."""
    flow = context.frame("prisma_flow")
    if flow is None or not {"node", "count"} <= set(flow):
        return {}
    rounds = flow["round"].fillna(1) if "round" in flow else None
    out = {}
    for index, node, count in zip(flow.index, flow["node"], flow["count"], strict=True):
        number = 1 if rounds is None else int(rounds[index])
        if str(node) in ("new_studies", "total_studies") and (value := _count(count)) is not None:
            out.setdefault((number, str(node)), value)
    return out

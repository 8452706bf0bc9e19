"""Checks: fork safety: a copy says how it changed the rows of the package it was copied from.

Runs only when ``validate(path, upstream=OLD)`` names the upstream package. A copy may add rows,
fields, resources and rounds; an upstream row it edits needs an errata row for that cell, and it
drops no upstream row. A study that a later round removed keeps its row, with its removal in
``removed_round``, ``removal_reason`` and ``removal_note`` (the record of a change, like errata:
filling them needs no erratum); a studies row that is gone is ``studies.missing_row``'s finding.
Rows are matched by primary key and compared as written, on the fields both packages have.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...io.included import RECORD_FIELDS
from ..registry import register
from .inclusion import missing_studies

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ...io.context import PackageContext
    from ..report import Finding

#: Resources whose rows are the record of changes themselves: editing them needs no erratum
#: (an erratum about an erratum explains nothing), but dropping one loses a documented fact.
_RECORDS = frozenset({"errata"})


def _keys(ctx: PackageContext, name: str) -> list[str]:
    from ...io.tableschema import primary_key

    return primary_key(ctx.schema(name))


def _record(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """The errata ``record`` of each row: its primary key values joined by '/'."""
    if len(keys) == 1:
        return frame[keys[0]].astype(str)
    return frame[keys].astype(str).agg("/".join, axis=1)


@register(
    "upstream.unrecorded_change",
    "error",
    "with --upstream: every upstream row the copy edits has an errata row for the cell, and "
    "the copy keeps every upstream row (a removed study keeps its row, with its removal)",
    "errata",
)
def upstream_unrecorded_change(ctx: PackageContext) -> Iterator[Finding]:
    upstream = ctx.upstream
    if upstream is None:
        return
    explained = _errata_cells(ctx)
    removed = {missing.study_id for missing in missing_studies(ctx)}
    for name in upstream.files:
        if name not in ctx.files:
            continue  # a dropped resource is descriptor.resources' finding
        old, new = upstream.raw(name), ctx.raw(name)
        keys = _keys(upstream, name)
        if old is None or new is None or not keys or not set(keys) <= set(new.columns):
            continue
        yield from _compare(name, keys, old, new, explained, removed)


def _errata_cells(ctx: PackageContext) -> set[tuple[str, str, str]]:
    errata = ctx.raw("errata")
    if errata is None or not {"resource", "record", "field"} <= set(errata.columns):
        return set()
    return set(zip(errata["resource"], errata["record"], errata["field"], strict=True))


def _compare(
    name: str,
    keys: list[str],
    old: pd.DataFrame,
    new: pd.DataFrame,
    explained: set[tuple[str, str, str]],
    removed: set[str],
) -> Iterator[Finding]:
    check = upstream_unrecorded_change
    before = old.assign(_record=_record(old, keys)).drop_duplicates("_record")
    after = new.assign(_record=_record(new, keys), _row=new.index + 1).drop_duplicates("_record")
    merged = before.merge(after, on="_record", how="left", suffixes=("", "_copy"), indicator=True)
    dropped = merged[merged["_merge"] == "left_only"]
    for record in dropped["_record"]:
        if name == "studies" and record in removed:
            continue  # studies.missing_row: one finding for the row and what it leaves behind
        yield check.finding(
            f"{name} '{record}' of the upstream package is missing from the copy; expected a "
            "copy to keep upstream rows: restore it",
            resource=name,
        )
    if name in _RECORDS:
        return
    kept = merged[merged["_merge"] == "both"]
    records = RECORD_FIELDS.get(name, frozenset())
    shared = [c for c in old.columns if c in new.columns and c not in keys and c not in records]
    for column in shared:
        published = kept[column].astype("string").fillna("")
        curated = kept[f"{column}_copy"].astype("string").fillna("")
        differs = (published != curated).to_numpy()
        for record, was, now, row in zip(
            kept["_record"][differs],
            published[differs],
            curated[differs],
            kept["_row"][differs],
            strict=True,
        ):
            if (name, record, column) in explained:
                continue
            yield check.finding(
                f"{name} '{record}': {column} is {now!r} but the upstream package has {was!r}; "
                "expected a copy to record each change to an upstream row: add an errata row "
                f"'{name}/{record}/{column}' (published {was!r}, curated {now!r}) with the "
                "evidence, or restore the upstream value",
                resource=name,
                row=int(row),
                field=column,
            )

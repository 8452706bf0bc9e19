"""Checks: the studies of a package: a study other tables name has its row, and every study with a
curated MSC source has its ``study_msc_sources`` link for it.

A ``studies`` row that disappears leaves a cascade behind: each row that names the study breaks
its foreign key, the counts of studies fall short of what the review states, the claims about
the study cannot be judged. ``missing_studies`` finds the root cause once (a study id that
several rows name, or that the upstream package has, with no row of its own) and
``studies.missing_row`` reports it at the line of ``studies.csv`` where the row belongs;
``gate/rootcause.py`` then folds the cascade into that one finding.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...io.included import STUDIES
from ...io.tableschema import foreign_keys
from ...io.vectorised import among, isin, row_keys
from ..registry import register
from .consistency_differences import join, row_findings, usable

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ...io.context import PackageContext
    from ..report import Finding

#: A study id that this many rows name is a study, not a typo in one row.
NAMED_BY = 2


@dataclass(frozen=True)
class MissingStudy:
    """A study with no ``studies`` row: which rows name it, and where its row belongs.

    ``row``: the 1-based ``studies`` row the missing one belongs before (``after``: after it,
    at the end), when known; ``named_by``: (resource, row) of every row that names it;
    ``upstream``: the upstream package has its row.
    """

    study_id: str
    named_by: tuple[tuple[str, int], ...]
    row: int | None = None
    after: bool = False
    upstream: bool = False
    neighbour: str | None = None


def study_references(ctx: PackageContext) -> list[tuple[str, str]]:
    """(resource, field) of every foreign key that names a study (``studies.study_id``)."""
    return ctx.memo(_study_references)


def _study_references(ctx: PackageContext) -> list[tuple[str, str]]:
    found = []
    for name in ctx.files:
        for key in foreign_keys(ctx.schema(name), name):
            if (
                key.resource == STUDIES
                and len(key.fields) == 1
                and tuple(key.reference_fields) == ("study_id",)
            ):
                found.append((name, key.fields[0]))
    return found


def missing_studies(ctx: PackageContext) -> list[MissingStudy]:
    """Every study with no ``studies`` row that ``NAMED_BY`` rows or more name, or that the
    upstream package has (computed once per context)."""
    return ctx.memo(_missing)


def _missing(ctx: PackageContext) -> list[MissingStudy]:
    studies = ctx.raw(STUDIES)
    if studies is None or "study_id" not in studies.columns:
        return []
    known = studies["study_id"].dropna()
    named: dict[str, list[tuple[str, int]]] = {}
    for name, field in study_references(ctx):
        frame = ctx.raw(name)
        if frame is None or field not in frame.columns:
            continue
        values = frame[field]
        dangling = (values.notna() & (values != "")).to_numpy() & ~isin(values, known)
        for index, value in values[dangling].items():
            named.setdefault(str(value), []).append((name, int(index) + 1))
    ids = [str(v) for v in studies["study_id"]]
    dropped = _dropped_upstream(ctx, {study: row for row, study in enumerate(ids, start=1)})
    missing = [i for i in named if len(named[i]) >= NAMED_BY or i in dropped]
    missing += [i for i in dropped if i not in named]
    gap = _table_row_gap(studies) if len(missing) == 1 and not dropped else None
    out = []
    for study in missing:
        named_by = tuple(named.get(study, ()))
        if study in dropped:
            row, after = dropped[study]
            out.append(
                MissingStudy(study, named_by, row, after, True, ids[row - 1] if row else None)
            )
        elif gap is not None:
            out.append(MissingStudy(study, named_by, gap, False, False, ids[gap - 1]))
        else:
            out.append(MissingStudy(study, named_by))
    return out


def _dropped_upstream(
    ctx: PackageContext, rows: dict[str, int]
) -> dict[str, tuple[int | None, bool]]:
    """Each upstream study the copy lacks -> where its row belongs in the copy: (the copy's row
    of the next upstream study it kept, False), or (its last row, True: after it) at the end;
    one pass over the upstream's order."""
    upstream = ctx.upstream
    if upstream is None or STUDIES not in upstream.files:
        return {}
    before = upstream.raw(STUDIES)
    if before is None or "study_id" not in before.columns:
        return {}
    last = (len(rows) or None, True)
    place: tuple[int | None, bool] = last
    found: dict[str, tuple[int | None, bool]] = {}
    for study in reversed([str(v) for v in before["study_id"].dropna()]):
        if study in rows:
            place = (rows[study], False)
        else:
            found[study] = place
    return dict(reversed(found.items()))


def _table_row_gap(studies: pd.DataFrame) -> int | None:
    """The copy's row where the one missing ``table_row`` belongs (the row numbered after the
    gap), when ``table_row`` has exactly one gap."""
    if "table_row" not in studies.columns:
        return None
    numbers = [int(v) if str(v).isdigit() else None for v in studies["table_row"]]
    present = {n for n in numbers if n is not None}
    gaps = [n for n in range(1, max(present, default=0) + 1) if n not in present]
    if len(gaps) != 1 or gaps[0] + 1 not in present:
        return None
    return numbers.index(gaps[0] + 1) + 1


def shown(values: list[str], limit: int = 6) -> str:
    """'a, b, c' (the first ``limit``, then how many more)."""
    more = f" and {len(values) - limit} more" if len(values) > limit else ""
    return ", ".join(values[:limit]) + more


def _rows(named_by: tuple[tuple[str, int], ...]) -> str:
    """'study_mechanisms rows 16, 17; claims row 60' (the first rows of each resource)."""
    by_resource: dict[str, list[int]] = {}
    for name, row in named_by:
        by_resource.setdefault(name, []).append(row)
    parts = []
    for name, rows in by_resource.items():
        parts.append(f"{name} row{'s' if len(rows) > 1 else ''} {shown(list(map(str, rows)))}")
    return "; ".join(parts)


@register(
    "studies.missing_row",
    "error",
    "every study that several rows name (or that the upstream package has) has its studies "
    "row: a deleted row is one finding at its place, not a finding per row that names it",
    "schema",
)
def studies_missing_row(ctx: PackageContext) -> Iterator[Finding]:
    for missing in missing_studies(ctx):
        where = ""
        if missing.neighbour is not None:
            where = f" (its place: {'after' if missing.after else 'before'} '{missing.neighbour}')"
        known = "the upstream package has its row" if missing.upstream else ""
        named = f"{len(missing.named_by)} rows name it ({_rows(missing.named_by)})"
        evidence = "; ".join(part for part in (known, named if missing.named_by else "") if part)
        yield studies_missing_row.finding(
            f"studies has no row for study '{missing.study_id}'{where}, but {evidence}; "
            "expected every study the package names to keep its row: restore the row (a study "
            "that a later search round removed keeps its row, with removed_round, "
            "removal_reason and removal_note: `msc-exos-pof round remove`), or, if the study "
            "never belonged, delete the rows that name it",
            resource=STUDIES,
            row=missing.row,
            field="study_id" if missing.row is not None else None,
        )


@register(
    "links.msc_source_coverage",
    "error",
    "every study with a curated msc_source has its study_msc_sources row for that source, so "
    "that joins through study_msc_sources keep every study",
    "consistency",
)
def links_msc_source_coverage(ctx: PackageContext) -> Iterator[Finding]:
    if "study_msc_sources" not in ctx.files:
        return
    frames = ctx.frames(STUDIES, "study_msc_sources")
    if frames is None:
        return
    studies, links = frames
    if not (usable(studies, "study_id", "msc_source") and usable(links, "study_id", "msc_source")):
        return
    pairs = studies[["study_id", "msc_source"]]  # columns before rows: a copy may be wide
    sourced = pairs[pairs["study_id"].notna() & pairs["msc_source"].notna()]
    # One key per (study, source), each cell written after its length: no id can pass for two.
    pair = row_keys(sourced["study_id"], sourced["msc_source"])
    s = sourced[~among(pair, row_keys(links["study_id"], links["msc_source"]))]
    messages = join(
        "study '",
        s["study_id"],
        "' has curated msc_source '",
        s["msc_source"],
        "' but no study_msc_sources row for it; expected every study's curated source among "
        "its links, so that counting studies through study_msc_sources finds it: add the row "
        "(study_id, msc_source, basis, evidence, evidence_locator, table_2) with the text that "
        "names the source",
    )
    yield from row_findings(links_msc_source_coverage, STUDIES, "msc_source", s.index, messages)

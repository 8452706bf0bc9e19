"""Checks: errata layer: every published/curated difference has an errata row, and vice versa."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..registry import register
from ..report import Finding
from .consistency_differences import judgement, usable

if TYPE_CHECKING:  # pragma: no cover
    from ...io.context import PackageContext

LAYER = "errata"


def _shown(value: str) -> str:
    return repr(value) if value else "(empty)"


@register(
    "errata.known",
    "info",
    "surfaces each erratum that explains a real difference between the review and the data",
    LAYER,
)
def errata_known(ctx: PackageContext) -> Iterator[Finding]:
    judged = judgement(ctx)
    if judged is None:
        return
    e = judged.errata
    e = e[e["status"] == "known"]
    for item in e.itertuples(index=False):
        yield errata_known.finding(
            f"erratum {item.erratum_id} ({item.kind}): published {_shown(item.published)} -> "
            f"curated {_shown(item.curated)}; a documented difference between the review and "
            "the data, nothing to fix",
            resource="errata",
            row=int(item.row),
            erratum=item.erratum_id,
        )


@register(
    "errata.unexplained",
    "error",
    "a published/curated difference or unsupported stated count has no errata row",
    LAYER,
)
def errata_unexplained(ctx: PackageContext) -> Iterator[Finding]:
    judged = judgement(ctx)
    if judged is None:
        return
    d = judged.differences
    d = d[~d["explained"]]
    for item in d.itertuples(index=False):
        erratum = f"{item.resource}/{item.record}/{item.field}"
        near = ""
        if isinstance(item.near_id, str):
            near = (
                f" (errata row '{item.near_id}' records {_shown(item.near_published)} -> "
                f"{_shown(item.near_curated)} instead)"
            )
        yield errata_unexplained.finding(
            f"{item.resource} '{item.record}': {item.detail}, and no errata row explains it"
            f"{near}; expected an errata row '{erratum}' with published_value "
            f"{_shown(item.published)} and curated_value {_shown(item.curated)}: add it with the "
            "evidence, or correct the data",
            resource=item.resource,
            row=int(item.row),
            field=item.field,
        )


@register(
    "errata.stale",
    "error",
    "an errata row whose difference does not (or no longer) exist in the data",
    LAYER,
)
def errata_stale(ctx: PackageContext) -> Iterator[Finding]:
    judged = judgement(ctx)
    if judged is None:
        return
    d = judged.differences
    current = d.drop_duplicates(["resource", "record", "field"]).set_index(
        ["resource", "record", "field"]
    )
    e = judged.errata
    e = e[e["status"] == "stale"]
    for item in e.itertuples(index=False):
        key = (item.resource, item.record, item.field)
        if key in current.index:
            now = current.loc[key]
            found = f"the data now differ as {_shown(now['published'])} -> {_shown(now['curated'])}"
        else:
            found = "the data show no such difference"
        yield errata_stale.finding(
            f"erratum {item.erratum_id} records published {_shown(item.published)} -> curated "
            f"{_shown(item.curated)} but {found}; expected every errata row to explain a current "
            "difference: update or remove the row",
            resource="errata",
            row=int(item.row),
            field="published_value",
            erratum=item.erratum_id,
        )


@register("errata.id", "error", "erratum_id equals resource/record/field of its row", LAYER)
def errata_id(ctx: PackageContext) -> Iterator[Finding]:
    errata = ctx.frame("errata")
    if not usable(errata, "erratum_id", "resource", "record", "field"):
        return
    expected = (
        errata["resource"].astype("string")
        + "/"
        + errata["record"].astype("string")
        + "/"
        + errata["field"].astype("string")
    )
    bad = (errata["erratum_id"].astype("string") != expected).fillna(False).astype(bool)
    for index in errata.index[bad.to_numpy()]:
        yield errata_id.finding(
            f"errata row {index + 1} has erratum_id '{errata.at[index, 'erratum_id']}' but its "
            f"resource/record/field give '{expected[index]}'; expected them to agree: correct "
            "erratum_id (or the target columns)",
            resource="errata",
            row=int(index) + 1,
            field="erratum_id",
            erratum=str(errata.at[index, "erratum_id"]),
        )


@register(
    "errata.target",
    "error",
    "the resource, record and field an errata row names exist in the package",
    LAYER,
)
def errata_target(ctx: PackageContext) -> Iterator[Finding]:
    judged = judgement(ctx)
    if judged is None:
        return
    e = judged.errata
    e = e[e["status"] == "target"]
    for item in e.itertuples(index=False):
        yield errata_target.finding(
            f"erratum {item.erratum_id} names {item.resource}/{item.record}/{item.field}, but "
            f"{item.target_problem}; expected an existing record and field: correct resource, "
            "record or field",
            resource="errata",
            row=int(item.row),
            erratum=item.erratum_id,
        )

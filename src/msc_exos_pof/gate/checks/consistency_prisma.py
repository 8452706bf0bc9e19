"""Checks: consistency layer, the PRISMA flow: every node present and the arithmetic adds up."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...io.descriptor import read_descriptor
from ...io.tableschema import resource_enum
from ..registry import Check, register
from .consistency_differences import published_round, usable

if TYPE_CHECKING:  # pragma: no cover
    from ...io.context import PackageContext
    from ..report import Finding

LAYER = "consistency"


# --- the PRISMA flow -----------------------------------------------------------------------

#: The nodes of the PRISMA 2020 template for updated reviews that only a later round has.
UPDATE_NODES = ("previous_studies", "total_studies")


def flow_nodes() -> tuple[str, ...]:
    """The nodes of one round's PRISMA flow, in flow order: the codes of ``prisma_flow.node``
    in the shipped Table Schema (a copy may add codes, never drop one), without the
    updated-review nodes."""
    codes = resource_enum(read_descriptor(None), "prisma_flow", "node")
    return tuple(str(code) for code in codes if code not in UPDATE_NODES)


def flow_counts(ctx: PackageContext) -> tuple[dict[str, int], dict[str, int]] | None:
    """Counts and 1-based rows of the PRISMA nodes of round 1, the published review (first row
    of each node)."""
    flow = ctx.frame("prisma_flow")
    if not usable(flow, "node", "count"):
        return None
    flow = published_round(flow)
    nodes = flow.assign(node=flow["node"].astype("string")).dropna(subset=["node", "count"])
    nodes = nodes.drop_duplicates("node")
    counts = dict(zip(nodes["node"], nodes["count"].astype(int), strict=True))
    rows = dict(zip(nodes["node"], nodes.index + 1, strict=True))
    return counts, rows


@register("prisma.nodes", "error", "every PRISMA flow node the arithmetic needs is present", LAYER)
def prisma_nodes(ctx: PackageContext) -> Iterator[Finding]:
    flow = ctx.frame("prisma_flow")
    if not usable(flow, "node"):
        return
    present = set(published_round(flow)["node"].astype("string").dropna())
    nodes = flow_nodes()
    for node in nodes:
        if node not in present:
            yield prisma_nodes.finding(
                f"prisma_flow has no row for node '{node}'; expected one row per node "
                f"({', '.join(nodes)}): add it with its count",
                resource="prisma_flow",
                field="node",
            )


def _arithmetic(
    check: Check,
    ctx: PackageContext,
    terms: tuple[tuple[int, str], ...],
    total: str,
    extra: tuple[str, int] | None = None,
) -> Iterator[Finding]:
    """``sum(sign * node) (+ extra) == total``; silent when a node is missing (prisma.nodes).

    With more than one search round the ``rounds.*`` checks judge every round's flow at once
    (one finding per mistyped node), so these checks of the single published flow stay silent.
    """
    from .rounds import several_rounds

    if several_rounds(ctx):
        return
    flow = flow_counts(ctx)
    if flow is None:
        return
    counts, rows = flow
    if total not in counts or any(node not in counts for _, node in terms):
        return
    value = sum(sign * counts[node] for sign, node in terms) + (extra[1] if extra else 0)
    if value == counts[total]:
        return
    if terms:
        formula = (
            " ".join(
                ("+ " if sign > 0 else "- ") + f"{node} ({counts[node]})" for sign, node in terms
            )[2:]
            + f" = {value}"
        )
    else:
        formula = f"{extra[0] if extra else 0} {value}"
    yield check.finding(
        f"prisma_flow: {total} is {counts[total]} but {formula}; expected them to be "
        f"equal: correct the count that was mistyped",
        resource="prisma_flow",
        row=rows[total],
        field="count",
    )


@register(
    "prisma.database_total",
    "error",
    "sum(search_strategies.records) equals the PRISMA database_results",
    LAYER,
)
def prisma_database_total(ctx: PackageContext) -> Iterator[Finding]:
    searches = ctx.frame("search_strategies")
    if not usable(searches, "records"):
        return
    total = int(published_round(searches)["records"].fillna(0).sum())
    yield from _arithmetic(
        prisma_database_total,
        ctx,
        (),
        "database_results",
        ("the records of search_strategies add up to", total),
    )


@register(
    "prisma.identified_total",
    "error",
    "database_results + citations_results equals identified_total",
    LAYER,
)
def prisma_identified_total(ctx: PackageContext) -> Iterator[Finding]:
    yield from _arithmetic(
        prisma_identified_total,
        ctx,
        ((1, "database_results"), (1, "citations_results")),
        "identified_total",
    )


@register(
    "prisma.duplicates", "error", "identified_total - duplicates equals records_screened", LAYER
)
def prisma_duplicates(ctx: PackageContext) -> Iterator[Finding]:
    yield from _arithmetic(
        prisma_duplicates, ctx, ((1, "identified_total"), (-1, "duplicates")), "records_screened"
    )


@register(
    "prisma.screened", "error", "records_screened - records_excluded equals reports_assessed", LAYER
)
def prisma_screened(ctx: PackageContext) -> Iterator[Finding]:
    yield from _arithmetic(
        prisma_screened,
        ctx,
        ((1, "records_screened"), (-1, "records_excluded")),
        "reports_assessed",
    )


@register(
    "prisma.included", "error", "reports_assessed - reports_excluded equals new_studies", LAYER
)
def prisma_included(ctx: PackageContext) -> Iterator[Finding]:
    yield from _arithmetic(
        prisma_included, ctx, ((1, "reports_assessed"), (-1, "reports_excluded")), "new_studies"
    )


@register(
    "prisma.included_rows",
    "error",
    "the PRISMA new_studies count equals the number of studies rows",
    LAYER,
)
def prisma_included_rows(ctx: PackageContext) -> Iterator[Finding]:
    studies = ctx.frame("studies")
    if studies is None:
        return
    yield from _arithmetic(
        prisma_included_rows,
        ctx,
        (),
        "new_studies",
        ("the number of studies rows is", len(published_round(studies))),
    )

"""Checks: consistency layer, the PRISMA flow: every node present and the arithmetic adds up."""

from __future__ import annotations

from collections.abc import Container, Iterator
from typing import TYPE_CHECKING

from ...prisma.data import flow_nodes as node_codes
from ...prisma.data import pooled
from ..registry import Check, register
from .consistency_differences import published_round, usable

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ...io.context import PackageContext
    from ..report import Finding

LAYER = "consistency"


# --- the PRISMA flow -----------------------------------------------------------------------

#: The nodes of the PRISMA 2020 template for updated reviews that only a later round has.
UPDATE_NODES = ("previous_studies", "total_studies")


def flow_nodes() -> tuple[str, ...]:
    """The nodes every round's flow needs, in flow order: the codes of ``prisma_flow.node`` (the
    shipped Table Schema) that the arithmetic of a flow counting nothing optional uses."""
    needed = {
        node for total, terms in flow_equations(()) for node in (total, *(n for _, n in terms))
    }
    return tuple(code for code in node_codes() if code in needed)


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


#: Other-methods sources besides citation searching: counted and pooled, they join
#: identified_total. (Every optional box of the template joins its box's equation only when the
#: data counts it: see ``flow_equations``.)
OTHER_SOURCES = ("website_results", "organisation_results")
#: (node it gives, terms: (sign, node), ...)
FlowEquation = tuple[str, tuple[tuple[int, str], ...]]


def flow_equations(counted: Container[str]) -> list[FlowEquation]:
    """The equations of one round's PRISMA 2020 flow, given the nodes that have a count.

    A node the template has but the data does not count (not reported, or no row) leaves its
    term out; the nodes every flow needs are always terms, so an equation whose needed node is
    missing is left out by the caller (``prisma.nodes`` reports the node).
    """

    def optional(sign: int, *nodes: str) -> tuple[tuple[int, str], ...]:
        return tuple((sign, node) for node in nodes if node in counted)

    other = ((1, "citations_results"), *optional(1, *OTHER_SOURCES)) if pooled(counted) else ()
    other_studies = ()
    if "other_reports_assessed" in counted and "other_reports_excluded" in counted:
        other_studies = ((1, "other_reports_assessed"), (-1, "other_reports_excluded"))
    out: list[FlowEquation] = [
        (
            "identified_total",
            ((1, "database_results"), *optional(1, "register_results"), *other),
        ),
        (
            "records_screened",
            (
                (1, "identified_total"),
                (-1, "duplicates"),
                *optional(-1, "excluded_automatic", "excluded_other"),
            ),
        ),
        (
            "reports_assessed",
            (
                (1, "records_screened"),
                (-1, "records_excluded"),
                *optional(-1, "reports_not_retrieved"),
            ),
        ),
        (
            "new_studies",
            ((1, "reports_assessed"), (-1, "reports_excluded"), *other_studies),
        ),
    ]
    if "reports_sought" in counted:
        out.append(
            (
                "reports_sought",
                ((1, "records_screened"), (-1, "records_excluded")),
            )
        )
    if "other_reports_sought" in counted and "other_reports_assessed" in counted:
        out.append(
            (
                "other_reports_assessed",
                ((1, "other_reports_sought"), *optional(-1, "other_reports_not_retrieved")),
            )
        )
    return out


@register("prisma.nodes", "error", "every PRISMA flow node the arithmetic needs is present", LAYER)
def prisma_nodes(ctx: PackageContext) -> Iterator[Finding]:
    flow = ctx.frame("prisma_flow")
    if not usable(flow, "node"):
        return
    present = set(published_round(flow)["node"].astype("string").dropna())
    needed = flow_nodes()
    for node in needed:
        if node not in present:
            yield prisma_nodes.finding(
                f"prisma_flow has no row for node '{node}'; expected one row per node "
                f"({', '.join(needed)}): add it with its count",
                resource="prisma_flow",
                field="node",
            )


def _arithmetic(
    check: Check,
    ctx: PackageContext,
    total: str,
    terms: tuple[tuple[int, str], ...] | None = None,
    extra: tuple[str, int] | None = None,
) -> Iterator[Finding]:
    """``sum(sign * node) (+ extra) == total``; silent when a node is missing (prisma.nodes).

    Without ``terms`` the equation is the one of ``flow_equations`` that gives ``total`` for the
    nodes the flow counts (none: the check does not apply). With more than one search round the
    ``rounds.*`` checks judge every round's flow at once (one finding per mistyped node), so
    these checks of the single published flow stay silent.
    """
    from .rounds import several_rounds

    if several_rounds(ctx):
        return
    flow = flow_counts(ctx)
    if flow is None:
        return
    counts, rows = flow
    if terms is None:
        terms = next((t for node, t in flow_equations(counts) if node == total), None)
        if terms is None:
            return
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
        "database_results",
        (),
        ("the records of search_strategies add up to", total),
    )


@register(
    "prisma.identified_total",
    "error",
    "database_results + citations_results equals identified_total (with register, website and "
    "organisation records when counted; the other-methods records only when pooled)",
    LAYER,
)
def prisma_identified_total(ctx: PackageContext) -> Iterator[Finding]:
    yield from _arithmetic(prisma_identified_total, ctx, "identified_total")


@register(
    "prisma.duplicates",
    "error",
    "identified_total - duplicates equals records_screened (less the records marked ineligible "
    "by automation tools or removed for other reasons, when counted)",
    LAYER,
)
def prisma_duplicates(ctx: PackageContext) -> Iterator[Finding]:
    yield from _arithmetic(prisma_duplicates, ctx, "records_screened")


@register(
    "prisma.screened",
    "error",
    "records_screened - records_excluded equals reports_assessed (less reports_not_retrieved, "
    "when counted)",
    LAYER,
)
def prisma_screened(ctx: PackageContext) -> Iterator[Finding]:
    yield from _arithmetic(prisma_screened, ctx, "reports_assessed")


@register(
    "prisma.included",
    "error",
    "reports_assessed - reports_excluded equals new_studies (plus the other-methods arm's "
    "assessed - excluded reports, when counted)",
    LAYER,
)
def prisma_included(ctx: PackageContext) -> Iterator[Finding]:
    yield from _arithmetic(prisma_included, ctx, "new_studies")


@register(
    "prisma.sought",
    "error",
    "records_screened - records_excluded equals reports_sought, when reports_sought is counted",
    LAYER,
)
def prisma_sought(ctx: PackageContext) -> Iterator[Finding]:
    yield from _arithmetic(prisma_sought, ctx, "reports_sought")


@register(
    "prisma.other_arm",
    "error",
    "other_reports_sought - other_reports_not_retrieved equals other_reports_assessed, when the "
    "other-methods arm is counted",
    LAYER,
)
def prisma_other_arm(ctx: PackageContext) -> Iterator[Finding]:
    yield from _arithmetic(prisma_other_arm, ctx, "other_reports_assessed")


@register(
    "prisma.not_reported",
    "error",
    "a PRISMA count is empty exactly when its basis is not_reported, and a count not reported "
    "has a note saying why",
    LAYER,
)
def prisma_not_reported(ctx: PackageContext) -> Iterator[Finding]:
    flow = ctx.frame("prisma_flow")
    if not usable(flow, "node", "count", "basis"):
        return
    notes = flow["note"] if "note" in flow.columns else None
    rounds = flow["round"] if "round" in flow.columns else None
    for index, node, count, basis in zip(
        flow.index, flow["node"], flow["count"], flow["basis"], strict=True
    ):
        where = f"prisma_flow round {_round(rounds, index)}: {node}"
        missing = _blank(count)
        if basis == "not_reported" and not missing:
            yield prisma_not_reported.finding(
                f"{where} has basis not_reported but a count ({count}); expected an empty "
                "count for a count the review does not report: remove the count, or give the "
                "basis (stated or derived) with its evidence",
                resource="prisma_flow",
                row=int(index) + 1,
                field="count",
            )
        elif basis == "not_reported" and (notes is None or _blank(notes[index])):
            yield prisma_not_reported.finding(
                f"{where} is not reported but has no note; expected the reason the count is "
                "not reported: write it in note",
                resource="prisma_flow",
                row=int(index) + 1,
                field="note",
            )
        elif basis in ("stated", "derived") and missing:
            yield prisma_not_reported.finding(
                f"{where} has basis {basis} but no count; expected a count, or basis "
                "not_reported with a note saying why: add the count or change the basis",
                resource="prisma_flow",
                row=int(index) + 1,
                field="count",
            )


def _blank(value: object) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value)) or str(value).strip() == ""


def _round(rounds: pd.Series | None, index: object) -> int:
    value = None if rounds is None else rounds[index]
    return 1 if value is None or _blank(value) else int(value)


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
        "new_studies",
        (),
        ("the number of studies rows is", len(published_round(studies))),
    )

"""Counts: PRISMA counts, the records per database, and the counts the review states."""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd

from .catalogue import Inapplicable, mutation
from .edit import (
    bump,
    pick,
    published,
    read,
    several_rounds,
    write,
)

#: PRISMA node -> the checks that name a mistyped count of the published review's flow.
PRISMA = {
    "database_results": ("prisma.database_total", "prisma.identified_total"),
    "citations_results": ("prisma.identified_total",),
    "identified_total": ("prisma.identified_total", "prisma.duplicates"),
    "duplicates": ("prisma.duplicates",),
    "records_screened": ("prisma.duplicates", "prisma.screened"),
    "records_excluded": ("prisma.screened",),
    "reports_assessed": ("prisma.screened", "prisma.included"),
    "reports_excluded": ("prisma.included",),
    "new_studies": ("prisma.included", "prisma.included_rows"),
}

#: The check that names a mistyped count in a package with several rounds (the first equation
#: of the system that uses the node: the flow's arithmetic, or previous + new = total).
ROUND_CHECKS = {
    **{node: "rounds.prisma_arithmetic" for node in PRISMA},
    "previous_studies": "rounds.previous_plus_new",
    "total_studies": "rounds.previous_plus_new",
}

#: Optional template nodes -> the published check whose equation counts them once they have a
#: count (registers beside databases, removals before screening, reports not retrieved).
TEMPLATE_OPTIONAL = {
    "register_results": "prisma.identified_total",
    "website_results": "prisma.identified_total",
    "organisation_results": "prisma.identified_total",
    "excluded_automatic": "prisma.duplicates",
    "excluded_other": "prisma.duplicates",
    "reports_not_retrieved": "prisma.screened",
}

#: Stated quantity -> the checks that name a count the rows no longer support.
_STATED = {
    "databases_searched": ("counts.databases", "errata.unexplained"),
    "included_studies": ("counts.included", "errata.unexplained"),
    "year_min": ("years.window", "errata.unexplained"),
    "year_max": ("years.window", "errata.unexplained"),
    "studies_per_design": ("counts.per_design", "errata.unexplained"),
    "studies_per_source": ("counts.per_source", "counts.source_agreement", "errata.unexplained"),
}


@mutation(
    "prisma_count",
    also=("counts.source_total",),
    picks={*(i for ids in PRISMA.values() for i in ids), *ROUND_CHECKS.values()},
)
def prisma_count(folder: Path, rnd: random.Random) -> tuple[str, ...]:
    """Change one PRISMA count so that the flow arithmetic no longer holds."""
    flow = read(folder, "prisma_flow")
    row = pick(rnd, flow, flow["node"].isin(list(PRISMA)) & (flow["count"] != ""))
    flow.loc[row, "count"] = bump(flow.loc[row, "count"], rnd)
    write(folder, "prisma_flow", flow)
    if several_rounds(folder):  # one finding for the one mistyped count, naming its round
        return (ROUND_CHECKS[flow.loc[row, "node"]],)
    return PRISMA[flow.loc[row, "node"]]


@mutation("database_records", picks=("prisma.database_total", "rounds.databases_sum"))
def database_records(folder: Path, rnd: random.Random) -> tuple[str, ...]:
    """Change the records one database returned (Table 1 no longer sums to the PRISMA total)."""
    search = read(folder, "search_strategies")
    row = pick(rnd, search, published(search))
    search.loc[row, "records"] = bump(search.loc[row, "records"], rnd)
    write(folder, "search_strategies", search)
    return ("rounds.databases_sum",) if several_rounds(folder) else ("prisma.database_total",)


def set_node(
    flow: pd.DataFrame, round: int, node: str, count: int | str, basis: str = "stated"
) -> pd.DataFrame:
    """``flow`` with ``node`` of ``round`` counted as ``count`` (its row added when absent)."""
    here = (flow["node"] == node) & (flow["round"].replace("", "1") == str(round))
    if here.any():
        flow = flow.copy()
        flow.loc[here, "count"], flow.loc[here, "basis"] = str(count), basis
        return flow
    row = {column: "" for column in flow.columns}
    steps = flow.loc[flow["round"].replace("", "1") == str(round), "step"]
    row.update(
        node=node,
        step=str(int(steps.astype(int).max()) + 1 if len(steps) else 1),
        count=str(count),
        label=node.replace("_", " ").capitalize(),
        basis=basis,
        round=str(round),
    )
    return pd.concat([flow, pd.DataFrame([row], columns=flow.columns)], ignore_index=True)


def flow_count(flow: pd.DataFrame, round: int, node: str) -> int:
    """The count of ``node`` in ``round`` (``Inapplicable`` when it has none)."""
    values = _counts_of(flow, round, node)
    if not values:
        raise Inapplicable(f"round {round} has no count of {node}")
    return values[0]


def counted(flow: pd.DataFrame, round: int, node: str) -> bool:
    """Whether ``node`` of ``round`` has a count."""
    return bool(_counts_of(flow, round, node))


def _counts_of(flow: pd.DataFrame, round: int, node: str) -> list[int]:
    here = (flow["node"] == node) & (flow["round"].replace("", "1") == str(round))
    return [int(value) for value in flow.loc[here, "count"] if value != ""]


@mutation("prisma_optional_count", picks={*TEMPLATE_OPTIONAL.values(), "rounds.prisma_arithmetic"})
def prisma_optional_count(folder: Path, rnd: random.Random) -> tuple[str, ...]:
    """Count one of the template's optional boxes (registers, automation, not retrieved...)
    without taking it out of the box it flows from, so its equation no longer holds."""
    flow = read(folder, "prisma_flow")
    node = rnd.choice(sorted(TEMPLATE_OPTIONAL))
    if counted(flow, 1, node):
        raise Inapplicable(f"{node} is already counted")
    write(folder, "prisma_flow", set_node(flow, 1, node, rnd.randint(1, 5)))
    return ("rounds.prisma_arithmetic",) if several_rounds(folder) else (TEMPLATE_OPTIONAL[node],)


@mutation("prisma_sought", picks=("prisma.sought", "rounds.prisma_arithmetic"))
def prisma_sought(folder: Path, rnd: random.Random) -> tuple[str, ...]:
    """Count the reports sought for retrieval, but not as the records screened less those
    excluded."""
    flow = read(folder, "prisma_flow")
    kept = flow_count(flow, 1, "records_screened") - flow_count(flow, 1, "records_excluded")
    if counted(flow, 1, "reports_not_retrieved"):
        raise Inapplicable("reports_not_retrieved is counted")
    wrong = kept + rnd.choice([d for d in (-2, -1, 1, 3) if kept + d >= 0])
    write(folder, "prisma_flow", set_node(flow, 1, "reports_sought", wrong))
    return ("rounds.prisma_arithmetic",) if several_rounds(folder) else ("prisma.sought",)


@mutation("prisma_other_arm", picks=("prisma.other_arm", "rounds.prisma_arithmetic"))
def prisma_other_arm(folder: Path, rnd: random.Random) -> tuple[str, ...]:
    """Count the other-methods arm on its own (records no longer pooled, the rest of the flow
    made to agree), with reports assessed that are not those sought less those not
    retrieved."""
    flow = read(folder, "prisma_flow")
    if counted(flow, 1, "register_results"):
        raise Inapplicable("registers are counted")
    databases = flow_count(flow, 1, "database_results")
    screened = flow_count(flow, 1, "records_screened")
    others = flow_count(flow, 1, "citations_results")
    if databases < screened or others < 1:
        raise Inapplicable("the database records alone are fewer than the records screened")
    for node in ("website_results", "organisation_results", "excluded_automatic", "excluded_other"):
        if counted(flow, 1, node):
            raise Inapplicable(f"{node} is counted")
    flow = set_node(flow, 1, "identified_total", databases)
    flow = set_node(flow, 1, "duplicates", databases - screened, basis="derived")
    not_retrieved = rnd.randint(0, others - 1)
    assessed = others - not_retrieved + rnd.choice([-1, 1, 2])
    flow = set_node(flow, 1, "other_reports_sought", others)
    flow = set_node(flow, 1, "other_reports_not_retrieved", not_retrieved)
    flow = set_node(flow, 1, "other_reports_assessed", max(assessed, 0))
    flow = set_node(flow, 1, "other_reports_excluded", max(assessed, 0))  # none included
    write(folder, "prisma_flow", flow)
    return ("rounds.prisma_arithmetic",) if several_rounds(folder) else ("prisma.other_arm",)


@mutation("prisma_not_reported", catches=("prisma.not_reported",))
def prisma_not_reported(folder: Path, rnd: random.Random) -> None:
    """Break the rule of counts not reported: a stated count left empty, a count not reported
    that has a count, or one with no note saying why."""
    flow = read(folder, "prisma_flow")
    how = rnd.choice(["stated_empty", "not_reported_counted", "no_note"])
    if how == "stated_empty" or not (flow["basis"] == "not_reported").any():
        row = pick(rnd, flow, flow["basis"].isin(["stated", "derived"]))
        flow.loc[row, "count"] = ""
    else:
        row = pick(rnd, flow, flow["basis"] == "not_reported")
        if how == "not_reported_counted":
            flow.loc[row, "count"] = str(rnd.randint(0, 9))
        else:
            flow.loc[row, "note"] = ""
    write(folder, "prisma_flow", flow)


@mutation(
    "stated_count",
    also=("errata.stale", "counts.source_table"),
    picks={i for ids in _STATED.values() for i in ids},
)
def stated_count(folder: Path, rnd: random.Random) -> tuple[str, ...]:
    """Change a derivable count stated in the narrative so the rows no longer support it."""
    counts = read(folder, "stated_counts")
    row = pick(
        rnd, counts, (counts["derivable"] == "true") & counts["quantity"].isin(list(_STATED))
    )
    quantity = counts.loc[row, "quantity"]
    value = int(counts.loc[row, "value"])
    if quantity.startswith("year") and counts.loc[row, "section"] == "methods":
        # The methods' bounds are inclusion criteria: only a narrower window is inconsistent
        # (the generator states the studies' own first and last years).
        step = rnd.randint(1, 3)
        counts.loc[row, "value"] = str(value + step if quantity == "year_min" else value - step)
        write(folder, "stated_counts", counts)
        return ("years.window",)
    counts.loc[row, "value"] = bump(str(value), rnd, low=1900 if quantity.startswith("year") else 0)
    write(folder, "stated_counts", counts)
    return _STATED[quantity]


@mutation(
    "stated_study_count",
    catches=(
        "counts.source_table",
        "counts.source_total",
        "counts.source_agreement",
        "errata.unexplained",
    ),
    also=("errata.stale",),
)
def stated_study_count(folder: Path, rnd: random.Random) -> None:
    """Change the study count msc_sources states for one source that no erratum names.

    An erratum about a source's count (or the narrative's count for it) already explains a
    difference there, so bumping that count may be explained too; only sources that no errata
    row names make the listed checks fire every time.
    """
    sources = read(folder, "msc_sources")
    errata = read(folder, "errata")
    named = set(errata.loc[errata["resource"] == "msc_sources", "record"].astype(str)) | {
        str(record).removeprefix("studies_per_source.")
        for record in errata.loc[errata["resource"] == "stated_counts", "record"]
    }
    row = pick(rnd, sources, ~sources["msc_source"].astype(str).isin(named))
    sources.loc[row, "stated_study_count"] = bump(sources.loc[row, "stated_study_count"], rnd)
    write(folder, "msc_sources", sources)

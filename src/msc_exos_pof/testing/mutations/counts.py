"""Counts: PRISMA counts, the records per database, and the counts the review states."""

from __future__ import annotations

import random
from pathlib import Path

from .catalogue import mutation
from .edit import (
    bump,
    pick,
    published,
    read,
    several_rounds,
    write,
)

#: PRISMA node -> the checks that name a mistyped count of the published review's flow.
_PRISMA = {
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
    **{node: "rounds.prisma_arithmetic" for node in _PRISMA},
    "previous_studies": "rounds.previous_plus_new",
    "total_studies": "rounds.previous_plus_new",
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
    picks={*(i for ids in _PRISMA.values() for i in ids), *ROUND_CHECKS.values()},
)
def prisma_count(folder: Path, rnd: random.Random) -> tuple[str, ...]:
    """Change one PRISMA count so that the flow arithmetic no longer holds."""
    flow = read(folder, "prisma_flow")
    row = pick(rnd, flow)
    flow.loc[row, "count"] = bump(flow.loc[row, "count"], rnd)
    write(folder, "prisma_flow", flow)
    if several_rounds(folder):  # one finding for the one mistyped count, naming its round
        return (ROUND_CHECKS[flow.loc[row, "node"]],)
    return _PRISMA[flow.loc[row, "node"]]


@mutation("database_records", picks=("prisma.database_total", "rounds.databases_sum"))
def database_records(folder: Path, rnd: random.Random) -> tuple[str, ...]:
    """Change the records one database returned (Table 1 no longer sums to the PRISMA total)."""
    search = read(folder, "search_strategies")
    row = pick(rnd, search, published(search))
    search.loc[row, "records"] = bump(search.loc[row, "records"], rnd)
    write(folder, "search_strategies", search)
    return ("rounds.databases_sum",) if several_rounds(folder) else ("prisma.database_total",)


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

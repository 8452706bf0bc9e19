"""Update search rounds of a living copy: each round's date, databases and PRISMA flow for
updated reviews (previous + new - removed = total), appended to the published round's tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..builders import update_flow_rows
from .flow import Flow, backwards_flow, database_count, even_split
from .summary import search_rows

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: The search query of an update round.
UPDATE_QUERY = "(Premature ovarian failure) AND (Exosomes)"


@dataclass(frozen=True)
class LaterRound:
    """An update search: its number, new studies, removals, databases and exclusions."""

    round: int
    new_studies: int
    removed: int = 0
    databases: int = 3
    flow: tuple[int, int, int, int] = (2, 10, 20, 3)  # citations, duplicates, excl., rep. excl.


def _round_row(item: LaterRound) -> dict[str, str]:
    return {
        "round": str(item.round),
        "searched": f"{2024 + item.round}-07",
        "basis": "declared",
        "evidence": "",
        "version": f"0.{item.round}.0",
        "changes": f"Update search {item.round}: {item.new_studies} new studies.",
    }


def _flow_counts(counts: Flow, previous: int, total: int) -> list[tuple[str, int]]:
    return [
        ("database_results", counts.database_results),
        ("citations_results", counts.citations),
        ("identified_total", counts.identified),
        ("duplicates", counts.duplicates),
        ("records_screened", counts.screened),
        ("records_excluded", counts.records_excluded),
        ("reports_assessed", counts.assessed),
        ("reports_excluded", counts.reports_excluded),
        ("new_studies", counts.studies),
        ("previous_studies", previous),
        ("total_studies", total),
    ]


def add_later_rounds(
    frames: dict[str, pd.DataFrame], rounds: Sequence[LaterRound], published: int
) -> None:
    """Append the rows of update rounds to ``frames`` (search_rounds, search_strategies,
    prisma_flow), built backwards from each round's new studies so that every equation of the
    PRISMA 2020 flow for updated reviews holds; ``published`` is round 1's new_studies."""
    import pandas as pd

    def append(name: str, rows: pd.DataFrame) -> None:
        frames[name] = pd.concat([frames[name], rows], ignore_index=True)

    total = published
    for item in rounds:
        counts = backwards_flow(item.new_studies, item.flow)
        records = even_split(counts.database_results, database_count(item.databases))
        previous, total = total, total + item.new_studies - item.removed
        append("search_rounds", pd.DataFrame([_round_row(item)]))
        append("search_strategies", search_rows(records, UPDATE_QUERY, item.round))
        flow = update_flow_rows(_flow_counts(counts, previous, total), item.round, evidence=True)
        append("prisma_flow", pd.DataFrame(flow))

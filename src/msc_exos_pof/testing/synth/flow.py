"""The PRISMA counts of one search round, built backwards from the studies it included so that
every subtraction of the flow holds, and the split of its records over the databases."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .invented import DATABASES


@dataclass(frozen=True)
class Flow:
    """One round's PRISMA 2020 counts (identification, screening, inclusion)."""

    database_results: int
    citations: int
    identified: int
    duplicates: int
    screened: int
    records_excluded: int
    assessed: int
    reports_excluded: int
    studies: int


def backwards_flow(studies: int, exclusions: Sequence[int]) -> Flow:
    """The flow that ends in ``studies`` included studies; ``exclusions`` is (citations,
    duplicates, records excluded, reports excluded). Citation-search records make up what the
    databases cannot (database results are never negative)."""
    citations, duplicates, records_excluded, reports_excluded = (int(v) for v in exclusions)
    assessed = studies + reports_excluded
    screened = assessed + records_excluded
    identified = screened + duplicates
    database_results = max(identified - citations, 0)
    return Flow(
        database_results=database_results,
        citations=identified - database_results,
        identified=identified,
        duplicates=duplicates,
        screened=screened,
        records_excluded=records_excluded,
        assessed=assessed,
        reports_excluded=reports_excluded,
        studies=studies,
    )


def database_count(databases: int) -> int:
    """``databases`` kept between one and the number of invented databases."""
    return max(1, min(int(databases), len(DATABASES)))


def even_split(total: int, parts: int) -> list[int]:
    """``total`` records over ``parts`` databases, the remainder on the first."""
    records = [total // parts] * parts
    records[0] += total - sum(records)
    return records

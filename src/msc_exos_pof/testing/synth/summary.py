"""The tables that summarise the studies of the published review (round 1): its search, its
PRISMA flow, the MSC sources and animal models, and the counts its text states; each derived
from ``Totals``, the counts accumulated chunk by chunk."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..tables import codes_of
from .flow import Flow, backwards_flow, database_count, even_split
from .invented import ANIMAL_MODELS, DATABASES, SOURCE_NAMES

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: The search query of the published review (update rounds search without the MSC term).
QUERY = "(Premature ovarian failure) AND (Mesenchymal Stem Cells) AND (Exosomes)"


@dataclass
class Totals:
    """What the summary tables need from the studies, accumulated chunk by chunk."""

    studies: int = 0
    year_min: int | None = None
    year_max: int | None = None
    per_source_curated: dict[str, int] = field(default_factory=dict)
    per_source_published: dict[str, int] = field(default_factory=dict)
    per_design: dict[str, int] = field(default_factory=dict)

    per_round: dict[int, int] = field(default_factory=dict)

    def add(self, studies: pd.DataFrame) -> None:
        """Count ``studies``: every round per round, and the published round 1 for the counts
        the review states (its statements describe round 1 only)."""
        if "round" in studies:
            for key, count in studies["round"].value_counts().items():
                self.per_round[int(key)] = self.per_round.get(int(key), 0) + int(count)
            studies = studies[studies["round"] == "1"]
        else:
            self.per_round[1] = self.per_round.get(1, 0) + len(studies)
        if studies.empty:
            return
        years = studies["year"].astype(int)
        low, high = int(years.min()), int(years.max())
        self.studies += len(studies)
        self.year_min = low if self.year_min is None else min(self.year_min, low)
        self.year_max = high if self.year_max is None else max(self.year_max, high)
        for column, target in (
            ("msc_source", self.per_source_curated),
            ("msc_source_published", self.per_source_published),
            ("design", self.per_design),
        ):
            for key, count in studies[column][studies[column] != ""].value_counts().items():
                target[key] = target.get(key, 0) + int(count)


def search_rows(records: Sequence[int], query: str, round: int) -> pd.DataFrame:
    """Table 1 of one round: the first ``len(records)`` databases and what each returned."""
    import pandas as pd

    return pd.DataFrame(
        {
            "database": list(DATABASES[: len(records)]),
            "table_row": [str(i + 1) for i in range(len(records))],
            "query": query,
            "filter": "No filter set",
            "records": [str(r) for r in records],
            "round": str(round),
        }
    )


def published_flow_rows(flow: Flow) -> pd.DataFrame:
    """The published review's PRISMA flow: every count stated but the duplicates, which the
    review derives."""
    import pandas as pd

    nodes = [
        ("database_results", flow.database_results, "Records identified from databases", ""),
        ("citations_results", flow.citations, "Records identified by manual searches", ""),
        ("identified_total", flow.identified, "Records identified in total", ""),
        (
            "duplicates",
            flow.duplicates,
            "Duplicate records removed",
            "identified_total - records_screened",
        ),
        ("records_screened", flow.screened, "Records screened", ""),
        ("records_excluded", flow.records_excluded, "Records excluded at screening", ""),
        ("reports_assessed", flow.assessed, "Full texts assessed for eligibility", ""),
        ("reports_excluded", flow.reports_excluded, "Full texts excluded", ""),
        ("new_studies", flow.studies, "Studies included in the review", ""),
    ]
    return pd.DataFrame(
        {
            "node": [k for k, *_ in nodes],
            "step": [str(i + 1) for i in range(len(nodes))],
            "count": [str(c) for _, c, *_ in nodes],
            "label": [label for _, _, label, _ in nodes],
            "basis": ["derived" if d else "stated" for *_, d in nodes],
            "evidence": ["" if d else f"{c} records" for _, c, _, d in nodes],
            "derivation": [d for *_, d in nodes],
            "round": "1",
        }
    )


def msc_source_rows(totals: Totals, codes: list[str]) -> pd.DataFrame:
    """Each MSC source with its description and the count of studies the review states."""
    import pandas as pd

    return pd.DataFrame(
        {
            "msc_source": codes,
            "full_name": [SOURCE_NAMES[c][0] for c in codes],
            "tissue": [SOURCE_NAMES[c][1] for c in codes],
            "origin": [SOURCE_NAMES[c][2] for c in codes],
            "origin_evidence": [f"{SOURCE_NAMES[c][0]} are {SOURCE_NAMES[c][2]}" for c in codes],
            "stated_study_count": [str(totals.per_source_published.get(c, 0)) for c in codes],
        }
    )


def animal_model_rows() -> pd.DataFrame:
    """Every printed animal model with its species (a cell line names none)."""
    import pandas as pd

    return pd.DataFrame(
        {
            "animal_model_published": [m for m, _ in ANIMAL_MODELS],
            "species": [s or "" for _, s in ANIMAL_MODELS],
            "note": ["" if s else "Names a cell line." for _, s in ANIMAL_MODELS],
        }
    )


def _stated(
    quantity: str, group: str, value: int, section: str, key: str = ""
) -> tuple[str, str, str, int, str, str]:
    """One stated count: (key, quantity, group, value, section, derivable)."""
    return (key or f"{quantity}.{group}", quantity, group, value, section, "true")


def _year_window(totals: Totals) -> tuple[int, int]:
    """The first and last publication years of the published studies (2016-2025 for none)."""
    low = totals.year_min if totals.year_min is not None else 2016
    high = totals.year_max if totals.year_max is not None else 2025
    return low, high


def stated_count_rows(totals: Totals, descriptor: dict[str, Any], databases: int) -> pd.DataFrame:
    """The counts the review's text states, each equal to what the rows give, and one count it
    states that the rows cannot derive (registered clinical trials)."""
    import pandas as pd

    n = totals.studies
    low, high = _year_window(totals)
    stated = [
        _stated("databases_searched", "", databases, "abstract", "databases_searched.abstract"),
        _stated("included_studies", "", n, "abstract", "included_studies.abstract"),
        _stated("included_studies", "", n, "results", "included_studies.results"),
        _stated("year_min", "", low, "methods", "year_min.inclusion_criteria"),
        _stated("year_max", "", high, "methods", "year_max.inclusion_criteria"),
        _stated("year_min", "", low, "results", "year_min.results"),
        _stated("year_max", "", high, "results", "year_max.results"),
        *(
            _stated("studies_per_design", d, totals.per_design.get(d, 0), "results")
            for d in codes_of(descriptor, "studies", "design")
        ),
        *(
            _stated("studies_per_source", c, totals.per_source_published.get(c, 0), "results")
            for c in codes_of(descriptor, "msc_sources", "msc_source")
        ),
        ("registered_clinical_trials", "registered_clinical_trials", "", 21, "discussion", "false"),
    ]
    counts = pd.DataFrame(
        stated, columns=["key", "quantity", "group", "value", "section", "derivable"]
    )
    counts["value"] = counts["value"].astype(str)
    quote = f"{n} studies published between {low} and {high} from {databases} databases"
    counts.insert(5, "quote", quote)
    return counts


def published_round_rows() -> dict[str, pd.DataFrame]:
    """search_rounds with the published review's search (quoted), and no study removed."""
    import pandas as pd

    return {
        "search_rounds": pd.DataFrame(
            {
                "round": ["1"],
                "searched": ["2025-07"],
                "basis": ["quoted"],
                "evidence": ["the final search update occurred in July 2025"],
                "version": [""],
                "changes": [""],
            }
        ),
    }


def summary_tables(
    totals: Totals,
    descriptor: dict[str, Any],
    databases: int = 5,
    flow: Sequence[int] = (9, 140, 110, 20),
    records: Sequence[int] | None = None,
) -> dict[str, pd.DataFrame]:
    """search_strategies, prisma_flow, msc_sources, animal_models and stated_counts (and
    search_rounds of a package with one round).

    ``flow`` is (citations, duplicates, records excluded, reports excluded); the PRISMA counts
    are built backwards from the number of studies so that every subtraction holds. ``records``
    (per database) is used when it sums to the database total, else the total is split evenly.
    """
    counts = backwards_flow(totals.studies, flow)
    databases = database_count(databases)
    if records is None or len(records) != databases or sum(records) != counts.database_results:
        records = even_split(counts.database_results, databases)
    return {
        "search_strategies": search_rows(records, QUERY, 1),
        "prisma_flow": published_flow_rows(counts),
        "msc_sources": msc_source_rows(totals, codes_of(descriptor, "msc_sources", "msc_source")),
        "animal_models": animal_model_rows(),
        "stated_counts": stated_count_rows(totals, descriptor, databases),
        **published_round_rows(),
    }

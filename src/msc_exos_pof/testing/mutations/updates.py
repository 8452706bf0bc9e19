"""Open an update search round in a package folder: the consistent base that the ``rounds``
mutations break (and that tests of living copies build on)."""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd

from ...io.included import REMOVAL_FIELDS
from ..builders import letter_code, update_flow_rows
from .catalogue import Inapplicable
from .edit import pick, read, unexplained_studies, write


def _free_study_id(taken: set[str], index: int, year: str) -> str:
    while f"update-{letter_code(index)}-{year}" in taken:
        index += 1
    return f"update-{letter_code(index)}-{year}"


def add_study(folder: Path, round: int, update_hash: bool = True) -> str:
    """Add one new study of ``round`` (its reference entry and a mechanism link too), made
    from an existing study so that every per-study rule holds; returns its study_id. The
    PRISMA flow is not touched."""
    studies = read(folder, "studies")
    references = read(folder, "references")
    links = read(folder, "study_mechanisms")
    model = studies.loc[pick(random.Random(0), studies, unexplained_studies(folder, studies))]
    model = model.copy()
    number = str(references["reference_number"].astype(int).max() + 1)
    entries = references[references["reference_number"] == model["reference_number"]]
    if entries.empty:  # an earlier mutation removed it
        raise Inapplicable("the model study has no reference entry")
    entry = entries.iloc[0].copy()
    model_id = model["study_id"]
    study_id = _free_study_id(set(studies["study_id"]), len(studies) + 1, model["year"])
    title = f"Update study {study_id} of round {round}"
    entry["reference_number"], entry["title"], entry["duplicate_of"] = number, title, ""
    model["study_id"], model["title"], model["reference_number"] = study_id, title, number
    model["table_row"] = str(studies["table_row"].astype(int).max() + 1)
    model["round"] = str(round)
    model["eligibility_concern"] = model["eligibility_evidence"] = ""
    for column in REMOVAL_FIELDS:
        if column in model.index:
            model[column] = ""  # a new study is included
    link = links.iloc[0].copy()
    link["study_id"] = study_id
    write(folder, "references", pd.concat([references, entry.to_frame().T]), update_hash=False)
    write(folder, "study_mechanisms", pd.concat([links, link.to_frame().T]), update_hash=False)
    if (folder / "data" / "study_msc_sources.csv").is_file():  # the model's sources, as its own
        sources = read(folder, "study_msc_sources")
        own = sources[sources["study_id"] == model_id].assign(study_id=study_id)
        write(folder, "study_msc_sources", pd.concat([sources, own]), update_hash=False)
    write(folder, "studies", pd.concat([studies, model.to_frame().T]), update_hash=update_hash)
    return study_id


def _add_round_row(folder: Path, rounds: pd.DataFrame, new: int, searched: str) -> None:
    row = {c: "" for c in rounds.columns}
    row.update(round=str(new), searched=searched, basis="declared", version="", changes="")
    write(folder, "search_rounds", pd.concat([rounds, pd.DataFrame([row])]), update_hash=False)


def _repeat_databases(folder: Path, last: int, new: int) -> int:
    """Search round ``new`` in the databases of round ``last``, one record each; returns how
    many databases."""
    search = read(folder, "search_strategies")
    databases = search[search["round"] == str(last)].copy()
    databases["records"] = "1"
    databases["round"] = str(new)
    write(folder, "search_strategies", pd.concat([search, databases]), update_hash=False)
    return len(databases)


def _round_counts(found: int, studies: int, previous: int) -> dict[str, int]:
    """The PRISMA flow of a round whose databases found ``found`` records and that included
    ``studies`` new studies after ``previous`` ones."""
    counts = {
        "database_results": found,
        "citations_results": 0,
        "identified_total": found,
        "duplicates": 0,
        "records_screened": found,
        "records_excluded": max(found - studies, 0),
        "reports_assessed": min(studies, found),
        "reports_excluded": 0,
        "new_studies": studies,
        "previous_studies": previous,
        "total_studies": previous + studies,
    }
    if studies > found:  # more studies than records: count them as citation-search finds
        counts["citations_results"] = studies - found
        counts["identified_total"] = counts["records_screened"] = studies
        counts["reports_assessed"] = studies
    return counts


def open_round(folder: Path, studies: int = 0, searched: str | None = None) -> int:
    """Add a consistent search round N+1 (its date, databases, PRISMA flow and ``studies`` new
    studies) to the package in ``folder``; returns its number. The base every ``rounds.*``
    mutation breaks, so they apply to a single-round package as well."""
    rounds = read(folder, "search_rounds")
    flow = read(folder, "prisma_flow")
    last = int(rounds["round"].astype(int).max())
    new = last + 1
    _add_round_row(folder, rounds, new, searched or f"{2025 + new}-07")
    found = _repeat_databases(folder, last, new)
    for _ in range(studies):
        add_study(folder, new, update_hash=False)
    counted = flow[(flow["round"] == str(last)) & (flow["count"] != "")]
    before = counted.set_index("node")["count"].astype(int)
    previous = int(before["total_studies"] if last > 1 else before["new_studies"])
    rows = update_flow_rows(list(_round_counts(found, studies, previous).items()), new)
    write(folder, "prisma_flow", pd.concat([flow, pd.DataFrame(rows, columns=flow.columns)]))
    return new

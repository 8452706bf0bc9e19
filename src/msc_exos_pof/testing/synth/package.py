"""A synthetic package as a whole: its descriptor (the shipped Table Schemas, renamed), every
resource of a small package at once, and the finished folder (derived tables, shipped
vocabularies, bytes and hashes)."""

from __future__ import annotations

import copy
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...io.included import REMOVAL_FIELDS
from ..tables import RESOURCE_ORDER, columns_of, read_table, write_csv
from .errata import Errata, apply_errata, count_errata
from .invented import BACKGROUND_REFERENCES
from .plan import Plan
from .review import REVIEW_RESOURCES, review_tables
from .rounds import LaterRound, add_later_rounds
from .studies import background_references, build_chunk
from .summary import Totals, summary_tables

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def shipped_descriptor() -> dict[str, Any]:
    """A deep copy of the shipped descriptor: the only place field definitions come from."""
    from ...io.descriptor import read_descriptor

    return copy.deepcopy(read_descriptor(None))


def synthetic_descriptor(n: int) -> dict[str, Any]:
    """The shipped descriptor (schemas untouched) renamed and described as synthetic."""
    descriptor = shipped_descriptor()
    descriptor["name"] = "msc-exos-pof-synthetic"
    descriptor["title"] = f"Synthetic msc-exos-pof package with {n} studies"
    descriptor["description"] = (
        "Invented rows that satisfy every Table Schema and consistency "
        "rule of msc-exos-pof; for testing and benchmarks only."
    )
    descriptor.pop("id", None)
    return descriptor


def _record_removals(studies: pd.DataFrame, removed: Sequence[tuple[str, int]]) -> pd.DataFrame:
    """``studies`` with the removal of each (study id, round) recorded in its row."""
    studies = studies.copy()
    for column in REMOVAL_FIELDS:
        if column not in studies:
            studies[column] = ""
    for study, number in removed:
        row = studies["study_id"] == study
        studies.loc[row, "removed_round"] = str(number)
        studies.loc[row, "removal_reason"] = "retracted"
        studies.loc[row, "removal_note"] = "Retraction notice of the synthetic journal."
    return studies


def _with_removals(
    later: Sequence[LaterRound], removed: Sequence[tuple[str, int]]
) -> list[LaterRound]:
    """``later`` with each round's count of the studies it removed."""
    return [
        LaterRound(
            item.round,
            item.new_studies,
            sum(1 for _, r in removed if r == item.round),
            item.databases,
            item.flow,
        )
        for item in later
    ]


def assemble(
    plan: Plan,
    descriptor: dict[str, Any],
    choices: Sequence[tuple[str, int]] = (),
    databases: int = 5,
    flow: Sequence[int] = (9, 140, 110, 20),
    records: Sequence[int] | None = None,
    later: Sequence[LaterRound] = (),
    removals: Sequence[tuple[int, int]] = (),
) -> dict[str, pd.DataFrame]:
    """Every resource of a small package (one chunk) as text frames, errata included.

    ``later``: update rounds (their new studies are the plan's studies of that round);
    ``removals``: (study row, round) of studies a later round removed."""
    import pandas as pd

    tables = build_chunk(plan, descriptor)
    errata = Errata()
    apply_errata(tables, choices, errata, len(plan.source) + BACKGROUND_REFERENCES + 1)
    totals = Totals()
    totals.add(tables.studies)
    count_errata(totals, errata, descriptor)
    frames = summary_tables(totals, descriptor, databases, flow, records)
    removed = [(tables.studies["study_id"].iloc[row], r) for row, r in removals]
    add_later_rounds(frames, _with_removals(later, removed), totals.studies)
    extra = pd.DataFrame(errata.extra_references, columns=tables.references.columns)
    frames.update(
        {
            "references": pd.concat(
                [background_references(), tables.references, extra], ignore_index=True
            ),
            "studies": _record_removals(tables.studies, removed),
            "study_mechanisms": tables.study_mechanisms,
            "errata": pd.DataFrame(errata.rows, columns=columns_of(descriptor, "errata")),
        }
    )
    return {name: frames[name].reset_index(drop=True) for name in RESOURCE_ORDER}


def _write_review_tables(folder: Path, descriptor: dict[str, Any]) -> None:
    """Write the review's tables (citations, claims...) that ``folder`` lacks, derived from its
    studies."""
    missing = [
        resource
        for resource in descriptor["resources"]
        if resource["name"] in REVIEW_RESOURCES and not (folder / resource["path"]).exists()
    ]
    if not missing:
        return
    tables = review_tables(read_table(folder, "studies"))
    for resource in missing:
        name = resource["name"]
        write_csv(tables[name], folder / resource["path"], columns_of(descriptor, name))


def _record_files(folder: Path, descriptor: dict[str, Any]) -> None:
    """Record each resource's bytes and hash in ``descriptor``; a resource the generator does
    not make (the vocabularies) gets the shipped file first."""
    from ...io.hashing import file_digest
    from ...io.locate import shipped_package_dir

    for resource in descriptor["resources"]:
        target = folder / resource["path"]
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(shipped_package_dir() / resource["path"], target)
        resource["bytes"], resource["hash"] = file_digest(target)


def finish_descriptor(folder: Path, descriptor: dict[str, Any]) -> None:
    """Write each resource's bytes and hash into ``descriptor`` and save it in ``folder``.

    Resources outside ``RESOURCE_ORDER`` that are not written yet get the rows ``review_tables``
    derives from the written studies (the review's citations, claims and concerns), or else the
    shipped file (the vocabularies).
    """
    from ...io.atomic import write_json_atomic

    _write_review_tables(folder, descriptor)
    _record_files(folder, descriptor)
    write_json_atomic(folder / "datapackage.json", descriptor)

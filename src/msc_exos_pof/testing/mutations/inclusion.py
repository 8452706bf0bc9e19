"""Studies and what names them: a deleted studies row, a study without its MSC-source link."""

from __future__ import annotations

import random
from pathlib import Path

from .catalogue import Inapplicable, mutation
from .edit import pick, read, write


@mutation(
    "study_row_deleted",
    catches=("studies.missing_row",),
    also=("schema.foreign_key", "errata", "counts", "prisma", "rounds", "claims", "years.window"),
)
def study_row_deleted(folder: Path, rnd: random.Random) -> None:
    """Delete one studies row and keep every row that names the study (its mechanisms, its MSC
    sources, claims): one finding names the study, the rest is folded into it."""
    studies = read(folder, "studies")
    if len(studies) < 2:
        raise Inapplicable("deleting the only study leaves a header-only table")
    mechanisms = read(folder, "study_mechanisms")
    sources = read(folder, "study_msc_sources")
    named = (
        mechanisms["study_id"].value_counts().add(sources["study_id"].value_counts(), fill_value=0)
    )
    row = pick(rnd, studies, studies["study_id"].map(named).fillna(0) >= 2)
    write(folder, "studies", studies.drop(index=row))


@mutation("msc_source_link_dropped", catches=("links.msc_source_coverage",))
def msc_source_link_dropped(folder: Path, rnd: random.Random) -> None:
    """Drop the study_msc_sources row of a study's curated MSC source."""
    studies = read(folder, "studies")
    links = read(folder, "study_msc_sources")
    curated = set(zip(studies["study_id"], studies["msc_source"], strict=True))
    mask = [pair in curated for pair in zip(links["study_id"], links["msc_source"], strict=True)]
    write(folder, "study_msc_sources", links.drop(index=pick(rnd, links, mask)))

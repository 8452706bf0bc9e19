"""Rows dropped or repeated: studies, mechanism links, primary keys, PRISMA nodes."""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd

from .catalogue import Inapplicable, mutation
from .counts import PRISMA
from .edit import (
    pick,
    published,
    read,
    several_rounds,
    unexplained_studies,
    write,
)


@mutation(
    "study_dropped",
    also=("counts", "years.window", "errata.unexplained", "errata.stale", "studies.missing_row"),
    picks=("prisma.included_rows", "rounds.included_rows", "counts.included"),
)
def study_dropped(folder: Path, rnd: random.Random) -> tuple[str, ...]:
    """Drop one study of the published round (and its mechanism links) without recording a
    removal: the counts no longer match the rows."""
    studies = read(folder, "studies")
    if len(studies) < 2:
        raise Inapplicable("dropping the only study leaves a header-only table")
    mask = unexplained_studies(folder, studies) & published(studies)
    row = pick(rnd, studies, mask & (studies.get("removed_round", "") == ""))
    study = studies.loc[row, "study_id"]
    for name in ("study_mechanisms", "study_msc_sources", "claims"):
        if (folder / "data" / f"{name}.csv").is_file():  # rows that name it go with it
            links = read(folder, name)
            write(folder, name, links[links["study_id"] != study], update_hash=False)
    write(folder, "studies", studies.drop(index=row))
    several = several_rounds(folder)
    return ("rounds.included_rows" if several else "prisma.included_rows", "counts.included")


@mutation(
    "study_duplicated",
    catches=("schema.primary_key", "duplicates.study_title"),
    also=(
        "schema.unique",
        "duplicates",
        "prisma.included_rows",
        "rounds",
        "counts",
        "errata",
        "years.window",
        "studies",
    ),
)
def study_duplicated(folder: Path, rnd: random.Random) -> None:
    """Repeat one study row."""
    studies = read(folder, "studies")
    row = pick(rnd, studies)
    write(folder, "studies", pd.concat([studies, studies.loc[[row]]], ignore_index=True))


@mutation("mechanism_duplicated", catches=("schema.primary_key",))
def mechanism_duplicated(folder: Path, rnd: random.Random) -> None:
    """Repeat one study_mechanisms row (composite primary key study_id + mechanism)."""
    links = read(folder, "study_mechanisms")
    row = pick(rnd, links)
    write(folder, "study_mechanisms", pd.concat([links, links.loc[[row]]], ignore_index=True))


@mutation("primary_key_duplicated", catches=("schema.primary_key", "schema.unique"))
def primary_key_duplicated(folder: Path, rnd: random.Random) -> None:
    """Give a background reference entry the number of another one."""
    references = read(folder, "references")
    background = references[
        ~references["reference_number"].isin(read(folder, "studies")["reference_number"])
        & (references["duplicate_of"] == "")
        & ~references["reference_number"].isin(references["duplicate_of"])
    ]
    if len(background) < 2:
        raise Inapplicable("needs two background references")
    first, second = rnd.sample(list(background.index), 2)
    references.loc[first, "reference_number"] = references.loc[second, "reference_number"]
    write(folder, "references", references)


@mutation("prisma_node_missing", catches=("prisma.nodes",), also=("prisma", "schema.required"))
def prisma_node_missing(folder: Path, rnd: random.Random) -> None:
    """Drop one node of the published review's PRISMA flow that every flow needs."""
    flow = read(folder, "prisma_flow")
    needed = published(flow) & flow["node"].isin(list(PRISMA))
    write(folder, "prisma_flow", flow.drop(index=pick(rnd, flow, needed)))


@mutation("mechanism_coverage", catches=("links.mechanism_coverage",))
def mechanism_coverage(folder: Path, rnd: random.Random) -> None:
    """Remove every mechanism link of one study (a warning: the study is not described)."""
    links = read(folder, "study_mechanisms")
    if links["study_id"].nunique() < 2:
        raise Inapplicable("the table would be left header-only (table.empty)")
    study = links.loc[pick(rnd, links), "study_id"]
    write(folder, "study_mechanisms", links[links["study_id"] != study])

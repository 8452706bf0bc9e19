"""Years, labels, references and duplicates: rows that disagree with each other."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pandas as pd

from ..builders import erratum
from .catalogue import Inapplicable, mutation
from .edit import (
    add_erratum,
    pick,
    published,
    read,
    unexplained_studies,
    write,
)


@mutation("year_outside_window", catches=("years.window", "errata.unexplained"))
def year_outside_window(folder: Path, rnd: random.Random) -> None:
    """Move a study of the published round (label, reference and all) past the stated
    publication window."""
    studies = read(folder, "studies")
    row = pick(rnd, studies, unexplained_studies(folder, studies) & published(studies))
    old = studies.loc[row, "year"]
    new = str(studies["year"].astype(int).max() + rnd.randint(1, 3))
    studies.loc[row, "year"] = new
    studies.loc[row, "label_published"] = studies.loc[row, "label_published"][:-4] + new
    references = read(folder, "references")
    number = studies.loc[row, "reference_number"]
    references.loc[references["reference_number"] == number, "year"] = new
    assert references.loc[references["reference_number"] == number, "year"].ne(old).all()
    write(folder, "references", references, update_hash=False)
    write(folder, "studies", studies)


@mutation("label_year_typo", catches=("years.label", "errata.unexplained"))
def label_year_typo(folder: Path, rnd: random.Random) -> None:
    """Change the year printed in a study's label, without an errata row."""
    studies = read(folder, "studies")
    row = pick(rnd, studies, unexplained_studies(folder, studies))
    label = studies.loc[row, "label_published"]
    studies.loc[row, "label_published"] = label[:-4] + str(int(label[-4:]) + rnd.choice([-1, 1]))
    write(folder, "studies", studies)


@mutation("label_author_typo", catches=("studies.first_author_label", "errata.unexplained"))
def label_author_typo(folder: Path, rnd: random.Random) -> None:
    """Misspell the family name in a study's label, without an errata row."""
    studies = read(folder, "studies")
    row = pick(rnd, studies, unexplained_studies(folder, studies))
    family = studies.loc[row, "first_author"]
    label = studies.loc[row, "label_published"]
    studies.loc[row, "label_published"] = label.replace(family, family + "x", 1)
    write(folder, "studies", studies)


@mutation("species_unexplained", catches=("studies.species", "errata.unexplained"))
def species_unexplained(folder: Path, rnd: random.Random) -> None:
    """Curate a species that contradicts the printed animal model, without an errata row."""
    studies = read(folder, "studies")
    mask = unexplained_studies(folder, studies) & studies["species"].isin(["rat", "mouse"])
    row = pick(rnd, studies, mask)
    studies.loc[row, "species"] = "rabbit"
    write(folder, "studies", studies)


@mutation(
    "msc_source_unexplained",
    catches=("studies.msc_source", "errata.unexplained"),
    also=("counts.per_source", "counts.source_table", "errata.stale", "links.msc_source_coverage"),
)
def msc_source_unexplained(folder: Path, rnd: random.Random) -> None:
    """Curate an MSC source other than the printed one, without an errata row."""
    studies = read(folder, "studies")
    row = pick(rnd, studies, unexplained_studies(folder, studies))
    published = studies.loc[row, "msc_source_published"]
    studies.loc[row, "msc_source"] = "AFSC" if published != "AFSC" else "MenSC"
    write(folder, "studies", studies)


@mutation("eligibility_mismatch", catches=("studies.eligibility_evidence",))
def eligibility_mismatch(folder: Path, rnd: random.Random) -> None:
    """Give a study eligibility evidence without a concern, or a concern without evidence."""
    studies = read(folder, "studies")
    row = pick(rnd, studies)
    if studies.loc[row, "eligibility_concern"]:
        studies.loc[row, "eligibility_evidence"] = ""
    else:
        studies.loc[row, "eligibility_evidence"] = studies.loc[row, "title"][:20]
    write(folder, "studies", studies)


def _study_reference(folder: Path, rnd: random.Random) -> tuple[pd.DataFrame, Any]:
    studies = read(folder, "studies")
    references = read(folder, "references")
    row = pick(rnd, studies, unexplained_studies(folder, studies))
    target = references["reference_number"] == studies.loc[row, "reference_number"]
    # A duplicate entry of this reference would then disagree with it: leave those alone.
    if references["duplicate_of"].eq(studies.loc[row, "reference_number"]).any():
        raise Inapplicable("the reference has a duplicate entry")
    return references, target


@mutation("reference_year", catches=("years.reference",))
def reference_year(folder: Path, rnd: random.Random) -> None:
    """Date a study's reference entry a year off the study's year."""
    references, target = _study_reference(folder, rnd)
    references.loc[target, "year"] = (references.loc[target, "year"].astype(int) + 1).astype(str)
    write(folder, "references", references)


@mutation("reference_author", catches=("studies.first_author_reference",))
def reference_author(folder: Path, rnd: random.Random) -> None:
    """Give a study's reference entry another first author."""
    references, target = _study_reference(folder, rnd)
    references.loc[target, "authors"] = "Quill Z, " + references.loc[target, "authors"]
    write(folder, "references", references)


@mutation("reference_title", catches=("studies.title_reference",))
def reference_title(folder: Path, rnd: random.Random) -> None:
    """Give a study's reference entry another title."""
    references, target = _study_reference(folder, rnd)
    references.loc[target, "title"] = "An entirely different title " + str(rnd.randint(1, 99))
    write(folder, "references", references)


def _copy_between_studies(folder: Path, rnd: random.Random, column: str) -> None:
    """Give one study the ``column`` value of another."""
    studies = read(folder, "studies")
    if len(studies) < 2:
        raise Inapplicable("needs two studies")
    first, second = rnd.sample(list(studies.index), 2)
    studies.loc[first, column] = studies.loc[second, column]
    write(folder, "studies", studies)


@mutation(
    "duplicate_study_title",
    catches=("duplicates.study_title", "schema.unique"),
    also=("studies.title_reference", "duplicates.reference_unlinked"),
)
def duplicate_study_title(folder: Path, rnd: random.Random) -> None:
    """Give one study the title of another."""
    _copy_between_studies(folder, rnd, "title")


@mutation(
    "shared_reference",
    catches=("duplicates.study_reference", "schema.unique"),
    also=("studies", "years.reference"),
)
def shared_reference(folder: Path, rnd: random.Random) -> None:
    """Point two studies at the same reference entry."""
    _copy_between_studies(folder, rnd, "reference_number")


@mutation("reference_unlinked", catches=("duplicates.reference_unlinked",))
def reference_unlinked(folder: Path, rnd: random.Random) -> None:
    """Add a reference entry that repeats another without saying so (duplicate_of empty)."""
    references = read(folder, "references")
    row = pick(rnd, references, references["duplicate_of"] == "")
    copy = references.loc[[row]].copy()
    copy["reference_number"] = str(references["reference_number"].astype(int).max() + 1)
    write(folder, "references", pd.concat([references, copy], ignore_index=True))


@mutation(
    "reference_chain",
    catches=("duplicates.reference_chain",),
    also=("errata.unexplained", "errata.stale", "errata.known"),
)
def reference_chain(folder: Path, rnd: random.Random) -> None:
    """Make a reference entry a duplicate of itself (with an erratum saying so)."""
    references = read(folder, "references")
    mask = (references["duplicate_of"] == "") & ~references["reference_number"].isin(
        references["duplicate_of"]
    )
    row = pick(rnd, references, mask)
    number = references.loc[row, "reference_number"]
    references.loc[row, "duplicate_of"] = number
    errata_row = erratum(
        "references", number, "duplicate_of", "", number, "duplicate_reference", "x", "x"
    )
    add_erratum(folder, errata_row, update_hash=False)
    write(folder, "references", references)

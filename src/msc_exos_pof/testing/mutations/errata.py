"""Errata: rows removed, invented, changed or pointing nowhere, and a difference they explain."""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd

from ..builders import erratum
from .catalogue import Inapplicable, mutation
from .edit import (
    add_erratum,
    pick,
    read,
    unexplained_studies,
    write,
)

#: Errata kind -> the checks that fire when an erratum of that kind is removed.
_ERRATA_KINDS = {
    "label_year_mismatch": ("years.label", "errata.unexplained"),
    "label_author_typo": ("studies.first_author_label", "errata.unexplained"),
    "cell_contradicts_title": ("errata.unexplained",),
    "duplicate_reference": ("errata.unexplained",),
    "stated_count_unsupported": ("errata.unexplained",),
}

#: (resource, field) -> the checks that fire when an erratum about that field is removed (they
#: name the difference more precisely than its kind).
_ERRATA_FIELDS = {
    ("studies", "species"): ("studies.species", "errata.unexplained"),
    ("studies", "msc_source"): ("studies.msc_source", "errata.unexplained"),
    ("stated_counts", "value"): ("counts.per_source", "errata.unexplained"),
    ("msc_sources", "stated_study_count"): ("counts.source_table", "errata.unexplained"),
}


def _errata(folder: Path) -> pd.DataFrame:
    errata = read(folder, "errata")
    if errata.empty:
        raise Inapplicable("the package has no errata")
    return errata


@mutation(
    "errata_removed",
    also=("counts", "errata.stale", "table.empty"),
    picks={i for ids in (*_ERRATA_KINDS.values(), *_ERRATA_FIELDS.values()) for i in ids},
)
def errata_removed(folder: Path, rnd: random.Random) -> tuple[str, ...]:
    """Remove one errata row: its difference is now unexplained."""
    errata = _errata(folder)
    row = pick(rnd, errata)
    key = (errata.loc[row, "resource"], errata.loc[row, "field"])
    write(folder, "errata", errata.drop(index=row))
    return _ERRATA_FIELDS.get(key) or _ERRATA_KINDS[errata.loc[row, "kind"]]


@mutation("errata_added", catches=("errata.stale",))
def errata_added(folder: Path, rnd: random.Random) -> None:
    """Add an errata row for a difference that does not exist."""
    studies = read(folder, "studies")
    row = pick(rnd, studies, unexplained_studies(folder, studies))
    sid, year = studies.loc[row, "study_id"], studies.loc[row, "year"]
    invented = str(int(year) - 5)
    note = "An invented difference."
    add_erratum(
        folder, erratum("studies", sid, "year", invented, year, "label_year_mismatch", "x", note)
    )


@mutation(
    "errata_value_changed",
    catches=("errata.stale", "errata.unexplained"),
    also=("counts", "years", "studies", "duplicates"),
)
def errata_value_changed(folder: Path, rnd: random.Random) -> None:
    """Change the published value an errata row records: it no longer matches the data."""
    errata = _errata(folder)
    row = pick(rnd, errata)
    value = errata.loc[row, "published_value"]
    errata.loc[row, "published_value"] = (value + "9") if value else "9"
    write(folder, "errata", errata)


@mutation(
    "errata_id",
    catches=("errata.id",),
    also=("errata.stale", "errata.unexplained", "errata.target"),
)
def errata_id(folder: Path, rnd: random.Random) -> None:
    """Make an erratum_id disagree with its resource/record/field columns."""
    errata = _errata(folder)
    row = pick(rnd, errata)
    resource, record, name = errata.loc[row, ["resource", "record", "field"]]
    errata.loc[row, "erratum_id"] = f"{resource}/{record}x/{name}"
    write(folder, "errata", errata)


@mutation("errata_target", catches=("errata.target",), also=("errata.stale",))
def errata_target(folder: Path, rnd: random.Random) -> None:
    """Add an errata row for a record that does not exist."""
    target = rnd.choice(
        (
            ("studies", "nobody-zz-2020", "year"),
            ("studies", read(folder, "studies").loc[0, "study_id"], "colour"),
            ("msc_sources", "iPSC", "stated_study_count"),
        )
    )
    resource, record, name = target
    note = "A row about nothing."
    add_erratum(folder, erratum(resource, record, name, "1", "2", "label_year_mismatch", "x", note))


@mutation("explained_difference", catches=("errata.known",))
def explained_difference(folder: Path, rnd: random.Random) -> None:
    """Introduce a label year typo together with its errata row (valid: a known erratum)."""
    studies = read(folder, "studies")
    row = pick(rnd, studies, unexplained_studies(folder, studies))
    sid, year = studies.loc[row, "study_id"], studies.loc[row, "year"]
    wrong = str(int(year) - 1)
    studies.loc[row, "label_published"] = studies.loc[row, "label_published"][:-4] + wrong
    note = "The label is a year off."
    add_erratum(
        folder,
        erratum("studies", sid, "year", wrong, year, "label_year_mismatch", "x", note),
        update_hash=False,
    )
    write(folder, "studies", studies)

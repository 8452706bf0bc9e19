"""Real, documented differences in a synthetic package: each kind edits a study (or repeats a
reference entry) and records the errata row that reconciles it; and the errata that the stated
per-source counts then need."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..builders import erratum
from ..tables import codes_of
from .studies import Tables

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .summary import Totals


@dataclass
class Errata:
    """Documented differences introduced into a chunk, and the extra reference entries they need."""

    rows: list[dict[str, str]] = field(default_factory=list)
    extra_references: list[dict[str, str]] = field(default_factory=list)


def _set(studies: pd.DataFrame, row: int, column: str, value: str) -> None:
    studies.iloc[row, studies.columns.get_loc(column)] = value


def _label_year(tables: Tables, row: int, study: pd.Series, errata: Errata, _: int) -> bool:
    """The label prints a year two years early; the reference entry gives the real one."""
    label, year = study["label_published"], study["year"]
    if not label.endswith(" " + year):
        return False
    wrong = str(int(year) - 2)
    _set(tables.studies, row, "label_published", label[:-4] + wrong)
    errata.rows.append(
        erratum(
            "studies",
            study["study_id"],
            "year",
            wrong,
            year,
            "label_year_mismatch",
            tables.references.iloc[row]["title"],
            f"The label says {wrong}; the reference entry gives {year}.",
        )
    )
    return True


def _label_author(tables: Tables, row: int, study: pd.Series, errata: Errata, _: int) -> bool:
    """The label misspells the first author's family name."""
    label = study["label_published"]
    if " et al. " not in label or not label.split(" et al. ")[0].endswith(
        "." + study["first_author"]
    ):
        return False
    author, rest = label.split(" et al. ", 1)
    _set(tables.studies, row, "label_published", f"{author}et et al. {rest}")
    errata.rows.append(
        erratum(
            "studies",
            study["study_id"],
            "first_author",
            f"{author}et",
            study["first_author"],
            "label_author_typo",
            tables.references.iloc[row]["authors"],
            "The label misspells the family name; the reference entry gives it.",
        )
    )
    return True


def _species(tables: Tables, row: int, study: pd.Series, errata: Errata, _: int) -> bool:
    """Table 2 prints "Mice"; the curators corrected the species to rat."""
    if study["animal_model_published"] != "Mice" or study["species"] != "mouse":
        return False
    _set(tables.studies, row, "species", "rat")
    errata.rows.append(
        erratum(
            "studies",
            study["study_id"],
            "species",
            "Mice",
            "rat",
            "cell_contradicts_title",
            study["title"],
            'Table 2 prints "Mice"; the title says rats.',
        )
    )
    return True


def _msc_source(tables: Tables, row: int, study: pd.Series, errata: Errata, _: int) -> bool:
    """The curators removed the printed MSC source (the title shows none applies); never from
    the last study with a source, whose removal would leave study_msc_sources empty."""
    if not study["msc_source"] == study["msc_source_published"] != "":
        return False
    if (tables.studies["msc_source"] != "").sum() < 2:
        return False
    _set(tables.studies, row, "msc_source", "")
    errata.rows.append(
        erratum(
            "studies",
            study["study_id"],
            "msc_source",
            study["msc_source_published"],
            "",
            "cell_contradicts_title",
            study["title"],
            "The title shows that no MSC source applies.",
        )
    )
    return True


def _duplicate_reference(
    tables: Tables, row: int, study: pd.Series, errata: Errata, number: int
) -> bool:
    """A second reference entry, numbered ``number``, repeats the study's entry."""
    original = tables.references.iloc[row].to_dict()
    errata.extra_references.append(
        {**original, "reference_number": str(number), "duplicate_of": original["reference_number"]}
    )
    errata.rows.append(
        erratum(
            "references",
            str(number),
            "duplicate_of",
            "",
            original["reference_number"],
            "duplicate_reference",
            original["authors"],
            f"Reference {number} repeats reference {original['reference_number']}.",
        )
    )
    return True


#: kind -> ``make(tables, row, study, errata, next free reference number)``: whether it applied.
DIFFERENCES: dict[str, Callable[[Tables, int, Any, Errata, int], bool]] = {
    "label_year": _label_year,
    "label_author": _label_author,
    "species": _species,
    "msc_source": _msc_source,
    "duplicate_reference": _duplicate_reference,
}
#: Kinds of real, documented differences a synthetic package may carry (each with its erratum).
ERRATA_KINDS = tuple(DIFFERENCES)


def apply_errata(
    tables: Tables,
    choices: Sequence[tuple[str, int]],
    errata: Errata,
    next_reference: int,
    limit: int | None = None,
) -> int:
    """Introduce the chosen differences (kind, row of the chunk) and record their errata rows.

    A choice that does not apply to its row (e.g. ``species`` on a row not printed "Mice") is
    skipped; at most ``limit`` differences of each kind are made. Only a handful of rows are
    touched, so a loop over ``choices`` is fine. Returns the next free reference number
    (duplicate reference entries are numbered after all others).
    """
    studies = tables.studies
    done: set[tuple[str, int]] = set()
    made: dict[str, int] = {}
    for kind, row in choices:
        make = DIFFERENCES.get(kind)
        if make is None or (kind, row) in done or not 0 <= row < len(studies):
            continue
        if limit is not None and made.get(kind, 0) >= limit:
            continue
        added = len(errata.extra_references)
        if make(tables, row, studies.iloc[row], errata, next_reference):
            next_reference += len(errata.extra_references) - added
            done.add((kind, row))
            made[kind] = made.get(kind, 0) + 1
    return next_reference


def count_errata(totals: Totals, errata: Errata, descriptor: dict[str, Any]) -> None:
    """Errata for stated per-source counts that the curated rows no longer support."""
    for source in codes_of(descriptor, "studies", "msc_source"):
        published = totals.per_source_published.get(source, 0)
        curated = totals.per_source_curated.get(source, 0)
        if published == curated:
            continue
        for resource, record, name in (
            ("stated_counts", f"studies_per_source.{source}", "value"),
            ("msc_sources", source, "stated_study_count"),
        ):
            errata.rows.append(
                erratum(
                    resource,
                    record,
                    name,
                    str(published),
                    str(curated),
                    "stated_count_unsupported",
                    "Synthetic study titles",
                    f"{published} rows are filed under {source}, but "
                    f"{published - curated} of them use no MSC source.",
                )
            )

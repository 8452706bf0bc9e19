"""The review's reference list as bibliography entries: only what the list prints.

Each entry carries the printed authors, title, journal, year, volume, issue and pages and
nothing else (no DOI, no invented identifier). The citation key is the included study's
``study_id`` for a study's reference and ``ref<number>`` (its number in the list) otherwise.
``to_bibtex``, ``to_ris`` and ``to_csljson`` write these entries with bibtexparser, rispy and
``json``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

#: Whether a bibliography export holds only the included studies' references (``--included``).
INCLUDED_ONLY: ContextVar[bool] = ContextVar("included_only", default=False)

_INITIALS = re.compile(r"^[A-Z]{1,5}$")


@contextmanager
def included_only(value: bool = True) -> Iterator[None]:
    """Within this block, bibliography exports hold only the included studies' references."""
    token = INCLUDED_ONLY.set(value)
    try:
        yield
    finally:
        INCLUDED_ONLY.reset(token)


@dataclass(frozen=True)
class Author:
    """One printed author: ``family`` and ``given`` initials, or ``literal`` when the printed
    name is not "Family Initials"."""

    family: str = ""
    given: str = ""
    literal: str = ""


@dataclass(frozen=True)
class Entry:
    key: str
    number: int
    authors: tuple[Author, ...]
    title: str
    journal: str
    year: int
    volume: str
    issue: str
    pages: str


def authors(printed: str) -> tuple[Author, ...]:
    """Split a printed author list ("Li M, Zhu Y, Hayati Roodbari N") into authors."""
    found = []
    for name in (part.strip() for part in printed.split(",")):
        if not name:
            continue
        family, _, given = name.rpartition(" ")
        if family and _INITIALS.match(given):
            found.append(Author(family=family, given=given))
        else:
            found.append(Author(literal=name))
    return tuple(found)


def entries(
    path: str | os.PathLike[str] | None = None, included: bool | None = None
) -> list[Entry]:
    """The bibliography entries of the package at ``path``, in reference-list order; only the
    references of the studies included now when ``included`` (default: ``INCLUDED_ONLY``)."""
    import pandas as pd

    from ..io.convert import load_frame
    from ..io.included import included_now

    included = INCLUDED_ONLY.get() if included is None else included
    references = load_frame("references", path)
    studies = load_frame("studies", path)
    keys = {
        int(n): str(s)
        for n, s in zip(studies["reference_number"], studies["study_id"], strict=True)
    }
    now = included_now(studies, "studies", path)
    included_numbers = {int(n) for n in now["reference_number"].dropna()}
    found = []
    for row in references.itertuples(index=False):
        number = int(row.reference_number)
        if included and number not in included_numbers:
            continue

        def text(value: Any) -> str:
            return "" if pd.isna(value) else str(value)

        found.append(
            Entry(
                key=keys.get(number, f"ref{number}"),
                number=number,
                authors=authors(text(row.authors)),
                title=text(row.title),
                journal=text(row.journal),
                year=int(row.year),
                volume=text(row.volume),
                issue=text(row.issue),
                pages=text(row.pages),
            )
        )
    return found


def page_range(pages: str) -> tuple[str, str]:
    """``"555-571"`` -> ``("555", "571")``; an article number stays whole."""
    first, dash, last = pages.partition("-")
    return (first, last) if dash and first and last else (pages, "")

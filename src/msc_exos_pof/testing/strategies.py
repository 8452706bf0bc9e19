"""Hypothesis strategies: ``consistent_packages()`` draws internally consistent packages of
any size, built by the same row builder as ``msc-exos-pof synth`` (needs the ``test`` extra)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st

from .synth.errata import ERRATA_KINDS
from .synth.flow import backwards_flow
from .synth.invented import ANIMAL_MODELS, DATABASES, FAMILIES, SOURCE_NAMES
from .synth.package import (
    assemble,
    finish_descriptor,
    shipped_descriptor,
    synthetic_descriptor,
)
from .synth.plan import Plan
from .synth.rounds import LaterRound
from .tables import RESOURCE_ORDER, codes_of, columns_of, write_csv

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

#: ``draw`` of a composite strategy: one value from the strategy it is given.
Draw = Callable[[st.SearchStrategy[Any]], Any]


@dataclass
class SyntheticPackage:
    """An in-memory, internally consistent package: text frames per resource and a descriptor.

    ``tables[name]`` holds the CSV cells as text ("" for missing), in Table Schema column order.
    """

    tables: dict[str, pd.DataFrame]
    descriptor: dict[str, Any] = field(repr=False)

    @property
    def studies(self) -> int:
        return len(self.tables["studies"])

    @property
    def errata(self) -> int:
        return len(self.tables["errata"])

    def write(self, folder: str | os.PathLike[str]) -> Path:
        """Write ``datapackage.json`` (with bytes and hashes) and the CSVs; return the folder."""
        folder = Path(folder)
        (folder / "data").mkdir(parents=True, exist_ok=True)
        for name in RESOURCE_ORDER:
            write_csv(
                self.tables[name],
                folder / "data" / f"{name}.csv",
                columns_of(self.descriptor, name),
            )
        finish_descriptor(folder, self.descriptor)
        return folder

    def __repr__(self) -> str:  # hypothesis prints failing examples: keep it short
        return f"SyntheticPackage(studies={self.studies}, errata={self.errata})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


def _splits(draw: Draw, total: int, parts: int) -> list[int]:
    """``parts`` non-negative integers that sum to ``total``."""
    cuts = sorted(draw(st.lists(st.integers(0, total), min_size=parts - 1, max_size=parts - 1)))
    edges = [0, *cuts, total]
    return [edges[i + 1] - edges[i] for i in range(parts)]


def _draw_plan(draw: Draw, descriptor: dict[str, Any], n: int) -> Plan:
    """The per-study choices of ``n`` studies, published within a window of up to 13 years."""
    import numpy as np

    def column(low: int, high: int) -> np.ndarray:
        return np.array(
            draw(st.lists(st.integers(low, high), min_size=n, max_size=n)), dtype=np.int64
        )

    def choice(resource: str, name: str) -> np.ndarray:
        return column(0, len(codes_of(descriptor, resource, name)) - 1)

    low = draw(st.integers(1990, 2024))
    return Plan(
        start=0,
        source=column(0, len(SOURCE_NAMES) - 1),
        design=choice("studies", "design"),
        model=column(0, len(ANIMAL_MODELS) - 1),
        family=column(0, len(FAMILIES) - 1),
        year=column(low, low + draw(st.integers(0, 12))),
        effector=choice("studies", "effector_type"),
        mechanism=choice("study_mechanisms", "mechanism"),
        second_mechanism=choice("study_mechanisms", "mechanism"),
        concern=column(0, len(codes_of(descriptor, "studies", "eligibility_concern"))),
    )


def _draw_differences(
    draw: Draw, n: int, min_errata: int, max_errata: int
) -> list[tuple[str, int]]:
    """(kind, row) of the documented differences to try; the first ``min_errata`` use kinds
    that apply to any row."""
    always = st.sampled_from(("label_year", "label_author", "duplicate_reference"))
    rows = st.integers(0, n - 1)
    guaranteed = draw(
        st.lists(st.tuples(always, rows), min_size=min_errata, max_size=min_errata, unique=True)
    )
    extra = draw(
        st.lists(
            st.tuples(st.sampled_from(ERRATA_KINDS), rows),
            max_size=max(0, max_errata - min_errata),
            unique=True,
        )
    )
    return [*guaranteed, *extra]


def _draw_round_sizes(draw: Draw, n: int, max_rounds: int) -> list[int]:
    """The studies each search round included: round 1 (the published review) at least one."""
    rounds = draw(st.integers(1, max(1, max_rounds)))
    if rounds == 1:
        return [n]
    published = draw(st.integers(1, n))
    return [published, *_splits(draw, n - published, rounds - 1)]


def _draw_later_rounds(draw: Draw, sizes: list[int]) -> list[LaterRound]:
    return [
        LaterRound(
            r,
            sizes[r - 1],
            databases=draw(st.integers(1, len(DATABASES))),
            flow=draw(st.tuples(*(st.integers(0, 60) for _ in range(4)))),
        )
        for r in range(2, len(sizes) + 1)
    ]


def _draw_removals(draw: Draw, included: np.ndarray, rounds: int) -> list[tuple[int, int]]:
    """(study row, round) of up to two studies a round after their own removed."""
    removals = []
    if rounds > 1:
        for row in draw(st.lists(st.integers(0, len(included) - 1), max_size=2, unique=True)):
            round_ = int(included[row])
            if round_ < rounds:
                removals.append((row, draw(st.integers(round_ + 1, rounds))))
    return removals


def _draw_published_search(
    draw: Draw, published: int
) -> tuple[int, tuple[int, int, int, int], list[int]]:
    """The published review's databases, its PRISMA exclusions and the records per database."""
    databases = draw(st.integers(1, len(DATABASES)))
    flow = draw(st.tuples(*(st.integers(0, 300) for _ in range(4))))
    records = _splits(draw, backwards_flow(published, flow).database_results, databases)
    return databases, flow, records


@st.composite
def consistent_packages(
    draw: Draw,
    min_studies: int = 1,
    max_studies: int = 60,
    min_errata: int = 0,
    max_errata: int = 4,
    max_rounds: int = 3,
) -> SyntheticPackage:
    """Strategy: a ``SyntheticPackage`` whose tables satisfy every schema and consistency rule.

    Studies spread over the six MSC sources (some possibly empty), stated counts and PRISMA
    arithmetic derived from them, one reference entry per study, animal models for every
    printed model, mechanisms for every study; up to ``max_errata`` real differences (label
    year or author typos, species or MSC-source cells contradicted by the title, duplicate
    reference entries), each reconciled by an errata row. ``min_errata`` are always made.
    Up to ``max_rounds`` search rounds: round 1 (the published review, which the stated counts
    describe) has at least one study, each update round its own databases, PRISMA flow with
    previous + new = total, and possibly removals of earlier studies.
    """
    import numpy as np

    descriptor = synthetic_descriptor(0)
    n = draw(st.integers(min_studies, max_studies))
    plan = _draw_plan(draw, descriptor, n)
    differences = _draw_differences(draw, n, min_errata, max_errata)
    sizes = _draw_round_sizes(draw, n, max_rounds)
    plan.round = np.repeat(np.arange(1, len(sizes) + 1), sizes)
    later = _draw_later_rounds(draw, sizes)
    removals = _draw_removals(draw, plan.round, len(sizes))
    databases, flow, records = _draw_published_search(draw, sizes[0])
    tables = assemble(plan, descriptor, differences, databases, flow, records, later, removals)
    descriptor["title"] = f"Synthetic msc-exos-pof package with {n} studies"
    return SyntheticPackage(tables, descriptor)


def shipped_schemas_are_reused(package: SyntheticPackage) -> bool:
    """True when the package's Table Schemas are exactly the shipped ones (never redefined)."""
    shipped = {r["name"]: r["schema"] for r in shipped_descriptor()["resources"]}
    return all(r["schema"] == shipped[r["name"]] for r in package.descriptor["resources"])

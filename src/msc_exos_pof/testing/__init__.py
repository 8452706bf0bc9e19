"""Hypothesis strategies for consistent msc-exos-pof packages, and a catalogue of mutations.

Importing this module imports hypothesis and pandas; ``import msc_exos_pof`` never imports it.

>>> from hypothesis import given
>>> from msc_exos_pof.testing import consistent_packages
>>> @given(consistent_packages(max_studies=20))
... def test_my_pipeline_accepts_any_valid_package(package, tmp_path_factory):
...     folder = package.write(tmp_path_factory.mktemp("pkg"))
...     my_pipeline(folder)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from hypothesis import strategies as st

from .mutations import MUTATIONS, Inapplicable, Mutation, mutation_ids
from .synth import (
    ANIMAL_MODELS,
    DATABASES,
    ERRATA_KINDS,
    FAMILIES,
    RESOURCE_ORDER,
    SOURCE_NAMES,
    LaterRound,
    Plan,
    _columns,
    _enum,
    assemble,
    finish_descriptor,
    shipped_descriptor,
    synthetic_descriptor,
    write_csv,
)

__all__ = [
    "MUTATIONS",
    "Inapplicable",
    "Mutation",
    "SyntheticPackage",
    "consistent_packages",
    "mutation_ids",
]


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
                self.tables[name], folder / "data" / f"{name}.csv", _columns(self.descriptor, name)
            )
        finish_descriptor(folder, self.descriptor)
        return folder

    def __repr__(self) -> str:  # hypothesis prints failing examples: keep it short
        return f"SyntheticPackage(studies={self.studies}, errata={self.errata})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


def _splits(draw: Any, total: int, parts: int) -> list[int]:
    """``parts`` non-negative integers that sum to ``total``."""
    cuts = sorted(draw(st.lists(st.integers(0, total), min_size=parts - 1, max_size=parts - 1)))
    edges = [0, *cuts, total]
    return [edges[i + 1] - edges[i] for i in range(parts)]


@st.composite
def consistent_packages(
    draw: Any,
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

    def column(low: int, high: int) -> np.ndarray:
        return np.array(
            draw(st.lists(st.integers(low, high), min_size=n, max_size=n)), dtype=np.int64
        )

    mechanisms = len(_enum(descriptor, "study_mechanisms", "mechanism"))
    low = draw(st.integers(1990, 2024))
    plan = Plan(
        start=0,
        source=column(0, len(SOURCE_NAMES) - 1),
        design=column(0, len(_enum(descriptor, "studies", "design")) - 1),
        model=column(0, len(ANIMAL_MODELS) - 1),
        family=column(0, len(FAMILIES) - 1),
        year=column(low, low + draw(st.integers(0, 12))),
        effector=column(0, len(_enum(descriptor, "studies", "effector_type")) - 1),
        mechanism=column(0, mechanisms - 1),
        second_mechanism=column(0, mechanisms - 1),
        concern=column(0, len(_enum(descriptor, "studies", "eligibility_concern"))),
    )
    # The first `min_errata` differences use kinds that apply to any row.
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
    rounds = draw(st.integers(1, max(1, max_rounds)))
    published = draw(st.integers(1, n)) if rounds > 1 else n
    sizes = [published, *_splits(draw, n - published, rounds - 1)] if rounds > 1 else [n]
    plan.round = np.repeat(np.arange(1, rounds + 1), sizes)
    later = [
        LaterRound(
            r,
            sizes[r - 1],
            databases=draw(st.integers(1, len(DATABASES))),
            flow=draw(st.tuples(*(st.integers(0, 60) for _ in range(4)))),
        )
        for r in range(2, rounds + 1)
    ]
    removals = []
    if rounds > 1:
        for row in draw(st.lists(st.integers(0, n - 1), max_size=2, unique=True)):
            included = int(plan.round[row])
            if included < rounds:
                removals.append((row, draw(st.integers(included + 1, rounds))))
    databases = draw(st.integers(1, len(DATABASES)))
    flow = draw(st.tuples(*(st.integers(0, 300) for _ in range(4))))
    identified = published + flow[3] + flow[2] + flow[1]
    database_results = max(identified - flow[0], 0)
    records = _splits(draw, database_results, databases)
    tables = assemble(
        plan, descriptor, [*guaranteed, *extra], databases, flow, records, later, removals
    )
    descriptor["title"] = f"Synthetic msc-exos-pof package with {n} studies"
    return SyntheticPackage(tables, descriptor)


def shipped_schemas_are_reused(package: SyntheticPackage) -> bool:
    """True when the package's Table Schemas are exactly the shipped ones (never redefined)."""
    shipped = {r["name"]: r["schema"] for r in shipped_descriptor()["resources"]}
    return all(r["schema"] == shipped[r["name"]] for r in package.descriptor["resources"])

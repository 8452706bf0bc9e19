"""The per-study choices of a chunk of studies, as integer arrays; drawn with numpy for
``synth`` (the hypothesis strategy draws its own)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..tables import codes_of
from .invented import ANIMAL_MODELS, FAMILIES, SOURCE_NAMES

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np


@dataclass
class Plan:
    """Per-study choices as integer arrays (one entry per study), plus the package-level knobs.

    Every array has one entry per study of the chunk; ``start`` is the 0-based index of the
    chunk's first study in the whole package.
    """

    start: int
    source: np.ndarray  # index into the msc_source enum
    design: np.ndarray  # index into the design enum
    model: np.ndarray  # index into ANIMAL_MODELS
    family: np.ndarray  # index into FAMILIES
    year: np.ndarray  # publication year
    effector: np.ndarray  # index into the effector_type enum
    mechanism: np.ndarray  # index into the mechanism enum
    second_mechanism: np.ndarray  # 0: none, k>0: mechanism + k (mod len)
    concern: np.ndarray  # 0: none, k>0: eligibility_concern enum index k-1
    round: np.ndarray | None = None  # search round that included the study (None: all round 1)


def random_plan(
    rng: np.random.Generator,
    start: int,
    n: int,
    descriptor: dict[str, Any],
    year_range: tuple[int, int] = (2016, 2025),
) -> Plan:
    """Per-study choices drawn with numpy (for ``synth``)."""
    import numpy as np

    mechanisms = len(codes_of(descriptor, "study_mechanisms", "mechanism"))
    concerns = len(codes_of(descriptor, "studies", "eligibility_concern"))
    concern = rng.integers(1, concerns + 1, n)
    concern[rng.random(n) < 0.8] = 0
    return Plan(
        start=start,
        source=rng.integers(0, len(SOURCE_NAMES), n),
        design=rng.choice(3, n, p=[0.85, 0.1, 0.05]),
        model=rng.integers(0, len(ANIMAL_MODELS), n),
        family=rng.integers(0, len(FAMILIES), n),
        year=rng.integers(year_range[0], year_range[1] + 1, n),
        effector=rng.integers(0, len(codes_of(descriptor, "studies", "effector_type")), n),
        mechanism=rng.integers(0, mechanisms, n),
        second_mechanism=np.where(rng.random(n) < 0.5, rng.integers(1, mechanisms, n), 0),
        concern=concern,
    )

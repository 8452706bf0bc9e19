"""The per-study rows of a chunk, vectorised: studies, their reference entries and their
mechanism links; and the background reference entries no study cites."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..builders import initials, letters
from ..tables import codes_of
from .invented import ANIMAL_MODELS, BACKGROUND_REFERENCES, FAMILIES
from .plan import Plan

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd


@dataclass
class Tables:
    """Rows of the per-study resources (studies, references, mechanism links) for one chunk."""

    studies: pd.DataFrame
    references: pd.DataFrame
    study_mechanisms: pd.DataFrame


def text(values: Any) -> np.ndarray:
    """Each value as text, in an object array (the cells of a text frame)."""
    import numpy as np

    return np.asarray(values).astype(str).astype(object)


def _codes(descriptor: dict[str, Any], resource: str, name: str) -> np.ndarray:
    import numpy as np

    return np.array(codes_of(descriptor, resource, name), dtype=object)


def study_rows(plan: Plan, descriptor: dict[str, Any]) -> pd.DataFrame:
    """One studies row per planned study: ids, labels and cells from the plan's choices."""
    import numpy as np
    import pandas as pd

    concerns = np.array([""] + codes_of(descriptor, "studies", "eligibility_concern"), dtype=object)
    mechanisms = _codes(descriptor, "study_mechanisms", "mechanism")
    n = len(plan.source)
    index = np.arange(plan.start, plan.start + n, dtype=np.int64)
    number = text(index + 1)
    code = letters(index)
    family = np.array(FAMILIES, dtype=object)[plan.family]
    year = text(plan.year)
    source = _codes(descriptor, "studies", "msc_source")[plan.source]
    model = np.array([m for m, _ in ANIMAL_MODELS], dtype=object)[plan.model]
    concern = concerns[plan.concern]
    studies = pd.DataFrame(
        {
            "study_id": np.char.lower(family.astype(str)).astype(object) + "-" + code + "-" + year,
            "table_row": number,
            "reference_number": text(index + 1 + BACKGROUND_REFERENCES),
            "label_published": "",
            "first_author": family,
            "year": year,
            "title": (
                "Synthetic study " + number + ": " + source + "-derived exosomes restore ovarian "
                "function in a " + model + " model"
            ),
            "effector_published": source + "-Exos",
            "effector_type": _codes(descriptor, "studies", "effector_type")[plan.effector],
            "msc_source_published": source,
            "msc_source": source,
            "animal_model_published": model,
            "species": np.array([s or "" for _, s in ANIMAL_MODELS], dtype=object)[plan.model],
            "design": _codes(descriptor, "studies", "design")[plan.design],
            "effect_published": "Improve ovarian function via " + mechanisms[plan.mechanism],
            "eligibility_concern": concern,
            "eligibility_evidence": np.where(concern != "", "Synthetic study " + number, ""),
            "curation_note": "",
            "round": "1" if plan.round is None else text(plan.round),
        }
    )
    studies["label_published"] = initials(index) + "." + family + " et al. " + year
    return studies


def reference_rows(plan: Plan, studies: pd.DataFrame) -> pd.DataFrame:
    """Each study's reference entry: same title, first author and year as its row."""
    import numpy as np
    import pandas as pd

    index = np.arange(plan.start, plan.start + len(studies), dtype=np.int64)
    family = studies["first_author"].to_numpy()
    return pd.DataFrame(
        {
            "reference_number": studies["reference_number"],
            "authors": family + " " + initials(index) + ", Doe J, Roe R",
            "title": studies["title"],
            "journal": "Journal of Synthetic Reproduction",
            "year": studies["year"],
            "volume": text(plan.year - 2000),
            "issue": text(index % 12 + 1),
            "pages": text(index % 900 + 100) + "-" + text(index % 900 + 110),
            "duplicate_of": "",
        }
    )


def mechanism_links(plan: Plan, studies: pd.DataFrame, descriptor: dict[str, Any]) -> pd.DataFrame:
    """One link per study to its mechanism, and a second (with a pathway) where planned; in
    study order."""
    import numpy as np
    import pandas as pd

    mechanisms = _codes(descriptor, "study_mechanisms", "mechanism")
    index = np.arange(plan.start, plan.start + len(studies), dtype=np.int64)
    ids = studies["study_id"].to_numpy()
    evidence = studies["effect_published"].to_numpy()
    second = plan.second_mechanism > 0
    other = (plan.mechanism + plan.second_mechanism) % len(mechanisms)
    first_links = pd.DataFrame(
        {
            "order": index * 2,
            "study_id": ids,
            "mechanism": mechanisms[plan.mechanism],
            "pathway": "",
            "evidence": evidence,
            "evidence_kind": "table_2",
            "direction": "increases",
        }
    )
    second_links = pd.DataFrame(
        {
            "order": index[second] * 2 + 1,
            "study_id": ids[second],
            "mechanism": mechanisms[other[second]],
            "pathway": "PI3K/AKT",
            "evidence": evidence[second],
            "evidence_kind": "table_2",
        }
    )
    links = pd.concat([first_links, second_links]).sort_values("order", kind="stable")
    return links.drop(columns="order").reset_index(drop=True)


def build_chunk(plan: Plan, descriptor: dict[str, Any]) -> Tables:
    """Studies, their reference entries and mechanism links for one chunk, vectorised."""
    studies = study_rows(plan, descriptor)
    return Tables(
        studies, reference_rows(plan, studies), mechanism_links(plan, studies, descriptor)
    )


def background_references(start: int = 1) -> pd.DataFrame:
    """Reference entries no study cites (the review's introduction, methods...)."""
    import pandas as pd

    numbers = range(start, start + BACKGROUND_REFERENCES)
    return pd.DataFrame(
        {
            "reference_number": [str(i) for i in numbers],
            "authors": [f"Page M{chr(65 + i)}, Moher D" for i in numbers],
            "title": [f"Background reading number {i} on reviews" for i in numbers],
            "journal": "BMJ",
            "year": "2021",
            "volume": "372",
            "issue": "",
            "pages": [f"n{i}" for i in numbers],
            "duplicate_of": "",
        }
    )

"""The resources about the review's own text (citations, claims, concerns, study sources),
derived from the written studies: each study's Table 2 citation marker, one claim that agrees
with its row, its curated MSC source, and one concern."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: The resources ``review_tables`` derives.
REVIEW_RESOURCES = ("citations", "citation_references", "claims", "concerns", "study_msc_sources")

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _table_2_row(studies: pd.DataFrame) -> pd.Series:
    return "Table 2 › row " + studies["table_row"].astype(str)


def _numbers(studies: pd.DataFrame) -> pd.Series:
    """001, 002, ...: the number of each study's citation and claim."""
    import pandas as pd

    return pd.Series(range(1, len(studies) + 1), index=studies.index).astype(str).str.zfill(3)


def citation_rows(studies: pd.DataFrame) -> pd.DataFrame:
    """Each study's citation in Table 2: its label and reference number as a superscript."""
    import pandas as pd

    reference = studies["reference_number"].astype(str)
    marker = reference.map(lambda value: value.translate(_SUPERSCRIPT))
    return pd.DataFrame(
        {
            "citation_id": "C" + _numbers(studies),
            "section": "table_2",
            "locator": _table_2_row(studies) + " › Study",
            "anchor": studies["label_published"],
            "marker": marker,
            "cited": reference,
            "sentence": studies["label_published"] + " " + marker,
        }
    )


def citation_reference_rows(citations: pd.DataFrame) -> pd.DataFrame:
    """The reference entry each citation points to."""
    import pandas as pd

    return pd.DataFrame(
        {
            "citation_id": citations["citation_id"],
            "reference_number": citations["cited"],
            "from_range": "false",
        }
    )


def claim_rows(studies: pd.DataFrame, citations: pd.DataFrame) -> pd.DataFrame:
    """One claim per study, citing it, that states its design (and agrees with its row); every
    100th study also gets a mechanism claim (its first link, "Improve ovarian function via
    <mechanism>"), so that the mechanism and direction rules have claims to judge."""
    import pandas as pd

    design = pd.DataFrame(
        {
            "claim_id": "CL" + _numbers(studies),
            "section": "results",
            "locator": "Results ¶1",
            "quote": studies["label_published"],
            "citation_id": citations["citation_id"],
            "subject_type": "study",
            "study_id": studies["study_id"],
            "attribute": "design",
            "value": studies["design"],
            "verdict": "agrees",
        }
    )
    n = len(studies)
    sample = studies.iloc[::100]
    mechanism = pd.DataFrame(
        {
            "claim_id": "CL"
            + pd.Series(range(n + 1, n + 1 + len(sample)), index=sample.index)
            .astype(str)
            .str.zfill(3),
            "section": "results",
            "locator": "Results ¶1",
            "quote": sample["effect_published"],
            "citation_id": citations.loc[sample.index, "citation_id"],
            "subject_type": "study",
            "study_id": sample["study_id"],
            "attribute": "mechanism",
            "value": sample["effect_published"].str.rsplit(" via ", n=1).str[-1],
            "direction": "increases",
            "verdict": "agrees",
        }
    )
    return pd.concat([design, mechanism], ignore_index=True)


def study_source_rows(studies: pd.DataFrame) -> pd.DataFrame:
    """The curated MSC source of each study that has one, with the Table 2 cell as evidence."""
    import pandas as pd

    sourced = studies[studies["msc_source"] != ""]
    return pd.DataFrame(
        {
            "study_id": sourced["study_id"],
            "msc_source": sourced["msc_source"],
            "basis": "table_2",
            "evidence": sourced["msc_source_published"],
            "evidence_locator": _table_2_row(sourced) + " › MSCs type",
            "table_2": (sourced["msc_source_published"] == sourced["msc_source"]).map(
                {True: "true", False: "false"}
            ),
        }
    )


def concern_rows() -> pd.DataFrame:
    """One concern (every package records the review's concerns; a synthetic one has none)."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "concern_id": "CN-synthetic",
                "kind": "unsupported_claim",
                "section": "results",
                "locator": "Results ¶1",
                "quote": "Synthetic rows",
                "disagreement": "None: synthetic.",
                "resolution": "None.",
            }
        ]
    )


def review_tables(studies: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Rows of the resources about the review's own text, derived from ``studies`` (text
    cells)."""
    citations = citation_rows(studies)
    return {
        "citations": citations,
        "citation_references": citation_reference_rows(citations),
        "claims": claim_rows(studies, citations),
        "concerns": concern_rows(),
        "study_msc_sources": study_source_rows(studies),
    }

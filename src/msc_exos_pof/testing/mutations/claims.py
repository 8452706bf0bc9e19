"""Claims: the review's narrative, citations and concerns against the curated rows."""

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
    write,
)


def _claims(folder: Path) -> pd.DataFrame:
    claims = read(folder, "claims")
    if claims.empty:
        raise Inapplicable("the package has no claims")
    return claims


def _next_id(ids: pd.Series, prefix: str) -> str:
    numbers = ids.str[len(prefix) :].astype(int)
    return f"{prefix}{int(numbers.max()) + 1:03d}"


@mutation("claim_contradicted", catches=("claims.contradicts_study",))
def claim_contradicted(folder: Path, rnd: random.Random) -> None:
    """Make a claim attribute to a study a design (or species, source) another study has."""
    claims, studies = _claims(folder), read(folder, "studies")
    about = claims[claims["subject_type"] == "study"]
    row = pick(rnd, about)
    study = studies[studies["study_id"] == about.loc[row, "study_id"]].iloc[0]
    for attribute, column in (
        ("design", "design"),
        ("species", "species"),
        ("msc_source", "msc_source"),
    ):
        others = sorted(set(studies[column]) - {study[column], ""})
        if others and study[column]:
            claims.loc[row, ["attribute", "value", "verdict", "concern_id"]] = [
                attribute,
                rnd.choice(others),
                "contradicts",
                "",
            ]
            write(folder, "claims", claims)
            return
    raise Inapplicable("every study has the same design, species and source")


@mutation("claim_unsupported", catches=("claims.unsupported",))
def claim_unsupported(folder: Path, rnd: random.Random) -> None:
    """Make a claim attribute a mechanism no study reports, with no concern recording it."""
    claims = _claims(folder)
    row = pick(rnd, claims)
    claims.loc[row, ["attribute", "value", "verdict", "concern_id"]] = [
        "mechanism",
        "NLRP3 inflammasome",
        "unsupported",
        "",
    ]
    write(folder, "claims", claims)


@mutation("claim_expected", catches=("claims.expected",))
def claim_expected(folder: Path, rnd: random.Random) -> None:
    """Give an agreeing claim the recorded verdict 'contradicts'."""
    claims = _claims(folder)
    row = pick(rnd, claims, claims["verdict"] == "agrees")
    claims.loc[row, "verdict"] = "contradicts"
    write(folder, "claims", claims)


@mutation("claim_direction_reversed", catches=("claims.contradicts_study",))
def claim_direction_reversed(folder: Path, rnd: random.Random) -> None:
    """Reverse the direction of a mechanism claim about a study whose Table 2 row (or title)
    gives the same direction, with no concern recording it."""
    claims, links = _claims(folder), read(folder, "study_mechanisms")
    if "direction" not in claims or not {"direction", "evidence_kind"} <= set(links):
        raise Inapplicable("the package records no directions")
    judged = links[links["evidence_kind"].isin(["table_2", "title"]) & (links["direction"] != "")]
    given = set(zip(judged["study_id"], judged["mechanism"], judged["direction"], strict=True))
    keys = zip(claims["study_id"], claims["value"], claims["direction"], strict=True)
    same = pd.Series([key in given for key in keys], index=claims.index)
    row = pick(rnd, claims, same & (claims["subject_type"] == "study"))
    reversed_ = {"increases": "decreases", "decreases": "increases"}
    claims.loc[row, ["direction", "verdict", "concern_id"]] = [
        reversed_[claims.loc[row, "direction"]],
        "contradicts",
        "",
    ]
    write(folder, "claims", claims)


@mutation("mechanism_link_narrative", catches=("claims.expected",), also=("claims.",))
def mechanism_link_narrative(folder: Path, rnd: random.Random) -> None:
    """Mark the Table 2 link an agreeing mechanism claim about one study rests on as narrative
    evidence: claims are never judged against the narrative, so the claim no longer agrees."""
    claims, links = _claims(folder), read(folder, "study_mechanisms")
    if "evidence_kind" not in links:
        raise Inapplicable("the package records no evidence kinds")
    agreeing = claims[
        (claims["subject_type"] == "study")
        & (claims["attribute"] == "mechanism")
        & (claims["verdict"] == "agrees")
    ]
    claimed = set(zip(agreeing["study_id"], agreeing["value"], strict=True))
    keys = zip(links["study_id"], links["mechanism"], strict=True)
    resting = pd.Series([key in claimed for key in keys], index=links.index)
    row = pick(rnd, links, resting & (links["evidence_kind"] != "narrative"))
    links.loc[row, "evidence_kind"] = "narrative"
    write(folder, "study_mechanisms", links)


@mutation("count_claim", catches=("claims.count_contradicted",))
def count_claim(folder: Path, rnd: random.Random) -> None:
    """Add a claim of more studies on MSC-derived exosomes than there are studies."""
    claims, studies = _claims(folder), read(folder, "studies")
    added = dict.fromkeys(claims.columns, "")
    added.update(
        {
            "claim_id": _next_id(claims["claim_id"], "CL"),
            "section": "results",
            "locator": "Results ¶1",
            "quote": "all on exosomes",
            "subject_type": "included_studies",
            "attribute": "count_exosome_studies",
            "value": str(len(studies) + rnd.randint(1, 5)),
            "verdict": "contradicts",
        }
    )
    write(folder, "claims", pd.concat([claims, pd.DataFrame([added])], ignore_index=True))


@mutation("claim_cites_background", catches=("claims.cites_non_included",))
def claim_cites_background(folder: Path, rnd: random.Random) -> None:
    """Point the citation of a claim about a study at a background reference entry."""
    claims, links = _claims(folder), read(folder, "citation_references")
    references, studies = read(folder, "references"), read(folder, "studies")
    background = references[
        ~references["reference_number"].isin(studies["reference_number"])
        & (references["duplicate_of"] == "")
    ]
    cited = claims[(claims["citation_id"] != "") & (claims["subject_type"] == "study")]
    if background.empty or cited.empty:
        raise Inapplicable("needs a background reference and a claim with a citation")
    citation = cited.loc[pick(rnd, cited), "citation_id"]
    links.loc[links["citation_id"] == citation, "reference_number"] = rnd.choice(
        list(background["reference_number"])
    )
    write(folder, "citation_references", links.drop_duplicates(["citation_id", "reference_number"]))


@mutation(
    "citation_to_duplicate", catches=("citations.duplicate_reference",), also=("errata.known",)
)
def citation_to_duplicate(folder: Path, rnd: random.Random) -> None:
    """Add a (documented) duplicate of a cited reference entry and cite the duplicate."""
    links, references = read(folder, "citation_references"), read(folder, "references")
    row = pick(rnd, links)
    original = links.loc[row, "reference_number"]
    copy = references[references["reference_number"] == original].iloc[[0]].copy()
    if copy["duplicate_of"].iloc[0]:
        raise Inapplicable("the cited entry is itself a duplicate")
    number = str(references["reference_number"].astype(int).max() + 1)
    copy["reference_number"], copy["duplicate_of"] = number, original
    errata_row = erratum(
        "references", number, "duplicate_of", "", original, "duplicate_reference", "x", "x"
    )
    add_erratum(folder, errata_row, update_hash=False)
    write(folder, "references", pd.concat([references, copy], ignore_index=True), update_hash=False)
    links.loc[row, "reference_number"] = number
    write(folder, "citation_references", links)


@mutation("concern_added", catches=("concerns.recorded",))
def concern_added(folder: Path, rnd: random.Random) -> None:
    """Record one more concern (every concern is surfaced as info)."""
    concerns = read(folder, "concerns")
    added = dict.fromkeys(concerns.columns, "")
    added.update(
        {
            "concern_id": f"CN-added-{rnd.randint(1, 999)}",
            "kind": "unsupported_claim",
            "section": "discussion",
            "locator": "Discussion ¶1",
            "quote": "x",
            "disagreement": "x",
            "resolution": "x",
        }
    )
    write(folder, "concerns", pd.concat([concerns, pd.DataFrame([added])], ignore_index=True))

"""Every transcribed value and every quote in the package occurs in the review's own text."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import msc_exos_pof
from msc_exos_pof.io.descriptor import read_descriptor


def normalise(text: str) -> str:
    """Collapse whitespace, drop Markdown emphasis and re-join entries split by a page break.

    The source text marks emphasis with ``*`` and continues a reference split across pages on a
    new list item ("Bio Organ\\n\\n- for Treatment"); neither is part of the published wording.
    """
    text = re.sub(r"\n\s*\n\s*-\s+", " ", text)
    return re.sub(r"\s+", " ", text.replace("*", "")).strip()


@pytest.fixture(scope="module")
def source(request: pytest.FixtureRequest) -> str:
    from conftest import SOURCE_TEXT

    if not SOURCE_TEXT.is_file():
        pytest.skip(f"the review's full text is not redistributed; expected it at {SOURCE_TEXT}")
    return normalise(SOURCE_TEXT.read_text(encoding="utf-8"))


# (resource, column): every non-empty cell must occur verbatim in the review.
VERBATIM = [
    ("search_strategies", "database"),
    ("search_strategies", "query"),
    ("search_strategies", "filter"),
    ("prisma_flow", "evidence"),
    ("msc_sources", "full_name"),
    ("msc_sources", "tissue"),
    ("msc_sources", "origin_evidence"),
    ("animal_models", "animal_model_published"),
    ("references", "authors"),
    ("references", "title"),
    ("references", "journal"),
    ("studies", "label_published"),
    ("studies", "title"),
    ("studies", "effector_published"),
    ("studies", "msc_source_published"),
    ("studies", "animal_model_published"),
    ("studies", "effect_published"),
    ("studies", "eligibility_evidence"),
    ("study_mechanisms", "evidence"),
    ("stated_counts", "quote"),
    ("errata", "evidence"),
    ("search_rounds", "evidence"),
]


@pytest.mark.parametrize(("resource", "column"), VERBATIM, ids=[f"{r}.{c}" for r, c in VERBATIM])
def test_every_transcribed_cell_occurs_in_the_review(
    source: str, resource: str, column: str
) -> None:
    cells = msc_exos_pof.load(resource)[column].dropna().astype(str)
    missing = [cell for cell in cells.unique() if normalise(cell) not in source]
    assert not missing, f"{resource}.{column}: not found in the review: {missing}"


def test_every_reference_entry_is_transcribed_with_its_year_and_pages(source: str) -> None:
    references = msc_exos_pof.load("references")
    for row in references.itertuples():
        tail = str(row.year)
        if pd.notna(row.volume):
            tail += f";{row.volume}"
        if pd.notna(row.issue):
            tail += f"({row.issue})"
        if pd.notna(row.pages):
            tail += f":{row.pages}"
        title = row.title if row.title.endswith(("?", "!")) else f"{row.title}."
        entry = f"{title} {row.journal}. {tail}" if pd.notna(row.journal) else f"{title} {tail}"
        assert normalise(entry) in source, row.reference_number


def test_each_stated_count_quote_contains_its_value(source: str) -> None:
    words = {5: "five"}
    for row in msc_exos_pof.load("stated_counts").itertuples():
        spelled = {str(row.value), words.get(row.value, str(row.value))}
        assert any(re.search(rf"\b{value}\b", row.quote) for value in spelled), row.key


def test_prisma_evidence_states_each_stated_count() -> None:
    flow = msc_exos_pof.load("prisma_flow")
    stated = flow[flow["basis"] == "stated"]
    for row in stated.itertuples():
        assert re.search(rf"\b{row.count}\b", row.evidence), row.node


def test_study_mechanism_pathways_are_named_in_their_evidence() -> None:
    mechanisms = msc_exos_pof.load("study_mechanisms").dropna(subset=["pathway"])
    for row in mechanisms.itertuples():
        assert row.pathway in row.evidence, (row.study_id, row.mechanism)


def test_eligibility_evidence_is_part_of_the_studys_own_title() -> None:
    studies = msc_exos_pof.load("studies").dropna(subset=["eligibility_evidence"])
    for row in studies.itertuples():
        assert row.eligibility_evidence in row.title, row.study_id


def test_the_last_search_date_is_quoted_from_the_review(source: str) -> None:
    review = read_descriptor()["review"]
    assert normalise(review["last_search_evidence"]) in source
    assert review["last_search"] == "2025-07" and "July 2025" in review["last_search_evidence"]


def test_round_1_is_the_published_review_with_its_quoted_last_search(source: str) -> None:
    rounds = msc_exos_pof.load("search_rounds")
    review = read_descriptor()["review"]
    [first] = rounds.itertuples()
    assert (first.round, first.searched, first.basis) == (1, review["last_search"], "quoted")
    assert first.evidence == review["last_search_evidence"] and first.evidence in source
    assert len(rounds) == 1, "the shipped package is the published review: one search round"


def test_the_review_doi_in_the_metadata_is_the_one_printed_on_the_review(source: str) -> None:
    descriptor = read_descriptor()
    assert f"DOI: {descriptor['review']['doi']}" in source
    assert descriptor["sources"][0]["path"].endswith(descriptor["review"]["doi"])


def test_published_values_of_errata_are_kept_in_the_data() -> None:
    """No published value is lost: each erratum's published value is still in the package."""
    studies = msc_exos_pof.load("studies").set_index("study_id")
    stated = msc_exos_pof.load("stated_counts").set_index("key")
    sources = msc_exos_pof.load("msc_sources").set_index("msc_source")
    errata = msc_exos_pof.load("errata")
    for row in errata.itertuples():
        if row.resource == "studies" and row.kind != "narrative_contradiction":
            published = {
                "year": lambda s: s.label_published.rsplit(" ", 1)[-1],
                "first_author": lambda s: s.label_published.split(" et al.")[0],
                "species": lambda s: s.animal_model_published,
                "msc_source": lambda s: s.msc_source_published,
            }[row.field](studies.loc[row.record])
            assert published == row.published_value, row.erratum_id
        elif row.resource == "stated_counts":
            assert str(stated.loc[row.record, "value"]) == row.published_value
        elif row.resource == "msc_sources":
            assert str(sources.loc[row.record, row.field]) == row.published_value


def test_the_citation_of_the_review_uses_only_what_the_review_prints(source: str) -> None:
    from msc_exos_pof.release.citation import REVIEW

    assert REVIEW["title"] in source
    assert f"Afr J Reprod Health 2026; {REVIEW['volume']} [{REVIEW['issue']}]:124-138" in source
    assert REVIEW["journal"] == "Afr J Reprod Health"
    assert f"DOI: {REVIEW['doi']}" in source
    for family, given in REVIEW["authors"]:
        assert f"{given} {family}" in source

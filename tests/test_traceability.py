"""Every transcribed value and every quote in the package occurs in the review's own text.

Quotes are compared with the review as printed: only whitespace is normalised (and a reference
entry split by a page break is re-joined); Markdown emphasis such as ``*in vitro*`` and citation
markers are part of the quote.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

import msc_exos_pof
from msc_exos_pof.io.descriptor import read_descriptor


def normalise(text: str) -> str:
    """Collapse whitespace and re-join reference entries split by a page break.

    The source text continues a reference split across pages on a new list item
    ("Bio Organ\\n\\n- for Treatment"); that item marker is not part of the published wording.
    Emphasis (``*``) is kept.
    """
    text = re.sub(r"\n\s*\n\s*-\s+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def source(source_text: str) -> str:
    return normalise(source_text)


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
    ("errata", "additional_evidence"),
    ("citations", "sentence"),
    ("claims", "quote"),
    ("concerns", "quote"),
    ("concerns", "counter_quote"),
    ("study_msc_sources", "evidence"),
    ("search_rounds", "evidence"),
]

#: (resource, quote column, locator column): the locator names the paragraph, cell or entry
#: holding the quote.
LOCATED = [
    ("prisma_flow", "evidence", "evidence_locator"),
    ("msc_sources", "origin_evidence", "origin_locator"),
    ("study_mechanisms", "evidence", "evidence_locator"),
    ("stated_counts", "quote", "locator"),
    ("errata", "evidence", "evidence_locator"),
    ("errata", "additional_evidence", "additional_evidence_locator"),
    ("citations", "sentence", "locator"),
    ("claims", "quote", "locator"),
    ("concerns", "quote", "locator"),
    ("concerns", "counter_quote", "counter_locator"),
    ("study_msc_sources", "evidence", "evidence_locator"),
]

TOP = (
    "Abstract",
    "Introduction",
    "Methods",
    "Results",
    "Discussion",
    "Conclusion",
    "Author contributions",
    "Acknowledgments",
    "References",
)
#: Table and figure captions and keyword lines: not paragraphs.
CAPTIONS = ("Table 1 :", "Table 2:", "Figure 1:", "Figure 2:", "Keywords")
TABLE2_COLUMNS = (
    "Study",
    "Title",
    "Nucleic acid effector molecules",
    "MSCs type",
    "Animal Model",
    "Effect",
)
SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹"
#: A citation marker: superscript digits (a range with a superscript minus) or the text's
#: ^{2,3} form.
MARKER = re.compile(rf"\^\{{[0-9,\-–]+\}}|[{SUPERSCRIPT}]+(?:⁻[{SUPERSCRIPT}]+)?")


def _is_heading(block: str) -> bool:
    return (
        "\n" not in block
        and len(block) < 90
        and not block.endswith((".", "?"))
        and not block.startswith((*CAPTIONS, "The database-specific"))
        and "\t" not in block
    )


def locations(raw: str) -> dict[str, str]:
    """Locator -> whitespace-normalised text of every paragraph, Table 2 cell, reference entry."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", raw) if b.strip()]
    where: dict[str, str] = {}
    top = heading = None
    count: dict[str, int] = {}
    last = None
    table_rows: int | None = None
    for block in blocks:
        if block in TOP:
            top = heading = block
            continue
        if top is None:
            continue
        if top == "References":
            break
        if block.startswith("Study\tTitle"):
            table_rows, block = 0, block.split("\n", 1)[1]
        rows_of_six = block.count("\t") == 5 * block.count("\n") + 5
        if "\t" in block and table_rows is not None and rows_of_six:
            for line in block.split("\n"):  # Table 2 (it continues after a blank line)
                table_rows += 1
                for column, cell in zip(TABLE2_COLUMNS, line.split("\t"), strict=True):
                    where[f"Table 2 › row {table_rows} › {column}"] = normalise(cell)
            continue
        table_rows = None
        if _is_heading(block):
            heading = block.rstrip(":")
            continue
        if "\t" in block or block.startswith(CAPTIONS):
            continue
        if last and block[0].islower() and not re.search(r"[.!?][^\s]*$", where[last]):
            where[last] += " " + normalise(block)  # a paragraph continued after a page break
            continue
        label = top if heading == top else f"{top} › {heading}"
        count[label] = count.get(label, 0) + 1
        last = f"{label} ¶{count[label]}"
        where[last] = normalise(block)
    entries = raw[raw.index("\nReferences\n") :]
    number = 0
    for line in entries.split("\n")[2:]:
        numbered = re.match(r"^\s*(\d+)\.\s+(.*)$", line)
        item = re.match(r"^\s*-\s+(.*)$", line)
        if numbered:
            number = int(numbered.group(1))
            where[f"References › entry {number}"] = numbered.group(2).strip()
        elif item and number and not where[f"References › entry {number}"].endswith("."):
            where[f"References › entry {number}"] += " " + item.group(1).strip()
        elif item:
            number += 1
            where[f"References › entry {number}"] = item.group(1).strip()
    return where


@pytest.fixture(scope="module")
def located(source_text: str) -> dict[str, str]:
    return locations(source_text)


@pytest.mark.parametrize(("resource", "column"), VERBATIM, ids=[f"{r}.{c}" for r, c in VERBATIM])
def test_every_transcribed_cell_occurs_in_the_review(
    source: str, resource: str, column: str
) -> None:
    cells = msc_exos_pof.load(resource)[column].dropna().astype(str)
    missing = [cell for cell in cells.unique() if normalise(cell) not in source]
    assert not missing, f"{resource}.{column}: not found in the review: {missing}"


def test_markup_counts_in_a_quote() -> None:
    """A quote that drops the review's emphasis is not verbatim."""
    plain, marked = "1 was an in vitro cellular study", "1 was an *in vitro* cellular study"
    assert normalise(plain) != normalise(marked)
    assert normalise("a\n\n  b") == "a b"


@pytest.mark.parametrize(
    ("resource", "quote", "locator"), LOCATED, ids=[f"{r}.{q}" for r, q, _ in LOCATED]
)
def test_every_locator_names_the_place_of_its_quote(
    located: dict[str, str], resource: str, quote: str, locator: str
) -> None:
    frame = msc_exos_pof.load(resource)
    for row in frame.itertuples():
        text, place = getattr(row, quote), getattr(row, locator)
        if pd.isna(text):
            assert pd.isna(place), (resource, row.Index)
            continue
        assert place in located, (resource, row.Index, place)
        assert normalise(str(text)) in located[place], (resource, row.Index, place)


def test_the_locations_index_finds_every_table_2_row(located: dict[str, str]) -> None:
    studies = msc_exos_pof.load("studies")
    for row in studies.itertuples():
        assert located[f"Table 2 › row {row.table_row} › Title"] == normalise(row.title)
    assert sum(key.startswith("References › entry") for key in located) == 75


def test_every_citation_marker_of_the_review_is_in_citations(located: dict[str, str]) -> None:
    """The body's and Table 2's markers, place by place, are exactly the rows of citations."""
    citations = msc_exos_pof.load("citations")
    printed = {}
    for place, text in located.items():
        in_table = place.startswith("Table 2") and not place.endswith("Study")
        if place.startswith("References") or in_table:
            continue
        markers = MARKER.findall(text)
        if markers:
            printed[place] = sorted(markers)
    markers_of = citations.groupby("locator")["marker"]
    recorded = markers_of.apply(lambda m: sorted(m.astype(str))).to_dict()
    assert recorded == printed


def test_each_citation_marker_is_printed_after_its_anchor_in_its_sentence(source: str) -> None:
    for row in msc_exos_pof.load("citations").itertuples():
        assert f"{row.anchor}{row.marker}" in row.sentence, row.citation_id
        assert normalise(f"{row.anchor}{row.marker}") in source, row.citation_id


def _expand(cited: str) -> list[int]:
    numbers: list[int] = []
    for part in cited.split(","):
        bounds = re.split(r"[-–]", part)
        numbers += list(range(int(bounds[0]), int(bounds[-1]) + 1))
    return numbers


def test_citation_references_expand_each_marker() -> None:
    citations = msc_exos_pof.load("citations").set_index("citation_id")
    links = msc_exos_pof.load("citation_references")
    for citation_id, cited in citations["cited"].astype(str).items():
        mine = links[links["citation_id"] == citation_id]
        assert sorted(mine["reference_number"].astype(int)) == sorted(_expand(cited)), citation_id
        printed = {int(n) for n in re.split(r"[,\-–]", cited)}
        for number, from_range in zip(mine["reference_number"], mine["from_range"], strict=True):
            assert bool(from_range) == (int(number) not in printed), (citation_id, number)


def test_each_claim_quotes_part_of_the_sentence_of_its_citation() -> None:
    citations = msc_exos_pof.load("citations").set_index("citation_id")["sentence"]
    claims = msc_exos_pof.load("claims").dropna(subset=["citation_id"])
    for row in claims.itertuples():
        assert row.quote in citations[row.citation_id], row.claim_id


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
        # The review prints journal names in italics: *Journal*.
        entry = f"{title} *{row.journal}*. {tail}" if pd.notna(row.journal) else f"{title} {tail}"
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


def test_each_mechanism_link_names_the_kind_of_its_evidence(located: dict[str, str]) -> None:
    """table_2: a cell of the study's own Table 2 row; title: part of its title; narrative: a
    paragraph of the review's text, never Table 2."""
    rows = msc_exos_pof.load("studies").set_index("study_id")["table_row"]
    for link in msc_exos_pof.load("study_mechanisms").itertuples():
        where, kind = str(link.evidence_locator), str(link.evidence_kind)
        mine = f"Table 2 › row {rows[link.study_id]} › "
        if kind == "narrative":
            assert not where.startswith("Table 2"), (link.study_id, link.mechanism)
        else:
            column = "Title" if kind == "title" else where.removeprefix(mine)
            assert where == mine + column, (link.study_id, link.mechanism, where)
            assert (column == "Title") == (kind == "title"), (link.study_id, link.mechanism)


#: Word stems that state a direction, in the evidence of a mechanism link or a claim's quote.
DIRECTION_WORDS = {
    "increases": (
        "increas", "improv", "enhanc", "promot", "restor", "rescu", "foster", "facilitat",
        "bolster", "augment", "replenish", "elevat",
    ),
    "decreases": (
        "reduc", "inhibit", "alleviat", "suppress", "mitigat", "attenuat", "curtail", "imped",
        "ameliorat", "failure",
    ),
}  # fmt: skip


@pytest.mark.parametrize(
    ("resource", "text"), [("study_mechanisms", "evidence"), ("claims", "quote")]
)
def test_each_direction_is_stated_by_a_word_of_its_quote(resource: str, text: str) -> None:
    frame = msc_exos_pof.load(resource).dropna(subset=["direction"])
    assert len(frame) > 10
    for row in frame.itertuples():
        words = str(getattr(row, text)).lower()
        assert any(stem in words for stem in DIRECTION_WORDS[str(row.direction)]), row.Index


def test_concerns_name_table_2_rows_and_reference_numbers_as_such() -> None:
    """'row 44' would be a reference number written as a Table 2 row: every row a concern's
    prose names is one of Table 2's rows."""
    last_row = len(msc_exos_pof.load("studies"))
    concerns = msc_exos_pof.load("concerns")
    for row in concerns.itertuples():
        for text in (row.disagreement, row.resolution):
            for numbers in re.findall(r"\brows? ([0-9]+(?:(?:, | and )[0-9]+)*)", str(text)):
                named = [int(n) for n in re.findall(r"[0-9]+", numbers)]
                assert all(1 <= n <= last_row for n in named), (row.concern_id, numbers)


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
        if row.resource == "studies":
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
    # The journal's name is printed in italics.
    assert f"*Afr J Reprod Health* 2026; {REVIEW['volume']} [{REVIEW['issue']}]:124-138" in source
    assert REVIEW["journal"] == "Afr J Reprod Health"
    assert f"DOI: {REVIEW['doi']}" in source
    for family, given in REVIEW["authors"]:
        assert f"{given} {family}" in source

"""The counts the review is built on, read from the shipped package."""

from __future__ import annotations

import msc_exos_pof


def test_five_databases_were_searched() -> None:
    strategies = msc_exos_pof.load("search_strategies")
    assert list(strategies["database"]) == [
        "PubMed",
        "Embase",
        "Web Of Science",
        "Ovid Database",
        "Cochrane Library",
    ]
    stated = msc_exos_pof.load("stated_counts").set_index("key")
    assert stated.loc["databases_searched.abstract", "value"] == len(strategies) == 5


def test_table_1_records_sum_to_the_stated_database_total() -> None:
    flow = msc_exos_pof.load("prisma_flow").set_index("node")["count"]
    assert (
        msc_exos_pof.load("search_strategies")["records"].sum() == flow["database_results"] == 283
    )


def test_prisma_flow_arithmetic_holds() -> None:
    flow = msc_exos_pof.load("prisma_flow").set_index("node")["count"]
    assert flow["database_results"] + flow["citations_results"] == flow["identified_total"] == 292
    assert flow["identified_total"] - flow["duplicates"] == flow["records_screened"] == 149
    assert flow["records_screened"] - flow["records_excluded"] == flow["reports_assessed"] == 38
    assert flow["reports_assessed"] - flow["reports_excluded"] == flow["new_studies"] == 17


def test_seventeen_studies_one_per_table_row_and_reference() -> None:
    studies = msc_exos_pof.load("studies")
    assert len(studies) == 17
    assert sorted(studies["table_row"]) == list(range(1, 18))
    assert sorted(studies["reference_number"]) == list(range(29, 46))


def test_per_source_counts_the_text_states_match_table_2_as_published() -> None:
    stated = {"BMSC": 5, "hUCMSC": 3, "ADSC": 4, "PMSC": 3, "AFSC": 1, "MenSC": 1}
    sources = msc_exos_pof.load("msc_sources").set_index("msc_source")["stated_study_count"]
    assert sources.to_dict() == stated
    assert sources.sum() == 17
    published = msc_exos_pof.load("studies")["msc_source_published"].value_counts().to_dict()
    assert published == stated


def test_curated_per_source_counts_differ_only_where_an_erratum_says_so() -> None:
    curated = msc_exos_pof.load("studies")["msc_source"].value_counts().to_dict()
    assert curated == {"BMSC": 5, "hUCMSC": 3, "ADSC": 4, "PMSC": 2, "AFSC": 1, "MenSC": 1}
    errata = msc_exos_pof.load("errata").set_index("erratum_id")
    assert errata.loc["msc_sources/PMSC/stated_study_count", "curated_value"] == "2"


def test_design_counts_stated_versus_derived() -> None:
    stated = msc_exos_pof.load("stated_counts")
    per_design = stated[stated["quantity"] == "studies_per_design"].set_index("group")["value"]
    assert per_design.to_dict() == {"in_vivo": 15, "clinical": 1, "in_vitro": 1}
    derived = msc_exos_pof.load("studies")["design"].value_counts().to_dict()
    assert derived == {"in_vivo": 15, "in_vitro": 2, "clinical": 0}


def test_reference_list_has_75_entries_two_of_them_duplicates() -> None:
    references = msc_exos_pof.load("references")
    assert len(references) == 75
    duplicates = references.dropna(subset=["duplicate_of"])
    links = zip(duplicates["reference_number"], duplicates["duplicate_of"], strict=True)
    assert dict(links) == {54: 29, 74: 45}

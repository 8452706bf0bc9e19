"""The claims layer: the review's narrative, citations and concerns against its curated rows.

Each test breaks a copy of the shipped package in the one way a check guards against and sees
it fire; the shipped package reports every recorded inconsistency as ``info`` only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from package_rows import edit_rows, read_rows
from test_consistency_checks import study

import msc_exos_pof
from msc_exos_pof.gate.checks.claims import judgement
from msc_exos_pof.gate.registry import all_checks, get
from msc_exos_pof.io.context import PackageContext

CLAIM_CHECKS = (
    "claims.contradicts_study",
    "claims.unsupported",
    "claims.count_contradicted",
    "claims.expected",
    "claims.cites_non_included",
    "citations.duplicate_reference",
    "concerns.recorded",
)


def _validate(folder: Path | None = None):
    return msc_exos_pof.validate(folder, select=["claims", "citations", "concerns"], summary=False)


def _claim(folder: Path, claim_id: str, **changes: str) -> None:
    def change(rows):
        for row in rows:
            if row["claim_id"] == claim_id:
                row.update(changes)

    edit_rows(folder, "claims", change)


def _claim_id(folder: Path, **where: str) -> str:
    rows = [r for r in read_rows(folder, "claims") if all(r[k] == v for k, v in where.items())]
    assert rows, where
    return rows[0]["claim_id"]


def _warned(report, check_id: str) -> list:
    return [f for f in report.by_check(check_id) if f.severity == "warning"]


def test_the_claim_checks_are_registered_in_their_own_layer() -> None:
    ids = {c.id for c in all_checks() if c.layer == "claims"}
    assert ids == set(CLAIM_CHECKS)
    assert get("concerns.recorded").severity == "info"


def test_the_shipped_package_reports_recorded_inconsistencies_as_info_only() -> None:
    report = _validate()
    assert report.findings, "the review's recorded inconsistencies should be surfaced"
    assert {f.severity for f in report.findings} == {"info"}
    assert report.exit_code == 0
    assert len(report.by_check("concerns.recorded")) == len(msc_exos_pof.load("concerns"))
    assert report.by_check("claims.expected") == []


def test_every_claim_gets_the_verdict_the_curators_recorded() -> None:
    claims = judgement(PackageContext())
    assert claims is not None
    assert (claims["computed"] == claims["verdict"]).all(), claims.loc[
        claims["computed"] != claims["verdict"], ["claim_id", "computed", "verdict"]
    ]
    assert set(claims["computed"]) == {"agrees", "contradicts", "unsupported", "undetermined"}


def test_every_disagreeing_claim_is_recorded_by_a_concern_or_an_erratum() -> None:
    claims = judgement(PackageContext())
    disagreeing = claims[claims["computed"].isin(["contradicts", "unsupported"])]
    assert disagreeing["recorded"].all(), disagreeing.loc[~disagreeing["recorded"], "claim_id"]


def test_a_claim_the_study_row_contradicts_warns_when_unrecorded(package_copy: Path) -> None:
    claim = _claim_id(package_copy, study_id="sun-b-2019", attribute="msc_source")
    _claim(package_copy, claim, value="ADSC", verdict="contradicts")
    warned = _warned(_validate(package_copy), "claims.contradicts_study")
    assert [f.row for f in warned] == [int(claim[2:])]
    assert "'ADSC'" in warned[0].message and "sun-b-2019" in warned[0].message


def test_a_species_the_narrative_misstates_is_a_concern_not_an_erratum(package_copy: Path) -> None:
    """li-y-2024's 'rat models' (Table 2 and the title say mice) is concern CN-li-y-rat-models:
    the published and curated species agree, so no erratum explains it."""
    errata = {row["erratum_id"] for row in read_rows(package_copy, "errata")}
    assert "studies/li-y-2024/species" not in errata
    claim = _claim_id(package_copy, study_id="li-y-2024", attribute="species")
    li = [
        f
        for f in _validate(package_copy).by_check("claims.contradicts_study")
        if claim in f.message
    ]
    assert li and all(f.severity == "info" for f in li)
    assert "CN-li-y-rat-models" in li[0].message
    _claim(package_copy, claim, concern_id="")
    assert [f.row for f in _warned(_validate(package_copy), "claims.contradicts_study")] == [
        int(claim[2:])
    ]


def _computed(folder: Path, claim_id: str) -> str:
    claims = judgement(PackageContext(folder))
    return claims.loc[claims["claim_id"] == claim_id, "computed"].item()


def test_a_claim_its_study_row_is_silent_on_is_undetermined(package_copy: Path) -> None:
    """Y Li et al.'s row and title name no induction: 'cyclophosphamide-induced' (CL059) is
    undetermined; a title naming cyclophosphamide supports it, one naming cisplatin contradicts
    it."""
    claim = _claim_id(package_copy, study_id="li-y-2024", attribute="induction")
    assert _computed(package_copy, claim) == "undetermined"
    title = "Exosomes restore ovarian function after {} in mice"
    study(package_copy, "li-y-2024", "title", title.format("cyclophosphamide"))
    assert _computed(package_copy, claim) == "agrees"
    study(package_copy, "li-y-2024", "title", title.format("cisplatin"))
    assert _computed(package_copy, claim) == "contradicts"


def test_a_mechanism_in_the_opposite_direction_contradicts(package_copy: Path) -> None:
    """'curtail ... endothelial survival' (CL155) against Table 2's 'Enhance the survival'."""
    claim = _claim_id(package_copy, concern_id="CN-curtail-endothelial-survival")
    assert _computed(package_copy, claim) == "contradicts"
    _claim(package_copy, claim, direction="")
    assert _computed(package_copy, claim) == "agrees"
    _claim(package_copy, claim, direction="increases", verdict="contradicts")
    assert _computed(package_copy, claim) == "agrees"
    assert _warned(_validate(package_copy), "claims.expected")


def test_a_claim_is_never_judged_against_a_link_built_from_the_narrative(
    package_copy: Path,
) -> None:
    """Huang's and Ding's apoptosis and Ding's senescence links quote the narrative: the claims
    that make them contradict Table 2; the same links as Table 2 evidence would agree."""
    links = read_rows(package_copy, "study_mechanisms")
    narrative = {
        (r["study_id"], r["mechanism"]) for r in links if r["evidence_kind"] == "narrative"
    }
    assert narrative == {
        ("huang-b-2018", "apoptosis"),
        ("ding-c-2018", "apoptosis"),
        ("ding-c-2018", "senescence"),
    }
    claims = judgement(PackageContext(package_copy))
    pairs = zip(claims["study_id"], claims["value"], strict=True)
    about = claims[(claims["subject_type"] == "study") & pd.Series([p in narrative for p in pairs])]
    assert set(about["computed"]) == {"contradicts"} and len(about) == 3

    def as_table_2(rows):
        for row in rows:
            row["evidence_kind"] = "table_2"

    edit_rows(package_copy, "study_mechanisms", as_table_2)
    claims = judgement(PackageContext(package_copy))
    assert set(claims.loc[about.index, "computed"]) == {"agrees"}


def test_a_source_claim_about_a_study_curated_as_not_msc_derived_contradicts() -> None:
    """Bao Zhiyuan et al. is plasma-derived (no MSC source): 'PMSCs-Exos' contradicts, it is
    not a silent row."""
    claims = judgement(PackageContext())
    bao = claims[(claims["study_id"] == "bao-z-2024") & (claims["attribute"] == "msc_source")]
    assert set(bao["computed"]) == {"contradicts"}


def test_a_claim_no_study_supports_warns_when_unrecorded(package_copy: Path) -> None:
    claim = _claim_id(package_copy, concern_id="CN-18-32-percent")
    _claim(package_copy, claim, concern_id="")
    assert [f.row for f in _warned(_validate(package_copy), "claims.unsupported")] == [
        int(claim[2:])
    ]


def test_a_mechanism_nobody_reports_is_unsupported_not_contradicted(package_copy: Path) -> None:
    claim = _claim_id(package_copy, study_id="sun-b-2019", attribute="mechanism")
    _claim(package_copy, claim, value="ferroptosis", verdict="unsupported")
    report = _validate(package_copy)
    assert _warned(report, "claims.unsupported")
    assert not _warned(report, "claims.contradicts_study")


def test_a_count_the_curated_fields_contradict_warns_when_unrecorded(package_copy: Path) -> None:
    claim = _claim_id(package_copy, concern_id="CN-count-adsc-exosomes")
    _claim(package_copy, claim, concern_id="")
    warned = _warned(_validate(package_copy), "claims.count_contradicted")
    assert len(warned) == 1 and "give 3" in warned[0].message


def test_a_count_claim_that_agrees_is_silent(package_copy: Path) -> None:
    claim = _claim_id(package_copy, concern_id="CN-count-adsc-exosomes")
    _claim(package_copy, claim, value="3", verdict="agrees", concern_id="")
    report = _validate(package_copy)
    assert not report.by_check("claims.count_contradicted") or all(
        f"claim {claim} " not in f.message for f in report.by_check("claims.count_contradicted")
    )


def test_a_curated_change_that_flips_a_claim_is_reported_against_expected(
    package_copy: Path,
) -> None:
    """Making Geng 2022 a secretome study contradicts the claims that call it exosomes."""

    def change(rows):
        for row in rows:
            if row["study_id"] == "geng-z-2022":
                row["effector_type"] = "secretome"

    edit_rows(package_copy, "studies", change)
    report = _validate(package_copy)
    flipped = _warned(report, "claims.expected")
    assert flipped and all("'contradicts'" in f.message for f in flipped)
    assert any("geng-z-2022" in f.message for f in _warned(report, "claims.contradicts_study"))


def test_an_undetermined_effector_makes_claims_about_it_undetermined(package_copy: Path) -> None:
    def change(rows):
        for row in rows:
            if row["study_id"] == "sun-b-2019":
                row["effector_type"] = ""

    edit_rows(package_copy, "studies", change)
    claims = judgement(PackageContext(package_copy))
    sun = claims[(claims["study_id"] == "sun-b-2019") & (claims["attribute"] == "effector")]
    assert set(sun["computed"]) == {"undetermined"}


def test_a_claim_citing_no_included_study_warns_when_unrecorded(package_copy: Path) -> None:
    claim = _claim_id(package_copy, concern_id="CN-cite-55")
    _claim(package_copy, claim, concern_id="")
    warned = _warned(_validate(package_copy), "claims.cites_non_included")
    assert len(warned) == 1 and "55" in warned[0].message


def test_a_citation_of_a_duplicate_of_an_included_study_counts_as_citing_it() -> None:
    """Reference 54 duplicates 29 (M.Yang et al.): claims citing 54 cite an included study."""
    report = _validate()
    assert all("54" not in f.message for f in report.by_check("claims.cites_non_included"))


def test_a_citation_of_a_duplicate_reference_warns_when_unrecorded(package_copy: Path) -> None:
    def change(rows):
        for row in rows:
            if row["concern_id"] == "CN-cite-74":
                row["kind"] = "citation_off_topic"

    edit_rows(package_copy, "concerns", change)
    warned = _warned(_validate(package_copy), "citations.duplicate_reference")
    assert len(warned) == 1 and "reference 74" in warned[0].message


def test_every_citation_of_a_duplicate_in_the_shipped_package_is_recorded() -> None:
    found = _validate().by_check("citations.duplicate_reference")
    assert len(found) == 3 and {f.severity for f in found} == {"info"}


@pytest.mark.parametrize("missing", ["claims", "citation_references", "concerns", "studies"])
def test_the_claim_checks_skip_a_table_that_cannot_be_read(
    package_copy: Path, missing: str
) -> None:
    (package_copy / "data" / f"{missing}.csv").write_bytes(b"\xff\xfe not utf-8")
    report = _validate(package_copy)
    assert all(f.severity != "error" for f in report.findings)
    if missing != "concerns":  # without concerns, citations of duplicates are unrecorded
        assert all(f.severity == "info" for f in report.findings)


def test_study_msc_sources_link_every_curated_source_and_chen_to_two() -> None:
    links = msc_exos_pof.load("study_msc_sources")
    studies = msc_exos_pof.load("studies").dropna(subset=["msc_source"])
    pairs = set(zip(links["study_id"].astype(str), links["msc_source"].astype(str), strict=True))
    curated = zip(studies["study_id"], studies["msc_source"].astype(str), strict=True)
    assert all(pair in pairs for pair in curated)
    chen = links[links["study_id"] == "chen-s-2020"]
    assert set(chen["msc_source"].astype(str)) == {"BMSC", "PMSC"}


def test_pathway_spellings_group_under_one_canonical_name() -> None:
    mechanisms = msc_exos_pof.load("study_mechanisms").dropna(subset=["pathway"])
    canonical = mechanisms.groupby("pathway_canonical", observed=True)["pathway"].agg(set)
    assert set(canonical["PI3K/AKT"]) == {"PI3K/AKT", "PI3K/Akt"}
    assert set(canonical["p53"]) == {"p53", "P53"}
    assert mechanisms["pathway_canonical"].notna().all()

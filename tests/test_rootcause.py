"""Root cause first (gate/rootcause.py): a changed lookup row, and a study's curated MSC source
that disagrees with its links, are each one finding at the cell to fix, with the cascade they
cause folded into it; a disagreement they do not explain stays where it is."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from package_rows import edit_rows
from report_schemas import valid_report, valid_sarif

import msc_exos_pof
from msc_exos_pof.cli import main
from msc_exos_pof.gate.report import Finding


def problems(folder: Path, **options: object) -> list[Finding]:
    report = msc_exos_pof.validate(folder, summary=False, **options)
    return [f for f in report.findings if f.severity != "info"]


def set_cell(folder: Path, resource: str, key: tuple[str, str], field: str, value: str) -> None:
    """Set one cell of the row whose ``key[0]`` is ``key[1]`` (bytes and hashes refreshed)."""

    def change(rows: list[dict[str, str]]) -> None:
        [row] = [r for r in rows if r[key[0]] == key[1]]
        row[field] = value

    edit_rows(folder, resource, change)


def remap_mice(folder: Path, species: str = "rat") -> None:
    set_cell(folder, "animal_models", ("animal_model_published", "Mice"), "species", species)


def resource_sun(folder: Path, source: str = "ADSC") -> None:
    set_cell(folder, "studies", ("study_id", "sun-b-2019"), "msc_source", source)


# --- a changed lookup row -----------------------------------------------------------------------


def test_a_changed_lookup_row_is_one_finding_at_its_cell(package_copy: Path) -> None:
    remap_mice(package_copy)
    [lead] = problems(package_copy)
    assert lead.check == "studies.species" and lead.severity == "error"
    assert (lead.path, lead.line, lead.column) == ("data/animal_models.csv", 3, 6)
    assert (lead.resource, lead.row, lead.field) == ("animal_models", 2, "species")
    assert lead.message.startswith(
        "animal_models 'Mice': maps animal_model_published 'Mice' to species 'rat', which "
        "disagrees with the curated species 'mouse' of 10 studies that print it (sun-b-2019, "
    )
    assert "makes 2 errata stale" in lead.message and "studies/li-q-2024/species" in lead.message
    assert "restore 'Mice' -> 'mouse', or, if 'rat' is right, correct the species" in lead.message
    assert lead.message.endswith(
        "folded into this finding, the 12 it causes: 10 studies.species, 2 errata.stale"
    )
    assert set(lead.also) == {"errata.unexplained", "errata.stale"}


def test_a_changed_lookup_row_with_stale_hashes_names_the_rehash(package_copy: Path) -> None:
    file = package_copy / "data" / "animal_models.csv"
    file.write_bytes(file.read_bytes().replace(b"\nRat,rat,", b"\nRat,mouse,", 1))
    [lead] = problems(package_copy)
    assert (lead.path, lead.line, lead.field) == ("data/animal_models.csv", 2, "species")
    assert "restore 'Rat' -> 'rat'" in lead.message
    assert {"integrity.hash", "integrity.bytes", "errata.unexplained"} <= set(lead.also)
    assert f"run `msc-exos-pof rehash {package_copy}`" in lead.message


def test_one_study_that_disagrees_with_its_label_stays_the_studys_finding(
    package_copy: Path,
) -> None:
    set_cell(package_copy, "studies", ("study_id", "sun-b-2019"), "species", "rat")
    [finding] = problems(package_copy)
    assert (finding.resource, finding.row, finding.field) == ("studies", 3, "species")
    assert "folded" not in finding.message


def test_two_studies_that_disagree_while_the_others_agree_stay_two_findings(
    package_copy: Path,
) -> None:
    for study in ("sun-b-2019", "pan-q-2019"):
        set_cell(package_copy, "studies", ("study_id", study), "species", "rat")
    found = problems(package_copy)
    assert [(f.resource, f.row) for f in found] == [("studies", 3), ("studies", 4)]


def test_studies_that_disagree_in_different_ways_are_not_one_lookup_row(
    package_copy: Path,
) -> None:
    remap_mice(package_copy)
    set_cell(package_copy, "studies", ("study_id", "sun-b-2019"), "species", "rabbit")
    found = problems(package_copy)  # and the claims that a rabbit is not murine
    assert sum(f.resource in ("studies", "errata") for f in found) == 12
    assert not any("folded" in f.message or f.resource == "animal_models" for f in found)


@pytest.mark.parametrize(
    ("options", "left"),
    [
        ({"ignore": ["studies.species"]}, {"errata.unexplained": 10, "errata.stale": 2}),
        ({"select": ["errata.stale"]}, {"errata.stale": 2}),
    ],
    ids=["ignore the comparison", "select the errata"],
)
def test_a_selection_without_the_lookup_comparison_folds_nothing(
    package_copy: Path, options: dict[str, list[str]], left: dict[str, int]
) -> None:
    remap_mice(package_copy)
    found = problems(package_copy, **options)
    assert {c: sum(f.check == c for f in found) for c in left} == left
    assert len(found) == sum(left.values()) and not any(
        f.resource == "animal_models" for f in found
    )


# --- a study's curated source against its links -------------------------------------------------


def test_a_source_that_disagrees_with_its_links_is_one_finding_at_its_cell(
    package_copy: Path,
) -> None:
    resource_sun(package_copy)
    [lead] = problems(package_copy)
    assert lead.check == "links.msc_source_coverage"
    assert (lead.path, lead.line, lead.field) == ("data/studies.csv", 4, "msc_source")
    assert lead.message.startswith(
        "study 'sun-b-2019' has curated msc_source 'ADSC', but its study_msc_sources links give "
        "'BMSC' (the source Table 2 names), and counting it under 'BMSC' agrees with the counts "
        "the review states (stated_counts studies_per_source.BMSC, stated_counts "
        "studies_per_source.ADSC, msc_sources BMSC, msc_sources ADSC), the recorded verdicts "
        "of claims CL018, CL020; expected its curated source among its links: correct "
        "msc_source to 'BMSC', or, if 'ADSC' is right, add its study_msc_sources row"
    )
    assert lead.message.endswith(
        "folded into this finding, the 7 it causes: 2 counts.per_source, 2 counts.source_table, "
        "2 claims.expected, 1 claims.count_contradicted"
    )
    folded = {"counts.per_source", "counts.source_table", "claims.expected"}
    assert folded | {"claims.count_contradicted", "studies.msc_source"} <= set(lead.also)


def test_errata_of_a_count_that_the_linked_source_makes_true_are_folded(
    package_copy: Path,
) -> None:
    # PMSC: stated 3, curated 2 (errata record it); seok-j-2020 -> BMSC leaves 1 and stales them.
    set_cell(package_copy, "studies", ("study_id", "seok-j-2020"), "msc_source", "BMSC")
    [lead] = problems(package_copy)
    assert (lead.check, lead.row) == ("links.msc_source_coverage", 14)
    assert "the errata that record a count (stated_counts/studies_per_source.PMSC/value" in (
        lead.message
    )
    assert "2 errata.stale" in lead.message


def test_a_count_that_stays_wrong_after_the_correction_is_not_folded(package_copy: Path) -> None:
    resource_sun(package_copy)
    set_cell(package_copy, "stated_counts", ("key", "studies_per_source.BMSC"), "value", "6")
    found = problems(package_copy)
    lead = found[0]
    assert lead.check == "links.msc_source_coverage" and "folded" in lead.message
    assert "studies_per_source.BMSC" not in lead.message
    [kept] = [f for f in found if f.resource == "stated_counts"]
    assert (kept.check, kept.row) == ("counts.per_source", 16)
    assert "= 6 (results) but the rows give 4" in kept.message


def test_a_study_whose_links_name_no_one_source_is_not_folded(package_copy: Path) -> None:
    def untable(rows: list[dict[str, str]]) -> None:
        for row in rows:
            if row["study_id"] == "chen-s-2020":
                row["table_2"] = "false"

    edit_rows(package_copy, "study_msc_sources", untable)  # BMSC and PMSC: which one?
    for field in ("msc_source_published", "msc_source"):  # and no printed source to go by
        set_cell(package_copy, "studies", ("study_id", "chen-s-2020"), field, "ADSC")
    found = problems(package_copy)
    assert not any("folded" in f.message for f in found)
    assert {"links.msc_source_coverage", "counts.per_source"} <= {f.check for f in found}


def test_a_source_that_disagrees_with_the_printed_one_leads_when_links_agree(
    package_copy: Path,
) -> None:
    # chen-s-2020 has a PMSC link (its second source), so only Table 2's BMSC disagrees.
    set_cell(package_copy, "studies", ("study_id", "chen-s-2020"), "msc_source", "PMSC")
    [lead] = problems(package_copy)
    assert (lead.check, lead.line, lead.field) == ("studies.msc_source", 3, "msc_source")
    assert "but Table 2 prints 'BMSC', and counting it under 'BMSC' agrees with" in lead.message
    assert "add an errata row 'studies/chen-s-2020/msc_source' (published 'BMSC'" in lead.message
    assert lead.message.endswith(
        "the 6 it causes: 2 errata.stale, 1 counts.per_source, 1 counts.source_table, "
        "1 claims.count_contradicted, 1 claims.expected"
    )


@pytest.mark.parametrize(
    "left_out",
    [["links.msc_source_coverage", "studies.msc_source"], ["links", "studies"]],
    ids=["ids", "prefixes"],
)
def test_a_selection_without_the_source_checks_folds_nothing(
    package_copy: Path, left_out: list[str]
) -> None:
    resource_sun(package_copy)
    found = problems(package_copy, ignore=left_out)
    assert not any("folded" in f.message for f in found)
    assert sum(f.resource in ("stated_counts", "msc_sources") for f in found) == 4
    assert sum(f.resource == "claims" for f in found) == 3


# --- every format ------------------------------------------------------------------------------


@pytest.mark.parametrize("edit", [remap_mice, resource_sun], ids=["lookup", "links"])
def test_folded_findings_keep_every_format_valid(package_copy: Path, edit: object) -> None:
    edit(package_copy)  # type: ignore[operator]
    runner = CliRunner()
    base = ["validate", str(package_copy), "--format"]
    report = valid_report(runner.invoke(main, [*base, "json"]).stdout)
    [lead] = [f for f in report["findings"] if f["severity"] != "info"]
    assert lead["also"] and "folded into this finding" in lead["message"]
    run = valid_sarif(runner.invoke(main, [*base, "sarif"]).stdout)["runs"][0]
    [result] = [r for r in run["results"] if r["level"] == "error"]
    assert result["properties"]["also"] == lead["also"]
    junit = runner.invoke(main, [*base, "junit"])
    assert junit.exit_code == 1 and lead["check"] in junit.stdout

"""A living copy tells the truth about what is included now: removals honoured by load, the SQL
views, the figures, the bibliography and the summary; a deleted row is one finding; one answer
to "how many studies per source"."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from package_rows import edit_rows, read_rows

import msc_exos_pof
from msc_exos_pof.cli import main
from msc_exos_pof.errors import TableError
from msc_exos_pof.io.locate import shipped_package_dir
from msc_exos_pof.release.removals import remove_study
from msc_exos_pof.testing.mutations import open_round

REMOVED = "ding-c-2018"  # ADSC, in_vivo, mouse


def set_total(folder: Path, round: int, delta: int) -> None:
    def change(rows: list[dict[str, str]]) -> None:
        for row in rows:
            if row["round"] == str(round) and row["node"] == "total_studies":
                row["count"] = str(int(row["count"]) + delta)

    edit_rows(folder, "prisma_flow", change)


@pytest.fixture
def living_copy(package_copy: Path) -> Path:
    """The shipped package, then round 2: one new study (a BMSC one) and ding-c-2018 removed."""
    open_round(package_copy, studies=1)

    def bone_marrow(rows: list[dict[str, str]]) -> None:
        for row in rows:
            if row["study_id"].startswith("update-"):
                for field in ("msc_source_published", "msc_source"):
                    if field in row:
                        row[field] = "BMSC"

    edit_rows(package_copy, "studies", bone_marrow)
    edit_rows(package_copy, "study_msc_sources", bone_marrow)
    remove_study(package_copy, REMOVED, "retracted", "Retraction notice (example).")
    set_total(package_copy, 2, -1)
    return package_copy


def latest_total(folder: Path) -> int:
    flow = msc_exos_pof.load("prisma_flow", folder)
    last = flow[flow["round"] == flow["round"].max()]
    return int(last.loc[last["node"] == "total_studies", "count"].iloc[0])


def errors(folder: Path, **options: object) -> list:
    report = msc_exos_pof.validate(folder, summary=False, **options)
    return [f for f in report.findings if f.severity == "error"]


# --- included now ------------------------------------------------------------------------------


def test_the_copy_is_valid_and_its_total_counts_the_removal(living_copy: Path) -> None:
    assert errors(living_copy) == []
    assert latest_total(living_copy) == 17


def test_load_returns_the_studies_included_now_and_every_study_on_request(
    living_copy: Path,
) -> None:
    studies = msc_exos_pof.load("studies", living_copy)
    assert len(studies) == latest_total(living_copy) == 17
    assert REMOVED not in set(studies["study_id"])
    every = msc_exos_pof.load("studies", living_copy, include_removed=True)
    assert len(every) == 18
    removed = every[every["study_id"] == REMOVED].iloc[0]
    assert (removed["removed_round"], removed["removal_reason"]) == (2, "retracted")
    for name in ("study_mechanisms", "study_msc_sources"):  # rows about the study follow it
        now = msc_exos_pof.load(name, living_copy)
        assert REMOVED not in set(now["study_id"])
        assert REMOVED in set(
            msc_exos_pof.load(name, living_copy, include_removed=True)["study_id"]
        )
    # What the review printed about the study stays: a claim is about the publication.
    assert REMOVED in set(msc_exos_pof.load("claims", living_copy)["study_id"].dropna())
    assert len(msc_exos_pof.records("studies", living_copy)) == 17


def test_every_view_figure_and_summary_agrees_with_the_latest_total(
    living_copy: Path, tmp_path: Path
) -> None:
    from msc_exos_pof.exports.bibliography import entries
    from msc_exos_pof.figures import (
        evidence_map_table,
        studies_per_source_table,
        studies_per_year_table,
    )
    from msc_exos_pof.gate.summary import summarise

    total = latest_total(living_copy)
    database = msc_exos_pof.export("sqlite", tmp_path / "copy.sqlite", living_copy)
    with sqlite3.connect(database) as connection:
        one = lambda sql: connection.execute(sql).fetchall()  # noqa: E731
        assert one("select count(*) from included_studies") == [(total,)]
        assert one("select count(*) from studies_overview") == [(total,)]
        assert one("select count(*) from studies") == [(18,)]  # the table keeps every row
        assert one("select sum(curated_study_count) from source_counts") == [(total,)]
        adsc = one(
            "select stated_study_count, review_study_count, curated_minus_stated, "
            "curated_study_count from source_counts where msc_source = 'ADSC'"
        )
        assert adsc == [(4, 4, 0, 3)]  # the review's 4 still agree; 3 are included now
    connection = msc_exos_pof.connect(living_copy)
    assert connection.execute("select count(*) from studies_overview").fetchall() == [(total,)]
    assert connection.execute("select sum(curated_study_count) from source_counts").fetchall() == [
        (total,)
    ]
    assert int(studies_per_source_table(living_copy)["studies"].sum()) == total
    assert int(studies_per_year_table(living_copy)["studies"].sum()) == total
    assert int(evidence_map_table(living_copy).loc["ADSC"].sum()) < int(
        evidence_map_table(shipped_package_dir()).loc["ADSC"].sum()
    )
    assert REMOVED not in {entry.key for entry in entries(living_copy, included=True)}
    summary = summarise(living_copy)
    assert summary["included_now"] == total == sum(summary["studies_per_source"].values())
    assert summary["studies_per_source"]["ADSC"] == 3
    [first, second] = summary["rounds"]
    assert first["studies_per_source"]["ADSC"] == 4  # round 1, as the review states it
    assert (second["new_studies"], second["removed_studies"], second["total_studies"]) == (
        1,
        [REMOVED],
        total,
    )


def test_the_text_summary_of_a_valid_two_round_copy_reads_as_valid(living_copy: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(living_copy)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("  round 1,")))
    shown = lines[start : start + 8]
    assert shown[0] == "  round 1, the published review (searched 2025-07): 17 studies"
    assert shown[1].startswith("    studies per MSC source: BMSC 5, hUCMSC 3, ADSC 4, PMSC 2 ")
    assert "PMSC 2 (review states 3)" in shown[1]  # an erratum explains it
    assert (
        shown[3] == f"  round 2 (searched 2027-07): 1 new study, 1 removed ({REMOVED}); 17 included"
    )
    assert shown[4] == "  included now: 17 studies (every round's, minus removals)"
    totals = "\n".join(shown[5:8])
    assert "review states" not in totals and "ADSC 3" in totals


def test_a_round_whose_flow_disagrees_says_so_beside_its_rows(living_copy: Path) -> None:
    set_total(living_copy, 2, +1)
    result = CliRunner().invoke(main, ["validate", str(living_copy)])
    assert "17 included (its flow states total_studies 18)" in result.output


# --- removals ----------------------------------------------------------------------------------


def test_remove_study_changes_only_the_removed_study_row(package_copy: Path) -> None:
    open_round(package_copy, studies=0)
    file = package_copy / "data" / "studies.csv"
    before = file.read_bytes().splitlines(keepends=True)
    result = CliRunner().invoke(
        main,
        ["round", "remove", str(package_copy), REMOVED, "--reason", "duplicate", "--note", "x"],
    )
    assert result.exit_code == 0, result.output
    assert f"removed {REMOVED} in round 2 (duplicate)" in result.output
    assert "rounds.previous_plus_new" in result.output  # what the round still needs
    after = file.read_bytes().splitlines(keepends=True)
    assert [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b] == [10]
    assert after[10].endswith(b",1,2,duplicate,x\n")


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (["nobody-x-2020", "--reason", "other", "--note", "x"], "is not a study"),
        ([REMOVED, "--reason", "gone", "--note", "x"], "is not one of retracted"),
        ([REMOVED, "--reason", "other", "--note", " "], "--note: is empty"),
        ([REMOVED, "--reason", "other", "--note", "x", "--round", "5"], "5 is not a round"),
    ],
)
def test_remove_study_refuses_what_it_cannot_record(
    package_copy: Path, arguments: list[str], said: str
) -> None:
    open_round(package_copy, studies=0)
    before = (package_copy / "data" / "studies.csv").read_bytes()
    result = CliRunner().invoke(main, ["round", "remove", str(package_copy), *arguments])
    assert result.exit_code == 2 and said in result.output, result.output
    assert (package_copy / "data" / "studies.csv").read_bytes() == before


def test_remove_study_reads_a_studies_file_with_a_bom_and_keeps_it(package_copy: Path) -> None:
    open_round(package_copy, studies=0)
    file = package_copy / "data" / "studies.csv"
    file.write_bytes(b"\xef\xbb\xbf" + file.read_bytes())
    remove_study(package_copy, REMOVED, "other", "x")
    assert file.read_bytes().startswith(b"\xef\xbb\xbfstudy_id,")
    assert REMOVED not in set(msc_exos_pof.load("studies", package_copy)["study_id"])


def test_remove_study_writes_nothing_when_a_resource_cannot_be_hashed(package_copy: Path) -> None:
    open_round(package_copy, studies=0)
    before = {p: p.read_bytes() for p in package_copy.rglob("*") if p.is_file()}
    (package_copy / "data" / "errata.csv").unlink()
    del before[package_copy / "data" / "errata.csv"]
    with pytest.raises(TableError, match="restore it before removing a study"):
        remove_study(package_copy, REMOVED, "other", "x")
    assert {p: p.read_bytes() for p in package_copy.rglob("*") if p.is_file()} == before


def test_a_removal_needs_a_later_round_and_is_refused_twice_and_in_the_shipped_package(
    package_copy: Path,
) -> None:
    from msc_exos_pof.errors import OutputInsidePackageError

    with pytest.raises(ValueError, match="not later than round 1"):
        remove_study(package_copy, REMOVED, "other", "x")  # round 1 is the only round
    open_round(package_copy, studies=0)
    remove_study(package_copy, REMOVED, "other", "x")
    with pytest.raises(ValueError, match="already removed"):
        remove_study(package_copy, REMOVED, "other", "x")
    with pytest.raises(OutputInsidePackageError):
        remove_study(shipped_package_dir(), REMOVED, "other", "x", round=2)


def test_a_removal_gives_its_round_its_reason_and_a_note_together(living_copy: Path) -> None:
    def forget_reason(rows: list[dict[str, str]]) -> None:
        for row in rows:
            if row["study_id"] == REMOVED:
                row["removal_reason"] = ""

    edit_rows(living_copy, "studies", forget_reason)
    [finding] = errors(living_copy)
    assert finding.check == "rounds.removals" and finding.field == "removal_reason"
    assert f"'{REMOVED}' has removed_round, removal_note but no removal_reason" in finding.message


def test_diff_names_the_removal_as_a_minor_change_not_a_correction(living_copy: Path) -> None:
    from msc_exos_pof.release.diff import changes_paragraph, diff

    result = diff(shipped_package_dir(), living_copy)
    assert result.bump == "minor"
    [removal] = result.living.removals
    assert (removal["study_id"], removal["round"], removal["reason"]) == (REMOVED, "2", "retracted")
    paragraph = changes_paragraph(result)
    assert f"- Removed in round 2: {REMOVED} (retracted)" in paragraph
    assert "- Studies included: 17 (previous version: 17)." in paragraph
    assert "Other changes" not in paragraph


def test_filling_the_removal_of_an_upstream_study_needs_no_erratum(living_copy: Path) -> None:
    assert errors(living_copy, upstream=shipped_package_dir()) == []


# --- root cause first --------------------------------------------------------------------------


@pytest.mark.parametrize("upstream", [False, True], ids=["alone", "with --upstream"])
def test_a_deleted_study_row_is_one_finding_at_its_place_with_its_cascade_folded_in(
    living_copy: Path, upstream: bool
) -> None:
    file = living_copy / "data" / "studies.csv"
    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    file.write_text(
        "".join(line for line in lines if not line.startswith("huang-b-2018,")), encoding="utf-8"
    )
    options = {"upstream": shipped_package_dir()} if upstream else {}
    report = msc_exos_pof.validate(living_copy, **options)
    [lead] = [f for f in report.findings if f.severity != "info"]
    assert lead.check == "studies.missing_row"
    assert (lead.path, lead.line) == ("data/studies.csv", 10)  # ding-c-2018's line, its place
    assert lead.message.startswith(
        "studies has no row for study 'huang-b-2018' (its place: before 'ding-c-2018'), but "
    )
    assert "restore the row" in lead.message and "delete the rows that name it" in lead.message
    assert ("the upstream package has its row" in lead.message) == upstream
    folded = {"schema.foreign_key", "counts.included", "rounds.included_rows", "integrity.hash"}
    assert folded <= set(lead.also)
    assert f"run `msc-exos-pof rehash {living_copy}`" in lead.message
    assert report.exit_code == 1


def test_a_single_dangling_reference_stays_a_foreign_key_finding(living_copy: Path) -> None:
    def typo(rows: list[dict[str, str]]) -> None:
        rows[0]["study_id"] = "yang-m-2021"

    edit_rows(living_copy, "study_mechanisms", typo)
    [finding] = errors(living_copy)
    assert finding.check == "schema.foreign_key" and finding.resource == "study_mechanisms"


def test_stale_hashes_alone_are_one_finding_with_the_exact_command(living_copy: Path) -> None:
    file = living_copy / "data" / "references.csv"
    file.write_text(file.read_text(encoding="utf-8").replace("Rat", "Rat ", 1), encoding="utf-8")
    [finding] = errors(living_copy)
    assert set(finding.checks) == {"integrity.hash", "integrity.bytes"}
    assert f"`msc-exos-pof rehash {living_copy}`" in finding.message


# --- one answer per question -------------------------------------------------------------------


def test_the_two_pmsc_counts_are_explained_where_an_analyst_looks() -> None:
    studies = msc_exos_pof.describe("studies").set_index("field")
    links = msc_exos_pof.describe("study_msc_sources").set_index("field")
    by_source = msc_exos_pof.load("studies")["msc_source"].value_counts()
    linked = msc_exos_pof.load("study_msc_sources")["msc_source"].value_counts()
    assert (by_source["PMSC"], linked["PMSC"]) == (2, 3)
    for description in (
        studies.loc["msc_source", "description"],
        links.loc["msc_source", "description"],
    ):
        assert "chen-s-2020" in description and "PMSC has" in description
    page = (
        Path(__file__).resolve().parents[1] / "docs" / "examples" / "evidence-map.md"
    ).read_text(encoding="utf-8")
    assert "chen-s-2020" in page and "study_msc_sources" in page


def test_a_new_study_without_its_msc_source_link_fails(package_copy: Path) -> None:
    open_round(package_copy, studies=1)
    links = read_rows(package_copy, "study_msc_sources")
    new = [r for r in links if r["study_id"].startswith("update-")]
    assert new  # open_round links the new study like the study it copies
    edit_rows(
        package_copy,
        "study_msc_sources",
        lambda rows: [r for r in rows if not r["study_id"].startswith("update-")],
    )
    [finding] = errors(package_copy)
    assert finding.check == "links.msc_source_coverage" and "update-" in finding.message

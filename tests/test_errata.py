"""Errata reconciliation (each difference documented once, no stale rows) and the checks page."""

from __future__ import annotations

from pathlib import Path

import pytest
from package_rows import edit_rows, read_rows
from test_consistency_checks import FAMILIES, drop_rows, fired, set_cell

from msc_exos_pof import validate
from msc_exos_pof.docgen.checks import checks_markdown
from msc_exos_pof.gate.registry import all_checks

CHECKS_PAGE = Path(__file__).resolve().parents[1] / "docs" / "checks.md"


def test_every_erratum_of_the_shipped_package_surfaces_once_as_known(package_copy: Path) -> None:
    errata = {row["erratum_id"] for row in read_rows(package_copy, "errata")}
    report = validate(package_copy, select=["errata.known"], summary=False)
    known = [f.erratum for f in report.by_check("errata.known")]
    assert sorted(known) == sorted(errata)
    assert len(known) == 14
    assert report.exit_code == 0


@pytest.mark.parametrize(
    "erratum, check",
    [
        ("studies/yang-m-2020/year", "years.label"),
        ("studies/sun-b-2019/first_author", "studies.first_author_label"),
        ("studies/li-q-2024/species", "studies.species"),
        ("studies/bao-z-2024/msc_source", "studies.msc_source"),
        ("stated_counts/studies_per_design.clinical/value", "counts.per_design"),
        ("stated_counts/studies_per_source.PMSC/value", "counts.per_source"),
        ("msc_sources/PMSC/stated_study_count", "counts.source_table"),
        ("references/54/duplicate_of", None),
    ],
)
def test_removing_an_erratum_makes_its_difference_an_error(
    package_copy: Path, erratum: str, check: str | None
) -> None:
    drop_rows(package_copy, "errata", "erratum_id", erratum)
    report = validate(package_copy, select=FAMILIES, summary=False)
    resource, record, field_name = erratum.split("/")
    unexplained = report.by_check("errata.unexplained")
    assert [(f.resource, f.field) for f in unexplained] == [(resource, field_name)]
    assert erratum in unexplained[0].message
    expected = {"errata.unexplained"} | ({check} if check else set())
    assert fired(report.fired()) == expected
    assert report.exit_code == 1


def test_an_erratum_whose_values_no_longer_match_is_stale_and_the_difference_unexplained(
    package_copy: Path,
) -> None:
    set_cell(
        package_copy, "errata", "erratum_id", "studies/yang-m-2020/year", "published_value", "2017"
    )
    report = validate(package_copy, select=FAMILIES, summary=False)
    assert fired(report.fired()) == {"years.label", "errata.unexplained", "errata.stale"}
    assert "'2018' -> '2020'" in report.by_check("errata.stale")[0].message


def test_an_erratum_where_published_and_curated_values_agree_is_stale(package_copy: Path) -> None:
    """Errata record published values that differ from curated ones: li-y-2024's species is
    'Mice' in Table 2 and mouse in the data, so an erratum 'rat' -> mouse (the Discussion's
    'rat models', a concern) explains no difference."""

    def add(rows: list[dict[str, str]]) -> None:
        model = next(r for r in rows if r["erratum_id"] == "studies/li-q-2024/species")
        rows.append(
            {
                **model,
                "erratum_id": "studies/li-y-2024/species",
                "record": "li-y-2024",
                "published_value": "rat",
                "curated_value": "mouse",
            }
        )

    edit_rows(package_copy, "errata", add)
    report = validate(package_copy, select=FAMILIES, summary=False)
    assert fired(report.fired()) == {"errata.stale"}
    assert report.by_check("errata.stale")[0].erratum == "studies/li-y-2024/species"


def test_an_erratum_naming_a_missing_record_is_a_target_error_not_a_stale_one(
    package_copy: Path,
) -> None:
    def retarget(rows: list[dict[str, str]]) -> None:
        row = next(r for r in rows if r["erratum_id"] == "studies/yang-m-2020/year")
        row.update(record="nobody-2020", erratum_id="studies/nobody-2020/year")

    edit_rows(package_copy, "errata", retarget)
    report = validate(package_copy, select=FAMILIES, summary=False)
    assert fired(report.fired()) == {"errata.target", "errata.unexplained", "years.label"}
    assert "no record 'nobody-2020'" in report.by_check("errata.target")[0].message


def test_checks_page_lists_every_registered_check() -> None:
    page = checks_markdown()
    for check in all_checks():
        assert f"| `{check.id}` | {check.severity}" in page


def test_checks_page_in_docs_is_not_stale() -> None:
    assert CHECKS_PAGE.is_file(), (
        "run: msc-exos-pof checks --format markdown --force -o docs/checks.md"
    )
    assert CHECKS_PAGE.read_text(encoding="utf-8") == checks_markdown(), (
        "docs/checks.md is stale: regenerate it with "
        "msc-exos-pof checks --format markdown --force --output docs/checks.md"
    )


def test_checks_page_is_written_atomically_and_printed(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from msc_exos_pof.cli import main

    target = tmp_path / "out" / "checks.md"
    written = CliRunner().invoke(main, ["checks", "--format", "markdown", "--output", str(target)])
    assert written.exit_code == 0, written.output
    assert target.read_text(encoding="utf-8") == checks_markdown()
    assert [p.name for p in target.parent.iterdir()] == ["checks.md"]
    printed = CliRunner().invoke(main, ["checks", "--format", "markdown"])
    assert printed.output == checks_markdown()

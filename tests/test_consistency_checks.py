"""Consistency and errata checks: each fires on a copy broken exactly the way it guards against."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from package_rows import edit_rows, read_rows, write_rows

from msc_exos_pof import validate
from msc_exos_pof.gate.registry import all_checks, get
from msc_exos_pof.testing.mutations import MUTATIONS, open_round

#: Check-id prefixes of the consistency and errata layers (the families these tests cover).
FAMILIES = (
    "prisma",
    "counts",
    "years",
    "studies",
    "duplicates",
    "links",
    "errata",
    "vocabulary",
    "rounds",
)
#: Checks that need more than the package (``validate(upstream=...)``): tests/test_rounds.py.
NEEDS_UPSTREAM = "upstream."
OWN_LAYERS = ("consistency", "errata")


def set_cell(folder: Path, resource: str, key: str, record: str, column: str, value: str) -> None:
    """Set ``column`` of the row whose ``key`` is ``record`` (the row must exist)."""

    def change(rows: list[dict[str, str]]) -> None:
        matches = [row for row in rows if row[key] == record]
        assert matches, f"{resource} has no row {key}={record}"
        for row in matches:
            row[column] = value

    edit_rows(folder, resource, change)


def drop_rows(folder: Path, resource: str, key: str, record: str) -> None:
    edit_rows(folder, resource, lambda rows: [row for row in rows if row[key] != record])


def node(folder: Path, name: str, count: str) -> None:
    set_cell(folder, "prisma_flow", "node", name, "count", count)


def node_of_round(folder: Path, round: int, name: str, count: str) -> None:
    def change(rows: list[dict[str, str]]) -> None:
        for row in rows:
            if row["node"] == name and row["round"] == str(round):
                row["count"] = count

    edit_rows(folder, "prisma_flow", change)


def count_node(folder: Path, name: str, count: str) -> None:
    """Give ``name`` (a not_reported row, or a new row) a stated count in round 1."""

    def change(rows: list[dict[str, str]]) -> None:
        matches = [row for row in rows if row["node"] == name]
        if not matches:
            matches = [{**{key: "" for key in rows[0]}, "node": name, "round": "1"}]
            matches[0].update(step=str(len(rows) + 1), label=name)
            rows.append(matches[0])
        for row in matches:
            row.update(count=count, basis="stated", note="")

    edit_rows(folder, "prisma_flow", change)


def unpool_other_methods(folder: Path, assessed: str, excluded: str | None = None) -> None:
    """The review's flow with its 9 other-methods records counted in their own arm: the
    database arm then de-duplicates 283 records (134 duplicates), and the other arm seeks 9
    reports, retrieves all, assesses ``assessed`` and excludes ``excluded`` (default: all it
    assessed, so that the included studies stay those of the databases arm)."""
    node(folder, "identified_total", "283")
    node(folder, "duplicates", "134")
    count_node(folder, "other_reports_sought", "9")
    count_node(folder, "other_reports_not_retrieved", "0")
    count_node(folder, "other_reports_assessed", assessed)
    count_node(folder, "other_reports_excluded", assessed if excluded is None else excluded)


def stated(folder: Path, key: str, value: str) -> None:
    set_cell(folder, "stated_counts", "key", key, "value", value)


def study(folder: Path, study_id: str, column: str, value: str) -> None:
    set_cell(folder, "studies", "study_id", study_id, column, value)


def reference(folder: Path, number: str, column: str, value: str) -> None:
    set_cell(folder, "references", "reference_number", number, column, value)


def source(folder: Path, code: str, value: str) -> None:
    set_cell(folder, "msc_sources", "msc_source", code, "stated_study_count", value)


def add_erratum(
    folder: Path,
    resource: str,
    record: str,
    field_name: str,
    published: str,
    curated: str,
    kind: str = "label_year_mismatch",
) -> None:
    def change(rows: list[dict[str, str]]) -> None:
        rows.append(
            {
                "erratum_id": f"{resource}/{record}/{field_name}",
                "resource": resource,
                "record": record,
                "field": field_name,
                "published_value": published,
                "curated_value": curated,
                "kind": kind,
                "evidence": "test",
                "note": "test",
            }
        )

    edit_rows(folder, "errata", change)


def same_title_as_first_study(folder: Path) -> None:
    title = read_rows(folder, "studies")[0]["title"]
    study(folder, "chen-s-2020", "title", "  " + title.upper() + " ")


@dataclass(frozen=True)
class Case:
    """A way to break the package, the check it must fire and the other checks it may fire."""

    check: str
    break_it: Callable[[Path], None]
    also: frozenset[str] = field(default_factory=frozenset)
    name: str = ""


UNEXPLAINED = frozenset({"errata.unexplained"})
CASES = [
    Case("prisma.nodes", lambda p: drop_rows(p, "prisma_flow", "node", "citations_results")),
    Case(
        "prisma.database_total",
        lambda p: set_cell(p, "search_strategies", "database", "PubMed", "records", "56"),
    ),
    Case("prisma.identified_total", lambda p: node(p, "citations_results", "10")),
    Case("prisma.duplicates", lambda p: node(p, "duplicates", "142")),
    Case("prisma.screened", lambda p: node(p, "records_excluded", "110")),
    Case("prisma.included", lambda p: node(p, "reports_excluded", "20")),
    Case(
        "prisma.included_rows",
        lambda p: (node(p, "new_studies", "18"), node(p, "reports_excluded", "20")),
        frozenset({"counts.source_total"}),
    ),
    # The template's boxes the review does not report: counted in a copy, they join their
    # box's equation; a count not reported is empty and says why.
    Case(
        "prisma.identified_total",
        lambda p: count_node(p, "register_results", "4"),
        name="registers counted",
    ),
    Case(
        "prisma.duplicates",
        lambda p: count_node(p, "excluded_automatic", "3"),
        name="automation tools counted",
    ),
    Case(
        "prisma.screened",
        lambda p: count_node(p, "reports_not_retrieved", "2"),
        name="reports not retrieved counted",
    ),
    Case("prisma.sought", lambda p: count_node(p, "reports_sought", "40")),
    Case("prisma.other_arm", lambda p: unpool_other_methods(p, assessed="8")),
    Case(
        "prisma.included",
        lambda p: unpool_other_methods(p, assessed="9", excluded="7"),
        name="other-methods studies",
    ),
    Case(
        "prisma.not_reported",
        lambda p: set_cell(p, "prisma_flow", "node", "reports_sought", "count", "38"),
        name="not reported with a count",
    ),
    Case(
        "prisma.not_reported",
        lambda p: set_cell(p, "prisma_flow", "node", "new_reports", "note", ""),
        name="not reported without a reason",
    ),
    Case(
        "prisma.not_reported",
        lambda p: set_cell(p, "prisma_flow", "node", "records_excluded", "count", ""),
        name="stated without a count",
    ),
    Case("counts.databases", lambda p: stated(p, "databases_searched.abstract", "6"), UNEXPLAINED),
    Case("counts.included", lambda p: stated(p, "included_studies.results", "16"), UNEXPLAINED),
    Case("counts.per_design", lambda p: stated(p, "studies_per_design.in_vivo", "14"), UNEXPLAINED),
    Case(
        "counts.per_source",
        lambda p: stated(p, "studies_per_source.BMSC", "6"),
        UNEXPLAINED | {"counts.source_agreement"},
    ),
    Case(
        "counts.source_table",
        lambda p: source(p, "BMSC", "6"),
        UNEXPLAINED | {"counts.source_total", "counts.source_agreement"},
    ),
    Case(
        "counts.source_total",
        lambda p: source(p, "BMSC", "4"),
        UNEXPLAINED | {"counts.source_table", "counts.source_agreement"},
    ),
    Case(
        "counts.source_agreement",
        lambda p: (
            stated(p, "studies_per_source.BMSC", "6"),
            stated(p, "studies_per_source.ADSC", "3"),
        ),
        UNEXPLAINED | {"counts.per_source"},
    ),
    Case(
        "years.window",
        lambda p: stated(p, "year_max.results", "2024"),
        UNEXPLAINED,
        name="stated-bound",
    ),
    Case(
        "years.window",
        lambda p: stated(p, "year_min.inclusion_criteria", "2017"),
        name="inclusion-criteria",
    ),
    Case(
        "years.label",
        lambda p: study(p, "yang-g-2024", "label_published", "Ge Yang et al. 2023"),
        UNEXPLAINED,
    ),
    Case("years.reference", lambda p: reference(p, "34", "year", "2023")),
    Case(
        "studies.first_author_label",
        lambda p: study(p, "pan-q-2019", "label_published", "Qunwen Pam et al. 2019"),
        UNEXPLAINED,
    ),
    Case(
        "studies.first_author_reference",
        lambda p: reference(p, "32", "authors", "Pam Q, Wang Y, Lan Q"),
    ),
    Case("studies.title_reference", lambda p: reference(p, "32", "title", "Another title")),
    Case(
        "studies.species",
        lambda p: study(p, "geng-z-2022", "animal_model_published", "Rat"),
        UNEXPLAINED,
    ),
    Case(
        "studies.msc_source",
        lambda p: study(p, "geng-z-2022", "msc_source_published", "ADSC"),
        UNEXPLAINED,
    ),
    Case(
        "studies.eligibility_evidence", lambda p: study(p, "pan-q-2019", "eligibility_evidence", "")
    ),
    Case(
        "duplicates.study_reference",
        lambda p: reference(p, "41", "duplicate_of", "40"),
        UNEXPLAINED,
    ),
    Case(
        "duplicates.study_title", same_title_as_first_study, frozenset({"studies.title_reference"})
    ),
    Case(
        "duplicates.reference_unlinked",
        lambda p: reference(p, "74", "duplicate_of", ""),
        frozenset({"errata.stale"}),
    ),
    Case(
        "duplicates.reference_chain",
        lambda p: reference(p, "29", "duplicate_of", "29"),
        UNEXPLAINED,
    ),
    Case(
        "links.mechanism_coverage",
        lambda p: drop_rows(p, "study_mechanisms", "study_id", "geng-z-2022"),
    ),
    Case(
        "links.msc_source_coverage",
        lambda p: drop_rows(p, "study_msc_sources", "study_id", "seok-j-2020"),
    ),
    Case("errata.known", lambda p: None, name="shipped"),
    Case(
        "errata.unexplained",
        lambda p: drop_rows(p, "errata", "erratum_id", "studies/yang-m-2020/year"),
        frozenset({"years.label"}),
    ),
    Case(
        "errata.stale", lambda p: add_erratum(p, "studies", "yang-g-2024", "year", "2023", "2024")
    ),
    Case(
        "errata.id",
        lambda p: set_cell(
            p,
            "errata",
            "erratum_id",
            "studies/yang-m-2020/year",
            "erratum_id",
            "studies/yang-m-2020/yr",
        ),
    ),
    Case(
        "errata.target", lambda p: add_erratum(p, "studies", "yang-m-2020", "colour", "red", "blue")
    ),
    Case(
        "vocabulary.coverage",
        lambda p: drop_rows(p, "vocabularies", "code", "whole_exosomes"),
        name="code without definition",
    ),
    Case(
        "vocabulary.coverage",
        lambda p: set_cell(p, "vocabularies", "code", "in_vitro", "code", "ex_vivo"),
        name="definition of no code",
    ),
    # Search rounds: the catalogue's round mutations open a consistent update round, then break
    # exactly one thing in it.
    *(
        Case(check, lambda p, name=name: MUTATIONS[name](p, random.Random(0)), name=name)
        for name, check in (
            ("round_count", "rounds.prisma_arithmetic"),
            ("round_database_records", "rounds.databases_sum"),
            ("round_databases_missing", "rounds.databases_sum"),
            ("round_study_uncounted", "rounds.included_rows"),
            ("round_node_missing", "rounds.nodes"),
            ("round_date_earlier", "rounds.dates_increase"),
            ("round_removal_early", "rounds.removals"),
        )
    ),
    Case(
        "rounds.previous_plus_new",
        lambda p: (open_round(p, studies=1), node_of_round(p, 2, "total_studies", "19")),
    ),
    Case(
        "rounds.previous_plus_new",
        lambda p: MUTATIONS["round_reports"](p, random.Random(0)),
        name="reports",
    ),
]


def fired(report_checks: set[str]) -> set[str]:
    """Fired ids of the families under test, without the warnings every package shows."""
    return {check for check in report_checks if check != "errata.known"}


@pytest.mark.parametrize(
    "case", CASES, ids=[c.check + (f"[{c.name}]" if c.name else "") for c in CASES]
)
def test_breaking_the_package_fires_exactly_the_check_that_guards_against_it(
    package_copy: Path, case: Case
) -> None:
    case.break_it(package_copy)
    report = validate(package_copy, select=FAMILIES, summary=False)
    assert case.check in report.fired(), [f.message for f in report.findings]
    expected = {case.check} | set(case.also)
    assert fired(report.fired()) == expected - {"errata.known"}, [
        f"{f.check}: {f.message}" for f in report.findings if f.check not in expected
    ]
    finding = report.by_check(case.check)[0]
    assert finding.severity == get(case.check).severity
    assert finding.message and finding.resource
    if get(case.check).severity == "error":
        assert validate(package_copy, select=[case.check], summary=False).exit_code == 1
        assert report.exit_code == 1


def test_every_consistency_and_errata_check_has_a_breaking_case() -> None:
    own = {
        check.id
        for check in all_checks()
        if check.layer in OWN_LAYERS and not check.id.startswith(NEEDS_UPSTREAM)
    }
    assert own, "no consistency or errata checks are registered"
    assert own <= {case.check for case in CASES}
    assert all(check_id.startswith(FAMILIES) for check_id in own)


def test_the_shipped_package_has_no_consistency_or_errata_errors() -> None:
    report = validate(select=FAMILIES, summary=False)
    assert [f.message for f in report.findings if f.severity == "error"] == []
    assert report.fired() <= {"errata.known"}


def test_first_author_may_span_several_tokens_of_the_label(package_copy: Path) -> None:
    study(package_copy, "pan-q-2019", "label_published", "C.van der Hoef et al. 2019")
    study(package_copy, "pan-q-2019", "first_author", "van der Hoef")
    reference(package_copy, "32", "authors", "van der Hoef C, Bawuah Dsane L")
    report = validate(package_copy, select=FAMILIES, summary=False)
    assert fired(report.fired()) == set()


@pytest.mark.parametrize(
    "resource",
    [
        "studies",
        "references",
        "stated_counts",
        "errata",
        "prisma_flow",
        "msc_sources",
        "animal_models",
    ],
)
def test_checks_skip_silently_when_a_table_cannot_be_read(
    package_copy: Path, resource: str
) -> None:
    (package_copy / "data" / f"{resource}.csv").write_bytes(b"\xff\xfe not utf-8")
    report = validate(package_copy, select=FAMILIES, summary=False)
    assert fired(report.fired()) == set(), [f.message for f in report.findings]


def test_checks_skip_silently_when_a_column_is_missing(package_copy: Path) -> None:
    rows = [
        {k: v for k, v in row.items() if k != "year"} for row in read_rows(package_copy, "studies")
    ]
    write_rows(package_copy, "studies", rows)
    report = validate(package_copy, select=FAMILIES, summary=False)
    assert "years.label" not in report.fired()
    assert "years.reference" not in report.fired()


@pytest.mark.parametrize(
    "break_it, check, resource, row",
    [
        (
            lambda p: study(p, "yang-g-2024", "label_published", "Ge Yang et al. 2023"),
            "years.label",
            "studies",
            6,
        ),
        (
            lambda p: reference(p, "29", "duplicate_of", "29"),
            "duplicates.reference_chain",
            "references",
            29,
        ),
        (lambda p: node(p, "records_excluded", "110"), "prisma.screened", "prisma_flow", 9),
        (
            lambda p: stated(p, "studies_per_design.in_vivo", "14"),
            "counts.per_design",
            "stated_counts",
            13,
        ),
    ],
)
def test_findings_point_at_the_one_based_data_row_of_the_record(
    package_copy: Path, break_it: Callable[[Path], None], check: str, resource: str, row: int
) -> None:
    break_it(package_copy)
    finding = validate(package_copy, select=[check], summary=False).by_check(check)[0]
    assert (finding.resource, finding.row) == (resource, row)
    assert "expected" in finding.message


@pytest.mark.parametrize(
    "break_it",
    [
        lambda p: stated(p, "registered_clinical_trials", "99"),
        lambda p: study(p, "chen-s-2020", "curation_note", "changed"),
        lambda p: study(p, "le-dc-2024", "label_published", "Duy-Cuong et al. 2024"),
    ],
    ids=["non-derivable-count", "curation-note", "unchanged-label"],
)
def test_changes_no_consistency_check_compares_fire_nothing(
    package_copy: Path, break_it: Callable[[Path], None]
) -> None:
    break_it(package_copy)
    report = validate(package_copy, select=FAMILIES, summary=False)
    assert fired(report.fired()) == set()
    assert len(report.by_check("errata.known")) == 14

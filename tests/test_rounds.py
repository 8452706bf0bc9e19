"""Living review: search rounds, their PRISMA 2020 arithmetic, round add, upstream safety, diff."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

import msc_exos_pof
from msc_exos_pof.cli import main
from msc_exos_pof.io.descriptor import read_descriptor
from msc_exos_pof.io.locate import shipped_package_dir
from msc_exos_pof.release.hashes import rehash
from msc_exos_pof.release.versions import next_version
from msc_exos_pof.testing.mutations import add_study, open_round

#: Slow: the living-review workflow over whole packages and CLI runs.
pytestmark = pytest.mark.slow

NODES = (
    "database_results",
    "citations_results",
    "identified_total",
    "duplicates",
    "records_screened",
    "records_excluded",
    "reports_assessed",
    "reports_excluded",
    "new_studies",
    "previous_studies",
    "total_studies",
)


def errors(path: Path, **options) -> list:
    report = msc_exos_pof.validate(path, summary=False, **options)
    return [f for f in report.findings if f.severity == "error"]


@pytest.fixture
def living_copy(package_copy: Path) -> Path:
    """The shipped package with two update rounds (two new studies, then one)."""
    open_round(package_copy, studies=2)
    open_round(package_copy, studies=1)
    return package_copy


def set_count(folder: Path, round: int, node: str, delta: int) -> None:
    file = folder / "data" / "prisma_flow.csv"
    with open(file, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["round"] == str(round) and row["node"] == node:
            row["count"] = str(int(row["count"]) + delta)
    with open(file, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    rehash(folder)


def test_the_shipped_package_is_round_1_of_the_published_review() -> None:
    rounds = msc_exos_pof.load("search_rounds")
    assert rounds["round"].tolist() == [1] and rounds["searched"].tolist() == ["2025-07"]
    assert rounds["basis"].tolist() == ["quoted"]
    assert set(msc_exos_pof.load("studies")["round"]) == {1}
    assert set(msc_exos_pof.load("prisma_flow")["round"]) == {1}
    assert set(msc_exos_pof.load("search_strategies")["round"]) == {1}
    studies = msc_exos_pof.load("studies", include_removed=True)
    assert studies["removed_round"].isna().all() and len(studies) == 17


def test_a_copy_with_later_rounds_and_new_studies_validates_with_zero_errors(
    living_copy: Path,
) -> None:
    assert errors(living_copy) == []
    studies = msc_exos_pof.load("studies", living_copy)
    assert studies["round"].value_counts().to_dict() == {1: 17, 2: 2, 3: 1}


def test_a_later_round_removing_a_study_with_its_reason_validates(living_copy: Path) -> None:
    from msc_exos_pof.release.removals import remove_study

    before = (living_copy / "data" / "studies.csv").read_text(encoding="utf-8").splitlines()
    removed = remove_study(living_copy, "yang-m-2020", "retracted", "Retraction notice (example)")
    assert removed.round == 3
    after = (living_copy / "data" / "studies.csv").read_text(encoding="utf-8").splitlines()
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert changed == [1] and after[1].endswith(",1,3,retracted,Retraction notice (example)")
    assert [f.check for f in errors(living_copy)] == ["rounds.previous_plus_new"]
    set_count(living_copy, 3, "total_studies", -1)
    assert errors(living_copy) == []
    assert len(msc_exos_pof.load("studies", living_copy)) == 19


#: (round, node) mistyped: every node of round 2, whose total also feeds round 3's previous
#: studies; the last round's updated-review nodes; the published round's flow in a living copy.
MISTYPED = [
    *((2, node) for node in NODES),
    (3, "previous_studies"),
    (3, "total_studies"),
    (1, "database_results"),
    (1, "duplicates"),
    (1, "records_screened"),
    (1, "reports_excluded"),
]


#: Checked in the default run (one per kind of equation); the rest run with the slow tests.
QUICK = {(2, "records_screened"), (2, "new_studies"), (2, "total_studies"), (1, "duplicates")}


@pytest.mark.parametrize(
    ("round", "node"),
    [
        pytest.param(r, n, id=f"{r}-{n}", marks=() if (r, n) in QUICK else pytest.mark.slow)
        for r, n in MISTYPED
    ],
)
def test_a_mistyped_count_of_any_round_gives_one_finding_naming_round_and_node(
    living_copy: Path, round: int, node: str
) -> None:
    set_count(living_copy, round, node, 3)
    found = errors(living_copy)
    assert len(found) == 1, [(f.check, f.message) for f in found]
    assert found[0].check.startswith("rounds.")
    assert f"round {round}: {node} is" in found[0].message
    assert f"correct the count of {node} in round {round}" in found[0].message


def count_template_boxes(folder: Path, round: int, counts: dict[str, int]) -> None:
    """Give ``round`` rows for template boxes the shipped flow does not count."""
    from msc_exos_pof.testing.mutations.counts import set_node
    from msc_exos_pof.testing.mutations.edit import read, write

    flow = read(folder, "prisma_flow")
    for name, count in counts.items():
        flow = set_node(flow, round, name, count)
    write(folder, "prisma_flow", flow)


def test_a_round_that_counts_retrieval_and_reports_validates(living_copy: Path) -> None:
    """Round 2 counts its retrieval (2 reports sought, none lost) and its reports (17 previous
    + 2 new = 19 in total), round 3 its previous reports (round 2's 19): all of it adds up."""
    count_template_boxes(
        living_copy,
        2,
        {
            "reports_sought": 2,
            "reports_not_retrieved": 0,
            "previous_reports": 17,
            "new_reports": 2,
            "total_reports": 19,
        },
    )
    count_template_boxes(living_copy, 3, {"previous_reports": 19})
    assert errors(living_copy) == []


@pytest.mark.parametrize(
    ("round", "node"), [(2, "reports_not_retrieved"), (2, "total_reports"), (3, "previous_reports")]
)
def test_a_mistyped_template_box_of_a_round_gives_one_finding_naming_it(
    living_copy: Path, round: int, node: str
) -> None:
    count_template_boxes(
        living_copy,
        2,
        {"reports_sought": 2, "reports_not_retrieved": 0, "new_reports": 2, "total_reports": 19},
    )
    count_template_boxes(living_copy, 2, {"previous_reports": 17})
    count_template_boxes(living_copy, 3, {"previous_reports": 19})
    set_count(living_copy, round, node, 1)
    found = errors(living_copy)
    assert len(found) == 1, [(f.check, f.message) for f in found]
    assert f"round {round}: {node} is" in found[0].message


def test_an_uncounted_study_of_a_round_says_how_many_rows_the_round_has(package_copy: Path) -> None:
    number = open_round(package_copy, studies=1)
    add_study(package_copy, number)
    [finding] = errors(package_copy)
    assert finding.check == "rounds.included_rows"
    assert finding.message.startswith("prisma_flow round 2: new_studies is 1 but 2 studies rows")


def test_statements_of_the_publication_are_compared_with_round_1_only(
    living_copy: Path,
) -> None:
    report = msc_exos_pof.validate(living_copy, summary=False)
    assert not report.by_check("counts.included")
    assert not report.by_check("errata.unexplained")
    # The same new studies filed under round 1 contradict the review's "17 studies".
    studies = living_copy / "data" / "studies.csv"
    studies.write_text(
        studies.read_text(encoding="utf-8")
        .replace(",2,,,\n", ",1,,,\n")
        .replace(",3,,,\n", ",1,,,\n"),
        encoding="utf-8",
    )
    rehash(living_copy)
    checks = {check for f in errors(living_copy) for check in (f.check, *f.also)}
    assert {"counts.included", "rounds.included_rows", "errata.unexplained"} <= checks


def test_round_add_opens_a_round_and_lists_what_it_still_needs(package_copy: Path) -> None:
    result = CliRunner().invoke(
        main, ["round", "add", str(package_copy), "--searched", "2026-05", "--changes", "x"]
    )
    assert result.exit_code == 0, result.output
    assert "opened round 2 (searched 2026-05)" in result.output
    assert "rounds.nodes: prisma_flow has no row for round 2" in result.output
    assert "rounds.databases_sum: search_strategies has no rows for round 2" in result.output
    rounds = msc_exos_pof.load("search_rounds", package_copy)
    assert rounds["round"].tolist() == [1, 2]
    expected = next_version(read_descriptor(shipped_package_dir())["version"], "minor")
    assert rounds["version"].tolist()[-1] == expected
    assert read_descriptor(package_copy)["version"] == expected
    assert {f.check for f in errors(package_copy)} == {"rounds.nodes", "rounds.databases_sum"}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--searched", "May 2026"], "is not a date"),
        (["--searched", "2025-01"], "is not after round 1"),
        (["--searched", "2026-05", "--version", "v2"], "is not a semantic version"),
    ],
)
def test_round_add_refuses_a_bad_date_or_version(
    package_copy: Path, arguments: list[str], message: str
) -> None:
    before = (package_copy / "data" / "search_rounds.csv").read_bytes()
    result = CliRunner().invoke(main, ["round", "add", str(package_copy), *arguments])
    assert result.exit_code == 2 and message in result.output
    assert (package_copy / "data" / "search_rounds.csv").read_bytes() == before


def test_round_add_never_edits_the_shipped_package() -> None:
    from msc_exos_pof.io.locate import shipped_package_dir

    result = CliRunner().invoke(
        main, ["round", "add", str(shipped_package_dir()), "--searched", "2026-05"]
    )
    assert result.exit_code == 2 and "make a copy first" in result.output


# --- fork safety -----------------------------------------------------------------------------


def test_upstream_check_runs_only_with_an_upstream_package(living_copy: Path) -> None:
    from msc_exos_pof.io.locate import shipped_package_dir

    plain = msc_exos_pof.validate(living_copy, summary=False)
    assert "upstream.unrecorded_change" not in plain.checks_run
    against = msc_exos_pof.validate(living_copy, summary=False, upstream=shipped_package_dir())
    assert "upstream.unrecorded_change" in against.checks_run
    assert [f for f in against.findings if f.severity == "error"] == []


def test_an_upstream_row_edited_without_an_erratum_fails_and_an_erratum_explains_it(
    living_copy: Path,
) -> None:
    from msc_exos_pof.io.locate import shipped_package_dir

    file = living_copy / "data" / "animal_models.csv"
    file.write_text(file.read_text(encoding="utf-8").replace("Rabbit,rabbit,", "Rabbit,rabbit,x"))
    rehash(living_copy)
    [finding] = errors(living_copy, upstream=shipped_package_dir())
    assert finding.check == "upstream.unrecorded_change"
    assert "animal_models 'Rabbit': note is 'x'" in finding.message
    with open(living_copy / "data" / "errata.csv", "a", encoding="utf-8") as handle:
        header = (living_copy / "data" / "errata.csv").read_text().splitlines()[0].split(",")
        row = dict.fromkeys(header, "")
        row.update(
            erratum_id="animal_models/Rabbit/note",
            resource="animal_models",
            record="Rabbit",
            field="note",
            curated_value="x",
            kind="cell_contradicts_title",
            evidence="the note of the copy",
            note="why",
        )
        handle.write(",".join(row[name] for name in header) + "\n")
    rehash(living_copy)
    assert not msc_exos_pof.validate(
        living_copy, summary=False, upstream=shipped_package_dir()
    ).by_check("upstream.unrecorded_change")


def test_an_upstream_study_dropped_is_one_finding_at_its_place(package_copy: Path) -> None:
    from msc_exos_pof.io.locate import shipped_package_dir

    file = package_copy / "data" / "study_mechanisms.csv"
    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    file.write_text("".join(line for line in lines if not line.startswith("yang-m-2020,")))
    studies = package_copy / "data" / "studies.csv"
    lines = studies.read_text(encoding="utf-8").splitlines(keepends=True)
    studies.write_text("".join(line for line in lines if not line.startswith("yang-m-2020,")))
    rehash(package_copy)
    report = msc_exos_pof.validate(package_copy, summary=False, upstream=shipped_package_dir())
    [lead] = report.by_check("studies.missing_row")
    assert lead.message.startswith("studies has no row for study 'yang-m-2020'")
    assert "the upstream package has its row" in lead.message and "restore the row" in lead.message
    assert (lead.path, lead.line) == ("data/studies.csv", 2)  # before chen-s-2020, row 1's place
    messages = [f.message for f in report.by_check("upstream.unrecorded_change")]
    assert not any(m.startswith("studies 'yang-m-2020'") for m in messages)
    assert any(m.startswith("study_mechanisms 'yang-m-2020/") for m in messages)


@pytest.mark.slow
def test_validate_upstream_option_exits_1_for_an_unrecorded_change(living_copy: Path) -> None:
    from msc_exos_pof.io.locate import shipped_package_dir

    file = living_copy / "data" / "animal_models.csv"
    file.write_text(file.read_text(encoding="utf-8").replace("Rabbit,rabbit,", "Rabbit,rabbit,x"))
    rehash(living_copy)
    runner = CliRunner()
    args = ["validate", str(living_copy), "--select", "upstream"]
    assert runner.invoke(main, args).exit_code == 0
    result = runner.invoke(main, [*args, "--upstream", str(shipped_package_dir())])
    assert result.exit_code == 1 and "upstream.unrecorded_change" in result.output


# --- versions and changes --------------------------------------------------------------------


def test_diff_names_new_rounds_and_studies_and_writes_the_changelog_paragraph(
    living_copy: Path,
) -> None:
    from msc_exos_pof.io.locate import shipped_package_dir
    from msc_exos_pof.release.diff import changes_paragraph, diff

    result = diff(shipped_package_dir(), living_copy)
    assert result.bump == "minor"
    assert [r["round"] for r in result.living.rounds] == ["2", "3"]
    assert len(result.living.studies) == 3
    paragraph = changes_paragraph(result)
    shipped = read_descriptor(shipped_package_dir())["version"]
    assert f"Changes since the previous version ({shipped}):" in paragraph
    assert "- Search round 2 (searched 2027-07)" in paragraph
    assert "- 3 new studies: update-" in paragraph
    assert "- Studies included: 20 (previous version: 17)." in paragraph
    assert "Version bump: minor" in paragraph
    text = CliRunner().invoke(main, ["diff", str(shipped_package_dir()), str(living_copy)])
    assert "search rounds: round 2 (searched 2027-07); round 3" in text.output


def test_a_correction_is_a_patch_and_a_schema_change_is_major(package_copy: Path) -> None:
    import json

    from msc_exos_pof.io.locate import shipped_package_dir
    from msc_exos_pof.release.diff import changes_paragraph, diff

    file = package_copy / "data" / "animal_models.csv"
    file.write_text(file.read_text(encoding="utf-8").replace("Rabbit,rabbit,", "Rabbit,rabbit,x"))
    rehash(package_copy)
    corrected = diff(shipped_package_dir(), package_copy)
    assert corrected.bump == "patch" and "Version bump: patch" in changes_paragraph(corrected)
    descriptor = json.loads((package_copy / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == "animal_models":
            resource["schema"]["fields"][2]["type"] = "integer"
    (package_copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert diff(shipped_package_dir(), package_copy).bump == "major"


# --- PRISMA output ---------------------------------------------------------------------------


def test_prisma_of_a_living_copy_is_the_updated_review_template(living_copy: Path) -> None:
    import xml.etree.ElementTree as ET

    from msc_exos_pof.prisma import prisma_svg, prisma_template_csv

    svg = prisma_svg(living_copy)
    tree = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"

    def box(name: str) -> str:
        group = tree.find(f".//{ns}g[@id='prisma-{name}']")
        assert group is not None, name
        return " ".join(text.text or "" for text in group.iter(f"{ns}text"))

    assert box("previous").startswith("Studies included in previous version of review (n = 19)")
    assert box("included").startswith("New studies included in review (n = 1)")
    assert box("total").startswith("Total studies included in review (n = 20)")
    headers = " ".join(
        t.text or ""
        for g in tree.iter(f"{ns}g")
        for t in g.iter(f"{ns}text")
        if g.get("class") == "prisma-header"
    )
    assert "Previous studies" in headers and "Identification of new studies via" in headers
    shown = " ".join(text.text or "" for text in tree.iter(f"{ns}text"))
    assert "prisma_flow, round 3 (update, searched 2028-07)" in shown
    rows = {
        r["data"]: r["n"] for r in csv.DictReader(prisma_template_csv(living_copy).splitlines())
    }
    assert (rows["previous_studies"], rows["new_studies"], rows["total_studies"]) == (
        "19",
        "1",
        "20",
    )


def test_the_single_round_diagram_and_template_keep_their_bytes() -> None:
    from msc_exos_pof.prisma import prisma_svg, prisma_template_csv

    root = Path(__file__).resolve().parents[1]
    assert prisma_svg() == (root / "docs" / "prisma-flow.svg").read_text(encoding="utf-8")
    rows = {r["data"]: r["n"] for r in csv.DictReader(prisma_template_csv().splitlines())}
    assert (rows["previous_studies"], rows["new_studies"], rows["total_studies"]) == (
        "NA",
        "17",
        "NA",
    )

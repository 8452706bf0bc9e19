"""The PRISMA 2020 flow diagram and template CSV: every number comes from ``prisma_flow``."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from package_rows import edit_rows, read_rows

from msc_exos_pof.cli import main
from msc_exos_pof.io.locate import shipped_package_dir
from msc_exos_pof.prisma import (
    ARM_HEADERS,
    BOX_TEXT,
    DAGGER,
    TEMPLATE_COLUMNS,
    TEMPLATE_NODES,
    OutputInsidePackageError,
    prisma_svg,
    prisma_template_csv,
    write_prisma,
)

SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: str) -> list[str]:
    """Every visible line of text of the diagram."""
    return [element.text or "" for element in ET.fromstring(svg).iter(f"{SVG}text")]


def tooltips(svg: str) -> dict[str, str]:
    """Box id -> its hover text."""
    root = ET.fromstring(svg)
    return {
        group.get("id", ""): group.find(f"{SVG}title").text or ""
        for group in root.iter(f"{SVG}g")
        if group.get("class") == "prisma-box"
    }


def flow_rows(folder: Path | None = None) -> list[dict[str, str]]:
    return read_rows(folder or shipped_package_dir(), "prisma_flow")


def test_every_count_of_prisma_flow_appears_in_the_diagram() -> None:
    shown = " ".join(texts(prisma_svg()))
    for row in flow_rows():
        assert f"n = {row['count']}" in shown, row["node"]


def test_the_diagram_is_a_standalone_svg_with_size_title_and_the_prisma_2020_boxes() -> None:
    svg = prisma_svg()
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert float(root.get("width")) > 600 and float(root.get("height")) > 500
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert root.find(f"{SVG}title").text.startswith("PRISMA 2020 flow diagram")
    lines = texts(svg)
    shown = " ".join(lines)
    for phase in ("Identification", "Screening", "Included"):
        assert phase in lines
    for row in flow_rows():
        assert " ".join(BOX_TEXT[row["node"]]) in shown, row["node"]
    assert "Studies included in review (n = 17)" in lines
    for header in ARM_HEADERS:
        assert header in shown


def test_text_is_readable_at_normal_size() -> None:
    root = ET.fromstring(prisma_svg())
    assert int(root.get("font-size")) >= 12
    for element in root.iter(f"{SVG}text"):
        assert int(element.get("font-size", root.get("font-size"))) >= 12


def test_derived_counts_carry_a_dagger_and_the_footnote_gives_their_derivation() -> None:
    shown = " ".join(texts(prisma_svg()))
    derived = [row for row in flow_rows() if row["basis"] == "derived"]
    assert derived
    for row in derived:
        assert f"n = {row['count']}{DAGGER})" in shown
        assert f"derived: {row['derivation']}" in shown
    stated = [row for row in flow_rows() if row["basis"] == "stated"]
    for row in stated:
        assert f"n = {row['count']}{DAGGER}" not in shown


def test_each_box_shows_the_sentence_of_the_review_that_states_its_count_on_hover() -> None:
    hover = tooltips(prisma_svg())
    for row in flow_rows():
        assert row["label"] in hover[f"prisma-{row['node']}"]
        if row["evidence"]:
            assert row["evidence"] in hover[f"prisma-{row['node']}"]


def test_the_records_per_database_come_from_table_1() -> None:
    lines = texts(prisma_svg())
    for row in read_rows(shipped_package_dir(), "search_strategies"):
        assert f"{row['database']} (n = {row['records']})" in lines


def test_the_diagram_is_byte_identical_across_calls(package_copy: Path) -> None:
    assert prisma_svg() == prisma_svg()
    # Where the package lives does not leak into the drawing.
    assert prisma_svg(package_copy) == prisma_svg()


def test_changing_a_count_in_a_copy_changes_the_diagram(package_copy: Path) -> None:
    def change(rows: list[dict[str, str]]) -> None:
        for row in rows:
            if row["node"] == "records_excluded":
                row["count"] = "112"

    edit_rows(package_copy, "prisma_flow", change)
    shown = " ".join(texts(prisma_svg(package_copy)))
    assert "Records excluded (n = 112)" in shown
    assert "n = 111" not in shown


def test_no_count_is_typed_into_the_drawing(package_copy: Path) -> None:
    """Give every node a new count: none of the review's counts may remain."""
    original = {row["node"]: row["count"] for row in flow_rows()}

    def renumber(rows: list[dict[str, str]]) -> None:
        for index, row in enumerate(rows):
            row["count"] = str(7001 + index)

    edit_rows(package_copy, "prisma_flow", renumber)
    shown = " ".join(texts(prisma_svg(package_copy)))
    for node, count in original.items():
        assert f"n = {count})" not in shown and f"n = {count}{DAGGER}" not in shown, node
    for row in flow_rows(package_copy):
        assert f"n = {row['count']}" in shown


def test_a_node_missing_from_the_data_is_not_drawn_and_the_footnote_says_so(
    package_copy: Path,
) -> None:
    dropped = ("citations_results", "duplicates")
    edit_rows(
        package_copy, "prisma_flow", lambda rows: [r for r in rows if r["node"] not in dropped]
    )
    svg = prisma_svg(package_copy)
    drawn, footnote = " ".join(texts(svg)).split("so not drawn:")
    assert "citation searching" not in drawn and "Duplicate records" not in drawn
    assert "other methods" not in drawn  # the other-methods arm goes with its only box
    assert "citation searching" in footnote and "Duplicate records removed" in footnote
    assert "prisma-duplicates" not in tooltips(svg)


def test_text_from_the_data_is_escaped(package_copy: Path) -> None:
    def change(rows: list[dict[str, str]]) -> None:
        rows[0]["evidence"] = 'a <b>bold</b> & "quoted" claim'

    edit_rows(package_copy, "prisma_flow", change)
    svg = prisma_svg(package_copy)
    assert "<b>" not in svg
    assert 'a <b>bold</b> & "quoted" claim' in tooltips(svg)["prisma-database_results"]


# The PRISMA2020 R package / Shiny app template -------------------------------------------------


def template_rows(text: str) -> dict[str, dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames or ()) == TEMPLATE_COLUMNS
    return {row["data"] if row["data"] != "NA" else row["box"]: row for row in reader}


def test_the_template_has_the_columns_and_rows_of_the_prisma2020_package() -> None:
    rows = template_rows(prisma_template_csv())
    assert TEMPLATE_COLUMNS == (
        "data",
        "node",
        "box",
        "description",
        "boxtext",
        "tooltips",
        "url",
        "n",
    )
    expected = {
        "previous_studies",
        "previous_reports",
        "database_results",
        "database_specific_results",
        "register_results",
        "register_specific_results",
        "website_results",
        "organisation_results",
        "citations_results",
        "duplicates",
        "excluded_automatic",
        "excluded_other",
        "records_screened",
        "records_excluded",
        "dbr_sought_reports",
        "dbr_notretrieved_reports",
        "other_sought_reports",
        "other_notretrieved_reports",
        "dbr_assessed",
        "dbr_excluded",
        "other_assessed",
        "other_excluded",
        "new_studies",
        "new_reports",
        "total_studies",
        "total_reports",
        "identification",
        "screening",
        "included",
        "prevstud",
        "newstud",
        "othstud",
    }
    assert set(rows) == expected


def test_the_template_counts_equal_the_data_and_unknown_counts_are_na() -> None:
    rows = template_rows(prisma_template_csv())
    counts = {row["node"]: row["count"] for row in flow_rows()}
    filled = set()
    for data, node in TEMPLATE_NODES.items():
        if node in counts:
            assert rows[data]["n"] == counts[node], data
            filled.add(data)
    assert {
        "database_results",
        "citations_results",
        "duplicates",
        "records_screened",
        "records_excluded",
        "dbr_assessed",
        "dbr_excluded",
        "new_studies",
    } <= filled
    databases = read_rows(shipped_package_dir(), "search_strategies")
    assert rows["database_specific_results"]["n"] == "; ".join(
        f"{row['database']}, {row['records']}" for row in databases
    )
    titles = {"prevstud", "newstud", "othstud", "identification", "screening", "included"}
    for data, row in rows.items():
        if data not in filled | titles | {"database_specific_results"}:
            assert row["n"] == "NA", data


def test_the_template_follows_the_data(package_copy: Path) -> None:
    def change(rows: list[dict[str, str]]) -> None:
        for row in rows:
            if row["node"] == "new_studies":
                row["count"] = "18"

    edit_rows(package_copy, "prisma_flow", change)
    assert template_rows(prisma_template_csv(package_copy))["new_studies"]["n"] == "18"


# Writing and the command line ------------------------------------------------------------------


def test_write_prisma_refuses_the_package_folder(package_copy: Path) -> None:
    with pytest.raises(OutputInsidePackageError):
        write_prisma(svg=package_copy / "flow.svg", path=package_copy)
    with pytest.raises(OutputInsidePackageError):
        write_prisma(csv_file=shipped_package_dir() / "data" / "flow.csv")
    assert not (package_copy / "flow.svg").exists()


def test_cli_writes_the_svg_and_the_template(tmp_path: Path) -> None:
    svg, template = tmp_path / "out" / "flow.svg", tmp_path / "flow.csv"
    result = CliRunner().invoke(main, ["prisma", "--svg", str(svg), "--csv", str(template)])
    assert result.exit_code == 0, result.output
    assert svg.read_text(encoding="utf-8") == prisma_svg()
    assert template.read_text(encoding="utf-8") == prisma_template_csv()
    assert sorted(path.name for path in tmp_path.rglob("*")) == ["flow.csv", "flow.svg", "out"]


def test_cli_reads_the_package_given_as_path(package_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "flow.csv"
    result = CliRunner().invoke(main, ["prisma", str(package_copy), "--csv", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == prisma_template_csv(package_copy)


@pytest.mark.parametrize(
    ("arguments", "exit_code", "message"),
    [
        ([], 2, "give --svg FILE, --csv FILE or both"),
        (["{missing}", "--svg", "{out}"], 2, "no data package at"),
        (["{package}", "--svg", "{package}/flow.svg"], 2, "refusing to write"),
    ],
)
def test_cli_user_errors_exit_without_a_traceback(
    package_copy: Path, tmp_path: Path, arguments: list[str], exit_code: int, message: str
) -> None:
    values = {"missing": tmp_path / "nope", "out": tmp_path / "x.svg", "package": package_copy}
    result = CliRunner().invoke(main, ["prisma", *(a.format(**values) for a in arguments)])
    assert result.exit_code == exit_code
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.svg").exists() and not (package_copy / "flow.svg").exists()


def test_cli_reports_a_broken_flow_table(package_copy: Path, tmp_path: Path) -> None:
    (package_copy / "data" / "prisma_flow.csv").write_bytes(b"\xff\xfe not utf-8")
    result = CliRunner().invoke(main, ["prisma", str(package_copy), "--svg", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert "not UTF-8" in result.output

"""The PRISMA 2020 flow diagram and template CSV: every number comes from ``prisma_flow``, every
box of the template is drawn, and what the review does not report says so, with its reason."""

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
    DAGGER,
    HEADERS,
    TEMPLATE,
    TEMPLATE_COLUMNS,
    TEMPLATE_ROWS,
    OutputInsidePackageError,
    flow_nodes,
    history_csv,
    history_svg,
    history_table,
    prisma_svg,
    prisma_template_csv,
    review_history,
    template_nodes,
    write_prisma,
)
from msc_exos_pof.release.removals import remove_study
from msc_exos_pof.testing.mutations import open_round

SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: str) -> list[str]:
    """Every visible line of text of the diagram."""
    return [element.text or "" for element in ET.fromstring(svg).iter(f"{SVG}text")]


def boxes(svg: str) -> dict[str, ET.Element]:
    """Box id (``prisma-<box>``) -> its group."""
    root = ET.fromstring(svg)
    return {g.get("id", ""): g for g in root.iter(f"{SVG}g") if g.get("class") == "prisma-box"}


def box_text(group: ET.Element) -> str:
    return " ".join(text.text or "" for text in group.iter(f"{SVG}text"))


def box_of(svg: str, node: str) -> ET.Element:
    """The group of the box that shows ``node``."""
    found = [g for g in boxes(svg).values() if node in g.get("data-nodes", "").split()]
    assert len(found) == 1, node
    return found[0]


def notes(svg: str) -> str:
    root = ET.fromstring(svg)
    group = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "prisma-notes")
    return " ".join(text.text or "" for text in group.iter(f"{SVG}text"))


def flow_rows(folder: Path | None = None) -> list[dict[str, str]]:
    return read_rows(folder or shipped_package_dir(), "prisma_flow")


def test_the_template_shows_every_node_of_the_vocabulary_once() -> None:
    shown = [node for box in TEMPLATE for node in box.nodes]
    assert sorted(shown) == sorted(flow_nodes())
    assert len(shown) == len(set(shown))


def test_every_count_of_prisma_flow_appears_in_its_box() -> None:
    svg = prisma_svg()
    for row in flow_rows():
        shown = box_text(box_of(svg, row["node"]))
        if row["basis"] == "not_reported":
            assert "(n = not reported" in shown, row["node"]
        else:
            assert f"n = {row['count']}" in shown, row["node"]


def test_the_diagram_is_a_standalone_svg_with_every_box_of_the_template() -> None:
    svg = prisma_svg()
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert float(root.get("width")) > 600 and float(root.get("height")) > 500
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert root.find(f"{SVG}title").text.startswith("PRISMA 2020 flow diagram")
    lines = texts(svg)
    for phase in ("Identification", "Screening", "Included"):
        assert phase in lines
    for arm in ("databases", "other"):
        assert HEADERS[arm][0] in lines
    drawn = {f"prisma-{box.box}" for box in TEMPLATE if box.box not in ("previous", "total")}
    assert set(boxes(svg)) == drawn
    assert "Studies included in review (n = 17)" in " ".join(lines)


def test_each_arm_has_its_own_exclusion_column() -> None:
    svg = prisma_svg()
    assert box_of(svg, "duplicates").get("data-column") == "databases_excluded"
    assert box_of(svg, "reports_excluded").get("data-column") == "databases_excluded"
    assert box_of(svg, "citations_results").get("data-column") == "other"
    assert box_of(svg, "other_reports_excluded").get("data-column") == "other_excluded"


def test_the_other_methods_arm_joins_at_the_included_studies() -> None:
    root = ET.fromstring(prisma_svg())
    arrows = {
        (line.get("data-from"), line.get("data-to"))
        for line in root.iter(f"{SVG}polyline")
        if line.get("class") == "prisma-arrow"
    }
    assert ("other_assessed", "included") in arrows
    from_other = {target for source, target in arrows if source.startswith("other_")}
    assert from_other - {target for target in from_other if target.startswith("other_")} == {
        "included"
    }


def test_text_is_readable_at_normal_size() -> None:
    root = ET.fromstring(prisma_svg())
    assert int(root.get("font-size")) >= 12
    for element in root.iter(f"{SVG}text"):
        assert int(element.get("font-size", root.get("font-size"))) >= 12


def test_derived_counts_carry_a_dagger_and_the_footnote_gives_their_derivation() -> None:
    svg = prisma_svg()
    shown = " ".join(texts(svg))
    derived = [row for row in flow_rows() if row["basis"] == "derived"]
    assert derived
    for row in derived:
        assert f"n = {row['count']}{DAGGER})" in shown
        assert (
            f"{DAGGER} Round 1: {row['label']} is not stated; derived as {row['derivation']}"
            in (notes(svg))
        )
    for row in flow_rows():
        if row["basis"] == "stated":
            assert f"n = {row['count']}{DAGGER}" not in shown


def test_a_count_not_reported_says_so_and_its_footnote_gives_the_reason_and_round() -> None:
    svg = prisma_svg()
    footnotes = notes(svg)
    unreported = [row for row in flow_rows() if row["basis"] == "not_reported"]
    assert {row["node"] for row in unreported} >= {"reports_sought", "other_reports_sought"}
    for row in unreported:
        shown = box_text(box_of(svg, row["node"]))
        mark = shown.split("(n = not reported", 1)[1][0]
        assert f"{mark} Round 1: {row['note']}" in footnotes, row["node"]
        if row["evidence"]:
            assert row["evidence"] in footnotes


def test_the_pooled_records_are_shown_in_the_databases_arm_as_the_review_says() -> None:
    svg = prisma_svg()
    counts = {row["node"]: row for row in flow_rows()}
    identified = box_text(box_of(svg, "identified_total"))
    assert box_of(svg, "identified_total").get("data-column") == "databases"
    total = counts["identified_total"]["count"]
    assert f"Pooled with other methods before de-duplication (n = {total}" in identified
    assert f"Databases (n = {counts['database_results']['count']})" in identified
    other = box_text(box_of(svg, "citations_results"))
    assert f"Citation searching (n = {counts['citations_results']['count']}" in other
    # The note quotes the review's sentence: 283 + 9 = 292, then the 149 left after duplicates.
    assert (
        "\u201c283 studies were retrieved from electronic databases, supplemented by 9 from manual "
        "searches, yielding a total of 292 studies. Following duplicate removal, 149 studies "
        "remained\u201d" in notes(svg)
    )
    assert "Records identified in total" not in " ".join(texts(svg))


def test_each_box_shows_the_sentence_of_the_review_that_states_its_count_on_hover() -> None:
    svg = prisma_svg()
    for row in flow_rows():
        hover = box_of(svg, row["node"]).find(f"{SVG}title").text
        assert row["label"] in hover
        if row["evidence"]:
            assert row["evidence"] in hover


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
    original = {row["node"]: row["count"] for row in flow_rows() if row["count"]}

    def renumber(rows: list[dict[str, str]]) -> None:
        for index, row in enumerate(rows):
            row.update(count=str(7001 + index), basis="stated")

    edit_rows(package_copy, "prisma_flow", renumber)
    svg = prisma_svg(package_copy)
    shown = " ".join(texts(svg))
    for node, count in original.items():
        assert f"n = {count})" not in shown and f"n = {count}{DAGGER}" not in shown, node
    for row in flow_rows(package_copy):
        assert f"n = {row['count']}" in box_text(box_of(svg, row["node"]))
    assert "not reported" not in " ".join(box_text(g) for g in boxes(svg).values())


def test_a_template_box_with_no_row_is_drawn_as_not_reported_and_the_footnote_says_so(
    package_copy: Path,
) -> None:
    dropped = ("duplicates", "reports_sought", "other_reports_sought")
    edit_rows(
        package_copy, "prisma_flow", lambda rows: [r for r in rows if r["node"] not in dropped]
    )
    svg = prisma_svg(package_copy)
    assert "Duplicate records removed (n = not reported)" in box_text(box_of(svg, "duplicates"))
    assert "(n = not reported)" in box_text(box_of(svg, "reports_sought"))
    assert (
        "Round 1: no row in prisma_flow for Duplicate records removed; Reports sought for "
        "retrieval; Reports sought for retrieval (other methods), so shown as not reported."
    ) in notes(svg)


def test_optional_sources_appear_only_when_the_data_has_them(package_copy: Path) -> None:
    lines = " ".join(texts(prisma_svg()))
    assert "Registers" not in lines and "Websites" not in lines
    assert "automation tools" not in lines

    def add(rows: list[dict[str, str]]) -> None:
        for node, count in (("register_results", "4"), ("website_results", "2")):
            rows.append({**rows[0], "node": node, "count": count, "label": node, "note": ""})

    edit_rows(package_copy, "prisma_flow", add)
    svg = prisma_svg(package_copy)
    assert "Registers (n = 4)" in box_text(box_of(svg, "register_results"))
    assert "Websites (n = 2)" in box_text(box_of(svg, "website_results"))


def test_the_other_methods_arm_is_left_out_when_the_data_has_none_of_it(
    package_copy: Path,
) -> None:
    edit_rows(
        package_copy,
        "prisma_flow",
        lambda rows: [r for r in rows if "other" not in r["node"] and "citation" not in r["node"]],
    )
    svg = prisma_svg(package_copy)
    assert HEADERS["other"][0] not in texts(svg)
    assert not [name for name in boxes(svg) if name.startswith("prisma-other")]


def test_text_from_the_data_is_escaped(package_copy: Path) -> None:
    def change(rows: list[dict[str, str]]) -> None:
        rows[0]["evidence"] = 'a <b>bold</b> & "quoted" claim'

    edit_rows(package_copy, "prisma_flow", change)
    svg = prisma_svg(package_copy)
    assert "<b>" not in svg
    hover = box_of(svg, "database_results").find(f"{SVG}title").text
    assert 'a <b>bold</b> & "quoted" claim' in hover


# A living copy: the template for updated reviews, its footnotes about its own round --------------


def test_a_living_copy_is_drawn_with_the_template_for_updated_reviews(package_copy: Path) -> None:
    open_round(package_copy, studies=1)
    svg = prisma_svg(package_copy)
    lines = texts(svg)
    for arm in ("previous", "databases", "other"):
        assert HEADERS[arm][1] in lines
    assert box_of(svg, "previous_studies").get("data-column") == "previous"
    assert box_of(svg, "total_studies").get("data-row") == "total"
    assert "New studies included in review" in box_text(box_of(svg, "new_studies"))
    footnotes = notes(svg)
    assert "Round 2: no row in prisma_flow for" in footnotes
    assert "Round 1" not in footnotes and "round 1 " not in footnotes
    assert "prisma_flow, round 2 (update, searched 2027-07)" in footnotes


# The review's history across versions (PRISMA-LSR) ----------------------------------------------


def test_the_history_has_one_row_per_round_from_the_data(package_copy: Path) -> None:
    open_round(package_copy, studies=2)
    open_round(package_copy, studies=1)
    remove_study(package_copy, "yang-m-2020", "retracted", "Retraction notice (example)")
    rows = [row.cells() for row in review_history(package_copy)]
    assert rows[0] == ("1", "published review", "2025-07", "292", "17", "0", "17")
    assert rows[1][:2] == ("2", "not reported") and rows[1][2] == "2027-07"
    assert rows[1][4:] == ("2", "0", "19")
    assert rows[2][4:6] == ("1", "1")
    table = history_table(package_copy)
    assert table.splitlines()[0].split()[:2] == ["Round", "Version"]
    assert len(history_csv(package_copy).splitlines()) == 4
    figure = ET.fromstring(history_svg(package_copy))
    assert [g.get("data-round") for g in figure.iter(f"{SVG}g")] == ["header", "1", "2", "3"]


def test_prisma_history_prints_the_table_and_writes_the_figure(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["prisma", "--history"])
    assert result.exit_code == 0, result.output
    assert result.stdout == history_table()
    figure, table = tmp_path / "history.svg", tmp_path / "history.csv"
    result = CliRunner().invoke(
        main, ["prisma", "--history", "--svg", str(figure), "--csv", str(table)]
    )
    assert result.exit_code == 0, result.output
    assert figure.read_text(encoding="utf-8") == history_svg()
    assert table.read_text(encoding="utf-8") == history_csv()


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


def test_the_template_covers_every_node_but_the_pooled_total() -> None:
    names = {row[0] for row in TEMPLATE_ROWS}
    nodes = template_nodes()
    assert set(nodes) <= names
    assert set(nodes.values()) == set(flow_nodes()) - {"identified_total"}


def test_the_template_counts_equal_the_data_and_unknown_counts_are_na() -> None:
    rows = template_rows(prisma_template_csv())
    counts = {row["node"]: row["count"] for row in flow_rows() if row["count"]}
    filled = set()
    for data, node in template_nodes().items():
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


def test_the_template_fills_the_boxes_a_copy_counts(package_copy: Path) -> None:
    def change(rows: list[dict[str, str]]) -> None:
        for row in rows:
            if row["node"] in ("reports_sought", "reports_not_retrieved", "new_reports"):
                row.update(count={"reports_sought": "38"}.get(row["node"], "0"), basis="stated")

    edit_rows(package_copy, "prisma_flow", change)
    rows = template_rows(prisma_template_csv(package_copy))
    assert (rows["dbr_sought_reports"]["n"], rows["dbr_notretrieved_reports"]["n"]) == ("38", "0")
    assert rows["new_reports"]["n"] == "0"


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

"""Evidence figures: their tables reproduce the package's counts; files are well-formed."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from package_rows import edit_rows

import msc_exos_pof
from msc_exos_pof import figures
from msc_exos_pof.cli import main
from msc_exos_pof.figures import (
    FIGURES,
    NO_ORIGIN,
    NO_SOURCE,
    FiguresUnavailableError,
    evidence_map_table,
    render_figure,
    studies_per_source_table,
    studies_per_year_table,
    write_figures,
)
from msc_exos_pof.prisma import OutputInsidePackageError

#: Slow: draws every figure with matplotlib.
pytestmark = pytest.mark.slow

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def curated_sources(path: Path | None = None):
    studies = msc_exos_pof.load("studies", path)
    return studies["msc_source"].astype("object").fillna(NO_SOURCE)


def test_studies_per_source_reproduces_the_curated_counts_and_the_stated_ones() -> None:
    table = studies_per_source_table().set_index("msc_source")
    expected = curated_sources().value_counts()
    assert table["studies"][table["studies"] > 0].to_dict() == expected.to_dict()
    assert int(table["studies"].sum()) == len(msc_exos_pof.load("studies"))
    sources = msc_exos_pof.load("msc_sources").set_index("msc_source")
    for source, row in sources.iterrows():
        assert table.loc[source, "stated_studies"] == row["stated_study_count"]
        assert table.loc[source, "origin"] == row["origin"]
    # The study with no curated source is a category of its own, not dropped.
    assert table.loc[NO_SOURCE, "studies"] == 1
    assert table.loc[NO_SOURCE, "origin"] == NO_ORIGIN
    assert table.loc["PMSC", "studies"] == 2 and table.loc["PMSC", "stated_studies"] == 3


def test_studies_per_source_groups_sources_by_origin() -> None:
    origins = studies_per_source_table()["origin"].tolist()
    assert origins == sorted(origins, key=["perinatal", "adult", NO_ORIGIN].index)


def test_evidence_map_counts_studies_per_source_and_mechanism() -> None:
    table = evidence_map_table()
    studies = msc_exos_pof.load("studies").assign(source=curated_sources())
    links = msc_exos_pof.load("study_mechanisms").astype({"mechanism": str})
    joined = links.merge(studies[["study_id", "source"]], on="study_id")
    expected = joined.groupby(["source", "mechanism"])["study_id"].nunique()
    for (source, mechanism), count in expected.items():
        assert table.loc[source, mechanism] == count, (source, mechanism)
    assert int(table.to_numpy().sum()) == int(expected.sum()) == len(links)
    assert list(table.index) == studies_per_source_table()["msc_source"].tolist()
    vocabulary = list(msc_exos_pof.load("study_mechanisms")["mechanism"].cat.categories)
    assert list(table.columns) == [m for m in vocabulary if m in set(links["mechanism"])]
    assert table.loc["BMSC", "apoptosis"] == 3
    assert table.loc[NO_SOURCE, "mitochondrial_function"] == 1


def test_studies_per_year_reproduces_the_curated_years() -> None:
    table = studies_per_year_table().set_index("year")
    years = msc_exos_pof.load("studies")["year"].astype(int)
    assert list(table.index) == list(range(years.min(), years.max() + 1))
    for year, count in years.value_counts().items():
        assert table.loc[year, "studies"] == count
    origins = [column for column in table.columns if column != "studies"]
    assert origins == ["perinatal", "adult", NO_ORIGIN]
    assert (table[origins].sum(axis=1) == table["studies"]).all()
    assert int(table.loc[2024, NO_ORIGIN]) == 1


def test_tables_follow_the_data(package_copy: Path) -> None:
    def drop_source(rows: list[dict[str, str]]) -> None:
        for row in rows:
            if row["study_id"] == "yang-m-2020":
                row["msc_source"] = ""

    edit_rows(package_copy, "studies", drop_source)
    table = studies_per_source_table(package_copy).set_index("msc_source")
    assert table.loc["BMSC", "studies"] == 4 and table.loc[NO_SOURCE, "studies"] == 2
    # bao-z-2024 (no source) and now yang-m-2020 both have an ovarian_reserve link.
    assert evidence_map_table(package_copy).loc[NO_SOURCE, "ovarian_reserve"] == 2


def test_write_figures_writes_well_formed_svg_and_valid_png(tmp_path: Path) -> None:
    written = write_figures(tmp_path / "figures", formats=("svg", "png"))
    assert sorted(path.name for path in written) == sorted(
        f"{name}.{extension}" for name in FIGURES for extension in ("svg", "png")
    )
    for path in written:
        data = path.read_bytes()
        if path.suffix == ".png":
            assert data.startswith(PNG_MAGIC)
        else:
            root = ET.fromstring(data)
            assert root.tag == "{http://www.w3.org/2000/svg}svg"
            assert b"<dc:date>" not in data
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == sorted(
        p.name for p in written
    )  # no temporary file left behind


def test_svg_text_is_text_and_shows_the_counts() -> None:
    svg = render_figure("studies_per_source", "svg").decode("utf-8")
    text = " ".join(
        element.text or "" for element in ET.fromstring(svg).iter() if element.tag.endswith("text")
    )
    assert NO_SOURCE in text and "PMSC (perinatal)" in text


def test_figures_are_byte_identical_across_runs() -> None:
    for name in FIGURES:
        assert render_figure(name, "svg") == render_figure(name, "svg"), name
    assert render_figure("evidence_map", "png") == render_figure("evidence_map", "png")


def test_unknown_names_and_formats_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="choose from"):
        render_figure("pie_chart")
    with pytest.raises(ValueError, match="choose from: svg, png"):
        write_figures(tmp_path, formats=("pdf",))


def test_write_figures_refuses_the_package_folder(package_copy: Path) -> None:
    with pytest.raises(OutputInsidePackageError):
        write_figures(package_copy / "figures", path=package_copy)
    assert not (package_copy / "figures").exists()


def test_a_missing_matplotlib_says_which_extra_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(FiguresUnavailableError, match=r"pip install 'msc-exos-pof\[figures\]'"):
        figures.write_figures(tmp_path)
    result = CliRunner().invoke(main, ["figures", str(tmp_path)])
    assert result.exit_code == 2
    assert "pip install 'msc-exos-pof[figures]'" in result.output
    assert "Traceback" not in result.output


def test_cli_writes_the_figures_in_each_format(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["figures", str(tmp_path), "--format", "svg", "--format", "png"]
    )
    assert result.exit_code == 0, result.output
    assert len(list(tmp_path.glob("*.svg"))) == len(list(tmp_path.glob("*.png"))) == len(FIGURES)


@pytest.mark.parametrize(
    ("arguments", "exit_code", "message"),
    [
        (["{out}", "--format", "pdf"], 2, "'pdf' is not one of"),
        (["{out}", "{missing}"], 2, "no data package at"),
        (["{package}/figures", "{package}"], 2, "refusing to write"),
    ],
)
def test_cli_user_errors_exit_without_a_traceback(
    package_copy: Path, tmp_path: Path, arguments: list[str], exit_code: int, message: str
) -> None:
    values = {"out": tmp_path / "out", "missing": tmp_path / "nope", "package": package_copy}
    result = CliRunner().invoke(main, ["figures", *(a.format(**values) for a in arguments)])
    assert result.exit_code == exit_code
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists() and not (package_copy / "figures").exists()

"""The strict, self-describing loader: bad cells are named, frames and models describe
themselves, and ``describe()`` is the data dictionary of one resource."""

from __future__ import annotations

import pydoc
import warnings
from pathlib import Path

import pytest
from package_rows import edit_rows

import msc_exos_pof
from msc_exos_pof.errors import DataValueError, DataValueWarning


def set_study(folder: Path, study_id: str, column: str, value: str) -> None:
    def change(rows: list[dict[str, str]]) -> None:
        for row in rows:
            if row["study_id"] == study_id:
                row[column] = value

    edit_rows(folder, "studies", change)


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("species", "dog", "'dog' where the Table Schema expects one of rat, mouse"),
        ("year", "1850", "1850 where the Table Schema expects a value >= 1900"),
        ("table_row", "two", "'two' is not a valid integer"),
    ],
)
def test_load_names_resource_row_and_field_of_a_cell_that_does_not_fit(
    package_copy: Path, column: str, value: str, expected: str
) -> None:
    set_study(package_copy, "xu-b-2024", column, value)
    with pytest.raises(DataValueError) as caught:
        msc_exos_pof.load("studies", package_copy)
    error = caught.value
    assert (error.resource, error.row, error.field) == ("studies", 7, column)
    assert f"resource 'studies' row 7 field '{column}'" in str(error)
    assert expected in str(error)
    assert "errors='coerce'" in str(error)


def test_coerce_loads_bad_cells_as_missing_and_warns_listing_them(package_copy: Path) -> None:
    set_study(package_copy, "xu-b-2024", "species", "dog")
    set_study(package_copy, "li-y-2024", "year", "1850")
    listed = r"2 cells .*row 7 field 'species'; row 8 field 'year'"
    with pytest.warns(DataValueWarning, match=listed):
        frame = msc_exos_pof.load("studies", package_copy, errors="coerce")
    assert frame["species"].isna()[6] and frame["year"].isna()[7]
    assert frame["species"].notna().sum() == 15  # bao-z-2024 has none; only the bad cell lost


def test_a_valid_package_loads_without_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in msc_exos_pof.resource_names():
            msc_exos_pof.load(name)


def test_cli_show_exits_1_on_a_cell_that_does_not_fit(package_copy: Path) -> None:
    from click.testing import CliRunner

    from msc_exos_pof.cli import main

    set_study(package_copy, "xu-b-2024", "species", "dog")
    result = CliRunner().invoke(main, ["show", "studies", str(package_copy)])
    assert result.exit_code == 1
    assert "row 7 field 'species'" in result.output


def test_frame_attrs_describe_the_resource_and_its_fields() -> None:
    studies = msc_exos_pof.load("studies")
    assert studies.attrs["title"] == "Table 2: included studies"
    assert studies.attrs["version"] == msc_exos_pof.__version__
    assert studies.attrs["description"].startswith("One row per study")
    assert studies.attrs["fields"]["design"] == "Study design (curated)."
    assert set(studies.attrs["fields"]) == set(studies.columns)


def test_describe_is_the_data_dictionary_of_a_resource_with_its_codes() -> None:
    table = msc_exos_pof.describe("studies")
    assert list(table.columns) == [
        "field", "type", "required", "unique", "constraints", "description", "codes"
    ]  # fmt: skip
    assert list(table["field"]) == list(msc_exos_pof.load("studies").columns)
    design = table.set_index("field").loc["design"]
    assert design["type"] == "string" and bool(design["required"])
    assert design["codes"] == "in_vivo: In vivo; in_vitro: In vitro; clinical: Clinical"
    year = table.set_index("field").loc["year"]
    assert year["constraints"] == "≥ 1900; ≤ 2100"
    assert "eligibility_concern/off_topic_condition" in table.attrs["definitions"]


def test_describe_an_unknown_resource_lists_the_known_ones() -> None:
    with pytest.raises(KeyError, match="the package has: search_strategies"):
        msc_exos_pof.describe("nope")


def test_help_on_a_record_model_shows_every_field_description() -> None:
    from msc_exos_pof.models import model_for

    model = model_for("studies")
    text = pydoc.render_doc(model, renderer=pydoc.plaintext)
    for field, info in model.model_fields.items():
        assert info.description, field
        assert info.description in text


def test_the_wheel_layout_ships_py_typed() -> None:
    import msc_exos_pof as package

    assert (Path(package.__file__).parent / "py.typed").is_file()

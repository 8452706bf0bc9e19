"""The strict, self-describing loader: bad cells are named, frames and models describe
themselves, and ``describe()`` is the data dictionary of one resource."""

from __future__ import annotations

import json
import os
import pydoc
import warnings
from pathlib import Path

import pandas as pd
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


# --- load keeps small clean frames by what they depend on (io.convert._LOADED) ---------------


def _same_size_edit(file: Path, old: bytes, new: bytes) -> None:
    """Replace ``old`` by ``new`` (as long) once, keeping the file's size and modification
    time: only its bytes say that it changed."""
    before = file.stat()
    data = file.read_bytes()
    assert len(old) == len(new) and old in data
    file.write_bytes(data.replace(old, new, 1))
    os.utime(file, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_load_again_after_an_edit_of_the_file_gives_the_edited_rows(package_copy: Path) -> None:
    studies = package_copy / "data" / "studies.csv"
    first = msc_exos_pof.load("studies", package_copy)
    title = first.loc[0, "title"]
    _same_size_edit(studies, title.encode(), title.upper().encode())
    assert msc_exos_pof.load("studies", package_copy).loc[0, "title"] == title.upper()
    _same_size_edit(studies, b",rat,", b",dog,")
    with pytest.raises(DataValueError, match="'dog' where the Table Schema expects one of"):
        msc_exos_pof.load("studies", package_copy)
    _same_size_edit(studies, b",dog,", b",rat,")
    assert msc_exos_pof.load("studies", package_copy).loc[0, "title"] == title.upper()


def test_load_again_after_an_edit_of_the_schema_follows_the_schema(package_copy: Path) -> None:
    assert isinstance(
        msc_exos_pof.load("studies", package_copy)["species"].dtype, pd.CategoricalDtype
    )
    file = package_copy / "datapackage.json"
    descriptor = json.loads(file.read_text(encoding="utf-8"))
    studies = next(r for r in descriptor["resources"] if r["name"] == "studies")
    species = next(f for f in studies["schema"]["fields"] if f["name"] == "species")
    species["constraints"].pop("enum")
    file.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    assert msc_exos_pof.load("studies", package_copy)["species"].dtype == "string"
    species["constraints"]["maxLength"] = 2
    file.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    with pytest.raises(DataValueError, match="expects text of at most 2 characters"):
        msc_exos_pof.load("studies", package_copy)


def test_a_loaded_frame_changed_by_its_caller_changes_no_later_load() -> None:
    from msc_exos_pof.io import convert

    pristine = msc_exos_pof.load("studies")
    snapshot = pristine.copy(deep=True)
    frame = msc_exos_pof.load("studies")
    frame.loc[0, "title"] = "Changed"
    frame.loc[1, "year"] = 1
    frame["species"] = frame["species"].cat.add_categories(["dog"])
    frame.loc[2, "species"] = "dog"
    del frame["design"]
    frame.attrs["fields"]["title"] = "Changed"
    again = msc_exos_pof.load("studies")
    for loaded in (pristine, again):
        pd.testing.assert_frame_equal(loaded, snapshot)
        assert loaded.attrs == snapshot.attrs
    for name in msc_exos_pof.resource_names():
        msc_exos_pof.load(name)
    assert 0 < len(convert._LOADED) <= convert.MAX_LOADED

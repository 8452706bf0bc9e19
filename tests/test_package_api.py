"""The loading API: typed frames, resource names, the frictionless Package, a cheap import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import msc_exos_pof
from msc_exos_pof.docgen.dictionary import data_dictionary
from msc_exos_pof.io.descriptor import read_descriptor

ROOT = Path(__file__).resolve().parents[1]


def test_import_does_not_import_pandas_pandera_or_frictionless() -> None:
    code = (
        "import sys, msc_exos_pof; "
        "heavy = [m for m in ('pandas', 'pandera', 'frictionless', 'pydantic', 'numpy') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_resource_names_follow_the_descriptor() -> None:
    assert msc_exos_pof.resource_names() == [
        "search_strategies",
        "prisma_flow",
        "msc_sources",
        "animal_models",
        "references",
        "studies",
        "study_mechanisms",
        "stated_counts",
        "errata",
        "search_rounds",
        "study_removals",
    ]


@pytest.mark.parametrize("name", msc_exos_pof.resource_names())
def test_load_types_every_column_from_its_table_schema(name: str) -> None:
    frame = msc_exos_pof.load(name)
    fields = {
        f["name"]: f for f in msc_exos_pof.package().get_resource(name).schema.to_dict()["fields"]
    }
    assert list(frame.columns) == list(fields)
    for column, field in fields.items():
        dtype = frame[column].dtype
        if (field.get("constraints") or {}).get("enum"):
            assert isinstance(dtype, pd.CategoricalDtype)
            assert list(dtype.categories) == field["constraints"]["enum"]
        elif field["type"] == "integer":
            assert dtype == "Int64"
        elif field["type"] == "boolean":
            assert dtype == "boolean"
        else:
            assert isinstance(dtype, pd.StringDtype)


def test_load_of_an_unknown_resource_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="studies"):
        msc_exos_pof.load("study")


def test_version_is_the_descriptor_version() -> None:
    assert msc_exos_pof.__version__ == read_descriptor()["version"]


def test_the_package_passes_frictionless_validation() -> None:
    report = msc_exos_pof.package().validate()
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "message"])


def test_every_resource_declares_keys_licences_and_integrity() -> None:
    descriptor = json.loads((ROOT / "datapackage" / "datapackage.json").read_text("utf-8"))
    assert {licence["name"] for licence in descriptor["licenses"]} == {"CC-BY-4.0", "MIT"}
    assert "10.29063/ajrh2026/v30i7.11" in descriptor["sources"][0]["path"]
    for resource in descriptor["resources"]:
        assert resource["schema"].get("primaryKey"), resource["name"]
        assert resource["hash"].startswith("sha256:") and resource["bytes"] > 0


def test_data_dictionary_is_up_to_date() -> None:
    current = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert current == data_dictionary(), (
        "docs/data-dictionary.md is stale: run "
        "`msc-exos-pof dictionary --output docs/data-dictionary.md`"
    )


def test_committed_prisma_diagram_is_up_to_date() -> None:
    from msc_exos_pof.prisma import prisma_svg

    current = (ROOT / "docs" / "prisma-flow.svg").read_text(encoding="utf-8")
    assert current == prisma_svg(), (
        "docs/prisma-flow.svg is stale: run `msc-exos-pof prisma --svg docs/prisma-flow.svg`"
    )

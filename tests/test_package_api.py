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


HEAVY = (
    "pandas",
    "pandera",
    "pyarrow",
    "frictionless",
    "pydantic",
    "numpy",
    "duckdb",
    "openpyxl",
    "matplotlib",
)


@pytest.mark.parametrize(
    ("code", "allowed"),
    [
        # The facade is cheap: nothing heavy at all.
        ("import msc_exos_pof", ()),
        # Starting the CLI imports no engine (each command imports what it needs).
        ("import msc_exos_pof, msc_exos_pof.cli", ()),
        # The release commands and their checks work on the descriptor alone.
        (
            "import msc_exos_pof.release.diff, msc_exos_pof.release.citation, "
            "msc_exos_pof.cli.release, msc_exos_pof.gate.checks.release",
            ("pydantic", "numpy"),
        ),
        # Drawing the PRISMA diagram needs no matplotlib (only the figures do).
        (
            "import msc_exos_pof.prisma, msc_exos_pof.figures; msc_exos_pof.prisma.prisma_svg()",
            ("pandas", "pyarrow", "numpy", "pydantic", "pandera", "frictionless"),
        ),
    ],
    ids=["facade", "cli", "release", "prisma"],
)
def test_imports_stay_light(code: str, allowed: tuple[str, ...]) -> None:
    """What an import (or a light call) pulls in: heavy libraries load on first use only."""
    probe = (
        f"import sys; {code}; "
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules and m not in {allowed!r}))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
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
        "citations",
        "citation_references",
        "concerns",
        "claims",
        "study_msc_sources",
        "vocabularies",
        "search_rounds",
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
        "`msc-exos-pof dictionary --force --output docs/data-dictionary.md`"
    )


def test_committed_prisma_diagram_is_up_to_date() -> None:
    from msc_exos_pof.prisma import prisma_svg

    current = (ROOT / "docs" / "prisma-flow.svg").read_text(encoding="utf-8")
    assert current == prisma_svg(), (
        "docs/prisma-flow.svg is stale: run `msc-exos-pof prisma --svg docs/prisma-flow.svg`"
    )


def test_the_architecture_page_names_every_layer_and_module() -> None:
    """docs/architecture.md is the map a newcomer reads first: it must match the tree."""
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    package = ROOT / "src" / "msc_exos_pof"
    missing = []
    for item in sorted(package.iterdir()):
        if item.is_dir() and (item / "__init__.py").is_file():
            if f"{item.name}/" not in page:
                missing.append(f"{item.name}/")
            for module in sorted(item.glob("*.py")):
                if module.stem != "__init__" and module.stem not in page:
                    missing.append(f"{item.name}/{module.name}")
        elif item.suffix == ".py" and item.name not in page:
            missing.append(item.name)
    assert not missing, f"docs/architecture.md does not mention {missing}"

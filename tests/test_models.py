"""Pydantic models: generated from the Table Schemas, agree with them, and round-trip the data."""

from __future__ import annotations

import json
import typing

import pytest
from pydantic import ValidationError

import msc_exos_pof
from msc_exos_pof.io.descriptor import read_descriptor, resource_file
from msc_exos_pof.models import PYTHON_TYPES, PackageMetadata, model_for

NAMES = msc_exos_pof.resource_names()


def _table(name: str) -> dict:
    return resource_file(name).descriptor["schema"]


@pytest.mark.parametrize("name", NAMES)
def test_model_agrees_with_the_table_schema_field_by_field(name: str) -> None:
    table = _table(name)
    model = model_for(name)
    key = table.get("primaryKey")
    key = [key] if isinstance(key, str) else key
    assert list(model.model_fields) == [f["name"] for f in table["fields"]]
    for field in table["fields"]:
        info = model.model_fields[field["name"]]
        constraints = field.get("constraints") or {}
        assert info.is_required() == bool(constraints.get("required") or field["name"] in key)
        annotation = info.annotation
        if not info.is_required():
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        if "enum" in constraints:
            assert list(typing.get_args(annotation)) == constraints["enum"]
        else:
            assert annotation is PYTHON_TYPES[field.get("type", "string")]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("design", "in vivo"),
        ("year", 1800),
        ("study_id", "Not An Id"),
        ("title", None),
    ],
)
def test_row_model_rejects_what_the_table_schema_forbids(field: str, value: object) -> None:
    row = msc_exos_pof.records("studies")[0].model_dump()
    row[field] = value
    with pytest.raises(ValidationError):
        model_for("studies").model_validate(row)


def test_shipped_metadata_fits_the_package_model() -> None:
    PackageMetadata.model_validate(read_descriptor())


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("version", "1.0"),
        ("version", "v1.0.0"),
        ("name", "Not A Name"),
        ("licenses", []),
        ("licenses", [{"title": "no name or path"}]),
        ("sources", [{"title": "no DOI", "path": "https://example.org"}]),
        ("resources", []),
    ],
)
def test_package_model_rejects_bad_metadata(key: str, value: object) -> None:
    descriptor = json.loads(json.dumps(read_descriptor()))
    descriptor[key] = value
    with pytest.raises(ValidationError):
        PackageMetadata.model_validate(descriptor)


def test_package_model_accepts_extensions() -> None:
    descriptor = json.loads(json.dumps(read_descriptor()))
    descriptor["x-extension"] = {"anything": True}
    PackageMetadata.model_validate(descriptor)

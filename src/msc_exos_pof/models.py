"""Pydantic models: one per resource, generated from its Table Schema, and the package metadata."""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator, model_validator

from .io.tableschema import constraints, enum, field_list, primary_key, schema_of

# Semantic Versioning 2.0.0 (the official regular expression), or a PEP 440 pre-release of a
# release between two releases (``1.0.0.dev0``: what pip, hatch and PyPI read as one).
SEMVER = (
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
    r"|^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)\.dev(0|[1-9]\d*)$"
)
DOI_URL = r"^https://doi\.org/10\.\d{4,9}/\S+$"

#: Python type of each Table Schema field type (types not listed load as text).
PYTHON_TYPES: dict[str, type] = {
    "integer": int,
    "year": int,
    "number": float,
    "boolean": bool,
    "string": str,
}


# --- package metadata --------------------------------------------------------------------------


class _Open(BaseModel):
    # Extensions may add properties anywhere; only the ones the gate relies on are checked.
    model_config = ConfigDict(extra="allow")


class License(_Open):
    name: str | None = Field(default=None, min_length=1)
    path: str | None = Field(default=None, min_length=1)
    title: str | None = None

    @model_validator(mode="after")
    def _named(self) -> License:
        if self.name is None and self.path is None:
            raise ValueError("a license needs a 'name' or a 'path'")
        return self


class Source(_Open):
    title: str = Field(min_length=1)
    path: str | None = None


class FieldMeta(_Open):
    name: str = Field(min_length=1)
    type: str = "string"


class TableSchemaMeta(_Open):
    fields: list[FieldMeta] = Field(min_length=1)


class ResourceMeta(_Open):
    name: str = Field(pattern=r"^[a-z0-9._-]+$")
    path: str = Field(min_length=1)
    schema_: TableSchemaMeta = Field(alias="schema")
    bytes: int | None = Field(default=None, ge=0)
    hash: str | None = Field(default=None, pattern=r"^([a-z0-9-]+:)?[0-9a-fA-F]+$")


class PackageMetadata(_Open):
    """The package-level metadata every copy of the dataset must carry."""

    name: str = Field(pattern=r"^[a-z0-9._-]+$")
    title: str = Field(min_length=1)
    version: str = Field(pattern=SEMVER)
    licenses: list[License] = Field(min_length=1)
    sources: list[Source] = Field(min_length=1)
    resources: list[ResourceMeta] = Field(min_length=1)
    keywords: list[str] | None = None

    @field_validator("sources")
    @classmethod
    def _cites_the_review(cls, sources: list[Source]) -> list[Source]:
        if not any(s.path and re.match(DOI_URL, s.path) for s in sources):
            raise ValueError(f"no source has a DOI path (expected a path matching {DOI_URL})")
        return sources


# --- row models --------------------------------------------------------------------------------


#: The pydantic ``Field`` option of each Table Schema constraint it can hold.
_FIELD_OPTIONS = {
    "minimum": "ge",
    "maximum": "le",
    "minLength": "min_length",
    "maxLength": "max_length",
    "pattern": "pattern",
}


def _annotation(field: dict[str, Any], required: bool) -> tuple[Any, Any]:
    rules = constraints(field)
    codes = enum(field)
    kind = PYTHON_TYPES.get(field.get("type", "string"), str)
    if codes:
        kind = Literal[tuple(codes)]  # type: ignore[valid-type]
    options: dict[str, Any] = {
        option: rules[key] for key, option in _FIELD_OPTIONS.items() if key in rules
    }
    if field.get("description"):
        options["description"] = field["description"]
    if required:
        return kind, Field(..., **options)
    return Optional[kind], Field(None, **options)  # noqa: UP045 - a runtime type expression


def _class_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("-", "_").split("_")) + "Record"


@lru_cache(maxsize=64)
def _model_from_text(name: str, schema_text: str) -> type[BaseModel]:
    schema = json.loads(schema_text)
    primary = primary_key(schema)
    definitions: dict[str, Any] = {}
    for field in field_list(schema):
        required = bool(constraints(field).get("required")) or field["name"] in primary
        definitions[field["name"]] = _annotation(field, required)
    model = create_model(  # type: ignore[call-overload]
        _class_name(name),
        __config__=ConfigDict(extra="forbid", frozen=True),
        **definitions,
    )
    model.__doc__ = _docstring(name, field_list(schema))
    return model


def _docstring(name: str, fields: list[dict[str, Any]]) -> str:
    """The model's docstring lists every field with its type and description, so ``help()``
    (and IDEs) show the data dictionary; the descriptions are also each ``Field``'s."""
    lines = [f"One row of resource '{name}' (generated from its Table Schema).", "", "Fields"]
    lines.append("------")
    for field in fields:
        codes = enum(field)
        kind = "one of " + ", ".join(map(str, codes)) if codes else field.get("type", "string")
        lines += [f"{field['name']} : {kind}", f"    {field.get('description', '')}"]
    return "\n".join(lines)


def model_for(name: str, path: str | os.PathLike[str] | None = None) -> type[BaseModel]:
    """The pydantic model of one row of resource ``name``, generated from its Table Schema."""
    from .io.descriptor import resource_file

    schema = schema_of(resource_file(name, path).descriptor)
    return _model_from_text(name, json.dumps(schema, sort_keys=True))


def frame_to_records(frame: Any, model: type[BaseModel]) -> list[BaseModel]:
    """Rows of a typed frame as model instances (missing cells become ``None``)."""
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return [model.model_validate(row) for row in rows]


def records_to_frame(
    items: list[BaseModel], name: str, path: str | os.PathLike[str] | None = None
) -> Any:
    """Model instances back to a frame typed exactly like ``msc_exos_pof.load(name)``."""
    import pandas as pd

    from .io.descriptor import resource_file
    from .io.tableschema import pandas_dtype

    fields = field_list(schema_of(resource_file(name, path).descriptor))
    data = {f["name"]: [getattr(item, f["name"]) for item in items] for f in fields}
    columns = {}
    for field in fields:
        dtype = pandas_dtype(field)
        values = pd.Series(data[field["name"]], dtype=object)
        columns[field["name"]] = values.astype(dtype)
    return pd.DataFrame(columns, index=pd.RangeIndex(len(items)))

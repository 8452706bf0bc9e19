"""The data dictionary of one resource as a DataFrame (``msc_exos_pof.describe``)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .descriptor import resource_file
from .tableschema import constraints, enum, field_list, foreign_keys, primary_key, schema_of

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

COLUMNS = ["field", "type", "required", "unique", "constraints", "description", "codes"]


def constraint_parts(field: dict[str, Any], code: Callable[[str], str] = str) -> list[str]:
    """A field's constraints other than required/unique/enum, as short texts (``["≥ 1900",
    "≤ 2100"]``); ``code`` formats a pattern (the data dictionary page puts it in backticks)."""
    found = constraints(field)
    parts = []
    for key, label in (
        ("minimum", "≥"),
        ("maximum", "≤"),
        ("minLength", "length ≥"),
        ("maxLength", "length ≤"),
    ):
        if key in found:
            parts.append(f"{label} {found[key]}")
    if "pattern" in found:
        parts.append(f"pattern {code(found['pattern'])}")
    return parts


def constraint_text(field: dict[str, Any]) -> str:
    """A field's constraints other than required/unique/enum, as short text ("≥ 1900; ≤ 2100")."""
    return "; ".join(constraint_parts(field))


def describe(name: str, path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """One row per field of resource ``name``: type, whether required and unique, the other
    constraints, the description and, for a coded field, ``code: label`` of each code (the
    definitions are in resource ``vocabularies``). ``attrs`` hold the resource's title,
    description, keys and each code's definition (``attrs["definitions"]``)."""
    import pandas as pd

    from .descriptor import read_descriptor
    from .vocabularies import definitions

    resource = resource_file(name, path).descriptor
    schema = schema_of(resource)
    defined = definitions(path)
    keys = set(primary_key(schema))
    rows = []
    for field in field_list(schema):
        found = constraints(field)
        codes = [
            f"{code}: {defined.get((field['name'], str(code)), ('(undefined)', ''))[0]}"
            for code in enum(field) or []
        ]
        rows.append(
            {
                "field": field["name"],
                "type": field.get("type", "string"),
                "required": bool(found.get("required")) or field["name"] in keys,
                "unique": bool(found.get("unique")) or keys == {field["name"]},
                "constraints": constraint_text(field),
                "description": field.get("description", ""),
                "codes": "; ".join(codes),
            }
        )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame = frame.astype(
        {c: "string" for c in COLUMNS if c not in ("required", "unique")}
        | {"required": "boolean", "unique": "boolean"}
    )
    frame.attrs.update(
        {
            "resource": name,
            "title": resource.get("title", ""),
            "description": resource.get("description", ""),
            "version": read_descriptor(path).get("version", ""),
            "primary_key": sorted(keys),
            "foreign_keys": [
                f"{', '.join(k.fields)} -> {k.resource} ({', '.join(k.reference_fields)})"
                for k in foreign_keys(schema, name)
            ],
            "definitions": {
                f"{vocabulary}/{code}": definition
                for (vocabulary, code), (_, definition) in defined.items()
                if any(row["field"] == vocabulary for row in rows)
            },
        }
    )
    return frame

"""The data dictionary: a Markdown page generated from the package's Table Schemas."""

from __future__ import annotations

import os
from typing import Any

from ..io.descriptor import read_descriptor
from ..io.tableschema import foreign_keys, primary_key


def _constraints(field: dict[str, Any]) -> str:
    constraints = field.get("constraints") or {}
    parts = []
    if constraints.get("required"):
        parts.append("required")
    if constraints.get("unique"):
        parts.append("unique")
    if "enum" in constraints:
        parts.append(
            "one of "
            + ", ".join(f"`{value}`" for value in constraints["enum"])
            + f" ([codes](#codes-{field['name']}))"
        )
    for key, label in (
        ("minimum", "≥"),
        ("maximum", "≤"),
        ("minLength", "length ≥"),
        ("maxLength", "length ≤"),
    ):
        if key in constraints:
            parts.append(f"{label} {constraints[key]}")
    if "pattern" in constraints:
        parts.append(f"pattern `{constraints['pattern']}`")
    return "; ".join(parts)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def data_dictionary(path: str | os.PathLike[str] | None = None) -> str:
    """Markdown describing every resource and field of the package at ``path``."""
    descriptor = read_descriptor(path)
    lines = [
        f"# Data dictionary: {descriptor.get('title', descriptor.get('name', ''))}",
        "",
        f"Package `{descriptor.get('name')}` version {descriptor.get('version')}. "
        "Generated from `datapackage/datapackage.json` by `msc-exos-pof dictionary`; "
        "do not edit by hand.",
        "",
        "Loading a resource: `msc_exos_pof.load(name)` returns a pandas DataFrame; enums load as "
        "categoricals, integers as nullable `Int64`, text as `string`, booleans as `boolean`.",
        "",
    ]
    for resource in descriptor["resources"]:
        schema = resource.get("schema", {})
        lines += [
            f"## `{resource['name']}`: {resource.get('title', '')}",
            "",
            resource.get("description", ""),
            "",
        ]
        key = primary_key(schema)
        if key:
            key_text = ", ".join(f"`{k}`" for k in key)
            lines.append(f"Primary key: {key_text}.")
        for foreign in foreign_keys(schema, resource["name"]):
            fields_text = ", ".join(f"`{f}`" for f in foreign.fields)
            target_text = ", ".join(f"`{f}`" for f in foreign.reference_fields)
            target_name = foreign.resource
            lines.append(f"Foreign key: {fields_text} → `{target_name}` ({target_text}).")
        lines += ["", "| field | type | constraints | description |", "|---|---|---|---|"]
        for field in schema.get("fields", []):
            lines.append(
                f"| `{field['name']}` | {field.get('type', 'string')} | "
                f"{_cell(_constraints(field))} | {_cell(field.get('description', ''))} |"
            )
        lines.append("")
    lines += _codes(descriptor, path)
    return "\n".join(lines).rstrip() + "\n"


def _codes(descriptor: dict[str, Any], path: str | os.PathLike[str] | None) -> list[str]:
    """The ``Codes`` section: every vocabulary with each code's label and definition."""
    from ..io.vocabularies import coded_fields, definitions

    coded = coded_fields(descriptor)
    if not coded:
        return []
    defined = definitions(path)
    lines = [
        "## Codes",
        "",
        "Every code of every coded field, defined in resource `vocabularies` (fields of the same "
        "name share a vocabulary). `msc_exos_pof.describe(name)` shows them for one resource.",
        "",
    ]
    for vocabulary, codes in coded.items():
        used = sorted(
            {f"`{resource}.{field}`" for places in codes.values() for resource, field in places}
        )
        lines += [
            f"### `{vocabulary}` {{#codes-{vocabulary}}}",
            "",
            f"Used by {', '.join(used)}.",
            "",
            "| code | label | definition |",
            "|---|---|---|",
        ]
        for code in codes:
            label, definition = defined.get((vocabulary, code), ("(undefined)", ""))
            lines.append(f"| `{code}` | {_cell(label)} | {_cell(definition)} |")
        lines.append("")
    return lines

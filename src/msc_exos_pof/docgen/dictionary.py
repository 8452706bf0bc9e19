"""The data dictionary: a Markdown page generated from the package's Table Schemas."""

from __future__ import annotations

import os
from typing import Any

from ..io.descriptor import read_descriptor
from ..io.dictionary import constraint_parts
from ..io.tableschema import constraints, enum, field_list, foreign_keys, primary_key, schema_of
from .markdown import anchor, cell, code_span, escape_markdown


def _constraints(field: dict[str, Any]) -> str:
    """The constraints cell: every value from the descriptor escaped for a table cell."""
    rules = constraints(field)
    parts = []
    if rules.get("required"):
        parts.append("required")
    if rules.get("unique"):
        parts.append("unique")
    codes = enum(field)
    if codes is not None:
        parts.append(
            "one of "
            + ", ".join(code_span(value, cell=True) for value in codes)
            + f" ([codes](#codes-{anchor(field['name'])}))"
        )
    pattern = "\x00pattern\x00"  # a placeholder: the pattern is a code span, the rest text
    for part in constraint_parts(field, code=lambda text: pattern):
        if part.endswith(pattern):
            parts.append(
                cell(part.removesuffix(pattern)) + " " + code_span(rules.get("pattern"), cell=True)
            )
        else:
            parts.append(cell(part))
    return "; ".join(parts)


def data_dictionary(path: str | os.PathLike[str] | None = None) -> str:
    """Markdown describing every resource and field of the package at ``path``."""
    descriptor = read_descriptor(path)
    title = escape_markdown(descriptor.get("title", descriptor.get("name", "")), inline=True)
    lines = [
        f"# Data dictionary: {title}",
        "",
        f"Package {code_span(descriptor.get('name'))} version "
        f"{escape_markdown(descriptor.get('version'), inline=True)}. "
        "Generated from `datapackage/datapackage.json` by `msc-exos-pof dictionary`; "
        "do not edit by hand.",
        "",
        "Loading a resource: `msc_exos_pof.load(name)` returns a pandas DataFrame; enums load as "
        "categoricals, integers as nullable `Int64`, text as `string`, booleans as `boolean`.",
        "",
    ]
    for resource in descriptor["resources"]:
        schema = schema_of(resource)
        lines += [
            f"## {code_span(resource['name'])}: "
            f"{escape_markdown(resource.get('title', ''), inline=True)}",
            "",
            escape_markdown(resource.get("description", "")),
            "",
        ]
        key = primary_key(schema)
        if key:
            key_text = ", ".join(code_span(k) for k in key)
            lines.append(f"Primary key: {key_text}.")
        for foreign in foreign_keys(schema, resource["name"]):
            fields_text = ", ".join(code_span(f) for f in foreign.fields)
            target_text = ", ".join(code_span(f) for f in foreign.reference_fields)
            target_name = code_span(foreign.resource)
            lines.append(f"Foreign key: {fields_text} → {target_name} ({target_text}).")
        lines += ["", "| field | type | constraints | description |", "|---|---|---|---|"]
        for field in field_list(schema):
            lines.append(
                f"| {code_span(field['name'], cell=True)} | "
                f"{cell(field.get('type', 'string'))} | "
                f"{_constraints(field)} | {cell(field.get('description', ''))} |"
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
            {
                code_span(f"{resource}.{field}")
                for places in codes.values()
                for resource, field in places
            }
        )
        lines += [
            f"### {code_span(vocabulary)} {{#codes-{anchor(vocabulary)}}}",
            "",
            f"Used by {', '.join(used)}.",
            "",
            "| code | label | definition |",
            "|---|---|---|",
        ]
        for code in codes:
            label, definition = defined.get((vocabulary, code), ("(undefined)", ""))
            lines.append(f"| {code_span(code, cell=True)} | {cell(label)} | {cell(definition)} |")
        lines.append("")
    return lines

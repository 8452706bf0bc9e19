"""The one reading of a Table Schema: its fields, their constraints and dtypes, and its keys.

Table Schema allows a key to be a field name or a list of them, and a descriptor under test may
hold anything at all; every module that needs a schema's fields or keys asks here, so the rules
for what counts as a key (and what a malformed one becomes) are written once.

>>> schema = {"fields": [{"name": "id", "type": "integer"}], "primaryKey": "id"}
>>> primary_key(schema)
['id']
>>> foreign_keys({"foreignKeys": [{"fields": "a", "reference": {"resource": "", "fields": "b"}}]},
...              "self")
[ForeignKey(fields=('a',), resource='self', reference_fields=('b',))]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def schema_of(resource: Any) -> dict[str, Any]:
    """A resource's Table Schema as a dict (``{}`` when it has none or it is not an object)."""
    schema = resource.get("schema") if isinstance(resource, dict) else None
    return schema if isinstance(schema, dict) else {}


def field_list(schema: Any) -> list[dict[str, Any]]:
    """The schema's field objects that have a text ``name`` (anything else is skipped)."""
    fields = schema.get("fields") if isinstance(schema, dict) else None
    if not isinstance(fields, list):
        return []
    return [f for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)]


def field_names(schema: Any) -> list[str]:
    """The names of the schema's fields, in order."""
    return [f["name"] for f in field_list(schema)]


def constraints(field: Any) -> dict[str, Any]:
    """A field's ``constraints`` object (``{}`` when absent or not an object)."""
    found = field.get("constraints") if isinstance(field, dict) else None
    return found if isinstance(found, dict) else {}


def resource_enum(descriptor: Any, resource: str, field: str) -> list[Any]:
    """The codes of ``resource.field`` in ``descriptor`` (``[]`` when it has no enum)."""
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    for item in resources if isinstance(resources, list) else []:
        if isinstance(item, dict) and item.get("name") == resource:
            for entry in field_list(schema_of(item)):
                if entry["name"] == field:
                    found = constraints(entry).get("enum")
                    return list(found) if isinstance(found, list) else []
    return []


def key_fields(value: Any) -> list[str]:
    """A key as a list of field names: ``"a"`` -> ``["a"]``, ``None`` -> ``[]``.

    Anything that is not a name or a list of names gives ``[]`` (``is_key`` tells the two apart).
    """
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    return []


def is_key(value: Any) -> bool:
    """Whether ``value`` is a well-formed key: a field name or a non-empty list of names."""
    return bool(key_fields(value))


def primary_key(schema: Any) -> list[str]:
    """The primary key's fields as a list (Table Schema allows a string or a list)."""
    return key_fields(schema.get("primaryKey")) if isinstance(schema, dict) else []


def unique_keys(schema: Any) -> list[list[str]]:
    """The schema's ``uniqueKeys`` (a Table Schema v2 addition some copies use), as lists."""
    found = schema.get("uniqueKeys") if isinstance(schema, dict) else None
    return [key_fields(key) for key in found] if isinstance(found, list) else []


@dataclass(frozen=True)
class ForeignKey:
    """A foreign key with its self-reference (``"resource": ""``) resolved to the resource."""

    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]


def foreign_key_entries(schema: Any) -> list[Any]:
    """The raw ``foreignKeys`` entries (a list; anything else gives ``[]``)."""
    found = schema.get("foreignKeys") if isinstance(schema, dict) else None
    return found if isinstance(found, list) else []


def foreign_key(entry: Any, resource: str) -> ForeignKey | None:
    """One ``foreignKeys`` entry of ``resource``, or ``None`` when it is malformed."""
    reference = entry.get("reference") if isinstance(entry, dict) else None
    if not isinstance(reference, dict):
        return None
    target = reference.get("resource") or resource  # "" is a self-reference
    if not isinstance(target, str):
        return None
    return ForeignKey(
        tuple(key_fields(entry.get("fields"))), target, tuple(key_fields(reference.get("fields")))
    )


def foreign_keys(schema: Any, resource: str) -> list[ForeignKey]:
    """The well-formed foreign keys of ``resource`` (malformed entries are skipped)."""
    found = (foreign_key(entry, resource) for entry in foreign_key_entries(schema))
    return [key for key in found if key is not None]


def pandas_dtype(field: dict[str, Any]) -> Any:
    """The pandas dtype a Table Schema field loads as."""
    import pandas as pd

    kind = field.get("type", "string")
    enum = constraints(field).get("enum")
    if enum and kind == "string":
        return pd.CategoricalDtype(categories=list(enum), ordered=False)
    return {
        "integer": "Int64",
        "number": "Float64",
        "boolean": "boolean",
        "year": "Int64",
    }.get(kind, "string")

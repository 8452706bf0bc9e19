"""The one reading of a Table Schema: its fields, their constraints and dtypes, and its keys.

Table Schema allows a key to be a field name or a list of them, and a descriptor under test may
hold anything at all; every module that needs a schema's fields, constraints, vocabularies or
keys asks here, so the rules for what counts as a field or a key (and what a malformed one
becomes) are written once. The ``written_*`` functions give a property exactly as the descriptor
writes it, for the code that must refuse or quote a malformed one (exports, the gate's contract
of the core schema); everything else takes the parsed forms.

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


def resource_schema(descriptor: Any, name: str) -> dict[str, Any]:
    """The Table Schema of the descriptor's resource ``name`` (``{}`` when there is none)."""
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    for resource in resources if isinstance(resources, list) else []:
        if isinstance(resource, dict) and resource.get("name") == name:
            return schema_of(resource)
    return {}


# --- fields ------------------------------------------------------------------------------------


def written_fields(schema: Any) -> Any:
    """The schema's ``fields`` as written (``None`` when absent): for code that refuses a
    malformed list instead of skipping what it cannot read."""
    return schema.get("fields") if isinstance(schema, dict) else None


def field_list(schema: Any) -> list[dict[str, Any]]:
    """The schema's field objects that have a text ``name`` (anything else is skipped)."""
    fields = written_fields(schema)
    if not isinstance(fields, list):
        return []
    return [f for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)]


def field_named(schema: Any, name: str) -> dict[str, Any] | None:
    """The field called ``name`` (the first one, when a malformed schema repeats it)."""
    return next((field for field in field_list(schema) if field["name"] == name), None)


def field_position(schema: Any, name: Any) -> int | None:
    """Where the field called ``name`` is in the written ``fields`` list (for JSON pointers)."""
    fields = written_fields(schema)
    for position, item in enumerate(fields if isinstance(fields, list) else []):
        if isinstance(item, dict) and item.get("name") == name:
            return position
    return None


def constraints(field: Any) -> dict[str, Any]:
    """A field's ``constraints`` object (``{}`` when absent or not an object)."""
    found = field.get("constraints") if isinstance(field, dict) else None
    return found if isinstance(found, dict) else {}


def enum(field: Any) -> list[Any] | None:
    """A field's ``enum`` constraint (its codes, in order), or ``None`` when it has none (or a
    malformed one, which is ``descriptor.metadata``'s finding)."""
    found = constraints(field).get("enum")
    return found if isinstance(found, list) else None


def resource_enum(descriptor: Any, resource: str, field: str) -> list[Any]:
    """The codes of ``resource.field`` in ``descriptor`` (``[]`` when it has no enum)."""
    return enum(field_named(resource_schema(descriptor, resource), field)) or []


def with_enum(field: dict[str, Any], codes: list[Any]) -> dict[str, Any]:
    """A copy of ``field`` whose ``enum`` is ``codes`` (its other constraints kept)."""
    return with_constraints(field, {**constraints(field), "enum": codes})


def with_fields(schema: Any, fields: list[dict[str, Any]]) -> dict[str, Any]:
    """A copy of ``schema`` whose ``fields`` are ``fields`` (``field_list``'s writing side)."""
    return {**(schema if isinstance(schema, dict) else {}), "fields": fields}


def with_constraints(field: dict[str, Any], found: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``field`` whose ``constraints`` are ``found`` (dropped when empty)."""
    copied = {key: value for key, value in field.items() if key != "constraints"}
    return {**copied, "constraints": found} if found else copied


# --- keys --------------------------------------------------------------------------------------


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


def written_primary_key(schema: Any) -> Any:
    """The ``primaryKey`` as written (``None`` when absent)."""
    return schema.get("primaryKey") if isinstance(schema, dict) else None


def primary_key(schema: Any) -> list[str]:
    """The primary key's fields as a list (Table Schema allows a string or a list)."""
    return key_fields(written_primary_key(schema))


def written_unique_keys(schema: Any) -> Any:
    """The schema's ``uniqueKeys`` as written (a Table Schema v2 addition some copies use)."""
    return schema.get("uniqueKeys") if isinstance(schema, dict) else None


@dataclass(frozen=True)
class ForeignKey:
    """A foreign key with its self-reference (``"resource": ""``) resolved to the resource."""

    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]


def written_foreign_keys(schema: Any) -> Any:
    """The ``foreignKeys`` as written (``None`` when absent)."""
    return schema.get("foreignKeys") if isinstance(schema, dict) else None


def foreign_key_entries(schema: Any) -> list[Any]:
    """The raw ``foreignKeys`` entries (a list; anything else gives ``[]``)."""
    found = written_foreign_keys(schema)
    return found if isinstance(found, list) else []


def reference_of(entry: Any) -> tuple[Any, Any, Any] | None:
    """A ``foreignKeys`` entry as written: (its ``fields``, the referenced ``resource``, the
    referenced ``fields``), or ``None`` when it has no ``reference`` object."""
    reference = entry.get("reference") if isinstance(entry, dict) else None
    if not isinstance(reference, dict):
        return None
    return entry.get("fields"), reference.get("resource"), reference.get("fields")


def foreign_key(entry: Any, resource: str) -> ForeignKey | None:
    """One ``foreignKeys`` entry of ``resource``, or ``None`` when it is malformed."""
    parts = reference_of(entry)
    if parts is None:
        return None
    fields, target, target_fields = parts
    target = target or resource  # "" is a self-reference
    if not isinstance(target, str):
        return None
    return ForeignKey(tuple(key_fields(fields)), target, tuple(key_fields(target_fields)))


def foreign_keys(schema: Any, resource: str) -> list[ForeignKey]:
    """The well-formed foreign keys of ``resource`` (malformed entries are skipped)."""
    found = (foreign_key(entry, resource) for entry in foreign_key_entries(schema))
    return [key for key in found if key is not None]


# --- types -------------------------------------------------------------------------------------


def pandas_dtype(field: dict[str, Any]) -> Any:
    """The pandas dtype a Table Schema field loads as."""
    import pandas as pd

    kind = field.get("type", "string")
    codes = enum(field)
    if codes and kind == "string":
        return pd.CategoricalDtype(categories=list(codes), ordered=False)
    return {
        "integer": "Int64",
        "number": "Float64",
        "boolean": "boolean",
        "year": "Int64",
    }.get(kind, "string")

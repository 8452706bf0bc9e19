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
    """The schema's field objects that have a text ``name`` (anything else is skipped), each
    as ``usable_field`` makes it: a malformed type, format or constraint is left out of that
    field only (``field_problems`` says which, for the gate's one finding about it)."""
    fields = written_fields(schema)
    if not isinstance(fields, list):
        return []
    return [
        usable_field(f) for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)
    ]


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


# --- rules that cannot be used --------------------------------------------------------------


@dataclass(frozen=True)
class FieldProblem:
    """A property of a field that cannot be used as written: ``path`` is where it is, from
    the field (``("constraints", "maxLength")``), ``why`` what is wrong with it."""

    path: tuple[str, ...]
    why: str


#: The largest length or bound a constraint may give (a cell is never longer).
_LARGEST = 2**63 - 1
#: Types whose cells are numbers, whose ``minimum``/``maximum``/``enum`` are numbers.
_NUMERIC = {"integer": int, "number": float, "year": int}


def _whole(value: Any) -> int | None:
    """``value`` as a non-negative whole number a length can be compared with, or ``None``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    return int(value) if 0 <= value <= _LARGEST else None


def _number(value: Any, kind: str) -> int | float | None:
    """``value`` as a bound or code of a numeric field (a number, or text that reads as one, as
    frictionless reads it), or ``None``."""
    import math

    if isinstance(value, str):
        try:
            value = int(value) if _NUMERIC[kind] is int else float(value)
        except ValueError:
            return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if _NUMERIC[kind] is int and isinstance(value, float):
        return int(value) if value.is_integer() else None
    return value


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _codes(codes: Any, kind: str) -> tuple[list[Any] | None, str | None]:
    """(the usable codes of an ``enum``, or why they cannot be used)."""
    if not isinstance(codes, list) or not codes:
        return None, f"enum is {_shown(codes)}, not a non-empty list of codes"
    usable = []
    for code in codes:
        if kind in _NUMERIC:
            value = _number(code, kind)
            if value is None:
                return None, f"enum holds {_shown(code)}, not a {kind}"
            usable.append(value)
        elif kind == "boolean" and not isinstance(code, bool):
            return None, f"enum holds {_shown(code)}, not true or false"
        elif kind == "string" and not isinstance(code, str):
            return None, f"enum holds {_shown(code)}, not text: write each code as a string"
        elif not isinstance(code, str | int | float | bool) or code is None:
            return None, f"enum holds {_shown(code)}, not a code"
        else:
            usable.append(code)
    if len(set(usable)) != len(usable):  # every code is a scalar by now: hashable
        return None, "enum lists a code twice; list each code once"
    return usable, None


def _constraint(key: str, value: Any, kind: str) -> tuple[Any, str | None]:
    """(the usable value of constraint ``key``, or why it cannot be used); unknown keys, and
    bounds of types the gate does not compare, are kept as written."""
    if key in ("required", "unique"):
        return value, None if isinstance(
            value, bool
        ) else f"{key} is {_shown(value)}, not true or false"
    if key in ("minLength", "maxLength"):
        length = _whole(value)
        if length is None:
            return None, (
                f"{key} is {_shown(value)}, not a whole number of characters from 0 to 2^63-1"
            )
        return length, None
    if key == "pattern":
        return value, None if isinstance(value, str) else f"pattern is {_shown(value)}, not text"
    if key in ("minimum", "maximum") and kind in _NUMERIC:
        bound = _number(value, kind)
        return bound, None if bound is not None else f"{key} is {_shown(value)}, not a {kind}"
    if key == "enum":
        return _codes(value, kind)
    return value, None


def _examined(field: dict[str, Any]) -> tuple[dict[str, Any], list[FieldProblem]]:
    """The field with only what can be used, and what could not be."""
    problems = []
    usable = field
    kind = field.get("type", "string")
    if not isinstance(kind, str):
        problems.append(FieldProblem(("type",), f"type is {_shown(kind)}, not a type name"))
        usable = {key: value for key, value in usable.items() if key != "type"}
        kind = "string"
    if "format" in field and not isinstance(field["format"], str):
        problems.append(
            FieldProblem(("format",), f"format is {_shown(field['format'])}, not a format name")
        )
        usable = {key: value for key, value in usable.items() if key != "format"}
    written = field.get("constraints")
    if written is None:
        return usable, problems
    if not isinstance(written, dict):
        problems.append(
            FieldProblem(("constraints",), f"constraints is {_shown(written)}, not an object")
        )
        return {key: value for key, value in usable.items() if key != "constraints"}, problems
    kept = {}
    for key, value in written.items():
        value, why = _constraint(key, value, kind)
        if why is None:
            kept[key] = value
        else:
            problems.append(FieldProblem(("constraints", key), why))
    if kept != written:
        usable = {**usable, "constraints": kept}
    return usable, problems


def usable_field(field: dict[str, Any]) -> dict[str, Any]:
    """``field`` without what cannot be used (a type or format that is not text, a constraint
    whose value does not fit its rule), numeric bounds and codes written as text read as
    numbers; the same object when nothing needed to change."""
    return _examined(field)[0]


def field_problems(field: Any) -> list[FieldProblem]:
    """What of ``field`` (as written) cannot be used, each skipped for that field only."""
    return _examined(field)[1] if isinstance(field, dict) else []


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

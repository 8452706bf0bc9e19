"""The package's resources as database tables: fields and keys from the Table Schemas, in
dependency order."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from ..errors import ExportDataError
from ..io.descriptor import ResourceFile, resource_files
from ..io.tableschema import (
    ForeignKey,
    is_key,
    key_fields,
    reference_of,
    schema_of,
    written_fields,
    written_foreign_keys,
    written_primary_key,
    written_unique_keys,
)
from ..io.tableschema import constraints as _constraints


@dataclass(frozen=True)
class Table:
    """A resource as a database table: its fields and keys, read from its Table Schema."""

    item: ResourceFile
    fields: tuple[dict[str, Any], ...]
    primary_key: tuple[str, ...]
    unique_keys: tuple[tuple[str, ...], ...]
    foreign_keys: tuple[ForeignKey, ...]

    @property
    def name(self) -> str:
        return self.item.name

    @property
    def schema(self) -> dict[str, Any]:
        return schema_of(self.item.descriptor)

    def required(self, field: dict[str, Any]) -> bool:
        return bool(_constraints(field).get("required")) or field["name"] in self.primary_key

    def unique(self, columns: tuple[str, ...]) -> bool:
        """True when ``columns`` are declared unique (primary key, unique field or unique key)."""
        if columns == self.primary_key or columns in self.unique_keys:
            return True
        return len(columns) == 1 and any(
            f["name"] == columns[0] and _constraints(f).get("unique") for f in self.fields
        )


def _names(value: Any, where: str) -> tuple[str, ...]:
    if not is_key(value):
        raise ExportDataError(f"{where} is {value!r}: expected a field name or a list of them")
    return tuple(key_fields(value))


def tables(path: str | os.PathLike[str] | None = None) -> list[Table]:
    """The package's resources as tables, ordered so that every table follows those it references.

    ``PackageError`` when the package cannot be read; ``ExportDataError`` when its keys cannot
    become database constraints (an unknown table or column, a key that is not unique, a cycle).
    """
    found = {item.name: _table(item) for item in resource_files(path)}
    for table in found.values():
        _check_keys(table, found)
    return _dependency_order(found)


def _table(item: ResourceFile) -> Table:
    """One resource as a table; ``ExportDataError`` for fields or keys a database cannot have."""
    schema = schema_of(item.descriptor)
    fields = written_fields(schema)
    if (
        not isinstance(fields, list)
        or not fields
        or not all(isinstance(f, dict) and isinstance(f.get("name"), str) for f in fields)
    ):
        raise ExportDataError(
            f"resource '{item.name}' has no Table Schema fields to make columns of; "
            "declare schema.fields in the descriptor"
        )
    where = f"resource '{item.name}': schema"
    primary = written_primary_key(schema)
    primary_key = _names(primary, f"{where}.primaryKey") if primary else ()
    unique_keys = tuple(
        _names(key, f"{where}.uniqueKeys") for key in written_unique_keys(schema) or []
    )
    foreign_keys = []
    for entry in written_foreign_keys(schema) or []:
        parts = reference_of(entry)
        if parts is None:
            raise ExportDataError(f"{where}.foreignKeys has an entry without a 'reference'")
        key, target, target_key = parts
        foreign_keys.append(
            ForeignKey(
                _names(key, f"{where}.foreignKeys.fields"),
                target or item.name,
                _names(target_key, f"{where}.foreignKeys.reference.fields"),
            )
        )
    return Table(item, tuple(fields), primary_key, unique_keys, tuple(foreign_keys))


def _check_keys(table: Table, found: dict[str, Table]) -> None:
    columns = {f["name"] for f in table.fields}
    keys = [("primaryKey", table.primary_key)] + [("uniqueKeys", k) for k in table.unique_keys]
    keys += [("foreignKeys", key.fields) for key in table.foreign_keys]
    for what, key in keys:
        unknown = [name for name in key if name not in columns]
        if unknown:
            raise ExportDataError(
                f"resource '{table.name}': {what} names field(s) {', '.join(unknown)}, which "
                "its schema does not declare"
            )
    for key in table.foreign_keys:
        target = found.get(key.resource)
        where = f"resource '{table.name}': the foreign key on {', '.join(key.fields)}"
        if target is None:
            raise ExportDataError(
                f"{where} references resource '{key.resource}', which the package does not have"
            )
        target_columns = {f["name"] for f in target.fields}
        if len(key.reference_fields) != len(key.fields) or not set(key.reference_fields) <= (
            target_columns
        ):
            raise ExportDataError(
                f"{where} references {', '.join(key.reference_fields)} of "
                f"'{target.name}', which do not match its fields"
            )
        if not target.unique(key.reference_fields):
            raise ExportDataError(
                f"{where} references {', '.join(key.reference_fields)} of '{target.name}', "
                "which are neither its primary key nor unique; a database cannot enforce it"
            )


def _dependency_order(found: dict[str, Table]) -> list[Table]:
    """Descriptor order, except that a table comes after every other table it references."""
    ordered: list[Table] = []
    placed: set[str] = set()
    pending = list(found.values())
    while pending:
        ready = [
            t
            for t in pending
            if all(k.resource in placed or k.resource == t.name for k in t.foreign_keys)
        ]
        if not ready:
            names = ", ".join(t.name for t in pending)
            raise ExportDataError(
                f"the foreign keys of {names} reference each other in a cycle, so no table can "
                "be created first; break the cycle in the descriptor"
            )
        ordered.append(ready[0])
        placed.add(ready[0].name)
        pending.remove(ready[0])
    return ordered

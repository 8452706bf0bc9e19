"""Upgrading a copy made with an earlier released data model to the current one.

A step goes from one released data model to the next. What it does is derived from the two
models' Table Schemas (read through ``io/tableschema``): the fields and resources the new model
adds (new resources take the rows of the release that introduced them), its keys, the codes its
enums add. What the schemas cannot say is data, in ``migrations.json``: the value a new required
or key field takes in rows of the old model (a fill rule), codes and fields renamed, resources
that start empty. Fields and resources of the copy's own, and codes it added, are kept.

The migrated copy is then rebased on the current release, cell by cell, against the release it
was made from: a cell the copy never changed takes the current release's value; every row and
cell the copy added or edited is kept as it is (a conflict keeps the copy's and is listed).
Nothing is written unless the whole copy can be migrated; files are written atomically, the
descriptor last.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UpgradeError
from ..io.tableschema import (
    enum,
    field_list,
    primary_key,
    schema_of,
    with_enum,
    with_fields,
)
from .model import MODEL_KEY

RULES = Path(__file__).with_name("migrations.json")


# --- the rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FillRule:
    """The value of a new field in a row of the old model: a constant or another field's."""

    value: str | None = None
    source: str | None = None
    why: str = ""

    def fill(self, row: dict[str, str]) -> str:
        return row.get(self.source, "") if self.source else (self.value or "")


@dataclass(frozen=True)
class Step:
    """One migration from data model ``source`` to ``target`` (the next released model)."""

    source: str
    target: str
    fill: dict[tuple[str, str], FillRule] = field(default_factory=dict)
    codes: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    fields: dict[tuple[str, str], str] = field(default_factory=dict)
    empty_resources: frozenset[str] = frozenset()
    #: codes the new model drops with no equivalent: code -> what to do with a row that has it
    retired: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)


def _place(name: str) -> tuple[str, str]:
    resource, _, column = name.partition(".")
    return resource, column


def load_steps(file: Path = RULES) -> list[Step]:
    """The migration steps of ``migrations.json``, in order."""
    data = json.loads(file.read_text(encoding="utf-8"))
    return [
        Step(
            source=item["from"],
            target=item["to"],
            fill={
                _place(name): FillRule(rule.get("value"), rule.get("from"), rule.get("why", ""))
                for name, rule in item.get("fill", {}).items()
            },
            codes={
                _place(name): dict(codes) for name, codes in item.get("renamed_codes", {}).items()
            },
            fields={_place(name): new for name, new in item.get("renamed_fields", {}).items()},
            empty_resources=frozenset(item.get("empty_resources", [])),
            retired={
                _place(name): dict(codes) for name, codes in item.get("retired_codes", {}).items()
            },
        )
        for item in data["steps"]
    ]


def steps_between(found: str, target: str, steps: list[Step] | None = None) -> list[Step]:
    """The steps from model ``found`` to ``target``; ``UpgradeError`` when there is no path."""
    by_source = {step.source: step for step in steps or load_steps()}
    chain, model = [], found
    while model != target:
        step = by_source.get(model)
        if step is None or len(chain) > len(by_source):
            known = ", ".join(sorted(by_source)) or "none"
            raise UpgradeError(
                f"no migration leads from data model {found} to {target} (models with a "
                f'migration: {known}); correct the copy\'s "{MODEL_KEY}" to the model it was '
                "made with"
            )
        chain.append(step)
        model = step.target
    return chain


# --- packages as text tables -------------------------------------------------------------------


@dataclass
class Table:
    header: list[str]
    rows: list[dict[str, str]]
    #: The bytes the table was read from (kept when it is written back unchanged).
    source: bytes | None = field(default=None, compare=False, repr=False)


@dataclass
class Package:
    descriptor: dict[str, Any]
    tables: dict[str, Table]
    unfilled: set[tuple[str, str]] = field(default_factory=set)


def resources_by_name(descriptor: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in descriptor.get("resources", []) if isinstance(r, dict)}


def _read_table(name: str, file: Path) -> Table:
    try:
        data = file.read_bytes()
        text = data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise UpgradeError(
            f"resource '{name}': {file} cannot be read ({error}); fix it (`msc-exos-pof "
            "validate` says how) and run upgrade again"
        ) from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, body = (rows[0], rows[1:]) if rows else ([], [])
    for number, row in enumerate(body, start=1):
        if len(row) != len(header):
            raise UpgradeError(
                f"resource '{name}': row {number} of {file.name} has {len(row)} cells but the "
                f"header has {len(header)}; fix the row and run upgrade again"
            )
    return Table(header, [dict(zip(header, row, strict=True)) for row in body], data)


def read_package(path: str | os.PathLike[str]) -> Package:
    """The package at ``path`` as text tables (every cell a string, empty cells ``""``)."""
    from ..io.descriptor import read_descriptor, resource_files

    descriptor = copy.deepcopy(read_descriptor(path))
    tables = {item.name: _read_table(item.name, item.file) for item in resource_files(path)}
    return Package(descriptor, tables)


# --- one step: the schemas say what to do ------------------------------------------------------


def _renamed(step: Step, name: str) -> dict[str, str]:
    return {old: new for (resource, old), new in step.fields.items() if resource == name}


def _migrate_table(package: Package, name: str, target: dict[str, Any], step: Step) -> Table:
    """A table of the old model in the new one: renamed fields and codes, new fields filled
    (a field the copy already has keeps its values), the copy's own columns last."""
    table = package.tables[name]
    renames = _renamed(step, name)
    header = [renames.get(column, column) for column in table.header]
    rows = [{renames.get(k, k): v for k, v in row.items()} for row in table.rows]
    for (resource, column), mapping in step.codes.items():
        if resource == name and column in header:
            for row in rows:
                row[column] = mapping.get(row[column], row[column])
    names = [f["name"] for f in field_list(schema_of(target))]
    for column in [n for n in names if n not in header]:
        rule = step.fill.get((name, column))
        if rule is None:
            package.unfilled.add((name, column))
        for row in rows:
            row[column] = rule.fill(row) if rule is not None else ""
    return Table(names + [c for c in header if c not in names], rows)


def _with_copy_codes(
    target: dict[str, Any],
    mine: dict[str, Any] | None,
    old: dict[str, Any] | None,
    renamed: dict[str, str],
) -> dict[str, Any]:
    """The target field with the codes the copy added to the old field's enum."""
    codes = enum(target)
    if not codes or mine is None:
        return target
    known = (enum(old) or []) if old is not None else []
    extra = [renamed.get(c, c) for c in enum(mine) or [] if c not in known]
    extra = [c for c in dict.fromkeys(extra) if c not in codes]
    return with_enum(target, [*codes, *extra]) if extra else target


def _migrate_resource(
    target: dict[str, Any], mine: dict[str, Any], old: dict[str, Any] | None, step: Step
) -> dict[str, Any]:
    """The target model's resource, keeping the copy's file path, own fields and own codes."""
    resource = {k: copy.deepcopy(v) for k, v in target.items() if k not in ("bytes", "hash")}
    if old is not None and mine.get("path") != old.get("path"):
        resource["path"] = mine.get("path")  # the copy moved the file
    renames = _renamed(step, target["name"])
    mine_fields = {renames.get(f["name"], f["name"]): f for f in field_list(schema_of(mine))}
    old_fields = {renames.get(f["name"], f["name"]): f for f in field_list(schema_of(old))}
    name = target["name"]
    fields = [
        _with_copy_codes(
            f,
            mine_fields.get(f["name"]),
            old_fields.get(f["name"]),
            step.codes.get((name, f["name"]), {}),
        )
        for f in field_list(schema_of(target))
    ]
    names = {f["name"] for f in fields}
    own = [{**f, "name": column} for column, f in mine_fields.items() if column not in names]
    resource["schema"] = with_fields(schema_of(target), fields + own)
    return resource


def migrate(package: Package, step: Step, old: dict[str, Any], target: Package) -> Package:
    """``package`` (model ``step.source``, whose released descriptor is ``old``) in model
    ``step.target``, whose package is ``target``."""
    old_resources, mine = resources_by_name(old), resources_by_name(package.descriptor)
    tables, resources = {}, []
    for name, resource in resources_by_name(target.descriptor).items():
        if name in package.tables:  # a resource of the old model, or one the copy added itself
            tables[name] = _migrate_table(package, name, resource, step)
            resources.append(_migrate_resource(resource, mine[name], old_resources.get(name), step))
        else:
            rows = [] if name in step.empty_resources else copy.deepcopy(target.tables[name].rows)
            tables[name] = Table(list(target.tables[name].header), rows)
            resources.append({k: copy.deepcopy(v) for k, v in resource.items()})
    for name, resource in mine.items():
        if name not in tables:  # the copy's own resources (and any the model dropped) stay
            tables[name] = package.tables[name]
            resources.append(resource)
    descriptor = _with_model({**package.descriptor, "resources": resources}, step.target)
    return Package(descriptor, tables, package.unfilled)


def _with_model(descriptor: dict[str, Any], model: str) -> dict[str, Any]:
    """``descriptor`` stating ``model``, right after its version as the shipped one does."""
    if MODEL_KEY in descriptor:
        return {**descriptor, MODEL_KEY: model}
    out: dict[str, Any] = {}
    for key, value in descriptor.items():
        out[key] = value
        if key == "version":
            out[MODEL_KEY] = model
    return out if MODEL_KEY in out else {**out, MODEL_KEY: model}


# --- the rebase on the current release ---------------------------------------------------------


@dataclass
class TableChanges:
    """What the rebase did to one table."""

    edited: list[str] = field(default_factory=list)  # the copy's edits, kept
    added: list[str] = field(default_factory=list)  # the copy's rows, kept
    removed: list[str] = field(default_factory=list)  # rows the copy deleted, left out
    release_added: int = 0  # rows of the current release the copy did not have
    release_removed: list[str] = field(default_factory=list)  # unedited rows the release dropped
    conflicts: list[str] = field(default_factory=list)


def _index(name: str, table: Table, key: list[str]) -> dict[tuple[str, ...], dict[str, str]]:
    found: dict[tuple[str, ...], dict[str, str]] = {}
    for number, row in enumerate(table.rows, start=1):
        ident = tuple(row.get(k, "") for k in key)
        if ident in found:
            raise UpgradeError(
                f"resource '{name}': row {number} repeats the key {'/'.join(ident)} "
                f"({', '.join(key)}) of an earlier row; in the current data model each key is "
                "one row: correct one of them and run upgrade again"
            )
        found[ident] = row
    return found


def _merge_row(
    label: str,
    rows: tuple[dict[str, str] | None, dict[str, str] | None, dict[str, str]],
    header: list[str],
    changes: TableChanges,
) -> list[dict[str, str]]:
    """One key of the current release: (base, mine, theirs) -> the rows to keep."""
    base, mine, theirs = rows
    if mine is None:
        if base is None:
            changes.release_added += 1
            return [{column: theirs.get(column, "") for column in header}]
        changes.removed.append(label)
        return []
    if base is None:
        if any(mine.get(c, "") != v for c, v in theirs.items()):
            changes.conflicts.append(
                f"{label}: your row and the release's share the key (yours kept)"
            )
        return [mine]
    merged, edited = {}, []
    for column in header:
        was, have, now = base.get(column, ""), mine.get(column, ""), theirs.get(column, "")
        merged[column] = now if have == was else have
        if have != was:
            edited.append(column)
            if now not in (was, have):
                changes.conflicts.append(
                    f"{label} {column}: you and the release changed it (yours kept)"
                )
    if edited:
        changes.edited.append(f"{label} ({', '.join(edited)})")
    return [merged]


def _merge_table(
    name: str, key: list[str], base: Table | None, mine: Table, theirs: Table
) -> tuple[Table, TableChanges]:
    changes = TableChanges()
    before = _index(name, base, key) if base is not None else {}
    have, now = _index(name, mine, key), _index(name, theirs, key)
    out = []
    for ident, row in now.items():
        trio = (before.get(ident), have.get(ident), row)
        out += _merge_row("/".join(ident), trio, mine.header, changes)
    for ident, row in have.items():
        if ident in now:
            continue
        old = before.get(ident)
        label = "/".join(ident)
        if old is not None and all(row.get(c, "") == old.get(c, "") for c in mine.header):
            changes.release_removed.append(label)
            continue
        (changes.conflicts if old is not None else changes.added).append(label)
        out.append(row)
    return Table(mine.header, out), changes


def rebase(
    base: Package, mine: Package, theirs: Package, adopted: set[str] = frozenset()
) -> tuple[Package, dict[str, TableChanges]]:
    """``mine`` with every cell it never changed (against ``base``) taken from ``theirs``;
    ``adopted`` names the resources the copy made itself before the model had them (all of
    their rows are the copy's)."""
    tables, changes = dict(mine.tables), {}
    for name, resource in resources_by_name(theirs.descriptor).items():
        key = primary_key(schema_of(resource))
        if name in mine.tables and name in theirs.tables and key:
            before = None if name in adopted else base.tables.get(name)
            tables[name], changes[name] = _merge_table(
                name, key, before, mine.tables[name], theirs.tables[name]
            )
    descriptor = _rebase_metadata(base.descriptor, mine.descriptor, theirs.descriptor)
    return Package(descriptor, tables, mine.unfilled), changes


def _rebase_metadata(
    base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]
) -> dict[str, Any]:
    """Package properties (title, version, homepage...) the copy never changed follow the
    current release; the copy's own values are kept."""
    out = {}
    for key in [*mine, *(k for k in theirs if k not in mine)]:
        if key in ("resources", MODEL_KEY) or mine.get(key) != base.get(key):
            value = mine.get(key)
        else:
            value = theirs.get(key)
        if value is not None:
            out[key] = value
    return out

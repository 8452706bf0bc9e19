"""Checks: the schema layer (types and field constraints, primary and foreign keys)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ...io.constraints import CellFailure, cell_failures, show
from ...io.tableschema import foreign_keys, primary_key
from ...io.vectorised import isin
from ..registry import Check, register

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import pyarrow as pa

    from ...io.context import PackageContext
    from ...io.tableschema import ForeignKey
    from ..report import Finding


def _all_failures(ctx: PackageContext) -> dict[str, list[Finding]]:
    """Type and constraint failures of every resource (computed once per context)."""
    found = {}
    for name in ctx.files:
        raw, typed = ctx.arrow(name), ctx.frame(name)
        if raw is not None and typed is not None:
            found[name] = field_failures(name, ctx.fields(name), raw, typed)
    return found


def schema_failures(ctx: PackageContext) -> dict[str, list[Finding]]:
    """Type and constraint failures of every resource, computed once per context."""
    return ctx.memo(_all_failures)


def field_failures(
    name: str, fields: list[dict[str, Any]], raw: pa.Table | pd.DataFrame, typed: pd.DataFrame
) -> list[Finding]:
    """All type and constraint failures of one resource's frames, as findings of the check of
    each rule (``io.constraints.cell_failures``, which the strict loader reads too)."""
    return [_finding(failure, name) for failure in cell_failures(name, fields, raw, typed)]


def _finding(failure: CellFailure, resource: str) -> Finding:
    return CONSTRAINT_CHECKS[failure.rule].finding(
        failure.message, resource=resource, row=failure.row, field=failure.field
    )


def _constraint_check(check_id: str, description: str) -> Check:
    """A check that reports the failures of one rule, out of the one pass over every cell."""

    def report(ctx: PackageContext) -> Iterator[Finding]:
        for found in schema_failures(ctx).values():
            yield from (f for f in found if f.check == check.id)

    check = register(check_id, "error", description, "schema")(report)
    return check


#: The check that reports each rule of ``io.constraints``.
CONSTRAINT_CHECKS = {
    "type": _constraint_check(
        "schema.type", "every cell converts to its field's type (integer, boolean...)"
    ),
    "required": _constraint_check("schema.required", "required fields have a value in every row"),
    "unique": _constraint_check("schema.unique", "fields declared unique have no repeated value"),
    "enum": _constraint_check(
        "schema.enum", "fields with an enum constraint hold only allowed values"
    ),
    "range": _constraint_check("schema.range", "numbers respect the field's minimum and maximum"),
    "pattern": _constraint_check(
        "schema.pattern",
        "text fields match the field's pattern, run by RE2 in linear time (a pattern RE2 cannot "
        "run is a finding itself)",
    ),
    "length": _constraint_check(
        "schema.length", "text respects the field's minLength and maxLength"
    ),
}


@register(
    "schema.primary_key",
    "error",
    "the primary key (single or composite) is present and unique in every row",
    "schema",
)
def check_primary_key(ctx: PackageContext) -> Iterator[Finding]:
    for name in ctx.files:
        frame = ctx.frame(name)
        keys = primary_key(ctx.schema(name))
        if frame is None or not keys:
            continue
        if any(k not in frame.columns for k in keys):
            continue  # the header check names the missing column
        label = ", ".join(keys)
        part = frame[keys]
        empty = part.isna().any(axis=1)
        for index in part.index[empty]:
            yield check_primary_key.finding(
                f"resource '{name}' row {index + 1}: the primary key ({label}) has an empty "
                "cell; every row needs a complete primary key",
                resource=name,
                row=int(index) + 1,
                field=keys[0],
            )
        complete = part[~empty]
        repeated = complete.duplicated(keep="first")
        if repeated.any():
            first = (
                complete.reset_index(names="_row")
                .groupby(keys, observed=True, sort=False)["_row"]
                .transform("min")
            )
            first.index = complete.index
            for index in complete.index[repeated.to_numpy()]:
                yield check_primary_key.finding(
                    f"resource '{name}' row {index + 1}: primary key ({label}) = "
                    f"{_key_value(complete, index, keys)} repeats row "
                    f"{int(first.loc[index]) + 1}; primary keys must be unique",
                    resource=name,
                    row=int(index) + 1,
                    field=keys[0],
                )


def _key_value(frame: pd.DataFrame, index: Any, columns: list[str]) -> str:
    """A row's key for a message: the value of a one-field key, the tuple of a composite one."""
    value = tuple(frame.loc[index, columns].tolist())
    return show(value if len(value) > 1 else value[0])


def _keys(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """One text key per row (missing when any part is missing), comparable across tables."""
    if len(columns) == 1:
        return frame[columns[0]]  # ``isin`` compares numbers as numbers, anything else as text
    parts = [frame[c].astype("string") for c in columns]
    key = parts[0]
    for part in parts[1:]:
        key = key.str.cat(part, sep="\x1f")
    return key


@register(
    "schema.foreign_key",
    "error",
    "every foreign key resolves to a row of the referenced resource (self-references too)",
    "schema",
)
def check_foreign_key(ctx: PackageContext) -> Iterator[Finding]:
    for name in ctx.files:
        frame = ctx.frame(name)
        if frame is None:
            continue
        # Malformed entries are skipped here: descriptor.metadata reports them.
        for key in foreign_keys(ctx.schema(name), name):
            yield from _dangling(ctx, name, frame, key)


def _dangling(
    ctx: PackageContext, name: str, frame: pd.DataFrame, key: ForeignKey
) -> Iterator[Finding]:
    """The rows of ``frame`` whose foreign ``key`` matches no row of the resource it refers to
    (or one finding when the key itself cannot be resolved)."""
    fields, target = list(key.fields), key.resource
    label = f"{target}.{', '.join(key.reference_fields)}"
    if target not in ctx.files:
        yield check_foreign_key.finding(
            f"resource '{name}': foreign key ({', '.join(fields)}) refers to resource "
            f"'{target}', which the package does not have; add it or fix the reference",
            resource=name,
            field=fields[0] if fields else None,
        )
        return
    parent = ctx.frame(target)
    if parent is None:
        return  # unreadable: reported by the table layer
    absent = [f for f in fields if f not in frame.columns] + [
        f for f in key.reference_fields if f not in parent.columns
    ]
    if absent or len(fields) != len(key.reference_fields) or not fields:
        yield check_foreign_key.finding(
            f"resource '{name}': foreign key ({', '.join(fields)}) -> {label} names "
            f"columns that do not exist or do not pair up ({', '.join(absent) or 'count'}"
            "); fix the foreignKeys of the Table Schema",
            resource=name,
            field=fields[0] if fields else None,
        )
        return
    child = _keys(frame, fields)
    known = _keys(parent, list(key.reference_fields)).dropna()
    dangling = child.notna().to_numpy() & ~isin(child, known)
    for index in child.index[dangling]:
        yield check_foreign_key.finding(
            f"resource '{name}' row {index + 1} field '{fields[0]}': "
            f"{_key_value(frame, index, fields)} matches no row of {label}; "
            f"add the referenced row to '{target}' or correct the value",
            resource=name,
            row=int(index) + 1,
            field=fields[0],
        )

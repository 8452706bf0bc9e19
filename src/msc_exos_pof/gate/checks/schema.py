"""Checks: the schema layer (types and field constraints, primary and foreign keys)."""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ...io.tableschema import key_fields
from ..registry import get, register
from ..vectorised import isin, repeated

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

    from ...io.context import PackageContext
    from ..report import Finding

_TYPED_KINDS = {"integer", "number", "boolean", "year"}
_FAILURES: weakref.WeakKeyDictionary[Any, dict[str, list[Finding]]] = weakref.WeakKeyDictionary()


def _show(value: Any) -> str:
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # np.int64(1) -> 1: show the value, not numpy's repr
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _constraint_text(check_id: str, field: dict[str, Any]) -> str:
    """What the Table Schema expects, for the message."""
    c = field.get("constraints") or {}
    if check_id == "schema.enum":
        return "one of " + ", ".join(map(str, c.get("enum", [])))
    if check_id == "schema.range":
        bounds = [
            f">= {c['minimum']}" if "minimum" in c else "",
            f"<= {c['maximum']}" if "maximum" in c else "",
        ]
        return "a value " + " and ".join(b for b in bounds if b)
    if check_id == "schema.pattern":
        return f"text matching the pattern {c.get('pattern')}"
    if check_id == "schema.length":
        bounds = [
            f"at least {c['minLength']}" if "minLength" in c else "",
            f"at most {c['maxLength']}" if "maxLength" in c else "",
        ]
        return "text of " + " and ".join(b for b in bounds if b) + " characters"
    if check_id == "schema.unique":
        return "a value that no other row has (the field is unique)"
    return "a value (the field is required)"


def _type_failures(
    name: str, raw: pd.DataFrame, typed: pd.DataFrame, fields: list[dict[str, Any]]
) -> list[Finding]:
    """Cells written but lost in conversion: ``typed_frame`` turns them into missing values."""
    check = get("schema.type")
    out = []
    for field in fields:
        column = field.get("name")
        kind = field.get("type", "string")
        if kind not in _TYPED_KINDS or column not in raw.columns:
            continue
        bad = raw[column].ne("") & typed[column].isna()
        for index, value in raw.loc[bad, column].items():
            out.append(
                check.finding(
                    f"resource '{name}' row {index + 1} field '{column}': {_show(value)} is not a "
                    f"valid {kind}; write a {kind} or leave the cell empty if the field is "
                    "optional",
                    resource=name,
                    row=int(index) + 1,
                    field=column,
                )
            )
    return out


def _number(value: Any) -> bool:
    """A JSON number as a constraint bound (``true`` is not one, though Python says so)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _violations(
    field: dict[str, Any], raw: pd.Series, typed: pd.Series
) -> Iterator[tuple[str, np.ndarray, pd.Series]]:
    """(check id, rows that break it, the values to show) for each constraint of one field.

    The rules are pandera's reading of Table Schema constraints (``FrictionlessFieldParser``:
    ``required`` -> not nullable, ``enum`` -> isin, ``minimum``/``maximum`` -> in range,
    ``pattern`` -> a full match, ``minLength``/``maxLength`` -> text length, ``unique`` -> no
    repeats), run as Arrow kernels: one vectorised pass per constraint, no pandas fallback
    loops and no pandera import on the gate's path. ``tests/test_schema_checks.py`` proves both
    engines flag the same cells. Empty cells only break ``required``; a malformed constraint
    is skipped here and reported by ``descriptor.metadata``.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    from ...io.convert import arrow_column

    c = field.get("constraints") if isinstance(field.get("constraints"), dict) else {}
    kind = field.get("type", "string")
    textual = kind == "string"
    text = arrow_column(raw) if textual else None
    # A text cell is present when written (a value outside an enum is an enum failure, not a
    # missing one); a typed cell when it converted (unreadable cells are schema.type's).
    present = (
        pc.is_valid(text).to_numpy(zero_copy_only=False) if textual else typed.notna().to_numpy()
    )
    if c.get("required") is True:
        yield "schema.required", ~present, raw
    enum = c.get("enum")
    if isinstance(enum, list) and enum:
        if textual:
            allowed = pa.array([str(v) for v in enum], pa.large_string())
            inside = pc.or_(pc.is_null(text), pc.is_in(text, value_set=allowed))
            yield "schema.enum", ~inside.to_numpy(zero_copy_only=False), raw
        else:
            yield "schema.enum", present & ~typed.isin(enum).to_numpy(dtype=bool), typed
    low, high = c.get("minimum"), c.get("maximum")
    numeric = kind in ("integer", "number", "year")
    if numeric and (_number(low) or _number(high)):
        values = typed.astype("Float64")
        outside = pd.Series(False, index=typed.index)
        if _number(low):
            outside |= (values < low).fillna(False)
        if _number(high):
            outside |= (values > high).fillna(False)
        yield "schema.range", outside.to_numpy(dtype=bool), typed
    pattern = c.get("pattern")
    if textual and isinstance(pattern, str):
        # RE2 (Arrow's engine) runs in linear time; Python's re could backtrack for ever on a
        # hostile pattern, so a pattern RE2 cannot run is a finding (see ``pattern_problem``),
        # never a fallback.
        if pattern_problem(pattern) is None:
            matches = pc.match_substring_regex(text, f"^(?:{pattern})$")
            yield "schema.pattern", ~pc.fill_null(matches, True).to_numpy(zero_copy_only=False), raw
    shortest, longest = c.get("minLength"), c.get("maxLength")
    if textual and (_number(shortest) or _number(longest)):
        length = pc.utf8_length(text)
        wrong = pa.scalar(False)
        if _number(shortest):
            wrong = pc.or_(wrong, pc.less(length, shortest))
        if _number(longest):
            wrong = pc.or_(wrong, pc.greater(length, longest))
        yield "schema.length", pc.fill_null(wrong, False).to_numpy(zero_copy_only=False), raw
    if c.get("unique") is True:
        # Text compares as written (two cells outside an enum still repeat each other); one
        # Arrow hash per column, where pandas' is_unique costs ~1 s per million cells.
        values = (
            pd.Series(text, index=raw.index, dtype=pd.StringDtype("pyarrow")) if textual else typed
        )
        yield "schema.unique", repeated(values), values


def pattern_problem(pattern: str) -> str | None:
    """Why RE2 cannot run ``pattern`` (its syntax error, or a look-around or back-reference it
    does not support), or ``None`` when it can."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        pc.match_substring_regex(pa.array([""], pa.large_string()), f"^(?:{pattern})$")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
        text = str(error).strip().splitlines()[0] if str(error).strip() else "invalid pattern"
        return text.removeprefix("Invalid regular expression: ")
    return None


def _pattern_findings(name: str, fields: list[dict[str, Any]]) -> list[Finding]:
    """A pattern that cannot be run disables no rule silently: it is a finding of its own."""
    out = []
    for field in fields:
        c = field.get("constraints") if isinstance(field.get("constraints"), dict) else {}
        pattern = c.get("pattern")
        if field.get("type", "string") != "string" or not isinstance(pattern, str):
            continue
        problem = pattern_problem(pattern)
        if problem is not None:
            out.append(
                get("schema.pattern").finding(
                    f"resource '{name}' field '{field.get('name')}': the pattern {_show(pattern)} "
                    f"cannot be checked ({problem}), so no cell is checked against it; rewrite "
                    "it for a linear-time engine (RE2: no look-arounds or back-references)",
                    resource=name,
                    field=str(field.get("name")),
                )
            )
    return out


def _resource_failures(ctx: PackageContext, name: str) -> list[Finding]:
    raw, typed = ctx.raw(name), ctx.frame(name)
    if raw is None or typed is None:
        return []
    return field_failures(name, ctx.fields(name), raw, typed)


def field_failures(
    name: str, fields: list[dict[str, Any]], raw: pd.DataFrame, typed: pd.DataFrame
) -> list[Finding]:
    """All type and constraint failures of one resource's frames (every failure, not the
    first): ``raw`` as read (text), ``typed`` as ``typed_frame`` made it."""
    found = _type_failures(name, raw, typed, fields) + _pattern_findings(name, fields)
    lost = {(f.row, f.field) for f in found}
    for field in fields:
        column = field.get("name")
        if column not in raw.columns or column not in typed.columns:
            continue
        for check_id, bad, shown in _violations(field, raw[column], typed[column]):
            expected = _constraint_text(check_id, field)
            for index in raw.index[bad]:
                row = int(index) + 1
                if check_id == "schema.required" and (row, column) in lost:
                    continue  # already a schema.type finding: written but unreadable
                value = "an empty cell" if check_id == "schema.required" else _show(shown[index])
                found.append(
                    get(check_id).finding(
                        f"resource '{name}' row {row} field '{column}': {value} where the Table "
                        f"Schema expects {expected}; correct the cell (or the schema in "
                        "datapackage.json)",
                        resource=name,
                        row=row,
                        field=str(column),
                    )
                )
    return found


def schema_failures(ctx: PackageContext) -> dict[str, list[Finding]]:
    """Type and constraint failures of every resource, computed once per context."""
    cache = _FAILURES.get(ctx)
    if cache is None:
        cache = {name: _resource_failures(ctx, name) for name in ctx.files}
        _FAILURES[ctx] = cache
    return cache


def _failures(ctx: PackageContext, check_id: str) -> Iterator[Finding]:
    for found in schema_failures(ctx).values():
        yield from (f for f in found if f.check == check_id)


def _register_constraint(check_id: str, description: str) -> None:
    register(check_id, "error", description, "schema")(lambda ctx: _failures(ctx, check_id))


_register_constraint("schema.type", "every cell converts to its field's type (integer, boolean...)")
_register_constraint("schema.required", "required fields have a value in every row")
_register_constraint("schema.unique", "fields declared unique have no repeated value")
_register_constraint("schema.enum", "fields with an enum constraint hold only allowed values")
_register_constraint("schema.range", "numbers respect the field's minimum and maximum")
_register_constraint(
    "schema.pattern",
    "text fields match the field's pattern, run by RE2 in linear time (a pattern RE2 cannot run "
    "is a finding itself)",
)
_register_constraint("schema.length", "text respects the field's minLength and maxLength")


@register(
    "schema.primary_key",
    "error",
    "the primary key (single or composite) is present and unique in every row",
    "schema",
)
def check_primary_key(ctx: PackageContext) -> Iterator[Finding]:
    from ...schemas import primary_key

    check = get("schema.primary_key")
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
            yield check.finding(
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
                value = tuple(complete.loc[index].tolist())
                yield check.finding(
                    f"resource '{name}' row {index + 1}: primary key ({label}) = "
                    f"{_show(value if len(value) > 1 else value[0])} repeats row "
                    f"{int(first.loc[index]) + 1}; primary keys must be unique",
                    resource=name,
                    row=int(index) + 1,
                    field=keys[0],
                )


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
    check = get("schema.foreign_key")
    for name in ctx.files:
        foreign_keys = ctx.schema(name).get("foreignKeys") or []
        frame = ctx.frame(name)
        if frame is None:
            continue
        for fk in foreign_keys:
            if not isinstance(fk, dict) or not isinstance(fk.get("reference"), dict):
                continue  # malformed: reported by descriptor.metadata
            fields = key_fields(fk.get("fields"))
            target = fk["reference"].get("resource") or name  # "" is a self-reference
            target_fields = key_fields(fk["reference"].get("fields"))
            label = f"{target}.{', '.join(target_fields)}"
            if target not in ctx.files:
                yield check.finding(
                    f"resource '{name}': foreign key ({', '.join(fields)}) refers to resource "
                    f"'{target}', which the package does not have; add it or fix the reference",
                    resource=name,
                    field=fields[0] if fields else None,
                )
                continue
            parent = ctx.frame(target)
            if parent is None:
                continue  # unreadable: reported by the table layer
            absent = [f for f in fields if f not in frame.columns] + [
                f for f in target_fields if f not in parent.columns
            ]
            if absent or len(fields) != len(target_fields) or not fields:
                yield check.finding(
                    f"resource '{name}': foreign key ({', '.join(fields)}) -> {label} names "
                    f"columns that do not exist or do not pair up ({', '.join(absent) or 'count'}"
                    "); fix the foreignKeys of the Table Schema",
                    resource=name,
                    field=fields[0] if fields else None,
                )
                continue
            child = _keys(frame, fields)
            known = _keys(parent, target_fields).dropna()
            dangling = child.notna().to_numpy() & ~isin(child, known)
            for index in child.index[dangling]:
                value = tuple(frame.loc[index, fields].tolist())
                yield check.finding(
                    f"resource '{name}' row {index + 1} field '{fields[0]}': "
                    f"{_show(value if len(value) > 1 else value[0])} matches no row of {label}; "
                    f"add the referenced row to '{target}' or correct the value",
                    resource=name,
                    row=int(index) + 1,
                    field=fields[0],
                )

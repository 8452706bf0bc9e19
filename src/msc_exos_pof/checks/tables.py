"""Checks: the table layer (each file exists, is UTF-8, parses as CSV and fits its header)."""

from __future__ import annotations

import csv
import io
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import get, register

if TYPE_CHECKING:  # pragma: no cover
    from ..context import PackageContext
    from ..report import Finding


#: Resources whose empty table is legitimate data: a review without contradictions has no errata.
MAY_BE_EMPTY = frozenset({"errata"})

#: At most this many rows are listed per resource and problem; the rest are counted.
MAX_ROWS = 20


@dataclass
class Structure:
    """What a byte-level scan of a CSV file found (quotes, record and field counts)."""

    header: list[str] = field(default_factory=list)
    problems: list[tuple[int | None, str]] = field(default_factory=list)

    @property
    def broken(self) -> bool:
        return bool(self.problems)


_SCANS: weakref.WeakKeyDictionary[Any, dict[str, Structure | None]] = weakref.WeakKeyDictionary()


def _rows_text(rows: Any) -> str:
    listed = ", ".join(str(int(r)) for r in rows[:MAX_ROWS])
    more = len(rows) - MAX_ROWS
    return listed + (f" and {more} more" if more > 0 else "")


def scan(data: bytes) -> Structure:
    """Scan CSV bytes for what pandas' parser may silently absorb, vectorised with numpy.

    RFC 4180 quotes come in pairs (``""`` escapes one), so a running count of quote bytes tells
    which newlines and commas lie outside quoted fields: those end records and separate fields.
    An odd total is an unclosed quote; a record with another number of fields than the header
    is ragged (pandas pads short rows and may turn a long first row into an index).
    """
    import numpy as np

    out = Structure()
    if not data:
        return out
    arr = np.frombuffer(data, dtype=np.uint8)
    inside = (np.cumsum(arr == ord('"')) & 1).astype(bool)
    ends = (arr == ord("\n")) & ~inside
    commas = (arr == ord(",")) & ~inside
    end_positions = np.flatnonzero(ends)
    first = data[: end_positions[0]] if len(end_positions) else data
    out.header = next(csv.reader(io.StringIO(first.decode("utf-8", "replace").rstrip("\r"))), [])
    if inside[-1]:
        out.problems.append((
            len(end_positions),
            f"row {len(end_positions)} opens a quoted field that is never closed (the quote "
            "runs to the end of the file); close the quote or escape it as \"\"",
        ))
    # Record number of every byte: how many record ends come strictly before it.
    record = np.cumsum(ends) - ends
    trailing = len(end_positions) == 0 or end_positions[-1] != len(arr) - 1
    count = len(end_positions) + int(trailing)
    fields = np.bincount(record[commas], minlength=count)[:count] + 1
    starts = np.concatenate(([0], end_positions + 1))[:count]
    stops = np.concatenate((end_positions, [len(arr)]))[:count]
    lengths = stops - starts
    # A record of nothing (or only "\r") is a blank line, which pandas skips without a word.
    last_byte = arr[np.maximum(stops - 1, 0)]
    blank = (lengths == 0) | ((lengths == 1) & (last_byte == ord("\r")))
    blank_rows = np.flatnonzero(blank[1:]) + 1
    if len(blank_rows):
        out.problems.append((int(blank_rows[0]), f"row(s) {_rows_text(blank_rows)} are blank; "
                             "remove blank lines (they shift every later row number)"))
    expected = int(fields[0])
    ragged = np.flatnonzero((fields != expected) & ~blank)
    ragged = ragged[ragged > 0]
    if inside[-1]:
        ragged = ragged[ragged < len(end_positions)]  # the unclosed record is reported above
    if len(ragged):
        shown = "; ".join(f"row {int(r)} has {int(fields[r])}" for r in ragged[:MAX_ROWS])
        more = len(ragged) - MAX_ROWS
        out.problems.append((int(ragged[0]), (
            f"rows do not have {expected} fields like the header: {shown}"
            + (f" (and {more} more rows)" if more > 0 else "")
            + "; quote cells that contain commas and give every row one cell per column")))
    return out


def structure(ctx: PackageContext, name: str) -> Structure | None:
    """The scan of resource ``name`` (``None`` when its file cannot be read), once per context."""
    cache = _SCANS.setdefault(ctx, {})
    if name not in cache:
        try:
            data = ctx.files[name].file.read_bytes()
            data.decode("utf-8")
        except (OSError, UnicodeDecodeError, KeyError):
            cache[name] = None
        else:
            cache[name] = scan(data)
    return cache[name]


def usable(ctx: PackageContext, name: str) -> bool:
    """Whether later layers can trust resource ``name``'s frame (it parsed without problems)."""
    if ctx.raw(name) is None:
        return False
    found = structure(ctx, name)
    return found is not None and not found.broken


def _loader_errors(ctx: PackageContext, check_id: str) -> Iterator[Finding]:
    """The loader's ``TableError``s of one kind, as findings."""
    check = get(check_id)
    for name in ctx.files:
        ctx.raw(name)  # reading records any TableError in ctx.table_errors
        error = ctx.table_errors.get(name)
        if error is None or error.check != check_id:
            continue
        message = error.message
        if check_id == "table.missing_file":
            message += f" (looked for {ctx.files[name].file}); restore it or fix its path"
        yield check.finding(message, resource=name, row=error.row, field=error.field)


@register("table.missing_file", "error", "each resource's file exists", "table")
def check_missing_file(ctx: PackageContext) -> Iterator[Finding]:
    return _loader_errors(ctx, "table.missing_file")


@register("table.encoding", "error", "each resource's file is UTF-8", "table")
def check_encoding(ctx: PackageContext) -> Iterator[Finding]:
    return _loader_errors(ctx, "table.encoding")


@register("table.parse", "error",
          "each resource's file parses as CSV: quotes closed, no blank or ragged rows", "table")
def check_parse(ctx: PackageContext) -> Iterator[Finding]:
    check = get("table.parse")
    for name in ctx.files:
        ctx.raw(name)
        error = ctx.table_errors.get(name)
        if error is not None and error.check != "table.parse":
            continue  # missing or not UTF-8: reported by its own check
        found = structure(ctx, name)
        if found is not None and found.problems:
            # The scan names exact data rows; pandas' messages count physical lines.
            for row, problem in found.problems:
                yield check.finding(f"resource '{name}': {problem}", resource=name, row=row)
        elif error is not None:
            yield check.finding(error.message, resource=name, row=error.row, field=error.field)


@register("table.header", "error",
          "each CSV header names the Table Schema's fields, once each and in order", "table")
def check_header(ctx: PackageContext) -> Iterator[Finding]:
    check = get("table.header")
    for name in ctx.files:
        found = structure(ctx, name)
        if found is None or ctx.raw(name) is None:
            continue
        header = found.header
        expected = [f.get("name") for f in ctx.fields(name)]
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        for column in sorted({c for c in header if header.count(c) > 1}):
            yield check.finding(
                f"resource '{name}': column '{column}' appears {header.count(column)} times in "
                "the header; give every column a unique name", resource=name, row=0, field=column)
        for column in missing:
            position = expected.index(column)
            instead = header[position] if position < len(header) else None
            hint = (f"; the header has '{instead}' in its place: was it renamed?"
                    if instead in extra else "")
            yield check.finding(
                f"resource '{name}': column '{column}' of the Table Schema is missing from the "
                f"CSV header{hint}; add the column or fix the header", resource=name, row=0,
                field=column)
        for column in extra:
            yield check.finding(
                f"resource '{name}': column '{column}' is in the CSV header but not in the Table "
                "Schema; declare it in datapackage.json or remove it", resource=name, row=0,
                field=column)
        if not missing and not extra and header != expected and len(header) == len(expected):
            yield check.finding(
                f"resource '{name}': the header's columns are in another order than the Table "
                f"Schema's fields (expected {', '.join(expected)}); reorder the columns",
                resource=name, row=0)


@register("table.empty", "error", "each resource has at least one data row", "table")
def check_empty(ctx: PackageContext) -> Iterator[Finding]:
    check = get("table.empty")
    for name in ctx.files:
        raw = ctx.raw(name)
        if raw is not None and len(raw) == 0 and name not in MAY_BE_EMPTY:
            yield check.finding(
                f"resource '{name}': {ctx.files[name].descriptor.get('path')} has a header but "
                "no data rows; restore its rows", resource=name)

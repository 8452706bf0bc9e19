"""Checks: the table layer (each file exists, is UTF-8, parses as CSV and fits its header)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...io.table import DIALECT, MISSING_FILE, NOT_UTF8, UNPARSABLE, CsvStructure
from ..registry import Check, register

if TYPE_CHECKING:  # pragma: no cover
    from ...io.context import PackageContext
    from ..report import Finding


#: Resources whose empty table is legitimate data: a review without contradictions has no errata.
MAY_BE_EMPTY = frozenset({"errata"})


def structure(ctx: PackageContext, name: str) -> CsvStructure | None:
    """The byte-level scan of resource ``name`` (``None`` when its file cannot be read)."""
    ctx.arrow(name)
    return ctx.structures.get(name)


def _loader_errors(ctx: PackageContext, check: Check) -> Iterator[Finding]:
    """The loader's ``TableError``s of one kind, as findings."""
    for name in ctx.files:
        ctx.arrow(name)  # reading records any TableError in ctx.table_errors
        error = ctx.table_errors.get(name)
        if error is None or error.check != check.id:
            continue
        message = error.message
        if check is check_missing_file:
            message += f" (looked for {ctx.files[name].file}); restore it or fix its path"
        yield check.finding(message, resource=name, row=error.row, field=error.field)


@register(MISSING_FILE, "error", "each resource's file exists and is a regular file", "table")
def check_missing_file(ctx: PackageContext) -> Iterator[Finding]:
    return _loader_errors(ctx, check_missing_file)


@register(
    DIALECT,
    "error",
    "each resource is in the default CSV dialect (comma, double quotes, a header row): a "
    "resource that declares another one is refused, never read as commas",
    "table",
)
def check_dialect(ctx: PackageContext) -> Iterator[Finding]:
    from dataclasses import replace

    positions = {r.get("name"): i for i, r in enumerate(ctx.descriptor["resources"])}
    for found in _loader_errors(ctx, check_dialect):
        # The problem is the descriptor's dialect, not a line of the file.
        yield replace(found, pointer=f"/resources/{positions[found.resource]}/dialect")


@register(NOT_UTF8, "error", "each resource's file is UTF-8", "table")
def check_encoding(ctx: PackageContext) -> Iterator[Finding]:
    return _loader_errors(ctx, check_encoding)


@register(
    UNPARSABLE,
    "error",
    "each resource's file parses as CSV: quotes closed, no blank or ragged rows",
    "table",
)
def check_parse(ctx: PackageContext) -> Iterator[Finding]:
    for name in ctx.files:
        ctx.arrow(name)
        error = ctx.table_errors.get(name)
        if error is not None and error.check != check_parse.id:
            continue  # missing or not UTF-8: reported by its own check
        found = structure(ctx, name)
        if found is not None and found.problems:
            # The scan names exact data rows; pandas' messages count physical lines.
            for row, problem in found.problems:
                yield check_parse.finding(f"resource '{name}': {problem}", resource=name, row=row)
        elif error is not None:
            yield check_parse.finding(
                error.message, resource=name, row=error.row, field=error.field
            )


def repeated_names(header: list[str]) -> dict[str, int]:
    """Column names that appear more than once, with how often (one pass)."""
    from collections import Counter

    return {name: times for name, times in Counter(header).items() if times > 1}


@register(
    "table.header",
    "error",
    "each CSV header names the Table Schema's fields, once each and in order",
    "table",
)
def check_header(ctx: PackageContext) -> Iterator[Finding]:
    for name in ctx.files:
        found = structure(ctx, name)
        if found is None or ctx.arrow(name) is None:
            continue
        header = found.header
        expected = [f.get("name") for f in ctx.fields(name)]
        # Sets and one count: linear in columns (a header may have thousands).
        in_header, in_schema = set(header), set(expected)
        missing = [c for c in expected if c not in in_header]
        extra = [c for c in header if c not in in_schema]
        for column, times in sorted(repeated_names(header).items()):
            yield check_header.finding(
                f"resource '{name}': column '{column}' appears {times} times in "
                "the header; give every column a unique name",
                resource=name,
                row=0,
                field=column,
            )
        positions = {c: i for i, c in reversed(list(enumerate(expected)))}
        extra_set = set(extra)
        for column in missing:
            position = positions[column]
            instead = header[position] if position < len(header) else None
            hint = (
                f"; the header has '{instead}' in its place: was it renamed?"
                if instead in extra_set
                else ""
            )
            yield check_header.finding(
                f"resource '{name}': column '{column}' of the Table Schema is missing from the "
                f"CSV header{hint}; add the column or fix the header",
                resource=name,
                row=0,
                field=column,
            )
        for column in extra:
            yield check_header.finding(
                f"resource '{name}': column '{column}' is in the CSV header but not in the Table "
                "Schema; declare it in datapackage.json or remove it",
                resource=name,
                row=0,
                field=column,
            )
        if not missing and not extra and header != expected and len(header) == len(expected):
            yield check_header.finding(
                f"resource '{name}': the header's columns are in another order than the Table "
                f"Schema's fields (expected {', '.join(expected)}); reorder the columns",
                resource=name,
                row=0,
            )


@register("table.empty", "error", "each resource has at least one data row", "table")
def check_empty(ctx: PackageContext) -> Iterator[Finding]:
    for name in ctx.files:
        table = ctx.arrow(name)
        if table is not None and table.num_rows == 0 and name not in MAY_BE_EMPTY:
            yield check_empty.finding(
                f"resource '{name}': {ctx.files[name].descriptor.get('path')} has a header but "
                "no data rows; restore its rows",
                resource=name,
            )

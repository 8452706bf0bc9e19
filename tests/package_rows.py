"""Rows of a package copy as CSV dicts, for tests that break the data in one precise way:
read them, write them back (bytes and hashes refreshed, so only the intended check fires),
or edit them in place."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from msc_exos_pof.release.hashes import rehash


def read_rows(folder: Path, resource: str) -> list[dict[str, str]]:
    with open(folder / "data" / f"{resource}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_rows(
    folder: Path,
    resource: str,
    rows: list[dict[str, str]],
    fieldnames: list[str] | None = None,
    update_hash: bool = True,
) -> None:
    """Write rows back as CSV; refresh bytes/hash (default) so only the intended check fires."""
    fieldnames = fieldnames or (list(rows[0]) if rows else read_header(folder, resource))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (folder / "data" / f"{resource}.csv").write_text(buffer.getvalue(), encoding="utf-8")
    if update_hash:
        rehash(folder)


def read_header(folder: Path, resource: str) -> list[str]:
    with open(folder / "data" / f"{resource}.csv", encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


def edit_rows(
    folder: Path,
    resource: str,
    change: Callable[[list[dict[str, str]]], list[dict[str, str]] | None],
) -> None:
    """Apply ``change`` to the resource's rows (in place or by returning new rows) and save."""
    rows = read_rows(folder, resource)
    header = read_header(folder, resource)
    result = change(rows)
    write_rows(folder, resource, rows if result is None else result, header)

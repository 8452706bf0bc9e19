"""Removing a study in a living copy: a later search round takes it out of the review.

A removed study keeps its ``studies`` row (and every row that names it): ``remove_study`` fills
the row's ``removed_round``, ``removal_reason`` and ``removal_note``, changes nothing else of
the file (other rows keep their bytes) and refreshes the hashes. ``load("studies")``, the views,
the figures and the summary then leave the study out; the round's PRISMA ``total_studies`` must
count one study fewer, which the gate says if it does not.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import PackageError
from ..io.included import REMOVAL_FIELDS


@dataclass(frozen=True)
class RemovedStudy:
    """The removal ``remove_study`` recorded."""

    study_id: str
    round: int
    reason: str
    file: Path


def remove_study(
    path: str | os.PathLike[str],
    study_id: str,
    reason: str,
    note: str,
    *,
    round: int | None = None,
) -> RemovedStudy:
    """Record that search round ``round`` (default: the last round) removed ``study_id`` from
    the copy at ``path``, with ``reason`` (a ``removal_reason`` code) and ``note`` (what
    happened, with its source).

    Raises ``ValueError`` for an unknown study or reason, an empty note, a round that is not
    later than the one that included the study, or a study already removed;
    ``PackageError`` if the package cannot be read or its studies have no removal fields (a copy
    of an older data model: ``msc-exos-pof upgrade`` it); ``OutputInsidePackageError`` for the
    shipped package.
    """
    from ..io.descriptor import RESOURCES, read_descriptor, resource_files
    from ..io.files import MAX_TABLE_BYTES, read_regular
    from ..io.tableschema import resource_enum
    from .hashes import refuse_linked_descriptor
    from .rounds import _editable_descriptor, _rehashed_or_refused, _rounds_rows, replace_table

    file = _editable_descriptor(path)
    refuse_linked_descriptor(file, "round remove")
    files = resource_files(path)
    items = {item.name: item for item in files}
    if "studies" not in items or "search_rounds" not in items:
        raise PackageError(
            RESOURCES, f"{file}: the package has no studies or no search_rounds resource"
        )
    reasons = resource_enum(read_descriptor(path), "studies", "removal_reason")
    if reason not in reasons:
        raise ValueError(f"--reason {reason!r} is not one of {', '.join(reasons)}")
    if not note.strip():
        raise ValueError("--note is empty: say what happened, with its source")
    table = items["studies"].file
    text = read_regular(table, MAX_TABLE_BYTES, "file").decode("utf-8")
    records = _records(text.removeprefix("\ufeff"))  # a BOM stays in the written header line
    header = records[0][0] if records else []
    if not set(REMOVAL_FIELDS) <= set(header) or "study_id" not in header:
        raise PackageError(
            RESOURCES,
            f"{table}: studies has no {', '.join(REMOVAL_FIELDS)} columns (a copy made with an "
            "older data model); run `msc-exos-pof upgrade` on the copy first",
        )
    found = [r for r in records[1:] if _cell(r[0], header, "study_id") == study_id]
    if not found:
        raise ValueError(f"STUDY_ID {study_id!r} is not a study of {table}")
    values, start, end = found[0]
    if _cell(values, header, "removed_round"):
        raise ValueError(
            f"STUDY_ID {study_id!r} is already removed (round "
            f"{_cell(values, header, 'removed_round')})"
        )
    rounds = sorted(int(r["round"]) for r in _rounds_rows(items["search_rounds"])[0])
    number = round if round is not None else max(rounds, default=1)
    if number not in rounds:
        raise ValueError(
            f"--round {number} is not a round of search_rounds ({', '.join(map(str, rounds))}); "
            "open it first (msc-exos-pof round add)"
        )
    included = int(_cell(values, header, "round") or 1) if "round" in header else 1
    if number <= included:
        raise ValueError(
            f"--round {number} is not later than round {included}, which included "
            f"{study_id}; open the round first (msc-exos-pof round add)"
        )
    row = list(values) + [""] * (len(header) - len(values))
    for name, value in zip(REMOVAL_FIELDS, (str(number), reason, note.strip()), strict=True):
        row[header.index(name)] = value
    lines = text.splitlines(keepends=True)
    ending = "\r\n" if lines[end - 1].endswith("\r\n") else "\n"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=ending).writerow(row)
    after = "".join(lines[:start]) + buffer.getvalue() + "".join(lines[end:])
    descriptor = _rehashed_or_refused(path, "removing a study")
    position = next(i for i, item in enumerate(files) if item.name == "studies")
    replace_table(file, descriptor, position, table, text, after)
    return RemovedStudy(study_id, number, reason, table)


def _records(text: str) -> list[tuple[list[str], int, int]]:
    """Each CSV record with the span of physical lines it takes: (cells, first, end)."""
    reader = csv.reader(text.splitlines(keepends=True))
    out = []
    start = 0
    for cells in reader:  # line_num: the physical lines read so far
        out.append((cells, start, reader.line_num))
        start = reader.line_num
    return out


def _cell(values: list[str], header: list[str], name: str) -> str:
    index = header.index(name)
    return values[index] if index < len(values) else ""

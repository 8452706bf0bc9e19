"""Opening a new search round in a living copy: the maintainer's first step of an update.

``add_round`` appends one row to ``search_rounds`` (the date of the update search, declared by
the maintainer), gives the package the next minor version (new studies are a minor change) and
refreshes the bytes and hashes. It adds no counts: the gate's ``rounds.*`` findings then say
exactly what the round still needs (its databases, its PRISMA flow, its studies).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import OutputInsidePackageError, PackageError
from .versions import is_version, next_version, parse

_DATE = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?$")


@dataclass(frozen=True)
class OpenedRound:
    """The round ``add_round`` opened."""

    round: int
    searched: str
    version: str
    descriptor: Path


def _date_key(text: str) -> tuple[int, ...]:
    parts = [int(p) for p in text.split("-")]
    return tuple(parts + [0] * (3 - len(parts)))


def next_minor(version: str | None) -> str:
    """'0.1.0' -> '0.2.0', '1.0.0.dev0' -> '1.1.0' (anything else gives '0.1.0')."""
    return next_version(version, "minor") if is_version(version) else "0.1.0"


def add_round(
    path: str | os.PathLike[str],
    searched: str,
    *,
    version: str | None = None,
    changes: str = "",
) -> OpenedRound:
    """Open search round N+1 in the package at ``path`` (a copy, never the shipped package).

    ``searched`` is the date of the update search (``YYYY-MM`` or ``YYYY-MM-DD``), later than
    the last round's; ``version`` defaults to the next minor version of the package. All or
    nothing: the table and the descriptor (version, bytes and hashes) are made and checked
    before either is written. Raises ``ValueError`` for a bad date or version,
    ``PackageError`` if the package cannot be read or has no ``search_rounds`` resource,
    ``TableError`` for a ``search_rounds`` that is not a readable table of whole rounds,
    ``OSError`` when a resource file cannot be hashed, ``OutputRefusedError`` for the shipped
    package (``OutputInsidePackageError``) or a descriptor that is a link.

    >>> import tempfile, msc_exos_pof
    >>> copy = msc_exos_pof.export("csv", tempfile.mkdtemp() + "/copy")
    >>> add_round(copy, "2026-05").round
    2
    """
    from .hashes import refuse_linked_descriptor

    _check_options(searched, version)
    file = _editable_descriptor(path)
    refuse_linked_descriptor(file, "round add")
    position, item = _rounds_resource(path, file)
    rows, text = _rounds_rows(item)
    number = _next_round(rows, searched)
    # Everything is made and checked before the first byte is written: the new table, then the
    # descriptor with its version and every resource's bytes and hash (a resource file that
    # cannot be hashed stops here, with nothing written).
    descriptor = _rehashed_or_refused(path, "adding a round")
    version = version or next_minor(descriptor.get("version"))
    values = {
        "round": str(number),
        "searched": searched,
        "basis": "declared",
        "version": version,
        "changes": changes,
    }
    descriptor["version"] = version
    replace_table(file, descriptor, position, item.file, text, _appended(text, values))
    return OpenedRound(number, searched, version, file)


def replace_table(
    file: Path, descriptor: dict[str, Any], position: int, table: Path, before: str, after: str
) -> None:
    """Write resource ``position``'s file ``table`` (``before`` -> ``after``), then
    ``descriptor`` (every other resource's hash already made true) with that file's bytes and
    hash: all or nothing, a reader sees the old package or the new."""
    from ..io.atomic import write_bytes_atomic, write_json_atomic

    data = after.encode("utf-8")
    resource = descriptor["resources"][position]
    resource["bytes"], resource["hash"] = len(data), f"sha256:{hashlib.sha256(data).hexdigest()}"
    write_bytes_atomic(table, data)
    try:
        write_json_atomic(file, descriptor)  # last: a reader sees the old package or the new
    except BaseException:
        write_bytes_atomic(table, before.encode("utf-8"))  # the table as it was
        raise


def _rehashed_or_refused(path: str | os.PathLike[str], doing: str) -> dict[str, Any]:
    """The descriptor with every resource's hash made true, before anything is written;
    ``TableError`` naming the first resource whose file cannot be read."""
    from ..errors import TableError
    from ..io.table import MISSING_FILE
    from .hashes import hash_states, rehashed

    states = hash_states(path)  # every file hashed once
    for state in states:
        if state.error is not None:
            raise TableError(
                MISSING_FILE,
                f"resource '{state.name}': its file {state.path} cannot be read "
                f"({state.error}); restore it before {doing} (nothing was written)",
                state.name,
            )
    return rehashed(path, states)[0]


def _check_options(searched: str, version: str | None) -> None:
    if not _DATE.match(searched):
        raise ValueError(f"--searched {searched!r} is not a date YYYY-MM or YYYY-MM-DD")
    if version is not None and not (is_version(version) and not parse(version).is_prerelease):
        raise ValueError(f"--version {version!r} is not a semantic version X.Y.Z")


def _editable_descriptor(path: str | os.PathLike[str]) -> Path:
    """The copy's descriptor; the package shipped with the library is refused."""
    from ..io.locate import descriptor_path, inside_package

    file = descriptor_path(path)
    if inside_package(file, None) is not None:
        raise OutputInsidePackageError(
            f"refusing to edit the package shipped with the library ({file.parent}); make a "
            "copy first: msc-exos-pof export --to csv mycopy"
        )
    return file


def _rounds_resource(path: str | os.PathLike[str], file: Path) -> tuple[int, Any]:
    """(position, ``ResourceFile``) of the ``search_rounds`` resource (``PackageError`` when
    there is none)."""
    from ..io.descriptor import RESOURCES, resource_files

    for position, item in enumerate(resource_files(path)):
        if item.name == "search_rounds":
            return position, item
    raise PackageError(
        RESOURCES,
        f"{file}: the package has no search_rounds resource; start from a copy of a package "
        "that has one (msc-exos-pof export --to csv mycopy)",
    )


def _rounds_rows(item: Any) -> tuple[list[dict[str, str]], str]:
    """The rows of ``search_rounds`` and its text, read as the gate reads it (``TableError``
    for a file that is not a readable CSV) and refused when a round is not a whole number or a
    column the new row needs is missing: a broken table is never appended to."""
    from ..errors import TableError
    from ..io.files import MAX_TABLE_BYTES, read_regular
    from ..io.table import UNPARSABLE, read_raw_table

    frame = read_raw_table(item)  # refuses what is not UTF-8 CSV with a header, rows and no gap
    missing = [name for name in ("round", "searched") if name not in frame.columns]
    if missing:
        raise TableError(
            UNPARSABLE,
            f"resource 'search_rounds' has no column {', '.join(missing)}; a round cannot be "
            "added to it: restore the header (msc-exos-pof validate names what is wrong)",
            "search_rounds",
        )
    rows = frame.to_dict("records")
    for row, record in enumerate(rows, start=1):
        if not str(record["round"]).isdigit():
            raise TableError(
                UNPARSABLE,
                f"resource 'search_rounds' row {row}: round {record['round']!r} is not a whole "
                "number; correct it before adding a round",
                "search_rounds",
                row=row,
                field="round",
            )
    text = read_regular(item.file, MAX_TABLE_BYTES, "file").decode("utf-8")
    return rows, text


def _next_round(rows: list[dict[str, str]], searched: str) -> int:
    """The number of the new round; ``ValueError`` when ``searched`` is not after the last."""
    numbers = [int(r["round"]) for r in rows]
    last = max(numbers, default=0)
    dates = [r.get("searched") or "" for r in rows if int(r["round"]) == last]
    if dates and _DATE.match(dates[0]) and _date_key(searched) <= _date_key(dates[0]):
        raise ValueError(
            f"--searched {searched} is not after round {last}'s search ({dates[0]}); give the "
            "date of the new update search"
        )
    return last + 1


def _appended(text: str, values: dict[str, str]) -> str:
    """The table's text with one row appended in its own column order."""
    header = next(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([values.get(name, "") for name in header])
    separator = "" if text.endswith("\n") or not text else "\n"
    return text + separator + buffer.getvalue()

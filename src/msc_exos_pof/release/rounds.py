"""Opening a new search round in a living copy: the maintainer's first step of an update.

``add_round`` appends one row to ``search_rounds`` (the date of the update search, declared by
the maintainer), gives the package the next minor version (new studies are a minor change) and
refreshes the bytes and hashes. It adds no counts: the gate's ``rounds.*`` findings then say
exactly what the round still needs (its databases, its PRISMA flow, its studies).
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

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
    the last round's; ``version`` defaults to the next minor version of the package. Raises
    ``ValueError`` for a bad date or version, ``PackageError`` if the package cannot be read or
    has no ``search_rounds`` resource, ``OutputInsidePackageError`` for the shipped package.

    >>> import tempfile, msc_exos_pof
    >>> copy = msc_exos_pof.export("csv", tempfile.mkdtemp() + "/copy")
    >>> add_round(copy, "2026-05").round
    2
    """
    from ..io.atomic import write_json_atomic
    from ..io.descriptor import read_descriptor
    from .hashes import rehash

    _check_options(searched, version)
    file = _editable_descriptor(path)
    table = _rounds_table(path, file)
    text = table.read_text(encoding="utf-8")
    number = _next_round(text, searched)
    descriptor = dict(read_descriptor(path))
    version = version or next_minor(descriptor.get("version"))
    values = {
        "round": str(number),
        "searched": searched,
        "basis": "declared",
        "version": version,
        "changes": changes,
    }
    _append_row(table, text, values)
    descriptor["version"] = version
    write_json_atomic(file, descriptor)
    rehash(path)
    return OpenedRound(number, searched, version, file)


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


def _rounds_table(path: str | os.PathLike[str], file: Path) -> Path:
    """The file of the ``search_rounds`` resource (``PackageError`` when there is none)."""
    from ..io.descriptor import RESOURCES, resource_files

    items = {item.name: item for item in resource_files(path)}
    if "search_rounds" not in items:
        raise PackageError(
            RESOURCES,
            f"{file}: the package has no search_rounds resource; start from a copy of a "
            "package that has one (msc-exos-pof export --to csv mycopy)",
        )
    return items["search_rounds"].file


def _next_round(text: str, searched: str) -> int:
    """The number of the new round; ``ValueError`` when ``searched`` is not after the last."""
    rows = list(csv.DictReader(io.StringIO(text)))
    numbers = [int(r["round"]) for r in rows if (r.get("round") or "").isdigit()]
    last = max(numbers, default=0)
    dates = [r.get("searched") or "" for r in rows if (r.get("round") or "") == str(last)]
    if dates and _DATE.match(dates[0]) and _date_key(searched) <= _date_key(dates[0]):
        raise ValueError(
            f"--searched {searched} is not after round {last}'s search ({dates[0]}); give the "
            "date of the new update search"
        )
    return last + 1


def _append_row(table: Path, text: str, values: dict[str, str]) -> None:
    """Append one row in the table's own column order, atomically."""
    from ..io.atomic import write_text_atomic

    header = next(csv.reader(io.StringIO(text)))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([values.get(name, "") for name in header])
    separator = "" if text.endswith("\n") or not text else "\n"
    write_text_atomic(table, text + separator + buffer.getvalue())

"""``export()``: the one entry point, dispatching to a writer per format."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from pathlib import Path

from ..errors import require
from ..io.descriptor import read_descriptor
from .formats import FOLDER_FORMATS, FORMATS
from .target import (
    _check_target,
    _move_into_place,
    _staging,
    locked,
    terminate_cleanly,
    write_manifest,
)

#: A writer ``writer(path, target)`` creates ``target`` (a file or folder).
Writer = Callable[[str | os.PathLike[str] | None, Path], None]


def _writer(to: str) -> Writer:
    """The writer of format ``to``: ``_write_<to>`` of module ``to_<to>`` (the convention every
    format follows, so ``formats.FORMATS`` is the one list of them)."""
    return getattr(importlib.import_module(f"{__package__}.to_{to}"), f"_write_{to}")


#: The writer of each format.
WRITERS: dict[str, Writer] = {to: _writer(to) for to in FORMATS}


def export(
    to: str,
    out: str | os.PathLike[str],
    path: str | os.PathLike[str] | None = None,
    *,
    overwrite: bool = False,
) -> Path:
    """Export the package at ``path`` (default: the shipped one) to ``out`` in format ``to``.

    Parameters
    ----------
    to
        ``sqlite`` or ``duckdb`` (a database file with keys, constraints and views),
        ``parquet`` (a folder of one ``<resource>.parquet`` per resource), ``xlsx`` (a workbook
        with an ``about`` sheet and one sheet per resource) or ``csv`` (a copy of the package:
        descriptor and CSV files, byte for byte).
    out
        The file or folder to create. It is written beside itself under a temporary name and
        moved into place when complete, so a failed export leaves nothing behind.
    path
        A ``datapackage.json`` or its folder; never modified.
    overwrite
        Replace an existing ``out`` (a folder only if it holds nothing but an earlier export).

    Returns
    -------
    Path
        The absolute path of ``out``.

    Raises
    ------
    ExportTargetError
        ``out`` exists (without ``overwrite``) or is inside the package.
    ExportDataError
        A value or key breaks its Table Schema (run ``msc-exos-pof validate``).
    MissingDependencyError
        duckdb or openpyxl is missing: ``pip install 'msc-exos-pof[export]'``.
    PackageError
        The package cannot be read at all.

    Examples
    --------
    >>> import msc_exos_pof
    >>> msc_exos_pof.export("sqlite", "review.sqlite")  # doctest: +SKIP
    PosixPath('/home/me/review.sqlite')
    """
    if to not in FORMATS:
        raise ValueError(f"unknown export format {to!r}: expected one of {', '.join(FORMATS)}")
    target = Path(os.path.abspath(Path(out).expanduser()))
    read_descriptor(path)  # a package that cannot be read is reported before OUT is checked
    _check_target(to, target, path, overwrite)
    if to == "duckdb":
        require("duckdb", "the DuckDB export")
    elif to == "xlsx":
        require("openpyxl", "the Excel export")
    target.parent.mkdir(parents=True, exist_ok=True)
    with terminate_cleanly(), locked(target):
        _check_target(to, target, path, overwrite)  # again: OUT may have changed before the lock
        with _staging(target) as staging:
            built = staging / target.name
            WRITERS[to](path, built)
            if to in FOLDER_FORMATS:
                write_manifest(built, to)
            _move_into_place(built, target, staging)
    return target

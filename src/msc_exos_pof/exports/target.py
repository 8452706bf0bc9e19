"""Where an export goes: refusing a bad OUT, staging beside it, moving it into place."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import (
    ExportTargetError,
)
from ..io.locate import DESCRIPTOR_NAME, descriptor_path
from .formats import FOLDER_FORMATS

if TYPE_CHECKING:  # pragma: no cover
    pass


def _within(inner: Path, outer: Path) -> bool:
    return inner == outer or outer in inner.parents


def _looks_like_export(folder: Path, to: str) -> bool:
    """Whether replacing ``folder`` (with ``overwrite``) loses nothing but an earlier export."""
    entries = list(folder.iterdir())
    if not entries:
        return True
    if to == "parquet":
        return all(e.is_file() and e.suffix == ".parquet" for e in entries)
    if to == "datasette":
        return all(
            e.is_file() and (e.name == "metadata.json" or e.suffix == ".db") for e in entries
        )
    return (folder / DESCRIPTOR_NAME).is_file()


def _check_target(to: str, out: Path, path: str | os.PathLike[str] | None, overwrite: bool) -> None:
    package_folder = descriptor_path(path).parent.resolve()
    resolved = out.resolve()
    if _within(resolved, package_folder):
        raise ExportTargetError(
            f"{out} is inside the package being exported ({package_folder}), which is never "
            "written to; choose an OUT outside it"
        )
    if _within(package_folder, resolved):
        raise ExportTargetError(
            f"{out} holds the package being exported ({package_folder}), which is never "
            "replaced; choose another OUT"
        )
    if not (out.exists() or out.is_symlink()):
        return
    if to in FOLDER_FORMATS:
        if out.is_dir() and not any(out.iterdir()):
            return  # an empty folder is filled, as if it were new
        if not out.is_dir():
            raise ExportTargetError(
                f"{out} exists and is not a folder; the {to} export writes a folder, choose "
                "another OUT"
            )
        if not overwrite:
            raise ExportTargetError(
                f"{out} exists and is not empty; pass --force to replace it, or choose another OUT"
            )
        if not _looks_like_export(out, to):
            raise ExportTargetError(
                f"{out} holds files that an earlier {to} export would not have written, so "
                "it is not replaced even with --force; remove it yourself or choose another OUT"
            )
        return
    if out.is_dir():
        raise ExportTargetError(
            f"{out} is a folder; the {to} export writes one file, name the file to create"
        )
    if not overwrite:
        raise ExportTargetError(f"{out} exists; pass --force to replace it, or choose another OUT")


@contextmanager
def _staging(out: Path) -> Iterator[Path]:
    """A private folder beside ``out`` (same file system, so the final move is a rename),
    removed with whatever it holds when the export ends, however it ends."""
    folder = Path(tempfile.mkdtemp(prefix=f".{out.name}.export-", dir=out.parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _move_into_place(built: Path, out: Path, staging: Path) -> None:
    if not (out.exists() or out.is_symlink()) or (built.is_file() and not out.is_dir()):
        os.replace(built, out)  # atomic: OUT is the old file or the new one, never a mix
        return
    # A folder cannot be renamed over a non-empty one: move the old aside (into the staging
    # folder, which is removed afterwards), then the new into place; undo if that fails.
    previous = staging / "previous"
    os.replace(out, previous)
    try:
        os.replace(built, out)
    except BaseException:
        os.replace(previous, out)
        raise

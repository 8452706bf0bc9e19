"""The CSV export: a copy of the package, descriptor and CSV files, byte for byte."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import (
    ExportDataError,
)
from ..io.descriptor import read_descriptor, resource_files
from ..io.files import MAX_DESCRIPTOR_BYTES, NotRegularFileError, chunks, read_regular
from ..io.locate import DESCRIPTOR_NAME, descriptor_path
from .formats import _VALIDATE_HINT


def _write_csv(path: str | os.PathLike[str] | None, target: Path) -> None:
    # The bytes are copied unchanged, so the descriptor's hashes stay true for the copy.
    source = descriptor_path(path)
    read_descriptor(path)
    items = resource_files(path)
    target.mkdir()
    (target / DESCRIPTOR_NAME).write_bytes(read_regular(source, MAX_DESCRIPTOR_BYTES))
    for item in items:
        destination = target / item.descriptor["path"]
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(destination, "wb") as out:  # regular files only: a FIFO never blocks
                for chunk in chunks(item.file):
                    out.write(chunk)
        except FileNotFoundError:
            raise ExportDataError(
                f"resource '{item.name}': file {item.descriptor['path']} does not exist; "
                f"{_VALIDATE_HINT}"
            ) from None
        except NotRegularFileError as error:
            raise ExportDataError(
                f"resource '{item.name}': file {item.descriptor['path']} cannot be copied: "
                f"{error.strerror}; {_VALIDATE_HINT}"
            ) from None

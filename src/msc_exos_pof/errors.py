"""Every exception the library raises, each with what happened and what to do.

Readers raise ``PackageError`` (the package cannot be read at all: exit code 2) and
``TableError`` (one resource's file cannot be read as a table); exports raise ``ExportError``
and its subclasses; a missing optional dependency is ``MissingDependencyError`` everywhere.
"""

from __future__ import annotations

from typing import Any


class PackageError(Exception):
    """The package cannot be read at all (exit code 2): what happened and what to do.

    ``check`` is the stable id of the finding this error becomes in a report.
    """

    def __init__(
        self, check: str, message: str, resource: str | None = None, field: str | None = None
    ) -> None:
        super().__init__(message)
        self.check = check
        self.message = message
        self.resource = resource
        self.field = field


class TableError(Exception):
    """One resource's file cannot be read as a table (bad encoding, broken CSV, missing file).

    ``structure`` is what the byte scan found before it gave up (an ``io.table.CsvStructure``,
    typed loosely here because errors are the bottom layer and import nothing of the library).
    """

    def __init__(
        self,
        check: str,
        message: str,
        resource: str,
        row: int | None = None,
        field: str | None = None,
        structure: Any = None,
    ) -> None:
        super().__init__(message)
        self.check = check
        self.message = message
        self.resource = resource
        self.row = row
        self.field = field
        self.structure = structure


class ExportError(Exception):
    """An export could not be written; ``message`` says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ExportTargetError(ExportError):
    """OUT is refused: it exists (and ``overwrite`` is off), or it is inside the input package."""


class ExportDataError(ExportError):
    """The package's data cannot be exported as it is: a value or key breaks its Table Schema."""


class MissingDependencyError(ImportError):
    """An optional dependency (duckdb, openpyxl, matplotlib) is not installed: the message names
    the extra to install."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class OutputRefusedError(ValueError):
    """An output is refused and nothing was written: it exists and is not a regular file (a
    device, a FIFO, a socket, a link, a folder the writer did not write), or it lies inside the
    package being read. ``--force`` never overrides it; the message says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class OutputInsidePackageError(OutputRefusedError):
    """An output would be written into a data package folder, changing the data it reads."""


def require(module: str, what: str, extra: str = "export") -> object:
    """Import ``module`` or raise ``MissingDependencyError`` naming the extra that provides it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependencyError(
            f"{what} needs the optional dependency {module}, which is not installed: "
            f"run pip install 'msc-exos-pof[{extra}]'"
        ) from None


class DataValueError(ValueError):
    """``load()`` met cells that do not fit their field (a code outside the vocabulary, a year
    out of range, text in an integer column...): ``cells`` lists each as (row, field, message).

    Pass ``errors="coerce"`` to load such cells as missing values (with a ``DataValueWarning``).
    """

    def __init__(self, resource: str, cells: list[tuple[int, str, str]]) -> None:
        self.resource = resource
        self.cells = cells
        self.row, self.field = cells[0][0], cells[0][1]
        others = len(cells) - 1
        more = f" (and {others} more cell{'s' if others > 1 else ''})" if others else ""
        self.message = (
            f"{cells[0][2]}{more}; run `msc-exos-pof validate` on the package to see every "
            "problem, or load with errors='coerce' to read such cells as missing"
        )
        super().__init__(self.message)


class DataValueWarning(UserWarning):
    """``load(..., errors="coerce")`` read cells that do not fit their field as missing."""


class DefaultPackageWarning(UserWarning):
    """No path was given, and the current folder holds a copy of this dataset: the library read
    that copy, not the package shipped with it. Pass ``path=`` (``msc_exos_pof.package_dir()``
    for the shipped one) or set ``MSC_EXOS_POF_PACKAGE`` (a path, or ``shipped``) to choose."""


class ReleaseError(ValueError):
    """A release cannot be cut or recorded as asked (a bump smaller than the data needs, a
    version already released, a checkout without its CHANGELOG...): the message says what to do.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UpgradeError(ValueError):
    """A copy cannot be fully migrated to the current data model, so nothing was written: the
    message names what stops it and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

"""Curated data of a systematic review of MSC-derived exosomes for premature ovarian failure.

Importing this package is cheap: pandas, pandera and frictionless are imported on first use.

>>> import msc_exos_pof
>>> studies = msc_exos_pof.load("studies")
>>> len(studies)
17
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import os
    from pathlib import Path

    import duckdb
    import pandas as pd
    from frictionless import Package

    from .gate.report import Report

__all__ = [
    "__version__",
    "cite",
    "connect",
    "describe",
    "export",
    "load",
    "package",
    "package_dir",
    "records",
    "resource_names",
    "validate",
]


def load(name: str, path: str | None = None, *, errors: str = "raise") -> pd.DataFrame:
    """Return resource ``name`` as a pandas DataFrame typed from its Table Schema.

    Enums become categoricals, integers nullable ``Int64``, text ``string``, booleans
    ``boolean``. ``path`` is a ``datapackage.json`` or its folder; default: the shipped package.
    A cell that does not fit its field (a code outside its vocabulary, a year out of range, text
    in an integer column) raises ``DataValueError`` naming resource, row and field;
    ``errors="coerce"`` loads such cells as missing and warns (``DataValueWarning``) listing
    them. ``frame.attrs`` holds the resource's title and description, the package version and
    each field's description (``attrs["fields"]``).
    """
    from .io.convert import load_frame

    return load_frame(name, path, errors)


def describe(name: str, path: str | None = None) -> pd.DataFrame:
    """Return the data dictionary of resource ``name``: one row per field with its type,
    constraints, description and, for coded fields, each code with its label and definition.

    >>> import msc_exos_pof
    >>> msc_exos_pof.describe("studies").loc[0, "field"]
    'study_id'
    """
    from .io.dictionary import describe as _describe

    return _describe(name, path)


def package(path: str | None = None) -> Package:
    """Return the data package as a ``frictionless.Package`` (read-only use)."""
    from .io.convert import frictionless_package

    return frictionless_package(path)


def package_dir() -> Any:
    """Return the folder that holds the shipped ``datapackage.json``."""
    from .io.locate import shipped_package_dir

    return shipped_package_dir()


def resource_names(path: str | None = None) -> list[str]:
    """Return the names of the package's resources, in descriptor order."""
    from .io.descriptor import resource_names as _resource_names

    return _resource_names(path)


def records(name: str, path: str | None = None) -> list[Any]:
    """Return resource ``name`` as a list of typed pydantic records."""
    from .models import records as _records

    return _records(name, path)


def validate(path: str | None = None, **options: Any) -> Report:
    """Run every check on a package (default: the shipped one) and return a ``Report``."""
    from .gate.runner import validate as _validate

    return _validate(path, **options)


def cite(style: str = "text") -> str:
    """Return how to cite the dataset and the review it comes from (``text`` or ``bibtex``)."""
    from .release.citation import cite as _cite

    return _cite(style)


def export(
    to: str,
    out: str | os.PathLike[str],
    path: str | os.PathLike[str] | None = None,
    *,
    overwrite: bool = False,
    included: bool = False,
) -> Path:
    """Export the package to ``out`` as ``sqlite``, ``duckdb``, ``parquet``, ``xlsx`` or ``csv``,
    or its reference list as ``bibtex``, ``ris`` or ``csljson`` (``included``: only the
    included studies' references).

    Written atomically; refuses an existing ``out`` unless ``overwrite``. See
    ``msc_exos_pof.exports.export`` and docs/exports.md.
    """
    from .exports import export as _export
    from .exports.bibliography import included_only

    with included_only(included):
        return _export(to, out, path, overwrite=overwrite)


def connect(
    path: str | os.PathLike[str] | None = None, *, external_access: bool = False
) -> duckdb.DuckDBPyConnection:
    """Return an in-memory DuckDB connection with every table and view of the package.

    SQL on it reaches the package's tables only: files, URLs and extensions are refused
    unless ``external_access=True`` (for SQL you trust). Needs the ``export`` extra:
    ``pip install 'msc-exos-pof[export]'``.
    """
    from .exports import connect as _connect

    return _connect(path, external_access=external_access)


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from .io.descriptor import read_descriptor

        return read_descriptor(None)["version"]
    raise AttributeError(f"module 'msc_exos_pof' has no attribute {name!r}")

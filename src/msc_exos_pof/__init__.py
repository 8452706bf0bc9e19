"""Curated data of a systematic review of MSC-derived exosomes for premature ovarian failure.

Importing this package is cheap: pandas, pandera and frictionless are imported on first use.

Which package: every function that takes ``path`` reads, when it is ``None``, the package
named by ``$MSC_EXOS_POF_PACKAGE`` (a folder, a ``datapackage.json`` or ``shipped``), else the
copy of this dataset in the current folder (``./datapackage/`` or ``./datapackage.json``, with a
``DefaultPackageWarning`` saying so), else the package shipped with the library: the same rule
as the ``msc-exos-pof`` commands without PATH. ``path=msc_exos_pof.package_dir()`` always reads
the shipped package.

>>> import msc_exos_pof
>>> studies = msc_exos_pof.load("studies")
>>> len(studies)
17
"""

from __future__ import annotations

# Not ``from typing import TYPE_CHECKING``: importing ``typing`` (with ``re``, ``contextlib``
# and ``collections``) would be nine tenths of the cost of ``import msc_exos_pof``; every
# annotation here is a string (``from __future__ import annotations``).
TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    import os
    from pathlib import Path
    from typing import Any

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


def _package(path: str | os.PathLike[str] | None) -> str | os.PathLike[str] | None:
    """``path``, or the package the one rule gives when it is ``None`` (``None``: shipped)."""
    if path is not None:
        return path
    from .io.locate import default_package

    default = default_package()
    if default.why == "found":
        import warnings

        from .errors import DefaultPackageWarning

        warnings.warn(
            f"msc_exos_pof read {default.path}, the copy of this dataset in the current folder, "
            "not the package shipped with the library; pass path= to choose (path="
            "msc_exos_pof.package_dir() for the shipped one), or set MSC_EXOS_POF_PACKAGE to a "
            "path or to 'shipped'",
            DefaultPackageWarning,
            stacklevel=3,
        )
    return default.path


def load(
    name: str,
    path: str | os.PathLike[str] | None = None,
    *,
    errors: str = "raise",
    include_removed: bool = False,
) -> pd.DataFrame:
    """Return resource ``name`` as a pandas DataFrame typed from its Table Schema.

    Enums become categoricals, integers nullable ``Int64``, text ``string``, booleans
    ``boolean``. ``path`` is a ``datapackage.json`` or its folder (default: see the module's
    "Which package"). A cell that does not fit its field (a code outside its vocabulary, a year
    out of range, text in an integer column) raises ``DataValueError`` naming resource, row and
    field; ``errors="coerce"`` loads such cells as missing and warns (``DataValueWarning``)
    listing them. ``frame.attrs`` holds the resource's title and description, the package
    version and each field's description (``attrs["fields"]``).

    ``studies`` holds the studies **included now**: a study that a later search round of a
    living copy removed (its ``removed_round`` is filled) is left out, and so are its rows in
    the tables keyed by study (``study_mechanisms``, ``study_msc_sources``), so that the rows
    agree with the PRISMA total of the latest round. ``include_removed=True`` returns every
    study ever included (``removed_round`` says which round removed one).

    >>> len(load("studies", include_removed=True)) == len(load("studies"))  # none removed
    True
    """
    from .io.convert import load_frame
    from .io.included import included_now

    path = _package(path)
    frame = load_frame(name, path, errors)
    return frame if include_removed else included_now(frame, name, path)


def describe(name: str, path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Return the data dictionary of resource ``name``: one row per field with its type,
    constraints, description and, for coded fields, each code with its label and definition.

    >>> import msc_exos_pof
    >>> msc_exos_pof.describe("studies").loc[0, "field"]
    'study_id'
    """
    from .io.dictionary import describe as _describe

    return _describe(name, _package(path))


def package(path: str | os.PathLike[str] | None = None) -> Package:
    """Return the data package as a ``frictionless.Package`` (read-only use)."""
    from .io.convert import frictionless_package

    return frictionless_package(_package(path))


def package_dir() -> Any:
    """Return the folder that holds the shipped ``datapackage.json``."""
    from .io.locate import shipped_package_dir

    return shipped_package_dir()


def resource_names(path: str | os.PathLike[str] | None = None) -> list[str]:
    """Return the names of the package's resources, in descriptor order."""
    from .io.descriptor import resource_names as _resource_names

    return _resource_names(_package(path))


def records(
    name: str, path: str | os.PathLike[str] | None = None, *, include_removed: bool = False
) -> list[Any]:
    """Return resource ``name`` as a list of typed pydantic records: the rows of
    ``load(name, path, include_removed=include_removed)``."""
    from .models import frame_to_records, model_for

    path = _package(path)
    return frame_to_records(
        load(name, path, include_removed=include_removed), model_for(name, path)
    )


def validate(path: str | os.PathLike[str] | None = None, **options: Any) -> Report:
    """Run every check on a package (default: see "Which package") and return a ``Report``."""
    from .gate.runner import validate as _validate

    return _validate(_package(path), **options)


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
    references of the studies included now). Every row is exported, removed studies too (a
    copy must be complete); the SQL views count the studies included now.

    Written atomically; refuses an existing ``out`` unless ``overwrite``. See
    ``msc_exos_pof.exports.export`` and docs/exports.md.
    """
    from .exports import export as _export
    from .exports.bibliography import included_only

    with included_only(included):
        return _export(to, out, _package(path), overwrite=overwrite)


def connect(
    path: str | os.PathLike[str] | None = None, *, external_access: bool = False
) -> duckdb.DuckDBPyConnection:
    """Return an in-memory DuckDB connection with every table and view of the package.

    SQL on it reaches the package's tables only: files, URLs and extensions are refused
    unless ``external_access=True`` (for SQL you trust). Needs the ``export`` extra:
    ``pip install 'msc-exos-pof[export]'``.
    """
    from .exports import connect as _connect

    return _connect(_package(path), external_access=external_access)


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from .io.descriptor import read_descriptor

        return read_descriptor(None)["version"]
    raise AttributeError(f"module 'msc_exos_pof' has no attribute {name!r}")

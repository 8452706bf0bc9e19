"""Locating a package: the shipped one, a folder or a descriptor, and its safe resource paths."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DESCRIPTOR_NAME = "datapackage.json"
#: A URL: ``scheme://...``, or a scheme that needs no ``//`` (``data:``, ``file:``...). A bare
#: ``name:rest`` is a file name with a colon (``studies:v2.csv``), not a URL.
_URL = re.compile(
    r"^(?:[A-Za-z][A-Za-z0-9+.-]+://|(?:data|file|https?|ftps?|s3|gs|mailto|urn|javascript):)",
    re.IGNORECASE,
)


#: What a browser reads as a URL's scheme, once it has dropped the tabs, line breaks and other
#: controls it ignores inside a URL ("java\tscript:" is "javascript:").
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def safe_link(value: object) -> str | None:
    """``value`` when a page may link to it: an ``http``/``https`` URL or a relative link;
    ``None`` for anything else (``javascript:``, ``data:``, ``file:``, ``//host``...), which a
    licence or source ``path`` of a copy could otherwise turn into a live link."""
    if not isinstance(value, str) or not value.strip():
        return None
    squeezed = re.sub(r"[\x00-\x20\x7f]", "", value)
    scheme = _SCHEME.match(squeezed)
    if scheme is not None:
        return value.strip() if scheme.group(1).lower() in ("http", "https") else None
    if squeezed.startswith(("//", "\\")) or "\\" in squeezed[:2]:
        return None  # another host, whatever the page's scheme
    return value.strip()


def shipped_package_dir() -> Path:
    """Folder of the data package shipped with the library (wheel) or the checkout (editable)."""
    # This module's own location names the installed package's folder (as
    # ``importlib.resources.files("msc_exos_pof")`` would, at a tenth of the cost: every
    # ``load`` of the shipped package asks several times).
    installed = Path(__file__).parent.parent / "datapackage"
    if (installed / DESCRIPTOR_NAME).is_file():
        return installed
    return Path(__file__).resolve().parents[3] / "datapackage"


#: Where a repository keeps its package, looked for in this order when no path is given.
DISCOVERED = (Path("datapackage") / DESCRIPTOR_NAME, Path(DESCRIPTOR_NAME))
#: Names the package read when no path is given: a folder, a ``datapackage.json``, or
#: ``shipped`` for the package shipped with the library (the CLI's ``--shipped``).
PACKAGE_ENV = "MSC_EXOS_POF_PACKAGE"
SHIPPED = "shipped"


def discover_package(folder: str | os.PathLike[str] | None = None) -> Path | None:
    """The package of the repository at ``folder`` (default: the current folder):
    ``./datapackage/datapackage.json`` or ``./datapackage.json``, the first that exists and is
    a copy of this dataset (``is_copy``), as a path relative to ``folder``; ``None`` when there
    is none. Another project's data package is not ours to read.
    """
    base = Path(folder) if folder is not None else Path.cwd()
    for candidate in DISCOVERED:
        if (base / candidate).is_file() and is_copy(base / candidate):
            return candidate if folder is None else base / candidate
    return None


def is_copy(descriptor: Path) -> bool:
    """Whether ``descriptor`` is a copy of this dataset: its ``name`` is the shipped package's,
    or it has a ``studies`` resource. A descriptor that cannot be read counts as one: the
    maintainer's broken copy must be reported as broken, never skipped for the shipped one."""
    try:
        found = _json_of(descriptor)
    except (OSError, ValueError, RecursionError):
        return True
    if not isinstance(found, dict):
        return True
    try:
        shipped_name = _json_of(shipped_package_dir() / DESCRIPTOR_NAME)["name"]
    except (OSError, ValueError, KeyError, TypeError):  # pragma: no cover - broken install
        shipped_name = None
    resources = found.get("resources")
    names = (
        [r.get("name") for r in resources if isinstance(r, dict)]
        if isinstance(resources, list)
        else []
    )
    return found.get("name") == shipped_name or "studies" in names


#: How much of a descriptor ``is_copy`` reads.
_COPY_PREFIX = 1 << 24


def _json_of(file: Path) -> Any:
    """The JSON value of ``file``'s first ``_COPY_PREFIX`` bytes: the descriptor reader's parse
    when it reads the file (once per version of it, not on every ``load``), else ``json``'s,
    which raises as it does (the reader refuses some JSON, such as a deep one, that ``json``
    reads: the same answer either way)."""
    import json

    from ..errors import PackageError
    from .descriptor import read_descriptor

    try:
        if file.stat().st_size <= _COPY_PREFIX:
            return read_descriptor(file)
    except (PackageError, OSError, ValueError):
        pass
    return json.loads(file.read_bytes()[:_COPY_PREFIX])


@dataclass(frozen=True)
class DefaultPackage:
    """The package read when no path is given, and why: ``"env"`` (``PACKAGE_ENV`` names it),
    ``"found"`` (a copy in the current folder), or ``"shipped"`` (``path`` is ``None``)."""

    path: Path | None
    why: str

    @property
    def shipped(self) -> bool:
        return self.path is None


def default_package() -> DefaultPackage:
    """The one rule, for the library and the CLI alike, when no path is given:

    1. ``$MSC_EXOS_POF_PACKAGE`` when set: a folder or ``datapackage.json``, or ``shipped``;
    2. else the copy of this dataset in the current folder (``discover_package``), so that
       ``msc-exos-pof validate`` in a repository validates the repository's data;
    3. else the package shipped with the library.

    A found copy that is the shipped package itself (an editable checkout) counts as shipped.
    """
    chosen = os.environ.get(PACKAGE_ENV, "").strip()
    if chosen:
        if chosen == SHIPPED:
            return DefaultPackage(None, "env")
        return DefaultPackage(Path(chosen), "env")
    found = discover_package()
    if found is None:
        return DefaultPackage(None, "shipped")
    if found.resolve().parent == shipped_package_dir().resolve():
        return DefaultPackage(None, "shipped")
    return DefaultPackage(found, "found")


def descriptor_path(path: str | os.PathLike[str] | None) -> Path:
    """``datapackage.json`` for ``path``: the shipped package, a folder, or the file itself."""
    if path is None:
        return shipped_package_dir() / DESCRIPTOR_NAME
    candidate = Path(path).expanduser()
    if candidate.is_dir():
        return candidate / DESCRIPTOR_NAME
    return candidate


def unsafe_path_reason(value: object) -> str | None:
    """Why a resource ``path`` may not be opened (``None`` when it is a safe relative path).

    Only relative paths that stay inside the package folder are allowed: no URLs (never
    fetched), no absolute paths, no ``..``, ``~`` or ``$VAR``.
    """
    if not isinstance(value, str) or not value:
        return "the path is not a non-empty string"
    if _URL.match(value):
        return "it is a URL; remote resources are refused and never fetched"
    if value.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", value):
        return "it is an absolute path"
    if value.startswith("~") or "$" in value:
        return "it expands a home folder or an environment variable"
    parts = re.split(r"[\\/]", value)
    if ".." in parts:
        return "it climbs out of the package folder with '..'"
    if "\x00" in value:
        return "it contains a NUL byte"
    return None


def inside_package(
    out: str | os.PathLike[str], path: str | os.PathLike[str] | None, *, shipped: bool = False
) -> Path | None:
    """The package folder that ``out`` lies in (or is), else ``None``: the one guard behind
    every refusal to write an output into a package the library reads.

    ``path`` names the package (default: the shipped one); ``shipped`` also guards the shipped
    package's folder.
    """
    target = Path(out).expanduser().resolve()
    folders = {descriptor_path(path).resolve().parent}
    if shipped:
        folders.add(shipped_package_dir().resolve())
    for folder in sorted(folders):
        if target == folder or folder in target.parents:
            return folder
    return None

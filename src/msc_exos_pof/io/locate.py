"""Locating a package: the shipped one, a folder or a descriptor, and its safe resource paths."""

from __future__ import annotations

import os
import re
from importlib import resources
from pathlib import Path

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
    installed = resources.files("msc_exos_pof") / "datapackage"
    if installed.joinpath(DESCRIPTOR_NAME).is_file():
        return Path(str(installed))
    return Path(__file__).resolve().parents[3] / "datapackage"


#: Where a repository keeps its package, looked for in this order when no PATH is given.
DISCOVERED = (Path("datapackage") / DESCRIPTOR_NAME, Path(DESCRIPTOR_NAME))


def discover_package(folder: str | os.PathLike[str] | None = None) -> Path | None:
    """The package of the repository at ``folder`` (default: the current folder):
    ``./datapackage/datapackage.json`` or ``./datapackage.json``, whichever exists first, as a
    path relative to ``folder``; ``None`` when neither exists (commands then read the shipped
    package). The gate validates the user's data, not its own copy, when run in a repository.
    """
    base = Path(folder) if folder is not None else Path.cwd()
    for candidate in DISCOVERED:
        if (base / candidate).is_file():
            return candidate if folder is None else base / candidate
    return None


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

"""Reading the descriptor (``datapackage.json``), cached by file, size and modification time, and
its resources with their safe, resolved file paths."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import PackageError
from .locate import descriptor_path, unsafe_path_reason


def read_descriptor(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Parse and return the descriptor, or raise ``PackageError`` saying why it cannot be read."""
    file = descriptor_path(path)
    try:
        stat = file.stat()
    except OSError:
        raise PackageError(
            "descriptor.missing",
            f"no data package at {file}: expected a datapackage.json or a folder that holds one",
        ) from None
    return _read_descriptor_cached(str(file), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _read_descriptor_cached(file: str, _mtime_ns: int, _size: int) -> dict[str, Any]:
    try:
        text = Path(file).read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise PackageError(
            "descriptor.encoding",
            f"{file} is not UTF-8 (byte {error.start}): save the descriptor as UTF-8",
        ) from None
    except OSError as error:
        raise PackageError("descriptor.missing", f"cannot read {file}: {error.strerror}") from None
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as error:
        raise PackageError(
            "descriptor.json",
            f"{file} is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}",
        ) from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise PackageError(
            "descriptor.json",
            f"{file} is not a data package descriptor: expected a JSON object with a "
            "'resources' list",
        )
    for index, resource in enumerate(descriptor["resources"]):
        if not isinstance(resource, dict) or not isinstance(resource.get("name"), str):
            raise PackageError(
                "descriptor.json",
                f"{file}: resource #{index + 1} is not an object with a 'name'",
            )
    return descriptor


@dataclass(frozen=True)
class ResourceFile:
    """A resource of the package with its safe, resolved file path."""

    name: str
    descriptor: dict[str, Any]
    file: Path


def resource_files(path: str | os.PathLike[str] | None = None) -> list[ResourceFile]:
    """Every resource with its resolved file; ``PackageError`` when any path is unsafe."""
    file = descriptor_path(path)
    descriptor = read_descriptor(path)
    base = file.parent.resolve()
    out = []
    for resource in descriptor["resources"]:
        name = resource["name"]
        value = resource.get("path")
        reason = unsafe_path_reason(value)
        if reason is None:
            target = (base / value).resolve()
            if base != target and base not in target.parents:
                reason = "it resolves (through a link) outside the package folder"
        if reason is not None:
            raise PackageError(
                "descriptor.unsafe_path",
                f"resource '{name}' has path {value!r}, which is refused because {reason}; "
                "use a relative path inside the package folder",
                resource=name,
                field="path",
            )
        out.append(ResourceFile(name, resource, target))
    return out


def resource_file(name: str, path: str | os.PathLike[str] | None = None) -> ResourceFile:
    """The resource called ``name``; ``KeyError`` listing the known names otherwise."""
    files = resource_files(path)
    for item in files:
        if item.name == name:
            return item
    known = ", ".join(item.name for item in files)
    raise KeyError(f"no resource named {name!r}; the package has: {known}")

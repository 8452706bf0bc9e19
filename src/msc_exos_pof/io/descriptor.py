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
from .files import MAX_DESCRIPTOR_BYTES, read_regular
from .locate import descriptor_path, unsafe_path_reason

# The ids of the findings a descriptor that cannot be read becomes: a ``PackageError`` carries
# one, and the gate declares them (gate/checks/descriptor.py).
#: No descriptor at the path, or it cannot be opened.
MISSING = "descriptor.missing"
#: Not JSON, or not an object with a list of named resources.
NOT_JSON = "descriptor.json"
#: Not UTF-8.
NOT_UTF8 = "descriptor.encoding"
#: A resource path that is a URL, absolute, or leaves the package folder.
UNSAFE_PATH = "descriptor.unsafe_path"
#: A core resource, field, rule or key of the shipped schema is missing (the gate's check).
RESOURCES = "descriptor.resources"


def read_descriptor(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Parse and return the descriptor, or raise ``PackageError`` saying why it cannot be read."""
    file = descriptor_path(path)
    try:
        stat = file.stat()
    except (OSError, ValueError):  # ValueError: a NUL byte in the path
        raise PackageError(
            MISSING,
            f"no data package at {file}: expected a datapackage.json or a folder that holds one",
        ) from None
    return _read_descriptor_cached(str(file), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _read_descriptor_cached(file: str, _mtime_ns: int, _size: int) -> dict[str, Any]:
    try:
        data = read_regular(file, MAX_DESCRIPTOR_BYTES, "descriptor")
    except OSError as error:
        raise PackageError(MISSING, f"cannot read {file}: {error.strerror}") from None
    if data.startswith(b"PK\x03\x04"):
        raise PackageError(
            NOT_JSON,
            f"{file} is a zip archive, not a datapackage.json: unpack it and validate the "
            "folder (`msc-exos-pof diff` reads release zips and wheels directly)",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PackageError(
            NOT_UTF8,
            f"{file} is not UTF-8 (byte {error.start}): save the descriptor as UTF-8",
        ) from None
    try:
        descriptor = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise PackageError(
            NOT_JSON,
            f"{file} is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}",
        ) from None
    except ValueError as error:  # NaN or Infinity: not JSON, though Python's reader takes them
        raise PackageError(NOT_JSON, f"{file} is not valid JSON: {error}") from None
    except RecursionError:
        raise PackageError(
            NOT_JSON,
            f"{file} nests arrays or objects too deeply to be read; flatten the descriptor",
        ) from None
    depth = _depth(descriptor)
    if depth > MAX_DEPTH:
        raise PackageError(
            NOT_JSON,
            f"{file} nests arrays or objects more than {MAX_DEPTH} levels deep, deeper than "
            "a data package descriptor needs; flatten the descriptor",
        )
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise PackageError(
            NOT_JSON,
            f"{file} is not a data package descriptor: expected a JSON object with a "
            "'resources' list",
        )
    for index, resource in enumerate(descriptor["resources"]):
        if not isinstance(resource, dict) or not isinstance(resource.get("name"), str):
            raise PackageError(
                NOT_JSON,
                f"{file}: resource #{index + 1} is not an object with a 'name'",
            )
    return descriptor


#: How deep a descriptor's arrays and objects may nest (a Table Schema needs about eight levels):
#: deeper ones are refused before any recursive code (copies, comparisons, validators) sees them.
MAX_DEPTH = 64


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value; write a number or null")


def _depth(value: Any) -> int:
    """How deep ``value``'s lists and dicts nest, without recursion (a scalar is 0)."""
    deepest = 0
    pending = [(value, 1)]
    while pending:
        item, level = pending.pop()
        children = item.values() if isinstance(item, dict) else item
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if deepest > MAX_DEPTH:
                return deepest
            pending.extend((child, level + 1) for child in children)
    return deepest


def resource_names(path: str | os.PathLike[str] | None = None) -> list[str]:
    """The names of the package's resources, in descriptor order (the descriptor's order is
    the order of every listing: exports, docs, the summary)."""
    return [resource["name"] for resource in read_descriptor(path)["resources"]]


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
        if value is None and "data" in resource:
            raise PackageError(
                UNSAFE_PATH,
                f"resource '{name}' has inline 'data' and no 'path'; this gate reads CSV files "
                "only: write the rows to a CSV file in the package folder and give its path",
                resource=name,
                field="data",
            )
        reason = unsafe_path_reason(value)
        if reason is None:
            target = (base / value).resolve()
            if base != target and base not in target.parents:
                reason = "it resolves (through a link) outside the package folder"
        if reason is not None:
            raise PackageError(
                UNSAFE_PATH,
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

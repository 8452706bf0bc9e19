"""Reading the descriptor (``datapackage.json``), cached by file, size and modification time, and
its resources with their safe, resolved file paths.

The text is parsed once, in linear time and bounded memory: before ``json.loads`` builds a
single object, a scan of the text (regular expressions, no Python loop per character) refuses
a descriptor that nests deeper than ``MAX_DEPTH`` or holds more than ``MAX_CONTAINERS`` objects
and arrays (a Python dict costs some 200 bytes: 5 million small objects in a 56 MB file would
take gigabytes). Keys that appear twice in one object are recorded as the text is parsed
(``duplicate_keys``): JSON readers disagree about which value counts.
"""

from __future__ import annotations

import json
import os
import re
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
    return _parsed(path)[0]


def duplicate_keys(path: str | os.PathLike[str] | None = None) -> tuple[tuple[str, str], ...]:
    """``(JSON pointer of the object, key)`` for every key the descriptor writes twice in one
    object (the last value is the one read), from the same single parse."""
    return _parsed(path)[1]


def _parsed(path: str | os.PathLike[str] | None) -> tuple[dict[str, Any], tuple[Any, ...]]:
    file = descriptor_path(path)
    try:
        stat = file.stat()
    except (OSError, ValueError):  # ValueError: a NUL byte in the path
        raise PackageError(
            MISSING,
            f"no data package at {file}: expected a datapackage.json or a folder that holds one",
        ) from None
    found = _read_descriptor_cached(str(file), stat.st_mtime_ns, stat.st_size)
    if isinstance(found, PackageError):
        raise PackageError(found.check, found.message, found.resource, found.field)
    return found


@lru_cache(maxsize=8)
def _read_descriptor_cached(
    file: str, mtime_ns: int, size: int
) -> tuple[dict[str, Any], tuple[tuple[str, str], ...]] | PackageError:
    """The parse of ``file`` as it was at ``mtime_ns`` and ``size``, or the ``PackageError``
    that says why it cannot be read: a descriptor refused once is not read again by every
    later caller of the same run."""
    try:
        return _read(file)
    except PackageError as error:
        return error


def _read(file: str) -> tuple[dict[str, Any], tuple[tuple[str, str], ...]]:
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
    depth, containers = _shape(data)
    if depth > MAX_DEPTH:
        raise PackageError(
            NOT_JSON,
            f"{file} nests arrays or objects more than {MAX_DEPTH} levels deep, deeper than "
            "a data package descriptor needs; flatten the descriptor",
        )
    if containers > MAX_CONTAINERS:
        raise PackageError(
            NOT_JSON,
            f"{file} holds {containers} JSON objects and arrays, more than the {MAX_CONTAINERS} "
            "a data package descriptor needs (each costs memory once read); move data into "
            "the resources' files",
        )
    repeated: list[tuple[dict[str, Any], str]] = []
    try:
        descriptor = json.loads(
            text, parse_constant=_refuse_constant, object_pairs_hook=_recording(repeated)
        )
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
    return descriptor, _pointers(descriptor, repeated)


#: How deep a descriptor's arrays and objects may nest (a Table Schema needs about eight levels):
#: deeper ones are refused before any recursive code (copies, comparisons, validators) sees them.
MAX_DEPTH = 64
#: How many objects and arrays a descriptor may hold (a Table Schema of 5,000 fields holds about
#: 20,000): more are refused before they are built.
MAX_CONTAINERS = 1_000_000

#: Every byte but the quote and the brackets (deleted by ``bytes.translate``).
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'"[]{}')
_INNERMOST = re.compile(rb"\[\]|\{\}")


def _shape(data: bytes) -> tuple[int, int]:
    """(how deep the text's arrays and objects nest: at most twice the truth, and exact whenever
    that could exceed ``MAX_DEPTH``, counted up to ``MAX_DEPTH + 1``; how many there are), from
    the bytes alone, in passes of C code that copy at most the text: escaped
    backslashes and quotes dropped, then everything but quotes and brackets, then each pair of
    adjacent quotes (an empty string, or the end of one and the start of the next: quotes stay
    paired either way), then what is left inside strings. Text that is not JSON gives a partial
    answer and is then refused by the parser."""
    kept = data.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _NOT_STRUCTURE)
    brackets = b"".join(kept.replace(b'""', b"").split(b'"')[0::2])
    containers = brackets.count(b"{") + brackets.count(b"[")
    # Each pass removes every innermost pair, and perhaps the pair around it too: one or two
    # levels. Few passes prove a shallow text; the exact peel runs only near the limit.
    passes, rest = 0, brackets
    while rest:
        peeled = rest.replace(b"{}", b"").replace(b"[]", b"")
        if len(peeled) == len(rest):
            break  # unbalanced: not JSON, which json.loads reports with its position
        passes, rest = passes + 1, peeled
        if passes > MAX_DEPTH:
            return passes, containers
    if 2 * passes <= MAX_DEPTH:
        return 2 * passes if passes else 0, containers
    depth = 0
    while brackets and depth <= MAX_DEPTH:
        peeled = _INNERMOST.sub(b"", brackets)
        if len(peeled) == len(brackets):
            break
        brackets, depth = peeled, depth + 1
    return depth, containers


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value; write a number or null")


def _recording(repeated: list[tuple[dict[str, Any], str]]) -> Any:
    """An ``object_pairs_hook`` that builds each object as ``json`` does (the last value of a
    repeated key wins) and notes every repeated key with its object."""

    def build(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        made = dict(pairs)
        if len(made) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    repeated.append((made, key))
                seen.add(key)
        return made

    return build


def _pointers(
    descriptor: Any, repeated: list[tuple[dict[str, Any], str]]
) -> tuple[tuple[str, str], ...]:
    """The JSON pointer of each object with a repeated key (a walk of the tree, done only when
    there is one)."""
    if not repeated:
        return ()
    wanted = {id(made) for made, _ in repeated}
    where: dict[int, str] = {}
    pending: list[tuple[Any, str]] = [(descriptor, "")]
    while pending:
        item, pointer = pending.pop()
        if isinstance(item, dict):
            if id(item) in wanted:
                where[id(item)] = pointer
            children = item.items()
        elif isinstance(item, list):
            children = enumerate(item)  # type: ignore[assignment]
        else:
            continue
        for key, child in children:
            if isinstance(child, dict | list):
                pending.append((child, f"{pointer}/{pointer_token(key)}"))
    return tuple((where.get(id(made), ""), key) for made, key in repeated)


def pointer_token(value: str | int) -> str:
    """One reference token of a JSON pointer, escaped as RFC 6901 says."""
    return str(value).replace("~", "~0").replace("/", "~1")


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
    base = descriptor_path(path).parent.resolve()
    return [_resolved(resource, base) for resource in read_descriptor(path)["resources"]]


def _resolved(resource: dict[str, Any], base: Path) -> ResourceFile:
    """``resource`` with its file in the package folder ``base`` (resolved), or the
    ``PackageError`` that refuses its path."""
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
    return ResourceFile(name, resource, target)


def resource_file(name: str, path: str | os.PathLike[str] | None = None) -> ResourceFile:
    """The resource called ``name`` (the first, if a malformed descriptor repeats it) with its
    resolved file, its path refused as ``resource_files`` would (only its own path is
    resolved: the others' are not read); ``KeyError`` listing the known names otherwise."""
    resources = read_descriptor(path)["resources"]
    for resource in resources:
        if resource["name"] == name:
            return _resolved(resource, descriptor_path(path).parent.resolve())
    known = ", ".join(resource["name"] for resource in resources)
    raise KeyError(f"no resource named {name!r}; the package has: {known}")

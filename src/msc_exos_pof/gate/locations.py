"""Exact locations of findings: the file, its physical line and column, a JSON pointer.

A finding names a resource, a data row and a field; an editor, a terminal or a CI annotation
needs a file, a line and a column. CSV records and physical lines differ (a quoted cell may
hold line breaks), so the position of a cell is computed from the file's bytes with the same
quote-parity scan as ``io.table.scan_csv``: a newline or comma outside quotes ends a record or a
cell, every newline ends a physical line. The scan runs only for files that have findings on
rows, once per file. Findings about the descriptor get a JSON pointer (RFC 6901) and the line
of the value it points at in ``datapackage.json``.

Paths are relative to the root of the git work tree the package lies in (what GitHub expects
in annotations and code scanning), else to the package folder.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..io.descriptor import NOT_JSON, pointer_token
from ..io.tableschema import field_position
from .report import Finding

#: Checks whose findings are about the descriptor rather than a table's cells.
DESCRIPTOR_LAYERS = ("descriptor", "integrity")
#: Resource properties that findings name in ``field`` (anything else is a Table Schema field).
RESOURCE_PROPERTIES = ("path", "bytes", "hash", "name", "schema", "format", "encoding", "dialect")

_BOM = b"\xef\xbb\xbf"
_JSON_POSITION = re.compile(r"at line (\d+) column (\d+)")
_WHITESPACE = re.compile(r"[ \t\n\r]*")


def work_tree_root(folder: Path) -> Path | None:
    """The root of the git work tree that holds ``folder`` (a ``.git`` folder or file), or None."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def shown_path(file: Path, root: Path) -> str:
    """``file`` relative to ``root`` with forward slashes (absolute when it lies elsewhere)."""
    try:
        return Path(os.path.relpath(file, root)).as_posix()
    except ValueError:  # another drive on Windows
        return file.as_posix()


def _tokens(pointer: str) -> list[str]:
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]


_DECODER = json.JSONDecoder()


def _skip(text: str, i: int) -> int:
    return _WHITESPACE.match(text, i).end()  # type: ignore[union-attr]


def _after_value(text: str, i: int) -> int:
    """Past the value at ``i`` and the comma after it, if any (the standard decoder skips it)."""
    i = _skip(text, _DECODER.raw_decode(text, i)[1])
    return _skip(text, i + 1) if text[i] == "," else i


def _member(text: str, i: int, key: str) -> int | None:
    """Offset of the value of ``key`` in the object that opens at ``i``."""
    i = _skip(text, i + 1)
    while text[i] != "}":
        name, i = json.decoder.scanstring(text, i + 1)
        i = _skip(text, _skip(text, i) + 1)  # past the colon
        if name == key:
            return i
        i = _after_value(text, i)
    return None


def _element(text: str, i: int, index: int) -> int | None:
    """Offset of item ``index`` of the array that opens at ``i``."""
    i = _skip(text, i + 1)
    for _ in range(index):
        if text[i] == "]":
            return None
        i = _after_value(text, i)
    return None if text[i] == "]" else i


def pointer_position(text: str, pointer: str) -> tuple[int, int] | None:
    """1-based (line, column) of the value ``pointer`` names in JSON ``text``, else ``None``.

    Only the path to the value is walked; siblings are skipped with the standard decoder.
    """
    try:
        i: int | None = _skip(text, 1 if text.startswith("\ufeff") else 0)
        for token in _tokens(pointer):
            if text[i] == "{":
                i = _member(text, i, token)
            elif text[i] == "[" and token.isdigit():
                i = _element(text, i, int(token))
            else:
                i = None
            if i is None:
                return None
    except (ValueError, IndexError, RecursionError):
        return None
    line = text.count("\n", 0, i) + 1
    return line, i - (text.rfind("\n", 0, i) + 1) + 1


def cell_positions(
    data: bytes, cells: Iterable[tuple[int, int | None]]
) -> dict[tuple[int, int | None], tuple[int, int]]:
    """1-based physical (line, column) of each (record, field index) of CSV ``data``.

    Record 0 is the header. A field index of ``None`` (or beyond the record's cells) means the
    record's first byte. Columns count characters from the line's start (a UTF-8 BOM does not
    count); a cell that opens with a quote starts at the quote. Cells past the end of the file
    are left out.
    """
    import numpy as np

    wanted = sorted(set(cells), key=lambda cell: (cell[0], -1 if cell[1] is None else cell[1]))
    if not data or not wanted:
        return {}
    arr = np.frombuffer(data, dtype=np.uint8)
    inside = (np.cumsum(arr == ord('"'), dtype=np.uint8) & 1).astype(bool)
    newlines = np.flatnonzero(arr == ord("\n"))
    ends = newlines[~inside[newlines]]
    starts = np.concatenate(([0], ends + 1))
    out: dict[tuple[int, int | None], tuple[int, int]] = {}
    for record, index in wanted:
        if record < 0 or record >= len(starts) or starts[record] >= len(arr):
            continue
        start = int(starts[record])
        offset = start
        if index:
            stop = int(ends[record]) if record < len(ends) else len(arr)
            segment = slice(start, stop)
            commas = np.flatnonzero((arr[segment] == ord(",")) & ~inside[segment])
            if index <= len(commas):
                offset = start + int(commas[index - 1]) + 1
        line = int(np.searchsorted(newlines, offset)) + 1
        line_start = int(newlines[line - 2]) + 1 if line > 1 else 0
        prefix = data[line_start:offset]
        if line_start == 0 and prefix.startswith(_BOM):
            prefix = prefix[len(_BOM) :]
        out[(record, index)] = (line, len(prefix.decode("utf-8", "replace")) + 1)
    return out


def _header(data: bytes) -> list[str]:
    prefix = data[: 1 << 20].decode("utf-8", "replace").removeprefix("\ufeff")
    return next(csv.reader(io.StringIO(prefix)), [])


class _Package:
    """What locating needs to know about the package: its files and descriptor, read lazily."""

    def __init__(self, descriptor_file: Path) -> None:
        from ..errors import PackageError
        from ..io.descriptor import read_descriptor, resource_files

        self.descriptor_file = descriptor_file
        folder = descriptor_file.parent.resolve()
        self.root = work_tree_root(folder) or folder
        self.descriptor: dict[str, Any] = {}
        self.files: dict[str, Path] = {}
        try:
            self.descriptor = read_descriptor(descriptor_file)
            self.files = {item.name: item.file for item in resource_files(descriptor_file)}
        except PackageError:
            pass  # unreadable or unsafe: findings point at the descriptor only
        self._text: str | None = None

    @property
    def descriptor_shown(self) -> str:
        return shown_path(self.descriptor_file.resolve(), self.root)

    def descriptor_text(self) -> str:
        if self._text is None:
            try:
                self._text = self.descriptor_file.read_bytes().decode("utf-8", "replace")
            except OSError:
                self._text = ""
        return self._text

    def resource_index(self, name: str | None) -> int | None:
        for index, resource in enumerate(self.descriptor.get("resources") or []):
            if isinstance(resource, dict) and resource.get("name") == name:
                return index
        return None

    def pointer(self, finding: Finding) -> str:
        """The JSON pointer of what a descriptor finding is about."""
        index = self.resource_index(finding.resource)
        if index is None:
            return "/resources" if finding.resource else ""
        base = f"/resources/{index}"
        resource = self.descriptor["resources"][index]
        if finding.field in RESOURCE_PROPERTIES and finding.field in resource:
            return f"{base}/{pointer_token(finding.field)}"
        position = field_position(resource.get("schema"), finding.field)
        return base if position is None else f"{base}/schema/fields/{position}"


def _layer(check_id: str) -> str | None:
    from .registry import REGISTRY, all_checks

    if not REGISTRY:
        all_checks()
    check = REGISTRY.get(check_id)
    return check.layer if check else None


def _on_descriptor(finding: Finding, package: _Package) -> Finding:
    pointer = finding.pointer if finding.pointer is not None else package.pointer(finding)
    position = pointer_position(package.descriptor_text(), pointer) if pointer else None
    if position is None and finding.check == NOT_JSON:
        found = _JSON_POSITION.search(finding.message)
        position = (int(found.group(1)), int(found.group(2))) if found else None
    line, column = position if position else (None, None)
    return replace(
        finding, path=package.descriptor_shown, line=line, column=column, pointer=pointer
    )


def _cell(finding: Finding, header: list[str]) -> tuple[int, int | None]:
    """(record, field index) of a finding's cell; record 0 (the header) when it has no row."""
    index = header.index(finding.field) if finding.field in header else None
    return (finding.row or 0, index)


def locate(findings: list[Finding], descriptor_file: Path) -> list[Finding]:
    """The findings with ``path``, ``line``, ``column`` and (descriptor findings) ``pointer``.

    Never raises: what cannot be located keeps the location it has.
    """
    if not findings:
        return findings
    package = _Package(descriptor_file)
    out: list[Finding | None] = [None] * len(findings)
    on_rows: dict[str, list[int]] = {}
    for position, finding in enumerate(findings):
        file = package.files.get(finding.resource or "")
        if (
            file is None
            or finding.pointer is not None
            or _layer(finding.check) in DESCRIPTOR_LAYERS
        ):
            out[position] = _on_descriptor(finding, package)
        elif finding.row is None and finding.field is None:
            out[position] = replace(finding, path=shown_path(file, package.root))
        else:
            on_rows.setdefault(finding.resource or "", []).append(position)
    for name, positions in on_rows.items():
        file = package.files[name]
        try:
            data = file.read_bytes()
        except OSError:
            data = b""
        header = _header(data)
        cells = {p: _cell(findings[p], header) for p in positions}
        found = cell_positions(data, cells.values())
        for p in positions:
            line, column = found.get(cells[p], (None, None))
            out[p] = replace(
                findings[p], path=shown_path(file, package.root), line=line, column=column
            )
    return [finding for finding in out if finding is not None]

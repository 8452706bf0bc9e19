"""What the checks look at: one package on disk, its descriptor and its tables, read once."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import TableError
from .convert import typed_frame
from .descriptor import ResourceFile, read_descriptor, resource_files
from .locate import descriptor_path
from .table import CsvStructure, read_table

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


class PackageContext:
    """A package being validated. Reading it never writes to it.

    Construction reads the descriptor and refuses unsafe resource paths (``PackageError``);
    tables are read on first use, and a table that cannot be read is remembered in
    ``table_errors`` and reported by the ``table.*`` checks, while ``frame()`` returns ``None``
    so that later checks skip it instead of failing.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = path
        self.descriptor_file: Path = descriptor_path(path)
        self.descriptor: dict[str, Any] = read_descriptor(path)
        self.files: dict[str, ResourceFile] = {item.name: item for item in resource_files(path)}
        self.table_errors: dict[str, TableError] = {}
        self.structures: dict[str, CsvStructure] = {}
        self._raw: dict[str, pd.DataFrame | None] = {}
        self._typed: dict[str, pd.DataFrame | None] = {}

    @property
    def base(self) -> Path:
        return self.descriptor_file.parent

    def schema(self, name: str) -> dict[str, Any]:
        schema = self.files[name].descriptor.get("schema")
        return schema if isinstance(schema, dict) else {}

    def fields(self, name: str) -> list[dict[str, Any]]:
        fields = self.schema(name).get("fields")
        return [f for f in fields if isinstance(f, dict)] if isinstance(fields, list) else []

    def raw(self, name: str) -> pd.DataFrame | None:
        """The resource as text columns, or ``None`` if it is missing or cannot be read."""
        if name not in self._raw:
            item = self.files.get(name)
            if item is None:
                self._raw[name] = None
            else:
                try:
                    self._raw[name], self.structures[name] = read_table(item)
                except TableError as error:
                    self.table_errors[name] = error
                    if error.structure is not None:
                        self.structures[name] = error.structure
                    self._raw[name] = None
        return self._raw[name]

    def frame(self, name: str) -> pd.DataFrame | None:
        """The resource typed from its Table Schema, or ``None`` if it cannot be read."""
        if name not in self._typed:
            raw = self.raw(name)
            self._typed[name] = None if raw is None else typed_frame(raw, self.schema(name))
        return self._typed[name]

    def frames(self, *names: str) -> tuple[pd.DataFrame, ...] | None:
        """Several frames at once, or ``None`` if any of them is unavailable."""
        out = tuple(self.frame(name) for name in names)
        return None if any(frame is None for frame in out) else out  # type: ignore[return-value]

    @cached_property
    def in_repository(self) -> Path | None:
        """The repository root when this is the checkout's own package, else ``None``."""
        root = self.base.resolve().parent
        if (root / "CHANGELOG.md").is_file() and (root / "pyproject.toml").is_file():
            return root
        return None

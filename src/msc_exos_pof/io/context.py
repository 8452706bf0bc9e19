"""What the checks look at: one package on disk, its descriptor and its tables, read once."""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import TableError
from .convert import typed_frame
from .descriptor import ResourceFile, read_descriptor, resource_files
from .locate import descriptor_path
from .table import CsvStructure, read_arrow, text_frame
from .tableschema import field_list, schema_of

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import pyarrow as pa

T = TypeVar("T")


class PackageContext:
    """A package being validated. Reading it never writes to it.

    Construction reads the descriptor and refuses unsafe resource paths (``PackageError``);
    tables are read on first use, and a table that cannot be read is remembered in
    ``table_errors`` and reported by the ``table.*`` checks, while ``frame()`` returns ``None``
    so that later checks skip it instead of failing.

    ``upstream`` is the package this one was copied from, when the caller names one (the
    ``upstream.*`` checks compare the two). What several checks derive from the tables (a
    judgement, an index) is computed once through ``memo``.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        upstream: PackageContext | None = None,
    ) -> None:
        self.path = path
        self.upstream = upstream
        self.descriptor_file: Path = descriptor_path(path)
        self.descriptor: dict[str, Any] = read_descriptor(path)
        self.files: dict[str, ResourceFile] = {item.name: item for item in resource_files(path)}
        self.table_errors: dict[str, TableError] = {}
        self.structures: dict[str, CsvStructure] = {}
        self._arrow: dict[str, pa.Table | None] = {}
        self._raw: dict[str, pd.DataFrame | None] = {}
        self._typed: dict[str, pd.DataFrame | None] = {}
        self._memo: dict[Hashable, Any] = {}

    @property
    def base(self) -> Path:
        return self.descriptor_file.parent

    def schema(self, name: str) -> dict[str, Any]:
        """Resource ``name``'s Table Schema (``{}`` when it has none)."""
        return schema_of(self.files[name].descriptor)

    def fields(self, name: str) -> list[dict[str, Any]]:
        """Resource ``name``'s fields (those with a name: ``io.tableschema.field_list``)."""
        return field_list(self.schema(name))

    def memo(self, compute: Callable[..., T], *args: Hashable) -> T:
        """``compute(self, *args)``, computed once per context and argument list.

        The key is the function itself (and its arguments), never a name written twice: a check
        family shares its judgement with ``ctx.memo(_judge)``.
        """
        key = (compute, *args)
        if key not in self._memo:
            self._memo[key] = compute(self, *args)
        return self._memo[key]

    def arrow(self, name: str) -> pa.Table | None:
        """The resource as read: an Arrow table of text columns ("" for an empty cell), or
        ``None`` if it is missing or cannot be read."""
        if name not in self._arrow:
            item = self.files.get(name)
            if item is None:
                self._arrow[name] = None
            else:
                try:
                    self._arrow[name], self.structures[name] = read_arrow(item)
                except TableError as error:
                    self.table_errors[name] = error
                    if error.structure is not None:
                        self.structures[name] = error.structure
                    self._arrow[name] = None
        return self._arrow[name]

    def raw(self, name: str) -> pd.DataFrame | None:
        """The resource as text columns (views of ``arrow``'s), or ``None`` if it is missing or
        cannot be read."""
        if name not in self._raw:
            table = self.arrow(name)
            self._raw[name] = None if table is None else text_frame(table)
        return self._raw[name]

    def frame(self, name: str) -> pd.DataFrame | None:
        """The resource typed from its Table Schema, or ``None`` if it cannot be read."""
        if name not in self._typed:
            table = self.arrow(name)
            self._typed[name] = None if table is None else typed_frame(table, self.schema(name))
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

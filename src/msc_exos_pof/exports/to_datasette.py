"""The Datasette export: a configuration directory that ``datasette OUT/`` serves with the
package's metadata (title, licence, source, table and column descriptions).

Datasette reads metadata from a ``metadata.json`` (``--metadata``, or beside the databases in
configuration directory mode); it does not read it from inside a database file. So this
export is a folder, written and moved into place as a whole like every folder export:
``<package name>.db`` (the SQLite export) and ``metadata.json``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..io.descriptor import read_descriptor
from ..io.locate import safe_link
from ..io.tableschema import field_list
from .to_sqlite import _write_sqlite

METADATA_NAME = "metadata.json"


def database_name(path: str | os.PathLike[str] | None = None) -> str:
    """The database's name in Datasette (its file stem): the package's name."""
    return str(read_descriptor(path).get("name") or "package")


def datasette_metadata(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Datasette metadata for the SQLite export of the package at ``path``."""
    descriptor = read_descriptor(path)
    licences = [item for item in descriptor.get("licenses") or [] if isinstance(item, dict)]
    data = next((item for item in licences if item.get("name") == "CC-BY-4.0"), None)
    licence = data or (licences[0] if licences else {})
    sources = [item for item in descriptor.get("sources") or [] if isinstance(item, dict)]
    source = sources[0] if sources else {}
    tables = {}
    for resource in descriptor.get("resources") or []:
        if not isinstance(resource, dict) or not isinstance(resource.get("name"), str):
            continue
        tables[resource["name"]] = {
            "title": resource.get("title", resource["name"]),
            "description": resource.get("description", ""),
            "columns": {
                field["name"]: field.get("description", "")
                for field in field_list(resource.get("schema"))
            },
        }
    common = {
        "license": licence.get("title") or licence.get("name", ""),
        # Datasette links these on every page: only http(s) and relative links, never
        # javascript: or data: from a copy's descriptor.
        "license_url": safe_link(licence.get("path")) or "",
        "source": source.get("title", ""),
        "source_url": safe_link(source.get("path")) or "",
    }
    return {
        "title": descriptor.get("title", ""),
        "description": descriptor.get("description", ""),
        **common,
        "databases": {
            database_name(path): {
                "title": f"{descriptor.get('title', '')} (version {descriptor.get('version')})",
                **common,
                "tables": tables,
            }
        },
    }


def _write_datasette(path: str | os.PathLike[str] | None, target: Path) -> None:
    target.mkdir()
    _write_sqlite(path, target / f"{database_name(path)}.db")
    (target / METADATA_NAME).write_text(
        json.dumps(datasette_metadata(path), indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )

"""The CSL-JSON export: the reference list as the items Zotero, Pandoc and citeproc read."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .bibliography import Entry, entries


def csl_item(entry: Entry) -> dict[str, Any]:
    """One entry as a CSL-JSON item (only what the reference list prints)."""
    item: dict[str, Any] = {
        "id": entry.key,
        "type": "article-journal" if entry.journal else "article",
        "author": [
            {"literal": a.literal} if a.literal else {"family": a.family, "given": a.given}
            for a in entry.authors
        ],
        "title": entry.title,
        "container-title": entry.journal,
        "issued": {"date-parts": [[entry.year]]},
        "volume": entry.volume,
        "issue": entry.issue,
        "page": entry.pages,
        "citation-label": str(entry.number),
    }
    return {key: value for key, value in item.items() if value not in ("", [])}


def csljson(path: str | os.PathLike[str] | None = None) -> str:
    """The reference list as CSL-JSON text (a JSON array of items)."""
    return json.dumps([csl_item(e) for e in entries(path)], indent=2, ensure_ascii=False) + "\n"


def _write_csljson(path: str | os.PathLike[str] | None, target: Path) -> None:
    target.write_text(csljson(path), encoding="utf-8")

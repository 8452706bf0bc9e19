"""The RIS export: the reference list written with rispy."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..errors import require
from .bibliography import Entry, entries, page_range


def ris_record(entry: Entry) -> dict[str, Any]:
    """One entry as a rispy record (only what the reference list prints)."""
    first, last = page_range(entry.pages)
    record: dict[str, Any] = {
        "type_of_reference": "JOUR" if entry.journal else "GEN",
        "id": entry.key,
        "authors": [a.literal or f"{a.family}, {a.given}" for a in entry.authors],
        "title": entry.title,
        "journal_name": entry.journal,
        "year": str(entry.year),
        "volume": entry.volume,
        "number": entry.issue,
        "start_page": first,
        "end_page": last,
    }
    return {key: value for key, value in record.items() if value}


def ris(path: str | os.PathLike[str] | None = None) -> str:
    """The reference list as RIS text."""
    rispy = require("rispy", "the RIS export", "bib")
    return rispy.dumps([ris_record(entry) for entry in entries(path)])  # type: ignore[attr-defined]


def _write_ris(path: str | os.PathLike[str] | None, target: Path) -> None:
    target.write_text(ris(path), encoding="utf-8")

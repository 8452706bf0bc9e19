"""The RIS export: the reference list written with rispy."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from ..errors import require
from .bibliography import Entry, entries, page_range

#: RIS is one ``TAG  - value`` per line and a record ends at ``ER  -``: a line break in a value
#: (any of them: CR, LF, VT, FF, NEL, the Unicode separators) or another control character would
#: start a tag, or a record, of its own.
_BREAKS = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]+")


def escape(text: str) -> str:
    """``text`` as one RIS value: line breaks and control characters become a space."""
    return _BREAKS.sub(" ", text).strip()


def ris_record(entry: Entry) -> dict[str, Any]:
    """One entry as a rispy record (only what the reference list prints)."""
    first, last = page_range(entry.pages)
    record: dict[str, Any] = {
        "type_of_reference": "JOUR" if entry.journal else "GEN",
        "id": escape(entry.key),
        "authors": [escape(a.literal or f"{a.family}, {a.given}") for a in entry.authors],
        "title": escape(entry.title),
        "journal_name": escape(entry.journal),
        "year": str(entry.year),
        "volume": escape(entry.volume),
        "number": escape(entry.issue),
        "start_page": escape(first),
        "end_page": escape(last),
    }
    return {key: value for key, value in record.items() if value}


def ris(path: str | os.PathLike[str] | None = None) -> str:
    """The reference list as RIS text."""
    rispy = require("rispy", "the RIS export", "bib")
    return rispy.dumps([ris_record(entry) for entry in entries(path)])  # type: ignore[attr-defined]


def _write_ris(path: str | os.PathLike[str] | None, target: Path) -> None:
    target.write_text(ris(path), encoding="utf-8")

"""The BibTeX export: the reference list written with bibtexparser (v2, or v1 if that is what
is installed)."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import require
from .bibliography import Entry, entries


def _name(author: object) -> str:
    family, given, literal = author.family, author.given, author.literal  # type: ignore[attr-defined]
    if literal:
        return "{" + literal + "}"
    family = "{" + family + "}" if " " in family else family
    return f"{family}, {given}"


def bibtex_fields(entry: Entry) -> dict[str, str]:
    """The BibTeX fields of one entry (only those the reference list prints)."""
    fields = {
        "author": " and ".join(_name(a) for a in entry.authors),
        "title": entry.title,
        "journal": entry.journal,
        "year": str(entry.year),
        "volume": entry.volume,
        "number": entry.issue,
        "pages": entry.pages.replace("-", "--") if "-" in entry.pages else entry.pages,
    }
    return {name: value for name, value in fields.items() if value}


def bibtex(path: str | os.PathLike[str] | None = None) -> str:
    """The reference list as BibTeX text (``@article`` with a journal, ``@misc`` without)."""
    parser = require("bibtexparser", "the BibTeX export", "bib")
    found = entries(path)
    if hasattr(parser, "Library"):  # bibtexparser 2
        from bibtexparser.model import Entry as BibEntry
        from bibtexparser.model import Field

        library = parser.Library()
        for entry in found:
            kind = "article" if entry.journal else "misc"
            fields = [Field(k, v) for k, v in bibtex_fields(entry).items()]
            library.add(BibEntry(kind, entry.key, fields))
        return parser.write_string(library)
    from bibtexparser.bibdatabase import BibDatabase  # bibtexparser 1

    database = BibDatabase()
    database.entries = [
        {"ENTRYTYPE": "article" if e.journal else "misc", "ID": e.key, **bibtex_fields(e)}
        for e in found
    ]
    return parser.dumps(database)


def _write_bibtex(path: str | os.PathLike[str] | None, target: Path) -> None:
    target.write_text(bibtex(path), encoding="utf-8")

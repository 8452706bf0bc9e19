"""The BibTeX export: the reference list written with bibtexparser (v2, or v1 if that is what
is installed)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..errors import require
from .bibliography import Entry, entries

#: What a citation key may hold: BibTeX ends a key at a comma, brace, quote, space, ``=``, ``#``
#: or ``%``; anything else of a copy's ``study_id`` becomes ``-``.
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_.:+/-]")
#: LaTeX's commands and groups: a backslash starts a command (``\input``), braces open and
#: close groups, and the value itself sits inside ``{...}``.
_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}"}


def escape(text: str) -> str:
    """``text`` as a BibTeX field value that shows it as written and cannot end the field,
    open another one or run a LaTeX command: backslashes and braces escaped (an escaped brace
    without its partner as ``\\textbraceleft{}``/``\\textbraceright{}``, since BibTeX counts
    braces whatever precedes them), and every other control character, a line break
    included, a space."""
    text = re.sub(r"[\x00-\x1f\x7f]+", " ", text)
    return _balanced("".join(_SPECIAL.get(char, char) for char in text))


def _balanced(escaped: str) -> str:
    """``escaped`` with its escaped braces paired, the others written without a brace."""
    tokens = re.split(r"(\\[{}])", escaped)
    opened: list[int] = []
    for index, token in enumerate(tokens):
        if token == r"\{":
            opened.append(index)
        elif token == r"\}":
            if opened:
                opened.pop()
            else:
                tokens[index] = r"\textbraceright{}"
    for index in opened:
        tokens[index] = r"\textbraceleft{}"
    return "".join(tokens)


def citation_key(key: str) -> str:
    """A citation key BibTeX reads as one key (a copy's ``study_id`` may hold anything)."""
    return _KEY_UNSAFE.sub("-", key) or "ref"


def _name(author: object) -> str:
    family, given, literal = author.family, author.given, author.literal  # type: ignore[attr-defined]
    if literal:
        return "{" + escape(literal) + "}"
    family = "{" + escape(family) + "}" if " " in family else escape(family)
    return f"{family}, {escape(given)}"


def bibtex_fields(entry: Entry) -> dict[str, str]:
    """The BibTeX fields of one entry (only those the reference list prints)."""
    pages = escape(entry.pages)
    fields = {
        "author": " and ".join(_name(a) for a in entry.authors),
        "title": escape(entry.title),
        "journal": escape(entry.journal),
        "year": str(entry.year),
        "volume": escape(entry.volume),
        "number": escape(entry.issue),
        "pages": pages.replace("-", "--") if "-" in pages else pages,
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
            library.add(BibEntry(kind, citation_key(entry.key), fields))
        return parser.write_string(library)
    from bibtexparser.bibdatabase import BibDatabase  # bibtexparser 1

    database = BibDatabase()
    database.entries = [
        {
            "ENTRYTYPE": "article" if e.journal else "misc",
            "ID": citation_key(e.key),
            **bibtex_fields(e),
        }
        for e in found
    ]
    return parser.dumps(database)


def _write_bibtex(path: str | os.PathLike[str] | None, target: Path) -> None:
    target.write_text(bibtex(path), encoding="utf-8")

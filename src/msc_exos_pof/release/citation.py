"""How to cite a release of the dataset and the review it comes from, as text or BibTeX."""

from __future__ import annotations

import os
from typing import Any

STYLES = ("text", "bibtex")

#: The review the dataset transcribes (facts printed on the article; its DOI is also in the
#: descriptor's ``review.doi``, and a test proves the two agree).
REVIEW: dict[str, Any] = {
    "authors": [
        ("Chen", "Chu-Qiao"),
        ("Wang", "Xin-Run"),
        ("Zhao", "Xiao-Jing"),
        ("Wang", "Liang"),
    ],
    "title": (
        "The therapeutic potential of exosomes derived from mesenchymal stem cells for "
        "premature ovarian failure: A systematic review"
    ),
    "journal": "Afr J Reprod Health",  # as printed on the review
    "journal_abbreviation": "Afr J Reprod Health",
    "year": 2026,
    "volume": "30",
    "issue": "7",
    "pages": ("124", "138"),
    "doi": "10.29063/ajrh2026/v30i7.11",
}


def _initials(given: str) -> str:
    """``Chu-Qiao`` -> ``CQ`` (Vancouver style, as the descriptor's source title prints it)."""
    return "".join(part[0] for part in given.replace("-", " ").split() if part)


def _dataset(path: str | os.PathLike[str] | None) -> dict[str, Any]:
    from ..io.descriptor import read_descriptor

    descriptor = read_descriptor(path)
    authors = [
        c.get("title")
        for c in descriptor.get("contributors", [])
        if isinstance(c, dict) and c.get("role") == "author" and c.get("title")
    ] or [descriptor.get("name", "msc-exos-pof")]
    created = str(descriptor.get("created") or "")
    licenses = [lic.get("name") for lic in descriptor.get("licenses", []) if isinstance(lic, dict)]
    return {
        "name": descriptor.get("name", "msc-exos-pof"),
        "title": descriptor.get("title", ""),
        "version": descriptor.get("version", ""),
        "year": created[:4] or None,
        "authors": authors,
        # The dataset has no web home of its own yet (no repository URL is published and it is
        # not on PyPI before its first release): a homepage that is the review's DOI is the
        # source, not the dataset, so the dataset is cited as the package that carries it.
        "url": None
        if REVIEW["doi"] in str(descriptor.get("homepage") or "")
        else (descriptor.get("homepage")),
        "license": licenses[0] if licenses else None,
    }


def _review_text() -> str:
    names = ", ".join(f"{family} {_initials(given)}" for family, given in REVIEW["authors"])
    first, last = REVIEW["pages"]
    return (
        f"{names}. {REVIEW['title']}. {REVIEW['journal_abbreviation']}. "
        f"{REVIEW['year']};{REVIEW['volume']}({REVIEW['issue']}):{first}-{last}. "
        f"doi:{REVIEW['doi']}"
    )


def _text(data: dict[str, Any]) -> str:
    year = f" ({data['year']})" if data["year"] else ""
    url = f" {data['url']}" if data["url"] else f" Python package {data['name']}."
    dataset = (
        f"{' & '.join(data['authors'])}{year}. {data['title']} (version {data['version']}) "
        f"[Data set].{url}"
    )
    return (
        "Please cite the dataset release you used and the review it transcribes:\n\n"
        f"{dataset}\n\n{_review_text()}\n"
    )


def _bibtex_escape(value: str) -> str:
    # BibTeX reads braces and these characters as markup; escape them so titles stay literal.
    for char in "\\{}&%$#_":
        value = value.replace(char, "\\" + char)
    return value


def _bibtex(data: dict[str, Any]) -> str:
    key_version = str(data["version"]).replace(".", "_")
    dataset_fields = [
        ("author", " and ".join("{" + _bibtex_escape(a) + "}" for a in data["authors"])),
        ("title", "{" + _bibtex_escape(data["title"]) + "}"),
        ("version", data["version"]),
        ("year", data["year"]),
        ("url", data["url"]),
        ("note", f"Data set, version {data['version']}; transcribes doi:{REVIEW['doi']}"),
    ]
    first, last = REVIEW["pages"]
    review_fields = [
        ("author", " and ".join(f"{family}, {given}" for family, given in REVIEW["authors"])),
        ("title", "{" + _bibtex_escape(REVIEW["title"]) + "}"),
        ("journal", REVIEW["journal"]),
        ("year", str(REVIEW["year"])),
        ("volume", REVIEW["volume"]),
        ("number", REVIEW["issue"]),
        ("pages", f"{first}--{last}"),
        ("doi", REVIEW["doi"]),
    ]
    return (
        _entry("misc", f"{data['name'].replace('-', '_')}_{key_version}", dataset_fields)
        + "\n"
        + _entry("article", "chen2026exosomes", review_fields)
    )


def _entry(kind: str, key: str, fields: list[tuple[str, Any]]) -> str:
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@{kind}{{{key},\n{body}\n}}\n"


def cite(style: str = "text", path: str | os.PathLike[str] | None = None) -> str:
    """Citation of the dataset release (default: the shipped package) and of the review.

    ``style`` is ``"text"`` (a reference list entry) or ``"bibtex"`` (two BibTeX entries).
    """
    if style not in STYLES:
        raise ValueError(f"unknown citation style {style!r}: expected one of {', '.join(STYLES)}")
    data = _dataset(path)
    return _text(data) if style == "text" else _bibtex(data)


def update_citation_cff(text: str, version: str, day: str) -> str:
    """CITATION.cff's text naming release ``version`` of ``day`` (its other lines untouched).

    >>> update_citation_cff("title: x\\nversion: 0.1.0\\ndate-released: 2026-11-25\\n", "1.0.0",
    ...                     "2026-12-10")
    'title: x\\nversion: 1.0.0\\ndate-released: 2026-12-10\\n'
    """
    import re

    for key, value in (("version", version), ("date-released", day)):
        text, found = re.subn(rf"(?m)^{key}:.*$", f"{key}: {value}", text)
        if not found:
            raise ValueError(f"CITATION.cff has no '{key}:' line to update; add one")
    return text

"""Escaping for the generated Markdown pages (data dictionary, errata, checks): text from a
package is shown as written, never read as Markdown, HTML or a link.

A copy's titles, descriptions, codes and notes reach the documentation site through these
pages, so ``<script>``, ``<img onerror=...>``, ``[x](javascript:...)``, ``<javascript:...>``,
``{: onclick=...}`` (attr_list) and a leading ``#`` or ``-`` must stay text: no page makes a
link, a tag or an attribute out of data.
"""

from __future__ import annotations

import re
from typing import Any

# What Python-Markdown (with the site's extensions: tables, attr_list) reads as markup anywhere
# in a line: escapes, code, emphasis, links and images, attribute lists (``|``, which ends a
# table cell, is escaped by ``cell``: outside a table ``\|`` would show its backslash).
_INLINE = re.compile(r"([\\`*_\[\]{}])")
# What starts a block at the start of a line: a heading, a list item, an ordered list item.
_BLOCK_START = re.compile(r"^(#|[-+])")
_ORDERED_START = re.compile(r"^([0-9]+)([.)])")


def _blank(value: Any) -> bool:
    """A missing cell (``None``, NaN, pandas' NA) or empty text."""
    if value is None or (isinstance(value, float) and value != value):
        return True
    return type(value).__name__ in ("NAType", "NaTType") or str(value) == ""


def escape_markdown(value: Any, inline: bool = False) -> str:
    """Free text as one line of Markdown that shows it as written: HTML special characters as
    entities (no tag, no autolink), Markdown's inline markup escaped (no emphasis, code, link
    or attribute list), a leading block marker escaped (unless ``inline``: the text
    follows other text on its line), whitespace collapsed."""
    if _blank(value):
        return ""
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE.sub(r"\\\1", " ".join(text.split()))
    if inline:
        return text
    text = _ORDERED_START.sub(r"\1\\\2", text)
    return _BLOCK_START.sub(r"\\\1", text)


def code_span(value: Any, cell: bool = False) -> str:
    """An inline code span that survives backticks in the value (``cell``: and ``|``, in a
    table cell); blank values say so."""
    if _blank(value):
        return "*(blank)*"
    text = " ".join(str(value).split())
    fence = "`"
    while fence in text:
        fence += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    span = f"{fence}{pad}{text}{pad}{fence}"
    return span.replace("|", "\\|") if cell else span


def cell(value: Any) -> str:
    """Free text for a table cell: ``escape_markdown``, and ``|`` cannot end the cell."""
    return escape_markdown(value).replace("|", "\\|")


def anchor(value: Any) -> str:
    """A heading id made from data: letters, digits, ``-`` and ``_`` only, so that it cannot
    close the attribute list it is written in (``{#...}``) and add attributes of its own."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", str(value)).strip("-") or "id"

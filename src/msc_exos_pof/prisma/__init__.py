"""The PRISMA 2020 flow diagram of the review, drawn from the package's ``prisma_flow`` counts.

Three outputs, made only from the rows of ``prisma_flow`` (node -> count), ``search_strategies``
(the per-database lines), ``search_rounds`` and ``studies.removed_round``; no count is typed into
this package:

``prisma_svg``
    A standalone SVG laid out like the PRISMA 2020 flow diagram for new systematic reviews which
    included searches of databases, registers and other sources (Page et al., BMJ
    2021;372:n71, Figure 1): the phases *Identification*, *Screening* and *Included* on the
    left; the databases-and-registers arm with its main column and, to its right, its column of
    removed and excluded records; the other-methods arm beside it with its own two columns,
    joining at "Studies included in review". Every box of the template is drawn; a count the
    data does not give is "not reported", and the reason (``note`` of ``prisma_flow``) is a
    footnote naming its round. The review pooled its 9 records from citation searching with
    the 283 from databases before removing duplicates; its 292 is a line of the databases
    arm's identification box (where those records were then screened), with a footnote that
    quotes the review. Derived counts carry a dagger and the footnote gives their derivation.

``prisma_template_csv``
    The same counts in the CSV template of the PRISMA2020 R package and Shiny app (Haddaway NR,
    Page MJ, Pritchard CC, McGuinness LA. PRISMA2020: An R package and Shiny app for producing
    PRISMA 2020-compliant flow diagrams. Campbell Syst Rev 2022;18:e1230), so the diagram can also
    be drawn there (https://estech.shinyapps.io/prisma_flowdiagram/). The rows, columns and texts
    are those of ``inst/extdata/PRISMA.csv`` in https://github.com/prisma-flowdiagram/PRISMA2020
    (MIT licence; commit 696d35e688113ecb6b7f3ae57395de496252ed0a, package version 0.0.3). Only
    the ``n`` column changes: counts come from the data, nodes the data does not count are
    ``NA``, and the title and phase rows keep the template's value.

``review_history`` (``history_svg``, ``history_table``, ``history_csv``)
    Each version's search round (PRISMA-LSR): date searched, records, new studies, removed
    studies, total.

A living copy with more than one search round gets the PRISMA 2020 template for updated
reviews (Page et al., Figure 2): the last round's flow, "Studies included in previous version
of review" in its own column on the left, "New studies included in review" and "Total studies
included in review" at the bottom; the template CSV then fills ``previous_studies``,
``new_studies`` and ``total_studies`` (and their reports when counted).

Modules: ``data`` (reading the counts of one round), ``layout`` (the template's boxes, texts
and geometry), ``svg`` (drawing), ``template`` (the R package's CSV), ``history`` (the versions).
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import OutputInsidePackageError

# The module's names from before it became a folder stay importable from here.
from .data import (  # noqa: F401
    DAGGER,
    FlowCount,
    database_counts,
    flow_counts,
    flow_nodes,
    search_rounds,
)

#: Names of the drawing modules, imported when first used: the gate reads ``data`` only, and
#: the layout, the SVG and the template cost it nothing then.
_LAZY = {
    "RoundHistory": "history",
    "history_csv": "history",
    "history_svg": "history",
    "history_table": "history",
    "review_history": "history",
    "HEADERS": "layout",
    "TEMPLATE": "layout",
    "prisma_svg": "svg",
    "TEMPLATE_COLUMNS": "template",
    "TEMPLATE_ROWS": "template",
    "prisma_template_csv": "template",
    "template_nodes": "template",
}


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)


__all__ = [
    "prisma_svg",
    "prisma_template_csv",
    "review_history",
    "history_svg",
    "history_table",
    "history_csv",
    "RoundHistory",
    "write_prisma",
    "flow_counts",
    "database_counts",
    "FlowCount",
    "OutputInsidePackageError",
]

# ---------------------------------------------------------------------------------------------
# Writing


def refuse_package_folder(out: str | os.PathLike[str], path: str | os.PathLike[str] | None) -> None:
    """Raise ``OutputInsidePackageError`` if ``out`` lies in the package folder of ``path`` or
    in the shipped package's folder: a stray file there would change what the gate checks."""
    from ..io.atomic import refuse_inside_package

    refuse_inside_package(out, path, shipped=True)


def write_prisma(
    svg: str | os.PathLike[str] | None = None,
    csv_file: str | os.PathLike[str] | None = None,
    path: str | os.PathLike[str] | None = None,
    history: bool = False,
) -> list[Path]:
    """Write the SVG diagram and/or the template CSV of the package at ``path``, atomically
    (``history``: the review history figure and its CSV instead).

    Both outputs are made before either is written, so a package that cannot be read leaves
    no file behind. Refuses (``OutputInsidePackageError``) an output inside the package folder.
    Returns the paths written.
    """
    from ..io.atomic import refuse_unless_replaceable, write_text_atomic
    from .history import history_csv, history_svg
    from .svg import prisma_svg
    from .template import prisma_template_csv

    makers = (history_svg, history_csv) if history else (prisma_svg, prisma_template_csv)
    pairs = zip((svg, csv_file), makers, strict=True)
    outputs = [(file, make) for file, make in pairs if file is not None]
    # Read the package first: a wrong PATH is reported as such, not as an output problem.
    texts = [(file, make(path)) for file, make in outputs]
    for file, _ in texts:
        refuse_package_folder(file, path)
        refuse_unless_replaceable(file)  # every output checked before the first is written
    return [write_text_atomic(file, text) for file, text in texts]

"""The review's history across versions (PRISMA-LSR): each search round's date, records, new
studies, removed studies and total, from ``search_rounds``, ``prisma_flow`` and the
``removed_round`` of ``studies``; as rows, a text table, CSV and an SVG figure.

PRISMA-LSR (BMJ 2024;387:e079183) asks a living review to report each search's date and the
search and selection results across versions. Nothing here is typed in: a count the data does
not give is "not reported".
"""

from __future__ import annotations

import csv
import io
import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from ..io.descriptor import read_descriptor
from .data import NOT_REPORTED, flow_counts, removals_per_round, round_details, search_rounds
from .layout import FONT_SIZE, GREY_HEADER_FILL, LINE, MARGIN, PAD, SMALL, TextLine, text_width
from .layout import TEMPLATE_BOXES as _BOXES
from .svg import document_root, draw_text, rect

#: Nodes whose counts add up to the records a round identified: the lines of the template's
#: "Records identified from" boxes of both arms (the review's pooled total is not a source).
SOURCES = tuple(
    node
    for box in ("identified", "other_identified")
    for node in _BOXES[box].nodes
    if node != "identified_total"
)
COLUMNS = (
    "Round",
    "Version",
    "Searched",
    "Records identified",
    "New studies",
    "Studies removed",
    "Total studies",
)


@dataclass(frozen=True)
class RoundHistory:
    """One version of the review: its search round and what the round changed."""

    round: int
    version: str | None
    searched: str | None
    records: int | None
    new_studies: int | None
    removed: int
    total: int | None
    changes: str | None

    def cells(self) -> tuple[str, ...]:
        """The row as text, in the order of ``COLUMNS``."""

        def shown(value: int | None) -> str:
            return NOT_REPORTED if value is None else str(value)

        version = self.version or ("published review" if self.round == 1 else NOT_REPORTED)
        return (
            str(self.round),
            version,
            self.searched or NOT_REPORTED,
            shown(self.records),
            shown(self.new_studies),
            str(self.removed),
            shown(self.total),
        )


def review_history(path: str | os.PathLike[str] | None = None) -> list[RoundHistory]:
    """Each search round of the package at ``path`` (default: the shipped package), in order.

    Records are the sum of the round's counted sources (databases, registers, websites,
    organisations, citation searching); the total is the round's ``total_studies``, or for the
    published review its included studies; removed studies are the studies whose
    ``removed_round`` is the round.

    >>> [row.cells() for row in review_history()]
    [('1', 'published review', '2025-07', '292', '17', '0', '17')]
    """
    details = round_details(path)
    removed = removals_per_round(path)
    out = []
    for number in sorted(set(search_rounds(path)) | set(details)):
        flow = flow_counts(path, number)
        counted = {node: item.count for node, item in flow.items() if item.reported}
        sources = [counted[node] for node in SOURCES if node in counted]
        total = counted.get("total_studies")
        if number == 1 and total is None:
            total = counted.get("new_studies")  # the published review: its studies are its total
        found = details.get(number)
        out.append(
            RoundHistory(
                round=number,
                version=found.version if found else None,
                searched=found.searched if found else None,
                records=sum(sources) if sources else None,
                new_studies=counted.get("new_studies"),
                removed=removed.get(number, 0),
                total=total,
                changes=found.changes if found else None,
            )
        )
    return out


def history_table(path: str | os.PathLike[str] | None = None) -> str:
    """The history as a plain-text table (what ``msc-exos-pof prisma --history`` prints)."""
    rows = [COLUMNS, *(row.cells() for row in review_history(path))]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def history_csv(path: str | os.PathLike[str] | None = None) -> str:
    """The history as CSV, with the changes each version made (PRISMA-LSR)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ("round", "version", "searched", "records", "new_studies", "removed", "total", "changes")
    )
    for row in review_history(path):
        writer.writerow(
            (
                row.round,
                row.version or "",
                row.searched or "",
                "" if row.records is None else row.records,
                "" if row.new_studies is None else row.new_studies,
                row.removed,
                "" if row.total is None else row.total,
                row.changes or "",
            )
        )
    return buffer.getvalue()


def history_svg(path: str | os.PathLike[str] | None = None) -> str:
    """The history as a figure: one row per version of the review, oldest first."""
    descriptor = read_descriptor(path)
    rows = [row.cells() for row in review_history(path)]
    widths = [  # the header row (index 0) is bold: measured as such
        max(text_width(cell, FONT_SIZE, bold=index == 0) for index, cell in enumerate(column))
        + 2 * PAD
        for column in zip(COLUMNS, *rows, strict=True)
    ]
    row_height = LINE + PAD
    title = "Review history: the search and selection results of each version (PRISMA-LSR)"
    package = f"{descriptor.get('name', 'the package')} {descriptor.get('version', '')}".rstrip()
    source = f"From search_rounds, prisma_flow and studies (removed_round) of {package}."
    width = max(sum(widths), text_width(title, FONT_SIZE, bold=True)) + 2 * MARGIN
    table_top = MARGIN + LINE + 10
    height = table_top + row_height * (len(rows) + 1) + 10 + LINE + MARGIN
    svg = document_root(
        width,
        height,
        f"Review history: {descriptor.get('title') or descriptor.get('name', '')}",
        f"Each search round of {package}: date searched, records identified, new studies, "
        "studies removed and the total included.",
        "prisma-history",
    )
    draw_text(svg, [TextLine(title, bold=True)], MARGIN, MARGIN, anchor="start")
    for index, cells in enumerate([COLUMNS, *rows]):
        group = ET.SubElement(
            svg,
            "g",
            {"class": "prisma-history-row", "data-round": cells[0] if index else "header"},
        )
        y = table_top + row_height * index
        x = MARGIN
        for cell, cell_width in zip(cells, widths, strict=True):
            fill = GREY_HEADER_FILL if index == 0 else "#FFFFFF"
            rect(group, x, y, cell_width, row_height, fill=fill)
            draw_text(group, [TextLine(cell, bold=index == 0)], x + cell_width / 2, y + PAD / 2)
            x += cell_width
    notes_top = table_top + row_height * (len(rows) + 1) + 10
    draw_text(svg, [TextLine(source)], MARGIN, notes_top, "start", SMALL)
    ET.indent(svg, space=" ")
    return ET.tostring(svg, encoding="unicode") + "\n"


__all__ = [
    "RoundHistory",
    "review_history",
    "history_table",
    "history_csv",
    "history_svg",
]

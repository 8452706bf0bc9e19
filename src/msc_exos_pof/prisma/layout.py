"""Where the boxes of the PRISMA 2020 diagram go: box texts, wrapping and the geometry.

No drawing here (``prisma.svg`` draws); only text and pixels. Text is wrapped by an estimate of
its width (there are no font metrics without a renderer), so the estimate is deliberately
generous: 0.6 em per character for Arial.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from .data import FlowCount, count_text

#: ``prisma_flow`` node -> the PRISMA 2020 template's box text (heading lines, then the count).
#: Nodes outside this mapping are drawn with their ``label`` from the data.
BOX_TEXT: dict[str, tuple[str, ...]] = {
    "database_results": ("Records identified from databases",),
    "citations_results": ("Records identified from citation searching",),
    "identified_total": ("Records identified in total",),
    "duplicates": ("Records removed before screening:", "Duplicate records removed"),
    "records_screened": ("Records screened",),
    "records_excluded": ("Records excluded",),
    "reports_sought": ("Reports sought for retrieval",),
    "reports_not_retrieved": ("Reports not retrieved",),
    "reports_assessed": ("Reports assessed for eligibility",),
    "reports_excluded": ("Reports excluded",),
    "new_studies": ("Studies included in review",),
}

#: The box texts that differ in the template for updated reviews.
UPDATED_BOX_TEXT: dict[str, tuple[str, ...]] = {
    "previous_studies": ("Studies included in previous version of review",),
    "new_studies": ("New studies included in review",),
    "total_studies": ("Total studies included in review",),
}

#: Rows of the diagram, top to bottom: (phase, node in the main column, node to its right).
#: The first row's right-hand box is the template's "other methods" arm, which feeds the next
#: row's box instead of receiving an arrow from the left.
LAYOUT: tuple[tuple[str, str | None, str | None], ...] = (
    ("Identification", "database_results", "citations_results"),
    ("Identification", "identified_total", "duplicates"),
    ("Screening", "records_screened", "records_excluded"),
    ("Screening", "reports_sought", "reports_not_retrieved"),
    ("Screening", "reports_assessed", "reports_excluded"),
    ("Included", "new_studies", None),
)
#: The template for updated reviews adds the total below the new studies.
UPDATED_LAYOUT = (*LAYOUT, ("Included", "total_studies", None))

#: The template's headers above the two arms.
ARM_HEADERS = (
    "Identification of studies via databases and registers",
    "Identification of studies via other methods",
)
#: The headers of the template for updated reviews: previous studies, then the two arms.
UPDATED_HEADERS = (
    "Previous studies",
    "Identification of new studies via databases and registers",
    "Identification of new studies via other methods",
)

FONT = "Arial, Helvetica, sans-serif"
FONT_SIZE = 14
SMALL = 12
LINE = 18
CHAR_WIDTH = 0.6
PAD = 12
MARGIN = 16
PHASE_WIDTH = 34
BOX_WIDTH = 330
COLUMN_GAP = 70
ROW_GAP = 34
INDENT = 16
FIRST_X = MARGIN + PHASE_WIDTH + 20

PHASE_FILL = "#A8CBEA"
MAIN_HEADER_FILL = "#FFC000"
OTHER_HEADER_FILL = "#D9D9D9"
OTHER_BOX_FILL = "#F2F2F2"


@dataclass
class Box:
    node: str
    x: float
    width: float
    lines: list[tuple[str, int]]  # (text, indent in pixels)
    fill: str = "#FFFFFF"
    tooltip: str = ""
    y: float = 0.0

    @property
    def height(self) -> float:
        return 2 * PAD + LINE * len(self.lines)


@dataclass
class Columns:
    """The x of each column: previous studies (updated reviews only), main arm, side arm."""

    previous: float | None
    main: float
    side: float

    @classmethod
    def make(cls, updated: bool) -> Columns:
        main = FIRST_X + (BOX_WIDTH + COLUMN_GAP if updated else 0)
        return cls(FIRST_X if updated else None, main, main + BOX_WIDTH + COLUMN_GAP)

    @property
    def width(self) -> float:
        return self.side + BOX_WIDTH + MARGIN


@dataclass
class Rows:
    """The diagram's rows with their boxes placed: tops, heights and the bottom of the body."""

    rows: list[tuple[str, Box | None, Box | None]]
    heights: list[float] = field(default_factory=list)
    tops: list[float] = field(default_factory=list)
    bottom: float = 0.0

    def phases(self) -> list[str]:
        return list(dict.fromkeys(phase for phase, _, _ in self.rows))

    def indices(self, phase: str) -> list[int]:
        return [i for i, row in enumerate(self.rows) if row[0] == phase]


def wrap(text: str, width: float, size: int = FONT_SIZE) -> list[str]:
    """Lines of ``text`` that fit ``width`` pixels; a count "(n = ...)" is never split."""
    columns = max(8, int((width - 2 * PAD) / (CHAR_WIDTH * size)))
    protected = text.replace("(n = ", "(n\u00a0=\u00a0")
    lines = textwrap.wrap(protected, columns, break_long_words=False, break_on_hyphens=False)
    return [line.replace("\u00a0", " ") for line in lines] or [""]


def box_lines(
    item: FlowCount,
    width: float,
    databases: list[tuple[str, int | None]],
    texts: dict[str, tuple[str, ...]] = BOX_TEXT,
) -> list[tuple[str, int]]:
    heading = texts.get(item.node, (item.label,))
    lines: list[tuple[str, int]] = []
    for text in heading[:-1]:
        lines.extend((line, 0) for line in wrap(text, width))
    lines.extend((line, 0) for line in wrap(f"{heading[-1]} {count_text(item)}", width))
    if item.node == "database_results":
        # PRISMA 2020 asks for the records per database where feasible; Table 1 gives them.
        for name, records in databases:
            shown = "not reported" if records is None else str(records)
            wrapped = wrap(f"{name} (n = {shown})", width - INDENT)
            lines.extend((line, INDENT) for line in wrapped)
    return lines


def tooltip(item: FlowCount) -> str:
    parts = [f"{item.label} ({item.node})"]
    if item.evidence:
        parts.append(f"Review: \u201c{item.evidence}\u201d")
    if item.derivation:
        parts.append(f"Derived: {item.derivation}")
    return "\n".join(parts)


def make_box(
    item: FlowCount | None,
    x: float,
    databases: list[tuple[str, int | None]],
    texts: dict[str, tuple[str, ...]] = BOX_TEXT,
) -> Box | None:
    if item is None:
        return None
    return Box(
        node=item.node,
        x=x,
        width=BOX_WIDTH,
        lines=box_lines(item, BOX_WIDTH, databases, texts),
        tooltip=tooltip(item),
    )


def build_rows(
    flow: dict[str, FlowCount],
    databases: list[tuple[str, int | None]],
    columns: Columns,
    layout: tuple[tuple[str, str | None, str | None], ...] = LAYOUT,
    texts: dict[str, tuple[str, ...]] = BOX_TEXT,
) -> Rows:
    """The rows of ``layout`` that have a box, each box made from its node's count."""
    rows: list[tuple[str, Box | None, Box | None]] = []
    for phase, main_node, side_node in layout:
        main = make_box(flow.get(main_node or ""), columns.main, databases, texts)
        side = make_box(flow.get(side_node or ""), columns.side, databases, texts)
        if main is None and side is None:
            continue
        if side is not None and side_node == "citations_results":
            side.fill = OTHER_BOX_FILL
        rows.append((phase, main, side))
    return Rows(rows)


def header_block(headers: tuple[str, ...]) -> tuple[list[list[str]], float]:
    """The wrapped header texts and the height of the header band."""
    lines = [wrap(text, BOX_WIDTH) for text in headers]
    return lines, 2 * 8 + LINE * max(len(item) for item in lines)


def place_rows(rows: Rows, top: float, first_row_extra: Box | None = None) -> None:
    """Vertical layout from ``top``: each row as tall as its taller box (``first_row_extra``
    joins the first row), with phases stretched so their rotated label fits."""
    y = top
    heights = []
    for index, (_, main, side) in enumerate(rows.rows):
        boxes = [box for box in (main, side) if box is not None]
        if index == 0 and first_row_extra is not None:
            boxes.append(first_row_extra)
        heights.append(max(box.height for box in boxes))
    for phase in rows.phases():
        indices = rows.indices(phase)
        needed = len(phase) * CHAR_WIDTH * FONT_SIZE + 24
        span = sum(heights[i] for i in indices) + ROW_GAP * (len(indices) - 1)
        if span < needed:
            heights[indices[-1]] += needed - span
    tops: list[float] = []
    for index, ((_, main, side), height) in enumerate(zip(rows.rows, heights, strict=True)):
        tops.append(y)
        boxes = [main, side] + ([first_row_extra] if index == 0 else [])
        for box in boxes:
            if box is not None:
                box.y = y + (height - box.height) / 2
        y += height + ROW_GAP
    rows.heights, rows.tops, rows.bottom = heights, tops, y - ROW_GAP

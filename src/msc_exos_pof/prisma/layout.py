"""Where the boxes of the PRISMA 2020 diagram go: the template's boxes, their texts, the geometry.

No drawing here (``prisma.svg`` draws a ``Diagram``); only text and pixels. The template is the
PRISMA 2020 flow diagram for new (and for updated) systematic reviews which included searches of
databases, registers and other sources (Page MJ et al. BMJ 2021;372:n71, Figures 1 and 2): phases
on the left, then for each arm its main column and, to its right, the column of what it removed
or excluded. The placement follows the PRISMA2020 R package's ``PRISMA_flowdiagram()``
(https://github.com/prisma-flowdiagram/PRISMA2020, R/PRISMA_flowdiagram.R): previous studies in
the left column, the databases-and-registers arm in the middle, the other-methods arm on the
right; the other-methods arm joins at the included studies, the previous studies at the total.

Text is wrapped by an estimate of its width (there are no font metrics without a renderer): the
advance widths of Arial/Helvetica grouped in a few classes, rounded up. The geometry test renders
the SVG in Chromium and measures the real text (tests/test_prisma_render.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .data import DAGGER, FlowCount, count_text, pooled

# --- the template ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """A node shown as one entry of a template box."""

    node: str
    text: str
    #: The text in the template for updated reviews, where it differs.
    updated: str | None = None
    #: Drawn only when the data has a row: a source or removal the template lists "if used".
    optional: bool = False


@dataclass(frozen=True)
class TemplateBox:
    """A box of the template: its column, its row and the nodes it shows."""

    box: str
    column: str
    row: str
    lines: tuple[Line, ...]
    heading: str | None = None

    @property
    def nodes(self) -> tuple[str, ...]:
        return tuple(line.node for line in self.lines)


#: Columns, left to right: previous studies (updated reviews), then each arm's main column and
#: its column of removed or excluded records.
COLUMNS = ("previous", "databases", "databases_excluded", "other", "other_excluded")
#: The arm each column belongs to.
ARMS = {
    "previous": "previous",
    "databases": "databases",
    "databases_excluded": "databases",
    "other": "other",
    "other_excluded": "other",
}
#: Rows, top to bottom, and the phase each belongs to.
ROWS = ("identification", "screened", "sought", "assessed", "included", "total")
PHASES = (
    ("Identification", ("identification",)),
    ("Screening", ("screened", "sought", "assessed")),
    ("Included", ("included", "total")),
)

#: Every box of the template and the ``prisma_flow`` nodes it shows; together they show every
#: node of the ``prisma_flow.node`` enum (a test holds them to it).
TEMPLATE: tuple[TemplateBox, ...] = (
    TemplateBox(
        "previous",
        "previous",
        "identification",
        (
            Line("previous_studies", "Studies included in previous version of review"),
            Line("previous_reports", "Reports of studies included in previous version of review"),
        ),
    ),
    TemplateBox(
        "identified",
        "databases",
        "identification",
        (
            Line("database_results", "Databases"),
            Line("register_results", "Registers", optional=True),
            # Not a template line: the review's pooled total (see ``POOLED_TEXT``).
            Line("identified_total", "In total", optional=True),
        ),
        heading="Records identified from:",
    ),
    TemplateBox(
        "removed",
        "databases_excluded",
        "identification",
        (
            Line("duplicates", "Duplicate records removed"),
            Line(
                "excluded_automatic",
                "Records marked as ineligible by automation tools",
                optional=True,
            ),
            Line("excluded_other", "Records removed for other reasons", optional=True),
        ),
        heading="Records removed before screening:",
    ),
    TemplateBox(
        "other_identified",
        "other",
        "identification",
        (
            Line("website_results", "Websites", optional=True),
            Line("organisation_results", "Organisations", optional=True),
            Line("citations_results", "Citation searching"),
        ),
        heading="Records identified from:",
    ),
    TemplateBox(
        "screened", "databases", "screened", (Line("records_screened", "Records screened"),)
    ),
    TemplateBox(
        "screened_excluded",
        "databases_excluded",
        "screened",
        (Line("records_excluded", "Records excluded"),),
    ),
    TemplateBox(
        "sought", "databases", "sought", (Line("reports_sought", "Reports sought for retrieval"),)
    ),
    TemplateBox(
        "not_retrieved",
        "databases_excluded",
        "sought",
        (Line("reports_not_retrieved", "Reports not retrieved"),),
    ),
    TemplateBox(
        "assessed",
        "databases",
        "assessed",
        (Line("reports_assessed", "Reports assessed for eligibility"),),
    ),
    TemplateBox(
        "assessed_excluded",
        "databases_excluded",
        "assessed",
        (Line("reports_excluded", "Reports excluded"),),
    ),
    TemplateBox(
        "other_sought",
        "other",
        "sought",
        (Line("other_reports_sought", "Reports sought for retrieval"),),
    ),
    TemplateBox(
        "other_not_retrieved",
        "other_excluded",
        "sought",
        (Line("other_reports_not_retrieved", "Reports not retrieved"),),
    ),
    TemplateBox(
        "other_assessed",
        "other",
        "assessed",
        (Line("other_reports_assessed", "Reports assessed for eligibility"),),
    ),
    TemplateBox(
        "other_excluded",
        "other_excluded",
        "assessed",
        (Line("other_reports_excluded", "Reports excluded"),),
    ),
    TemplateBox(
        "included",
        "databases",
        "included",
        (
            Line("new_studies", "Studies included in review", "New studies included in review"),
            Line("new_reports", "Reports of included studies", "Reports of new included studies"),
        ),
    ),
    TemplateBox(
        "total",
        "databases",
        "total",
        (
            Line("total_studies", "Total studies included in review"),
            Line("total_reports", "Reports of total included studies"),
        ),
    ),
)
TEMPLATE_BOXES = {box.box: box for box in TEMPLATE}
#: Boxes of the template for updated reviews only.
UPDATED_ONLY = ("previous", "total")

#: The line of ``identified_total`` when the other-methods records were pooled with the database
#: records before de-duplication (as the review did): the template has no box for it, so it is a
#: line of the databases arm's box, where those records were then screened.
POOLED_TEXT = "Pooled with other methods before de-duplication"

#: Arrows between boxes: (from, to, how). "down" joins a main column; "right" a box to its
#: exclusion box; "join" the other-methods arm to the included studies and the previous studies
#: to the total (down the arm's column, then across).
ARROWS: tuple[tuple[str, str, str], ...] = (
    ("identified", "removed", "right"),
    ("identified", "screened", "down"),
    ("screened", "screened_excluded", "right"),
    ("screened", "sought", "down"),
    ("sought", "not_retrieved", "right"),
    ("sought", "assessed", "down"),
    ("assessed", "assessed_excluded", "right"),
    ("assessed", "included", "down"),
    ("included", "total", "down"),
    ("other_identified", "other_sought", "down"),
    ("other_sought", "other_not_retrieved", "right"),
    ("other_sought", "other_assessed", "down"),
    ("other_assessed", "other_excluded", "right"),
    ("other_assessed", "included", "join"),
    ("previous", "total", "join"),
)

#: The template's headers above the arms (new reviews, updated reviews).
HEADERS = {
    "previous": ("Previous studies", "Previous studies"),
    "databases": (
        "Identification of studies via databases and registers",
        "Identification of new studies via databases and registers",
    ),
    "other": (
        "Identification of studies via other methods",
        "Identification of new studies via other methods",
    ),
}
#: Marks of the notes (``note`` of prisma_flow), in order of first use; the dagger is the
#: derived counts'.
NOTE_MARKS = ("\u2021", "\u00a7", "\u00b6", "\u2016", "#", "**", DAGGER * 2, "\u2021\u2021")

# --- sizes and colours -------------------------------------------------------------------------

FONT = "Arial, Helvetica, 'Liberation Sans', sans-serif"
FONT_SIZE = 14
SMALL = 12
LINE = 18
NOTE_LINE = 16
PAD = 12
MARGIN = 16
PHASE_WIDTH = 34
BOX_WIDTH = 264
SIDE_GAP = 44  # between an arm's main column and its exclusion column (a right arrow)
ARM_GAP = 56  # between arms
ROW_GAP = 36
INDENT = 14
HEADER_GAP = 20
FIRST_X = MARGIN + PHASE_WIDTH + 20

PHASE_FILL = "#A8CBEA"
MAIN_HEADER_FILL = "#FFC000"
GREY_HEADER_FILL = "#D9D9D9"
GREY_BOX_FILL = "#F2F2F2"
WHITE = "#FFFFFF"

# --- text --------------------------------------------------------------------------------------

_EM = (
    (" fijlt.,:;'!|I[]\u00a0", 0.28),
    ('r()-"*/\u2016', 0.34),
    ("mwMW%\u2026", 0.88),
    ("\u2020\u2021\u00a7\u00b6#&", 0.6),
)


def text_width(text: str, size: int = FONT_SIZE, bold: bool = False) -> float:
    """An upper estimate of the width of ``text`` in Arial (Liberation Sans) at ``size`` px."""
    em = 0.0
    for char in text:
        for chars, width in _EM:
            if char in chars:
                em += width
                break
        else:
            em += 0.72 if char.isupper() else 0.57
    return em * size * (1.08 if bold else 1.03)


def wrap(text: str, width: float, size: int = FONT_SIZE, bold: bool = False) -> list[str]:
    """Lines of ``text`` that fit ``width`` pixels; a count "(n = ...)" is never split."""
    words = text.replace("(n = ", "(n\u00a0=\u00a0").replace("not reported", "not\u00a0reported")
    lines: list[str] = []
    for word in words.split(" "):
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and text_width(candidate, size, bold) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return [line.replace("\u00a0", " ") for line in lines] or [""]


# --- geometry ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextLine:
    text: str
    indent: float = 0.0
    bold: bool = False


@dataclass
class Box:
    """A box placed in the diagram."""

    box: str
    column: str
    row: str
    nodes: tuple[str, ...]
    x: float
    lines: list[TextLine]
    fill: str = WHITE
    tooltip: str = ""
    centred: bool = True
    width: float = BOX_WIDTH
    y: float = 0.0

    @property
    def height(self) -> float:
        return 2 * PAD + LINE * len(self.lines)

    @property
    def bottom(self) -> float:
        return self.y + self.height

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.width / 2, self.y + self.height / 2


@dataclass
class Header:
    arm: str
    x: float
    width: float
    lines: list[str]
    fill: str
    y: float = MARGIN
    height: float = 0.0


@dataclass
class Phase:
    label: str
    y: float
    height: float
    x: float = MARGIN
    width: float = PHASE_WIDTH


@dataclass
class Arrow:
    source: str
    target: str
    points: list[tuple[float, float]]


@dataclass
class Diagram:
    """Everything ``prisma.svg`` draws, placed."""

    width: float
    height: float
    headers: list[Header]
    phases: list[Phase]
    boxes: dict[str, Box]
    arrows: list[Arrow]
    notes: list[str]
    notes_top: float
    updated: bool
    round: int
    footnotes: list[str] = field(default_factory=list)


def column_xs(updated: bool, other: bool) -> dict[str, float]:
    """The x of each column the diagram uses."""
    xs: dict[str, float] = {}
    x = FIRST_X
    if updated:
        xs["previous"] = x
        x += BOX_WIDTH + ARM_GAP
    xs["databases"] = x
    xs["databases_excluded"] = x + BOX_WIDTH + SIDE_GAP
    if other:
        xs["other"] = xs["databases_excluded"] + BOX_WIDTH + ARM_GAP
        xs["other_excluded"] = xs["other"] + BOX_WIDTH + SIDE_GAP
    return xs


class Marks:
    """Footnote marks for the notes of the flow: one per distinct note, in order of use."""

    def __init__(self) -> None:
        self.by_note: dict[str, str] = {}

    def __call__(self, item: FlowCount | None) -> str:
        if item is None or not item.note:
            return ""
        if item.note not in self.by_note:
            self.by_note[item.note] = NOTE_MARKS[len(self.by_note) % len(NOTE_MARKS)]
        return self.by_note[item.note]


def box_lines(
    template: TemplateBox,
    flow: dict[str, FlowCount],
    databases: list[tuple[str, int | None]],
    updated: bool,
    marks: Marks,
) -> list[TextLine]:
    """The text of a box: its heading, then each of its nodes' text and count (a listed box
    indents its entries; the databases list the records of each database below them)."""
    width = BOX_WIDTH - 2 * PAD
    lines: list[TextLine] = []
    indent = 0.0
    if template.heading:
        lines += [TextLine(text) for text in wrap(template.heading, width)]
        indent = INDENT
    for line in template.lines:
        item = flow.get(line.node)
        if line.optional and item is None:
            continue
        text = (line.updated if updated and line.updated else line.text) or line.text
        if line.node == "identified_total":
            counted = {node for node, row in flow.items() if row.reported}
            text = POOLED_TEXT if pooled(counted) else text
        count = count_text(item, marks(item))
        if template.heading:  # a list: "Databases (n = 283)", as the template writes it
            lines += [TextLine(part, indent) for part in wrap(f"{text} {count}", width - indent)]
        else:  # a box of its own: the count on a line below its text, as in the template
            lines += [TextLine(part) for part in wrap(text, width)]
            lines.append(TextLine(count))
        if line.node == "database_results":
            # PRISMA 2020 asks for the records per database where feasible; Table 1 gives them.
            for name, records in databases:
                shown = "not reported" if records is None else str(records)
                wrapped = wrap(f"{name} (n = {shown})", width - 2 * indent)
                lines += [TextLine(part, 2 * indent) for part in wrapped]
    return lines


def tooltip(template: TemplateBox, flow: dict[str, FlowCount]) -> str:
    """The hover text: each node's label with the review's words, derivation and note."""
    parts = []
    for line in template.lines:
        item = flow.get(line.node)
        if item is None:
            if not line.optional:
                parts.append(f"{line.text} ({line.node}): no row in prisma_flow")
            continue
        parts.append(f"{item.label} ({item.node})")
        if item.evidence:
            parts.append(f"Review: \u201c{item.evidence}\u201d")
        if item.derivation:
            parts.append(f"Derived: {item.derivation}")
        if item.note:
            parts.append(f"Note: {item.note}")
    return "\n".join(parts)


def arm_drawn(arm: str, flow: dict[str, FlowCount], updated: bool) -> bool:
    """The databases arm always; the other-methods arm when the data has a row for one of its
    nodes; the previous studies in the template for updated reviews."""
    if arm == "databases":
        return True
    if arm == "previous":
        return updated
    return any(node in flow for box in TEMPLATE if ARMS[box.column] == arm for node in box.nodes)


def place_boxes(
    flow: dict[str, FlowCount],
    databases: list[tuple[str, int | None]],
    updated: bool,
    marks: Marks,
) -> dict[str, Box]:
    """Every box of the template that the diagram draws, with its text, at its column's x."""
    xs = column_xs(updated, arm_drawn("other", flow, updated))
    boxes: dict[str, Box] = {}
    for template in TEMPLATE:
        if template.column not in xs or (template.box in UPDATED_ONLY and not updated):
            continue
        arm = ARMS[template.column]
        boxes[template.box] = Box(
            box=template.box,
            column=template.column,
            row=template.row,
            nodes=template.nodes,
            x=xs[template.column],
            lines=box_lines(template, flow, databases, updated, marks),
            fill=GREY_BOX_FILL if arm in ("other", "previous") else WHITE,
            tooltip=tooltip(template, flow),
            centred=template.heading is None,
        )
    return boxes


def place_rows(boxes: dict[str, Box], top: float) -> tuple[dict[str, tuple[float, float]], float]:
    """Each used row's (top, height), every box centred in its row; the bottom of the body.

    A phase is at least as tall as its rotated label."""
    used = [row for row in ROWS if any(box.row == row for box in boxes.values())]
    heights = {row: max(b.height for b in boxes.values() if b.row == row) for row in used}
    for label, rows in PHASES:
        present = [row for row in rows if row in heights]
        if not present:
            continue
        needed = text_width(label, FONT_SIZE, bold=True) + 2 * PAD
        span = sum(heights[row] for row in present) + ROW_GAP * (len(present) - 1)
        if span < needed:
            heights[present[-1]] += needed - span
    placed: dict[str, tuple[float, float]] = {}
    y = top
    for row in used:
        placed[row] = (y, heights[row])
        for box in boxes.values():
            if box.row == row:
                box.y = y + (heights[row] - box.height) / 2
        y += heights[row] + ROW_GAP
    return placed, y - ROW_GAP


def place_headers(boxes: dict[str, Box], updated: bool) -> tuple[list[Header], float]:
    """The headers above the arms drawn, each as wide as its arm's columns; the band's height."""
    headers = []
    for arm, texts in HEADERS.items():
        columns = [box for box in boxes.values() if ARMS[box.column] == arm]
        if not columns:
            continue
        left = min(box.x for box in columns)
        right = max(box.x + box.width for box in columns)
        fill = MAIN_HEADER_FILL if arm == "databases" else GREY_HEADER_FILL
        lines = wrap(texts[1 if updated else 0], right - left - 2 * PAD, bold=True)
        headers.append(Header(arm, left, right - left, lines, fill))
    height = 2 * 8 + LINE * max(len(header.lines) for header in headers)
    for header in headers:
        header.height = height
    return headers, height


def place_phases(rows: dict[str, tuple[float, float]]) -> list[Phase]:
    phases = []
    for label, names in PHASES:
        present = [rows[name] for name in names if name in rows]
        if present:
            top = present[0][0]
            bottom = present[-1][0] + present[-1][1]
            phases.append(Phase(label, top, bottom - top))
    return phases


def route(source: Box, target: Box, how: str) -> list[tuple[float, float]]:
    """The points of an arrow from ``source`` to ``target``."""
    if how == "down":
        x = source.x + source.width / 2
        return [(x, source.bottom), (x, target.y)]
    if how == "right":
        y = (max(source.y, target.y) + min(source.bottom, target.bottom)) / 2
        return [(source.x + source.width, y), (target.x, y)]
    # "join": down the source's column to the middle of the target, then across to its side.
    x = source.x + source.width / 2
    y = target.y + target.height / 2
    side = target.x + target.width if source.x > target.x else target.x
    return [(x, source.bottom), (x, y), (side, y)]


def place_arrows(boxes: dict[str, Box]) -> list[Arrow]:
    return [
        Arrow(source, target, route(boxes[source], boxes[target], how))
        for source, target, how in ARROWS
        if source in boxes and target in boxes
    ]


# --- the notes under the diagram ---------------------------------------------------------------


def _quotes(items: list[FlowCount]) -> list[str]:
    """The distinct evidence of ``items``, leaving out a quote another one contains."""
    found = list(dict.fromkeys(item.evidence for item in items if item.evidence))
    return [q for q in found if not any(q != other and q in other for other in found)]


def footnotes(
    flow: dict[str, FlowCount],
    boxes: dict[str, Box],
    marks: Marks,
    round_name: str,
    closing: str,
    updated: bool = False,
) -> list[str]:
    """The notes, each naming the round it is about: derived counts, the notes of the data
    (with the words they rest on), template boxes with no row, rows with no box, the source."""
    notes = []
    for item in flow.values():
        if item.derived:
            how = item.derivation or "from other counts"
            notes.append(f"{DAGGER} {round_name}: {item.label} is not stated; derived as {how}.")
    for note, mark in marks.by_note.items():
        sharing = [item for item in flow.values() if item.note == note]
        text = f"{mark} {round_name}: {note}"
        quotes = _quotes(sharing)
        if quotes:
            who = "The review" if all(item.round == 1 for item in sharing) else "Evidence"
            text += f" {who}: " + " \u2026 ".join(f"\u201c{q}\u201d" for q in quotes) + "."
        notes.append(text)
    drawn = {
        line.node: (line, box.column)
        for box in boxes.values()
        for line in TEMPLATE_BOXES[box.box].lines
    }
    missing = [
        ((line.updated if updated and line.updated else line.text) or line.text)
        + (" (other methods)" if ARMS[column] == "other" else "")
        for node, (line, column) in drawn.items()
        if node not in flow and not line.optional
    ]
    if missing:
        notes.append(
            f"{round_name}: no row in prisma_flow for " + "; ".join(missing) + ", so shown as "
            "not reported."
        )
    extra = [item for item in flow.values() if item.node not in drawn]
    if extra:
        notes.append(
            f"{round_name}, also in the data: "
            + "; ".join(f"{item.label} {count_text(item)}" for item in extra)
            + "."
        )
    notes.append(closing)
    return notes


def build_diagram(
    flow: dict[str, FlowCount],
    databases: list[tuple[str, int | None]],
    updated: bool,
    round_number: int,
    round_name: str,
    closing: str,
) -> Diagram:
    """The placed diagram of one round's flow (``updated``: the template for updated reviews)."""
    marks = Marks()
    boxes = place_boxes(flow, databases, updated, marks)
    headers, header_height = place_headers(boxes, updated)
    rows, bottom = place_rows(boxes, MARGIN + header_height + HEADER_GAP)
    width = max(box.x + box.width for box in boxes.values()) + MARGIN
    notes = footnotes(flow, boxes, marks, round_name, closing, updated)
    note_lines = [line for note in notes for line in wrap(note, width - 2 * MARGIN, SMALL)]
    notes_top = bottom + HEADER_GAP
    return Diagram(
        width=width,
        height=notes_top + NOTE_LINE * len(note_lines) + MARGIN,
        headers=headers,
        phases=place_phases(rows),
        boxes=boxes,
        arrows=place_arrows(boxes),
        notes=note_lines,
        notes_top=notes_top,
        updated=updated,
        round=round_number,
        footnotes=notes,
    )

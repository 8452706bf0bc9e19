"""The PRISMA 2020 flow diagram of the review, drawn from the package's ``prisma_flow`` counts.

Two outputs, both made only from the rows of ``prisma_flow`` (node -> count) and, for the
per-database lines, ``search_strategies``; no count is typed into this module:

``prisma_svg``
    A standalone SVG laid out like the PRISMA 2020 template for new systematic reviews that
    searched databases and other sources (Page et al., BMJ 2021;372:n71, Figure 1): the phases
    *Identification*, *Screening* and *Included* on the left, the main column of boxes with arrows
    down, the boxes of removed or excluded records to the right. The review pooled the 9 records
    from reference-list (citation) searching with the 283 from databases before duplicates were
    removed, so the "other methods" box joins the main column above "Records identified in total"
    instead of running down its own column as in the template. Counts the review does not state
    (``basis = derived``) carry a dagger and the footnote gives their ``derivation``.

``prisma_template_csv``
    The same counts in the CSV template of the PRISMA2020 R package and Shiny app (Haddaway NR,
    Page MJ, Pritchard CC, McGuinness LA. PRISMA2020: An R package and Shiny app for producing
    PRISMA 2020-compliant flow diagrams. Campbell Syst Rev 2022;18:e1230), so the diagram can also
    be drawn there (https://estech.shinyapps.io/prisma_flowdiagram/). The rows, columns and texts
    are those of ``inst/extdata/PRISMA.csv`` in https://github.com/prisma-flowdiagram/PRISMA2020
    (MIT licence; commit 696d35e688113ecb6b7f3ae57395de496252ed0a, package version 0.0.3). Only
    the ``n`` column changes: counts come from the data, nodes the review does not report are
    ``NA``, and the title and phase rows keep the template's value.
"""

from __future__ import annotations

import csv
import io
import os
import textwrap
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import OutputInsidePackageError
from ..io.descriptor import read_descriptor
from ..io.locate import inside_package

__all__ = [
    "prisma_svg",
    "prisma_template_csv",
    "write_prisma",
    "flow_counts",
    "database_counts",
    "FlowCount",
    "OutputInsidePackageError",
]

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

#: The template's headers above the two arms.
ARM_HEADERS = (
    "Identification of studies via databases and registers",
    "Identification of studies via other methods",
)

DAGGER = "\u2020"

# Geometry in pixels. Text is wrapped by an estimate of its width (no font metrics without a
# renderer), so the estimate is deliberately generous: 0.6 em per character for Arial.
_FONT = "Arial, Helvetica, sans-serif"
_FONT_SIZE = 14
_SMALL = 12
_LINE = 18
_CHAR_WIDTH = 0.6
_PAD = 12
_MARGIN = 16
_PHASE_WIDTH = 34
_BOX_WIDTH = 330
_COLUMN_GAP = 70
_ROW_GAP = 34
_MAIN_X = _MARGIN + _PHASE_WIDTH + 20
_SIDE_X = _MAIN_X + _BOX_WIDTH + _COLUMN_GAP
_WIDTH = _SIDE_X + _BOX_WIDTH + _MARGIN

_PHASE_FILL = "#A8CBEA"
_MAIN_HEADER_FILL = "#FFC000"
_OTHER_HEADER_FILL = "#D9D9D9"
_OTHER_BOX_FILL = "#F2F2F2"


@dataclass(frozen=True)
class FlowCount:
    """One row of ``prisma_flow``: a node of the flow and its count."""

    node: str
    step: int | None
    count: int | None
    label: str
    basis: str | None
    evidence: str | None
    derivation: str | None

    @property
    def derived(self) -> bool:
        return self.basis == "derived"


def flow_counts(path: str | os.PathLike[str] | None = None) -> dict[str, FlowCount]:
    """The ``prisma_flow`` rows of the package at ``path`` (default: shipped), keyed by node.

    Rows keep the order of their ``step``. Raises ``PackageError`` if the package cannot be read
    and ``TableError`` if the table cannot.
    """
    from ..io.convert import load_frame

    frame = load_frame("prisma_flow", path)
    if "step" in frame:
        frame = frame.sort_values("step", kind="stable", na_position="last")
    out: dict[str, FlowCount] = {}
    for row in frame.to_dict("records"):
        node = _text(row.get("node"))
        if node is None:
            continue
        out[node] = FlowCount(
            node=node,
            step=_integer(row.get("step")),
            count=_integer(row.get("count")),
            label=_text(row.get("label")) or node,
            basis=_text(row.get("basis")),
            evidence=_text(row.get("evidence")),
            derivation=_text(row.get("derivation")),
        )
    return out


def database_counts(path: str | os.PathLike[str] | None = None) -> list[tuple[str, int | None]]:
    """(database, records) from ``search_strategies`` in Table 1 order; empty if it is absent."""
    from ..errors import TableError
    from ..io.convert import load_frame

    try:
        frame = load_frame("search_strategies", path)
    except (KeyError, TableError):
        return []
    if not {"database", "records"} <= set(frame):
        return []
    if "table_row" in frame:
        frame = frame.sort_values("table_row", kind="stable", na_position="last")
    out = []
    for database, records in zip(frame["database"], frame["records"], strict=True):
        name = _text(database)
        if name is not None:
            out.append((name, _integer(records)))
    return out


def _missing(value: Any) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))


def _text(value: Any) -> str | None:
    return None if _missing(value) else (str(value) or None)


def _integer(value: Any) -> int | None:
    return None if _missing(value) else int(value)


def _count_text(item: FlowCount) -> str:
    count = "not reported" if item.count is None else str(item.count)
    return f"(n = {count}{DAGGER if item.derived else ''})"


# ---------------------------------------------------------------------------------------------
# The SVG


@dataclass
class _Box:
    node: str
    x: float
    width: float
    lines: list[tuple[str, int]]  # (text, indent in pixels)
    fill: str = "#FFFFFF"
    tooltip: str = ""
    y: float = 0.0

    @property
    def height(self) -> float:
        return 2 * _PAD + _LINE * len(self.lines)


def _wrap(text: str, width: float, size: int = _FONT_SIZE) -> list[str]:
    """Lines of ``text`` that fit ``width`` pixels; a count "(n = ...)" is never split."""
    columns = max(8, int((width - 2 * _PAD) / (_CHAR_WIDTH * size)))
    protected = text.replace("(n = ", "(n\u00a0=\u00a0")
    lines = textwrap.wrap(protected, columns, break_long_words=False, break_on_hyphens=False)
    return [line.replace("\u00a0", " ") for line in lines] or [""]


_INDENT = 16


def _box_lines(
    item: FlowCount, width: float, databases: list[tuple[str, int | None]]
) -> list[tuple[str, int]]:
    heading = BOX_TEXT.get(item.node, (item.label,))
    lines: list[tuple[str, int]] = []
    for text in heading[:-1]:
        lines.extend((line, 0) for line in _wrap(text, width))
    lines.extend((line, 0) for line in _wrap(f"{heading[-1]} {_count_text(item)}", width))
    if item.node == "database_results":
        # PRISMA 2020 asks for the records per database where feasible; Table 1 gives them.
        for name, records in databases:
            shown = "not reported" if records is None else str(records)
            wrapped = _wrap(f"{name} (n = {shown})", width - _INDENT)
            lines.extend((line, _INDENT) for line in wrapped)
    return lines


def _tooltip(item: FlowCount) -> str:
    parts = [f"{item.label} ({item.node})"]
    if item.evidence:
        parts.append(f"Review: \u201c{item.evidence}\u201d")
    if item.derivation:
        parts.append(f"Derived: {item.derivation}")
    return "\n".join(parts)


def _element(parent: ET.Element, tag: str, **attributes: Any) -> ET.Element:
    # Attributes keep the order given, so the output is byte-identical across runs.
    return ET.SubElement(
        parent, tag, {key.rstrip("_").replace("_", "-"): str(v) for key, v in attributes.items()}
    )


def _number(value: float) -> str:
    return f"{value:g}"


def _draw_text(
    parent: ET.Element,
    lines: list[tuple[str, int]],
    x: float,
    top: float,
    anchor: str = "middle",
    size: int = _FONT_SIZE,
    line: int = _LINE,
    bold: bool = False,
) -> None:
    """One ``<text>`` per line (``(text, indent)``), the first baseline 3/4 of a line down."""
    for index, (text, indent) in enumerate(lines):
        attributes: dict[str, Any] = {
            "x": _number(x + indent),
            "y": _number(top + line * index + line * 0.75),
        }
        if anchor != "start":
            attributes["text_anchor"] = anchor
        if size != _FONT_SIZE:
            attributes["font_size"] = size
        if bold:
            attributes["font_weight"] = "bold"
        _element(parent, "text", **attributes).text = text


def _draw_box(parent: ET.Element, box: _Box) -> None:
    group = _element(parent, "g", class_="prisma-box", id=f"prisma-{box.node}")
    _element(group, "title").text = box.tooltip
    _element(
        group,
        "rect",
        x=_number(box.x),
        y=_number(box.y),
        width=_number(box.width),
        height=_number(box.height),
        fill=box.fill,
        stroke="#000000",
        stroke_width="1.2",
    )
    # Centred like the template, except a box with an indented list (the databases).
    centred = not any(indent for _, indent in box.lines)
    _draw_text(
        group,
        box.lines,
        box.x + box.width / 2 if centred else box.x + _PAD,
        box.y + _PAD,
        anchor="middle" if centred else "start",
    )


def _arrow(parent: ET.Element, points: list[tuple[float, float]], head: bool = True) -> None:
    attributes: dict[str, Any] = {
        "points": " ".join(f"{_number(x)},{_number(y)}" for x, y in points),
        "fill": "none",
        "stroke": "#000000",
        "stroke_width": "1.5",
    }
    if head:
        attributes["marker_end"] = "url(#prisma-arrowhead)"
    _element(parent, "polyline", **attributes)


def prisma_svg(path: str | os.PathLike[str] | None = None) -> str:
    """The PRISMA 2020 flow diagram of the package at ``path`` as a standalone SVG document.

    ``path`` is a ``datapackage.json`` or its folder; default: the shipped package. Every count
    comes from ``prisma_flow`` (and the per-database lines from ``search_strategies``); hovering
    a box shows the node's label and the sentence of the review that states its count. The
    string has no XML declaration, so it can be written to a ``.svg`` file or inlined in HTML,
    and it is byte-identical for the same data.

    >>> svg = prisma_svg()
    >>> svg.startswith("<svg") and "Studies included in review (n = 17)" in svg
    True
    """
    flow = flow_counts(path)
    databases = database_counts(path) if "database_results" in flow else []
    descriptor = read_descriptor(path)

    rows: list[tuple[str, _Box | None, _Box | None]] = []
    for phase, main_node, side_node in LAYOUT:
        main = _make_box(flow.get(main_node or ""), _MAIN_X, databases)
        side = _make_box(flow.get(side_node or ""), _SIDE_X, databases)
        if main is None and side is None:
            continue
        if side is not None and side_node == "citations_results":
            side.fill = _OTHER_BOX_FILL
        rows.append((phase, main, side))
    other_arm = any(side is not None and side.node == "citations_results" for _, _, side in rows)

    # Vertical layout: the arm headers, then each row as tall as its taller box, with phases
    # stretched so their rotated label fits.
    header_lines = [_wrap(text, _BOX_WIDTH) for text in ARM_HEADERS]
    header_height = 2 * 8 + _LINE * max(len(lines) for lines in header_lines)
    y = _MARGIN + header_height + 20
    heights = [max(box.height for box in (main, side) if box is not None) for _, main, side in rows]
    for phase in dict.fromkeys(phase for phase, _, _ in rows):
        indices = [i for i, row in enumerate(rows) if row[0] == phase]
        needed = len(phase) * _CHAR_WIDTH * _FONT_SIZE + 24
        span = sum(heights[i] for i in indices) + _ROW_GAP * (len(indices) - 1)
        if span < needed:
            heights[indices[-1]] += needed - span
    row_tops: list[float] = []
    for (_, main, side), height in zip(rows, heights, strict=True):
        row_tops.append(y)
        for box in (main, side):
            if box is not None:
                box.y = y + (height - box.height) / 2
        y += height + _ROW_GAP
    body_bottom = y - _ROW_GAP

    notes = _footnotes(flow, descriptor)
    note_lines = [line for note in notes for line in _wrap(note, _WIDTH - 2 * _MARGIN, _SMALL)]
    height = body_bottom + 20 + 16 * len(note_lines) + _MARGIN

    title = f"PRISMA 2020 flow diagram: {descriptor.get('title') or descriptor.get('name', '')}"
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "width": _number(_WIDTH),
            "height": _number(height),
            "viewBox": f"0 0 {_number(_WIDTH)} {_number(height)}",
            "role": "img",
            "aria-labelledby": "prisma-title prisma-desc",
            "font-family": _FONT,
            "font-size": str(_FONT_SIZE),
        },
    )
    _element(svg, "title", id="prisma-title").text = title
    _element(svg, "desc", id="prisma-desc").text = (
        "Flow of records through the review's identification, screening and inclusion, "
        f"from the prisma_flow resource of {descriptor.get('name', 'the package')} "
        f"{descriptor.get('version', '')}".rstrip()
    )
    defs = _element(svg, "defs")
    marker = _element(
        defs,
        "marker",
        id="prisma-arrowhead",
        viewBox="0 0 10 10",
        refX="10",
        refY="5",
        markerWidth="8",
        markerHeight="8",
        orient="auto-start-reverse",
    )
    _element(marker, "path", d="M 0 0 L 10 5 L 0 10 z", fill="#000000")
    _element(
        svg, "rect", x="0", y="0", width=_number(_WIDTH), height=_number(height), fill="#FFFFFF"
    )

    # Arm headers.
    fills = (_MAIN_HEADER_FILL, _OTHER_HEADER_FILL)
    for index, (x, lines) in enumerate(zip((_MAIN_X, _SIDE_X), header_lines, strict=True)):
        if index == 1 and not other_arm:
            continue
        group = _element(svg, "g", class_="prisma-header")
        _element(
            group,
            "rect",
            x=_number(x),
            y=_number(_MARGIN),
            width=_number(_BOX_WIDTH),
            height=_number(header_height),
            rx="6",
            fill=fills[index],
            stroke="#000000",
            stroke_width="1",
        )
        top = _MARGIN + (header_height - _LINE * len(lines)) / 2
        _draw_text(group, [(line, 0) for line in lines], x + _BOX_WIDTH / 2, top, bold=True)

    # Phase bars with rotated labels.
    for phase in dict.fromkeys(phase for phase, _, _ in rows):
        indices = [i for i, row in enumerate(rows) if row[0] == phase]
        top = row_tops[indices[0]]
        bottom = row_tops[indices[-1]] + heights[indices[-1]]
        group = _element(svg, "g", class_="prisma-phase")
        _element(
            group,
            "rect",
            x=_number(_MARGIN),
            y=_number(top),
            width=_number(_PHASE_WIDTH),
            height=_number(bottom - top),
            rx="6",
            fill=_PHASE_FILL,
            stroke="#000000",
            stroke_width="1",
        )
        cx, cy = _MARGIN + _PHASE_WIDTH / 2, (top + bottom) / 2
        label = _element(
            group,
            "text",
            x=_number(cx),
            y=_number(cy + 5),
            text_anchor="middle",
            font_weight="bold",
            transform=f"rotate(-90 {_number(cx)} {_number(cy)})",
        )
        label.text = phase

    # Boxes and arrows.
    mains = [main for _, main, _ in rows]
    for index, (_, main, side) in enumerate(rows):
        for box in (main, side):
            if box is not None:
                _draw_box(svg, box)
        below = next((box for box in mains[index + 1 :] if box is not None), None)
        centre = _MAIN_X + _BOX_WIDTH / 2
        if main is not None and below is not None:
            _arrow(svg, [(centre, main.y + main.height), (centre, below.y)])
        if side is None:
            continue
        if side.node == "citations_results" and below is not None:
            # The review pooled these records with the database records: join the main arrow.
            junction = (below.y + row_tops[index] + heights[index]) / 2
            side_centre = _SIDE_X + _BOX_WIDTH / 2
            _arrow(
                svg,
                [(side_centre, side.y + side.height), (side_centre, junction), (centre, junction)],
                head=main is None,
            )
        elif main is not None:
            middle = side.y + side.height / 2
            _arrow(svg, [(_MAIN_X + _BOX_WIDTH, middle), (_SIDE_X, middle)])

    # Footnotes.
    group = _element(svg, "g", class_="prisma-notes")
    _draw_text(
        group,
        [(line, 0) for line in note_lines],
        _MARGIN,
        body_bottom + 20,
        anchor="start",
        size=_SMALL,
        line=16,
    )
    ET.indent(svg, space=" ")
    return ET.tostring(svg, encoding="unicode") + "\n"


def _make_box(
    item: FlowCount | None, x: float, databases: list[tuple[str, int | None]]
) -> _Box | None:
    if item is None:
        return None
    return _Box(
        node=item.node,
        x=x,
        width=_BOX_WIDTH,
        lines=_box_lines(item, _BOX_WIDTH, databases),
        tooltip=_tooltip(item),
    )


def _footnotes(flow: dict[str, FlowCount], descriptor: dict[str, Any]) -> list[str]:
    notes = []
    for item in flow.values():
        if item.derived:
            how = item.derivation or "from other counts"
            notes.append(f"{DAGGER} {item.label}: not stated in the review; derived: {how}")
    drawn = {node for _, main, side in LAYOUT for node in (main, side) if node}
    missing = [BOX_TEXT[node][-1] for node in BOX_TEXT if node in drawn and node not in flow]
    if missing:
        notes.append("Not reported in the review, so not drawn: " + "; ".join(missing) + ".")
    extra = [item for item in flow.values() if item.node not in drawn]
    if extra:
        notes.append(
            "Also in the data: "
            + "; ".join(f"{item.label} {_count_text(item)}" for item in extra)
            + "."
        )
    notes.append(
        f"Counts: prisma_flow of {descriptor.get('name', 'the package')} "
        f"{descriptor.get('version', '')}. Layout: PRISMA 2020 flow diagram for new systematic "
        "reviews (Page MJ et al. BMJ 2021;372:n71)."
    )
    return notes


# ---------------------------------------------------------------------------------------------
# The PRISMA2020 R package / Shiny app template

#: Columns of the template CSV.
TEMPLATE_COLUMNS = ("data", "node", "box", "description", "boxtext", "tooltips", "url", "n")

#: The template's rows: (data, node, box, description, boxtext, tooltips, url, n). ``n`` is the
#: template's placeholder; count rows get the package's count or NA.
TEMPLATE_ROWS: tuple[tuple[str, ...], ...] = (
    (
        "NA",
        "node4",
        "prevstud",
        "Grey title box; Previous studies",
        "Previous studies",
        "Grey title box; Previous studies",
        "prevstud.html",
        "0",
    ),
    (
        "previous_studies",
        "node5",
        "box1",
        "Studies included in previous version of review",
        "Studies included in previous version of review",
        "Studies included in previous version of review",
        "previous_studies.html",
        "0",
    ),
    (
        "previous_reports",
        "NA",
        "box1",
        "Reports of studies included in previous version of review",
        "Reports of studies included in previous version of review",
        "NA",
        "previous_reports.html",
        "0",
    ),
    (
        "NA",
        "node6",
        "newstud",
        "Yellow title box; Identification of new studies via databases and registers",
        "Identification of new studies via databases and registers",
        "Yellow title box; Identification of new studies via databases and registers",
        "newstud.html",
        "0",
    ),
    (
        "database_results",
        "node7",
        "box2",
        "Records identified from: Databases",
        "Databases",
        "Records identified from: Databases and Registers",
        "database_results.html",
        "0",
    ),
    (
        "database_specific_results",
        "NA",
        "box2",
        "Records identified from: specific databases",
        "Specific Databases",
        "NA",
        "database_results.html",
        "Database 1, xxx; Database 2, xxx; Database 3, xxx",
    ),
    (
        "register_results",
        "NA",
        "box2",
        "Records identified from: Registers",
        "Registers",
        "NA",
        "NA",
        "0",
    ),
    (
        "register_specific_results",
        "NA",
        "box2",
        "Records identified from: specific registers",
        "Specific Registers",
        "NA",
        "database_results.html",
        "Register 1, xxx; Register 2, xxx; Register 3, xxx",
    ),
    (
        "NA",
        "node16",
        "othstud",
        "Grey title box; Identification of new studies via other methods",
        "Identification of new studies via other methods",
        "Grey title box; Identification of new studies via other methods",
        "othstud.html",
        "0",
    ),
    (
        "website_results",
        "node17",
        "box11",
        "Records identified from: Websites",
        "Websites",
        "Records identified from: Websites, Organisations and Citation Searching",
        "website_results.html",
        "0",
    ),
    (
        "organisation_results",
        "",
        "box11",
        "Records identified from: Organisations",
        "Organisations",
        "NA",
        "NA",
        "0",
    ),
    (
        "citations_results",
        "NA",
        "box11",
        "Records identified from: Citation searching",
        "Citation searching",
        "NA",
        "NA",
        "0",
    ),
    (
        "duplicates",
        "node8",
        "box3",
        "Duplicate records",
        "Duplicate records",
        "Duplicate records",
        "duplicates.html",
        "0",
    ),
    (
        "excluded_automatic",
        "NA",
        "box3",
        "Records marked as ineligible by automation tools",
        "Records marked as ineligible by automation tools",
        "NA",
        "NA",
        "0",
    ),
    (
        "excluded_other",
        "NA",
        "box3",
        "Records removed for other reasons",
        "Records removed for other reasons",
        "NA",
        "NA",
        "0",
    ),
    (
        "records_screened",
        "node9",
        "box4",
        "Records screened (databases and registers)",
        "Records screened",
        "Records screened (databases and registers)",
        "records_screened.html",
        "0",
    ),
    (
        "records_excluded",
        "node10",
        "box5",
        "Records excluded (databases and registers)",
        "Records excluded",
        "Records excluded (databases and registers)",
        "records_excluded.html",
        "0",
    ),
    (
        "dbr_sought_reports",
        "node11",
        "box6",
        "Reports sought for retrieval (databases and registers)",
        "Reports sought for retrieval",
        "Reports sought for retrieval (databases and registers)",
        "dbr_sought_reports.html",
        "0",
    ),
    (
        "dbr_notretrieved_reports",
        "node12",
        "box7",
        "Reports not retrieved (databases and registers)",
        "Reports not retrieved",
        "Reports not retrieved (databases and registers)",
        "dbr_notretrieved_reports.html",
        "0",
    ),
    (
        "other_sought_reports",
        "node18",
        "box12",
        "Reports sought for retrieval (other)",
        "Reports sought for retrieval",
        "Reports sought for retrieval (other)",
        "other_sought_reports.html",
        "0",
    ),
    (
        "other_notretrieved_reports",
        "node19",
        "box13",
        "Reports not retrieved (other)",
        "Reports not retrieved",
        "Reports not retrieved (other)",
        "other_notretrieved_reports.html",
        "0",
    ),
    (
        "dbr_assessed",
        "node13",
        "box8",
        "Reports assessed for eligibility (databases and registers)",
        "Reports assessed for eligibility",
        "Reports assessed for eligibility (databases and registers)",
        "dbr_assessed.html",
        "0",
    ),
    (
        "dbr_excluded",
        "node14",
        "box9",
        "Reports excluded (databases and registers): [separate reasons and numbers using ; e.g. "
        "Reason1, xxx; Reason2, xxx; Reason3, xxx]",
        "Reports excluded",
        "Reports excluded (databases and registers)",
        "dbrexcludedrecords.html",
        "Reason1, xxx; Reason2, xxx; Reason3, xxx",
    ),
    (
        "other_assessed",
        "node20",
        "box14",
        "Reports assessed for eligibility (other)",
        "Reports assessed for eligibility",
        "Reports assessed for eligibility (other)",
        "other_assessed.html",
        "0",
    ),
    (
        "other_excluded",
        "node21",
        "box15",
        "Reports excluded (other): [separate reasons and numbers using ; e.g. Reason1, xxx; "
        "Reason2, xxx; Reason3, xxx]",
        "Reports excluded",
        "Reports excluded (other)",
        "other_excluded.html",
        "Reason1, xxx; Reason2, xxx; Reason3, xxx",
    ),
    (
        "new_studies",
        "node15",
        "box10",
        "New studies included in review",
        "New studies included in review",
        "New studies included in review",
        "new_studies.html",
        "0",
    ),
    (
        "new_reports",
        "NA",
        "box10",
        "Reports of new included studies",
        "Reports of new included studies",
        "NA",
        "NA",
        "0",
    ),
    (
        "total_studies",
        "node22",
        "box16",
        "Total studies included in review",
        "Total studies included in review",
        "Total studies included in review",
        "total_studies.html",
        "0",
    ),
    (
        "total_reports",
        "NA",
        "box16",
        "Reports of total included studies",
        "Reports of total included studies",
        "NA",
        "NA",
        "0",
    ),
    (
        "identification",
        "node1",
        "identification",
        "Blue identification box",
        "Identification",
        "Blue identification box",
        "identification.html",
        "0",
    ),
    (
        "screening",
        "node2",
        "screening",
        "Blue screening box",
        "Screening",
        "Blue screening box",
        "screening.html",
        "0",
    ),
    (
        "included",
        "node3",
        "included",
        "Blue included box",
        "Included",
        "Blue included box",
        "included.html",
        "0",
    ),
)

#: Template ``data`` name -> ``prisma_flow`` node that gives its count. The review reports no
#: registers, websites, organisations, retrieval or previous version, and pooled the citation
#: search records into the database arm: its screening and full-text counts fill the template's
#: "databases and registers" (``dbr_``) boxes. ``identified_total`` has no template row (the
#: R package adds the arms itself).
TEMPLATE_NODES: dict[str, str] = {
    "database_results": "database_results",
    "citations_results": "citations_results",
    "duplicates": "duplicates",
    "records_screened": "records_screened",
    "records_excluded": "records_excluded",
    "dbr_sought_reports": "reports_sought",
    "dbr_notretrieved_reports": "reports_not_retrieved",
    "dbr_assessed": "reports_assessed",
    "dbr_excluded": "reports_excluded",
    "new_studies": "new_studies",
}

#: Template rows that are titles or phase labels, not counts: their ``n`` stays as written.
_TEMPLATE_TITLE_ROWS = {"NA", "identification", "screening", "included"}


def prisma_template_csv(path: str | os.PathLike[str] | None = None) -> str:
    """The counts of the package at ``path`` in the PRISMA2020 R package / Shiny app template.

    Load the text in https://estech.shinyapps.io/prisma_flowdiagram/ ("upload a CSV") or in R
    with ``PRISMA2020::PRISMA_data(read.csv(file))``. Counts come from ``prisma_flow`` (see
    ``TEMPLATE_NODES``); ``database_specific_results`` lists ``search_strategies`` as
    "Database, records; ..."; every other count is ``NA`` (not reported).

    >>> text = prisma_template_csv()
    >>> text.splitlines()[0]
    'data,node,box,description,boxtext,tooltips,url,n'
    """
    flow = flow_counts(path)
    databases = database_counts(path)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(TEMPLATE_COLUMNS)
    for row in TEMPLATE_ROWS:
        data = row[0]
        if data in _TEMPLATE_TITLE_ROWS:
            count = row[-1]
        elif data == "database_specific_results" and databases:
            # The template splits entries on ";" and a name from its count on ",".
            count = "; ".join(
                f"{_template_name(name)}, {'NA' if records is None else records}"
                for name, records in databases
            )
        else:
            item = flow.get(TEMPLATE_NODES.get(data, ""))
            count = "NA" if item is None or item.count is None else str(item.count)
        writer.writerow((*row[:-1], count))
    return buffer.getvalue()


def _template_name(name: str) -> str:
    return name.replace(";", " ").replace(",", " ")


# ---------------------------------------------------------------------------------------------
# Writing


def refuse_package_folder(out: str | os.PathLike[str], path: str | os.PathLike[str] | None) -> None:
    """Raise ``OutputInsidePackageError`` if ``out`` lies in the package folder of ``path`` or
    in the shipped package's folder: a stray file there would change what the gate checks."""
    folder = inside_package(out, path, shipped=True)
    if folder is not None:
        raise OutputInsidePackageError(
            f"refusing to write {out} inside the data package folder {folder}; "
            "write outputs somewhere else"
        )


def write_prisma(
    svg: str | os.PathLike[str] | None = None,
    csv_file: str | os.PathLike[str] | None = None,
    path: str | os.PathLike[str] | None = None,
) -> list[Path]:
    """Write the SVG diagram and/or the template CSV of the package at ``path``, atomically.

    Both outputs are made before either is written, so a package that cannot be read leaves
    no file behind. Refuses (``OutputInsidePackageError``) an output inside the package folder.
    Returns the paths written.
    """
    from ..io.atomic import write_text_atomic

    outputs = [
        (file, make)
        for file, make in ((svg, prisma_svg), (csv_file, prisma_template_csv))
        if file is not None
    ]
    # Read the package first: a wrong PATH is reported as such, not as an output problem.
    texts = [(file, make(path)) for file, make in outputs]
    for file, _ in texts:
        refuse_package_folder(file, path)
    return [write_text_atomic(file, text) for file, text in texts]

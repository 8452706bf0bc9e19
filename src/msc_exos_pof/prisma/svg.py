"""Drawing the PRISMA 2020 diagram as SVG: one small function per part of the picture.

The layout comes from ``prisma.layout``; attributes keep the order given, so the output is
byte-identical across runs for the same data.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from typing import Any

from ..io.descriptor import read_descriptor
from .data import DAGGER, FlowCount, count_text, database_counts, flow_counts, search_rounds
from .layout import (
    ARM_HEADERS,
    BOX_TEXT,
    BOX_WIDTH,
    FONT,
    FONT_SIZE,
    LAYOUT,
    LINE,
    MAIN_HEADER_FILL,
    MARGIN,
    OTHER_HEADER_FILL,
    PAD,
    PHASE_FILL,
    PHASE_WIDTH,
    SMALL,
    UPDATED_BOX_TEXT,
    UPDATED_HEADERS,
    UPDATED_LAYOUT,
    Box,
    Columns,
    Rows,
    build_rows,
    header_block,
    make_box,
    place_rows,
    wrap,
)


def element(parent: ET.Element, tag: str, **attributes: Any) -> ET.Element:
    # Attributes keep the order given, so the output is byte-identical across runs.
    return ET.SubElement(
        parent, tag, {key.rstrip("_").replace("_", "-"): str(v) for key, v in attributes.items()}
    )


def number(value: float) -> str:
    return f"{value:g}"


def draw_text(
    parent: ET.Element,
    lines: list[tuple[str, int]],
    x: float,
    top: float,
    anchor: str = "middle",
    size: int = FONT_SIZE,
    line: int = LINE,
    bold: bool = False,
) -> None:
    """One ``<text>`` per line (``(text, indent)``), the first baseline 3/4 of a line down."""
    for index, (text, indent) in enumerate(lines):
        attributes: dict[str, Any] = {
            "x": number(x + indent),
            "y": number(top + line * index + line * 0.75),
        }
        if anchor != "start":
            attributes["text_anchor"] = anchor
        if size != FONT_SIZE:
            attributes["font_size"] = size
        if bold:
            attributes["font_weight"] = "bold"
        element(parent, "text", **attributes).text = text


def draw_box(parent: ET.Element, box: Box) -> None:
    group = element(parent, "g", class_="prisma-box", id=f"prisma-{box.node}")
    element(group, "title").text = box.tooltip
    element(
        group,
        "rect",
        x=number(box.x),
        y=number(box.y),
        width=number(box.width),
        height=number(box.height),
        fill=box.fill,
        stroke="#000000",
        stroke_width="1.2",
    )
    # Centred like the template, except a box with an indented list (the databases).
    centred = not any(indent for _, indent in box.lines)
    draw_text(
        group,
        box.lines,
        box.x + box.width / 2 if centred else box.x + PAD,
        box.y + PAD,
        anchor="middle" if centred else "start",
    )


def arrow(parent: ET.Element, points: list[tuple[float, float]], head: bool = True) -> None:
    attributes: dict[str, Any] = {
        "points": " ".join(f"{number(x)},{number(y)}" for x, y in points),
        "fill": "none",
        "stroke": "#000000",
        "stroke_width": "1.5",
    }
    if head:
        attributes["marker_end"] = "url(#prisma-arrowhead)"
    element(parent, "polyline", **attributes)


def document(descriptor: dict[str, Any], width: float, height: float) -> ET.Element:
    """The ``<svg>`` root with its title, description, arrowhead marker and white background."""
    title = f"PRISMA 2020 flow diagram: {descriptor.get('title') or descriptor.get('name', '')}"
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "width": number(width),
            "height": number(height),
            "viewBox": f"0 0 {number(width)} {number(height)}",
            "role": "img",
            "aria-labelledby": "prisma-title prisma-desc",
            "font-family": FONT,
            "font-size": str(FONT_SIZE),
        },
    )
    element(svg, "title", id="prisma-title").text = title
    element(svg, "desc", id="prisma-desc").text = (
        "Flow of records through the review's identification, screening and inclusion, "
        f"from the prisma_flow resource of {descriptor.get('name', 'the package')} "
        f"{descriptor.get('version', '')}".rstrip()
    )
    defs = element(svg, "defs")
    marker = element(
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
    element(marker, "path", d="M 0 0 L 10 5 L 0 10 z", fill="#000000")
    element(svg, "rect", x="0", y="0", width=number(width), height=number(height), fill="#FFFFFF")
    return svg


def draw_header(svg: ET.Element, x: float, lines: list[str], height: float, fill: str) -> None:
    group = element(svg, "g", class_="prisma-header")
    element(
        group,
        "rect",
        x=number(x),
        y=number(MARGIN),
        width=number(BOX_WIDTH),
        height=number(height),
        rx="6",
        fill=fill,
        stroke="#000000",
        stroke_width="1",
    )
    top = MARGIN + (height - LINE * len(lines)) / 2
    draw_text(group, [(line, 0) for line in lines], x + BOX_WIDTH / 2, top, bold=True)


def draw_phases(svg: ET.Element, rows: Rows) -> None:
    """The phase bars on the left with their rotated labels."""
    for phase in rows.phases():
        indices = rows.indices(phase)
        top = rows.tops[indices[0]]
        bottom = rows.tops[indices[-1]] + rows.heights[indices[-1]]
        group = element(svg, "g", class_="prisma-phase")
        element(
            group,
            "rect",
            x=number(MARGIN),
            y=number(top),
            width=number(PHASE_WIDTH),
            height=number(bottom - top),
            rx="6",
            fill=PHASE_FILL,
            stroke="#000000",
            stroke_width="1",
        )
        cx, cy = MARGIN + PHASE_WIDTH / 2, (top + bottom) / 2
        label = element(
            group,
            "text",
            x=number(cx),
            y=number(cy + 5),
            text_anchor="middle",
            font_weight="bold",
            transform=f"rotate(-90 {number(cx)} {number(cy)})",
        )
        label.text = phase


def draw_flow(svg: ET.Element, rows: Rows, columns: Columns) -> None:
    """Every box, the arrows down the main column and the arrows to the boxes on the right."""
    mains = [main for _, main, _ in rows.rows]
    centre = columns.main + BOX_WIDTH / 2
    for index, (_, main, side) in enumerate(rows.rows):
        for box in (main, side):
            if box is not None:
                draw_box(svg, box)
        below = next((box for box in mains[index + 1 :] if box is not None), None)
        if main is not None and below is not None:
            arrow(svg, [(centre, main.y + main.height), (centre, below.y)])
        if side is None:
            continue
        if side.node == "citations_results" and below is not None:
            # The review pooled these records with the database records: join the main arrow.
            junction = (below.y + rows.tops[index] + rows.heights[index]) / 2
            side_centre = columns.side + BOX_WIDTH / 2
            arrow(
                svg,
                [(side_centre, side.y + side.height), (side_centre, junction), (centre, junction)],
                head=main is None,
            )
        elif main is not None:
            middle = side.y + side.height / 2
            arrow(svg, [(columns.main + BOX_WIDTH, middle), (columns.side, middle)])


def draw_previous(svg: ET.Element, previous: Box, rows: Rows) -> None:
    """The previous version's studies, with their line down to the total (updated reviews)."""
    draw_box(svg, previous)
    total = next((m for _, m, _ in rows.rows if m is not None and m.node == "total_studies"), None)
    if total is None:
        return
    x = previous.x + BOX_WIDTH / 2
    middle = total.y + total.height / 2
    arrow(svg, [(x, previous.y + previous.height), (x, middle), (total.x, middle)])


def draw_notes(svg: ET.Element, lines: list[str], top: float) -> None:
    group = element(svg, "g", class_="prisma-notes")
    draw_text(
        group, [(line, 0) for line in lines], MARGIN, top, anchor="start", size=SMALL, line=16
    )


def footnotes(
    flow: dict[str, FlowCount],
    descriptor: dict[str, Any],
    layout: tuple[tuple[str, str | None, str | None], ...] = LAYOUT,
    drawn_elsewhere: tuple[str, ...] = (),
    closing: str | None = None,
) -> list[str]:
    notes = []
    for item in flow.values():
        if item.derived:
            how = item.derivation or "from other counts"
            notes.append(f"{DAGGER} {item.label}: not stated in the review; derived: {how}")
    drawn = {node for _, main, side in layout for node in (main, side) if node}
    drawn.update(drawn_elsewhere)
    missing = [BOX_TEXT[node][-1] for node in BOX_TEXT if node in drawn and node not in flow]
    if missing:
        notes.append("Not reported in the review, so not drawn: " + "; ".join(missing) + ".")
    extra = [item for item in flow.values() if item.node not in drawn]
    if extra:
        notes.append(
            "Also in the data: "
            + "; ".join(f"{item.label} {count_text(item)}" for item in extra)
            + "."
        )
    notes.append(
        closing
        or f"Counts: prisma_flow of {descriptor.get('name', 'the package')} "
        f"{descriptor.get('version', '')}. Layout: PRISMA 2020 flow diagram for new systematic "
        "reviews (Page MJ et al. BMJ 2021;372:n71)."
    )
    return notes


def _finish(svg: ET.Element) -> str:
    ET.indent(svg, space=" ")
    return ET.tostring(svg, encoding="unicode") + "\n"


def new_review_svg(
    flow: dict[str, FlowCount], databases: list[tuple[str, int | None]], descriptor: dict[str, Any]
) -> str:
    """The template for new systematic reviews (one search round)."""
    columns = Columns.make(updated=False)
    rows = build_rows(flow, databases, columns)
    other_arm = any(
        side is not None and side.node == "citations_results" for _, _, side in rows.rows
    )
    header_lines, header_height = header_block(ARM_HEADERS)
    place_rows(rows, MARGIN + header_height + 20)
    notes = footnotes(flow, descriptor)
    note_lines = [line for note in notes for line in wrap(note, columns.width - 2 * MARGIN, SMALL)]
    height = rows.bottom + 20 + 16 * len(note_lines) + MARGIN
    svg = document(descriptor, columns.width, height)
    fills = (MAIN_HEADER_FILL, OTHER_HEADER_FILL)
    for index, (x, lines) in enumerate(
        zip((columns.main, columns.side), header_lines, strict=True)
    ):
        if index == 1 and not other_arm:
            continue
        draw_header(svg, x, lines, header_height, fills[index])
    draw_phases(svg, rows)
    draw_flow(svg, rows, columns)
    draw_notes(svg, note_lines, rows.bottom + 20)
    return _finish(svg)


def updated_review_svg(
    flow: dict[str, FlowCount],
    databases: list[tuple[str, int | None]],
    descriptor: dict[str, Any],
    round_number: int,
) -> str:
    """The template for updated reviews: the last round's flow, the previous version's studies
    on the left and the total at the bottom."""
    columns = Columns.make(updated=True)
    texts = {**BOX_TEXT, **UPDATED_BOX_TEXT}
    rows = build_rows(flow, databases, columns, UPDATED_LAYOUT, texts)
    previous = make_box(flow.get("previous_studies"), columns.previous or 0, [], texts)
    if previous is not None:
        previous.fill = "#F2F2F2"
    header_lines, header_height = header_block(UPDATED_HEADERS)
    place_rows(rows, MARGIN + header_height + 20, previous)
    closing = (
        f"Counts: prisma_flow round {round_number} of {descriptor.get('name', 'the package')} "
        f"{descriptor.get('version', '')}; the studies of earlier rounds are the previous "
        "version's. Layout: PRISMA 2020 flow diagram for updated systematic reviews (Page MJ et "
        "al. BMJ 2021;372:n71)."
    )
    notes = footnotes(flow, descriptor, UPDATED_LAYOUT, ("previous_studies",), closing)
    note_lines = [line for note in notes for line in wrap(note, columns.width - 2 * MARGIN, SMALL)]
    height = rows.bottom + 20 + 16 * len(note_lines) + MARGIN
    svg = document(descriptor, columns.width, height)
    xs = (columns.previous or 0, columns.main, columns.side)
    fills = (OTHER_HEADER_FILL, MAIN_HEADER_FILL, OTHER_HEADER_FILL)
    for x, lines, fill in zip(xs, header_lines, fills, strict=True):
        draw_header(svg, x, lines, header_height, fill)
    draw_phases(svg, rows)
    if previous is not None:
        draw_previous(svg, previous, rows)
    draw_flow(svg, rows, columns)
    draw_notes(svg, note_lines, rows.bottom + 20)
    return _finish(svg)


def prisma_svg(path: str | os.PathLike[str] | None = None) -> str:
    """The PRISMA 2020 flow diagram of the package at ``path`` as a standalone SVG document.

    ``path`` is a ``datapackage.json`` or its folder; default: the shipped package. Every count
    comes from ``prisma_flow`` (and the per-database lines from ``search_strategies``); hovering
    a box shows the node's label and the sentence of the review that states its count. With
    more than one search round it is the template for updated reviews, drawn for the last
    round (previous studies, new studies, total). The string has no XML declaration, so it can
    be written to a ``.svg`` file or inlined in HTML, and it is byte-identical for the same data.

    >>> svg = prisma_svg()
    >>> svg.startswith("<svg") and "Studies included in review (n = 17)" in svg
    True
    """
    rounds = search_rounds(path)
    last = rounds[-1]
    flow = flow_counts(path, last)
    databases = database_counts(path, last) if "database_results" in flow else []
    descriptor = read_descriptor(path)
    if len(rounds) > 1:
        return updated_review_svg(flow, databases, descriptor, last)
    return new_review_svg(flow, databases, descriptor)

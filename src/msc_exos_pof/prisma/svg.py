"""Drawing the PRISMA 2020 diagram as SVG: one small function per part of the picture.

The geometry comes from ``prisma.layout``; attributes keep the order given, so the output is
byte-identical across runs for the same data. Every box, header, phase and arrow carries
``data-`` attributes naming what it is (its column, row and nodes; an arrow's two boxes), so a
test can render the file and check the geometry against what it says it draws.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from typing import Any

from ..io.descriptor import read_descriptor
from .data import database_counts, describe_round, flow_counts, round_details, search_rounds
from .layout import (
    FONT,
    FONT_SIZE,
    LINE,
    MARGIN,
    NOTE_LINE,
    PAD,
    PHASE_FILL,
    SMALL,
    Arrow,
    Box,
    Diagram,
    Header,
    Phase,
    TextLine,
    build_diagram,
)


def element(parent: ET.Element, tag: str, **attributes: Any) -> ET.Element:
    # Attributes keep the order given, so the output is byte-identical across runs.
    return ET.SubElement(
        parent, tag, {key.rstrip("_").replace("_", "-"): str(v) for key, v in attributes.items()}
    )


def number(value: float) -> str:
    return f"{round(value, 2):g}"


def draw_text(
    parent: ET.Element,
    lines: list[TextLine],
    x: float,
    top: float,
    anchor: str = "middle",
    size: int = FONT_SIZE,
    line: int = LINE,
) -> None:
    """One ``<text>`` per line, the first baseline 3/4 of a line down."""
    for index, text in enumerate(lines):
        attributes: dict[str, Any] = {
            "x": number(x + text.indent),
            "y": number(top + line * index + line * 0.75),
        }
        if anchor != "start":
            attributes["text_anchor"] = anchor
        if size != FONT_SIZE:
            attributes["font_size"] = size
        if text.bold:
            attributes["font_weight"] = "bold"
        element(parent, "text", **attributes).text = text.text


def rect(parent: ET.Element, x: float, y: float, width: float, height: float, **style: Any) -> None:
    """A rectangle with a thin black outline (``style``: its fill, corner radius...)."""
    element(
        parent,
        "rect",
        x=number(x),
        y=number(y),
        width=number(width),
        height=number(height),
        **style,
        stroke="#000000",
        stroke_width="1.2",
    )


def draw_box(parent: ET.Element, box: Box) -> None:
    group = element(
        parent,
        "g",
        class_="prisma-box",
        id=f"prisma-{box.box}",
        data_column=box.column,
        data_row=box.row,
        data_nodes=" ".join(box.nodes),
    )
    element(group, "title").text = box.tooltip
    rect(group, box.x, box.y, box.width, box.height, fill=box.fill)
    # Centred like the template, except a box that lists entries under a heading.
    x = box.x + box.width / 2 if box.centred else box.x + PAD
    draw_text(group, box.lines, x, box.y + PAD, anchor="middle" if box.centred else "start")


def draw_header(parent: ET.Element, header: Header) -> None:
    group = element(parent, "g", class_="prisma-header", data_arm=header.arm)
    rect(group, header.x, header.y, header.width, header.height, rx="6", fill=header.fill)
    top = header.y + (header.height - LINE * len(header.lines)) / 2
    lines = [TextLine(text, bold=True) for text in header.lines]
    draw_text(group, lines, header.x + header.width / 2, top)


def draw_phase(parent: ET.Element, phase: Phase) -> None:
    """A phase bar on the left with its rotated label."""
    group = element(parent, "g", class_="prisma-phase", data_phase=phase.label)
    rect(group, phase.x, phase.y, phase.width, phase.height, rx="6", fill=PHASE_FILL)
    cx, cy = phase.x + phase.width / 2, phase.y + phase.height / 2
    label = element(
        group,
        "text",
        x=number(cx),
        y=number(cy + 5),
        text_anchor="middle",
        font_weight="bold",
        transform=f"rotate(-90 {number(cx)} {number(cy)})",
    )
    label.text = phase.label


def draw_arrow(parent: ET.Element, arrow: Arrow) -> None:
    element(
        parent,
        "polyline",
        class_="prisma-arrow",
        data_from=arrow.source,
        data_to=arrow.target,
        points=" ".join(f"{number(x)},{number(y)}" for x, y in arrow.points),
        fill="none",
        stroke="#000000",
        stroke_width="1.5",
        marker_end="url(#prisma-arrowhead)",
    )


def document_root(width: float, height: float, title: str, desc: str, prefix: str) -> ET.Element:
    """An ``<svg>`` root with its title and description (ids ``<prefix>-title``,
    ``<prefix>-desc``), an arrowhead marker and a white background."""
    width_text, height_text = number(width), number(height)
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "width": width_text,
            "height": height_text,
            "viewBox": f"0 0 {width_text} {height_text}",
            "role": "img",
            "aria-labelledby": f"{prefix}-title {prefix}-desc",
            "font-family": FONT,
            "font-size": str(FONT_SIZE),
        },
    )
    element(svg, "title", id=f"{prefix}-title").text = title
    element(svg, "desc", id=f"{prefix}-desc").text = desc
    element(svg, "rect", x="0", y="0", width=width_text, height=height_text, fill="#FFFFFF")
    return svg


def document(descriptor: dict[str, Any], diagram: Diagram) -> ET.Element:
    """The diagram's ``<svg>`` root: its title names the package, its description the round."""
    package = f"{descriptor.get('name', 'the package')} {descriptor.get('version', '')}".rstrip()
    svg = document_root(
        diagram.width,
        diagram.height,
        f"PRISMA 2020 flow diagram: {descriptor.get('title') or descriptor.get('name', '')}",
        f"Flow of records through round {diagram.round} of the review's identification, "
        f"screening and inclusion, from the prisma_flow resource of {package}",
        "prisma",
    )
    marker = element(
        element(svg, "defs"),
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
    return svg


def draw(descriptor: dict[str, Any], diagram: Diagram) -> str:
    """The SVG text of a placed diagram."""
    svg = document(descriptor, diagram)
    for header in diagram.headers:
        draw_header(svg, header)
    for phase in diagram.phases:
        draw_phase(svg, phase)
    for box in diagram.boxes.values():
        draw_box(svg, box)
    for arrow in diagram.arrows:
        draw_arrow(svg, arrow)
    notes = element(svg, "g", class_="prisma-notes")
    lines = [TextLine(text) for text in diagram.notes]
    draw_text(notes, lines, MARGIN, diagram.notes_top, "start", SMALL, NOTE_LINE)
    ET.indent(svg, space=" ")
    return ET.tostring(svg, encoding="unicode") + "\n"


def layout_of(path: str | os.PathLike[str] | None = None) -> tuple[dict[str, Any], Diagram]:
    """The descriptor and the placed diagram of the package at ``path``: the last round, with
    the template for updated reviews when there is more than one."""
    rounds = search_rounds(path)
    last = rounds[-1]
    flow = flow_counts(path, last)
    databases = database_counts(path, last) if "database_results" in flow else []
    descriptor = read_descriptor(path)
    updated = len(rounds) > 1
    described = describe_round(last, round_details(path))
    package = f"{descriptor.get('name', 'the package')} {descriptor.get('version', '')}".rstrip()
    kind = "updated systematic reviews" if updated else "new systematic reviews"
    earlier = "; the previous version's studies are those of round" + (
        " 1" if last == 2 else f"s 1 to {last - 1}"
    )
    closing = (
        f"Counts: prisma_flow, {described[0].lower()}{described[1:]}, of {package}"
        + (earlier if updated else "")
        + f". Layout: PRISMA 2020 flow diagram for {kind} which included searches of databases, "
        "registers and other sources (Page MJ et al. BMJ 2021;372:n71)."
    )
    return descriptor, build_diagram(flow, databases, updated, last, f"Round {last}", closing)


def prisma_svg(path: str | os.PathLike[str] | None = None) -> str:
    """The PRISMA 2020 flow diagram of the package at ``path`` as a standalone SVG document.

    ``path`` is a ``datapackage.json`` or its folder; default: the shipped package. Every count
    comes from ``prisma_flow`` (and the per-database lines from ``search_strategies``); a
    template box the data does not count says "not reported", and its note (``note`` of
    ``prisma_flow``) is a footnote naming its round. Hovering a box shows the sentence of the
    review that states its count. With more than one search round it is the template for
    updated reviews, drawn for the last round (previous studies, new studies, total). The
    string has no XML declaration, so it can be written to a ``.svg`` file or inlined in HTML,
    and it is byte-identical for the same data.

    >>> svg = prisma_svg()
    >>> svg.startswith("<svg") and "Studies included in review</text>" in svg
    True
    """
    return draw(*layout_of(path))

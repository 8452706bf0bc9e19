"""The github format: GitHub Actions workflow commands, one annotation per finding on the file,
line and column it is about (``::error file=...,line=...,col=...,title=...::message``).

Info findings are counted in the last line and become ``::notice`` annotations only with
``verbose``: a valid package annotates nothing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .common import BIDI, SEPARATORS, capped, info_summary, more_line, shown

if TYPE_CHECKING:  # pragma: no cover
    from ..report import Finding, Report

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}
# Controls other than the line breaks (which the runner's own %-encoding carries) would reach
# the log raw: a terminal escape, a NUL that truncates the command, a bidirectional override
# that shows the annotation in another order than it is written.
_UNSAFE = re.compile(f"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f{BIDI}{SEPARATORS}]")


def escape(value: object, property: bool = False) -> str:
    """``value`` for a workflow command: its message (``property=False``) or a property value.

    The runner decodes ``%25``, ``%0D`` and ``%0A`` (and in properties ``%3A`` and ``%2C``), so a
    line break in the data cannot start a line of its own, let alone a ``::command::``; other
    control characters are shown as ``\\xNN``.
    """
    text = _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(value))
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def _annotation(finding: Finding, fallback: str) -> str:
    properties = [f"file={escape(finding.path or fallback, property=True)}"]
    if finding.line is not None:
        properties.append(f"line={finding.line}")
        if finding.column is not None:
            properties.append(f"col={finding.column}")
    properties.append(f"title={escape(' + '.join(finding.checks), property=True)}")
    return f"::{COMMANDS[finding.severity]} {','.join(properties)}::{escape(finding.message)}"


def render(report: Report, colour: bool = False, verbose: bool = False) -> str:
    """One annotation per error and warning (per info finding too when ``verbose``), then a
    plain summary line."""
    from pathlib import Path

    fallback = Path(report.package).name
    listed, more = capped(shown(report, verbose))
    lines = [_annotation(finding, fallback) for finding in listed]
    lines += [escape(more_line(check, count)) for check, count in more.items()]
    counts = report.counts
    summary = (
        f"msc-exos-pof validate: {'valid' if report.valid else 'invalid'}, "
        f"{counts['error']} error(s), {counts['warning']} warning(s)"
    )
    info = info_summary(report)
    if info:
        summary += f", {info}" + ("" if verbose else " (--verbose annotates them as notices)")
    lines.append(summary)  # no data in it: check ids and counts only
    return "\n".join(lines) + "\n"

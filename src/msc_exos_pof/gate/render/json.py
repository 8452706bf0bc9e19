"""The json format: ``Report.to_dict()`` as indented JSON, described by the JSON Schema
``msc_exos_pof/gate/report.schema.json`` (shipped in the package)."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from .common import BIDI, SEPARATORS

if TYPE_CHECKING:  # pragma: no cover
    from ..report import Report

# JSON escapes C0 controls itself; DEL, C1 controls, the line and paragraph separators and the
# bidirectional controls are valid raw but reach a terminal (or a JavaScript reader) as such, so
# they are escaped too.
_UNSAFE = re.compile(f"[\x7f-\x9f{BIDI}{SEPARATORS}]")


def escape(value: Any) -> str:
    """``value`` as indented JSON with every control character written as a ``\\u`` escape."""
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def render(report: Report, colour: bool = False, verbose: bool = False) -> str:
    """The whole report (every finding, info included) as JSON."""
    return escape(report.to_dict()) + "\n"

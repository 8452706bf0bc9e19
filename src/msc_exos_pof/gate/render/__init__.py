"""Renderers of a validation ``Report``, one module per format, and the colour policy.

``text`` (a readable list, ``path:line:col`` first), ``json`` (``Report.to_dict()``, described by
``gate/report.schema.json``), ``junit`` (XML, one testcase per check), ``github`` (workflow
commands) and ``sarif`` (SARIF 2.1.0 for code scanning). Each module has one ``escape`` function
that every text from the data passes through before it reaches the output.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..report import Report

FORMATS = ("text", "json", "junit", "github", "sarif")
COLOUR_MODES = ("auto", "always", "never")


def use_colour(
    stream: IO[str] | None, mode: str = "auto", environ: Mapping[str, str] | None = None
) -> bool:
    """Whether to write ANSI colour to ``stream``: the one colour policy of the CLI.

    ``mode`` ``always`` or ``never`` (``--color``) decides. Otherwise, in this order: a non-empty
    ``NO_COLOR`` turns colour off (https://no-color.org); a ``FORCE_COLOR`` other than ``""``,
    ``0`` or ``false`` turns it on; ``TERM=dumb`` turns it off; else colour only on a terminal.
    """
    if mode not in COLOUR_MODES:
        raise ValueError(f"unknown colour mode {mode!r}; expected one of {', '.join(COLOUR_MODES)}")
    if mode != "auto":
        return mode == "always"
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR", "").strip().lower() not in ("", "0", "false"):
        return True
    if env.get("TERM") == "dumb" or stream is None:
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def render(report: Report, fmt: str = "text", colour: bool = False, verbose: bool = False) -> str:
    """The report in format ``fmt`` (one of ``FORMATS``).

    ``colour`` paints the text format; ``verbose`` lists ``info`` findings one by one (the text,
    github and sarif formats otherwise count them in one line; json and junit always list them).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    module = importlib.import_module(f"{__name__}.{fmt}")
    return module.render(report, colour=colour, verbose=verbose)

"""Commands of the data-quality gate: ``validate`` a package and list the ``checks``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..gate.render import COLOUR_MODES, FORMATS
from .options import (
    common_options,
    force_option,
    is_stdout,
    output_option,
    package_argument,
    refuse_existing,
    refuse_output_inside,
    user_errors,
    write_or_echo,
)


def _patterns(value: str | None) -> list[str]:
    return [p.strip() for p in (value or "").split(",") if p.strip()]


def _return_freed_memory() -> None:
    """Give the command Arrow's jemalloc allocator, returning freed memory at once.

    The gate reads every table and then, check by check, allocates and frees large
    temporaries; Arrow's default allocator keeps what was freed, which at a million studies
    added about 430 MB to the peak (2.6 GB against 2.2 GB for 920 MB of CSV), for about 5%
    more CPU (benchmarks/results.md, docs/performance.md). Only this process is concerned: the
    library leaves its caller's allocator alone; a build without jemalloc keeps its default.
    """
    import pyarrow as pa

    if "jemalloc" in pa.supported_memory_backends():
        pa.set_memory_pool(pa.jemalloc_memory_pool())
        pa.jemalloc_set_decay_ms(0)


@click.command()
@package_argument
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output format: readable lines (path:line:col), JSON, JUnit XML, GitHub annotations or "
    "SARIF 2.1.0 (code scanning).",
)
@output_option("Write the report to this file (atomically) instead of standard output ('-').")
@force_option("Replace the --output file if it exists.")
@click.option(
    "--select",
    help="Run only these checks: comma-separated ids, prefixes or globs "
    "(e.g. 'schema,integrity.hash' or 'counts.per_*').",
)
@click.option("--ignore", help="Skip these checks: comma-separated ids, prefixes or globs.")
@click.option(
    "--fail-on",
    type=click.Choice(("warning", "error")),
    default="error",
    show_default=True,
    help="The lowest severity that makes the data invalid (exit code 1).",
)
@click.option(
    "--color",
    "--colour",
    "color",
    type=click.Choice(COLOUR_MODES),
    default="auto",
    show_default=True,
    help="Colour the text report: auto follows NO_COLOR, FORCE_COLOR, TERM=dumb and the terminal.",
)
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="List info findings (documented errata) one by one instead of counting them.",
)
@click.option(
    "--upstream",
    type=click.Path(path_type=Path),
    help="The package this copy was made from: fail on upstream rows edited or dropped "
    "without an erratum or a recorded removal (check upstream.unrecorded_change).",
)
@common_options
@user_errors()
def validate(
    path: Path | None,
    fmt: str,
    output: Path | None,
    force: bool,
    select: str | None,
    ignore: str | None,
    fail_on: str,
    color: str,
    verbose: bool,
    upstream: Path | None,
    debug: bool,
) -> None:
    """Validate the data package at PATH.

    Exit code 0: valid (warnings allowed unless --fail-on warning); 1: the data has errors (or
    warnings, with --fail-on warning); 2: the package cannot be read at all, or the command was
    misused.
    """
    from ..gate.selection import selected_ids

    selected, ignored = _patterns(select), _patterns(ignore)
    try:
        selected_ids(selected, ignored)
    except ValueError as error:
        option, _, message = str(error).partition(": ")
        if option not in ("select", "ignore"):
            option, message = "select", str(error)
        raise click.BadParameter(message, param_hint=f"--{option}") from None
    if is_stdout(output):
        output = None
    refuse_output_inside(output, path, "--output")
    refuse_existing([output] if output is not None else [], force)
    from .. import gate
    from ..gate import render
    from .progress import spinner

    _return_freed_memory()
    with spinner("validating", path):
        report = gate.validate(path, select=selected, ignore=ignored, upstream=upstream)
    report.fail_on = fail_on
    stream = sys.stdout if output is None else None
    colour = fmt == "text" and render.use_colour(stream, color)
    text = render.render(report, fmt, colour=colour, verbose=verbose)
    if output is None:
        click.echo(text, nl=False, color=colour)  # click would strip the colour off a pipe
    else:
        write_or_echo(text, output, force=True, package=path)  # refused above, before the gate
    if output is not None:
        click.echo(
            f"{'valid' if report.valid else 'invalid'}: report written to {output}", err=True
        )
    sys.exit(report.exit_code)


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "json", "markdown")),
    default="text",
    show_default=True,
    help="A table, JSON, or the Markdown page docs/checks.md.",
)
@output_option("Write the list to this file (atomically) instead of standard output ('-').")
@force_option("Replace the --output file if it exists.")
@common_options
@user_errors()
def checks(fmt: str, output: Path | None, force: bool) -> None:
    """List every check of the gate: id, layer, severity and what it guards against."""
    import json

    from ..gate.registry import all_checks

    if is_stdout(output):
        output = None
    if output is not None:
        from ..docgen.checks import checks_markdown
        from ..io.locate import discover_package

        if fmt != "markdown":
            raise click.BadParameter(
                "--output writes the Markdown page: add --format markdown", param_hint="--output"
            )
        # No package is read, but the one of the current folder and the shipped one are never
        # written to (a --force over datapackage.json would leave it unreadable).
        write_or_echo(checks_markdown(), output, force, package=discover_package())
        return
    items = all_checks()
    if fmt == "markdown":
        from ..docgen.checks import checks_markdown

        click.echo(checks_markdown(), nl=False)
        return
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "id": c.id,
                        "layer": c.layer,
                        "severity": c.severity,
                        "description": c.description,
                    }
                    for c in items
                ],
                indent=2,
            )
        )
        return
    width = max(len(c.id) for c in items)
    for c in items:
        click.echo(f"{c.id.ljust(width)}  {c.layer:<11}  {c.severity:<7}  {c.description}")


COMMANDS = [validate, checks]

"""Commands of the data-quality gate: ``validate`` a package and list the ``checks``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .options import (
    debug_option,
    output_option,
    package_argument,
    refuse_output_inside,
    user_errors,
    write_or_echo,
)

FORMATS = ("text", "json", "junit", "github")


def _patterns(value: str | None) -> list[str]:
    return [p.strip() for p in (value or "").split(",") if p.strip()]


@click.command()
@package_argument
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output format: a readable table, JSON, JUnit XML or GitHub annotations.",
)
@output_option("Write the report to this file (atomically) instead of standard output.")
@click.option(
    "--select",
    help="Run only these checks: comma-separated ids or prefixes (e.g. 'schema,integrity.hash').",
)
@click.option("--ignore", help="Skip these checks: comma-separated ids or prefixes.")
@click.option(
    "--upstream",
    type=click.Path(path_type=Path),
    help="The package this copy was made from: fail on upstream rows edited or dropped "
    "without an erratum or a recorded removal (check upstream.unrecorded_change).",
)
@debug_option
@user_errors()
def validate(
    path: Path | None,
    fmt: str,
    output: Path | None,
    select: str | None,
    ignore: str | None,
    upstream: Path | None,
    debug: bool,
) -> None:
    """Validate the data package at PATH (a folder or its datapackage.json; default: the
    package shipped with this library).

    Exit code 0: valid (warnings allowed); 1: the data has errors; 2: the package cannot be
    read at all, or the command was misused.
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
    refuse_output_inside(output, path, "--output")
    from .. import gate
    from ..gate import render

    report = gate.validate(path, select=selected, ignore=ignored, upstream=upstream)
    text = render.render(report, fmt, colour=output is None and render.use_colour(sys.stdout))
    write_or_echo(text, output)
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
@output_option("Write the list to this file (atomically) instead of standard output.")
def checks(fmt: str, output: Path | None) -> None:
    """List every check of the gate: id, layer, severity and what it guards against."""
    import json

    from ..gate.registry import all_checks

    if output is not None:
        from ..docgen.checks import checks_markdown
        from ..io.atomic import write_text_atomic

        if fmt != "markdown":
            raise click.BadParameter(
                "--output writes the Markdown page: add --format markdown", param_hint="--output"
            )
        write_text_atomic(output, checks_markdown())
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

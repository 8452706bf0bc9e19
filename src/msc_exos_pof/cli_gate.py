"""Commands of the data-quality gate: ``validate`` a package and list the ``checks``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

FORMATS = ("text", "json", "junit", "github")


def _patterns(value: str | None) -> list[str]:
    return [p.strip() for p in (value or "").split(",") if p.strip()]


def _inside(file: Path, folder: Path) -> bool:
    try:
        file.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _known_patterns(patterns: list[str], option: str) -> None:
    """Refuse ids or prefixes that match no check: a typo would silently disable the gate."""
    from .checks import all_checks

    ids = [c.id for c in all_checks()]
    for pattern in patterns:
        prefix = pattern.rstrip(".") + "."
        if not any(i == pattern or i.startswith(prefix) for i in ids):
            raise click.BadParameter(
                f"{pattern!r} matches no check id; see `msc-exos-pof checks` for the ids",
                param_hint=option)


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output format: a readable table, JSON, JUnit XML or GitHub annotations.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to this file (atomically) instead of standard output.")
@click.option("--select", help="Run only these checks: comma-separated ids or prefixes "
              "(e.g. 'schema,integrity.hash').")
@click.option("--ignore", help="Skip these checks: comma-separated ids or prefixes.")
@click.option("--debug", is_flag=True, help="Show the traceback of unexpected errors.")
def validate(path: Path | None, fmt: str, output: Path | None, select: str | None,
             ignore: str | None, debug: bool) -> None:
    """Validate the data package at PATH (a folder or its datapackage.json; default: the
    package shipped with this library).

    Exit code 0: valid (warnings allowed); 1: the data has errors; 2: the package cannot be
    read at all, or the command was misused.
    """
    selected, ignored = _patterns(select), _patterns(ignore)
    try:
        _known_patterns(selected, "--select")
        _known_patterns(ignored, "--ignore")
        if output is not None:
            from .package_io import descriptor_path

            if _inside(output, descriptor_path(path).parent):
                raise click.BadParameter(
                    f"{output} is inside the package being validated, which is never written "
                    "to; write the report elsewhere", param_hint="--output")
        from .gate import validate as run_gate
        from .render import render, use_colour

        report = run_gate(path, select=selected, ignore=ignored)
        stream = sys.stdout
        text = render(report, fmt, colour=output is None and use_colour(stream))
        if output is None:
            click.echo(text, nl=False)
        else:
            from .package_io import write_text_atomic

            write_text_atomic(output, text)
            click.echo(f"{'valid' if report.valid else 'invalid'}: report written to {output}",
                       err=True)
    except click.ClickException:
        raise
    except Exception as error:  # the gate never raises for bad data; this is a bug or I/O
        if debug:
            raise
        message = str(error).strip().splitlines()[0] if str(error).strip() else ""
        click.echo(f"Error: unexpected {type(error).__name__}: {message} "
                   "(rerun with --debug for the traceback)", err=True)
        sys.exit(2)
    sys.exit(report.exit_code)


@click.command()
@click.option("--format", "fmt", type=click.Choice(("text", "json", "markdown")), default="text",
              show_default=True, help="A table, JSON, or the Markdown page docs/checks.md.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the list to this file (atomically) instead of standard output.")
def checks(fmt: str, output: Path | None) -> None:
    """List every check of the gate: id, layer, severity and what it guards against."""
    import json

    from .checks import all_checks

    if output is not None:
        from .checks_doc import checks_markdown
        from .package_io import write_text_atomic

        if fmt != "markdown":
            raise click.BadParameter("--output writes the Markdown page: add --format markdown",
                                     param_hint="--output")
        write_text_atomic(output, checks_markdown())
        return
    items = all_checks()
    if fmt == "markdown":
        from .checks_doc import checks_markdown

        click.echo(checks_markdown(), nl=False)
        return
    if fmt == "json":
        click.echo(json.dumps([{"id": c.id, "layer": c.layer, "severity": c.severity,
                                "description": c.description} for c in items], indent=2))
        return
    width = max(len(c.id) for c in items)
    for c in items:
        click.echo(f"{c.id.ljust(width)}  {c.layer:<11}  {c.severity:<7}  {c.description}")


COMMANDS = [validate, checks]

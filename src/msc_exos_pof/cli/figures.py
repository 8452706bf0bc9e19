"""Commands that draw: the PRISMA 2020 flow diagram (and its R template), the evidence figures."""

from __future__ import annotations

from pathlib import Path

import click

from .options import package_argument, user_errors

_OUTPUT = click.Path(dir_okay=False, path_type=Path)


@click.command()
@package_argument
@click.option("--svg", "svg", type=_OUTPUT, help="Write the flow diagram here as SVG.")
@click.option(
    "--csv",
    "csv_file",
    type=_OUTPUT,
    help="Write the counts here in the PRISMA2020 R package / Shiny app template.",
)
@user_errors()
def prisma(path: Path | None, svg: Path | None, csv_file: Path | None) -> None:
    """Write the PRISMA 2020 flow diagram of PATH (default: the shipped package) as SVG and/or
    its counts as the PRISMA2020 template CSV. Files are written atomically, never inside the
    package folder."""
    if svg is None and csv_file is None:
        raise click.UsageError("give --svg FILE, --csv FILE or both")
    from ..prisma import write_prisma

    for written in write_prisma(svg, csv_file, path):
        click.echo(f"wrote {written}")


@click.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@package_argument
@click.option(
    "--format",
    "formats",
    type=click.Choice(["svg", "png"]),
    multiple=True,
    default=("svg",),
    show_default=True,
    help="Output format; repeat for several.",
)
@user_errors()
def figures(out_dir: Path, path: Path | None, formats: tuple[str, ...]) -> None:
    """Draw the evidence figures of PATH (default: the shipped package) into OUT_DIR: studies per
    MSC source, the source x mechanism map and studies per year (needs the 'figures' extra)."""
    from ..figures import write_figures

    for written in write_figures(out_dir, formats, path):
        click.echo(f"wrote {written}")


COMMANDS = [prisma, figures]

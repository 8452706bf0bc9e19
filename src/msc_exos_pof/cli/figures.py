"""Commands that draw: the PRISMA 2020 flow diagram (and its R template), the evidence figures."""

from __future__ import annotations

from pathlib import Path

import click

from .options import (
    EXIT_UNREADABLE,
    CommandError,
    common_options,
    force_option,
    is_stdout,
    package_argument,
    refuse_existing,
    status,
    user_errors,
)

_OUTPUT = click.Path(dir_okay=False, path_type=Path)


@click.command()
@package_argument
@click.option(
    "--svg", "svg", type=_OUTPUT, help="Write the flow diagram here as SVG ('-': standard output)."
)
@click.option(
    "--csv",
    "csv_file",
    type=_OUTPUT,
    help="Write the counts here in the PRISMA2020 R package / Shiny app template ('-': "
    "standard output).",
)
@click.option(
    "--history",
    is_flag=True,
    help="The review's history instead (PRISMA-LSR): each search round's date, records, new "
    "studies, removed studies and total. Alone it prints the table; --svg writes it as a "
    "figure, --csv as CSV.",
)
@force_option("Replace --svg or --csv files that exist.")
@common_options
@user_errors()
def prisma(
    path: Path | None, svg: Path | None, csv_file: Path | None, history: bool, force: bool
) -> None:
    """Write the PRISMA 2020 flow diagram of PATH as SVG and/or
    its counts as the PRISMA2020 template CSV; with --history, the versions of the review.
    Files are written atomically, never inside the package folder; `-` writes to standard
    output."""
    from .. import prisma as flow

    if history and svg is None and csv_file is None:
        click.echo(flow.history_table(path), nl=False)
        return
    if svg is None and csv_file is None:
        raise click.UsageError("give --svg FILE, --csv FILE or both (or --history)")
    if is_stdout(svg) and is_stdout(csv_file):
        raise click.UsageError("only one of --svg and --csv can be '-' (standard output)")
    draw, table = (
        (flow.history_svg, flow.history_csv)
        if history
        else (flow.prisma_svg, flow.prisma_template_csv)
    )
    if is_stdout(svg):
        click.echo(draw(path), nl=False)
        svg = None
    if is_stdout(csv_file):
        click.echo(table(path), nl=False)
        csv_file = None
    files = [file for file in (svg, csv_file) if file is not None]
    refuse_existing(files, force)
    if files:
        for written in flow.write_prisma(svg, csv_file, path, history=history):
            status(f"wrote {written}")


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
@force_option("Replace figure files that exist in OUT_DIR.")
@common_options
@user_errors()
def figures(out_dir: Path, path: Path | None, formats: tuple[str, ...], force: bool) -> None:
    """Draw the evidence figures of PATH into OUT_DIR: studies per MSC source, the source x
    mechanism map and studies per year of the studies included now (needs the 'figures'
    extra)."""
    from ..figures import FIGURES, write_figures

    if is_stdout(out_dir):
        raise CommandError(
            "figures writes several files: name a folder as OUT_DIR, not '-'", EXIT_UNREADABLE
        )
    refuse_existing([out_dir / f"{n}.{f}" for n in FIGURES for f in dict.fromkeys(formats)], force)
    for written in write_figures(out_dir, formats, path):
        status(f"wrote {written}")


COMMANDS = [prisma, figures]

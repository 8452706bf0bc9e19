"""Commands that describe the dataset: the data dictionary and the summary."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the Markdown here (atomically) instead of standard output.",
)
def dictionary(path: Path | None, output: Path | None) -> None:
    """Print the data dictionary of PATH (default: the shipped package), generated from its
    Table Schemas."""
    from .dictionary import data_dictionary
    from .package_io import PackageError

    try:
        text = data_dictionary(path)
    except PackageError as error:
        raise click.ClickException(error.message) from None
    if output is None:
        click.echo(text, nl=False)
        return
    from .package_io import write_text_atomic

    write_text_atomic(output, text)


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
def summary(path: Path | None) -> None:
    """Print counts derived from the package's rows as JSON (studies per source, design, errata)."""
    from .context import PackageContext
    from .package_io import PackageError
    from .summary import dataset_summary

    try:
        context = PackageContext(path)
    except PackageError as error:
        raise click.ClickException(error.message) from None
    click.echo(json.dumps(dataset_summary(context), indent=2))


COMMANDS = [dictionary, summary]

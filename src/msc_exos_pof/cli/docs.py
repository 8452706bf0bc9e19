"""Commands that describe the dataset: the data dictionary and the summary."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .options import (
    common_options,
    force_option,
    output_option,
    package_argument,
    user_errors,
    write_or_echo,
)


@click.command()
@package_argument
@output_option("Write the Markdown here (atomically) instead of standard output ('-').")
@force_option("Replace the --output file if it exists.")
@common_options
@user_errors()
def dictionary(path: Path | None, output: Path | None, force: bool) -> None:
    """Print the data dictionary of PATH, generated from its Table Schemas."""
    from ..docgen.dictionary import data_dictionary

    write_or_echo(data_dictionary(path), output, force, package=path)


@click.command()
@package_argument
@common_options
@user_errors()
def summary(path: Path | None) -> None:
    """Print counts derived from the package's rows as JSON (studies per source, design, errata)."""
    from ..gate.summary import summarise

    click.echo(json.dumps(summarise(path), indent=2))


COMMANDS = [dictionary, summary]

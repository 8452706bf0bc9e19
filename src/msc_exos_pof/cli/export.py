"""Command ``export``: write the package as SQLite, DuckDB, Parquet, Excel or a CSV copy."""

from __future__ import annotations

from pathlib import Path

import click

from ..exports.formats import BIBLIOGRAPHY_FORMATS, FORMATS
from .options import (
    common_options,
    force_option,
    is_stdout,
    package_argument,
    refuse_stdout,
    status,
    user_errors,
)


def _size(out: Path) -> int:
    if out.is_file():
        return out.stat().st_size
    return sum(f.stat().st_size for f in out.rglob("*") if f.is_file())


def _print_bibliography(to: str, path: Path | None, included: bool) -> None:
    """A reference list on standard output (OUT ``-``): text, and what reads it is the user's."""
    from ..exports.bibliography import included_only
    from ..exports.to_bibtex import bibtex
    from ..exports.to_csljson import csljson
    from ..exports.to_ris import ris

    text = {"bibtex": bibtex, "ris": ris, "csljson": csljson}[to]
    with included_only(included):
        click.echo(text(path), nl=False)


@click.command()
@click.option(
    "--to",
    "to",
    type=click.Choice(FORMATS),
    required=True,
    help="Format: a SQLite or DuckDB database file, a folder of Parquet files, an "
    "Excel workbook, a folder with a copy of the package (CSV), or the reference list as "
    "BibTeX, RIS or CSL-JSON, or a Datasette folder (`datasette OUT/`: the SQLite "
    "database and its metadata).",
)
@click.option(
    "--included",
    is_flag=True,
    help="bibtex, ris, csljson: only the references of the studies included now.",
)
@force_option("Replace OUT if it exists (a folder only if it holds an earlier export).")
@common_options
@click.argument("out", type=click.Path(path_type=Path))
@package_argument
@user_errors()
def export(to: str, out: Path, path: Path | None, included: bool, force: bool, debug: bool) -> None:
    """Export the data package at PATH to OUT.

    OUT is written under a temporary name beside it and moved into place when complete. DuckDB
    and Excel need `pip install 'msc-exos-pof[export]'`. OUT `-` prints a reference list
    (bibtex, ris, csljson) to standard output; the other formats refuse it.

    Exit code 0: OUT written; 1: the data breaks its Table Schema (a type, a key, a foreign
    key); 2: the package cannot be read, OUT is refused (it exists, or it is inside the
    package), a dependency is missing, or the command was misused.
    """
    from .. import export as write
    from ..io.descriptor import read_descriptor

    if included and to not in (*BIBLIOGRAPHY_FORMATS, "datasette"):
        raise click.UsageError("--included applies to --to bibtex, ris or csljson only")
    if is_stdout(out):
        if to not in BIBLIOGRAPHY_FORMATS:
            refuse_stdout(out, f"the {to} export")
        _print_bibliography(to, path, included)
        return
    from .progress import spinner

    with spinner(f"exporting to {to}", path):
        written = write(to, out, path, overwrite=force, included=included)
    descriptor = read_descriptor(path)
    status(
        f"wrote {written} ({_size(written)} bytes): {descriptor.get('name')} "
        f"{descriptor.get('version')} as {to}"
    )


COMMANDS = [export]

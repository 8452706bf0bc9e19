"""Commands that print data: ``query`` (SQL on the package) and ``show`` (one resource)."""

from __future__ import annotations

from pathlib import Path

import click

from ..exports.formats import TEXT_FORMATS
from .options import EXIT_UNREADABLE, CommandError, common_options, package_argument, user_errors

format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(TEXT_FORMATS),
    default="table",
    show_default=True,
    help="An aligned text table, CSV or JSON (a list of objects).",
)


def _terminal() -> bool:
    """Whether standard output is a terminal (CSV cells are then shown escaped)."""
    import sys

    return sys.stdout.isatty()


@click.command()
@click.argument("sql")
@package_argument
@format_option
@click.option(
    "--external-access",
    is_flag=True,
    help="Let the SQL read and write files, open URLs and install extensions (DuckDB's "
    "defaults). Off by default: only the package's tables are reachable.",
)
@common_options
@user_errors()
def query(sql: str, path: Path, fmt: str, external_access: bool) -> None:
    """Run SQL on the package at PATH and print the result.

    Every resource is a table of an in-memory DuckDB database (the one `connect()` returns),
    with the readable views, e.g.

        msc-exos-pof query "select design, count(*) as studies from studies group by design"

    The SQL reaches the package's tables and nothing else (no files, URLs or extensions)
    unless --external-access. Needs `pip install 'msc-exos-pof[export]'`. Exit code 0:
    printed; 1: the data breaks its Table Schema; 2: the SQL failed or was refused, the
    package cannot be read, or duckdb is missing.
    """
    from ..errors import require
    from ..exports.query import QueryError, rows_as_text
    from ..exports.query import query as run_query

    require("duckdb", "msc-exos-pof query")
    try:
        result = run_query(sql, path, external_access=external_access)
    except QueryError as error:
        raise CommandError(str(error), EXIT_UNREADABLE) from None
    click.echo(rows_as_text(result, fmt, terminal=_terminal()), nl=False)


@click.command()
@click.argument("resource")
@package_argument
@format_option
@click.option(
    "--include-removed",
    is_flag=True,
    help="Also the studies a later search round removed (every study ever included), and their "
    "rows in the tables keyed by study; without it, the studies included now.",
)
@common_options
@user_errors()
def show(resource: str, path: Path, fmt: str, include_removed: bool) -> None:
    """Print RESOURCE of the package at PATH, typed and checked as
    `msc_exos_pof.load(RESOURCE)` reads it: for studies (and the tables keyed by study), the
    studies included now.

    Exit code 0: printed; 1: a cell does not fit its field; 2: no such resource, or the
    package cannot be read.
    """
    from .. import load, resource_names
    from ..exports.query import rows_as_text

    names = resource_names(path)
    if resource not in names:
        raise click.BadParameter(
            f"the package has no resource {resource!r}; choose one of {', '.join(names)}",
            param_hint="RESOURCE",
        )
    frame = load(resource, path, include_removed=include_removed)
    click.echo(rows_as_text(frame, fmt, terminal=_terminal()), nl=False)


COMMANDS = [query, show]

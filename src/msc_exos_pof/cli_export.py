"""Command ``export``: write the package as SQLite, DuckDB, Parquet, Excel or a CSV copy."""

from __future__ import annotations

import sys
from pathlib import Path

import click

#: ``exports.FORMATS``, repeated so that starting the CLI does not import the exports module;
#: a test checks that the two agree.
FORMATS = ("sqlite", "duckdb", "parquet", "xlsx", "csv")

#: Exit codes of ``msc-exos-pof export`` (docs/exports.md lists them).
EXIT_WRITTEN = 0
EXIT_DATA = 1
EXIT_USAGE = 2


def _fail(message: str, exit_code: int) -> click.ClickException:
    error = click.ClickException(message)
    error.exit_code = exit_code
    return error


def _size(out: Path) -> int:
    if out.is_file():
        return out.stat().st_size
    return sum(f.stat().st_size for f in out.rglob("*") if f.is_file())


@click.command()
@click.option("--to", "to", type=click.Choice(FORMATS), required=True,
              help="Format: a SQLite or DuckDB database file, a folder of Parquet files, an "
                   "Excel workbook, or a folder with a copy of the package (CSV).")
@click.option("--force", is_flag=True,
              help="Replace OUT if it exists (a folder only if it holds an earlier export).")
@click.option("--debug", is_flag=True, help="Show the traceback of unexpected errors.")
@click.argument("out", type=click.Path(path_type=Path))
@click.argument("path", required=False, type=click.Path(path_type=Path))
def export(to: str, out: Path, path: Path | None, force: bool, debug: bool) -> None:
    """Export the data package at PATH (a folder or its datapackage.json; default: the package
    shipped with this library) to OUT.

    OUT is written under a temporary name beside it and moved into place when complete. DuckDB
    and Excel need `pip install 'msc-exos-pof[export]'`.

    Exit code 0: OUT written; 1: the data breaks its Table Schema (a type, a key, a foreign
    key); 2: the package cannot be read, OUT is refused (it exists, or it is inside the
    package), a dependency is missing, or the command was misused.
    """
    from .exports import ExportDataError, ExportError
    from .exports import export as write
    from .package_io import PackageError, read_descriptor

    try:
        written = write(to, out, path, overwrite=force)
        descriptor = read_descriptor(path)
    except ExportDataError as error:
        raise _fail(error.message, EXIT_DATA) from None
    except (ExportError, PackageError) as error:
        raise _fail(error.message, EXIT_USAGE) from None
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        raise _fail(f"cannot write {out}: {error.strerror or error}{where}; check that its "
                    "folder is writable and has space", EXIT_USAGE) from None
    except Exception as error:  # a bug: say so in one line unless asked for the traceback
        if debug:
            raise
        message = str(error).strip().splitlines()[0] if str(error).strip() else ""
        click.echo(f"Error: unexpected {type(error).__name__}: {message} "
                   "(rerun with --debug for the traceback)", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"wrote {written} ({_size(written)} bytes): {descriptor.get('name')} "
               f"{descriptor.get('version')} as {to}", err=True)


COMMANDS = [export]

"""Release commands: ``rehash`` the descriptor, ``diff`` two releases, ``cite`` the dataset."""

from __future__ import annotations

import os
from pathlib import Path

import click


def stale_hashes(path: str | os.PathLike[str] | None = None) -> list[tuple[str, str]]:
    """``(resource, why)`` for every resource whose declared ``bytes``/``hash`` is out of date."""
    from .package_io import file_digest, resource_files

    stale = []
    for item in resource_files(path):
        try:
            size, digest = file_digest(item.file)
        except OSError as error:
            stale.append((item.name, f"its file {item.descriptor.get('path')} cannot be read "
                                     f"({error.strerror})"))
            continue
        declared_size, declared_hash = item.descriptor.get("bytes"), item.descriptor.get("hash")
        if declared_size != size or declared_hash != digest:
            stale.append((item.name, f"declares bytes={declared_size} hash={declared_hash}, "
                                     f"the file has bytes={size} hash={digest}"))
    return stale


def _installed_copy(folder: Path) -> bool:
    """True for the package inside an installed wheel (site-packages), which is never rewritten."""
    return folder.resolve().parent.name == "msc_exos_pof"


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--check", is_flag=True,
              help="Only report resources whose bytes/hash are stale (exit 1 if any); "
                   "write nothing.")
def rehash(path: Path | None, check: bool) -> None:
    """Write each resource's bytes and sha256 hash into PATH's datapackage.json.

    PATH is a datapackage.json or its folder (default: the shipped package of a checkout).
    Run it after editing any CSV; CI runs it with --check. Exit 0 when up to date (or
    updated), 1 when --check finds stale resources or a file cannot be hashed, 2 when the
    package cannot be read.
    """
    from .package_io import PackageError, descriptor_path
    from .package_io import rehash as write_hashes

    try:
        file = descriptor_path(path)
        stale = stale_hashes(path)
    except PackageError as error:
        click.echo(f"Error: {error.message}", err=True)
        raise SystemExit(2) from None
    if check:
        if not stale:
            click.echo(f"{file}: every resource's bytes and hash are up to date")
            return
        for name, why in stale:
            click.echo(f"stale: {name}: {why}")
        command = f"msc-exos-pof rehash {path}" if path is not None else "msc-exos-pof rehash"
        click.echo(f"{file}: {len(stale)} resource(s) have stale bytes/hash; run `{command}` "
                   "to update them", err=True)
        raise SystemExit(1)
    if path is None and _installed_copy(file.parent):
        raise click.UsageError(
            f"{file.parent} is the copy installed with the library and is never rewritten; "
            "pass the path of your own copy of the package")
    unreadable = [name for name, why in stale if "cannot be read" in why]
    if unreadable:
        for name, why in stale:
            if name in unreadable:
                click.echo(f"error: {name}: {why}", err=True)
        click.echo("nothing written: restore the missing files or remove their resources first",
                   err=True)
        raise SystemExit(1)
    changed = write_hashes(path)
    if changed:
        click.echo(f"{file}: updated bytes/hash of {', '.join(changed)}")
    else:
        click.echo(f"{file}: every resource's bytes and hash were already up to date")


@click.command("diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path), required=False)
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text",
              show_default=True, help="A readable summary or the full diff as JSON.")
def diff_command(old: Path, new: Path | None, fmt: str) -> None:
    """Compare two releases of the data package and say which version bump the change needs.

    OLD and NEW are package folders, datapackage.json files or release wheels (.whl); NEW
    defaults to the shipped package. Rows are matched by primary key. Exit 0 whatever the
    differences; exit 2 if either package cannot be read.
    """
    from .diff import diff, render_json, render_text
    from .package_io import PackageError, TableError, shipped_package_dir

    try:
        result = diff(old, new if new is not None else shipped_package_dir())
    except (PackageError, TableError) as error:
        click.echo(f"Error: cannot compare: {error.message}", err=True)
        raise SystemExit(2) from None
    click.echo(render_json(result) if fmt == "json" else render_text(result), nl=False)


@click.command()
@click.option("--format", "fmt", type=click.Choice(("text", "bibtex")), default="text",
              show_default=True, help="A reference-list entry or BibTeX.")
def cite(fmt: str) -> None:
    """How to cite this release of the dataset and the review it transcribes."""
    from .citation import cite as citation

    click.echo(citation(fmt), nl=False)


COMMANDS = [rehash, diff_command, cite]

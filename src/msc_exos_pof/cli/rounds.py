"""Command ``round add``: open a new search round in a living copy of the package."""

from __future__ import annotations

from pathlib import Path

import click

from .options import debug_option, user_errors


@click.group("round")
def round_group() -> None:
    """Search rounds of a living review: open an update search in a copy."""


@round_group.command("add")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--searched",
    required=True,
    help="When the update search ran: YYYY-MM or YYYY-MM-DD (later than the last round).",
)
@click.option("--version", "version", help="The copy's new version (default: next minor).")
@click.option("--changes", default="", help="What the round changes since the previous version.")
@debug_option
@user_errors()
def add(path: Path, searched: str, version: str | None, changes: str, debug: bool) -> None:
    """Open search round N+1 in the copy at PATH, then list what the round still needs.

    Adds the round to search_rounds (date declared by you), sets the copy's version and
    refreshes bytes and hashes; the counts, databases and studies of the round are yours to add
    and `msc-exos-pof validate PATH` says which are still missing.
    """
    from .. import gate
    from ..release.rounds import add_round

    try:
        opened = add_round(path, searched, version=version, changes=changes)
    except ValueError as error:
        option = "--version" if str(error).startswith("--version") else "--searched"
        raise click.BadParameter(str(error).split(" ", 1)[1], param_hint=option) from None
    click.echo(
        f"opened round {opened.round} (searched {opened.searched}) in {opened.descriptor}; "
        f"version {opened.version}",
        err=True,
    )
    report = gate.validate(path, select=["rounds"], summary=False)
    missing = [f for f in report.findings if f.severity == "error"]
    if missing:
        click.echo(f"still missing for round {opened.round}:", err=True)
        for finding in missing:
            click.echo(f"  {finding.check}: {finding.message}", err=True)


COMMANDS = [round_group]

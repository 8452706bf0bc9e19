"""Commands ``round add`` (open a new search round in a living copy of the package) and
``round remove`` (record that a round removed a study)."""

from __future__ import annotations

from pathlib import Path

import click

from .options import common_options, status, user_errors


@click.group("round")
def round_group() -> None:
    """Search rounds of a living review: open an update search, remove a study."""


@round_group.command("add")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--searched",
    required=True,
    help="When the update search ran: YYYY-MM or YYYY-MM-DD (later than the last round).",
)
@click.option("--version", "version", help="The copy's new version (default: next minor).")
@click.option("--changes", default="", help="What the round changes since the previous version.")
@common_options
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
    status(
        f"opened round {opened.round} (searched {opened.searched}) in {opened.descriptor}; "
        f"version {opened.version}"
    )
    report = gate.validate(path, select=["rounds"], summary=False)
    missing = [f for f in report.findings if f.severity == "error"]
    if missing:
        status(f"still missing for round {opened.round}:")
        for finding in missing:
            status(f"  {finding.check}: {finding.message}")


@round_group.command("remove")
@click.argument("path", type=click.Path(path_type=Path))
@click.argument("study_id")
@click.option(
    "--reason",
    required=True,
    help="Why: retracted, ineligible_on_rescreening, duplicate or other (removal_reason).",
)
@click.option(
    "--note", required=True, help="What happened, with its source (e.g. the retraction notice)."
)
@click.option(
    "--round",
    "number",
    type=click.IntRange(min=2),
    help="The search round that removes the study (default: the last round).",
)
@common_options
@user_errors()
def remove(path: Path, study_id: str, reason: str, note: str, number: int | None) -> None:
    """Record that a search round removed STUDY_ID from the copy at PATH.

    The study keeps its row (and every row that names it): its removed_round, removal_reason
    and removal_note are filled, and the hashes refreshed. load("studies"), the SQL views, the
    figures and the summary then count the studies included now; the round's PRISMA
    total_studies must count one fewer, and `msc-exos-pof validate PATH` says if it does not.
    """
    from .. import gate
    from ..release.removals import remove_study

    try:
        removed = remove_study(path, study_id, reason, note, round=number)
    except ValueError as error:
        hint, _, message = str(error).partition(" ")
        raise click.BadParameter(message, param_hint=hint) from None
    status(
        f"removed {removed.study_id} in round {removed.round} ({removed.reason}) in {removed.file}"
    )
    report = gate.validate(path, select=["rounds", "studies"], summary=False)
    missing = [f for f in report.findings if f.severity == "error"]
    if missing:
        status(f"still to do for round {removed.round}:")
        for finding in missing:
            status(f"  {finding.check}: {finding.message}")


COMMANDS = [round_group]

"""Release commands: ``rehash`` the descriptor, ``diff`` two releases, ``cite`` the dataset."""

from __future__ import annotations

from pathlib import Path

import click

from .options import package_argument, user_errors


def _installed_copy(folder: Path) -> bool:
    """True for the package inside an installed wheel (site-packages), which is never rewritten."""
    return folder.resolve().parent.name == "msc_exos_pof"


@click.command()
@package_argument
@click.option(
    "--check",
    is_flag=True,
    help="Only report resources whose bytes/hash are stale (exit 1 if any); write nothing.",
)
@user_errors()
def rehash(path: Path | None, check: bool) -> None:
    """Write each resource's bytes and sha256 hash into PATH's datapackage.json.

    PATH is a datapackage.json or its folder (default: the shipped package of a checkout).
    Run it after editing any CSV; CI runs it with --check. Exit 0 when up to date (or
    updated), 1 when --check finds stale resources or a file cannot be hashed, 2 when the
    package cannot be read.
    """
    from ..io.locate import descriptor_path
    from ..release.hashes import rehash as write_hashes
    from ..release.hashes import stale_hashes

    file = descriptor_path(path)
    stale = stale_hashes(path)
    if check:
        if not stale:
            click.echo(f"{file}: every resource's bytes and hash are up to date")
            return
        for name, why in stale:
            click.echo(f"stale: {name}: {why}")
        command = f"msc-exos-pof rehash {path}" if path is not None else "msc-exos-pof rehash"
        click.echo(
            f"{file}: {len(stale)} resource(s) have stale bytes/hash; run `{command}` "
            "to update them",
            err=True,
        )
        raise SystemExit(1)
    if path is None and _installed_copy(file.parent):
        raise click.UsageError(
            f"{file.parent} is the copy installed with the library and is never rewritten; "
            "pass the path of your own copy of the package"
        )
    unreadable = [name for name, why in stale if "cannot be read" in why]
    if unreadable:
        for name, why in stale:
            if name in unreadable:
                click.echo(f"error: {name}: {why}", err=True)
        click.echo(
            "nothing written: restore the missing files or remove their resources first", err=True
        )
        raise SystemExit(1)
    changed = write_hashes(path)
    if changed:
        click.echo(f"{file}: updated bytes/hash of {', '.join(changed)}")
    else:
        click.echo(f"{file}: every resource's bytes and hash were already up to date")


@click.command("diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path), required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
    help="A readable summary or the full diff as JSON.",
)
@click.option(
    "--changelog",
    is_flag=True,
    help="Print the CHANGELOG entry instead: the changes since the previous version (new "
    "search rounds with their dates, new and removed studies) and the version bump.",
)
@click.option(
    "--exit-code",
    is_flag=True,
    help="Exit 1 when the packages differ (like git diff --exit-code), 0 when they do not.",
)
@user_errors(prefix="cannot compare: ")
def diff_command(old: Path, new: Path | None, fmt: str, changelog: bool, exit_code: bool) -> None:
    """Compare two releases of the data package and say which version bump the change needs.

    OLD and NEW are package folders, datapackage.json files, release wheels (.whl) or released
    versions (`diff 0.1.0`, `diff 0.1.0 1.0.0`: read offline from the release record). NEW
    defaults to the package of the current folder, else the shipped one. The output starts
    with the bump and the changes in the review's terms (studies, search rounds, counts,
    errata), then every schema and row change. Exit 0 whatever the differences (with
    --exit-code: 1 when there are any); exit 2 if either package cannot be read.
    """
    from ..io.locate import discover_package, shipped_package_dir
    from ..release.diff import changes_paragraph, diff, render_json, render_text

    if new is None:
        new = discover_package() or shipped_package_dir()
        click.echo(f"comparing with {new}", err=True)
    result = diff(old, new)
    if changelog:
        click.echo(changes_paragraph(result), nl=False)
    else:
        click.echo(render_json(result) if fmt == "json" else render_text(result), nl=False)
    if exit_code and result.bump != "none":
        raise SystemExit(1)


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "bibtex")),
    default="text",
    show_default=True,
    help="A reference-list entry or BibTeX.",
)
def cite(fmt: str) -> None:
    """How to cite this release of the dataset and the review it transcribes."""
    from ..release.citation import cite as citation

    click.echo(citation(fmt), nl=False)


@click.command("record-release")
@click.argument("version")
@click.option(
    "--from-git",
    "commit",
    required=True,
    help="The commit that released VERSION (its datapackage/ is read with git archive).",
)
@click.option(
    "--date",
    "day",
    help="The release date (default: VERSION's CHANGELOG entry at that commit, else the "
    "commit's date).",
)
@user_errors()
def record_release(version: str, commit: str, day: str | None) -> None:
    """Add a release older than the release record to it, from git history.

    Run in the root of a checkout with its history. Writes releases/VERSION.snapshot.json and
    the entry in releases/record.json (refused if VERSION is already recorded); `msc-exos-pof
    release` records new releases by itself.
    """
    from ..release.history import release_from_git
    from ..release.record import describe, record_dir, write_release

    root = Path.cwd()
    entry, snapshot = release_from_git(root, version, commit, day)
    written = write_release(entry, snapshot, record_dir(root))
    click.echo(f"recorded in {written}:", err=True)
    click.echo(describe(entry))


@click.command("upgrade")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Print what the upgrade would do; write nothing.")
@user_errors(prefix="cannot upgrade: ")
def upgrade_command(path: Path, dry_run: bool) -> None:
    """Migrate the copy at PATH, made with an earlier data model, to this library's model.

    New fields, keys and resources are added (new required fields get the values that
    msc_exos_pof/release/migrations.json gives, with why); cells the copy never changed take
    the current release's values; every row and cell the copy added or edited is kept, and its
    own fields, codes and resources too. Nothing is written unless all of the copy can be
    migrated; each file is replaced atomically, datapackage.json last. Exit 0 when done (or
    nothing to do), 1 when the copy cannot be migrated, 2 when it cannot be read.
    """
    from .. import gate
    from ..release.upgrade import upgrade

    plan = upgrade(path, dry_run=dry_run)
    for line in plan.lines(dry_run):
        click.echo(line)
    if plan.writes and not dry_run:
        report = gate.validate(path, summary=False)
        errors = sum(f.severity == "error" for f in report.findings)
        verdict = "valid" if report.valid else f"{errors} error(s)"
        click.echo(f"now: {verdict}; `msc-exos-pof validate {path}` lists the findings", err=True)


COMMANDS = [rehash, diff_command, cite, record_release, upgrade_command]

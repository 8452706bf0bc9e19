"""Release commands: ``rehash`` the descriptor, ``diff`` two releases, ``cite`` the dataset."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .options import (
    common_options,
    package_argument,
    refuse_stdout,
    status,
    terminal_text,
    user_errors,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..release.publish import ReleasePlan


def _terminal_safe(text: str) -> str:
    """``text`` line by line with the control characters of its data cells shown escaped (a
    cell cannot move the cursor or colour the terminal)."""
    return "".join(terminal_text(line) + "\n" for line in text.splitlines())


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
@common_options
@user_errors()
def rehash(path: Path | None, check: bool) -> None:
    """Write each resource's bytes and sha256 hash into PATH's datapackage.json.

    Run it after editing any CSV; CI runs it with --check (and pre-commit's hook
    msc-exos-pof-rehash runs it before each commit). Exit 0 when up to date (or
    updated), 1 when --check finds stale resources or a file cannot be hashed, 2 when the
    package cannot be read.
    """
    from ..io.locate import descriptor_path
    from ..release.hashes import rehash as write_hashes
    from ..release.hashes import rehash_command, stale_hashes

    file = descriptor_path(path)
    stale = stale_hashes(path)
    if check:
        if not stale:
            click.echo(f"{file}: every resource's bytes and hash are up to date")
            return
        for name, why in stale:
            click.echo(terminal_text(f"stale: {name}: {why}"))
        command = rehash_command(path)
        click.echo(
            f"{file}: {len(stale)} resource(s) have stale bytes/hash; run `{command}` "
            "to update them",
            err=True,
        )
        raise SystemExit(1)
    if _installed_copy(file.parent):
        raise click.UsageError(
            f"{file.parent} is the copy installed with the library and is never rewritten; "
            "pass the path of your own copy of the package"
        )
    unreadable = [name for name, why in stale if "cannot be read" in why]
    if unreadable:
        for name, why in stale:
            if name in unreadable:
                click.echo(terminal_text(f"error: {name}: {why}"), err=True)
        click.echo(
            "nothing written: restore the missing files or remove their resources first", err=True
        )
        raise SystemExit(1)
    changed = write_hashes(path)
    if changed:
        click.echo(terminal_text(f"{file}: updated bytes/hash of {', '.join(changed)}"))
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
@common_options
@user_errors(prefix="cannot compare: ")
def diff_command(old: Path, new: Path | None, fmt: str, changelog: bool, exit_code: bool) -> None:
    """Compare two releases of the data package and say which version bump the change needs.

    OLD and NEW are package folders, datapackage.json files, release wheels (.whl) or released
    versions (`diff 0.1.0`, `diff 0.1.0 1.0.0`: read offline from the release record). NEW
    defaults to the package every command reads without PATH ($MSC_EXOS_POF_PACKAGE, else the
    copy in ./datapackage/, else the shipped one). The output starts
    with the bump and the changes in the review's terms (studies, search rounds, counts,
    errata), then every schema and row change. Exit 0 whatever the differences (with
    --exit-code: 1 when there are any); exit 2 if either package cannot be read.
    """
    from ..io.locate import default_package, shipped_package_dir
    from ..release.diff import changes_paragraph, diff, render_json, render_text

    if new is None:
        new = default_package().path or shipped_package_dir()
        status(f"comparing with {new}")
    result = diff(old, new)
    if changelog:
        click.echo(_terminal_safe(changes_paragraph(result)), nl=False)
    elif fmt == "json":
        click.echo(render_json(result), nl=False)  # JSON escapes every control character
    else:
        click.echo(_terminal_safe(render_text(result)), nl=False)
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
@common_options
@user_errors()
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
@common_options
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
    status(f"recorded in {written}:")
    click.echo(describe(entry))


@click.command("upgrade")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Print what the upgrade would do; write nothing.")
@common_options
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
    click.echo(_terminal_safe("\n".join(plan.lines(dry_run)) + "\n"), nl=False)
    if plan.writes and not dry_run:
        report = gate.validate(path, summary=False)
        errors = sum(f.severity == "error" for f in report.findings)
        verdict = "valid" if report.valid else f"{errors} error(s)"
        status(f"now: {verdict}; `msc-exos-pof validate {path}` lists the findings")


@click.command("release")
@click.argument("version", required=False)
@click.option("--date", "day", help="The release date, YYYY-MM-DD (default: today).")
@click.option(
    "--dist",
    type=click.Path(path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Where the wheel and the sdist are built.",
)
@click.option("--dry-run", is_flag=True, help="Print what the release would change; write nothing.")
@common_options
@user_errors(prefix="cannot release: ")
def release_command(version: str | None, day: str | None, dist: Path, dry_run: bool) -> None:
    """Cut release VERSION of the checkout in the current folder (default: the release its
    pre-release version leads to, e.g. 1.0.0 for 1.0.0.dev0).

    In order: rehash; validate (refused on any error or warning); diff against the last
    release of releases/record.json and refuse a version smaller than the changes need; move
    CHANGELOG.md's [Unreleased] notes under the new version, after a Data section written from
    the diff; set the version in datapackage.json and CITATION.cff; record the release (hashes
    and snapshot); regenerate the generated pages; build the wheel and the sdist with
    SOURCE_DATE_EPOCH at the release date and check them with twine. It never tags or uploads:
    it prints the two commands that do. Exit 0 when released (or planned, with --dry-run), 1
    when refused, 2 when the checkout cannot be read.
    """
    from ..io.atomic import refuse_inside_package
    from ..release.publish import checkout_root, plan_release

    refuse_stdout(dist, "--dist (the folder of the wheel and the sdist)")
    root = checkout_root(Path.cwd())
    refuse_inside_package(root / dist, root / "datapackage", shipped=False)  # before any write
    stale = _rehash_step(root, dry_run)
    _gate_step(root)
    plan = plan_release(root, version, day)
    if dry_run:
        _print_dry_run(plan, stale, root / dist)
        return
    _write_step(plan)
    built = _build_step(plan, root / dist)
    _print_commands(plan, built)


def _rehash_step(root: Path, dry_run: bool) -> list[str]:
    from ..release.hashes import rehash as write_hashes
    from ..release.hashes import stale_hashes

    stale = [name for name, _ in stale_hashes(root / "datapackage")]
    if stale and not dry_run:
        write_hashes(root / "datapackage")
        status(f"rehashed {', '.join(stale)}")
    return stale


def _gate_step(root: Path) -> None:
    """The package must be valid, without a warning, before anything is written."""
    from .. import gate
    from ..errors import ReleaseError

    report = gate.validate(root / "datapackage", summary=False)
    problems = [f for f in report.findings if f.severity in ("error", "warning")]
    if problems:
        shown = "; ".join(f"{f.check}: {f.message}" for f in problems[:3])
        raise ReleaseError(
            f"the package has {len(problems)} error(s) or warning(s), fix them first "
            f"(`msc-exos-pof validate datapackage`): {shown}"
        )
    status("validate: valid, no warning")


def _pages(plan: ReleasePlan, package: Path) -> dict[Path, str]:
    """The generated pages that change, rendered from the package at ``package``."""
    from ..docgen.pages import generated_pages

    pages = {plan.root / name: text for name, text in generated_pages(package).items()}
    return {
        file: text
        for file, text in pages.items()
        if not file.is_file() or file.read_text(encoding="utf-8") != text
    }


def _print_dry_run(plan: ReleasePlan, stale: list[str], dist: Path) -> None:
    import shutil
    import tempfile

    from ..release.record import describe

    last = plan.state.last.version if plan.state.last else "none"
    changes = (
        f"the changes since {last} need a {plan.state.required} release"
        if plan.state.changed or plan.state.last is None
        else f"the data is {last}'s, a release of the library alone"
    )
    click.echo(
        f"release {plan.version} ({plan.date}) of {plan.root.resolve()}: {changes}; "
        f"data model {plan.model}"
    )
    click.echo(f"would rehash: {', '.join(stale) or 'nothing (the hashes are fresh)'}")
    click.echo(plan.unified_diffs(), nl=False)
    assert plan.entry is not None
    click.echo(f"would record releases/{plan.entry.snapshot.path} and the entry:")
    click.echo(describe(plan.entry))
    with tempfile.TemporaryDirectory() as temporary:
        package = Path(shutil.copytree(plan.root / "datapackage", Path(temporary) / "p"))
        after = plan.edits[plan.root / "datapackage" / "datapackage.json"][1]
        (package / "datapackage.json").write_text(after, encoding="utf-8")
        pages = _pages(plan, package)
    click.echo(
        "would regenerate: "
        + (", ".join(str(page.relative_to(plan.root)) for page in pages) or "nothing")
    )
    built = [dist / name for name in plan.distributions]
    click.echo(
        f"would build with SOURCE_DATE_EPOCH={plan.epoch}: "
        + " and ".join(str(path.relative_to(plan.root)) for path in built)
        + ", then twine check --strict them"
    )
    click.echo("nothing written (--dry-run)")
    _print_commands(plan, built, dry_run=True)


def _write_step(plan: ReleasePlan) -> None:
    from ..io.atomic import write_text_atomic
    from ..release.publish import write_release_files

    for written in write_release_files(plan):
        status(f"wrote {written.relative_to(plan.root)}")
    for page, text in _pages(plan, plan.root / "datapackage").items():
        write_text_atomic(page, text)
        status(f"regenerated {page.relative_to(plan.root)}")
    _gate_step(plan.root)  # the release layer now sees the recorded release


def _build_step(plan: ReleasePlan, dist: Path) -> list[Path]:
    from ..release.publish import build

    built = build(plan, dist)
    for path in built:
        status(f"built {path} (twine check --strict: PASSED)")
    return built


def _print_commands(plan: ReleasePlan, built: list[Path], dry_run: bool = False) -> None:
    from ..release.publish import publish_commands

    tag, upload = publish_commands(plan, built)
    if dry_run:
        click.echo("then, to publish it (release never tags or uploads):")
    else:
        click.echo(f"released {plan.version}; nothing was tagged or uploaded. To publish it:")
    click.echo(f"  {tag}")
    click.echo(f"  {upload}")
    click.echo(
        f"(pushing the tag, git push origin v{plan.version}, runs .github/workflows/release.yml, "
        "which uploads with trusted publishing instead of the second command; reinstall with "
        f"pip install -e . so that the installed metadata says {plan.version})"
    )


COMMANDS = [rehash, diff_command, cite, record_release, upgrade_command, release_command]

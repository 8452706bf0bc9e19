"""Cutting a release in a checkout: the version the data needs, the CHANGELOG entry written from
``diff``, CITATION.cff, the release record, and reproducible distributions checked by twine.

``plan_release`` decides everything and refuses (``ReleaseError``) before anything is written:
a version smaller than the changes need, a version already released, a release of the library
alone (the data identical to the last release's) without notes. ``write_release_files`` writes
the plan; ``build`` makes the wheel and sdist with ``SOURCE_DATE_EPOCH`` at the release date, so
anyone rebuilding the release gets its bytes. The ``release`` command (``cli/release.py``) runs
them in order with ``rehash``, the generated pages and the gate, which live in layers this one
may not import. Nothing here tags or uploads.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ReleaseError
from .changelog import cut_release, unreleased_notes
from .citation import update_citation_cff
from .record import Release, record_dir, release_entry, write_release
from .status import ReleaseState, release_state
from .summary import data_section
from .versions import at_least, bump_between, is_version, next_version, parse

#: The files of a checkout a release rewrites (besides the record).
CHANGELOG, CITATION, PACKAGE = "CHANGELOG.md", "CITATION.cff", "datapackage"


@dataclass
class ReleasePlan:
    """Everything a release of ``version`` writes, decided before anything is."""

    root: Path
    version: str
    date: str
    state: ReleaseState
    model: str
    edits: dict[Path, tuple[str, str]] = field(default_factory=dict)  # file -> (before, after)
    entry: Release | None = None
    snapshot: str = ""

    @property
    def distributions(self) -> list[str]:
        """The file names of the wheel and the sdist of the release."""
        return [
            f"msc_exos_pof-{self.version}-py3-none-any.whl",
            f"msc_exos_pof-{self.version}.tar.gz",
        ]

    @property
    def epoch(self) -> int:
        day = dt.date.fromisoformat(self.date)
        return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())

    def unified_diffs(self) -> str:
        """The edits as a unified diff (what ``release --dry-run`` prints)."""
        out = []
        for file, (before, after) in self.edits.items():
            name = file.relative_to(self.root).as_posix()
            out += difflib.unified_diff(
                before.splitlines(keepends=True),
                after.splitlines(keepends=True),
                f"a/{name}",
                f"b/{name}",
                n=1,
            )
        return "".join(out)


def checkout_root(root: str | os.PathLike[str]) -> Path:
    """``root`` if it is a checkout that can be released, else ``ReleaseError`` naming what it
    lacks."""
    base = Path(root)
    needed = [PACKAGE + "/datapackage.json", CHANGELOG, CITATION, "pyproject.toml"]
    missing = [name for name in needed if not (base / name).is_file()]
    if missing:
        raise ReleaseError(
            f"{base.resolve()} is not a checkout to release from (it lacks {', '.join(missing)}); "
            "run `msc-exos-pof release` in the root of the repository"
        )
    return base


def _choose_version(state: ReleaseState, version: str | None) -> str:
    """The version to release: the one asked for, else the release the pre-release leads to,
    else the next version the changes need; refused when smaller than they need."""
    last = state.last
    if version is None:
        current = parse(state.version) if is_version(state.version) else None
        if current is not None and current.is_prerelease:
            version = str(current.release)
        elif last is not None:  # the data's bump, a patch for a release of the library alone
            bump = state.required if state.changed else "patch"
            version = next_version(last.version, bump)  # type: ignore[arg-type]
        else:
            version = state.version
    if not is_version(version) or parse(version).is_prerelease:
        raise ReleaseError(f"{version!r} is not a release version X.Y.Z; give one (e.g. 1.0.0)")
    if last is None:
        return version
    if parse(version).key() <= parse(last.version).key():
        raise ReleaseError(
            f"{version} is not later than the last release {last.version}; a released version "
            "is never reused: give a later one"
        )
    if not at_least(bump_between(last.version, version), state.required):  # type: ignore[arg-type]
        need = next_version(last.version, state.required)  # type: ignore[arg-type]
        raise ReleaseError(
            f"{version} is a {bump_between(last.version, version)} step from {last.version}, "
            f"but the changes since it need a {state.required} one ({state.reasons()}): "
            f"release {need} or later (`msc-exos-pof diff {last.version}` lists every change)"
        )
    return version


def plan_release(
    root: str | os.PathLike[str], version: str | None = None, day: str | None = None
) -> ReleasePlan:
    """Decide a release of the checkout at ``root`` (nothing is written)."""
    base = checkout_root(root)
    package = base / PACKAGE
    state = release_state(package, record_dir(base))
    chosen = _choose_version(state, version)
    day = day or dt.date.today().isoformat()
    model = state.model
    if state.last is not None:
        model = chosen if state.model_changes else state.last.model
    plan = ReleasePlan(base, chosen, day, state, model)
    descriptor_text = _descriptor_edit(plan)
    plan.edits[package / "datapackage.json"] = descriptor_text
    plan.edits[base / CHANGELOG] = _changelog_edit(plan)
    text = (base / CITATION).read_text(encoding="utf-8")
    plan.edits[base / CITATION] = (text, update_citation_cff(text, chosen, day))
    plan.entry, plan.snapshot = release_entry(
        package, chosen, day, model, descriptor=descriptor_text[1].encode("utf-8")
    )
    return plan


def _descriptor_edit(plan: ReleasePlan) -> tuple[str, str]:
    from .model import MODEL_KEY

    file = plan.root / PACKAGE / "datapackage.json"
    before = file.read_text(encoding="utf-8")
    descriptor = json.loads(before)
    descriptor["version"] = plan.version
    descriptor[MODEL_KEY] = plan.model
    return before, json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"


def _changelog_edit(plan: ReleasePlan) -> tuple[str, str]:
    text = (plan.root / CHANGELOG).read_text(encoding="utf-8")
    notes = unreleased_notes(text)
    if notes is None:
        raise ReleaseError(
            f"{CHANGELOG} has no '## [Unreleased]' section to release; add it with the notes of "
            "this release"
        )
    last = plan.state.last
    if last is not None and not plan.state.changed:
        # One version is one dataset, and a dataset may have several versions: a release of
        # the library alone says so, and must say what changed in the library.
        if not notes.strip():  # as release.changelog judges notes
            raise ReleaseError(
                f"the data is release {last.version}'s, byte for byte, and '## [Unreleased]' in "
                f"{CHANGELOG} says nothing: there is nothing to release (a release of the library "
                "alone needs its Added/Changed/Fixed notes)"
            )
        summary = (
            f"No change to the data: it is release {last.version}'s, byte for byte "
            f"(`msc-exos-pof diff {last.version} {plan.version}` finds no difference); this "
            "release changes the library only.\n"
        )
    elif last is not None and plan.state.comparison is not None:
        summary = data_section(plan.state.comparison, last.version, plan.version)
    else:
        summary = "First release."
    return text, cut_release(text, plan.version, plan.date, summary)


def write_release_files(plan: ReleasePlan) -> list[Path]:
    """Write the plan: the descriptor, CHANGELOG.md, CITATION.cff (each atomically), then the
    release record's snapshot and entry."""
    from ..io.atomic import write_text_atomic

    written = [write_text_atomic(file, after) for file, (_, after) in plan.edits.items()]
    assert plan.entry is not None
    written.append(write_release(plan.entry, plan.snapshot, record_dir(plan.root)))
    return written


def build(plan: ReleasePlan, outdir: Path) -> list[Path]:
    """Build the wheel and the sdist of the checkout into ``outdir`` with SOURCE_DATE_EPOCH at
    the release date (offline: the build backend of the ``test`` extra, no isolation), then run
    ``twine check --strict`` on them. ``ReleaseError`` with the tool's output when one fails."""
    from ..io.atomic import refuse_inside_package, refuse_unless_replaceable

    env = {**os.environ, "SOURCE_DATE_EPOCH": str(plan.epoch)}
    names = plan.distributions
    refuse_inside_package(outdir, plan.root / "datapackage", shipped=False)
    for target in names:  # an earlier build's files are replaced; nothing else is
        refuse_unless_replaceable(outdir / target)
    for target in names:
        (outdir / target).unlink(missing_ok=True)
    _run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(outdir), str(plan.root)],
        env,
    )
    built = [outdir / name for name in names]
    _run([sys.executable, "-m", "twine", "check", "--strict", *map(str, built)], env)
    return built


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise ReleaseError(f"`{' '.join(command[1:4])} ...` failed:\n{tail}")


def publish_commands(plan: ReleasePlan, built: list[Path]) -> list[str]:
    """The two commands that publish the release (tag, upload); ``release`` runs neither."""
    files = " ".join(
        str(path.relative_to(plan.root) if path.is_relative_to(plan.root) else path)
        for path in built
    )
    changed = "CHANGELOG.md CITATION.cff datapackage docs releases"
    return [
        f'git add {changed} && git commit -m "Release {plan.version}" && '
        f'git tag -a v{plan.version} -m "msc-exos-pof {plan.version}"',
        f"twine upload {files}",
    ]

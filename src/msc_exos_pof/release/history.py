"""Releases from git history: the package of a past commit, and its release-record entry.

A release older than the record (0.1.0, commit bee5d26) is recorded from the commit that
released it, never from hand-edited files: ``git archive`` gives the commit's ``datapackage/``
exactly as it was.
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
from pathlib import Path

from ..errors import ReleaseError
from .model import model_version
from .record import Release, release_entry


def _git(root: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise ReleaseError("git is not installed; it is needed to read a past release") from None
    if done.returncode != 0:
        raise ReleaseError(
            f"git {' '.join(args)} failed in {root}: {done.stderr.decode(errors='replace').strip()}"
        )
    return done.stdout


def resolve_commit(root: Path, commit: str) -> str:
    """The full hash of ``commit``; ``ReleaseError`` saying what to fetch when the clone lacks
    it (a shallow clone has no history)."""
    try:
        found = _git(root, "rev-parse", "--verify", "--quiet", f"{commit}^{{commit}}")
    except ReleaseError:
        found = b""
    if not found.strip():
        shallow = _is_shallow(root)
        hint = (
            "this is a shallow clone without the history: run `git fetch --unshallow`"
            if shallow
            else "fetch the history that holds it"
        )
        raise ReleaseError(f"commit {commit} is not in the git history of {root}; {hint}")
    return found.decode().strip()


def _is_shallow(root: Path) -> bool:
    try:
        return _git(root, "rev-parse", "--is-shallow-repository").strip() == b"true"
    except ReleaseError:
        return False


def extract_package(root: Path, commit: str, into: Path) -> Path:
    """Write the ``datapackage/`` folder of ``commit`` into ``into``; return the folder."""
    archive = _git(root, "archive", "--format=tar", commit, "datapackage")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "datapackage"


def release_from_git(
    root: str | os.PathLike[str], version: str, commit: str, day: str | None = None
) -> tuple[Release, str]:
    """The record entry (and snapshot text) of release ``version`` made at ``commit``.

    ``day`` defaults to the date of ``version``'s CHANGELOG entry at that commit, else the
    commit's date. ``ReleaseError`` when the commit's package carries another version.
    """
    import tempfile

    from ..io.descriptor import read_descriptor
    from .changelog import release_date

    base = Path(root)
    full = resolve_commit(base, commit)
    with tempfile.TemporaryDirectory(prefix="msc-exos-pof-history-") as temporary:
        package = extract_package(base, full, Path(temporary))
        descriptor = read_descriptor(package)
        if descriptor.get("version") != version:
            raise ReleaseError(
                f"the package of commit {commit} has version {descriptor.get('version')!r}, not "
                f"{version}: give the commit that released {version}"
            )
        if day is None:
            changelog = _git(base, "show", f"{full}:CHANGELOG.md").decode("utf-8")
            day = (
                release_date(changelog, version)
                or _git(base, "show", "-s", "--format=%cs", full).decode().strip()
            )
        return release_entry(package, version, day, model_version(descriptor), commit=full)

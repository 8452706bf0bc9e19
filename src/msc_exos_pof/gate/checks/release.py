"""Checks: the release layer (is the descriptor's version documented in CHANGELOG.md?)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..registry import register

if TYPE_CHECKING:  # pragma: no cover
    from ...io.context import PackageContext
    from ..report import Finding

#: A release heading of Keep a Changelog: ``## [1.2.3] - 2026-11-25`` (the date is optional here).
_HEADING = re.compile(r"^##\s+\[(?P<version>[^\]]+)\](?:\s*-\s*(?P<date>\S+))?", re.MULTILINE)


def changelog_releases(text: str) -> list[tuple[str, str | None]]:
    """``(version, date)`` of every release heading, newest first, without ``[Unreleased]``."""
    return [
        (m["version"].strip(), m["date"])
        for m in _HEADING.finditer(text)
        if m["version"].strip().lower() != "unreleased"
    ]


def changelog_problem(version: object, changelog: Path) -> str | None:
    """Why ``changelog`` does not name ``version`` as its latest release (``None`` if it does)."""
    try:
        text = changelog.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return f"{changelog} cannot be read ({error}); keep it a UTF-8 Markdown file"
    releases = changelog_releases(text)
    versions = [v for v, _ in releases]
    if version not in versions:
        latest = f"its latest entry is [{versions[0]}]" if versions else "it has no release entry"
        return (
            f"the descriptor's version {version!r} has no '## [{version}] - YYYY-MM-DD' entry in "
            f"{changelog.name} ({latest}); add the entry (move the Unreleased notes under it) "
            "before releasing"
        )
    if versions[0] != version:
        return (
            f"the descriptor's version is {version!r} but the latest entry of {changelog.name} is "
            f"[{versions[0]}]; the descriptor's version must be the newest release: bump "
            '"version" in datapackage.json or fix the order of the entries'
        )
    return None


@register(
    "release.changelog",
    "warning",
    "the descriptor's version has no CHANGELOG.md entry or is not the latest one "
    "(only for the repository's own package)",
    "release",
)
def check_changelog(ctx: PackageContext) -> Iterator[Finding]:
    root = ctx.in_repository
    if root is None:  # a copy outside a checkout has no changelog to agree with
        return
    problem = changelog_problem(ctx.descriptor.get("version"), root / "CHANGELOG.md")
    if problem is not None:
        yield check_changelog.finding(problem, field="version")

"""Checks: the release layer (for a repository that keeps a CHANGELOG and a release record, its
version says what its data is) and the data model a copy follows (any package)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from ...release.changelog import changelog_problem, changelog_releases
from ...release.model import model_mismatch
from ...release.record import RECORD_NAME
from ...release.status import (
    ReleaseState,
    bump_problem,
    model_problem,
    release_state,
    unreleased_data_problem,
)
from ..registry import Check, register

if TYPE_CHECKING:  # pragma: no cover
    from ...io.context import PackageContext
    from ..report import Finding

__all__ = ["changelog_problem", "changelog_releases"]


@register(
    "descriptor.model_version",
    "error",
    "the package follows the data model this library checks (its descriptor's modelVersion); "
    "a copy made with an earlier released model is upgraded with `msc-exos-pof upgrade`",
    "descriptor",
)
def check_model_version(ctx: PackageContext) -> Iterator[Finding]:
    mismatch = model_mismatch(ctx.descriptor)
    if mismatch is not None:
        where = ctx.path if ctx.path is not None else ctx.base
        found = check_model_version.finding(mismatch.message(where), field="modelVersion")
        yield replace(found, pointer="/modelVersion") if mismatch.declared else found


@register(
    "release.changelog",
    "error",
    "the descriptor's version has its CHANGELOG.md entry, the newest one (a pre-release: notes "
    "under [Unreleased]) (only for the repository's own package)",
    "release",
)
def check_changelog(ctx: PackageContext) -> Iterator[Finding]:
    root = ctx.in_repository
    if root is None:  # a copy outside a checkout has no changelog to agree with
        return
    problem = changelog_problem(ctx.descriptor.get("version"), root / "CHANGELOG.md")
    if problem is not None:
        yield replace(check_changelog.finding(problem, field="version"), pointer="/version")


def _state(ctx: PackageContext) -> ReleaseState | None:
    """The package against the last release of the repository's record (``ctx.memo`` it)."""
    root = ctx.in_repository
    record = root / "releases" if root is not None else None
    usable = record is not None and (record / RECORD_NAME).is_file()
    return release_state(ctx.descriptor_file, record) if usable else None


def _release_findings(
    ctx: PackageContext, check: Check, problem: Callable[[ReleaseState], str | None], field: str
) -> Iterator[Finding]:
    state = ctx.memo(_state)
    message = problem(state) if state is not None else None
    if message is not None:
        yield replace(check.finding(message, field=field), pointer=f"/{field}")


@register(
    "release.unreleased_data",
    "error",
    "the data differs from the last recorded release while the version still names it (or "
    "names a release the record lacks) (only for a repository with a release record)",
    "release",
)
def check_unreleased_data(ctx: PackageContext) -> Iterator[Finding]:
    yield from _release_findings(ctx, check_unreleased_data, unreleased_data_problem, "version")


@register(
    "release.version_bump",
    "error",
    "the version is at least the bump `diff` requires from the last recorded release (only "
    "for a repository with a release record)",
    "release",
)
def check_version_bump(ctx: PackageContext) -> Iterator[Finding]:
    yield from _release_findings(ctx, check_version_bump, bump_problem, "version")


@register(
    "release.model_version",
    "error",
    "modelVersion names the last release's model while the Table Schemas are unchanged, else "
    "the release the version leads to (only for a repository with a release record)",
    "release",
)
def check_model_version_of_release(ctx: PackageContext) -> Iterator[Finding]:
    yield from _release_findings(ctx, check_model_version_of_release, model_problem, "modelVersion")

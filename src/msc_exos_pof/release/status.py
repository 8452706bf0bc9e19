"""Where a package stands against the last recorded release: does its version say what its data
is? One version is one dataset: data that differs from the last release carries a pre-release
of the release the change needs, and a release's bump is at least what ``diff`` requires.

The gate's ``release.*`` checks (for a repository that keeps a release record) and the
``release`` command ask the same questions here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .diff import MODEL_KINDS, DataDiff, diff
from .model import MODEL_KEY, model_version
from .record import Release, latest_release, released_package
from .versions import at_least, bump_between, is_version, next_version, parse


@dataclass
class ReleaseState:
    """A package's version and model beside the last release and the diff from it."""

    version: str
    model: str
    last: Release | None
    recorded: bool  # the version is a recorded release
    comparison: DataDiff | None = None

    @property
    def changed(self) -> bool:
        return self.comparison is not None and self.comparison.bump != "none"

    @property
    def required(self) -> str:
        return self.comparison.bump if self.comparison is not None else "none"

    @property
    def model_changes(self) -> list[str]:
        if self.comparison is None:
            return []
        return [c.describe() for c in self.comparison.schema if c.kind in MODEL_KINDS]

    def reasons(self, count: int = 2) -> str:
        reasons = self.comparison.reasons if self.comparison is not None else []
        more = f"; and {len(reasons) - count} more" if len(reasons) > count else ""
        return "; ".join(reasons[:count]) + more


def release_state(
    package: str | os.PathLike[str], record: str | os.PathLike[str] | None = None
) -> ReleaseState:
    """Compare ``package`` with the newest release of the record in ``record`` (a ``releases``
    folder; default: the installed record)."""
    from ..io.descriptor import read_descriptor
    from .record import find_release

    descriptor = read_descriptor(package)
    version = str(descriptor.get("version"))
    state = ReleaseState(
        version,
        model_version(descriptor),
        latest_release(record),
        find_release(version, record) is not None,
    )
    if state.last is not None:
        with released_package(state.last.version, record) as old:
            state.comparison = diff(old, Path(package))
        state.comparison.old = state.last.version
    return state


def unreleased_data_problem(state: ReleaseState) -> str | None:
    """The version names a release while the data is not that release's."""
    last = state.last
    if last is None or not is_version(state.version) or parse(state.version).is_prerelease:
        return None
    if state.version == last.version and state.changed:
        target = next_version(last.version, state.required)  # type: ignore[arg-type]
        return (
            f"the data differs from release {last.version} (a {state.required} change: "
            f'{state.reasons()}), but "version" is still {last.version}: one version is one '
            f'dataset; set "version" to {target}.dev0, a pre-release of the release the change '
            "needs, and describe the change under [Unreleased] in CHANGELOG.md "
            f"(`msc-exos-pof diff {last.version}` lists it)"
        )
    if not state.recorded and parse(state.version).key() > parse(last.version).key():
        return (
            f'"version" is {state.version}, a release, but the release record has no entry for '
            f"it (its last release is {last.version}): cut releases with `msc-exos-pof release "
            f"{state.version}`, which records their hashes; until then use the pre-release "
            f"{state.version}.dev0"
        )
    return None


def bump_problem(state: ReleaseState) -> str | None:
    """The version (or the release a pre-release leads to) is a smaller step from the last
    release than the changes since it need."""
    last = state.last
    if last is None or not state.changed or not is_version(state.version):
        return None
    if state.version == last.version:
        return None  # unreleased_data_problem says what to do
    step = bump_between(last.version, state.version)
    if at_least(step, state.required):  # type: ignore[arg-type]
        return None
    target = next_version(last.version, state.required)  # type: ignore[arg-type]
    what = (
        f"a pre-release of {parse(state.version).release}"
        if parse(state.version).is_prerelease
        else "a release"
    )
    return (
        f'"version" {state.version} is {what}, a {step} step from the last release '
        f"{last.version}, but the changes since {last.version} need a {state.required} one "
        f'({state.reasons()}): set "version" to {target} (or {target}.dev0 until it is '
        f"released); `msc-exos-pof diff {last.version}` lists every change"
    )


def model_problem(state: ReleaseState) -> str | None:
    """``modelVersion`` does not name the Table Schemas the package follows: the last release's
    model when they are unchanged, else the release the version leads to."""
    last = state.last
    if last is None or not is_version(state.version) or state.version == last.version:
        return None
    changes = state.model_changes
    expected = str(parse(state.version).release) if changes else last.model
    if state.model == expected:
        return None
    why = (
        f"the Table Schemas differ from release {last.version}'s ({'; '.join(changes[:2])}"
        + (f"; and {len(changes) - 2} more" if len(changes) > 2 else "")
        + f"), so they are the new model of {expected}"
        if changes
        else f"the Table Schemas are those of release {last.version}, model {last.model}"
    )
    return (
        f'"{MODEL_KEY}" is {state.model}, but {why}: set "{MODEL_KEY}" to {expected} so that '
        "copies made from this package can be upgraded to the right model"
    )

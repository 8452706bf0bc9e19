"""Versions of the dataset: releases ``X.Y.Z``, pre-releases ``X.Y.Z.devN`` between them, and
the bump from one to the next.

A release is ``MAJOR.MINOR.PATCH``. Between two releases the data carries a pre-release of the
next one (PEP 440's ``1.0.0.dev0``, which pip, hatch and PyPI read the same way), so that no two
different datasets ever carry one version.

>>> parse("1.0.0.dev0")
Version(major=1, minor=0, patch=0, dev=0)
>>> str(parse("1.0.0.dev0").release)
'1.0.0'
>>> bump_between("0.1.0", "1.0.0")
'major'
>>> next_version("1.0.0", "minor")
'1.1.0'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Bump = Literal["none", "patch", "minor", "major"]
BUMPS: tuple[Bump, ...] = ("none", "patch", "minor", "major")

_VERSION = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:\.dev(0|[1-9]\d*))?$")


@dataclass(frozen=True)
class Version:
    """A release (``dev`` is ``None``) or a pre-release of it (``X.Y.Z.devN``)."""

    major: int
    minor: int
    patch: int
    dev: int | None = None

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        return text if self.dev is None else f"{text}.dev{self.dev}"

    @property
    def release(self) -> Version:
        """The release this version is or leads to (``1.0.0.dev0`` -> ``1.0.0``)."""
        return Version(self.major, self.minor, self.patch)

    @property
    def is_prerelease(self) -> bool:
        return self.dev is not None

    def key(self) -> tuple[int, int, int, int]:
        """A sort key: a pre-release sorts before its release, after the one before."""
        dev = self.dev if self.dev is not None else 1 << 62
        return (self.major, self.minor, self.patch, dev)


def parse(text: object) -> Version:
    """``X.Y.Z`` or ``X.Y.Z.devN``; ``ValueError`` saying what is expected otherwise."""
    match = _VERSION.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(
            f"{text!r} is not a version: expected X.Y.Z for a release or X.Y.Z.devN for a "
            "pre-release of it (e.g. 1.0.0 or 1.1.0.dev0)"
        )
    major, minor, patch, dev = match.groups()
    return Version(int(major), int(minor), int(patch), None if dev is None else int(dev))


def is_version(text: object) -> bool:
    """Whether ``text`` is a release or pre-release version this project writes."""
    try:
        parse(text)
    except ValueError:
        return False
    return True


def next_version(version: str, bump: Bump) -> str:
    """The release after ``version`` that a change of size ``bump`` needs.

    For a pre-release, the release it leads to counts as already taken: ``1.0.0.dev0`` plus a
    minor change is ``1.1.0``, so that the result is always later than ``version``.
    """
    current = parse(version).release
    if bump == "major":
        return f"{current.major + 1}.0.0"
    if bump == "minor":
        return f"{current.major}.{current.minor + 1}.0"
    if bump == "patch":
        return f"{current.major}.{current.minor}.{current.patch + 1}"
    return str(current)


def bump_between(old: str, new: str) -> Bump:
    """The size of the step from release ``old`` to ``new`` (for a pre-release, to the release
    it leads to): ``none`` when they are the same release or ``new`` is not later."""
    before, after = parse(old).release, parse(new).release
    if after.key() <= before.key():
        return "none"
    if after.major != before.major:
        return "major"
    if after.minor != before.minor:
        return "minor"
    return "patch"


def at_least(bump: Bump, required: Bump) -> bool:
    """Whether a ``bump`` is as large as the ``required`` one."""
    return BUMPS.index(bump) >= BUMPS.index(required)

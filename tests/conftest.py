"""Shared fixtures: fresh copies of the shipped package that a test may break."""

from __future__ import annotations

import csv
import io
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from msc_exos_pof.io.locate import shipped_package_dir
from msc_exos_pof.release.hashes import rehash

# Profiles for property-based tests: `pytest --hypothesis-profile=thorough` (or
# `HYPOTHESIS_PROFILE=thorough pytest`) runs many more examples.
settings.register_profile(
    "default", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
# CI (CI=true, as .ci/run sets it) runs derandomised; HYPOTHESIS_PROFILE picks any profile. This
# conftest loads before the hypothesis plugin reads `--hypothesis-profile`, which so wins.
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default")
)


SOURCE_TEXT = Path(__file__).resolve().parents[2] / "shared" / "source" / "000_a4970f2b6624f28e.txt"


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A copy of the shipped package folder; returns the folder."""
    target = tmp_path / "pkg"
    shutil.copytree(shipped_package_dir(), target)
    return target


def read_rows(folder: Path, resource: str) -> list[dict[str, str]]:
    with open(folder / "data" / f"{resource}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_rows(
    folder: Path,
    resource: str,
    rows: list[dict[str, str]],
    fieldnames: list[str] | None = None,
    update_hash: bool = True,
) -> None:
    """Write rows back as CSV; refresh bytes/hash (default) so only the intended check fires."""
    fieldnames = fieldnames or (list(rows[0]) if rows else read_header(folder, resource))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (folder / "data" / f"{resource}.csv").write_text(buffer.getvalue(), encoding="utf-8")
    if update_hash:
        rehash(folder)


def read_header(folder: Path, resource: str) -> list[str]:
    with open(folder / "data" / f"{resource}.csv", encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


def edit_rows(
    folder: Path,
    resource: str,
    change: Callable[[list[dict[str, str]]], list[dict[str, str]] | None],
) -> None:
    """Apply ``change`` to the resource's rows (in place or by returning new rows) and save."""
    rows = read_rows(folder, resource)
    header = read_header(folder, resource)
    result = change(rows)
    write_rows(folder, resource, rows if result is None else result, header)


@pytest.fixture
def source_text() -> str:
    if not SOURCE_TEXT.is_file():
        pytest.skip(f"the review's full text is not redistributed; expected it at {SOURCE_TEXT}")
    return SOURCE_TEXT.read_text(encoding="utf-8")

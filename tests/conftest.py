"""Shared fixtures (a fresh copy of the shipped package, the review's text) and the hypothesis
profiles. Slow tests are marked where they are defined (`@pytest.mark.slow`, or `pytestmark`
for a whole module); helpers to import live in modules beside this one (`package_rows.py`...)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from msc_exos_pof.io.locate import shipped_package_dir

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


@pytest.fixture(autouse=True)
def _no_package_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests choose their package themselves: $MSC_EXOS_POF_PACKAGE of the shell that runs them
    would change what ``load()`` and the commands read without PATH."""
    monkeypatch.delenv("MSC_EXOS_POF_PACKAGE", raising=False)


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A copy of the shipped package folder; returns the folder."""
    target = tmp_path / "pkg"
    shutil.copytree(shipped_package_dir(), target)
    return target


@pytest.fixture(scope="session")
def source_text() -> str:
    """The review's full text (the tests that need it skip where it is not available)."""
    if not SOURCE_TEXT.is_file():
        pytest.skip(f"the review's full text is not redistributed; expected it at {SOURCE_TEXT}")
    return SOURCE_TEXT.read_text(encoding="utf-8")

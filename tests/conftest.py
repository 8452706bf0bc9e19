"""Shared fixtures (a fresh copy of the shipped package, the review's text) and the hypothesis
profiles; helpers to import live in modules beside this one (`package_rows.py`...)."""

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


#: Tests that cost the most time, run by `pytest -m slow` (CI runs them every time) instead of
#: the default run, which stays under three minutes on a 2-core machine: the mutation catalogue
#: over generated packages, the fuzzers and the red-team cases, every export format, the
#: figures, the site build, the gate-vs-pandera agreement, the living-review workflow, the diffs
#: and the benchmark smoke run. Matched as node-id prefixes.
SLOW = (
    "tests/test_properties.py::test_each_mutation_of_a_consistent_package_is_caught",
    "tests/test_properties.py::test_any_mutation_of_any_consistent_package_is_caught",
    "tests/test_properties.py::test_every_id_a_mutation_picks_at_random_really_fires",
    "tests/test_fuzz.py::",
    "tests/test_fuzz_structure.py::",
    "tests/test_benchmark_smoke.py::",
    "tests/test_docs_site.py::",
    "tests/test_export.py::",
    "tests/test_figures.py::",
    "tests/test_schema_checks.py::test_gate_and_pandera_flag_the_same_cells",
    "tests/test_roundtrip.py::test_load_write_load_gives_equal_frames_for_synthetic_packages",
    "tests/test_roundtrip.py::test_records_round_trip_on_synthetic_packages",
    "tests/test_gate_inputs.py::test_tables_read_in_many_chunks_give_the_same_report",
    "tests/test_gate_inputs.py::test_broken_files_are_reported_the_same_when_memory_mapped",
    "tests/test_reliability.py::",
    "tests/test_properties.py::test_every_consistent_package_passes_the_gate",
    "tests/test_rounds.py::",
    "tests/test_diff.py::",
    "tests/test_cli_convention.py::",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid.startswith(SLOW):
            item.add_marker(pytest.mark.slow)

"""Properties of the gate: consistent packages pass, every mutation is caught, every check fires."""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import msc_exos_pof
from msc_exos_pof.gate.registry import all_checks, get
from msc_exos_pof.gate.report import Report
from msc_exos_pof.testing import MUTATIONS, Inapplicable, Mutation, consistent_packages
from msc_exos_pof.testing import mutation_ids as catalogue_ids

#: Check ids no mutation of a synthetic package can fire, each with the reason.
EXEMPT = {
    "gate.internal": "fires for a crash of the gate, not for data (tests/test_reliability.py "
    "makes every layer's checks crash and sees it fire)",
    "release.changelog": "fires only for the repository's own package (tests of the release "
    "helper cover it)",
    "release.unreleased_data": "fires only for a repository with a release record "
    "(tests/test_release_record.py breaks one)",
    "release.version_bump": "fires only for a repository with a release record "
    "(tests/test_release_record.py breaks one)",
    "release.model_version": "fires only for a repository with a release record "
    "(tests/test_release_record.py breaks one)",
    "upstream.unrecorded_change": "runs only against a named upstream package "
    "(validate(upstream=...)); tests/test_rounds.py breaks a copy against it",
}
#: PackageError ids: the package cannot be read at all (exit code 2).
UNREADABLE = {
    "descriptor.missing",
    "descriptor.json",
    "descriptor.encoding",
    "descriptor.unsafe_path",
}

# One mutation test per catalogue entry runs few examples; `--hypothesis-profile=thorough`
# scales them with the profile (500 -> 20 per mutation).
PER_MUTATION = max(1, settings().max_examples // 25)


def _matches(check: str, patterns: tuple[str, ...] | set[str]) -> bool:
    return any(check == p or check.startswith(p + ".") for p in patterns)


def _validate(package, **options) -> tuple[Path, Report, tempfile.TemporaryDirectory]:
    holder = tempfile.TemporaryDirectory()
    folder = package.write(Path(holder.name) / "pkg")
    return folder, msc_exos_pof.validate(folder, summary=False, **options), holder


def _expected_exit(ids: tuple[str, ...]) -> int:
    if any(id in UNREADABLE for id in ids):
        return 2
    return 1 if any(get(id).severity == "error" for id in ids) else 0


@pytest.mark.slow
@given(consistent_packages())
def test_every_consistent_package_passes_the_gate_with_one_known_erratum_per_errata_row(
    package,
) -> None:
    _, report, holder = _validate(package)
    with holder:
        errors = [f for f in report.findings if f.severity == "error"]
        assert errors == [], errors[:5]
        assert report.exit_code == 0
        known = report.by_check("errata.known")
        assert len(known) == package.errata
        assert {f.erratum for f in known} == set(package.tables["errata"]["erratum_id"])


def _assert_caught(mutation: Mutation, package, seed: int) -> None:
    with tempfile.TemporaryDirectory() as holder:
        folder = package.write(Path(holder) / "pkg")
        try:
            expected = mutation(folder, random.Random(seed))
        except Inapplicable:
            assume(False)
        report = msc_exos_pof.validate(folder, summary=False)
    fired = report.fired()
    missing = [id for id in expected if id not in fired]
    assert not missing, (
        f"mutation {mutation.name!r} ({mutation.doc}) was not caught by {missing}; "
        f"findings: {[(f.check, f.message) for f in report.findings][:8]}"
    )
    assert report.exit_code == _expected_exit(expected)
    allowed = set(expected) | set(mutation.also)
    stray = sorted(
        {
            f.check
            for f in report.findings
            if f.severity == "error" and not _matches(f.check, allowed)
        }
    )
    assert not stray, (
        f"mutation {mutation.name!r} also fired {stray}: "
        f"{[(f.check, f.message) for f in report.findings if f.check in stray][:5]}"
    )


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(MUTATIONS))
@settings(max_examples=PER_MUTATION)
@given(
    package=consistent_packages(min_studies=2, max_studies=12, min_errata=1),
    seed=st.integers(0, 2**32 - 1),
)
def test_each_mutation_of_a_consistent_package_is_caught_by_its_check(
    name: str, package, seed: int
) -> None:
    _assert_caught(MUTATIONS[name], package, seed)


@pytest.mark.slow
@given(
    mutation=st.sampled_from(sorted(MUTATIONS)),
    package=consistent_packages(min_studies=1, max_studies=40, max_errata=6),
    seed=st.integers(0, 2**32 - 1),
)
def test_any_mutation_of_any_consistent_package_is_caught(
    mutation: str, package, seed: int
) -> None:
    _assert_caught(MUTATIONS[mutation], package, seed)


def test_the_stated_study_count_mutation_never_picks_a_source_an_erratum_explains(
    package_copy: Path,
) -> None:
    """Regression: it once bumped PMSC, whose count an erratum explains, and then the checks it
    promises (counts.source_table, errata.unexplained) rightly stayed silent: a random failure."""
    import random
    import shutil

    from package_rows import read_rows

    original = {
        row["msc_source"]: row["stated_study_count"]
        for row in read_rows(package_copy, "msc_sources")
    }
    for seed in range(40):
        folder = package_copy.parent / f"seed-{seed}"
        shutil.copytree(package_copy, folder)
        MUTATIONS["stated_study_count"](folder, random.Random(seed))
        changed = {
            row["msc_source"]
            for row in read_rows(folder, "msc_sources")
            if row["stated_study_count"] != original[row["msc_source"]]
        }
        assert len(changed) == 1 and "PMSC" not in changed


def test_the_only_study_with_an_msc_source_keeps_it(tmp_path: Path) -> None:
    """Regression: a one-study package drew the msc_source difference, which left
    study_msc_sources header-only (table.empty): a generated package that failed the gate."""
    import numpy as np

    from msc_exos_pof.testing.strategies import SyntheticPackage
    from msc_exos_pof.testing.synth.package import assemble, synthetic_descriptor
    from msc_exos_pof.testing.synth.plan import Plan

    descriptor = synthetic_descriptor(1)
    one = [np.array([value]) for value in (0, 0, 0, 0, 2020, 0, 0, 0, 0)]
    tables = assemble(Plan(0, *one), descriptor, [("msc_source", 0)])
    folder = SyntheticPackage(tables, descriptor).write(tmp_path / "pkg")
    assert msc_exos_pof.validate(folder, summary=False).exit_code == 0


def test_every_registered_check_is_fired_by_some_mutation() -> None:
    registered = {check.id for check in all_checks()}
    uncovered = sorted(registered - catalogue_ids() - set(EXEMPT))
    assert not uncovered, f"no mutation fires {uncovered}: add one to msc_exos_pof.testing"
    unknown = sorted(catalogue_ids() - registered)
    assert not unknown, f"mutations expect ids the registry does not have: {unknown}"


@pytest.mark.slow
def test_every_id_a_mutation_picks_at_random_really_fires(tmp_path: Path) -> None:
    """Ids only some picks of a mutation expect (one PRISMA node...) are fired, not just listed."""
    import shutil

    from msc_exos_pof.testing.synth import write_synthetic

    static = {id for m in MUTATIONS.values() for id in m.catches}
    pending = catalogue_ids() - static
    base = tmp_path / "base"
    write_synthetic(base, 40, seed=1)
    dynamic = [m for m in MUTATIONS.values() if not m.catches]
    for seed in range(60):
        for item in dynamic:
            if not pending:
                return
            folder = tmp_path / f"{item.name}-{seed}"
            shutil.copytree(base, folder)
            try:
                expected = set(item(folder, random.Random(seed)))
            except Inapplicable:
                continue
            if expected & pending:
                fired = msc_exos_pof.validate(folder, summary=False).fired()
                assert expected <= fired, (item.name, seed, expected - fired)
                pending -= expected
            shutil.rmtree(folder)
    assert not pending, f"no pick of {[m.name for m in dynamic]} fired {sorted(pending)}"


def test_exemptions_name_registered_checks_only() -> None:
    checks = all_checks()
    registered = {check.id for check in checks}
    layers = {check.layer for check in checks}
    for id in EXEMPT:
        if id not in registered and get_layer(id) not in layers:
            pytest.skip(
                f"the {get_layer(id)} layer registers no check yet (its helper's module "
                "is still a placeholder)"
            )
        assert id in registered, f"exemption {id!r} names no registered check: remove it"


def get_layer(id: str) -> str:
    return id.split(".")[0]


def test_the_catalogue_has_at_least_twenty_kinds_each_documented() -> None:
    assert len(MUTATIONS) >= 20
    assert all(m.doc for m in MUTATIONS.values())


@given(consistent_packages(max_studies=10))
def test_synthetic_packages_reuse_the_shipped_table_schemas(package) -> None:
    from msc_exos_pof.testing import shipped_schemas_are_reused

    assert shipped_schemas_are_reused(package)


# ---------------------------------------------------------------------------------------------
# msc-exos-pof synth


def _synth(*args: str):
    from msc_exos_pof.cli import main

    return CliRunner().invoke(main, ["synth", *args], catch_exceptions=False)


def test_synth_writes_a_package_that_passes_the_gate(tmp_path: Path) -> None:
    result = _synth("--studies", "3000", "--seed", "7", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    report = msc_exos_pof.validate(tmp_path / "out", summary=False)
    assert [f for f in report.findings if f.severity == "error"] == []
    assert len(msc_exos_pof.load("studies", str(tmp_path / "out"))) == 3000
    assert report.by_check("errata.known")


def test_synth_is_deterministic_for_a_seed_and_streams_in_chunks(tmp_path: Path) -> None:
    from msc_exos_pof.testing.synth import synth

    synth(tmp_path / "a", 250, seed=3, chunk=64)
    synth(tmp_path / "b", 250, seed=3, chunk=64)
    synth(tmp_path / "c", 250, seed=4, chunk=64)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.*"))
    assert all(
        (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files
    )
    assert (tmp_path / "a" / "data" / "studies.csv").read_bytes() != (
        tmp_path / "c" / "data" / "studies.csv"
    ).read_bytes()
    report = msc_exos_pof.validate(tmp_path / "a", summary=False)
    assert [f for f in report.findings if f.severity == "error"] == []


def test_synth_refuses_a_non_empty_folder_and_forced_replaces_only_its_own(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    refused = _synth("--studies", "5", str(out))
    assert refused.exit_code == 2
    assert "not empty" in refused.output and "--force" in refused.output
    forced = _synth("--studies", "5", "--force", str(out))
    assert forced.exit_code == 2  # a folder of the user's is never replaced (issue 23)
    assert (out / "keep.txt").read_text(encoding="utf-8") == "mine"
    (out / "keep.txt").unlink()
    assert _synth("--studies", "5", str(out)).exit_code == 0  # an empty folder is filled
    again = _synth("--studies", "6", "--force", str(out))
    assert again.exit_code == 0, again.output  # its own earlier package: replaced
    assert (out / "datapackage.json").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp left behind


def test_synth_rejects_fewer_than_one_study(tmp_path: Path) -> None:
    assert _synth("--studies", "0", str(tmp_path / "out")).exit_code == 2


def _without_hypothesis(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a Python where hypothesis cannot be imported (no ``test`` extra)."""
    blocked = "import sys; sys.modules['hypothesis'] = None; sys.argv[0] = 'msc-exos-pof'; "
    return subprocess.run(
        [sys.executable, "-c", blocked + code, *args], capture_output=True, text=True
    )


def test_synth_works_without_the_test_extra_and_the_strategies_name_it(tmp_path: Path) -> None:
    out = tmp_path / "out"
    synth = _without_hypothesis(
        "from msc_exos_pof.cli import main; main()", "synth", "-n", "20", str(out)
    )
    assert synth.returncode == 0, synth.stderr
    assert msc_exos_pof.validate(out, summary=False).exit_code == 0
    strategies = _without_hypothesis(
        "from msc_exos_pof.testing import MUTATIONS, consistent_packages"
    )
    assert strategies.returncode == 1
    last = strategies.stderr.strip().splitlines()[-1]
    assert last.startswith("msc_exos_pof.errors.MissingDependencyError:"), strategies.stderr
    assert "pip install 'msc-exos-pof[test]'" in last

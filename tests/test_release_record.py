"""The release record: one version is one dataset. What each release contained is recorded (and
shipped); the gate fails when the data and the version disagree; a copy made with an earlier
data model gets one finding that says how to upgrade it; ``diff`` reads released versions."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from package_rows import edit_rows
from release_history import rewind

import msc_exos_pof
from msc_exos_pof.cli import main
from msc_exos_pof.errors import ReleaseError
from msc_exos_pof.io.atomic import write_json_atomic
from msc_exos_pof.io.descriptor import read_descriptor
from msc_exos_pof.release import record
from msc_exos_pof.release.history import release_from_git
from msc_exos_pof.release.model import FIRST_MODEL, current_model
from msc_exos_pof.release.record import (
    find_release,
    release_entry,
    released_package,
    write_release,
)

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "releases"
FIRST_COMMIT = "bee5d26"  # the commit that released 0.1.0 (its data is unchanged up to 0ff2ebb)


def release_findings(folder: Path) -> dict[str, list[str]]:
    report = msc_exos_pof.validate(folder, select=["release"], summary=False)
    found: dict[str, list[str]] = {}
    for finding in report.findings:
        found.setdefault(finding.check, []).append(finding.message)
    return found


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A copy of the checkout's release files (CHANGELOG.md, pyproject.toml, datapackage/, the
    release record) as they stood before the first release after 0.1.0; returns the root."""
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "datapackage", root / "datapackage")
    shutil.copytree(RECORD, root / "releases")
    for name in ("CHANGELOG.md", "pyproject.toml"):
        shutil.copy(ROOT / name, root / name)
    rewind(root)
    return root


def set_version(root: Path, version: str, model: str | None = None) -> None:
    descriptor = read_descriptor(root / "datapackage")
    descriptor["version"] = version
    if model is not None:
        descriptor["modelVersion"] = model
    write_json_atomic(root / "datapackage" / "datapackage.json", descriptor)


def record_current_as(root: Path, version: str) -> None:
    """Release the package at hand as ``version`` in the repository's record (as `release`
    does), with a CHANGELOG entry."""
    set_version(root, version, model=version)
    entry, snapshot = release_entry(root / "datapackage", version, "2026-12-10", version)
    write_release(entry, snapshot, root / "releases")
    changelog = root / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    changelog.write_text(
        text.replace("## [Unreleased]\n", f"## [Unreleased]\n\n## [{version}] - 2026-12-10\n", 1),
        encoding="utf-8",
    )


# --- the record --------------------------------------------------------------------------------


def test_the_record_pins_0_1_0_with_its_commit_date_model_and_hashes() -> None:
    [first, *_] = record.releases(RECORD)
    assert (first.version, first.date, first.model) == ("0.1.0", "2026-11-25", FIRST_MODEL)
    assert first.commit is not None and first.commit.startswith(FIRST_COMMIT)
    assert [r.name for r in first.resources] == [
        "search_strategies",
        "prisma_flow",
        "msc_sources",
        "animal_models",
        "references",
        "studies",
        "study_mechanisms",
        "stated_counts",
        "errata",
    ]
    with released_package("0.1.0", RECORD) as package:
        declared = {
            r["name"]: (r["bytes"], r["hash"]) for r in read_descriptor(package)["resources"]
        }
        assert read_descriptor(package)["version"] == "0.1.0"
    assert declared == {r.name: (r.bytes, r.hash) for r in first.resources}


def test_the_record_is_what_git_history_gives_for_0_1_0() -> None:
    """Regenerated from the commit that released it, the entry and the snapshot are the same
    bytes: the record is generated, not hand-edited."""
    try:
        entry, snapshot = release_from_git(ROOT, "0.1.0", FIRST_COMMIT)
    except ReleaseError as error:
        pytest.skip(f"no git history to rebuild 0.1.0 from ({error})")
    recorded = find_release("0.1.0", RECORD)
    assert entry == recorded
    assert snapshot.encode("utf-8") == (RECORD / recorded.snapshot.path).read_bytes()


def test_a_snapshot_whose_bytes_changed_is_refused(tmp_path: Path) -> None:
    shutil.copytree(RECORD, tmp_path / "releases")
    snapshot = tmp_path / "releases" / "0.1.0.snapshot.json"
    snapshot.write_text(snapshot.read_text(encoding="utf-8").replace("Rabbit", "Rabbi"))
    with pytest.raises(ReleaseError, match="does not hold the recorded bytes"):
        with released_package("0.1.0", tmp_path / "releases"):
            pass


def test_a_released_version_is_never_recorded_twice(repository: Path) -> None:
    entry, snapshot = release_entry(repository / "datapackage", "0.1.0", "2026-12-10", "1.0.0")
    with pytest.raises(ReleaseError, match="already recorded"):
        write_release(entry, snapshot, repository / "releases")


def test_record_release_needs_the_commit_in_the_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["record-release", "0.1.0", "--from-git", "0" * 40])
    assert result.exit_code == 1
    assert "is not in the git history" in result.output


# --- the release layer: the version says what the data is ---------------------------------------


def test_the_repositorys_own_package_agrees_with_its_release_record() -> None:
    assert release_findings(ROOT / "datapackage") == {}


def test_a_data_edit_without_a_version_bump_fails(repository: Path) -> None:
    record_current_as(repository, "1.0.0")
    assert release_findings(repository / "datapackage") == {}
    edit_rows(repository / "datapackage", "animal_models", lambda rows: rows[0].update(note="x"))
    found = release_findings(repository / "datapackage")
    [message] = found.pop("release.unreleased_data")
    assert found == {}
    assert "the data differs from release 1.0.0 (a patch change: animal_models: 1 value" in message
    assert 'set "version" to 1.0.1.dev0' in message


def test_a_bump_smaller_than_the_diff_requires_fails(repository: Path) -> None:
    set_version(repository, "0.2.0.dev0")
    [message] = release_findings(repository / "datapackage")["release.version_bump"]
    assert "a minor step from the last release 0.1.0" in message
    assert "need a major one" in message and 'set "version" to 1.0.0' in message


def test_a_release_version_the_record_lacks_fails(repository: Path) -> None:
    set_version(repository, "1.0.0")
    found = release_findings(repository / "datapackage")
    assert "the release record has no entry for it" in found["release.unreleased_data"][0]
    assert "release.changelog" in found  # and CHANGELOG has no [1.0.0] entry either


def test_model_version_must_name_the_model_the_schemas_are(repository: Path) -> None:
    set_version(repository, "1.0.0.dev0", model="0.1.0")
    [message] = release_findings(repository / "datapackage")["release.model_version"]
    assert "the Table Schemas differ from release 0.1.0's" in message
    assert 'set "modelVersion" to 1.0.0' in message
    record_current_as(repository, "1.0.0")
    set_version(repository, "1.0.1.dev0", model="1.0.1")
    [message] = release_findings(repository / "datapackage")["release.model_version"]
    assert 'are those of release 1.0.0, model 1.0.0: set "modelVersion" to 1.0.0' in message


def test_a_package_outside_a_repository_gets_no_release_findings(package_copy: Path) -> None:
    descriptor = read_descriptor(package_copy)
    descriptor["version"] = "0.1.0"
    write_json_atomic(package_copy / "datapackage.json", descriptor)
    assert release_findings(package_copy) == {}


# --- copies made with an earlier data model ---------------------------------------------------


def test_the_0_1_0_package_gets_one_finding_naming_both_models_and_the_command() -> None:
    with released_package("0.1.0", RECORD) as package:
        report = msc_exos_pof.validate(package, summary=False)
    errors = [f for f in report.findings if f.severity != "info"]
    [finding] = errors
    assert finding.check == "descriptor.model_version"
    assert "follows data model 0.1.0" in finding.message
    assert f"checks data model {current_model()}" in finding.message
    assert "run `msc-exos-pof upgrade " in finding.message
    assert 'pip install "msc-exos-pof==0.1.0"' in finding.message
    assert not report.valid


@pytest.mark.parametrize(
    ("model", "expected"),
    [("99.0.0", "install a library that knows model 99.0.0"), ("0.5.0", "not a released data")],
)
def test_a_newer_or_unknown_model_is_one_finding_too(package_copy: Path, model, expected) -> None:
    descriptor = read_descriptor(package_copy)
    descriptor["modelVersion"] = model
    write_json_atomic(package_copy / "datapackage.json", descriptor)
    report = msc_exos_pof.validate(package_copy, summary=False)
    [finding] = [f for f in report.findings if f.severity != "info"]
    assert finding.check == "descriptor.model_version" and expected in finding.message


# --- diff by version ---------------------------------------------------------------------------


def test_diff_of_a_released_version_summarises_in_the_reviews_terms_first() -> None:
    result = CliRunner().invoke(main, ["diff", "0.1.0", str(ROOT / "datapackage")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].startswith("Required version bump: major (next version: 1.0.0)")
    review = lines.index("In the review's terms:")
    assert lines[review + 1].startswith("  studies: 17 included (0.1.0: 17)")
    assert any(line.startswith("  errata: ") for line in lines[review:])
    assert lines.index("Schema and metadata:") > review


def test_diff_exit_code_says_whether_the_packages_differ() -> None:
    runner = CliRunner()
    differ = runner.invoke(main, ["diff", "0.1.0", str(ROOT / "datapackage"), "--exit-code"])
    assert differ.exit_code == 1
    same = runner.invoke(main, ["diff", "0.1.0", "0.1.0", "--exit-code"])
    assert same.exit_code == 0 and "No differences" in same.output


def test_diff_of_a_version_never_released_exits_2_naming_the_recorded_ones() -> None:
    result = CliRunner().invoke(main, ["diff", "0.0.9", str(ROOT / "datapackage")])
    assert result.exit_code == 2
    assert "0.0.9 is neither a package folder nor a recorded release (recorded: 0.1.0" in (
        result.output
    )


def test_the_json_diff_of_a_version_parses() -> None:
    result = CliRunner().invoke(
        main, ["diff", "0.1.0", str(ROOT / "datapackage"), "--format", "json"]
    )
    data = json.loads(result.output)
    assert data["old_version"] == "0.1.0" and data["bump"] == "major"


def test_diff_text_shows_terminal_escapes_of_a_cell_escaped(package_copy: Path) -> None:
    edit_rows(package_copy, "animal_models", lambda rows: rows[0].update(note="\x1b[2Jgone"))
    result = CliRunner().invoke(main, ["diff", str(ROOT / "datapackage"), str(package_copy)])
    assert "\x1b" not in result.output and "\\x1b[2Jgone" in result.output

"""`msc-exos-pof release`, end to end on a temporary copy of the repository: the dry run, the
refusals, and (slow) a real cut of a release with its reproducible, twine-checked wheel."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from package_rows import edit_rows
from release_history import rewind

import msc_exos_pof
from msc_exos_pof.cli import main
from msc_exos_pof.io.descriptor import read_descriptor
from msc_exos_pof.release import record
from msc_exos_pof.release.changelog import changelog_releases, unreleased_notes
from msc_exos_pof.release.versions import parse

ROOT = Path(__file__).resolve().parents[1]
SKIP = {".git", ".venv", "dist", "build", ".pytest_cache", ".ruff_cache", ".hypothesis"}


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the repository's files (no git, no venv) as the current folder, as they stood
    before the first release after 0.1.0."""
    target = tmp_path / "checkout"
    shutil.copytree(
        ROOT,
        target,
        ignore=lambda folder, names: [n for n in names if n in SKIP or n == "__pycache__"],
    )
    rewind(target)
    monkeypatch.chdir(target)
    return target


def snapshot_of(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_dry_run_prints_the_edits_and_the_record_entry_and_writes_nothing(checkout: Path) -> None:
    before = snapshot_of(checkout)
    result = CliRunner().invoke(main, ["release", "--dry-run", "--date", "2026-12-10"])
    assert result.exit_code == 0, result.output
    version = str(parse(read_descriptor(checkout / "datapackage")["version"]).release)
    out = result.output
    assert f"release {version} (2026-12-10)" in out
    assert f'+  "version": "{version}",' in out
    assert f"+## [{version}] - 2026-12-10" in out
    assert "+Compared with 0.1.0 (`msc-exos-pof diff 0.1.0 " in out
    assert f"+version: {version}" in out and "+date-released: 2026-12-10" in out
    assert f"would record releases/{version}.snapshot.json" in out
    assert f"would build with SOURCE_DATE_EPOCH=1796860800: dist/msc_exos_pof-{version}-py3" in out
    assert "nothing written (--dry-run)" in out
    assert f'git tag -a v{version} -m "msc-exos-pof {version}"' in out
    assert f"twine upload dist/msc_exos_pof-{version}-py3-none-any.whl" in out
    assert snapshot_of(checkout) == before


def test_a_version_smaller_than_the_diff_requires_is_refused(checkout: Path) -> None:
    before = snapshot_of(checkout)
    result = CliRunner().invoke(main, ["release", "0.2.0"])
    assert result.exit_code == 1
    assert "0.2.0 is a minor step from 0.1.0, but the changes since it need a major one" in (
        result.output
    )
    assert "release 1.0.0 or later" in result.output
    assert snapshot_of(checkout) == before


def test_a_released_or_pre_release_version_is_refused(checkout: Path) -> None:
    runner = CliRunner()
    assert (
        "is not later than the last release 0.1.0"
        in runner.invoke(main, ["release", "0.1.0"]).output
    )
    assert "is not a release version X.Y.Z" in runner.invoke(main, ["release", "2.0.0.dev1"]).output


def test_an_invalid_package_is_refused_before_anything_is_written(checkout: Path) -> None:
    edit_rows(checkout / "datapackage", "studies", lambda rows: rows[0].update(design="in_silico"))
    before = snapshot_of(checkout)
    result = CliRunner().invoke(main, ["release", "--dry-run"])
    assert result.exit_code == 1 and "fix them first" in result.output
    assert "schema.enum" in result.output
    assert snapshot_of(checkout) == before


def test_release_outside_a_checkout_says_where_to_run_it(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["release", "--dry-run"])
    assert result.exit_code == 1 and "run `msc-exos-pof release` in the root" in result.output


def test_a_release_of_the_library_alone_is_a_patch_that_says_the_data_is_unchanged(
    checkout: Path,
) -> None:
    """One version is one dataset, and a dataset may have several versions: with the data of the
    last release, byte for byte, a release is the library's own (a patch by default), its Data
    section says so, and it needs notes under [Unreleased]."""
    from msc_exos_pof.errors import ReleaseError
    from msc_exos_pof.release.publish import plan_release, write_release_files

    write_release_files(plan_release(checkout, day="2026-12-10"))  # 1.0.0, as main cut it
    with pytest.raises(ReleaseError, match="says nothing: there is nothing to release"):
        plan_release(checkout, day="2026-12-11")
    changelog = checkout / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    changelog.write_text(
        text.replace("## [Unreleased]\n", "## [Unreleased]\n\n### Fixed\n\n- A fix.\n", 1),
        encoding="utf-8",
    )
    plan = plan_release(checkout, day="2026-12-11")
    assert plan.version == "1.0.1"
    after = plan.edits[changelog][1]
    assert (
        "## [1.0.1] - 2026-12-11\n\n### Data\n\nNo change to the data: it is release 1.0.0's"
        in after
    )
    assert after.index("- A fix.") > after.index("## [1.0.1]")  # the notes moved under it
    last = record.find_release("1.0.0", checkout / "releases")
    assert plan.entry is not None and last is not None
    assert plan.entry.resources == last.resources  # the same dataset, byte for byte
    write_release_files(plan)
    report = msc_exos_pof.validate(checkout / "datapackage", select=["release"], summary=False)
    assert report.findings == []


@pytest.mark.slow
def test_a_real_cut_on_a_copy_of_the_repository(checkout: Path) -> None:
    """The whole release on a copy: files, record, pages, a reproducible wheel and sdist that
    twine accepts, the two commands printed and nothing tagged; then the gate holds the new
    release against a data edit."""
    version = str(parse(read_descriptor(checkout / "datapackage")["version"]).release)
    notes = unreleased_notes((checkout / "CHANGELOG.md").read_text(encoding="utf-8"))
    result = CliRunner().invoke(main, ["release", "--date", "2026-12-10"])
    assert result.exit_code == 0, result.output

    assert read_descriptor(checkout / "datapackage")["version"] == version
    changelog = (checkout / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog_releases(changelog)[0] == (version, "2026-12-10")
    assert unreleased_notes(changelog).strip() == ""
    entry = changelog.split(f"## [{version}] - 2026-12-10", 1)[1].split("\n## [", 1)[0]
    assert entry.index("Compared with 0.1.0") < entry.index(notes.strip().splitlines()[-1])
    cff = yaml.safe_load((checkout / "CITATION.cff").read_text(encoding="utf-8"))
    assert (str(cff["version"]), str(cff["date-released"])) == (version, "2026-12-10")
    recorded = record.find_release(version, checkout / "releases")
    assert recorded is not None and recorded.date == "2026-12-10"
    with record.released_package(version, checkout / "releases") as released:
        assert read_descriptor(released)["version"] == version
    assert f"Package `msc-exos-pof` version {version}" in (
        checkout / "docs" / "data-dictionary.md"
    ).read_text(encoding="utf-8")

    assert f"git tag -a v{version}" in result.output and "twine upload " in result.output
    assert not (checkout / ".git").exists()  # nothing was tagged: there is not even a repository
    wheel = checkout / "dist" / f"msc_exos_pof-{version}-py3-none-any.whl"
    sdist = checkout / "dist" / f"msc_exos_pof-{version}.tar.gz"
    with zipfile.ZipFile(wheel) as archive:
        shipped = json.loads(archive.read("msc_exos_pof/datapackage/datapackage.json"))
        releases = json.loads(archive.read("msc_exos_pof/releases/record.json"))
    assert shipped["version"] == version
    assert [r["version"] for r in releases["releases"]] == ["0.1.0", version]

    again = checkout / "again"
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(again), str(checkout)],
        env={**os.environ, "SOURCE_DATE_EPOCH": str(recorded.source_date_epoch)},
        check=True,
        capture_output=True,
    )
    assert (again / wheel.name).read_bytes() == wheel.read_bytes()
    assert (again / sdist.name).read_bytes() == sdist.read_bytes()

    report = msc_exos_pof.validate(checkout / "datapackage", summary=False)
    assert report.valid and not [f for f in report.findings if f.severity == "warning"]
    edit_rows(checkout / "datapackage", "animal_models", lambda rows: rows[0].update(note="x"))
    found = msc_exos_pof.validate(checkout / "datapackage", select=["release"], summary=False)
    [finding] = found.findings
    assert finding.check == "release.unreleased_data"
    assert re.search(rf"the data differs from release {re.escape(version)}", finding.message)
    refused = CliRunner().invoke(main, ["release", "--dry-run"])
    assert refused.exit_code == 1


def test_the_pages_release_regenerates_are_the_makefiles_and_are_up_to_date() -> None:
    from msc_exos_pof.docgen.pages import PAGES, generated_pages

    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = makefile.split("\ndocs:", 1)[1].split("\n\n", 1)[0]
    assert sorted(re.findall(r"(docs/[\w.-]+)", target)) == sorted(PAGES)
    for page, text in generated_pages(ROOT / "datapackage").items():
        assert (ROOT / page).read_text(encoding="utf-8") == text, f"{page} is stale: make docs"

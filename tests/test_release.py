"""Releases: one version everywhere, a changelog entry for it, fresh hashes, and how to cite it."""

from __future__ import annotations

import importlib.metadata
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from package_rows import read_rows, write_rows

import msc_exos_pof
from msc_exos_pof.cli import main
from msc_exos_pof.gate.checks.release import changelog_problem, changelog_releases
from msc_exos_pof.io.atomic import write_json_atomic
from msc_exos_pof.io.descriptor import read_descriptor
from msc_exos_pof.io.locate import shipped_package_dir
from msc_exos_pof.release import record
from msc_exos_pof.release.changelog import unreleased_notes
from msc_exos_pof.release.citation import REVIEW, cite
from msc_exos_pof.release.hashes import stale_hashes
from msc_exos_pof.release.versions import is_version, parse

ROOT = Path(__file__).resolve().parents[1]
CHANGELOG = ROOT / "CHANGELOG.md"
CITATION = ROOT / "CITATION.cff"


def descriptor_version() -> str:
    return read_descriptor(ROOT / "datapackage")["version"]


def latest_release() -> tuple[str, str | None]:
    return changelog_releases(CHANGELOG.read_text(encoding="utf-8"))[0]


# --- one version -------------------------------------------------------------------------------


def test_the_version_is_the_descriptors_version_everywhere() -> None:
    version = descriptor_version()
    assert is_version(version), "the data version must be X.Y.Z, or X.Y.Z.devN between releases"
    assert msc_exos_pof.__version__ == version
    installed = importlib.metadata.version("msc-exos-pof")
    assert installed == version, (
        f"the installed distribution says {installed} but datapackage.json says {version}: "
        "reinstall (`pip install -e .`) after bumping the version"
    )


def test_the_changelogs_latest_release_is_the_last_recorded_release() -> None:
    version, date = latest_release()
    recorded = record.latest_release(ROOT / "releases")
    assert recorded is not None and (version, date) == (recorded.version, recorded.date)
    assert date is not None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date), (
        f"release [{version}] needs an ISO date: '## [{version}] - YYYY-MM-DD'"
    )
    current = parse(descriptor_version())
    if current.is_prerelease:  # between releases: the notes of the next one are Unreleased
        assert current.release.key() > parse(version).key()
        assert (unreleased_notes(CHANGELOG.read_text(encoding="utf-8")) or "").strip()
    else:
        assert version == descriptor_version()


def test_the_changelog_keeps_an_unreleased_section_above_the_releases() -> None:
    text = CHANGELOG.read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\]", text, re.MULTILINE)
    assert headings[0] == "Unreleased"
    versions = [tuple(int(p) for p in v.split(".")) for v in headings[1:]]
    assert versions == sorted(versions, reverse=True), "releases must be listed newest first"


def test_the_first_release_is_dated_and_describes_its_data() -> None:
    text = CHANGELOG.read_text(encoding="utf-8")
    assert ("0.1.0", "2026-11-25") in changelog_releases(text)
    entry = text.split("## [0.1.0]", 1)[1].split("\n## [", 1)[0]
    assert "### Data" in entry
    for claim in ("9 resources", "17 included studies", "75", "15 errata"):
        assert claim in entry


def test_the_first_releases_errata_counts_match_its_errata_table() -> None:
    """The 0.1.0 entry describes the data of 0.1.0, read back from the release record."""
    entry = CHANGELOG.read_text(encoding="utf-8").split("## [0.1.0]", 1)[1].split("\n## [", 1)[0]
    stated = {kind: int(n) for n, kind in re.findall(r"^\s*- (\d+) `(\w+)`", entry, re.MULTILINE)}
    with record.released_package("0.1.0", ROOT / "releases") as released:
        actual = Counter(row["kind"] for row in read_rows(released, "errata"))
    assert stated == dict(actual)


# --- release.changelog -------------------------------------------------------------------------


def repository_like(
    tmp_path: Path, version: str | None = None, changelog: str | None = None
) -> Path:
    """A tmp folder laid out like the repository: CHANGELOG.md, pyproject.toml, datapackage/."""
    root = tmp_path / "repo"
    shutil.copytree(shipped_package_dir(), root / "datapackage")
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    (root / "CHANGELOG.md").write_text(
        changelog if changelog is not None else CHANGELOG.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    if version is not None:
        descriptor = read_descriptor(root / "datapackage")
        descriptor["version"] = version
        write_json_atomic(root / "datapackage" / "datapackage.json", descriptor)
    return root / "datapackage"


def changelog_findings(folder: Path) -> list:
    return msc_exos_pof.validate(folder, select=["release"], summary=False).by_check(
        "release.changelog"
    )


def test_the_repositorys_own_package_has_its_changelog_entry() -> None:
    assert changelog_findings(ROOT / "datapackage") == []


def test_a_bumped_version_without_a_changelog_entry_fails(tmp_path) -> None:
    [finding] = changelog_findings(repository_like(tmp_path, version="0.2.0"))
    assert finding.severity == "error"
    assert finding.field == "version"
    assert "'0.2.0' has no '## [0.2.0] - YYYY-MM-DD' entry" in finding.message
    assert f"its latest entry is [{latest_release()[0]}]" in finding.message


def test_a_version_older_than_the_latest_entry_fails(tmp_path) -> None:
    text = CHANGELOG.read_text(encoding="utf-8").replace(
        "## [Unreleased]\n", "## [Unreleased]\n\n## [0.2.0] - 2026-12-01\n\n- Later.\n"
    )
    [finding] = changelog_findings(repository_like(tmp_path, version="0.1.0", changelog=text))
    assert "latest entry of CHANGELOG.md is [0.2.0]" in finding.message


def test_a_release_only_under_unreleased_is_not_an_entry(tmp_path) -> None:
    assert changelog_problem("0.1.0", _write(tmp_path, "# Changelog\n\n## [Unreleased]\n"))


def test_a_pre_release_needs_notes_under_unreleased(tmp_path) -> None:
    empty = _write(tmp_path, "# Changelog\n\n## [Unreleased]\n\n## [0.1.0] - 2026-11-25\n")
    assert "says nothing" in changelog_problem("1.0.0.dev0", empty)
    missing = _write(tmp_path, "# Changelog\n\n## [0.1.0] - 2026-11-25\n")
    assert "has no '## [Unreleased]' section" in changelog_problem("1.0.0.dev0", missing)
    noted = _write(tmp_path, "# Changelog\n\n## [Unreleased]\n\n- A row.\n\n## [0.1.0] - x\n")
    assert changelog_problem("1.0.0.dev0", noted) is None


def test_a_pre_release_of_a_release_already_in_the_changelog_fails(tmp_path) -> None:
    text = "# Changelog\n\n## [Unreleased]\n\n- More.\n\n## [1.0.0] - 2026-12-10\n"
    problem = changelog_problem("1.0.0.dev3", _write(tmp_path, text))
    assert "never reused" in problem and "1.0.1.dev0" in problem


def test_a_package_outside_a_repository_has_no_changelog_to_agree_with(package_copy) -> None:
    descriptor = read_descriptor(package_copy)
    descriptor["version"] = "9.9.9"
    write_json_atomic(package_copy / "datapackage.json", descriptor)
    assert changelog_findings(package_copy) == []


def _write(tmp_path: Path, text: str) -> Path:
    file = tmp_path / "CHANGELOG.md"
    file.write_text(text, encoding="utf-8")
    return file


# --- rehash --------------------------------------------------------------------------------------


def test_the_shipped_packages_bytes_and_hashes_are_up_to_date() -> None:
    stale = stale_hashes(ROOT / "datapackage")
    assert stale == [], f"run `msc-exos-pof rehash` and commit datapackage.json: {stale}"


def make_stale(folder: Path) -> None:
    """Edit a CSV without updating the descriptor, as a curator who forgot to rehash would."""
    rows = read_rows(folder, "animal_models")
    rows[0]["note"] = "edited"
    write_rows(folder, "animal_models", rows, update_hash=False)


def test_rehash_check_lists_stale_resources_and_writes_nothing(package_copy) -> None:
    make_stale(package_copy)
    before = (package_copy / "datapackage.json").read_bytes()
    result = CliRunner().invoke(main, ["rehash", str(package_copy), "--check"])
    assert result.exit_code == 1
    assert "stale: animal_models:" in result.output
    assert "search_strategies" not in result.output
    assert (package_copy / "datapackage.json").read_bytes() == before


def test_rehash_updates_stale_resources_so_the_check_then_passes(package_copy) -> None:
    make_stale(package_copy)
    runner = CliRunner()
    result = runner.invoke(main, ["rehash", str(package_copy)])
    assert result.exit_code == 0
    assert "updated bytes/hash of animal_models" in result.output
    assert runner.invoke(main, ["rehash", str(package_copy), "--check"]).exit_code == 0
    assert msc_exos_pof.validate(package_copy, select=["integrity"], summary=False).valid


def test_rehash_refuses_to_write_when_a_file_is_missing(package_copy) -> None:
    (package_copy / "data" / "errata.csv").unlink()
    before = (package_copy / "datapackage.json").read_bytes()
    result = CliRunner().invoke(main, ["rehash", str(package_copy)])
    assert result.exit_code == 1
    assert "errata" in result.output and "nothing written" in result.output
    assert (package_copy / "datapackage.json").read_bytes() == before


def test_rehash_of_an_unreadable_package_exits_2(tmp_path) -> None:
    result = CliRunner().invoke(main, ["rehash", str(tmp_path / "missing"), "--check"])
    assert result.exit_code == 2
    assert "no data package" in result.output


# --- citation ------------------------------------------------------------------------------------


def test_citation_cff_names_this_version_and_the_review() -> None:
    cff = yaml.safe_load(CITATION.read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert cff["type"] == "dataset"
    version, date = latest_release()
    # CITATION.cff names the last release (between releases the package is a pre-release of
    # the next one, which nobody can cite yet); `msc-exos-pof release` updates it.
    assert str(cff["version"]) == version
    if not parse(descriptor_version()).is_prerelease:
        assert str(cff["version"]) == descriptor_version() == msc_exos_pof.__version__
    assert str(cff["date-released"]) == date
    descriptor = read_descriptor(ROOT / "datapackage")
    assert cff["title"] == descriptor["title"]
    assert cff["license"] == descriptor["licenses"][0]["name"]
    [review] = cff["references"]
    assert review["doi"] == descriptor["review"]["doi"] == REVIEW["doi"]
    assert [(a["family-names"], a["given-names"]) for a in review["authors"]] == REVIEW["authors"]
    assert (review["journal"], str(review["volume"]), str(review["issue"])) == (
        REVIEW["journal"],
        REVIEW["volume"],
        REVIEW["issue"],
    )
    assert (str(review["start"]), str(review["end"])) == REVIEW["pages"]
    assert "doi" not in cff, "the dataset has no DOI of its own; do not invent one"


def test_the_text_citation_names_the_release_and_the_review_as_the_descriptor_does() -> None:
    text = cite("text")
    assert f"(version {msc_exos_pof.__version__})" in text
    source = read_descriptor(ROOT / "datapackage")["sources"][0]["title"]
    assert source in text
    assert REVIEW["doi"] in text


def test_the_bibtex_citation_has_a_dataset_and_an_article_entry() -> None:
    bibtex = msc_exos_pof.cite("bibtex")
    entries = re.findall(r"^@(\w+)\{([^,]+),", bibtex, re.MULTILINE)
    version = msc_exos_pof.__version__
    assert entries == [
        ("misc", f"msc_exos_pof_{version.replace('.', '_')}"),
        ("article", "chen2026exosomes"),
    ]
    assert f"version = {{{version}}}" in bibtex
    assert "pages = {124--138}" in bibtex
    assert bibtex.count("{") == bibtex.count("}")


def test_an_unknown_citation_style_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ValueError, match="expected one of text, bibtex"):
        cite("apa")


@pytest.mark.parametrize("style", ["text", "bibtex"])
def test_the_cite_command_prints_the_library_citation(style) -> None:
    result = CliRunner().invoke(main, ["cite", "--format", style])
    assert result.exit_code == 0
    assert result.output == cite(style)


# --- the release guide ---------------------------------------------------------------------------


def test_every_command_the_release_guide_names_exists() -> None:
    text = (ROOT / "docs" / "releasing.md").read_text(encoding="utf-8")
    # Commands are what the guide shows as code: inline code spans and fenced shell blocks.
    code = re.findall(r"`([^`\n]+)`", text) + re.findall(r"```sh\n(.*?)```", text, re.DOTALL)
    named = {
        name
        for snippet in code
        for name in re.findall(r"(?:^|\s)msc-exos-pof ([a-z][\w-]*)", snippet, re.MULTILINE)
    }
    assert {"rehash", "dictionary", "diff", "validate", "cite"} <= named
    unknown = named - set(main.commands)
    assert not unknown, f"docs/releasing.md names commands the CLI does not have: {unknown}"

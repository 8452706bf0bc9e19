"""One default package for the CLI and the library: PATH (or path=), else $MSC_EXOS_POF_PACKAGE,
else the copy of this dataset in the current folder, else the shipped package."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

import msc_exos_pof
from msc_exos_pof.cli import main
from msc_exos_pof.errors import DefaultPackageWarning
from msc_exos_pof.io.locate import PACKAGE_ENV, default_package, shipped_package_dir


@pytest.fixture
def repository(tmp_path: Path, package_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A maintainer's checkout: a copy with one study fewer in ./datapackage/, as cwd."""
    root = tmp_path / "repo"
    shutil.copytree(package_copy, root / "datapackage")
    studies = root / "datapackage" / "data" / "studies.csv"
    lines = studies.read_text(encoding="utf-8").splitlines(keepends=True)
    studies.write_text("".join(lines[:-1]), encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def rows_shown(stdout: str) -> int:
    return len(json.loads(stdout))


def test_cli_and_library_read_the_copy_of_the_current_folder_and_say_so(repository: Path) -> None:
    code, out, err = run("show", "studies", "--format", "json")
    assert code == 0 and rows_shown(out) == 16
    note = "reading datapackage/datapackage.json (a copy found here; --shipped reads the"
    assert err == note + " installed release)\n"
    with pytest.warns(DefaultPackageWarning, match="copy of this dataset in the current folder"):
        assert len(msc_exos_pof.load("studies")) == 16
    # The copy's hashes are stale: the gate judges the copy, not the shipped package.
    assert run("validate")[0] == 1


def test_the_shipped_package_is_chosen_by_option_or_environment(
    repository: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run("show", "studies", "--shipped", "--format", "json")
    assert (code, rows_shown(out), err) == (0, 17, "")
    assert run("validate", "--shipped")[0] == 0
    monkeypatch.setenv(PACKAGE_ENV, "shipped")
    code, out, err = run("show", "studies", "--format", "json")
    assert (code, rows_shown(out), err) == (0, 17, "")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(msc_exos_pof.load("studies")) == 17
    assert msc_exos_pof.load("studies", msc_exos_pof.package_dir()).shape[0] == 17


def test_the_environment_may_name_a_path_and_path_wins_over_it(
    repository: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repository.parent)
    assert default_package().shipped
    monkeypatch.setenv(PACKAGE_ENV, str(repository / "datapackage"))
    code, out, err = run("show", "studies", "--format", "json")
    assert code == 0 and rows_shown(out) == 16 and f"(${PACKAGE_ENV})" in err
    assert len(msc_exos_pof.load("studies")) == 16
    assert len(msc_exos_pof.load("studies", shipped_package_dir())) == 17


def test_quiet_keeps_stderr_for_errors_only(repository: Path) -> None:
    code, out, err = run("show", "studies", "--quiet", "--format", "json")
    assert code == 0 and err == ""
    code, _, err = run("show", "studies", str(repository), "--shipped")
    assert code == 2 and "give PATH or --shipped, not both" in err


def test_another_projects_data_package_is_not_ours_to_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "datapackage.json").write_text(
        json.dumps({"name": "weather", "resources": [{"name": "rain", "path": "rain.csv"}]}),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    assert default_package().shipped
    code, out, err = run("show", "studies", "--format", "json")
    assert (code, rows_shown(out), err) == (0, 17, "")


def test_a_broken_copy_in_the_current_folder_is_reported_never_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "datapackage").mkdir()
    (tmp_path / "datapackage" / "datapackage.json").write_text("{not json", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("validate")
    assert code == 2 and "not valid JSON" in out


def test_every_command_that_reads_a_package_explains_the_rule_in_its_help() -> None:
    import click

    def commands(group: click.Group) -> list[click.Command]:
        found = []
        for command in group.commands.values():
            found += commands(command) if isinstance(command, click.Group) else [command]
        return found

    readers = [c for c in commands(main) if any(p.name == "shipped" for p in c.params)]
    assert {c.name for c in readers} >= {"validate", "show", "query", "export", "summary"}
    for command in readers:
        text = CliRunner().invoke(main, [*_path_to(command), "--help"]).output
        assert "MSC_EXOS_POF_PACKAGE" in text and "--shipped" in text, command.name
        assert "default: the shipped" not in text and "default: the package shipped" not in text


def _path_to(command: object) -> list[str]:
    """The words that run ``command`` (a subcommand of a group gets its group's name first)."""
    for name, found in main.commands.items():
        if found is command:
            return [name]
        for sub, inner in getattr(found, "commands", {}).items():
            if inner is command:
                return [name, sub]
    raise AssertionError(command)


def test_every_command_has_debug_and_quiet() -> None:
    import click

    def walk(group: click.Group, prefix: list[str]) -> list[tuple[list[str], click.Command]]:
        found = []
        for name, command in group.commands.items():
            if isinstance(command, click.Group):
                found += walk(command, [*prefix, name])
            else:
                found.append(([*prefix, name], command))
        return found

    for words, command in walk(main, []):
        names = {opt for p in command.params for opt in getattr(p, "opts", [])}
        assert {"--debug", "--quiet"} <= names, words

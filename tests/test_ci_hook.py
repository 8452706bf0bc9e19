"""docs/ci.md's pre-commit hook validates the repository's files: it fails a broken copy and
passes a clean one (``pre-commit try-repo``, offline)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


def _hook_repository(tmp_path: Path) -> Path:
    """The shipped hook definition in a repository of its own, run with ``language: system``.

    The shipped hook is ``language: python``: pre-commit then builds a virtual environment and
    pip-installs msc-exos-pof with pandas, pyarrow and frictionless from the package index, which
    an offline test cannot do. ``system`` runs the ``msc-exos-pof`` already installed (this
    test's), with the shipped entry, file pattern and ``pass_filenames`` unchanged.
    """
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "language: python" in text and "entry: msc-exos-pof validate\n" in text
    assert "entry: msc-exos-pof rehash\n" in text
    (hooks / ".pre-commit-hooks.yaml").write_text(
        text.replace("language: python", "language: system"), encoding="utf-8"
    )
    _git(hooks, "init", "-q")
    _git(hooks, "add", ".")
    _git(hooks, "commit", "-q", "-m", "hooks")
    return hooks


def _user_repository(tmp_path: Path, name: str, package: Path) -> Path:
    repository = tmp_path / name
    repository.mkdir()
    shutil.copytree(package, repository / "datapackage")
    _git(repository, "init", "-q")
    _git(repository, "add", ".")
    _git(repository, "commit", "-q", "-m", "data")
    return repository


def _try_repo(
    hooks: Path, repository: Path, hook: str = "msc-exos-pof-validate"
) -> subprocess.CompletedProcess[str]:
    scripts = Path(sys.executable).parent
    env = {
        **os.environ,
        "PATH": f"{scripts}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(repository.parent / "pre-commit-home"),
    }
    return subprocess.run(
        [
            str(scripts / "pre-commit"),
            "try-repo",
            str(hooks),
            hook,
            "--all-files",
            "--verbose",
        ],
        cwd=repository,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_the_pre_commit_hook_fails_a_broken_repository_and_passes_a_clean_one(
    tmp_path: Path, package_copy: Path
) -> None:
    if shutil.which("git") is None or not (Path(sys.executable).parent / "pre-commit").exists():
        pytest.skip("needs git and pre-commit (the test extra)")
    hooks = _hook_repository(tmp_path)
    clean = _user_repository(tmp_path, "clean", package_copy)
    passed = _try_repo(hooks, clean)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
    assert "reading datapackage/datapackage.json (a copy found here" in passed.stdout

    studies = package_copy / "data" / "studies.csv"
    studies.write_text(studies.read_text(encoding="utf-8").replace("in_vivo", "in_silico", 1))
    broken = _user_repository(tmp_path, "broken", package_copy)
    failed = _try_repo(hooks, broken)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Failed" in failed.stdout and "schema.enum" in failed.stdout
    assert "msc-exos-pof validate: datapackage/datapackage.json" in failed.stdout


@pytest.mark.slow
def test_the_rehash_hook_refreshes_the_hashes_of_an_edited_copy(
    tmp_path: Path, package_copy: Path
) -> None:
    if shutil.which("git") is None or not (Path(sys.executable).parent / "pre-commit").exists():
        pytest.skip("needs git and pre-commit (the test extra)")
    hooks = _hook_repository(tmp_path)
    file = package_copy / "data" / "references.csv"
    file.write_text(file.read_text(encoding="utf-8").replace("Rat", "Rat ", 1), encoding="utf-8")
    edited = _user_repository(tmp_path, "edited", package_copy)
    changed = _try_repo(hooks, edited, "msc-exos-pof-rehash")
    # Like a formatter: it rewrites datapackage.json, so pre-commit fails the commit once.
    assert changed.returncode == 1 and "files were modified by this hook" in changed.stdout
    assert "updated bytes/hash of references" in changed.stdout
    assert _try_repo(hooks, edited, "msc-exos-pof-rehash").returncode == 0
    assert _try_repo(hooks, edited).returncode == 0

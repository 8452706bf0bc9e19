"""Releases proven on a real package index (slow): pypiserver on 127.0.0.1 serves the wheel of
0.1.0, built from the commit that released it, and the wheel of the current version, both
uploaded with twine. In fresh virtual environments `pip install msc-exos-pof==<version>` (with
`--extra-index-url`, pip's default index still gives the dependencies) installs each; then
docs/ci.md's recipes, read from the page, run in a separate git repository that holds only a
copy of the data: the workflow's install line and validate step, and the pre-commit hook.

Run with `pytest -m slow tests/test_package_index.py -s` to see the transcript.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from msc_exos_pof.io.descriptor import read_descriptor
from msc_exos_pof.io.locate import shipped_package_dir
from msc_exos_pof.release.record import find_release

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
FIRST = "0.1.0"
FIRST_COMMIT = "bee5d26"  # the commit that released 0.1.0
CURRENT = read_descriptor(ROOT / "datapackage")["version"]
#: The release a recipe of docs/ci.md pins (replaced by the current version in the test).
PIN = re.compile(r"msc-exos-pof==\d+\.\d+\.\d+")


@dataclass
class Index:
    url: str  # .../simple/
    wheels: dict[str, Path]
    root: Path


def say(*lines: str) -> None:
    """The transcript (shown with -s)."""
    for line in lines:
        print(line, flush=True)


def run(command: list[str], **options) -> subprocess.CompletedProcess[str]:
    options.setdefault("capture_output", True)
    options.setdefault("text", True)
    options.setdefault("timeout", 900)
    return subprocess.run(command, **options)


def _require_history() -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed: 0.1.0 is built from its commit, which needs git")
    found = run(["git", "-C", str(ROOT), "cat-file", "-e", f"{FIRST_COMMIT}^{{commit}}"])
    if found.returncode != 0:
        shallow = run(["git", "-C", str(ROOT), "rev-parse", "--is-shallow-repository"])
        pytest.skip(
            f"the git history is absent (commit {FIRST_COMMIT}, release {FIRST}, is not in this "
            f"clone{'; it is a shallow clone' if shallow.stdout.strip() == 'true' else ''}): "
            "0.1.0 is built from history, not from hand-made files; run `git fetch --unshallow`"
        )


def _build_first(into: Path) -> Path:
    """The wheel of 0.1.0 from its commit (git archive), offline (no isolation), with the
    SOURCE_DATE_EPOCH of its release date."""
    source = into / f"msc-exos-pof-{FIRST}"
    archive = run(["git", "-C", str(ROOT), "archive", "--format=tar", FIRST_COMMIT], text=False)
    assert archive.returncode == 0, archive.stderr
    source.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(source, filter="data")
    epoch = find_release(FIRST).source_date_epoch
    return _build(source, into / "dist", epoch)


def _build(source: Path, outdir: Path, epoch: int) -> Path:
    built = run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(outdir)]
        + [str(source)],
        env={**os.environ, "SOURCE_DATE_EPOCH": str(epoch)},
    )
    assert built.returncode == 0, built.stdout + built.stderr
    version = read_descriptor(source / "datapackage")["version"]
    return outdir / f"msc_exos_pof-{version}-py3-none-any.whl"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def _pypiserver(packages: Path) -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "pypiserver", "run", "-i", "127.0.0.1", "-p", str(port)]
        + ["-a", ".", "-P", ".", "--disable-fallback", str(packages)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"{url}/simple/", timeout=1).close()
                break
            time.sleep(0.1)
        else:
            raise AssertionError("pypiserver did not start on 127.0.0.1")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Iterator[Index]:
    pytest.importorskip("pypiserver", reason="needs pypiserver (the test extra)")
    _require_history()
    base = tmp_path_factory.mktemp("index")
    wheels = {FIRST: _build_first(base / "first")}
    wheels[CURRENT] = _build(ROOT, base / "current", 1796860800)
    packages = base / "packages"
    packages.mkdir()
    with _pypiserver(packages) as url:
        upload = run(
            [sys.executable, "-m", "twine", "upload", "--non-interactive"]
            + ["--repository-url", f"{url}/", "-u", "test", "-p", "test"]
            + [str(wheel) for wheel in wheels.values()]
        )
        assert upload.returncode == 0, upload.stdout + upload.stderr
        say(f"index {url}/simple/: " + ", ".join(sorted(p.name for p in packages.iterdir())))
        yield Index(f"{url}/simple/", wheels, base)


def fresh_venv(folder: Path) -> Path:
    made = run([sys.executable, "-m", "venv", str(folder)])
    assert made.returncode == 0, made.stderr
    return folder / "bin"


def environment(bin_dir: Path | None, index: Index) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PIP_EXTRA_INDEX_URL"] = " ".join(filter(None, [env.get("PIP_EXTRA_INDEX_URL"), index.url]))
    if bin_dir is not None:
        env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
        env["VIRTUAL_ENV"] = str(bin_dir.parent)
    return env


PROBE = """
import json, msc_exos_pof
report = msc_exos_pof.validate()
print(json.dumps({"version": msc_exos_pof.__version__, "file": msc_exos_pof.__file__,
                  "resources": msc_exos_pof.resource_names(),
                  "studies": len(msc_exos_pof.load("studies")), "valid": report.valid}))
"""


def probe(bin_dir: Path, cwd: Path) -> dict:
    done = run([str(bin_dir / "python"), "-c", PROBE], cwd=cwd)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def ci_recipes() -> tuple[dict, str]:
    """docs/ci.md's pre-commit configuration and workflow, as the page shows them."""
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", text, re.DOTALL)]
    [hook] = [b for b in blocks if isinstance(b, dict) and "repos" in b]
    [workflow] = [b for b in blocks if isinstance(b, dict) and "jobs" in b]
    return hook, workflow


@pytest.fixture(scope="module")
def user_repository(tmp_path_factory) -> Path:
    """A git repository of a user of the package: a copy of the data, nothing of this one."""
    repository = tmp_path_factory.mktemp("user") / "living-copy"
    shutil.copytree(shipped_package_dir(), repository / "datapackage")
    git(repository, "init", "-q")
    git(repository, "add", ".")
    git(repository, "commit", "-q", "-m", "a copy of the data")
    return repository


def git(folder: Path, *args: str) -> None:
    done = run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=folder)
    assert done.returncode == 0, done.stderr


def test_both_releases_install_from_the_index_and_behave_as_documented(
    index: Index, user_repository: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    old = fresh_venv(tmp_path / "venv-0.1.0")
    installed = run(
        [str(old / "python"), "-m", "pip", "install", "-q", "--extra-index-url", index.url]
        + [f"msc-exos-pof=={FIRST}"]
    )
    assert installed.returncode == 0, installed.stderr
    first = probe(old, elsewhere)
    say(f"pip install msc-exos-pof=={FIRST} --extra-index-url {index.url}: {first}")
    assert first["version"] == FIRST and first["valid"] and first["studies"] == 17
    assert len(first["resources"]) == 9 and first["file"].startswith(str(old.parent))

    # the workflow of docs/ci.md: its install line (pinned to the current version) in a fresh
    # environment, then its validate step in the user's repository
    _, workflow = ci_recipes()
    steps = [s.get("run", "") for s in workflow["jobs"]["validate"]["steps"]]
    [install_line] = [s for s in steps if s.startswith("pip install")]
    gate_steps = [s for s in steps if s.startswith("msc-exos-pof validate")]
    new = fresh_venv(tmp_path / "venv-current")
    line = PIN.sub(f"msc-exos-pof=={CURRENT}", install_line)
    env = environment(new, index)
    installed = run(["bash", "-c", line], env=env, cwd=user_repository)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    current = probe(new, elsewhere)
    say(f"workflow install line `{line}` (PIP_EXTRA_INDEX_URL={index.url}): {current}")
    assert current["version"] == CURRENT and current["valid"] and current["studies"] == 17
    assert len(current["resources"]) == len(read_descriptor(ROOT / "datapackage")["resources"])
    for step in gate_steps:  # the annotations, then the SARIF and JUnit reports
        gate = run(["bash", "-c", step], env=env, cwd=user_repository)
        say(f"workflow step `{step.strip()}`: exit {gate.returncode}", gate.stderr.strip())
        assert gate.returncode == 0 and "::error" not in gate.stdout, gate.stdout + gate.stderr
    reports = user_repository / "reports"
    assert json.loads((reports / "gate.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert (reports / "gate.xml").read_text(encoding="utf-8").startswith("<?xml")
    shutil.rmtree(reports)

    # diff between the two releases, offline from the new wheel's record and from the old wheel
    changed = run([str(new / "msc-exos-pof"), "diff", FIRST, "--exit-code"], env=env, cwd=elsewhere)
    say(f"msc-exos-pof diff {FIRST} --exit-code: exit {changed.returncode}")
    say(*changed.stdout.splitlines()[:9])
    assert changed.returncode == 1
    assert "Required version bump: major (next version: 1.0.0)" in changed.stdout
    assert "  studies: 17 included (0.1.0: 17)" in changed.stdout
    downloaded = run(
        [str(new / "python"), "-m", "pip", "download", "-q", "--no-deps", "-d", str(tmp_path)]
        + [f"msc-exos-pof=={FIRST}"],
        env=env,
    )
    assert downloaded.returncode == 0, downloaded.stderr
    wheel = tmp_path / index.wheels[FIRST].name
    assert wheel.read_bytes() == index.wheels[FIRST].read_bytes()
    by_wheel = run([str(new / "msc-exos-pof"), "diff", str(wheel)], env=env, cwd=elsewhere)
    assert by_wheel.stdout.splitlines()[1] == changed.stdout.splitlines()[1]

    # a copy made with 0.1.0: one finding from the new release, then upgrade, then valid
    copy_out = (
        "import shutil, pathlib, msc_exos_pof; "
        "shutil.copytree(pathlib.Path(msc_exos_pof.__file__).parent / 'datapackage', 'copy')"
    )
    made = run([str(old / "python"), "-c", copy_out], cwd=elsewhere)
    assert made.returncode == 0, made.stderr
    before = run([str(new / "msc-exos-pof"), "validate", "copy"], env=env, cwd=elsewhere)
    errors = [line for line in before.stdout.splitlines() if ": error: " in line]
    say(f"new release, validate of a copy made with {FIRST}: exit {before.returncode}", *errors)
    assert before.returncode == 1 and len(errors) == 1 and "descriptor.model_version" in errors[0]
    upgraded = run([str(new / "msc-exos-pof"), "upgrade", "copy"], env=env, cwd=elsewhere)
    after = run([str(new / "msc-exos-pof"), "validate", "copy"], env=env, cwd=elsewhere)
    say(f"upgrade copy: exit {upgraded.returncode}; validate copy: exit {after.returncode}")
    assert upgraded.returncode == 0 and after.returncode == 0, upgraded.stdout + after.stdout


def test_the_pre_commit_recipe_installs_the_pinned_release_from_the_index(
    index: Index, user_repository: Path, tmp_path: Path
) -> None:
    if not (Path(sys.executable).parent / "pre-commit").exists():
        pytest.skip("needs pre-commit (the test extra)")
    hook, _ = ci_recipes()
    config = yaml.safe_dump(hook, sort_keys=False)
    config = PIN.sub(f"msc-exos-pof=={CURRENT}", config)
    (user_repository / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    git(user_repository, "add", ".pre-commit-config.yaml")
    env = environment(None, index)
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    pre_commit = [str(Path(sys.executable).parent / "pre-commit"), "run", "--all-files"]
    passed = run(pre_commit, env=env, cwd=user_repository)
    say("pre-commit run --all-files (clean copy):", passed.stdout.strip())
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "msc-exos-pof validate" in passed.stdout and "Passed" in passed.stdout

    studies = user_repository / "datapackage" / "data" / "studies.csv"
    original = studies.read_text(encoding="utf-8")
    try:
        studies.write_text(original.replace("in_vivo", "in_silico", 1), encoding="utf-8")
        git(user_repository, "add", "datapackage")
        failed = run([*pre_commit, "--verbose"], env=env, cwd=user_repository)
        say("pre-commit run --all-files (a broken cell):", failed.stdout.strip())
        assert failed.returncode == 1 and "Failed" in failed.stdout
        assert "schema.enum" in failed.stdout
    finally:
        studies.write_text(original, encoding="utf-8")
        git(user_repository, "add", "datapackage")

"""Distributions: reproducible wheel and sdist, twine-clean, working outside the checkout.

Slow (builds distributions, installs them): run with ``pytest -m slow``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

from msc_exos_pof.io.descriptor import read_descriptor

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
#: Any fixed time: with it, two builds of the same sources must give the same bytes.
EPOCH = "1764028800"  # 2025-11-25T00:00:00Z


def _build(kind: str, outdir: Path) -> Path:
    """Build one distribution of the checkout without network (the build backend is installed)."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            f"--{kind}",
            "--no-isolation",
            "--outdir",
            str(outdir),
            str(ROOT),
        ],
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    [built] = outdir.glob("*.whl" if kind == "wheel" else "*.tar.gz")
    return built


@pytest.fixture(scope="module")
def dists(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("dists")
    return {
        "wheel": _build("wheel", base / "a"),
        "wheel_again": _build("wheel", base / "b"),
        "sdist": _build("sdist", base / "a"),
        "sdist_again": _build("sdist", base / "b"),
    }


@pytest.mark.parametrize("kind", ["wheel", "sdist"])
def test_two_builds_of_the_same_sources_are_byte_identical(dists, kind) -> None:
    first, again = dists[kind], dists[f"{kind}_again"]
    assert first.name == again.name
    assert first.read_bytes() == again.read_bytes(), (
        f"{first.name} differs between two builds with SOURCE_DATE_EPOCH={EPOCH}"
    )


def test_the_distributions_are_named_with_the_data_version(dists) -> None:
    version = read_descriptor(ROOT / "datapackage")["version"]
    assert dists["wheel"].name == f"msc_exos_pof-{version}-py3-none-any.whl"
    assert dists["sdist"].name == f"msc_exos_pof-{version}.tar.gz"


def test_the_sdist_holds_the_data_the_tests_and_the_docs(dists) -> None:
    with tarfile.open(dists["sdist"]) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    expected = {
        "pyproject.toml",
        "README.md",
        "CHANGELOG.md",
        "CITATION.cff",
        "LICENSE",
        "datapackage/datapackage.json",
        "tests/conftest.py",
        "tests/test_release.py",
        "docs/releasing.md",
        "src/msc_exos_pof/__init__.py",
        "releases/record.json",
    }
    expected |= {
        f"datapackage/{r['path']}" for r in read_descriptor(ROOT / "datapackage")["resources"]
    }
    assert expected <= names, sorted(expected - names)
    assert not [n for n in names if n.startswith(".venv/") or "__pycache__" in n]


def test_the_wheel_ships_the_data_package_byte_for_byte(dists) -> None:
    with zipfile.ZipFile(dists["wheel"]) as archive:
        names = set(archive.namelist())
        shipped = {"datapackage.json"} | {
            r["path"] for r in read_descriptor(ROOT / "datapackage")["resources"]
        }
        for name in shipped:
            inside = f"msc_exos_pof/datapackage/{name}"
            assert inside in names
            assert archive.read(inside) == (ROOT / "datapackage" / name).read_bytes()
    assert "msc_exos_pof/gate/report.schema.json" in names  # the JSON report's published schema
    # the release record, so that `diff 0.1.0` and `upgrade` work offline from the wheel
    assert {
        "msc_exos_pof/releases/record.json",
        "msc_exos_pof/releases/0.1.0.snapshot.json",
    } <= names
    assert "msc_exos_pof/release/migrations.json" in names
    assert not [n for n in names if n.startswith("tests/")]


def test_the_wheel_ships_py_typed_for_type_checkers(dists) -> None:
    with zipfile.ZipFile(dists["wheel"]) as archive:
        assert "msc_exos_pof/py.typed" in archive.namelist()


def test_twine_accepts_both_distributions(dists) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "twine",
            "check",
            "--strict",
            str(dists["wheel"]),
            str(dists["sdist"]),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


#: Run inside the installation: where the library comes from, every resource, the gate, the cite.
PROBE = """
import json, subprocess, sys
import msc_exos_pof
from msc_exos_pof.cli import main
rows = {name: len(msc_exos_pof.load(name)) for name in msc_exos_pof.resource_names()}
report = msc_exos_pof.validate()
print(json.dumps({
    "file": msc_exos_pof.__file__,
    "data": str(msc_exos_pof.package_dir()),
    "version": msc_exos_pof.__version__,
    "rows": rows,
    "valid": report.valid,
    "cite": msc_exos_pof.cite("bibtex"),
}))
"""
CLI = "import sys; from msc_exos_pof.cli import main; sys.argv[0] = 'msc-exos-pof'; main()"


def _check_installation(python: list[str], env: dict[str, str], cwd: Path, target: Path) -> None:
    probe = subprocess.run([*python, "-c", PROBE], env=env, cwd=cwd, capture_output=True, text=True)
    assert probe.returncode == 0, probe.stderr
    seen = json.loads(probe.stdout)
    assert Path(seen["file"]).is_relative_to(target), seen["file"]
    assert not Path(seen["file"]).is_relative_to(ROOT)
    assert Path(seen["data"]).is_relative_to(target)
    assert seen["version"] == read_descriptor(ROOT / "datapackage")["version"]
    resources = read_descriptor(ROOT / "datapackage")["resources"]
    assert seen["rows"]["studies"] == 17 and len(seen["rows"]) == len(resources)
    # every table has rows, but the one that may be empty: errata
    may_be_empty = {"errata"}
    assert all(count > 0 for name, count in seen["rows"].items() if name not in may_be_empty)
    assert seen["valid"]
    assert seen["version"] in seen["cite"]
    gate = subprocess.run(
        [*python, "-c", CLI, "validate"], env=env, cwd=cwd, capture_output=True, text=True
    )
    assert gate.returncode == 0, gate.stdout + gate.stderr
    rehash = subprocess.run(
        [*python, "-c", CLI, "rehash", "--check"], env=env, cwd=cwd, capture_output=True, text=True
    )
    assert rehash.returncode == 0, rehash.stdout + rehash.stderr


def test_the_wheel_installed_outside_the_checkout_loads_and_validates(dists, tmp_path) -> None:
    """Offline: the wheel alone in a folder, with the dependencies of this test environment.

    ``-S`` keeps this environment's site-packages from being a site folder, so its editable
    install (a .pth pointing at the checkout) cannot shadow the wheel; the dependencies are
    reached through PYTHONPATH after the wheel.
    """
    target = tmp_path / "site"
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--target",
            str(target),
            str(dists["wheel"]),
        ],
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            [str(target), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]
        ),
    }
    env.pop("PYTHONHOME", None)
    work = tmp_path / "elsewhere"
    work.mkdir()
    _check_installation([sys.executable, "-S"], env, work, target)


@pytest.mark.skipif(
    os.environ.get("MSC_EXOS_POF_OFFLINE") == "1",
    reason="MSC_EXOS_POF_OFFLINE=1: no index to install the dependencies from",
)
def test_the_wheel_installs_with_its_dependencies_into_a_fresh_venv(dists, tmp_path) -> None:
    """Online: ``pip install <wheel>`` into a new virtual environment (about 30 s here)."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(dists["wheel"])],
        capture_output=True,
        text=True,
    )
    if install.returncode != 0 and any(
        marker in install.stderr
        for marker in (
            "NewConnectionError",
            "Network is unreachable",
            "Temporary failure in name resolution",
        )
    ):
        pytest.skip(f"no package index reachable: {install.stderr.strip().splitlines()[-1]}")
    assert install.returncode == 0, install.stderr
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME"}}
    work = tmp_path / "elsewhere"
    work.mkdir()
    _check_installation([str(python)], env, work, Path(purelib))
    script = subprocess.run(
        [str(venv / "bin" / "msc-exos-pof"), "validate"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert script.returncode == 0, script.stdout + script.stderr

"""docs/extending.md is a tested tutorial: its shell commands run in order, exactly as written."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parents[1] / "docs" / "extending.md"
EXPECTED = re.compile(r"^# exit status: (\d+)\s*$", re.M)


def blocks() -> list[str]:
    """The page's ```bash blocks, in order."""
    return re.findall(r"^```bash\n(.*?)^```", PAGE.read_text(encoding="utf-8"), re.S | re.M)


def samples() -> list[str]:
    """The lines of the page's ```text blocks: what the commands print."""
    found = re.findall(r"^```text\n(.*?)^```", PAGE.read_text(encoding="utf-8"), re.S | re.M)
    return [line for block in found for line in block.splitlines() if line.strip()]


def test_the_tutorial_has_the_steps_of_a_living_copy() -> None:
    commands = "\n".join(blocks())
    for step in (
        "msc-exos-pof export --to csv mycopy",
        "msc-exos-pof round add mycopy --searched 2026-05",
        "msc-exos-pof rehash mycopy",
        "msc-exos-pof validate mycopy --upstream upstream",
        "msc-exos-pof round remove mycopy ding-c-2018 --reason retracted",
        "msc-exos-pof diff upstream mycopy --changelog >> CHANGELOG.md",
    ):
        assert step in commands, step


@pytest.mark.slow  # ~15 CLI processes (30-40 s); CI runs the slow tests
def test_the_tutorial_runs_from_a_fresh_copy_to_a_valid_extended_package(tmp_path: Path) -> None:
    if shutil.which("bash") is None:  # pragma: no cover - every CI runner has bash
        pytest.skip("the tutorial's commands are bash")
    scripts = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{scripts}{os.pathsep}{os.environ.get('PATH', '')}"}
    results = []
    printed = []
    for number, block in enumerate(blocks(), start=1):
        expected = EXPECTED.search(block)
        done = subprocess.run(
            ["bash", "-c", block],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        results.append(done.returncode)
        printed.append(done.stdout + done.stderr)
        assert done.returncode == (int(expected.group(1)) if expected else 0), (
            f"block {number} of {PAGE.name}:\n{block}\nstdout:\n{done.stdout[-2000:]}\n"
            f"stderr:\n{done.stderr[-2000:]}"
        )
    assert results[-1] == 0
    assert (
        "0 error(s)"
        in subprocess.run(
            ["msc-exos-pof", "validate", "mycopy"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
        ).stdout
    )
    changelog = (tmp_path / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "Search round 2 (searched 2026-05)" in changelog
    assert "1 new study: doe-j-2026" in changelog
    assert (tmp_path / "flow.svg").read_text(encoding="utf-8").count('prisma-total"') == 1
    # "Do not delete the row": what the gate says when the removed study's row is deleted.
    deleted = tmp_path / "deleted"
    shutil.copytree(tmp_path / "mycopy", deleted / "mycopy")
    studies = deleted / "mycopy" / "data" / "studies.csv"
    lines = studies.read_text(encoding="utf-8").splitlines(keepends=True)
    studies.write_text("".join(line for line in lines if not line.startswith("ding-c-2018,")))
    printed.append(
        subprocess.run(
            ["msc-exos-pof", "validate", "mycopy"],
            cwd=deleted,
            env=env,
            capture_output=True,
            text=True,
        ).stdout
    )
    # Every line the page shows as output is printed by the commands, as it is shown.
    everything = "\n".join(printed)
    for line in samples():
        assert line in everything, line

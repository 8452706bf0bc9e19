"""One error policy for every command: an unreadable package exits 2, bad data 1, with one
sentence and no traceback; ``--debug`` shows the traceback of a bug."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from msc_exos_pof.cli import main
from msc_exos_pof.io.locate import shipped_package_dir

#: Every command that reads a package, with PATH where it goes ({pkg}) and a place to write.
READERS = {
    "validate": ["validate", "{pkg}"],
    "summary": ["summary", "{pkg}"],
    "dictionary": ["dictionary", "{pkg}"],
    "prisma": ["prisma", "{pkg}", "--svg", "{out}/flow.svg"],
    "figures": ["figures", "{out}/figures", "{pkg}"],
    "export": ["export", "--to", "sqlite", "{out}/x.sqlite", "{pkg}"],
    "diff": ["diff", str(shipped_package_dir()), "{pkg}"],
    "rehash": ["rehash", "{pkg}"],
    "upgrade": ["upgrade", "{pkg}"],
}


def _invoke(arguments: list[str], pkg: Path, out: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, [a.format(pkg=pkg, out=out) for a in arguments])
    return result.exit_code, result.output


@pytest.mark.parametrize("command", sorted(READERS))
@pytest.mark.parametrize("breakage", ["no such path", "descriptor not JSON"])
def test_an_unreadable_package_exits_2_with_one_sentence(
    command: str, breakage: str, package_copy: Path, tmp_path: Path
) -> None:
    if breakage == "no such path":
        pkg = tmp_path / "missing"
    else:
        (package_copy / "datapackage.json").write_text("{not json", encoding="utf-8")
        pkg = package_copy
    code, output = _invoke(READERS[command], pkg, tmp_path)
    assert code == 2, output
    assert "Traceback" not in output
    assert ("no data package at" in output) or ("not valid JSON" in output)


@pytest.mark.parametrize("command", ["prisma", "export", "diff"])
def test_a_table_that_cannot_be_read_is_bad_data_exit_1(
    command: str, package_copy: Path, tmp_path: Path
) -> None:
    for name in ("prisma_flow", "studies"):
        (package_copy / "data" / f"{name}.csv").write_bytes(b"\xff\xfe not utf-8")
    code, output = _invoke(READERS[command], package_copy, tmp_path)
    assert code == 1, output
    assert "Traceback" not in output


def test_a_bug_is_one_line_with_exit_2_and_debug_shows_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import msc_exos_pof.exports.writers as writers

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setitem(writers.WRITERS, "sqlite", explode)
    code, output = _invoke(["export", "--to", "sqlite", "{out}/x.sqlite"], tmp_path, tmp_path)
    assert code == 2 and "unexpected RuntimeError: boom" in output and "--debug" in output
    result = CliRunner().invoke(main, ["export", "--to", "sqlite", str(tmp_path / "y"), "--debug"])
    assert isinstance(result.exception, RuntimeError)

"""One CLI convention: data on stdout, status on stderr, `-` is stdout, no output is replaced
without --force, one message style, progress only on a terminal."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from msc_exos_pof.cli import main

#: Slow: writes figures, PRISMA diagrams, exports and synthetic packages through the CLI.
pytestmark = pytest.mark.slow

EXISTS = "exists; pass --force to replace it, or choose another"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.stdout + result.stderr
    # The package-discovery line ("reading ...", status, on stderr) is not what these tests check.
    status = "".join(
        line for line in result.stderr.splitlines(keepends=True) if not line.startswith("reading ")
    )
    return result.exit_code, result.stdout, status


def test_prisma_svg_dash_writes_the_diagram_to_stdout_and_no_file_named_dash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run("prisma", "--svg", "-")
    assert code == 0 and out.startswith("<svg") and err == ""
    assert not (tmp_path / "-").exists()


def test_prisma_says_wrote_on_stderr_and_refuses_to_overwrite_without_force(
    tmp_path: Path,
) -> None:
    svg = tmp_path / "flow.svg"
    code, out, err = run("prisma", "--svg", str(svg))
    assert code == 0 and out == "" and err == f"wrote {svg}\n"
    svg.write_text("mine", encoding="utf-8")
    code, out, err = run("prisma", "--svg", str(svg))
    assert code == 2 and f"{svg} {EXISTS} file" in err
    assert svg.read_text(encoding="utf-8") == "mine"
    assert run("prisma", "--svg", str(svg), "--force")[0] == 0
    assert svg.read_text(encoding="utf-8").startswith("<svg")


def test_figures_refuse_to_overwrite_without_force(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    code, out, err = run("figures", str(tmp_path))
    assert code == 0 and out == "" and err.startswith("wrote ")
    code, _, err = run("figures", str(tmp_path))
    assert code == 2 and EXISTS in err
    assert run("figures", str(tmp_path), "--force")[0] == 0


@pytest.mark.parametrize(
    "command",
    [
        ["validate", "--format", "json"],
        ["dictionary"],
        ["checks", "--format", "markdown"],
    ],
    ids=lambda c: c[0],
)
def test_output_refuses_an_existing_file_without_force_and_dash_is_stdout(
    tmp_path: Path, command: list[str]
) -> None:
    target = tmp_path / "out.txt"
    target.write_text("mine", encoding="utf-8")
    code, _, err = run(*command, "--output", str(target))
    assert code == 2 and f"{target} {EXISTS} file" in err
    assert target.read_text(encoding="utf-8") == "mine"
    assert run(*command, "--output", str(target), "--force")[0] == 0
    assert target.read_text(encoding="utf-8") != "mine"
    code, out, _ = run(*command, "--output", "-")
    assert code == 0 and out.strip()
    assert not Path("-").exists()


def test_export_and_synth_use_the_same_message_and_stderr(tmp_path: Path) -> None:
    out = tmp_path / "review.sqlite"
    assert run("export", "--to", "sqlite", str(out))[0] == 0
    code, stdout, err = run("export", "--to", "sqlite", str(out))
    assert code == 2 and stdout == "" and f"{out} {EXISTS} OUT" in err
    folder = tmp_path / "synthetic"
    code, stdout, err = run("synth", "-n", "3", str(folder))
    assert code == 0 and stdout == "" and err.startswith(f"wrote {folder}")
    code, _, err = run("synth", "-n", "3", str(folder))
    assert code == 2 and "exists and is not empty; pass --force to replace it, or choose" in err


def test_progress_is_drawn_on_a_terminal_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rich.console import Console

    from msc_exos_pof.cli import progress

    # Off a terminal (as here), nothing: the synth above printed only its status line.
    assert progress._console() is None
    screen = io.StringIO()
    monkeypatch.setattr(
        progress, "_console", lambda: Console(file=screen, force_terminal=True, width=100)
    )
    with progress.bar("synth 10 studies", 10) as advance:
        advance(10)
    assert "synth 10 studies" in screen.getvalue() and "10/10" in screen.getvalue()

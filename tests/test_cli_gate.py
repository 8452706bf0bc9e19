"""The `validate` and `checks` commands: exit codes, output formats, bad inputs, no tracebacks."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_gate_inputs import BREAKAGES

from msc_exos_pof.cli import main

GITHUB_LINE = re.compile(r"^::(error|warning|notice) file=[^,:]+(,line=\d+)?,title=[^:,]+::.+$")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    return result.exit_code, result.stdout, result.stderr


CLI_INPUTS = [
    "missing descriptor",
    "descriptor not JSON",
    "descriptor not UTF-8",
    "CSV not UTF-8",
    "unclosed quote",
    "header-only CSV",
    "removed column",
    "renamed column",
    "path traversal",
    "absolute path",
    "URL path",
    "tampered bytes",
    "missing file",
]


@pytest.mark.parametrize("breakage", CLI_INPUTS)
def test_bad_input_is_one_clean_finding_with_the_right_exit_code(
    package_copy: Path, breakage: str
) -> None:
    change, check_id, exit_code = BREAKAGES[breakage]
    change(package_copy)
    code, out, _ = run("validate", str(package_copy), "--format", "json")
    assert code == exit_code
    report = json.loads(out)
    assert check_id in {f["check"] for f in report["findings"]}
    assert report["exit_code"] == exit_code and report["valid"] is False


def test_missing_path_exits_2_with_a_readable_message(tmp_path: Path) -> None:
    code, out, _ = run("validate", str(tmp_path / "nowhere"))
    assert code == 2
    assert "descriptor.missing" in out and "no data package" in out


def test_shipped_package_is_valid_in_text() -> None:
    code, out, _ = run("validate")
    assert code == 0
    assert "VALID" in out and "studies per MSC source" in out and "known errata" in out
    assert "\x1b[" not in out  # not a terminal: no colour


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github"])
def test_every_format_renders_a_failing_report(package_copy: Path, fmt: str) -> None:
    BREAKAGES["tampered bytes"][0](package_copy)
    code, out, _ = run("validate", str(package_copy), "--format", fmt)
    assert code == 1
    if fmt == "json":
        assert json.loads(out)["valid"] is False
    elif fmt == "junit":
        suite = ET.fromstring(out).find("testsuite")
        failed = [c.get("name") for c in suite.iter("testcase") if c.find("failure") is not None]
        assert "integrity.hash" in failed
    elif fmt == "github":
        lines = out.splitlines()
        annotations = [line for line in lines if line.startswith("::")]
        assert annotations and all(GITHUB_LINE.match(line) for line in annotations)
        assert any("file=" in line and "studies.csv" in line for line in annotations)
    else:
        assert "INVALID" in out and "integrity.hash" in out


def test_github_annotation_points_at_the_csv_line(package_copy: Path) -> None:
    BREAKAGES["ragged row"][0](package_copy)
    _, out, _ = run("validate", str(package_copy), "--format", "github")
    line = next(x for x in out.splitlines() if "title=table.parse" in x)
    assert "animal_models.csv,line=7," in line  # data row 6 is line 7 (the header is line 1)


def test_junit_has_one_testcase_per_check_run() -> None:
    code, out, _ = run("validate", "--format", "junit")
    suite = ET.fromstring(out).find("testsuite")
    assert code == 0
    assert int(suite.get("tests")) == len(list(suite.iter("testcase"))) > 40
    assert suite.get("failures") == "0"


def test_output_writes_the_report_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "reports" / "gate.xml"
    code, out, err = run("validate", "--format", "junit", "--output", str(target))
    assert code == 0 and out == ""
    ET.parse(target)
    assert str(target) in err


def test_output_inside_the_package_is_refused(package_copy: Path) -> None:
    code, _, err = run("validate", str(package_copy), "--output", str(package_copy / "r.json"))
    assert code == 2 and "never written" in err
    assert not (package_copy / "r.json").exists()


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_check_id_is_a_usage_error(option: str) -> None:
    code, _, err = run("validate", option, "no.such.check")
    assert code == 2 and "matches no check id" in err


def test_select_and_ignore_take_prefixes(package_copy: Path) -> None:
    BREAKAGES["tampered bytes"][0](package_copy)
    code, out, _ = run("validate", str(package_copy), "--format", "json", "--select", "integrity")
    report = json.loads(out)
    assert code == 1 and all(c.startswith("integrity.") for c in report["checks_run"])
    code, out, _ = run(
        "validate", str(package_copy), "--format", "json", "--ignore", "integrity.hash"
    )
    assert "integrity.hash" not in {f["check"] for f in json.loads(out)["findings"]}


def test_bad_format_is_a_usage_error() -> None:
    assert run("validate", "--format", "yaml")[0] == 2


def test_unexpected_error_is_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    import msc_exos_pof.gate

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(msc_exos_pof.gate, "validate", explode)
    code, _, err = run("validate")
    assert code == 2 and "RuntimeError: boom" in err and "--debug" in err
    result = CliRunner().invoke(main, ["validate", "--debug"])
    assert isinstance(result.exception, RuntimeError)


def test_colour_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    from msc_exos_pof.gate.render import use_colour

    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_colour(Terminal())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_colour(Terminal())


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_checks_lists_every_check(fmt: str) -> None:
    from msc_exos_pof.gate.registry import all_checks

    code, out, _ = run("checks", "--format", fmt)
    assert code == 0
    ids = [c.id for c in all_checks()]
    if fmt == "json":
        assert [c["id"] for c in json.loads(out)] == ids
        assert {"layer", "severity", "description"} <= set(json.loads(out)[0])
    else:
        assert all(i in out for i in ids)

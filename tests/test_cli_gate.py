"""The `validate` and `checks` commands: exit codes, output formats, bad inputs, no tracebacks."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from report_schemas import valid_report, valid_sarif
from test_gate_inputs import BREAKAGES

import msc_exos_pof
from msc_exos_pof.cli import main

GITHUB_LINE = re.compile(
    r"^::(error|warning|notice) file=[^,:]+(,line=\d+(,col=\d+)?)?,title=[^:,]+::.+$"
)


def run(*args: str) -> tuple[int, str, str]:
    """Run the CLI; every JSON and SARIF report it prints is checked against its schema."""
    result = CliRunner().invoke(main, list(args))
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    if result.stdout and args[:1] == ("validate",) and result.exit_code in (0, 1, 2):
        fmt = args[args.index("--format") + 1] if "--format" in args else "text"
        if fmt == "json":
            valid_report(result.stdout)
        elif fmt == "sarif":
            valid_sarif(result.stdout)
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


def test_shipped_package_is_valid_in_text_with_its_errata_in_one_line() -> None:
    code, out, _ = run("validate")
    assert code == 0
    assert "VALID" in out and "studies per MSC source" in out
    assert "14 documented errata, " in out and "; --verbose lists them" in out
    assert "78 concerns.recorded note(s)" in out  # the review's recorded inconsistencies
    assert "0 warning(s)" in out and "errata.known" not in out
    assert "\x1b[" not in out  # not a terminal: no colour


def test_verbose_lists_each_documented_erratum_as_info() -> None:
    code, out, _ = run("validate", "--verbose")
    listed = [line for line in out.splitlines() if line.endswith("[errata.known]")]
    assert code == 0 and len(listed) == 14
    assert all(": info: erratum " in line for line in listed)
    assert "--verbose lists them" not in out


def test_the_shipped_package_gets_no_github_warning_or_error() -> None:
    code, out, _ = run("validate", "--format", "github")
    assert code == 0
    assert not [line for line in out.splitlines() if line.startswith("::")]
    assert "0 error(s), 0 warning(s), 14 documented errata" in out
    code, out, _ = run("validate", "--format", "github", "--verbose")
    annotations = [line for line in out.splitlines() if line.startswith("::")]
    info = msc_exos_pof.validate().counts["info"]  # errata and the recorded concerns
    assert len(annotations) == info and all(a.startswith("::notice ") for a in annotations)


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github", "sarif"])
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
    elif fmt == "sarif":
        results = json.loads(out)["runs"][0]["results"]
        assert "integrity.hash" in {result["ruleId"] for result in results}
    else:
        assert "INVALID" in out and "integrity.hash" in out


def test_github_annotation_points_at_the_csv_line(package_copy: Path) -> None:
    BREAKAGES["ragged row"][0](package_copy)
    _, out, _ = run("validate", str(package_copy), "--format", "github")
    line = next(x for x in out.splitlines() if "title=table.parse" in x)
    assert "animal_models.csv,line=7,col=1," in line  # data row 6 is line 7 (header: line 1)


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


class Terminal:
    def isatty(self) -> bool:
        return True


class Pipe:
    def isatty(self) -> bool:
        return False


@pytest.mark.parametrize(
    ("mode", "environ", "stream", "expected"),
    [
        ("auto", {}, Terminal(), True),
        ("auto", {}, Pipe(), False),
        ("auto", {}, None, False),
        ("auto", {"NO_COLOR": "1"}, Terminal(), False),
        ("auto", {"NO_COLOR": ""}, Terminal(), True),  # no-color.org: only a non-empty value
        ("auto", {"FORCE_COLOR": "1"}, Pipe(), True),
        ("auto", {"FORCE_COLOR": "0"}, Terminal(), True),
        ("auto", {"FORCE_COLOR": "0"}, Pipe(), False),
        ("auto", {"NO_COLOR": "1", "FORCE_COLOR": "1"}, Terminal(), False),
        ("auto", {"TERM": "dumb"}, Terminal(), False),
        ("auto", {"TERM": "dumb", "FORCE_COLOR": "1"}, Terminal(), True),
        ("always", {"NO_COLOR": "1", "TERM": "dumb"}, Pipe(), True),
        ("never", {"FORCE_COLOR": "1"}, Terminal(), False),
    ],
)
def test_the_colour_policy(
    mode: str, environ: dict[str, str], stream: object, expected: bool
) -> None:
    from msc_exos_pof.gate.render import use_colour

    assert use_colour(stream, mode, environ) is expected  # type: ignore[arg-type]


def test_colour_follows_the_environment_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    from msc_exos_pof.gate.render import use_colour

    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert use_colour(Terminal())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_colour(Terminal())


@pytest.mark.parametrize(
    ("args", "environ", "coloured"),
    [
        (["--color", "always"], {}, True),
        (["--color", "never"], {"FORCE_COLOR": "1"}, False),
        ([], {"FORCE_COLOR": "1"}, True),
        ([], {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        ([], {}, False),  # not a terminal
        (["--color", "always", "--format", "json"], {}, False),  # colour is for the text only
    ],
)
def test_validate_colours_the_text_as_the_policy_says(
    monkeypatch: pytest.MonkeyPatch, args: list[str], environ: dict[str, str], coloured: bool
) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    code, out, _ = run("validate", "--select", "integrity", *args)
    assert code == 0 and ("\x1b[" in out) is coloured


def test_bad_colour_mode_is_a_usage_error() -> None:
    assert run("validate", "--color", "sometimes")[0] == 2


def test_select_takes_globs(package_copy: Path) -> None:
    from msc_exos_pof.gate.selection import checks_matching

    code, out, _ = run(
        "validate", str(package_copy), "--format", "json", "--select", "counts.per_*"
    )
    report = json.loads(out)
    assert code == 0 and report["checks_run"] == checks_matching("counts.per_*")
    assert report["checks_run"] == ["counts.per_design", "counts.per_source"]
    assert "schema.type" in report["skipped"]


def test_ignore_takes_globs_and_lists_what_it_skipped(package_copy: Path) -> None:
    BREAKAGES["tampered bytes"][0](package_copy)
    code, out, _ = run(
        "validate",
        str(package_copy),
        "--format",
        "json",
        "--ignore",
        "integrity.*,*.known,claims,citations,concerns",
    )
    report = json.loads(out)
    assert code == 0 and report["findings"] == []
    assert {"integrity.bytes", "integrity.hash", "errata.known"} <= set(report["skipped"])
    assert not set(report["skipped"]) & set(report["checks_run"])


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_a_glob_that_matches_nothing_is_a_usage_error(option: str) -> None:
    code, _, err = run("validate", option, "nothing.like_*")
    assert code == 2 and "matches no check id" in err


def test_fail_on_warning_fails_a_run_with_a_warning(package_copy: Path) -> None:
    descriptor = json.loads((package_copy / "datapackage.json").read_text(encoding="utf-8"))
    del descriptor["resources"][0]["hash"]  # integrity.unhashed: a warning
    (package_copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    code, out, _ = run("validate", str(package_copy), "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["counts"]["warning"] == 1 and report["fail_on"] == "error"
    code, out, _ = run("validate", str(package_copy), "--format", "json", "--fail-on", "warning")
    report = json.loads(out)
    assert code == 1 and report["valid"] is False and report["fail_on"] == "warning"
    code, out, _ = run("validate", str(package_copy), "--format", "junit", "--fail-on", "warning")
    cases = ET.fromstring(out).iter("testcase")
    failed = [c.get("name") for c in cases if c.find("failure") is not None]
    assert code == 1 and failed == ["integrity.unhashed"]


def test_fail_on_warning_passes_the_shipped_package() -> None:
    assert run("validate", "--fail-on", "warning")[0] == 0


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

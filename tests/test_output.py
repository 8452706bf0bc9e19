"""The gate's reports: exact locations, one finding per problem, every format valid against its
schema, and no text from the data able to inject anything into any format."""

from __future__ import annotations

import csv
import io
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from package_rows import read_header, read_rows, write_rows
from report_schemas import valid_report, valid_sarif

import msc_exos_pof
from msc_exos_pof.cli import main
from msc_exos_pof.gate import validate
from msc_exos_pof.gate.locations import cell_positions, pointer_position
from msc_exos_pof.gate.registry import all_checks
from msc_exos_pof.gate.render import FORMATS, render
from msc_exos_pof.io.locate import shipped_package_dir
from msc_exos_pof.release.hashes import rehash

HOSTILE = "x\x1b[2J\n::warning::injected\x01"


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout


def copy_of_the_package(factory: pytest.TempPathFactory) -> Path:
    target = factory.mktemp("output") / "pkg"
    shutil.copytree(shipped_package_dir(), target)
    return target


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One broken copy for the tests that only read it."""
    return broken_copy(copy_of_the_package(tmp_path_factory))


def broken_copy(folder: Path) -> Path:
    """A stated count the rows do not support, two physical lines below a multi-line cell."""
    rows = read_rows(folder, "stated_counts")
    rows[0]["quote"] = rows[0]["quote"].replace("five databases, ", "five databases,\n", 1)
    assert rows[1]["key"] == "included_studies.abstract"
    rows[1]["value"] = "18"
    write_rows(folder, "stated_counts", rows, read_header(folder, "stated_counts"))
    return folder


# --- exact locations ----------------------------------------------------------------------------


def test_a_cell_below_a_multi_line_cell_is_located_on_its_physical_line(broken: Path) -> None:
    report = validate(broken, summary=False)
    (finding,) = [f for f in report.findings if f.severity == "error"]
    lines = (broken / "data" / "stated_counts.csv").read_text(encoding="utf-8").split("\n")
    assert (finding.row, finding.field) == (2, "value")
    assert lines[finding.line - 1].startswith("included_studies.abstract,")  # record 2, line 4
    assert lines[finding.line - 1][finding.column - 1 :].startswith("18,abstract,")
    assert (finding.line, finding.column) == (4, 45)
    assert finding.path == "data/stated_counts.csv"  # not in a git work tree: package-relative
    code, out = cli("validate", str(broken), "--format", "github")
    (annotation,) = [line for line in out.splitlines() if line.startswith("::error")]
    assert annotation.startswith("::error file=data/stated_counts.csv,line=4,col=45,")


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["no BOM", "BOM"])
@pytest.mark.parametrize("newline", [b"\n", b"\r\n"], ids=["LF", "CRLF"])
def test_cell_positions_count_physical_lines_and_characters(bom: bytes, newline: bytes) -> None:
    lines = [b"id,note,value", b'1,"two', b'lines, ""quoted""",10', "2,é,20".encode(), b"3,,30"]
    data = bom + newline.join(lines) + newline
    found = cell_positions(data, [(0, 0), (0, 2), (1, 2), (2, 1), (2, 2), (3, 2), (3, None)])
    assert found[(0, 0)] == (1, 1)  # the BOM is not a column
    assert found[(0, 2)] == (1, 9)
    assert found[(1, 2)] == (3, 20)  # after the quoted line break, on the record's 2nd line
    assert found[(2, 1)] == (4, 3)
    assert found[(2, 2)] == (4, 5)  # é is one character (two bytes)
    assert found[(3, 2)] == (5, 4)
    assert found[(3, None)] == (5, 1)
    assert (9, 0) not in cell_positions(data, [(9, 0)])  # past the end: left out


def test_descriptor_findings_get_a_json_pointer_and_its_line(package_copy: Path) -> None:
    descriptor = package_copy / "datapackage.json"
    data = json.loads(descriptor.read_text(encoding="utf-8"))
    index = next(i for i, r in enumerate(data["resources"]) if r["name"] == "studies")
    data["resources"][index]["hash"] = "sha256:" + "0" * 64
    descriptor.write_text(json.dumps(data, indent=2), encoding="utf-8")
    (finding,) = validate(package_copy, select=["integrity.hash"], summary=False).findings
    assert finding.pointer == f"/resources/{index}/hash"
    assert finding.path == "datapackage.json"
    lines = descriptor.read_text(encoding="utf-8").splitlines()
    assert '"hash": "sha256:0000' in lines[finding.line - 1]
    assert lines[finding.line - 1].index('"sha256') + 1 == finding.column


def test_pointer_positions_walk_objects_and_arrays() -> None:
    text = '\ufeff{\n  "a": [1, {"b~/c": "x"}],\n  "d": {"e": null}\n}'
    assert pointer_position(text, "/a/1/b~0~1c") == (2, 21)
    assert pointer_position(text, "/d/e") == (3, 14)
    assert pointer_position(text, "/a/7") is None
    assert pointer_position(text, "/nothing") is None
    assert pointer_position("not json", "/a") is None


def test_paths_are_relative_to_the_git_work_tree(package_copy: Path) -> None:
    (package_copy.parent / ".git").mkdir()
    broken_copy(package_copy)
    report = validate(package_copy, summary=False)
    (finding,) = [f for f in report.findings if f.severity == "error"]
    assert finding.path == "pkg/data/stated_counts.csv"


# --- one finding per problem --------------------------------------------------------------------


def test_two_checks_on_one_cell_are_one_finding_that_names_both(broken: Path) -> None:
    report = validate(broken, summary=False)
    errors = [f for f in report.findings if f.severity == "error"]
    assert len(errors) == 1 and errors[0].checks == ("counts.included", "errata.unexplained")
    assert report.by_check("errata.unexplained") == report.by_check("counts.included") == errors
    assert {"counts.included", "errata.unexplained"} <= report.fired()
    assert report.to_dict()["findings"][0]["also"] == ["errata.unexplained"]


def test_findings_of_different_cells_or_checks_are_kept_apart() -> None:
    from msc_exos_pof.gate.dedupe import merge_duplicates
    from msc_exos_pof.gate.report import Finding

    a = Finding("counts.included", "error", "a", "stated_counts", 2, "value")
    b = Finding("errata.unexplained", "error", "b", "stated_counts", 2, "value")
    c = Finding("errata.unexplained", "error", "c", "stated_counts", 3, "value")
    d = Finding("counts.included", "error", "d", "stated_counts", 2, "value")
    table = Finding("counts.source_total", "error", "e", "msc_sources", None, "x")
    merged = merge_duplicates([a, b, c, d, table])
    assert [f.message for f in merged] == ["a", "c", "d", "e"]
    assert merged[0].also == ("errata.unexplained",)


# --- formats and their schemas ------------------------------------------------------------------


def test_json_of_a_broken_copy_fits_the_published_schema(broken: Path) -> None:
    import msc_exos_pof

    code, out = cli("validate", str(broken), "--format", "json", "--ignore", "prisma")
    report = valid_report(out)
    assert code == 1 and report["tool"] == "msc-exos-pof"
    assert report["tool_version"] and report["package_version"] == msc_exos_pof.__version__
    assert {"prisma.nodes", "prisma.included"} <= set(report["skipped"])
    assert set(report["timings"]) == set(report["checks_run"])


def test_sarif_of_a_broken_copy_fits_the_official_schema(broken: Path) -> None:
    code, out = cli("validate", str(broken), "--format", "sarif")
    run = valid_sarif(out)["runs"][0]
    assert code == 1
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == [c.id for c in all_checks()]
    assert all(
        rule["help"]["text"] and rule["shortDescription"]["text"]
        for rule in run["tool"]["driver"]["rules"]
    )
    (result,) = run["results"]
    assert result["ruleId"] == "counts.included" and result["level"] == "error"
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "counts.included"
    assert result["properties"]["also"] == ["errata.unexplained"]
    region = result["locations"][0]["physicalLocation"]
    assert region["artifactLocation"]["uri"] == "data/stated_counts.csv"
    assert region["region"] == {"startLine": 4, "startColumn": 45}


def test_sarif_of_the_shipped_package_has_no_result_unless_verbose() -> None:
    code, out = cli("validate", "--format", "sarif")
    assert code == 0 and valid_sarif(out)["runs"][0]["results"] == []
    code, out = cli("validate", "--format", "sarif", "--verbose")
    results = valid_sarif(out)["runs"][0]["results"]
    info = msc_exos_pof.validate().counts["info"]  # documented errata and recorded concerns
    assert len(results) == info and {r["kind"] for r in results} == {"informational"}


def test_junit_has_a_timed_testcase_per_check_and_skips_the_ignored(broken: Path) -> None:
    from junitparser import Failure, JUnitXml, Skipped

    code, out = cli("validate", str(broken), "--format", "junit", "--ignore", "prisma")
    target = broken.parent / "gate.xml"
    target.write_text(out, encoding="utf-8")
    (suite,) = JUnitXml.fromfile(str(target))
    cases = {case.name: case for case in suite}
    assert code == 1 and list(cases) == [c.id for c in all_checks()]
    ignored = [c.id for c in all_checks() if c.id.startswith(("prisma.", "upstream."))]
    assert suite.tests == len(cases) and suite.skipped == len(ignored) and suite.failures == 2
    outcome = {name: type(case.result[0]) if case.result else None for name, case in cases.items()}
    assert outcome["counts.included"] is outcome["errata.unexplained"] is Failure
    assert {name for name, kind in outcome.items() if kind is Skipped} == set(ignored)
    assert all(case.time >= 0 for case in cases.values()) and suite.time > 0
    # A failing testcase says where its first finding is, for readers that link to the file.
    failed = cases["counts.included"]
    assert failed._elem.get("file") == "data/stated_counts.csv" and failed._elem.get("line")
    # checks, validate and JUnit count the same checks: every one runs or is skipped.
    report = json.loads(cli("validate", str(broken), "--format", "json")[1])
    assert len(report["checks_run"]) + len(report["skipped"]) == len(all_checks()) == suite.tests
    assert report["skipped"] == ["upstream.unrecorded_change"]


# --- escaping -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory: pytest.TempPathFactory) -> object:
    """A report whose findings quote a header cell full of controls and a workflow command."""
    package_copy = copy_of_the_package(tmp_path_factory)
    file = package_copy / "data" / "animal_models.csv"
    rows = list(csv.reader(io.StringIO(file.read_text(encoding="utf-8"))))
    rows[0][-1] = HOSTILE
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    file.write_text(buffer.getvalue(), encoding="utf-8")
    rehash(package_copy)
    report = validate(package_copy)
    assert any(HOSTILE in f.message for f in report.findings)
    return report


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_text_from_the_data_escapes_its_format(hostile_report: object, fmt: str) -> None:
    out = render(hostile_report, fmt, verbose=True)  # type: ignore[arg-type]
    assert "\x1b" not in out and "\x01" not in out
    assert not [line for line in out.splitlines() if "::warning::injected" in line.split(" ")[0]]
    if fmt == "text":
        assert not [line for line in out.splitlines() if line.startswith("::")]
        assert "x\\x1b[2J\\n::warning::injected\\x01" in out
    elif fmt == "github":
        commands = [line for line in out.splitlines() if line.startswith("::")]
        assert commands and all(c.startswith(("::error file=", "::notice file=")) for c in commands)
        assert "%0A::warning::injected" in out
        assert not [line for line in out.splitlines() if line.startswith("::warning::")]
    elif fmt == "junit":
        ET.fromstring(out)  # well-formed XML
        assert "\\x1b[2J" in out
    elif fmt == "json":
        report = valid_report(out)
        assert any(HOSTILE in f["message"] for f in report["findings"])
    else:
        log = valid_sarif(out)
        assert any(HOSTILE in r["message"]["text"] for r in log["runs"][0]["results"])


def test_text_escape_shows_controls_and_bidi_overrides() -> None:
    from msc_exos_pof.gate.render import text

    assert text.escape("a\x1b[31mb\r\n\t\x9b\u202e") == "a\\x1b[31mb\\r\\n\\t\\x9b\\u202e"
    assert text.escape("Duy-Cuong é ✓") == "Duy-Cuong é ✓"


def test_github_escape_encodes_line_breaks_and_property_separators() -> None:
    from msc_exos_pof.gate.render import github

    assert github.escape("50%\r\n::x") == "50%25%0D%0A::x"
    assert github.escape("a:b,c", property=True) == "a%3Ab%2Cc"
    assert github.escape("\x00\x1b") == "\\x00\\x1b"


def test_a_descriptor_property_finding_points_at_its_line(package_copy: Path) -> None:
    descriptor = package_copy / "datapackage.json"
    text = descriptor.read_text(encoding="utf-8")
    version = json.loads(text)["version"]
    descriptor.write_text(text.replace(f'"{version}"', '"not-semver"', 1), encoding="utf-8")
    report = validate(package_copy, select=["descriptor.model"], summary=False)
    finding = next(f for f in report.findings if f.pointer == "/version")
    assert (
        '"version": "not-semver"'
        in text.replace(version, "not-semver").splitlines()[finding.line - 1]
    )
    assert finding.path == "datapackage.json"


def test_the_python_report_of_an_unreadable_package_fits_the_schema(tmp_path: Path) -> None:
    (tmp_path / "datapackage.json").write_text('{"resources": [', encoding="utf-8")
    report = validate(tmp_path)
    assert report.exit_code == 2 and report.findings[0].path == "datapackage.json"
    assert report.findings[0].line == 1
    valid_report(json.dumps(report.to_dict()))


CELL_TEXT = st.text(alphabet=st.sampled_from('ab,"\n\r é✓'), max_size=6)


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(st.lists(CELL_TEXT, min_size=3, max_size=3), min_size=1, max_size=5),
    newline=st.sampled_from(["\n", "\r\n"]),
    bom=st.booleans(),
)
def test_cell_positions_agree_with_the_file_as_written(
    rows: list[list[str]], newline: str, bom: bool
) -> None:
    """The oracle writes the CSV cell by cell and notes where each cell starts."""
    text, expected = "\ufeff" if bom else "", {}
    for record, cells in enumerate([["h1", "h2", "h3"], *rows]):
        for index, cell in enumerate(cells):
            if index:
                text += ","
            line = text.count("\n") + 1
            start = text.rfind("\n") + 1
            column = len(text) - start + 1 - (1 if bom and line == 1 else 0)
            expected[(record, index)] = (line, column)
            quote = any(c in cell for c in ',"\r\n')
            text += f'"{cell.replace(chr(34), 2 * chr(34))}"' if quote else cell
        text += newline
    assert cell_positions(text.encode("utf-8"), expected) == expected

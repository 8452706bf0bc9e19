"""Nothing hangs or reads what it must not: no memory maps, patterns in linear time, FIFOs and
devices refused without blocking, descriptors bounded.

Red-team regressions of issue 15, one case each. Cases that used to hang run under ``bounded``
(``signal.alarm``) or a subprocess timeout, so that a regression fails instead of hanging CI.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from reliability_helpers import (
    add_resource,
    bounded,
    field_in,
    load_descriptor,
    resource_in,
    save_descriptor,
)

import msc_exos_pof

#: Slow: red-team cases, under alarms and subprocess timeouts, with large hostile inputs.
pytestmark = pytest.mark.slow


# --- 3. no memory map: a file rewritten underneath ---------------------------------------------


def test_no_resource_file_is_memory_mapped() -> None:
    import msc_exos_pof.io.table as table

    assert not hasattr(table, "mmap") and not hasattr(table, "MAP_ABOVE")


def test_a_file_truncated_while_read_gives_fewer_bytes_not_a_signal(tmp_path: Path) -> None:
    from msc_exos_pof.io.files import open_regular, read_regular

    file = tmp_path / "big.csv"
    file.write_bytes(b"x" * (8 << 20))
    with open_regular(file) as (fd, size):
        assert size == 8 << 20
    os.truncate(file, 100)
    assert read_regular(file, 1 << 30) == b"x" * 100


# --- 6. hangs: hostile patterns, FIFOs, devices -------------------------------------------------


def test_a_catastrophic_pattern_runs_in_linear_time_or_is_a_finding(package_copy: Path) -> None:
    descriptor = add_resource(
        package_copy, "evil", b"id,text\n1," + b"a" * 60 + b"c\n", ["id", "text"]
    )
    resource_in(descriptor, "evil")["schema"]["fields"][1]["constraints"] = {
        "pattern": "(?!z)(a+)+b"
    }
    save_descriptor(package_copy, descriptor)
    with bounded(30):
        report = msc_exos_pof.validate(package_copy, select=["schema"], summary=False)
    (finding,) = report.by_check("schema.pattern")
    assert "cannot be checked" in finding.message and finding.field == "text"


def test_a_nested_quantifier_pattern_that_re2_runs_is_applied_quickly(package_copy: Path) -> None:
    descriptor = add_resource(
        package_copy, "evil", b"id,text\n1," + b"a" * 5000 + b"c\n2,ab\n", ["id", "text"]
    )
    resource_in(descriptor, "evil")["schema"]["fields"][1]["constraints"] = {"pattern": "(a+)+b"}
    save_descriptor(package_copy, descriptor)
    with bounded(30):
        report = msc_exos_pof.validate(package_copy, select=["schema"], summary=False)
    assert [f.row for f in report.by_check("schema.pattern")] == [1]


def test_an_invalid_pattern_is_a_finding_not_a_rule_silently_dropped(package_copy: Path) -> None:
    descriptor = load_descriptor(package_copy)
    field_in(descriptor, "studies", "study_id").setdefault("constraints", {})["pattern"] = "("
    save_descriptor(package_copy, descriptor)
    report = msc_exos_pof.validate(package_copy, select=["schema"], summary=False)
    (finding,) = report.by_check("schema.pattern")
    assert report.exit_code == 1 and "'('" in finding.message
    assert (finding.resource, finding.field) == ("studies", "study_id")


def test_the_gate_never_runs_pythons_re_on_cells() -> None:
    import ast
    import inspect

    from msc_exos_pof.gate.checks import schema
    from msc_exos_pof.io import constraints

    for module in (schema, constraints):
        imported = {
            alias.name.split(".")[0]
            for node in ast.walk(ast.parse(inspect.getsource(module)))
            if isinstance(node, ast.Import)
            for alias in node.names
        } | {
            (node.module or "").split(".")[0]
            for node in ast.walk(ast.parse(inspect.getsource(module)))
            if isinstance(node, ast.ImportFrom) and not node.level
        }
        assert "re" not in imported, module.__name__


def _fifo(path: Path) -> Path:
    path.unlink(missing_ok=True)
    os.mkfifo(path)
    return path


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_as_a_resource_is_refused_without_blocking(package_copy: Path) -> None:
    _fifo(package_copy / "data" / "errata.csv")
    with bounded(30):
        report = msc_exos_pof.validate(package_copy, summary=False)
        stale = dict(msc_exos_pof.release.hashes.stale_hashes(package_copy))
    (finding,) = report.by_check("table.missing_file")
    assert "FIFO" in finding.message and "not a regular file" in finding.message
    assert "FIFO" in stale["errata"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_as_the_descriptor_is_unreadable_without_blocking(tmp_path: Path) -> None:
    _fifo(tmp_path / "datapackage.json")
    with bounded(10):
        report = msc_exos_pof.validate(tmp_path)
    assert report.exit_code == 2
    assert "FIFO" in report.by_check("descriptor.missing")[0].message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_export_refuses_a_fifo_resource_without_blocking(
    package_copy: Path, tmp_path: Path
) -> None:
    from msc_exos_pof.errors import ExportError, TableError

    _fifo(package_copy / "data" / "errata.csv")
    for to in ("csv", "sqlite"):
        with bounded(30), pytest.raises((ExportError, TableError), match="FIFO"):
            msc_exos_pof.export(to, tmp_path / f"out-{to}", package_copy)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_character_device_as_the_package_is_refused_before_reading() -> None:
    with bounded(10):
        report = msc_exos_pof.validate("/dev/zero")
    assert report.exit_code == 2
    assert "character device" in report.findings[0].message


def test_a_descriptor_larger_than_the_bound_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import msc_exos_pof.io.descriptor as descriptor

    monkeypatch.setattr(descriptor, "MAX_DESCRIPTOR_BYTES", 10)
    (tmp_path / "datapackage.json").write_text('{"resources": []}', encoding="utf-8")
    report = msc_exos_pof.validate(tmp_path)
    assert report.exit_code == 2 and "more than the 10" in report.findings[0].message

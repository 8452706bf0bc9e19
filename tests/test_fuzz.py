"""Byte-level fuzzing: corrupted CSV and JSON files give findings and exit codes, never a crash."""

from __future__ import annotations

import json
import tempfile
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from report_schemas import valid_report

import msc_exos_pof
from msc_exos_pof.cli import main
from msc_exos_pof.io.locate import shipped_package_dir
from msc_exos_pof.release.hashes import rehash

#: Slow: random byte edits of every file, validated over and over.
pytestmark = pytest.mark.slow

RESOURCES = (
    "search_strategies",
    "prisma_flow",
    "msc_sources",
    "animal_models",
    "references",
    "studies",
    "study_mechanisms",
    "stated_counts",
    "errata",
    "citations",
    "citation_references",
    "claims",
    "concerns",
    "study_msc_sources",
    "vocabularies",
)
#: Copied with the package but not corrupted: search_rounds has one row, nothing for the
#: structural corruptions to shift (a test below checks that these two lists cover the package).
COPIED_ONLY = ("search_rounds",)


def test_the_fuzzed_and_the_copied_resources_are_the_packages() -> None:
    """A resource the package gains is fuzzed, or left out here on purpose, never by oversight."""
    assert sorted(RESOURCES + COPIED_ONLY) == sorted(msc_exos_pof.resource_names())


@cache
def _snapshot() -> dict[str, bytes]:
    """The shipped package's files, read once: each example writes a fresh copy from memory."""
    base = shipped_package_dir()
    # Every resource's file (not only the fuzzed ones): a copy must be complete to be judged.
    names = [r["name"] for r in json.loads((base / "datapackage.json").read_text())["resources"]]
    files = ["datapackage.json", *(f"data/{name}.csv" for name in names)]
    return {name: (base / name).read_bytes() for name in files}


def _copy(folder: Path) -> Path:
    for name, data in _snapshot().items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


@st.composite
def corruptions(draw, data_size: int) -> list[tuple[str, int, bytes]]:
    """A few edits (flip, insert, delete) at offsets of a file of ``data_size`` bytes."""
    edits = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(("flip", "insert", "delete")))
        offset = draw(st.integers(0, max(0, data_size - 1)))
        payload = draw(st.binary(min_size=1, max_size=4)) if kind != "delete" else b""
        if kind == "flip":
            payload = bytes([draw(st.integers(1, 255))])
        edits.append((kind, offset, payload))
    return edits


def _apply(data: bytes, edits: list[tuple[str, int, bytes]]) -> bytes:
    out = bytearray(data)
    for kind, offset, payload in edits:
        offset = min(offset, max(0, len(out) - 1))
        if kind == "flip" and out:
            out[offset] ^= payload[0]
        elif kind == "insert":
            out[offset:offset] = payload
        elif kind == "delete" and out:
            del out[offset : offset + 1]
    return bytes(out)


def _validate_json(folder: Path) -> tuple[int, dict]:
    """Run the CLI like a user; ``--debug`` turns an unexpected exception into a test failure."""
    result = CliRunner().invoke(
        main, ["validate", str(folder), "--format", "json", "--debug"], catch_exceptions=False
    )
    assert "Traceback" not in result.output
    report = valid_report(result.stdout)  # the report's schema holds for any input
    # No check stops on what it reads (issue 23): a crash would switch its findings off.
    assert "gate.internal" not in {f["check"] for f in report["findings"]}, report["findings"]
    return result.exit_code, report


@st.composite
def corrupted_files(draw, names: tuple[str, ...]) -> tuple[str, list[tuple[str, int, bytes]]]:
    name = draw(st.sampled_from(names))
    return name, draw(corruptions(len(_snapshot()[name])))


CSV_FILES = tuple(f"data/{name}.csv" for name in RESOURCES)
#: Each example runs the whole CLI: fewer examples than the profile's (10 of 25 by default).
FUZZ = max(8, settings().max_examples * 2 // 5)
#: What a descriptor says that the gate must notice when it changes: files, sizes, hashes,
#: field names and types (with the defaults the specs give a missing key). An edit elsewhere
#: may only loosen the schema (a misspelt "constraints" or "primaryKey" key drops a rule the
#: data still satisfies) or touch free text, and then the package stays valid.
RESOURCE_DEFAULTS = {"name": None, "path": None, "encoding": "utf-8", "bytes": None, "hash": None}
FIELD_DEFAULTS = {"name": None, "type": "string"}


def _semantics(descriptor: dict) -> list:
    def project(item: dict, defaults: dict) -> list:
        return [item.get(key, default) for key, default in defaults.items()]

    out = []
    for resource in descriptor.get("resources", []):
        schema = resource.get("schema") or {}
        out.append(
            (
                project(resource, RESOURCE_DEFAULTS),
                [project(item, FIELD_DEFAULTS) for item in schema.get("fields", [])],
            )
        )
    return out


@settings(max_examples=FUZZ)
@given(corrupted_files(CSV_FILES))
def test_a_corrupted_csv_is_always_reported_never_a_crash(case) -> None:
    name, edits = case
    with tempfile.TemporaryDirectory() as holder:
        folder = _copy(Path(holder))
        data = _snapshot()[name]
        corrupted = _apply(data, edits)
        (folder / name).write_bytes(corrupted)
        code, report = _validate_json(folder)
    if corrupted == data:  # edits that cancel out (insert then delete the same byte)
        assert code == 0
        return
    # The descriptor's hash no longer matches, whatever else the bytes did.
    assert code == 1
    assert report["findings"] and not report["valid"]
    # ... reported on its own, or folded into the finding about the file (``also``).
    assert "integrity.hash" in {c for f in report["findings"] for c in (f["check"], *f["also"])}


@settings(max_examples=FUZZ)
@given(corrupted_files(CSV_FILES))
def test_a_corrupted_and_rehashed_csv_never_crashes_the_gate(case) -> None:
    name, edits = case
    with tempfile.TemporaryDirectory() as holder:
        folder = _copy(Path(holder))
        (folder / name).write_bytes(_apply(_snapshot()[name], edits))
        rehash(folder)  # hide the corruption from the integrity layer: the parsers must cope
        code, report = _validate_json(folder)
    assert code in (0, 1)
    assert report["valid"] == (code == 0)
    if code == 1:
        assert any(f["severity"] == "error" for f in report["findings"])


@settings(max_examples=FUZZ)
@given(corruptions(len(_snapshot()["datapackage.json"])))
def test_a_corrupted_descriptor_exits_1_or_2_with_a_finding_or_is_still_a_valid_one(edits) -> None:
    data = _snapshot()["datapackage.json"]
    corrupted = _apply(data, edits)
    with tempfile.TemporaryDirectory() as holder:
        folder = _copy(Path(holder))
        (folder / "datapackage.json").write_bytes(corrupted)
        code, report = _validate_json(folder)
    try:
        parsed = json.loads(corrupted.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        parsed = None
    if parsed is None:
        assert code == 2
        assert {f["check"] for f in report["findings"]} & {"descriptor.json", "descriptor.encoding"}
    elif code == 0:
        # Still JSON: only free text or a looser schema may keep the package valid.
        assert _semantics(parsed) == _semantics(json.loads(data))
    else:
        assert code in (1, 2) and report["findings"]


#: Values a field's rule may hold in a hostile copy (issue 23): every JSON type, odd numbers,
#: codes that cannot be hashed or compared.
RULE_VALUES = [
    None, True, 0, -1, 1.5, 10**30, 1e30, "", "x", "2020", [], [1], [[1]], [None],
    [1, "a", None], ["a", "a"], {}, {"a": 1}, "(", "\\", "integer", "year", "date",
]  # fmt: skip
RULE_KEYS = [
    ("type",), ("format",), ("constraints",), ("constraints", "required"),
    ("constraints", "unique"), ("constraints", "enum"), ("constraints", "minimum"),
    ("constraints", "maximum"), ("constraints", "minLength"), ("constraints", "maxLength"),
    ("constraints", "pattern"),
]  # fmt: skip


@st.composite
def rule_edits(draw) -> list[tuple[int, int, tuple[str, ...], object]]:
    """One to three (resource, field, rule, value) edits of the shipped descriptor."""
    resources = json.loads(_snapshot()["datapackage.json"])["resources"]
    edits = []
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(resources) - 1))
        field = draw(st.integers(0, len(resources[index]["schema"]["fields"]) - 1))
        edits.append(
            (index, field, draw(st.sampled_from(RULE_KEYS)), draw(st.sampled_from(RULE_VALUES)))
        )
    return edits


@settings(max_examples=FUZZ)
@given(rule_edits(), st.sampled_from(RESOURCES))
def test_any_rule_of_any_field_of_the_review_switches_no_check_off(edits, repeated) -> None:
    """Every family of checks (consistency, claims, errata...) copes with a field whose type or
    constraint is strange, and with a repeated row: findings, never a check that stops."""
    descriptor = json.loads(_snapshot()["datapackage.json"])
    for index, position, where, value in edits:
        field = descriptor["resources"][index]["schema"]["fields"][position]
        if len(where) == 2 and not isinstance(field.get("constraints"), dict):
            field["constraints"] = {}
        (field if len(where) == 1 else field["constraints"])[where[-1]] = value
    with tempfile.TemporaryDirectory() as holder:
        folder = _copy(Path(holder))
        (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
        table = folder / "data" / f"{repeated}.csv"
        lines = table.read_bytes().splitlines(keepends=True)
        table.write_bytes(b"".join([*lines, lines[1]]) if len(lines) > 1 else lines[0])
        code, report = _validate_json(folder)  # asserts that no gate.internal finding is there
    assert code in (1, 2) and report["findings"]


def _ragged(line: str) -> str:
    return line + ",extra,cells"


def _unclosed(line: str) -> str:
    return '"' + line


@pytest.mark.parametrize(
    ("name", "line", "break_line"),
    [
        ("search_strategies", 1, _ragged),
        ("msc_sources", 1, _ragged),
        ("studies", 1, _ragged),
        ("errata", -2, _unclosed),
        ("errata", 3, _unclosed),
        ("msc_sources", 3, _unclosed),
    ],
)
def test_a_structurally_broken_csv_is_reported_by_table_parse_alone(
    tmp_path: Path, name: str, line: int, break_line
) -> None:
    """A ragged first row (pandas would take the extra cells as an index) or an unclosed quote
    (pandas would swallow the rest of the file) must not feed a shifted frame to later layers."""
    folder = _copy(tmp_path)
    file = folder / "data" / f"{name}.csv"
    lines = file.read_text(encoding="utf-8").split("\n")
    lines[line] = break_line(lines[line])
    file.write_text("\n".join(lines), encoding="utf-8")
    rehash(folder)
    code, report = _validate_json(folder)
    assert code == 1
    assert {f["check"] for f in report["findings"] if f["severity"] == "error"} == {"table.parse"}

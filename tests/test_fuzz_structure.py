"""Structural fuzzing (issues 15 and 23): a JSON value of any type at any key of a descriptor,
any value as any constraint or type of any field, and CSV bytes full of CR, NUL, BOM and quotes,
never make an exception escape ``validate()`` nor a check stop (no ``gate.internal`` finding),
and the CLI always exits 0, 1 or 2 with a report.

The package is tiny (one or two small resources), so each example costs milliseconds: every
profile runs at least ``EXAMPLES`` (600) of each, derandomised in CI (``HYPOTHESIS_PROFILE=ci``);
``--hypothesis-profile=thorough`` runs more.
"""

from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import msc_exos_pof
from msc_exos_pof.cli import main
from msc_exos_pof.gate.report import Report

#: Slow: many structural fuzzing examples, each through validate and the CLI.
pytestmark = pytest.mark.slow

BASE: dict[str, Any] = {
    "name": "fuzz",
    "version": "1.0.0",
    "profile": "tabular-data-package",
    "licenses": [{"name": "CC-BY-4.0"}],
    "resources": [
        {
            "name": "parents",
            "path": "data/parents.csv",
            "profile": "tabular-data-resource",
            "encoding": "utf-8",
            "bytes": 12,
            "hash": "sha256:00",
            "schema": {
                "fields": [
                    {"name": "id", "type": "integer", "constraints": {"required": True}},
                    {
                        "name": "label",
                        "type": "string",
                        "constraints": {"enum": ["a", "b"], "pattern": "[ab]", "maxLength": 3},
                    },
                ],
                "primaryKey": ["id"],
            },
        },
        {
            "name": "children",
            "path": "data/children.csv",
            "schema": {
                "fields": [
                    {"name": "id", "type": "integer", "constraints": {"unique": True}},
                    {"name": "parent", "type": "integer", "constraints": {"minimum": 0}},
                    {"name": "flag", "type": "boolean"},
                ],
                "primaryKey": "id",
                "foreignKeys": [
                    {"fields": "parent", "reference": {"resource": "parents", "fields": "id"}}
                ],
            },
        },
    ],
}
FILES = {
    "data/parents.csv": b"id,label\n1,a\n2,b\n",
    "data/children.csv": b"id,parent,flag\n1,1,true\n2,2,false\n",
}


def _locations(value: Any, path: tuple = ()) -> list[tuple]:
    """Every key and index of the base descriptor, as a path from its top."""
    out = [path] if path else []
    if isinstance(value, dict):
        for key, child in value.items():
            out += _locations(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            out += _locations(child, (*path, index))
    return out


LOCATIONS = _locations(BASE)
#: Keys the readers look up, to add where they are absent.
KEYS = [
    "resources", "schema", "fields", "name", "path", "type", "format", "constraints", "enum",
    "pattern", "minimum", "maximum", "minLength", "maxLength", "required", "unique",
    "primaryKey", "foreignKeys", "reference", "resource", "uniqueKeys", "missingValues",
    "bytes", "hash", "encoding", "dialect", "profile", "data", "licenses", "version",
]  # fmt: skip

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(codec="utf-8"), max_size=12)
    | st.sampled_from(["", "..", "/etc/passwd", "a:b", "http://x", "(", "(a+)+$", "sha256:"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=4), children, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def descriptors(draw: st.DrawFn) -> dict[str, Any]:
    """The base descriptor with one to three keys replaced, removed or added."""
    descriptor = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(LOCATIONS))
        owner: Any = descriptor
        try:
            for step in path[:-1]:
                owner = owner[step]
            action = draw(st.sampled_from(["replace", "remove", "add"]))
            if action == "replace":
                owner[path[-1]] = draw(json_values)
            elif action == "remove":
                del owner[path[-1]]
            elif isinstance(owner[path[-1]], dict):
                owner[path[-1]][draw(st.sampled_from(KEYS))] = draw(json_values)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed or replaced the way there
    return descriptor


csv_bytes = st.lists(
    st.sampled_from(
        [b",", b'"', b'""', b"\r", b"\n", b"\r\n", b"\x00", b"\xef\xbb\xbf", b"1", b"a", b"b",
         b"true", b"id", b"\xc3\xa9", b"\xff", b" ", b"-1", b"1e3"]
    ),
    max_size=40,
).map(b"".join)  # fmt: skip


def _write(folder: Path, descriptor: Any, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return folder


def _check(folder: Path) -> None:
    report = msc_exos_pof.validate(folder)  # must not raise, whatever the input
    assert isinstance(report, Report)
    # Every check runs on what it can read: a strange input is a finding, never a check that
    # stopped (gate.internal), which would silently switch its findings off.
    assert "gate.internal" not in report.fired(), [f.message for f in report.findings]
    assert report.exit_code in (0, 1, 2)
    assert report.valid == (report.exit_code == 0)
    if report.exit_code:
        assert any(f.severity == "error" for f in report.findings)
    result = CliRunner().invoke(main, ["validate", str(folder), "--format", "json"])
    assert result.exit_code == report.exit_code, result.output
    assert "unexpected" not in result.output
    assert json.loads(result.stdout)["exit_code"] == report.exit_code


#: At least 600 examples of each test in every profile (issue 23): each runs the gate twice
#: (API and CLI) on a tiny package, a few seconds per hundred.
EXAMPLES = max(600, settings().max_examples)

#: Where a field's rules live, and values of every JSON type (and odd numbers) to put there.
RULES = [
    ("type",), ("format",), ("constraints",), ("constraints", "required"),
    ("constraints", "unique"), ("constraints", "enum"), ("constraints", "minimum"),
    ("constraints", "maximum"), ("constraints", "minLength"), ("constraints", "maxLength"),
    ("constraints", "pattern"),
]  # fmt: skip
rule_values = json_values | st.sampled_from(
    [10**30, 1e30, -1, 1.5, "3", "2020", "a", [1, "a", None], [[1]], [{}], [], ["a", "a"],
     "integer", "year", "boolean", "date", "(a+)+$", "(?=x)"]
)  # fmt: skip


@st.composite
def rule_descriptors(draw: st.DrawFn) -> dict[str, Any]:
    """The base descriptor with one to three rules of its fields set to any value."""
    descriptor = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        resource = draw(st.sampled_from(descriptor["resources"]))
        field = draw(st.sampled_from(resource["schema"]["fields"]))
        where = draw(st.sampled_from(RULES))
        owner = field
        if len(where) == 2:
            if not isinstance(field.get("constraints"), dict):
                field["constraints"] = {}
            owner = field["constraints"]
        owner[where[-1]] = draw(rule_values)
    return descriptor


@settings(max_examples=EXAMPLES)
@given(descriptors())
def test_any_json_value_at_any_key_gives_a_report_never_an_exception(descriptor) -> None:
    with tempfile.TemporaryDirectory() as holder:
        _check(_write(Path(holder), descriptor, FILES))


@settings(max_examples=EXAMPLES)
@given(rule_descriptors(), st.sampled_from(sorted(FILES)), csv_bytes)
def test_any_value_as_any_rule_of_any_field_switches_no_check_off(
    descriptor, name: str, data: bytes
) -> None:
    for resource in descriptor["resources"]:
        resource.pop("bytes", None)
        resource.pop("hash", None)
    files = {**FILES, name: data} if data else FILES
    with tempfile.TemporaryDirectory() as holder:
        _check(_write(Path(holder), descriptor, files))


@settings(max_examples=EXAMPLES)
@given(st.sampled_from(sorted(FILES)), csv_bytes)
def test_any_csv_bytes_give_a_report_never_an_exception(name: str, data: bytes) -> None:
    descriptor = copy.deepcopy(BASE)
    for resource in descriptor["resources"]:
        resource.pop("bytes", None)
        resource.pop("hash", None)
    with tempfile.TemporaryDirectory() as holder:
        _check(_write(Path(holder), descriptor, {**FILES, name: data}))

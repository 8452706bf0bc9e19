"""Structural fuzzing (issue 15): a JSON value of any type at any key of a descriptor, and CSV
bytes full of CR, NUL, BOM and quotes, never make an exception escape ``validate()``, and the
CLI always exits 0, 1 or 2 with a report.

The package is tiny (one or two small resources), so each example costs milliseconds; the
default profile runs a few dozen, ``--hypothesis-profile=thorough`` (or
``HYPOTHESIS_PROFILE=thorough``) twenty times more.
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
    assert report.exit_code in (0, 1, 2)
    assert report.valid == (report.exit_code == 0)
    if report.exit_code:
        assert any(f.severity == "error" for f in report.findings)
    result = CliRunner().invoke(main, ["validate", str(folder), "--format", "json"])
    assert result.exit_code == report.exit_code, result.output
    assert "unexpected" not in result.output
    assert json.loads(result.stdout)["exit_code"] == report.exit_code


#: A fraction of the profile's examples: each one runs the gate twice (API and CLI).
EXAMPLES = max(8, settings().max_examples * 2 // 5)


@settings(max_examples=EXAMPLES)
@given(descriptors())
def test_any_json_value_at_any_key_gives_a_report_never_an_exception(descriptor) -> None:
    with tempfile.TemporaryDirectory() as holder:
        _check(_write(Path(holder), descriptor, FILES))


@settings(max_examples=EXAMPLES)
@given(st.sampled_from(sorted(FILES)), csv_bytes)
def test_any_csv_bytes_give_a_report_never_an_exception(name: str, data: bytes) -> None:
    descriptor = copy.deepcopy(BASE)
    for resource in descriptor["resources"]:
        resource.pop("bytes", None)
        resource.pop("hash", None)
    with tempfile.TemporaryDirectory() as holder:
        _check(_write(Path(holder), descriptor, {**FILES, name: data}))

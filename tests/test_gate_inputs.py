"""Descriptor, integrity and table checks: each fires on a copy broken in exactly its way."""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from package_rows import read_rows, write_rows

import msc_exos_pof
from msc_exos_pof.io.table import scan_csv as scan
from msc_exos_pof.release.hashes import rehash

MY_LAYERS = ("descriptor.", "integrity.", "table.", "schema.")


def _descriptor(folder: Path) -> dict:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def _save(folder: Path, descriptor: dict) -> None:
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def _change_descriptor(change: Callable[[dict], None]) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        descriptor = _descriptor(folder)
        change(descriptor)
        _save(folder, descriptor)

    return apply


def _resource(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


def _set_path(name: str, value: str) -> Callable[[Path], None]:
    return _change_descriptor(lambda d: _resource(d, name).__setitem__("path", value))


def _write_csv(name: str, data: bytes, update_hash: bool = True) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        (folder / "data" / f"{name}.csv").write_bytes(data)
        if update_hash:
            rehash(folder)

    return apply


def _csv_bytes(name: str) -> bytes:
    return (msc_exos_pof.package_dir() / "data" / f"{name}.csv").read_bytes()


def _drop_column(name: str, column: str, also_schema: bool = False) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        rows = read_rows(folder, name)
        header = [c for c in rows[0] if c != column]
        write_rows(folder, name, [{c: r[c] for c in header} for r in rows], header)
        if also_schema:
            descriptor = _descriptor(folder)
            schema = _resource(descriptor, name)["schema"]
            schema["fields"] = [f for f in schema["fields"] if f["name"] != column]
            _save(folder, descriptor)

    return apply


def _rename_column(name: str, old: str, new: str) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        rows = read_rows(folder, name)
        header = [new if c == old else c for c in rows[0]]
        write_rows(
            folder, name, [{new if k == old else k: v for k, v in r.items()} for r in rows], header
        )

    return apply


def _tamper(folder: Path) -> None:
    """Change one character of a CSV without refreshing its hash (same size)."""
    file = folder / "data" / "studies.csv"
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace("Reduce gcs", "Reduce GCs", 1), encoding="utf-8")


BREAKAGES: dict[str, tuple[Callable[[Path], None], str, int]] = {
    "missing descriptor": (lambda f: (f / "datapackage.json").unlink(), "descriptor.missing", 2),
    "descriptor not JSON": (
        lambda f: (f / "datapackage.json").write_text("{not json"),
        "descriptor.json",
        2,
    ),
    "descriptor without resources": (
        lambda f: (f / "datapackage.json").write_text("[]"),
        "descriptor.json",
        2,
    ),
    "descriptor not UTF-8": (
        lambda f: (f / "datapackage.json").write_bytes(
            (f / "datapackage.json").read_bytes().replace(b"curated data", b"curat\xe9 data", 1)
        ),
        "descriptor.encoding",
        2,
    ),
    "path traversal": (_set_path("studies", "../x.csv"), "descriptor.unsafe_path", 2),
    "absolute path": (_set_path("studies", "/etc/passwd"), "descriptor.unsafe_path", 2),
    "URL path": (
        _set_path("studies", "https://example.org/studies.csv"),
        "descriptor.unsafe_path",
        2,
    ),
    "primary key names no field": (
        _change_descriptor(
            lambda d: _resource(d, "errata")["schema"].__setitem__("primaryKey", ["no_such_field"])
        ),
        "descriptor.metadata",
        1,
    ),
    "unknown field type": (
        _change_descriptor(
            lambda d: _resource(d, "errata")["schema"]["fields"][0].__setitem__("type", "strng")
        ),
        "descriptor.metadata",
        1,
    ),
    "version not semver": (
        _change_descriptor(lambda d: d.__setitem__("version", "1.0")),
        "descriptor.model",
        1,
    ),
    "no licenses": (
        _change_descriptor(lambda d: d.__setitem__("licenses", [])),
        "descriptor.model",
        1,
    ),
    "source without DOI": (
        _change_descriptor(
            lambda d: d.__setitem__(
                "sources", [{"title": "somewhere", "path": "https://example.org"}]
            )
        ),
        "descriptor.model",
        1,
    ),
    "core field removed": (
        _drop_column("animal_models", "note", also_schema=True),
        "descriptor.resources",
        1,
    ),
    "core field retyped": (
        _change_descriptor(
            lambda d: _resource(d, "animal_models")["schema"]["fields"][2].__setitem__(
                "type", "any"
            )
        ),
        "descriptor.resources",
        1,
    ),
    "constraint that cannot be used": (
        _change_descriptor(
            lambda d: (
                _resource(d, "references")["schema"]["fields"][2]
                .setdefault("constraints", {})
                .__setitem__("maxLength", 10**30)
            )
        ),
        "descriptor.field_rules",
        1,
    ),
    "key written twice": (
        lambda f: (f / "datapackage.json").write_text(
            (f / "datapackage.json")
            .read_text(encoding="utf-8")
            .replace('"name": "studies",', '"name": "studies", "name": "studies",', 1),
            encoding="utf-8",
        ),
        "descriptor.duplicate_key",
        1,
    ),
    "dialect not read": (
        _change_descriptor(
            lambda d: _resource(d, "animal_models").__setitem__("dialect", {"delimiter": ";"})
        ),
        "table.dialect",
        1,
    ),
    "copy of an earlier data model": (
        _change_descriptor(lambda d: d.update(modelVersion="0.1.0")),
        "descriptor.model_version",
        1,
    ),
    "declared bytes wrong": (
        _change_descriptor(lambda d: _resource(d, "studies").__setitem__("bytes", 1)),
        "integrity.bytes",
        1,
    ),
    "declared hash wrong": (
        _change_descriptor(
            lambda d: _resource(d, "studies").__setitem__("hash", "sha256:" + "0" * 64)
        ),
        "integrity.hash",
        1,
    ),
    "tampered bytes": (_tamper, "integrity.hash", 1),
    "no hash declared": (
        _change_descriptor(lambda d: [_resource(d, "studies").pop(k) for k in ("hash", "bytes")]),
        "integrity.unhashed",
        0,
    ),
    "missing file": (lambda f: (f / "data" / "errata.csv").unlink(), "table.missing_file", 1),
    "CSV not UTF-8": (
        _write_csv("animal_models", _csv_bytes("animal_models") + b"Caf\xe9,rat,\n"),
        "table.encoding",
        1,
    ),
    "unclosed quote": (
        _write_csv("animal_models", _csv_bytes("animal_models") + b'"Unclosed,rat,\nPig,rat,\n'),
        "table.parse",
        1,
    ),
    "ragged row": (
        _write_csv("animal_models", _csv_bytes("animal_models") + b"Pig,rat,x,y\n"),
        "table.parse",
        1,
    ),
    "short row": (
        _write_csv("animal_models", _csv_bytes("animal_models") + b"Pig\n"),
        "table.parse",
        1,
    ),
    "blank line": (
        _write_csv("animal_models", _csv_bytes("animal_models").replace(b"\n", b"\n\n", 2)),
        "table.parse",
        1,
    ),
    "empty file": (_write_csv("animal_models", b""), "table.parse", 1),
    "removed column": (_drop_column("studies", "curation_note"), "table.header", 1),
    "renamed column": (_rename_column("studies", "curation_note", "notes"), "table.header", 1),
    "extra column": (
        lambda f: write_rows(
            f, "animal_models", [{**r, "extra": "x"} for r in read_rows(f, "animal_models")]
        ),
        "table.header",
        1,
    ),
    "header-only CSV": (
        _write_csv("animal_models", b"animal_model_published,species,note\n"),
        "table.empty",
        1,
    ),
}


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_each_breakage_fires_its_check_and_sets_the_exit_code(
    package_copy: Path, breakage: str
) -> None:
    change, check_id, exit_code = BREAKAGES[breakage]
    change(package_copy)
    report = msc_exos_pof.validate(package_copy)
    errors = [f.message for f in report.findings if f.severity != "warning"]
    assert check_id in report.fired(), errors
    assert report.exit_code == exit_code
    finding = report.by_check(check_id)[0]
    assert finding.message and "Traceback" not in finding.message


def test_shipped_package_has_no_finding_from_the_input_layers() -> None:
    report = msc_exos_pof.validate()
    mine = [f for f in report.findings if f.check.startswith(MY_LAYERS)]
    assert mine == []
    assert report.exit_code == 0


def test_every_input_check_id_has_a_breakage() -> None:
    from msc_exos_pof.gate.registry import all_checks

    covered = {check_id for _, check_id, _ in BREAKAGES.values()}
    ids = {c.id for c in all_checks() if c.layer in ("descriptor", "integrity", "table")}
    # gate.internal fires for a crash, not for data: tests/test_reliability.py fires it.
    assert ids - {"gate.internal"} <= covered


def test_table_findings_name_resource_and_row(package_copy: Path) -> None:
    _write_csv("animal_models", _csv_bytes("animal_models") + b"Pig,rat,x,y\n")(package_copy)
    finding = msc_exos_pof.validate(package_copy).by_check("table.parse")[0]
    assert (finding.resource, finding.row) == ("animal_models", 6)


def test_unclosed_quote_is_located_at_its_row() -> None:
    found = scan(b'a,b\n1,2\n3,"open\n4,5\n')
    assert [row for row, _ in found.problems] == [2]


def test_quoted_newlines_and_commas_are_not_ragged() -> None:
    assert scan(b'a,b\r\n1,"x,\r\ny"\r\n2,"say ""hi"""\r\n').problems == []


def test_renamed_column_message_suggests_the_rename(package_copy: Path) -> None:
    _rename_column("studies", "curation_note", "notes")(package_copy)
    messages = [f.message for f in msc_exos_pof.validate(package_copy).by_check("table.header")]
    assert any("'notes' in its place" in m for m in messages)


def test_url_resource_is_never_fetched(package_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the gate tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    _set_path("studies", "https://example.org/studies.csv")(package_copy)
    assert msc_exos_pof.validate(package_copy).fired() == {"descriptor.unsafe_path"}


def test_custom_profile_url_is_not_fetched(
    package_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the gate tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    _change_descriptor(
        lambda d: _resource(d, "studies").__setitem__(
            "profile", "https://example.invalid/profile.json"
        )
    )(package_copy)
    findings = msc_exos_pof.validate(package_copy).by_check("descriptor.metadata")
    assert [f.severity for f in findings] == ["warning"]


def test_validation_never_writes_to_the_package(package_copy: Path) -> None:
    _tamper(package_copy)
    before = {p: p.read_bytes() for p in package_copy.rglob("*") if p.is_file()}
    msc_exos_pof.validate(package_copy)
    after = {p: p.read_bytes() for p in package_copy.rglob("*") if p.is_file()}
    assert before == after


def test_the_shipped_metadata_verdict_is_frictionless_and_the_models_own() -> None:
    """The verdict shipped for the shipped descriptor is what frictionless and the metadata
    model say today; when the descriptor changes, `make docs` renews it (until then the gate
    asks them itself)."""
    from msc_exos_pof.gate.checks import descriptor as checks
    from msc_exos_pof.io.descriptor import read_descriptor

    shipped = read_descriptor(None)
    judged = checks._strip_remote(shipped)[0]
    verdict = json.loads(checks.SHIPPED_VERDICT.read_text(encoding="utf-8"))
    assert verdict["key"] == checks.metadata_key(judged), "stale: run `make docs`"
    assert tuple(verdict["notes"]) == checks._metadata_notes(json.dumps(judged, sort_keys=True))
    assert verdict["model"] == [f.message for f in checks._model_findings(shipped)]


def _with_volatile(bytes_: object = None, hash_: object = None, version: object = None) -> dict:
    """The shipped descriptor with the bytes and hash of studies, or the version, replaced."""
    from msc_exos_pof.io.descriptor import read_descriptor

    descriptor = json.loads(json.dumps(read_descriptor(None)))
    studies = _resource(descriptor, "studies")
    for key, value in (("bytes", bytes_), ("hash", hash_)):
        if value is not None:
            studies[key] = value
    if version is not None:
        descriptor["version"] = version
    return descriptor


IN_CLASS = {
    "other bytes and hash": {"bytes": 123456, "hash": "sha256:" + "0123456789abcdef" * 4},
    "a release": {"version": "2.3.4"},
    "a pre-release": {"version": "10.0.0.dev12"},
}


@pytest.mark.parametrize("change", IN_CLASS.values(), ids=IN_CLASS.keys())
def test_frictionless_and_the_model_judge_a_copys_volatile_values_as_the_shipped_ones(
    change: dict,
) -> None:
    """Why the shipped verdict may serve a copy with edited rows or another version: within
    their class, bytes, hash and version change neither judge's verdict (asked here)."""
    from msc_exos_pof.gate.checks import descriptor as checks
    from msc_exos_pof.io.descriptor import read_descriptor

    shipped = read_descriptor(None)
    copy = _with_volatile(change.get("bytes"), change.get("hash"), change.get("version"))
    assert checks.metadata_key(copy) == checks.metadata_key(shipped)
    text = json.dumps(copy, sort_keys=True)
    assert checks._metadata_notes(text) == checks._metadata_notes(
        json.dumps(shipped, sort_keys=True)
    )
    assert [f.message for f in checks._model_findings(copy)] == [
        f.message for f in checks._model_findings(shipped)
    ]


OUT_OF_CLASS = {
    "bytes as text": {"bytes": "7376"},
    "zero bytes": {"bytes": 0},
    "bytes true": {"bytes": True},
    "negative bytes": {"bytes": -1},
    "fractional bytes": {"bytes": 1.5},
    "an md5 hash": {"hash": "0123456789abcdef" * 2},
    "an upper-case hash": {"hash": "sha256:" + "ABCDEF0123456789" * 4},
    "a short hash": {"hash": "sha256:abc"},
    "a hash that is not hex": {"hash": "sha256:" + "xyz" * 21 + "x"},
    "a two-part version": {"version": "1.0"},
    "a v-prefixed version": {"version": "v1.0.0"},
    "a version with a newline": {"version": "1.0.0\n"},
    "a numeric version": {"version": 5},
    "a version of other digits": {"version": "\u0661.0.0"},
}


@pytest.mark.parametrize("change", OUT_OF_CLASS.values(), ids=OUT_OF_CLASS.keys())
def test_a_volatile_value_outside_its_class_is_judged_afresh(change: dict) -> None:
    from msc_exos_pof.gate.checks import descriptor as checks
    from msc_exos_pof.io.descriptor import read_descriptor

    copy = _with_volatile(change.get("bytes"), change.get("hash"), change.get("version"))
    assert checks.metadata_key(copy) != checks.metadata_key(read_descriptor(None))
    without = _with_volatile()
    del _resource(without, "studies")["bytes"]
    assert checks.metadata_key(without) != checks.metadata_key(read_descriptor(None))


def test_a_copy_with_edited_rows_and_another_version_needs_no_frictionless_nor_pydantic(
    package_copy: Path,
) -> None:
    import subprocess
    import sys

    rows = read_rows(package_copy, "studies")
    rows[0]["curation_note"] = "Edited in a copy."
    write_rows(package_copy, "studies", rows)
    _change_descriptor(lambda d: d.__setitem__("version", "1.4.0.dev2"))(package_copy)
    rehash(package_copy)
    code = (
        "import sys, msc_exos_pof; r = msc_exos_pof.validate(sys.argv[1]); "
        "print(sorted({'frictionless', 'pydantic', 'pandera'} & set(sys.modules)), "
        "r.by_check('descriptor.metadata') + r.by_check('descriptor.model'))"
    )
    found = subprocess.run(
        [sys.executable, "-c", code, str(package_copy)], capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == "[] []"


def test_the_shipped_package_is_validated_without_frictionless() -> None:
    import subprocess
    import sys

    code = "import sys, msc_exos_pof; msc_exos_pof.validate(); print('frictionless' in sys.modules)"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "False"


def test_a_changed_descriptor_is_judged_by_frictionless_and_nothing_is_cached(
    package_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    _change_descriptor(lambda d: d.__setitem__("version", 5))(package_copy)
    first = msc_exos_pof.validate(package_copy).by_check("descriptor.metadata")
    again = msc_exos_pof.validate(package_copy).by_check("descriptor.metadata")
    assert first == again and first
    assert not (tmp_path / "cache").exists() and not (tmp_path / "home").exists()


def test_extension_resources_and_fields_are_allowed(package_copy: Path) -> None:
    shutil.copy(package_copy / "data" / "animal_models.csv", package_copy / "data" / "extra.csv")
    descriptor = _descriptor(package_copy)
    extra = json.loads(json.dumps(_resource(descriptor, "animal_models")))
    extra.update(name="extra", path="data/extra.csv")
    descriptor["resources"].append(extra)
    _save(package_copy, descriptor)
    rehash(package_copy)
    assert "descriptor.resources" not in msc_exos_pof.validate(package_copy).fired()


def test_an_empty_errata_table_is_legitimate(package_copy: Path) -> None:
    _write_csv("errata", _csv_bytes("errata").split(b"\n", 1)[0] + b"\n")(package_copy)
    assert "table.empty" not in msc_exos_pof.validate(package_copy).fired()


def _edit_schema(folder: Path, resource: str, change: Callable[[dict], None]) -> None:
    file = folder / "datapackage.json"
    descriptor = json.loads(file.read_text(encoding="utf-8"))
    change(next(r for r in descriptor["resources"] if r["name"] == resource)["schema"])
    file.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False), encoding="utf-8")


def _field(schema: dict, name: str) -> dict:
    return next(f for f in schema["fields"] if f["name"] == name)


LOOSENINGS = {
    "a required rule dropped": (
        "studies",
        lambda s: _field(s, "study_id")["constraints"].pop("required"),
    ),
    "a pattern changed": (
        "studies",
        lambda s: _field(s, "study_id")["constraints"].update(pattern=".*"),
    ),
    "an enum value dropped": (
        "studies",
        lambda s: _field(s, "design")["constraints"]["enum"].pop(),
    ),
    "the constraints key misspelt": (
        "references",
        lambda s: _field(s, "year").update(constrains=_field(s, "year").pop("constraints")),
    ),
    "the primary key changed": ("studies", lambda s: s.update(primaryKey="title")),
    "a foreign key dropped": ("studies", lambda s: s["foreignKeys"].pop(0)),
}


@pytest.mark.parametrize("how", LOOSENINGS)
def test_a_copy_that_loosens_a_core_rule_fails_descriptor_resources(
    package_copy: Path, how: str
) -> None:
    resource, change = LOOSENINGS[how]
    _edit_schema(package_copy, resource, change)
    report = msc_exos_pof.validate(package_copy)
    assert report.by_check("descriptor.resources"), how
    assert report.exit_code == 1


def test_a_copy_may_extend_a_core_vocabulary(package_copy: Path) -> None:
    _edit_schema(
        package_copy,
        "studies",
        lambda s: _field(s, "msc_source")["constraints"]["enum"].append("EnMSC"),
    )
    assert not msc_exos_pof.validate(package_copy).by_check("descriptor.resources")


@pytest.mark.slow
def test_tables_read_in_many_chunks_give_the_same_report(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Large files are memory-mapped and arrive as one Arrow chunk per block; every check must
    see the same data, broken or not, however the file was read."""
    import random

    from msc_exos_pof.io import convert
    from msc_exos_pof.io import table as package_io
    from msc_exos_pof.testing.mutations import MUTATIONS, Inapplicable
    from msc_exos_pof.testing.synth import synth

    synth(tmp_path / "clean", 300, seed=3)
    shutil.copytree(tmp_path / "clean", tmp_path / "broken")
    rnd = random.Random(5)
    # Every breakage of the data at once (not of the descriptor or the file: those stop the
    # reading before any chunk matters), where it still applies.
    for _name, item in sorted(MUTATIONS.items()):
        if any(
            c.split(".")[0] in {"descriptor", "table", "integrity", "release"} for c in item.catches
        ):
            continue
        try:
            item(tmp_path / "broken", rnd)
        except (Inapplicable, KeyError, ValueError):
            continue

    def findings(path: Path | None) -> list[tuple]:
        report = msc_exos_pof.validate(path)
        return sorted(
            (f.check, f.resource or "", f.row or 0, f.field or "", f.message)
            for f in report.findings
        )

    packages = [None, tmp_path / "clean", tmp_path / "broken"]
    whole = [findings(path) for path in packages]
    frames = {name: msc_exos_pof.load(name) for name in msc_exos_pof.resource_names()}
    assert len({check for found in whole for check, *_ in found}) > 20
    monkeypatch.setattr(package_io, "ARROW_BLOCK_SIZE", 2048)
    monkeypatch.setattr(convert, "_LOADED", {})  # load reads and types again, in slices
    assert [findings(path) for path in packages] == whole
    for name, frame in frames.items():
        assert msc_exos_pof.load(name).equals(frame), name


def test_broken_files_are_reported_the_same_when_checked_in_small_slices(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The byte-level error paths (encoding, unclosed quote, blank and ragged rows) give the same
    findings whether the UTF-8 check decodes a file at once or in slices that cut characters."""
    from msc_exos_pof.io import table as package_io

    package = tmp_path / "pkg"
    shutil.copytree(msc_exos_pof.package_dir(), package)
    data = package / "data"
    edits = {
        "studies.csv": lambda b: b.replace(b"Rat", b"R\xe9t", 1),
        "references.csv": lambda b: b + b'99,"unclosed\n',
        "study_mechanisms.csv": lambda b: b.replace(b"\n", b"\n\n", 3),
        "errata.csv": lambda b: b.rstrip(b"\n") + b",extra\n",
    }
    for name, edit in edits.items():
        (data / name).write_bytes(edit((data / name).read_bytes()))

    def findings() -> list[tuple]:
        report = msc_exos_pof.validate(package)
        return sorted(
            (f.check, f.resource or "", f.row or 0, f.field or "", f.message)
            for f in report.findings
        )

    read = findings()
    assert {"table.encoding", "table.parse"} <= {check for check, *_ in read}
    for size in (1, 2, 3, 7):
        monkeypatch.setattr(package_io, "UTF8_SLICE", size)
        assert findings() == read

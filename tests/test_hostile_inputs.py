"""Hostile input, round two (issue 23): a strange schema switches no check off, the descriptor is
read once and cheaply, archives are bounded while they unpack, writers into a package are all or
nothing, and what the package says that this reader would not honour is a finding."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from package_rows import read_rows, write_rows
from reliability_helpers import load_descriptor, save_descriptor, zip_bomb

import msc_exos_pof
from msc_exos_pof.cli import main
from msc_exos_pof.errors import PackageError
from msc_exos_pof.release.hashes import rehash


def _position(descriptor: dict[str, Any], resource: str, field: str) -> tuple[int, int]:
    index = next(i for i, r in enumerate(descriptor["resources"]) if r["name"] == resource)
    fields = descriptor["resources"][index]["schema"]["fields"]
    return index, next(i for i, f in enumerate(fields) if f["name"] == field)


def _break_an_enum_cell(folder: Path) -> None:
    rows = read_rows(folder, "studies")
    rows[0]["design"] = "in_silico"
    write_rows(folder, "studies", rows)


# --- a strange constraint or type: one finding at its pointer, every other check still runs -----

STRANGE = [
    ("references", "title", ("constraints", "maxLength"), 10**30),
    ("references", "title", ("constraints", "maxLength"), 1e30),
    ("references", "title", ("constraints", "minLength"), "3"),
    ("references", "title", ("constraints", "enum"), [1, "a", None]),
    ("references", "title", ("constraints", "enum"), [[1], {"a": 1}]),
    ("references", "journal", ("constraints", "enum"), "Stem cell research & therapy"),
    ("references", "year", ("constraints", "maximum"), "two thousand"),
    ("references", "year", ("constraints", "enum"), ["x", 2020]),
    ("references", "title", ("constraints", "required"), "yes"),
    ("references", "title", ("constraints", "pattern"), 5),
    ("references", "title", ("constraints",), ["required"]),
    ("references", "title", ("type",), ["string", "integer"]),
    ("references", "year", ("type",), {"integer": True}),
    ("references", "title", ("format",), 7),
]


@pytest.mark.parametrize(("resource", "field", "where", "value"), STRANGE)
def test_a_strange_rule_is_one_finding_and_switches_no_check_off(
    package_copy: Path, resource: str, field: str, where: tuple[str, ...], value: Any
) -> None:
    _break_an_enum_cell(package_copy)
    descriptor = load_descriptor(package_copy)
    index, position = _position(descriptor, resource, field)
    owner = descriptor["resources"][index]["schema"]["fields"][position]
    for step in where[:-1]:
        owner = owner.setdefault(step, {})
    owner[where[-1]] = value
    save_descriptor(package_copy, descriptor)
    # The layers that read the schema (the structural fuzz runs every layer on such rules).
    report = msc_exos_pof.validate(
        package_copy, select=["descriptor", "integrity", "table", "schema"], summary=False
    )
    assert "gate.internal" not in report.fired(), report.by_check("gate.internal")
    rules = report.by_check("descriptor.field_rules")
    assert len(rules) == 1, [f.message for f in rules]
    pointer = f"/resources/{index}/schema/fields/{position}/" + "/".join(where)
    assert rules[0].pointer == pointer
    assert rules[0].line is not None
    # every other rule still runs: the broken enum cell elsewhere is found
    assert [f.row for f in report.by_check("schema.enum")] == [1]
    # nothing else about the same property (frictionless' note, the core contract)
    assert "descriptor.resources" not in report.fired(), report.by_check("descriptor.resources")
    notes = [f.message for f in report.by_check("descriptor.metadata")]
    assert not any(f"'{'/'.join(where)}'" in note for note in notes), notes


def test_a_repeated_row_in_claims_gives_findings_not_crashes(package_copy: Path) -> None:
    for resource in ("claims", "studies", "errata", "prisma_flow", "stated_counts"):
        rows = read_rows(package_copy, resource)
        write_rows(package_copy, resource, [*rows, rows[0]])
    report = msc_exos_pof.validate(package_copy)
    assert "gate.internal" not in report.fired(), report.by_check("gate.internal")
    assert "schema.primary_key" in report.fired()


# --- the descriptor: read once, linear, bounded; repeated keys; dialects -----------------------


def test_a_descriptor_of_too_many_objects_is_refused_before_it_is_built(
    package_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from msc_exos_pof.io import descriptor as reader

    monkeypatch.setattr(reader, "MAX_CONTAINERS", 5_000)
    descriptor = load_descriptor(package_copy)
    descriptor["extra"] = [{"a": 1} for _ in range(6_000)]
    save_descriptor(package_copy, descriptor, refresh=False)
    calls = []
    monkeypatch.setattr(reader.json, "loads", lambda *a, **k: calls.append(1))
    report = msc_exos_pof.validate(package_copy)
    assert report.exit_code == 2 and calls == []
    assert "JSON objects and arrays" in report.by_check("descriptor.json")[0].message


def test_the_descriptor_is_parsed_once_per_run(
    package_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from collections import Counter

    from msc_exos_pof.io import descriptor as reader
    from msc_exos_pof.io.locate import shipped_package_dir

    descriptor = load_descriptor(package_copy)
    descriptor["title"] += " (a copy)"
    save_descriptor(package_copy, descriptor)
    mine = (package_copy / "datapackage.json").read_text(encoding="utf-8")
    shipped = (shipped_package_dir() / "datapackage.json").read_text(encoding="utf-8")
    reader._read_descriptor_cached.cache_clear()
    parsed: Counter[str] = Counter()
    original = reader.json.loads

    def counting(text: Any, **options: Any) -> Any:
        parsed[text] += 1
        return original(text, **options)

    monkeypatch.setattr(reader.json, "loads", counting)
    msc_exos_pof.validate(package_copy)
    assert parsed[mine] == 1  # (frictionless judges a text of its own: a sorted copy)
    assert parsed[shipped] == 1  # read for the core contract, once too


def test_nesting_deeper_than_a_descriptor_needs_is_refused(package_copy: Path) -> None:
    descriptor = load_descriptor(package_copy)
    deep: Any = "x"
    for _ in range(200):
        deep = [deep]
    descriptor["extra"] = deep
    save_descriptor(package_copy, descriptor, refresh=False)
    report = msc_exos_pof.validate(package_copy)
    assert report.exit_code == 2
    assert "levels deep" in report.by_check("descriptor.json")[0].message


def test_a_key_written_twice_is_a_finding_at_its_pointer(package_copy: Path) -> None:
    file = package_copy / "datapackage.json"
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace('"name": "studies",', '"name": "studies", "name": "studies",', 1))
    report = msc_exos_pof.validate(package_copy)
    found = report.by_check("descriptor.duplicate_key")
    assert len(found) == 1 and found[0].pointer.endswith("/name")
    assert found[0].pointer.startswith("/resources/")
    assert report.exit_code == 1


def test_a_dialect_this_reader_does_not_read_is_refused_as_frictionless_would(
    package_copy: Path,
) -> None:
    descriptor = load_descriptor(package_copy)
    index, _ = _position(descriptor, "animal_models", "note")
    descriptor["resources"][index]["dialect"] = {"delimiter": ";"}
    save_descriptor(package_copy, descriptor, refresh=False)
    report = msc_exos_pof.validate(package_copy)
    found = report.by_check("table.dialect")
    assert len(found) == 1 and found[0].pointer == f"/resources/{index}/dialect"
    assert report.exit_code == 1
    # a dialect that only states the default is read as usual
    descriptor["resources"][index]["dialect"] = {"delimiter": ",", "header": True}
    save_descriptor(package_copy, descriptor, refresh=False)
    assert "table.dialect" not in msc_exos_pof.validate(package_copy).fired()


def test_a_hash_without_algorithm_is_read_as_md5_and_says_so(package_copy: Path) -> None:
    descriptor = load_descriptor(package_copy)
    data = (package_copy / descriptor["resources"][0]["path"]).read_bytes()
    descriptor["resources"][0]["hash"] = hashlib.md5(data).hexdigest()
    save_descriptor(package_copy, descriptor, refresh=False)
    report = msc_exos_pof.validate(package_copy)
    found = report.by_check("integrity.hash")
    assert [f.severity for f in found] == ["warning"]
    assert "md5" in found[0].message and "sha256:" in found[0].message


def test_findings_are_listed_at_most_a_hundred_per_check(package_copy: Path) -> None:
    rows = read_rows(package_copy, "references")
    write_rows(package_copy, "references", [{**r, "year": "x"} for r in rows * 3])
    text = CliRunner().invoke(main, ["validate", str(package_copy)]).output
    listed = [line for line in text.splitlines() if line.endswith("[schema.type]")]
    assert len(listed) == 100
    assert "... and 125 more schema.type finding(s)" in text
    report = json.loads(
        CliRunner().invoke(main, ["validate", str(package_copy), "--format", "json"]).stdout
    )
    assert sum(f["check"] == "schema.type" for f in report["findings"]) == 225


# --- diff and rehash ---------------------------------------------------------------------------


def test_diff_sees_a_row_that_repeats_a_primary_key(package_copy: Path) -> None:
    from msc_exos_pof.io.locate import shipped_package_dir

    rows = read_rows(package_copy, "msc_sources")
    write_rows(package_copy, "msc_sources", [*rows, rows[0]])
    result = CliRunner().invoke(main, ["diff", str(shipped_package_dir()), str(package_copy)])
    assert result.exit_code == 0, result.output
    assert "No differences" not in result.output
    assert "Required version bump: minor" in result.output


def test_rehash_gives_each_resource_its_own_hash_even_when_names_repeat(
    package_copy: Path,
) -> None:
    descriptor = load_descriptor(package_copy)
    descriptor["resources"][1]["name"] = descriptor["resources"][0]["name"]
    save_descriptor(package_copy, descriptor, refresh=False)
    first = package_copy / descriptor["resources"][0]["path"]
    first.write_bytes(first.read_bytes() + b"\n")  # the first of the two is stale
    assert rehash(package_copy) == [descriptor["resources"][0]["name"]]
    for resource in load_descriptor(package_copy)["resources"]:
        data = (package_copy / resource["path"]).read_bytes()
        assert resource["hash"] == f"sha256:{hashlib.sha256(data).hexdigest()}"
        assert resource["bytes"] == len(data)


def test_rehash_never_replaces_a_linked_descriptor(package_copy: Path, tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    (package_copy / "datapackage.json").rename(real)
    (package_copy / "datapackage.json").symlink_to(real)
    rows = read_rows(package_copy, "animal_models")
    write_rows(package_copy, "animal_models", rows[:-1], update_hash=False)
    before = real.read_bytes()
    result = CliRunner().invoke(main, ["rehash", str(package_copy)])
    assert result.exit_code == 2 and "symbolic link" in result.output
    assert (package_copy / "datapackage.json").is_symlink() and real.read_bytes() == before


# --- round add: all or nothing, and only on a table it can read ----------------------------------


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (b"round,searched\n1,2025-03\n2,2025-04,extra\n", "do not have"),
        (b"round,searched\n1,2025-03\nx,2025-04\n", "is not a whole number"),
        (b"round,searched\n1,2025-03\n\n", "blank"),
        (b"\xff\xfe r,o\n", "not UTF-8"),
        (b"", "empty"),
    ],
)
def test_round_add_refuses_a_broken_search_rounds_and_writes_nothing(
    package_copy: Path, broken: bytes, expected: str
) -> None:
    (package_copy / "data" / "search_rounds.csv").write_bytes(broken)
    rehash(package_copy)
    before = _files(package_copy)
    result = CliRunner().invoke(main, ["round", "add", str(package_copy), "--searched", "2027-01"])
    assert result.exit_code == 1, result.output
    assert expected in result.output
    assert _files(package_copy) == before


def test_round_add_writes_nothing_when_a_later_step_would_fail(package_copy: Path) -> None:
    (package_copy / "data" / "animal_models.csv").unlink()
    before = _files(package_copy)
    result = CliRunner().invoke(main, ["round", "add", str(package_copy), "--searched", "2027-01"])
    assert result.exit_code == 1, result.output
    assert "nothing was written" in result.output
    assert _files(package_copy) == before


def test_round_add_still_opens_a_round_in_one_step(package_copy: Path) -> None:
    result = CliRunner().invoke(main, ["round", "add", str(package_copy), "--searched", "2027-01"])
    assert result.exit_code == 0, result.output
    assert read_rows(package_copy, "search_rounds")[-1]["searched"] == "2027-01"
    assert "integrity" not in " ".join(msc_exos_pof.validate(package_copy).fired())


# --- archives: bounded while they unpack -------------------------------------------------------


def test_diff_refuses_a_decompression_bomb_before_unpacking_it(tmp_path: Path) -> None:
    from msc_exos_pof.io.locate import shipped_package_dir

    archive = zip_bomb(tmp_path / "bomb.zip", 64 << 20)
    assert archive.stat().st_size < 1 << 20
    result = CliRunner().invoke(main, ["diff", str(archive), str(shipped_package_dir())])
    assert result.exit_code == 2, result.output
    assert "decompression bomb" in result.output


def test_a_member_that_unpacks_to_more_than_it_states_is_stopped(tmp_path: Path) -> None:
    from msc_exos_pof.io import archive as unpacking

    archive = zip_bomb(tmp_path / "bomb.zip", 4 << 20)
    original = unpacking._Budget.limit

    def trusting(self: Any, info: zipfile.ZipInfo, limit: int) -> int:
        # as if the archive stated a small size: the count while copying must stop it
        return min(original(self, info, limit), 1 << 20)

    unpacking._Budget.limit = trusting  # type: ignore[method-assign]
    try:
        with pytest.raises(PackageError, match="unpacks to more than"):
            unpacking.unpack_package(archive, tmp_path / "out")
    finally:
        unpacking._Budget.limit = original  # type: ignore[method-assign]


def test_a_release_wheel_still_unpacks(tmp_path: Path) -> None:
    from msc_exos_pof.io.archive import unpack_package
    from msc_exos_pof.io.locate import shipped_package_dir

    root = shipped_package_dir()
    wheel = tmp_path / "msc_exos_pof-9.9.9-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as zipped:
        for file in root.rglob("*"):
            if file.is_file():
                zipped.write(file, f"msc_exos_pof/datapackage/{file.relative_to(root)}")
    folder = unpack_package(wheel, tmp_path / "out")
    assert msc_exos_pof.validate(folder, summary=False).exit_code == 0


def test_upstream_never_unpacks_an_archive(package_copy: Path, tmp_path: Path) -> None:
    archive = zip_bomb(tmp_path / "bomb.zip", 16 << 20)
    result = CliRunner().invoke(main, ["validate", str(package_copy), "--upstream", str(archive)])
    assert result.exit_code == 2 and "zip archive" in result.output


# --- writers into a package: upgrade and release ------------------------------------------------


def test_upgrade_writes_nothing_when_a_file_it_would_replace_is_a_link(tmp_path: Path) -> None:
    import shutil

    from msc_exos_pof.release.record import released_package

    root = Path(__file__).resolve().parents[1]
    with released_package("0.1.0", root / "releases") as package:
        copy = Path(shutil.copytree(package, tmp_path / "mycopy"))
    real = tmp_path / "real.json"
    (copy / "datapackage.json").rename(real)
    (copy / "datapackage.json").symlink_to(real)
    before = _files(copy)
    result = CliRunner().invoke(main, ["upgrade", str(copy)])
    assert result.exit_code == 2 and "symbolic link" in result.output
    assert _files(copy) == before and (copy / "datapackage.json").is_symlink()


def test_release_refuses_a_dist_folder_inside_the_package_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    root = Path(__file__).resolve().parents[1]
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    for name in ("pyproject.toml", "CHANGELOG.md", "CITATION.cff"):
        shutil.copy(root / name, checkout / name)
    shutil.copytree(root / "datapackage", checkout / "datapackage")
    monkeypatch.chdir(checkout)
    before = _files(checkout)
    result = CliRunner().invoke(main, ["release", "--dist", "datapackage/dist"])
    assert result.exit_code == 2 and "inside the data package folder" in result.output
    assert _files(checkout) == before


def test_a_table_the_exact_scan_passes_but_arrow_cannot_parse_is_a_finding(
    package_copy: Path,
) -> None:
    """A lone CR before a comma: the exact scan and Arrow disagree on where the rows end. It is
    one ``table.parse`` finding, and the summary (which reads tables even when the gate stopped)
    never turns it into ``gate.internal`` (found by the structural fuzz)."""
    (package_copy / "data" / "animal_models.csv").write_bytes(b"\r,")
    rehash(package_copy)
    report = msc_exos_pof.validate(package_copy)
    assert "gate.internal" not in report.fired()
    [finding] = report.by_check("table.parse")
    assert finding.resource == "animal_models"
    assert "the CSV cannot be parsed" in finding.message


def test_a_note_frictionless_repeats_per_resource_is_one_finding(package_copy: Path) -> None:
    descriptor = load_descriptor(package_copy)
    for resource in descriptor["resources"][:2]:
        resource["profile"] = "data-resource"
    save_descriptor(package_copy, descriptor)
    messages = [
        f.message for f in msc_exos_pof.validate(package_copy).by_check("descriptor.metadata")
    ]
    assert messages and len(messages) == len(set(messages))


def test_a_column_arrow_types_itself_is_still_text(package_copy: Path) -> None:
    """A blank first line ended by a lone CR, then a number: Arrow names and types that column
    itself. Cells stay text as written, so the header findings name it and no check stops."""
    (package_copy / "data" / "animal_models.csv").write_bytes(b"\r1")
    rehash(package_copy)
    report = msc_exos_pof.validate(package_copy)
    assert "gate.internal" not in report.fired()
    assert report.by_check("table.header")

"""The data diff: rows and schema compared release to release, and the semver bump they require."""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from package_rows import edit_rows, read_header, read_rows, write_rows

from msc_exos_pof.cli import main
from msc_exos_pof.errors import PackageError
from msc_exos_pof.io.atomic import write_json_atomic
from msc_exos_pof.io.descriptor import read_descriptor
from msc_exos_pof.io.locate import shipped_package_dir
from msc_exos_pof.release.diff import diff, render_json, render_text, suggest_version
from msc_exos_pof.release.hashes import rehash
from msc_exos_pof.release.versions import next_version

#: Slow: diffs whole packages and their exports, copy by copy.
pytestmark = pytest.mark.slow


def _descriptor(folder: Path) -> dict:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def _edit_descriptor(folder: Path, change: Callable[[dict], None]) -> None:
    data = _descriptor(folder)
    change(data)
    write_json_atomic(folder / "datapackage.json", data)


def _resource(data: dict, name: str) -> dict:
    return next(r for r in data["resources"] if r["name"] == name)


def change_a_value(folder: Path) -> None:
    def change(rows):
        rows[0]["note"] = "corrected"

    edit_rows(folder, "animal_models", change)


def add_a_row(folder: Path) -> None:
    edit_rows(
        folder,
        "animal_models",
        lambda rows: rows + [{"animal_model_published": "Pig", "species": "", "note": ""}],
    )


def remove_a_row(folder: Path) -> None:
    edit_rows(folder, "study_mechanisms", lambda rows: rows[:-1])


def remove_a_field(folder: Path) -> None:
    header = [h for h in read_header(folder, "animal_models") if h != "note"]
    rows = [
        {k: v for k, v in row.items() if k != "note"} for row in read_rows(folder, "animal_models")
    ]
    write_rows(folder, "animal_models", rows, header, update_hash=False)
    _edit_descriptor(
        folder,
        lambda d: _resource(d, "animal_models")["schema"].update(
            fields=[
                f for f in _resource(d, "animal_models")["schema"]["fields"] if f["name"] != "note"
            ]
        ),
    )
    rehash(folder)


def rename_a_field(folder: Path) -> None:
    rows = [
        {("remark" if k == "note" else k): v for k, v in row.items()}
        for row in read_rows(folder, "animal_models")
    ]
    write_rows(folder, "animal_models", rows, update_hash=False)

    def change(d):
        for f in _resource(d, "animal_models")["schema"]["fields"]:
            if f["name"] == "note":
                f["name"] = "remark"

    _edit_descriptor(folder, change)
    rehash(folder)


def change_a_type(folder: Path) -> None:
    def change(d):
        for f in _resource(d, "search_strategies")["schema"]["fields"]:
            if f["name"] == "records":
                f["type"] = "number"

    _edit_descriptor(folder, change)


def change_the_primary_key(folder: Path) -> None:
    _edit_descriptor(
        folder,
        lambda d: _resource(d, "animal_models")["schema"].update(
            primaryKey=["animal_model_published", "species"]
        ),
    )


def add_a_resource(folder: Path) -> None:
    (folder / "data" / "notes.csv").write_text("id,text\n1,hello\n", encoding="utf-8")

    def change(d):
        d["resources"].append(
            {
                "name": "notes",
                "path": "data/notes.csv",
                "format": "csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [
                        {"name": "id", "type": "integer"},
                        {"name": "text", "type": "string"},
                    ],
                    "primaryKey": ["id"],
                },
            }
        )

    _edit_descriptor(folder, change)
    rehash(folder)


def remove_a_resource(folder: Path) -> None:
    _edit_descriptor(
        folder,
        lambda d: d.update(
            resources=[r for r in d["resources"] if r["name"] != "study_mechanisms"]
        ),
    )


def add_a_field(folder: Path) -> None:
    rows = read_rows(folder, "animal_models")
    for row in rows:
        row["strain"] = ""
    write_rows(folder, "animal_models", rows, update_hash=False)
    _edit_descriptor(
        folder,
        lambda d: _resource(d, "animal_models")["schema"]["fields"].append(
            {"name": "strain", "type": "string"}
        ),
    )
    rehash(folder)


def loosen_a_constraint(folder: Path) -> None:
    def change(d):
        for f in _resource(d, "animal_models")["schema"]["fields"]:
            if f["name"] == "species" and "enum" in f.get("constraints", {}):
                f["constraints"]["enum"] = [*f["constraints"]["enum"], "pig"]
                return
        raise AssertionError("animal_models.species has no enum any more; pick another field")

    _edit_descriptor(folder, change)


def reword_a_description(folder: Path) -> None:
    _edit_descriptor(folder, lambda d: _resource(d, "studies").update(description="Reworded."))


CHANGES = {
    "identical": (lambda folder: None, "none"),
    "a value corrected": (change_a_value, "patch"),
    "a description reworded": (reword_a_description, "patch"),
    "a row added": (add_a_row, "minor"),
    "a field added": (add_a_field, "minor"),
    "a resource added": (add_a_resource, "minor"),
    "a constraint loosened": (loosen_a_constraint, "minor"),
    "a row removed": (remove_a_row, "major"),
    "a field removed": (remove_a_field, "major"),
    "a field renamed": (rename_a_field, "major"),
    "a field's type changed": (change_a_type, "major"),
    "the primary key changed": (change_the_primary_key, "major"),
    "a resource removed": (remove_a_resource, "major"),
}


@pytest.mark.parametrize("change, bump", CHANGES.values(), ids=CHANGES.keys())
def test_a_change_requires_the_bump_the_release_policy_gives_it(
    package_copy: Path, change, bump
) -> None:
    change(package_copy)
    result = diff(shipped_package_dir(), package_copy)
    assert result.bump == bump, render_text(result)
    assert json.loads(render_json(result))["bump"] == bump
    assert f"Required version bump: {bump}" in render_text(result)


def test_a_corrected_value_is_listed_with_its_key_field_and_both_values(package_copy) -> None:
    old_note = read_rows(package_copy, "animal_models")[0]["note"]
    key = read_rows(package_copy, "animal_models")[0]["animal_model_published"]
    change_a_value(package_copy)
    result = diff(shipped_package_dir(), package_copy)
    [resource] = [r for r in result.resources if not r.empty]
    assert resource.name == "animal_models"
    assert [(c.key, c.field, c.old, c.new) for c in resource.changed] == [
        ((key,), "note", old_note, "corrected")
    ]
    assert resource.added == [] and resource.removed == []


def test_rows_added_and_removed_are_listed_by_primary_key(package_copy) -> None:
    last = read_rows(package_copy, "study_mechanisms")[-1]
    remove_a_row(package_copy)
    result = diff(shipped_package_dir(), package_copy)
    [resource] = [r for r in result.resources if not r.empty]
    assert resource.key == ["study_id", "mechanism"]
    assert resource.removed == [(last["study_id"], last["mechanism"])]
    reverse = diff(package_copy, shipped_package_dir())
    assert [r.added for r in reverse.resources if not r.empty] == [resource.removed]
    assert reverse.bump == "minor"


def test_a_renamed_field_is_a_removed_and_an_added_field(package_copy) -> None:
    rename_a_field(package_copy)
    result = diff(shipped_package_dir(), package_copy)
    kinds = {(c.kind, c.field) for c in result.schema}
    assert {("field_removed", "note"), ("field_added", "remark")} <= kinds
    assert "animal_models.note: field removed" in result.reasons


def test_the_json_rendering_parses_and_lists_every_change(package_copy) -> None:
    change_a_value(package_copy)
    add_a_resource(package_copy)
    data = json.loads(render_json(diff(shipped_package_dir(), package_copy)))
    assert data["bump"] == "minor"
    assert data["suggested_version"] == suggest_version(data["old_version"], "minor")
    assert {
        "kind": "resource_added",
        "bump": "minor",
        "resource": "notes",
        "field": None,
        "old": None,
        "new": None,
    } in data["schema"]
    changed = [c for r in data["resources"] for c in r["changed"]]
    assert changed[0]["new"] == "corrected"


@pytest.mark.parametrize(
    "version, bump, expected",
    [
        ("0.1.0", "patch", "0.1.1"),
        ("0.1.3", "minor", "0.2.0"),
        ("1.4.2", "major", "2.0.0"),
        ("1.4.2", "none", "1.4.2"),
        ("1.0.0.dev0", "patch", "1.0.1"),
        ("1.0.0.dev0", "none", "1.0.0.dev0"),
        ("draft", "minor", None),
    ],
)
def test_the_suggested_version_follows_semantic_versioning(version, bump, expected) -> None:
    assert suggest_version(version, bump) == expected


def test_a_release_wheel_can_be_the_old_side(tmp_path, package_copy) -> None:
    wheel = tmp_path / "msc_exos_pof-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zipped:
        for file in shipped_package_dir().rglob("*"):
            if file.is_file():
                name = file.relative_to(shipped_package_dir()).as_posix()
                zipped.write(file, f"msc_exos_pof/datapackage/{name}")
        zipped.writestr("msc_exos_pof/__init__.py", "")
    change_a_value(package_copy)
    assert diff(wheel, package_copy).bump == "patch"
    assert diff(wheel, shipped_package_dir()).bump == "none"


def test_the_diff_never_writes_to_either_package(package_copy) -> None:
    change_a_value(package_copy)
    before = {p: p.read_bytes() for p in package_copy.rglob("*") if p.is_file()}
    diff(shipped_package_dir(), package_copy)
    assert {p: p.read_bytes() for p in package_copy.rglob("*") if p.is_file()} == before


def test_the_cli_prints_text_or_json_and_exits_0(package_copy) -> None:
    add_a_row(package_copy)
    runner = CliRunner()
    text = runner.invoke(main, ["diff", str(shipped_package_dir()), str(package_copy)])
    assert text.exit_code == 0, text.output
    expected = next_version(read_descriptor(shipped_package_dir())["version"], "minor")
    assert f"Required version bump: minor (next version: {expected})" in text.output
    assert "added: Pig" in text.output
    out = runner.invoke(
        main, ["diff", str(shipped_package_dir()), str(package_copy), "--format", "json"]
    )
    assert out.exit_code == 0
    assert json.loads(out.output)["bump"] == "minor"


@pytest.mark.parametrize(
    ("breakage", "exit_code"),
    [("no such folder", 2), ("descriptor not JSON", 2), ("table broken", 1)],
)
def test_the_cli_exits_with_one_clean_message_when_a_package_cannot_be_compared(
    tmp_path, package_copy, breakage, exit_code
) -> None:
    """An unreadable package exits 2, a broken table (bad data) 1, as for every command."""
    if breakage == "no such folder":
        target = tmp_path / "missing"
    elif breakage == "descriptor not JSON":
        (package_copy / "datapackage.json").write_text("{not json", encoding="utf-8")
        target = package_copy
    else:
        (package_copy / "data" / "studies.csv").write_bytes(b'study_id\n"open\n')
        target = package_copy
    result = CliRunner().invoke(main, ["diff", str(shipped_package_dir()), str(target)])
    assert result.exit_code == exit_code
    assert "Traceback" not in result.output
    assert "cannot compare" in result.output


def test_an_unreadable_package_raises_package_error(tmp_path) -> None:
    with pytest.raises(PackageError):
        diff(tmp_path / "missing", shipped_package_dir())


def test_a_copy_of_the_shipped_package_differs_in_nothing(tmp_path) -> None:
    shutil.copytree(shipped_package_dir(), tmp_path / "copy")
    result = diff(shipped_package_dir(), tmp_path / "copy")
    assert result.bump == "none" and result.reasons == [] and result.schema == []

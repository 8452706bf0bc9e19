"""Schema checks: pandera schemas derived from the Table Schemas, keys, and one breakage per id."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from package_rows import edit_rows

import msc_exos_pof
from msc_exos_pof.schemas import derive, schema_for


def _cell(resource: str, row: int, field: str, value: str) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        edit_rows(folder, resource, lambda rows: rows[row - 1].__setitem__(field, value))

    return apply


def _duplicate_row(resource: str, row: int) -> Callable[[Path], None]:
    return lambda folder: edit_rows(folder, resource, lambda rows: rows + [dict(rows[row - 1])])


def _constrain(resource: str, field: str, **constraints: object) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        file = folder / "datapackage.json"
        descriptor = json.loads(file.read_text(encoding="utf-8"))
        table = next(r for r in descriptor["resources"] if r["name"] == resource)["schema"]
        target = next(f for f in table["fields"] if f["name"] == field)
        target.setdefault("constraints", {}).update(constraints)
        file.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")

    return apply


# (breakage, check id, resource, 1-based row, field)
BREAKAGES: dict[str, tuple[Callable[[Path], None], str, str, int, str]] = {
    "integer cell is text": (
        _cell("studies", 3, "year", "20x0"),
        "schema.type",
        "studies",
        3,
        "year",
    ),
    "boolean cell is neither": (
        _cell("stated_counts", 2, "derivable", "maybe"),
        "schema.type",
        "stated_counts",
        2,
        "derivable",
    ),
    "required cell empty": (
        _cell("references", 4, "title", ""),
        "schema.required",
        "references",
        4,
        "title",
    ),
    "unique value repeated": (
        _cell("studies", 2, "table_row", "1"),
        "schema.unique",
        "studies",
        2,
        "table_row",
    ),
    "value outside the enum": (
        _cell("studies", 5, "design", "in vivo"),
        "schema.enum",
        "studies",
        5,
        "design",
    ),
    "number below minimum": (
        _cell("references", 6, "year", "1800"),
        "schema.range",
        "references",
        6,
        "year",
    ),
    "text off pattern": (
        _cell("studies", 2, "label_published", "Chen 2020"),
        "schema.pattern",
        "studies",
        2,
        "label_published",
    ),
    "text too long": (
        _constrain("animal_models", "animal_model_published", maxLength=4),
        "schema.length",
        "animal_models",
        3,
        "animal_model_published",
    ),
    "composite key repeated": (
        _duplicate_row("study_mechanisms", 2),
        "schema.primary_key",
        "study_mechanisms",
        39,
        "study_id",
    ),
    "key cell empty": (
        _cell("study_mechanisms", 4, "mechanism", ""),
        "schema.primary_key",
        "study_mechanisms",
        4,
        "study_id",
    ),
    "study row deleted, the rows that name it kept": (
        lambda folder: edit_rows(
            folder, "studies", lambda rows: [r for r in rows if r["study_id"] != "huang-b-2018"]
        ),
        "studies.missing_row",
        "studies",
        9,  # where it belongs: before ding-c-2018, now row 9
        "study_id",
    ),
    "foreign key dangling": (
        _cell("studies", 7, "reference_number", "999"),
        "schema.foreign_key",
        "studies",
        7,
        "reference_number",
    ),
    "self reference dangling": (
        _cell("references", 3, "duplicate_of", "999"),
        "schema.foreign_key",
        "references",
        3,
        "duplicate_of",
    ),
}


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_each_schema_breakage_fires_its_check_at_its_cell(
    package_copy: Path, breakage: str
) -> None:
    change, check_id, resource, row, field = BREAKAGES[breakage]
    change(package_copy)
    report = msc_exos_pof.validate(package_copy)
    assert report.exit_code == 1
    located = {(f.resource, f.row, f.field) for f in report.by_check(check_id)}
    assert (resource, row, field) in located, [
        f.message for f in report.findings if f.severity == "error"
    ]


def test_every_schema_check_id_has_a_breakage() -> None:
    from msc_exos_pof.gate.registry import all_checks

    ids = {c.id for c in all_checks() if c.layer == "schema"}
    assert ids <= {check_id for _, check_id, *_ in BREAKAGES.values()}


def test_unreadable_cell_is_a_type_finding_not_also_a_missing_one(package_copy: Path) -> None:
    _cell("studies", 3, "year", "20x0")(package_copy)
    report = msc_exos_pof.validate(package_copy, select=["schema"])
    assert report.fired() == {"schema.type"}


def test_failures_are_collected_lazily_not_just_the_first(package_copy: Path) -> None:
    def spoil(rows: list[dict[str, str]]) -> None:
        for row in rows[:4]:
            row["design"] = "somewhere"

    edit_rows(package_copy, "studies", spoil)
    rows = {f.row for f in msc_exos_pof.validate(package_copy).by_check("schema.enum")}
    assert rows == {1, 2, 3, 4}


@pytest.mark.parametrize("name", msc_exos_pof.resource_names())
def test_schema_for_validates_the_loaded_resource(name: str) -> None:
    schema_for(name).validate(msc_exos_pof.load(name))


@pytest.mark.parametrize("name", msc_exos_pof.resource_names())
def test_derived_schema_mirrors_the_table_schema(name: str) -> None:
    from msc_exos_pof.io.descriptor import resource_file

    table = resource_file(name).descriptor["schema"]
    schema = schema_for(name)
    assert list(schema.columns) == [f["name"] for f in table["fields"]]
    key = table.get("primaryKey")
    key = [key] if isinstance(key, str) else key
    for field in table["fields"]:
        column = schema.columns[field["name"]]
        constraints = field.get("constraints") or {}
        assert column.nullable == (not constraints.get("required") and field["name"] not in key)
        names = {c.name for c in column.checks}
        if "enum" in constraints:
            assert "isin" in names
        if "pattern" in constraints:
            assert "str_matches" in names
        if "minimum" in constraints or "maximum" in constraints:
            assert names & {"in_range", "greater_than_or_equal_to", "less_than_or_equal_to"}


def test_schema_for_rejects_a_value_outside_the_enum() -> None:
    import pandera.errors

    frame = msc_exos_pof.load("studies")
    text = derive(
        json.loads(
            json.dumps(
                next(
                    r
                    for r in json.loads(
                        (msc_exos_pof.package_dir() / "datapackage.json").read_text()
                    )["resources"]
                    if r["name"] == "studies"
                )["schema"]
            )
        ),
        frame="text",
    )
    bad = frame.astype({"design": "string"})
    bad.loc[0, "design"] = "in vivo"
    bad = bad.astype({c: "string" for c in bad.columns if str(bad[c].dtype) == "category"})
    with pytest.raises(pandera.errors.SchemaErrors):
        text.validate(bad, lazy=True)


# --- the gate's Arrow engine flags exactly the cells pandera's derived schema flags ----------


def _pandera_cells(name: str, fields: list[dict], raw, typed) -> set[tuple[str, int, str]]:
    """(check id, row, field) of every failure of pandera's schema derived from the Table
    Schema (``schemas.derive``), validated lazily on the same frames the gate sees."""
    from pandera_agreement import CHECK_IDS, failure_cases, text_frame

    table_schema = {"fields": fields}
    schema = derive(table_schema, frame="text", primary_keys=False)
    cases = failure_cases(schema, text_frame(raw, typed, table_schema))
    cells = set()
    for case in cases.itertuples(index=False):
        check_id = CHECK_IDS.get(str(case.check).split("(", 1)[0])
        if check_id is not None and case.index is not None:
            cells.add((check_id, int(case.index) + 1, str(case.column)))
    return cells


def _gate_cells(name: str, fields: list[dict], raw, typed) -> set[tuple[str, int, str]]:
    from msc_exos_pof.gate.checks.schema import field_failures

    found = field_failures(name, fields, raw, typed)
    lost = {(f.row, f.field) for f in found if f.check == "schema.type"}
    # pandera sees an unreadable cell as missing: the gate reports it once, as schema.type.
    return {(f.check, f.row, f.field) for f in found if f.check != "schema.type"} | {
        ("schema.required", row, field)
        for row, field in lost
        if any(
            f.get("name") == field and (f.get("constraints") or {}).get("required") for f in fields
        )
    }


_STRANGE = [
    "",
    " ",
    "in vivo",
    "BMSC",
    "rat",
    "1800",
    "2101",
    "20x0",
    "-1",
    "0",
    "1.5",
    "true",
    "maybe",
    "Chen 2020",
    "M.Yang et al. 2018",
    "x" * 300,
    "yang-m-2020",
    "ä",
    "Li",
    "li",
    "A'b -c",
    "references/54/duplicate_of",
]


@pytest.mark.slow
@pytest.mark.parametrize(
    "resource",
    [
        "studies",
        "references",
        "stated_counts",
        "errata",
        "msc_sources",
        "animal_models",
        "search_strategies",
    ],
)
def test_gate_and_pandera_flag_the_same_cells(resource: str) -> None:
    """Principle 1: pandera's schema derived from the Table Schema is the oracle the gate's
    vectorised engine must agree with, cell for cell, on randomly corrupted tables."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from msc_exos_pof.io.convert import typed_frame
    from msc_exos_pof.io.descriptor import resource_file
    from msc_exos_pof.io.table import read_raw_table

    item = resource_file(resource)
    schema = item.descriptor["schema"]
    fields = schema["fields"]
    clean = read_raw_table(item)
    names = [f["name"] for f in fields]
    edits = st.lists(
        st.tuples(
            st.integers(0, len(clean) - 1),
            st.sampled_from(names),
            st.sampled_from(_STRANGE) | st.text(max_size=8),
        ),
        min_size=1,
        max_size=4,
    )

    @settings(
        max_examples=int(os.environ.get("AGREE_EXAMPLES", "60")),
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(edits)
    def agree(changes: list[tuple[int, str, str]]) -> None:
        raw = clean.copy()
        for row, field, value in changes:
            raw.loc[row, field] = value
        typed = typed_frame(raw, schema)
        assert _gate_cells(resource, fields, raw, typed) == _pandera_cells(
            resource, fields, raw, typed
        )

    agree()


def test_two_cells_outside_an_enum_of_a_unique_field_repeat_each_other(package_copy: Path) -> None:
    """Found by the agreement test: a value outside the enum is no value in the typed frame,
    but two such cells still hold the same text, and a unique field forbids that."""
    _cell("msc_sources", 1, "msc_source", "XSC")(package_copy)
    _cell("msc_sources", 2, "msc_source", "XSC")(package_copy)
    report = msc_exos_pof.validate(package_copy, select=["schema.unique", "schema.enum"])
    unique = {(f.row, f.field) for f in report.by_check("schema.unique")}
    assert {(1, "msc_source"), (2, "msc_source")} <= unique

"""Copies that upgrade: a copy made with the 0.1.0 data model (the real release, from the record)
is migrated to the current model by `msc-exos-pof upgrade`, keeping what its maintainer added
and edited, refusing what it cannot migrate, and writing nothing then."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import msc_exos_pof
from msc_exos_pof.cli import main
from msc_exos_pof.errors import OutputInsidePackageError, UpgradeError
from msc_exos_pof.io.descriptor import read_descriptor
from msc_exos_pof.io.locate import shipped_package_dir
from msc_exos_pof.io.tableschema import constraints, field_list, primary_key, schema_of
from msc_exos_pof.release import migrate as migrate_module
from msc_exos_pof.release.diff import diff
from msc_exos_pof.release.hashes import rehash
from msc_exos_pof.release.migrate import load_steps, read_package, steps_between
from msc_exos_pof.release.model import current_model
from msc_exos_pof.release.record import released_package, releases
from msc_exos_pof.release.upgrade import plan_upgrade, upgrade

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def copy_0_1_0(tmp_path: Path) -> Path:
    """A copy of the 0.1.0 release, as a user made it then (from the release record)."""
    with released_package("0.1.0", ROOT / "releases") as package:
        return Path(shutil.copytree(package, tmp_path / "mycopy"))


def rows(folder: Path, name: str) -> list[dict[str, str]]:
    text = (folder / "data" / f"{name}.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def write(folder: Path, name: str, table: list[dict[str, str]], header: list[str]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    (folder / "data" / f"{name}.csv").write_text(buffer.getvalue(), encoding="utf-8")


def append(folder: Path, name: str, text: str) -> None:
    with open(folder / "data" / f"{name}.csv", "a", encoding="utf-8", newline="") as handle:
        handle.write(text)


def edit_descriptor(folder: Path, change) -> None:
    data = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    change(data)
    (folder / "datapackage.json").write_text(json.dumps(data, indent=2), encoding="utf-8")


def resource(data: dict, name: str) -> dict:
    return next(r for r in data["resources"] if r["name"] == name)


def add_round_column(folder: Path, name: str) -> None:
    table = rows(folder, name)
    header = [*table[0].keys(), "round"]
    write(folder, name, [{**row, "round": "1"} for row in table], header)
    edit_descriptor(
        folder,
        lambda d: resource(d, name)["schema"]["fields"].append(
            {"name": "round", "type": "integer"}
        ),
    )


QUERY = "(Premature ovarian failure) AND (Mesenchymal Stem Cells) AND (Exosomes),No filter set"
DATABASES = ("PubMed", "Embase", "Web Of Science", "Ovid Database", "Cochrane Library")
ROUND_2_DATABASES = "".join(
    f"{name},{row},{QUERY},{records},2\n"
    for row, (name, records) in enumerate(zip(DATABASES, (12, 9, 14, 20, 0), strict=True), 1)
)
ROUND_2_FLOW = """\
database_results,1,55,Records identified from databases,stated,,,2
citations_results,2,2,Records identified from citation searching,stated,,,2
identified_total,3,57,Records identified in total,stated,,,2
duplicates,4,30,Duplicate records removed,stated,,,2
records_screened,5,27,Records screened,stated,,,2
records_excluded,6,20,Records excluded,stated,,,2
reports_assessed,7,7,Reports assessed for eligibility,stated,,,2
reports_excluded,8,6,Reports excluded,stated,,,2
new_studies,9,1,New studies included in review,stated,,,2
previous_studies,10,17,Studies included in previous version of review,stated,,,2
total_studies,11,18,Total studies included in review,stated,,,2
"""
NEW_STUDY = (
    "doe-j-2026,18,76,J.Doe et al. 2026,Doe,2026,Example study: bone marrow MSC exosomes "
    "restore ovarian function in rats,miR-21,mirna,BMSC,BMSC,Rat,rat,in_vivo,Reduce granulosa "
    "cell apoptosis,,,,2\n"
)
NEW_REFERENCE = (
    '76,"Doe J, Roe R",Example study: bone marrow MSC exosomes restore ovarian function in '
    "rats,Journal of Examples,2026,1,1,1-10,\n"
)


def extend_like_a_maintainer(folder: Path) -> Path:
    """The update search of May 2026 (round 2) and the study it found, added to a copy made
    at 0.1.0. Model 0.1.0 had no search rounds, so the maintainer recorded them in the shape a
    copy may add: a `round` column of the copy's own on search_strategies, prisma_flow and
    studies, a `search_rounds` table of its own, and the PRISMA nodes of updated reviews added
    to prisma_flow's codes (the data is docs/extending.md's)."""
    for name in ("search_strategies", "prisma_flow", "studies"):
        add_round_column(folder, name)
    append(folder, "search_strategies", ROUND_2_DATABASES)
    append(folder, "prisma_flow", ROUND_2_FLOW)
    append(folder, "studies", NEW_STUDY)
    append(folder, "references", NEW_REFERENCE)
    append(folder, "study_mechanisms", "doe-j-2026,apoptosis,,Reduce granulosa cell apoptosis\n")
    (folder / "data" / "search_rounds.csv").write_text(
        "round,searched,basis,evidence,version,changes\n"
        "2,2026-05,declared,,0.2.0,Update search of May 2026: one new study.\n",
        encoding="utf-8",
    )

    def change(data: dict) -> None:
        data["version"] = "0.2.0"
        node = next(
            f for f in resource(data, "prisma_flow")["schema"]["fields"] if f["name"] == "node"
        )
        node["constraints"]["enum"] += ["previous_studies", "total_studies"]
        data["resources"].append(
            {
                "name": "search_rounds",
                "profile": "tabular-data-resource",
                "path": "data/search_rounds.csv",
                "format": "csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [
                        {"name": "round", "type": "integer"},
                        {"name": "searched", "type": "string"},
                        {"name": "basis", "type": "string"},
                        {"name": "evidence", "type": "string"},
                        {"name": "version", "type": "string"},
                        {"name": "changes", "type": "string"},
                    ],
                    "primaryKey": ["round"],
                },
            }
        )

    edit_descriptor(folder, change)
    rehash(folder)
    return folder


def findings(folder: Path, **options) -> list:
    report = msc_exos_pof.validate(folder, summary=False, **options)
    return [f for f in report.findings if f.severity != "info"]


# --- the maintainer's copy -------------------------------------------------------------------


def test_a_0_1_0_copy_with_a_maintainers_round_and_study_upgrades_to_a_valid_package(
    copy_0_1_0: Path,
) -> None:
    copy = extend_like_a_maintainer(copy_0_1_0)
    [before] = findings(copy)
    assert before.check == "descriptor.model_version"
    assert "follows data model 0.1.0" in before.message and "msc-exos-pof upgrade" in before.message

    result = CliRunner().invoke(main, ["upgrade", str(copy)])
    assert result.exit_code == 0, result.output
    assert "data model 0.1.0 -> " in result.output and "now: 1 error(s)" in result.output
    # Model 1.0.0 links every study to its MSC source (study_msc_sources, which 0.1.0 lacked):
    # the gate names the maintainer's study, whose evidence only the maintainer can quote.
    [link] = findings(copy)
    assert link.check == "links.msc_source_coverage" and "'doe-j-2026'" in link.message
    append(
        copy,
        "study_msc_sources",
        "doe-j-2026,BMSC,title,bone marrow MSC,Table 2 › row 18 › Title,true\n",
    )
    rehash(copy)

    assert findings(copy) == []
    assert findings(copy, upstream=shipped_package_dir()) == []
    changes = diff(shipped_package_dir(), copy)
    assert changes.schema == []
    added = {r.name: sorted(r.added) for r in changes.resources if not r.empty}
    assert all(not r.removed and not r.changed for r in changes.resources)
    assert added == {
        "search_strategies": sorted(
            ("2", db)
            for db in ("PubMed", "Embase", "Web Of Science", "Ovid Database", "Cochrane Library")
        ),
        "prisma_flow": sorted(("2", line.split(",")[0]) for line in ROUND_2_FLOW.splitlines()),
        "references": [("76",)],
        "studies": [("doe-j-2026",)],
        "study_mechanisms": [("doe-j-2026", "apoptosis")],
        "study_msc_sources": [("doe-j-2026", "BMSC")],
        "search_rounds": [("2",)],
    }
    assert read_descriptor(copy)["version"] == "0.2.0"  # the maintainer's own version is kept


def test_a_copy_never_changed_upgrades_to_the_current_package_byte_for_byte(
    copy_0_1_0: Path,
) -> None:
    upgrade(copy_0_1_0)
    shipped = shipped_package_dir()
    for file in sorted(shipped.rglob("*")):
        if file.is_file():
            mine = copy_0_1_0 / file.relative_to(shipped)
            assert mine.read_bytes() == file.read_bytes(), file.name


def test_edits_fields_codes_and_resources_of_the_copy_are_kept(copy_0_1_0: Path) -> None:
    animals = rows(copy_0_1_0, "animal_models")
    animals[0]["note"] = "checked against the full text"
    header = [*animals[0].keys(), "strain"]
    animals.append({"animal_model_published": "Pig", "species": "pig", "note": "", "strain": ""})
    write(copy_0_1_0, "animal_models", [{"strain": "", **row} for row in animals], header)
    (copy_0_1_0 / "data" / "notes.csv").write_text("id,text\n1,mine\n", encoding="utf-8")

    def change(data: dict) -> None:
        fields = resource(data, "animal_models")["schema"]["fields"]
        fields.append({"name": "strain", "type": "string"})
        species = next(f for f in fields if f["name"] == "species")
        species["constraints"]["enum"].append("pig")
        data["resources"].append(
            {
                "name": "notes",
                "path": "data/notes.csv",
                "schema": {"fields": [{"name": "id", "type": "integer"}, {"name": "text"}]},
            }
        )

    edit_descriptor(copy_0_1_0, change)
    rehash(copy_0_1_0)
    plan = upgrade(copy_0_1_0)
    assert plan.changes["animal_models"].edited == ["Rat (note)"]
    assert plan.changes["animal_models"].added == ["Pig"]
    upgraded = rows(copy_0_1_0, "animal_models")
    assert upgraded[0]["note"] == "checked against the full text"
    assert upgraded[-1] == {
        "animal_model_published": "Pig",
        "species": "pig",
        "note": "",
        "strain": "",
    }
    assert (copy_0_1_0 / "data" / "notes.csv").read_text(encoding="utf-8") == "id,text\n1,mine\n"
    descriptor = read_descriptor(copy_0_1_0)
    assert resource(descriptor, "notes")["path"] == "data/notes.csv"
    species = next(
        f
        for f in field_list(schema_of(resource(descriptor, "animal_models")))
        if f["name"] == "species"
    )
    assert "pig" in constraints(species)["enum"]
    # a cell the copy never changed follows the current release (a correction made after 0.1.0)
    studies = {row["study_id"]: row for row in rows(copy_0_1_0, "studies")}
    current = {row["study_id"]: row for row in rows(shipped_package_dir(), "studies")}
    assert studies["geng-z-2022"]["effector_type"] == current["geng-z-2022"]["effector_type"]


def test_a_dry_run_writes_nothing_and_says_what_it_would_write(copy_0_1_0: Path) -> None:
    before = {p: p.read_bytes() for p in copy_0_1_0.rglob("*") if p.is_file()}
    result = CliRunner().invoke(main, ["upgrade", str(copy_0_1_0), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would write datapackage.json" in result.output
    assert "studies.round = 1: " in result.output
    assert {p: p.read_bytes() for p in copy_0_1_0.rglob("*") if p.is_file()} == before


def test_an_upgrade_interrupted_before_the_descriptor_can_be_run_again(
    copy_0_1_0: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each file is replaced atomically and the descriptor last: an interruption leaves the
    copy claiming its old model, and upgrading it again finishes the job."""
    from msc_exos_pof.io import atomic

    written = []
    real = atomic.write_text_atomic

    def fail_on_the_descriptor(file, text):
        if Path(file).name == "datapackage.json":
            raise KeyboardInterrupt
        written.append(Path(file).name)
        return real(file, text)

    monkeypatch.setattr(atomic, "write_text_atomic", fail_on_the_descriptor)
    with pytest.raises(KeyboardInterrupt):
        upgrade(copy_0_1_0)
    assert written and "datapackage.json" not in written
    monkeypatch.setattr(atomic, "write_text_atomic", real)
    assert [f.check for f in findings(copy_0_1_0)] == ["descriptor.model_version"]
    upgrade(copy_0_1_0)
    assert findings(copy_0_1_0) == []


# --- refusals: nothing is written --------------------------------------------------------------


def unchanged_after(folder: Path, call) -> str:
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    with pytest.raises(UpgradeError) as error:
        call()
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    return error.value.message


def test_a_copy_missing_a_field_of_its_model_is_refused(copy_0_1_0: Path) -> None:
    table = rows(copy_0_1_0, "animal_models")
    write(
        copy_0_1_0,
        "animal_models",
        [{k: v for k, v in r.items() if k != "note"} for r in table],
        ["animal_model_published", "species"],
    )
    message = unchanged_after(copy_0_1_0, lambda: upgrade(copy_0_1_0))
    assert "resource 'animal_models' lacks the field(s) note of data model 0.1.0" in message


def test_rows_that_would_share_a_key_of_the_new_model_are_refused(copy_0_1_0: Path) -> None:
    append(copy_0_1_0, "study_mechanisms", "yang-m-2020,apoptosis,,again\n")
    message = unchanged_after(copy_0_1_0, lambda: upgrade(copy_0_1_0))
    assert "resource 'study_mechanisms': row 31 repeats the key yang-m-2020/apoptosis" in message


def test_a_new_required_field_no_rule_fills_is_refused_for_the_copys_rows(
    copy_0_1_0: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = load_steps()
    step = steps[0]
    without = type(step)(
        step.source, step.target, {k: v for k, v in step.fill.items() if k != ("studies", "round")}
    )
    monkeypatch.setattr(migrate_module, "load_steps", lambda: [without])
    append(copy_0_1_0, "studies", NEW_STUDY.rsplit(",", 1)[0] + "\n")
    rehash(copy_0_1_0)
    message = unchanged_after(copy_0_1_0, lambda: upgrade(copy_0_1_0))
    assert "adds the required field 'round', which rows 18 of your copy lack" in message


def test_the_shipped_package_and_a_current_copy_need_no_upgrade(package_copy: Path) -> None:
    with pytest.raises(OutputInsidePackageError):
        plan_upgrade(shipped_package_dir())
    plan = upgrade(package_copy)
    assert plan.writes == {} and "nothing to do" in plan.lines()[0]


def test_an_unknown_model_is_refused_naming_the_models_with_a_migration(copy_0_1_0: Path) -> None:
    edit_descriptor(copy_0_1_0, lambda d: d.update(modelVersion="0.5.0"))
    message = unchanged_after(copy_0_1_0, lambda: upgrade(copy_0_1_0))
    assert "no migration leads from data model 0.5.0" in message


# --- the migration rules -----------------------------------------------------------------------


def model_descriptor(model: str) -> dict:
    if model == current_model():
        return read_descriptor(None)
    version = [r.version for r in releases(ROOT / "releases") if r.model == model][-1]
    with released_package(version, ROOT / "releases") as package:
        return read_descriptor(package)


def test_the_steps_lead_from_every_released_model_to_the_current_one() -> None:
    for model in {r.model for r in releases(ROOT / "releases")} - {current_model()}:
        assert steps_between(model, current_model())


@pytest.mark.parametrize("step", load_steps(), ids=lambda s: f"{s.source}->{s.target}")
def test_every_new_required_or_key_field_has_a_fill_rule_that_fits_it(step) -> None:
    """When a model adds a required or key field to a resource of the one before, a rule in
    migrations.json says what rows of the old model hold there (docs/releasing.md says how)."""
    old = {r["name"]: r for r in model_descriptor(step.source)["resources"]}
    new = {r["name"]: r for r in model_descriptor(step.target)["resources"]}
    renamed = {new_name for (_, _), new_name in step.fields.items()}
    needed = set()
    for name, target in new.items():
        if name not in old:
            continue
        before = {f["name"] for f in field_list(schema_of(old[name]))}
        for spec in field_list(schema_of(target)):
            if spec["name"] in before or spec["name"] in renamed:
                continue
            if constraints(spec).get("required") or spec["name"] in primary_key(schema_of(target)):
                needed.add((name, spec["name"]))
            rule = step.fill.get((name, spec["name"]))
            if rule is not None and rule.value is not None:
                assert_fits(rule.value, spec, f"{name}.{spec['name']}")
    assert needed <= set(step.fill), f"add fill rules for {sorted(needed - set(step.fill))}"
    assert set(step.fill) <= {(n, f["name"]) for n in new for f in field_list(schema_of(new[n]))}


def assert_fits(value: str, spec: dict, where: str) -> None:
    rules = constraints(spec)
    assert not rules.get("enum") or value in rules["enum"], f"{where}: {value!r} is not a code"
    if spec.get("type") in ("integer", "year"):
        assert re.fullmatch(r"-?\d+", value), f"{where}: {value!r} is not an integer"
        assert int(value) >= rules.get("minimum", int(value)), f"{where}: below the minimum"
    if rules.get("pattern"):
        assert re.fullmatch(rules["pattern"], value), f"{where}: {value!r} breaks the pattern"


@pytest.mark.parametrize("step", load_steps(), ids=lambda s: f"{s.source}->{s.target}")
def test_every_code_a_model_drops_is_renamed_or_retired_by_a_rule(step) -> None:
    old = {r["name"]: r for r in model_descriptor(step.source)["resources"]}
    new = {r["name"]: r for r in model_descriptor(step.target)["resources"]}
    for name in old.keys() & new.keys():
        after = {f["name"]: f for f in field_list(schema_of(new[name]))}
        for spec in field_list(schema_of(old[name])):
            target = after.get(step.fields.get((name, spec["name"]), spec["name"]))
            dropped = set(constraints(spec).get("enum") or []) - set(
                constraints(target).get("enum") or [] if target else []
            )
            place = (name, target["name"] if target else "")
            ruled = set(step.codes.get(place, {})) | set(step.retired.get(place, {}))
            assert dropped <= ruled, f"{name}.{spec['name']}: rename or retire {sorted(dropped)}"


def test_a_fill_rule_can_copy_another_field_of_the_row() -> None:
    rule = migrate_module.FillRule(source="pathway")
    assert rule.fill({"pathway": "PI3K/AKT"}) == "PI3K/AKT"


def test_read_package_gives_every_cell_as_text(copy_0_1_0: Path) -> None:
    package = read_package(copy_0_1_0)
    assert package.tables["studies"].rows[0]["year"] == "2020"
    assert package.tables["errata"].header[0] == "erratum_id"


def test_a_file_of_the_copys_own_where_a_new_resource_goes_is_never_replaced(
    copy_0_1_0: Path,
) -> None:
    (copy_0_1_0 / "data" / "claims.csv").write_text("my,own\nnotes,here\n", encoding="utf-8")
    message = unchanged_after(copy_0_1_0, lambda: upgrade(copy_0_1_0))
    assert "adds resource 'claims'" in message and "move it away" in message


def test_a_row_of_the_copys_own_with_a_retired_code_is_refused_with_what_to_do(
    copy_0_1_0: Path,
) -> None:
    errata = rows(copy_0_1_0, "errata")
    header = list(errata[0])
    own = {**errata[0], "erratum_id": "studies/mine/species", "kind": "narrative_contradiction"}
    write(copy_0_1_0, "errata", [*errata, own], header)
    message = unchanged_after(copy_0_1_0, lambda: upgrade(copy_0_1_0))
    assert "row(s) studies/mine/species have kind 'narrative_contradiction'" in message
    assert "retires" in message and "move the row to concerns" in message


def test_the_releases_own_row_with_a_retired_code_goes_with_the_rebase(copy_0_1_0: Path) -> None:
    assert any(row["kind"] == "narrative_contradiction" for row in rows(copy_0_1_0, "errata"))
    upgrade(copy_0_1_0)
    assert all(row["kind"] != "narrative_contradiction" for row in rows(copy_0_1_0, "errata"))

"""Compare two releases of a data package: schema changes, rows added/removed/changed, the bump.

Rows are matched by primary key with one vectorised outer merge per resource. The semantic
version bump follows docs/releasing.md:

- major: a resource or field removed or renamed, a field's type changed, a primary or foreign
  key changed, rows removed (anything that can break code or joins written for the old release);
- minor: resources, fields or rows added, or a field's constraints changed;
- patch: values corrected in existing rows, or descriptive metadata changed;
- none: the data and its schema are the same.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..io.included import RECORD_FIELDS, STUDIES
from ..io.tableschema import (
    constraints,
    field_list,
    foreign_key_entries,
    primary_key,
    schema_of,
)
from .versions import BUMPS, Bump, is_version, next_version

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import pyarrow as pa

__all__ = [
    "BUMPS",
    "Bump",
    "CellChange",
    "DataDiff",
    "LivingChanges",
    "ResourceDiff",
    "SchemaChange",
    "changes_paragraph",
    "diff",
    "render_json",
    "render_text",
    "suggest_version",
]

#: Descriptor keys that change with every release or every edit and say nothing about the data
#: (``modelVersion`` follows the schema changes, which are reported themselves).
_VOLATILE = {"version", "modelVersion", "created", "resources", "bytes", "hash"}
#: Schema changes that change the data model (what ``upgrade`` migrates); the others reword.
MODEL_KINDS = frozenset(
    {
        "resource_removed",
        "resource_added",
        "field_removed",
        "field_added",
        "type_changed",
        "format_changed",
        "constraints_changed",
        "primary_key_changed",
        "foreign_keys_changed",
    }
)
#: Per-field keys that only describe (a change is a patch).
_DESCRIPTIVE = {"description", "title", "example", "rdfType"}
#: At most this many changed cells are kept per resource in text output (JSON keeps all).
TEXT_LIMIT = 50


@dataclass(frozen=True)
class SchemaChange:
    """A change of the package's shape: a resource, field, key or metadata entry."""

    kind: str
    bump: Bump
    resource: str | None = None
    field: str | None = None
    old: Any = None
    new: Any = None

    def describe(self) -> str:
        where = ".".join(part for part in (self.resource, self.field) if part) or "package"
        words = self.kind.replace("_", " ")
        if self.old is None and self.new is None:
            return f"{where}: {words}"
        return f"{where}: {words}: {_short(self.old)} -> {_short(self.new)}"


@dataclass(frozen=True)
class CellChange:
    """One value that differs in a row present in both releases."""

    key: tuple[str, ...]
    field: str
    old: str
    new: str


@dataclass
class ResourceDiff:
    """Row-level differences of one resource present in both releases."""

    name: str
    key: list[str]
    added: list[tuple[str, ...]] = field(default_factory=list)
    removed: list[tuple[str, ...]] = field(default_factory=list)
    changed: list[CellChange] = field(default_factory=list)
    note: str | None = None
    rows_before: int | None = None
    rows_after: int | None = None

    @property
    def bump(self) -> Bump:
        if self.removed:
            return "major"
        if self.added or any(c.field in RECORD_FIELDS.get(self.name, ()) for c in self.changed):
            return "minor"  # a study added or removed changes what the review includes
        return "patch" if self.changed else "none"

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass
class DataDiff:
    """What changed from ``old`` to ``new``, and the smallest version bump that says so."""

    old: str
    new: str
    old_version: str | None
    new_version: str | None
    schema: list[SchemaChange] = field(default_factory=list)
    resources: list[ResourceDiff] = field(default_factory=list)
    #: The living review's news: search rounds and studies added, studies removed (rows of the
    #: new release as text), and the number of included studies before and after.
    living: LivingChanges | None = None

    @property
    def bump(self) -> Bump:
        levels = [c.bump for c in self.schema] + [r.bump for r in self.resources]
        return max(levels, key=BUMPS.index, default="none")

    @property
    def reasons(self) -> list[str]:
        """Why the bump is what it is: the changes at the highest level."""
        bump = self.bump
        out = [c.describe() for c in self.schema if c.bump == bump]
        for r in self.resources:
            if r.bump == bump and bump != "none":
                out.append(f"{r.name}: {_row_summary(r)}")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            "old_version": self.old_version,
            "new_version": self.new_version,
            "bump": self.bump,
            "suggested_version": suggest_version(self.old_version, self.bump),
            "reasons": self.reasons,
            "schema": [asdict(c) for c in self.schema],
            "resources": [
                {
                    "name": r.name,
                    "key": r.key,
                    "bump": r.bump,
                    "note": r.note,
                    "rows_before": r.rows_before,
                    "rows_after": r.rows_after,
                    "added": [list(k) for k in r.added],
                    "removed": [list(k) for k in r.removed],
                    "changed": [
                        {"key": list(c.key), "field": c.field, "old": c.old, "new": c.new}
                        for c in r.changed
                    ],
                }
                for r in self.resources
            ],
        }


@dataclass
class LivingChanges:
    """What a new release of a living copy adds: its rounds and studies (PRISMA-LSR asks a
    living review for the changes since the previous version and the date of each search)."""

    rounds: list[dict[str, str]] = field(default_factory=list)
    studies: list[dict[str, str]] = field(default_factory=list)
    removals: list[dict[str, str]] = field(default_factory=list)
    included_before: int | None = None
    included_after: int | None = None

    @property
    def empty(self) -> bool:
        return not (self.rounds or self.studies or self.removals)


def _plural(count: int, word: str) -> str:
    """'1 new study', '3 new studies'."""
    if count == 1:
        return f"{count} {word}"
    return f"{count} {word[:-1]}ies" if word.endswith("y") else f"{count} {word}s"


#: Resources whose new rows ``changes_paragraph`` names itself (rounds, studies, removals).
_LIVING_TABLES = frozenset({"search_rounds", "studies"})
#: Resources a new round always touches: their rows are part of the round, not other changes.
_ROUND_TABLES = frozenset(
    {"search_strategies", "prisma_flow", "references", "study_mechanisms", "study_msc_sources"}
)


def changes_paragraph(result: DataDiff) -> str:
    """The CHANGELOG entry of ``new``: "Changes since the previous version" (PRISMA-LSR), naming
    the new search rounds with their dates, the new and removed studies, the included total and
    the other changes, with the version bump they need."""
    living = result.living or LivingChanges()
    version = suggest_version(result.old_version, result.bump) or result.new_version
    shown = result.new_version if result.new_version != result.old_version else version
    heading = [f"## {shown}", "", f"Changes since the previous version ({result.old_version}):", ""]
    lines = _round_lines(living) + _study_lines(living) + _other_changes(result)
    if not lines:
        lines = ["- No changes in data or schema."]
    footer = [
        "",
        f"Version bump: {result.bump} (new rounds or studies are minor, corrections "
        "patch, schema changes major).",
    ]
    return "\n".join(heading + lines + footer) + "\n"


def _round_lines(living: LivingChanges) -> list[str]:
    lines = []
    for item in living.rounds:
        text = f"- Search round {item.get('round')} (searched {item.get('searched') or 'undated'})"
        lines.append(text + (f": {item['changes']}" if item.get("changes") else "."))
    return lines


def _study_label(study: dict[str, str]) -> str:
    label = study.get("label_published")
    return f"{study.get('study_id')} ({label})" if label else str(study.get("study_id"))


def _study_lines(living: LivingChanges) -> list[str]:
    lines = []
    if living.studies:
        names = ", ".join(_study_label(study) for study in living.studies)
        lines.append(f"- {_plural(len(living.studies), 'new study')}: {names}.")
    for item in living.removals:
        lines.append(
            f"- Removed in round {item.get('round')}: {item.get('study_id')} "
            f"({item.get('reason')}): {item.get('note')}"
        )
    if living.included_before is not None and living.included_after is not None:
        lines.append(
            f"- Studies included: {living.included_after} "
            f"(previous version: {living.included_before})."
        )
    return lines


def _corrections(r: ResourceDiff) -> list[CellChange]:
    """The changed cells of ``r`` that are not a study's removal."""
    return [c for c in r.changed if c.field not in RECORD_FIELDS.get(r.name, ())]


def _other_changes(result: DataDiff) -> list[str]:
    """Changes that are not new rounds, new studies or the rows a round adds."""
    other = [
        f"{r.name}: {_row_summary(r)}"
        for r in result.resources
        if not r.empty
        and not (r.name in _LIVING_TABLES and not _corrections(r) and not r.removed)
        and r.name not in _ROUND_TABLES
    ]
    other += [c.describe() for c in result.schema if c.kind != "metadata_changed"]
    return [f"- Other changes: {'; '.join(other)}."] if other else []


def _living(
    old_files: dict[str, Any],
    new_files: dict[str, Any],
    result: DataDiff,
    tables: dict[Path, pa.Table],
) -> LivingChanges:
    living = LivingChanges()
    by_name = {r.name: r for r in result.resources}
    for name, target, columns in (
        ("search_rounds", living.rounds, ("round", "searched", "changes")),
        ("studies", living.studies, ("study_id", "label_published")),
    ):
        if name not in new_files:
            continue
        frame = _table(new_files[name], tables).to_pandas()
        if name in by_name:
            added = set(by_name[name].added)
            key = by_name[name].key
            rows = frame[[tuple(k) in added for k in _keys(frame, key)]] if added else frame[:0]
        else:
            rows = frame  # the resource is new: every row is
        for record in rows.to_dict("records"):
            target.append({c: "" if record.get(c) is None else str(record.get(c)) for c in columns})
    before, after = _removed(old_files, tables), _removed(new_files, tables)
    living.removals = [
        {"study_id": study, **removal} for study, removal in after.items() if study not in before
    ]
    living.included_before = _included(old_files, tables, before)
    living.included_after = _included(new_files, tables, after)
    return living


def _removed(files: dict[str, Any], tables: dict[Path, pa.Table]) -> dict[str, dict[str, str]]:
    """Study id -> its removal (round, reason, note) for every study a round removed."""
    from ..io.included import removed_rows

    if STUDIES not in files:
        return {}
    removed = removed_rows(_table(files[STUDIES], tables))
    return {
        study: dict(zip(("round", "reason", "note"), fields.values(), strict=True))
        for study, fields in removed.items()
    }


def _included(
    files: dict[str, Any], tables: dict[Path, pa.Table], removed: dict[str, Any]
) -> int | None:
    """Studies rows minus those a round removed (``removed``): the studies a release includes
    now."""
    if "studies" not in files:
        return None
    return _table(files["studies"], tables).num_rows - len(removed)


def suggest_version(version: str | None, bump: Bump) -> str | None:
    """The next version after ``version`` for ``bump`` (``None`` if ``version`` is not
    ``X.Y.Z`` or ``X.Y.Z.devN``; see ``versions.next_version``)."""
    if not is_version(version):
        return None
    return str(version) if bump == "none" else next_version(str(version), bump)


def _short(value: Any, limit: int = 60) -> str:
    # An empty cell is shown as "" so that "-> x" never hides what it replaced.
    text = value if isinstance(value, str) and value else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _row_summary(r: ResourceDiff) -> str:
    parts = []
    if r.added:
        parts.append(f"{len(r.added)} row(s) added")
    if r.removed:
        parts.append(f"{len(r.removed)} row(s) removed")
    if r.changed:
        rows = len({c.key for c in r.changed})
        parts.append(f"{len(r.changed)} value(s) changed in {rows} row(s)")
    return ", ".join(parts) or "no row changes"


def _fields(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in field_list(schema_of(resource))}


def _schema_changes(old: dict[str, Any], new: dict[str, Any]) -> list[SchemaChange]:
    changes = _metadata_changes(old, new)
    old_res = {r["name"]: r for r in old["resources"]}
    new_res = {r["name"]: r for r in new["resources"]}
    for name in old_res.keys() - new_res.keys():
        changes.append(SchemaChange("resource_removed", "major", resource=name))
    for name in new_res.keys() - old_res.keys():
        changes.append(SchemaChange("resource_added", "minor", resource=name))
    for name in [n for n in new_res if n in old_res]:
        changes.extend(_resource_changes(name, old_res[name], new_res[name]))
    order = {b: i for i, b in enumerate(reversed(BUMPS))}
    return sorted(changes, key=lambda c: (order[c.bump], c.resource or "", c.field or ""))


def _metadata_changes(old: dict[str, Any], new: dict[str, Any]) -> list[SchemaChange]:
    """Package-level properties that changed (a patch: they describe, they hold no data)."""
    return [
        SchemaChange("metadata_changed", "patch", field=key, old=old.get(key), new=new.get(key))
        for key in sorted((set(old) | set(new)) - _VOLATILE)
        if old.get(key) != new.get(key)
    ]


def _resource_changes(name: str, old: dict[str, Any], new: dict[str, Any]) -> list[SchemaChange]:
    """What changed in one resource present in both releases: its fields, keys and metadata."""
    old_fields, new_fields = _fields(old), _fields(new)
    changes = [
        SchemaChange("field_removed", "major", name, f) for f in old_fields if f not in new_fields
    ]
    changes += [
        SchemaChange("field_added", "minor", name, f) for f in new_fields if f not in old_fields
    ]
    for f in [f for f in new_fields if f in old_fields]:
        changes.extend(_field_changes(name, f, old_fields[f], new_fields[f]))
    changes.extend(_key_changes(name, schema_of(old), schema_of(new)))
    changes.extend(
        SchemaChange(f"resource_{key}_changed", "patch", name, None, old.get(key), new.get(key))
        for key in ("path", "title", "description")
        if old.get(key) != new.get(key)
    )
    return changes


def _field_changes(
    name: str, field: str, before: dict[str, Any], after: dict[str, Any]
) -> list[SchemaChange]:
    """A field's type and format (major), constraints (minor) and descriptions (patch)."""
    changes = []
    old_type, new_type = before.get("type", "string"), after.get("type", "string")
    if old_type != new_type:
        changes.append(SchemaChange("type_changed", "major", name, field, old_type, new_type))
    if (before.get("format") or "default") != (after.get("format") or "default"):
        changes.append(
            SchemaChange(
                "format_changed", "major", name, field, before.get("format"), after.get("format")
            )
        )
    if constraints(before) != constraints(after):
        changes.append(
            SchemaChange(
                "constraints_changed",
                "minor",
                name,
                field,
                constraints(before) or None,
                constraints(after) or None,
            )
        )
    changes.extend(
        SchemaChange(f"{key}_changed", "patch", name, field, before.get(key), after.get(key))
        for key in sorted(_DESCRIPTIVE)
        if before.get(key) != after.get(key)
    )
    return changes


def _key_changes(name: str, old: dict[str, Any], new: dict[str, Any]) -> list[SchemaChange]:
    """The primary key and the foreign keys (major: joins written for the old release break)."""
    changes = []
    if primary_key(old) != primary_key(new):
        changes.append(
            SchemaChange(
                "primary_key_changed", "major", name, None, primary_key(old), primary_key(new)
            )
        )
    old_foreign, new_foreign = foreign_key_entries(old), foreign_key_entries(new)
    if old_foreign != new_foreign:
        changes.append(
            SchemaChange(
                "foreign_keys_changed",
                "major",
                name,
                None,
                old_foreign or None,
                new_foreign or None,
            )
        )
    return changes


def _keys(frame: pd.DataFrame, columns: list[str]) -> list[tuple[str, ...]]:
    return list(frame[columns].astype(str).itertuples(index=False, name=None))


def _one_array(array: Any) -> Any:
    import pyarrow as pa

    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _sorted_keys(table: pa.Table, key: list[str]) -> list[tuple[str, ...]]:
    """The rows' keys as tuples, sorted (the order of an outer merge's result)."""
    import pyarrow.compute as pc

    table = table.select(key).take(pc.sort_indices(table, [(k, "ascending") for k in key]))
    return list(zip(*(table.column(k).to_pylist() for k in key), strict=True))


def _cell(table: pa.Table, column: str, row: int) -> str:
    return table.column(column)[row].as_py()


def _first_rows(table: pa.Table, key: list[str]) -> tuple[pa.Table, list[tuple[str, ...]]]:
    """The first row of each key, and the keys of the rows that repeat a key seen before."""
    import pandas as pd

    from ..io.vectorised import row_keys

    repeats = pd.Series(row_keys(*(table.column(k) for k in key))).duplicated().to_numpy()
    if not repeats.any():
        return table, []
    again = table.filter(repeats)
    keys = list(zip(*(again.column(k).to_pylist() for k in key), strict=True))
    return table.filter(~repeats), keys


def _row_diff(name: str, key: list[str], old: pa.Table, new: pa.Table) -> ResourceDiff:
    """Rows added, removed and changed, by ``key``: the first row of each key on each side,
    matched by one hash lookup of the keys, each common column compared by one kernel; rows
    listed in key order."""
    import numpy as np
    import pyarrow.compute as pc

    from ..io.vectorised import row_keys

    result = ResourceDiff(name, key, rows_before=old.num_rows, rows_after=new.num_rows)
    common = [c for c in new.column_names if c in old.column_names and c not in key]
    notes = []
    (old, old_repeats), (new, new_repeats) = _first_rows(old, key), _first_rows(new, key)
    for label, repeats in (("old", old_repeats), ("new", new_repeats)):
        if repeats:
            notes.append(
                f"{len(repeats)} repeated key(s) in the {label} release "
                "were compared by their first row only"
            )
    old_keys = _one_array(row_keys(*(old.column(k) for k in key)))
    new_keys = _one_array(row_keys(*(new.column(k) for k in key)))
    in_new = pc.index_in(old_keys, value_set=new_keys)
    result.removed = _sorted_keys(old.filter(pc.is_null(in_new)), key)
    result.added = _sorted_keys(new.filter(pc.invert(pc.is_in(new_keys, value_set=old_keys))), key)
    # A row that repeats a key is a row all the same: one the new release adds (or drops) beyond
    # the old's repeats of that key is added (removed), so the diff never says "no differences".
    from collections import Counter

    before_repeats, after_repeats = Counter(old_repeats), Counter(new_repeats)
    result.added += list((after_repeats - before_repeats).elements())
    result.removed += list((before_repeats - after_repeats).elements())
    matched = pc.is_valid(in_new)
    before = old.filter(matched)
    after = new.take(pc.drop_null(in_new))
    order = pc.sort_indices(before, [(k, "ascending") for k in key])
    before, after = before.take(order), after.take(order)
    if common and before.num_rows:
        differs = np.column_stack(
            [
                pc.not_equal(before.column(c), after.column(c)).to_numpy(zero_copy_only=False)
                for c in common
            ]
        )
        rows, columns = np.nonzero(differs)
        keys = list(zip(*(before.column(k).take(rows).to_pylist() for k in key), strict=True))
        result.changed = [
            CellChange(k, common[c], _cell(before, common[c], r), _cell(after, common[c], r))
            for k, r, c in zip(keys, rows.tolist(), columns.tolist(), strict=True)
        ]
    result.note = "; ".join(notes) or None
    return result


def _key_for(
    name: str,
    old: dict[str, Any],
    new: dict[str, Any],
    old_columns: list[str],
    new_columns: list[str],
) -> tuple[list[str], str | None]:
    """The columns rows are matched by: the new primary key if both tables have it."""
    for resource in (new, old):
        key = primary_key(schema_of(resource))
        if key and all(k in old_columns and k in new_columns for k in key):
            return key, None
    common = [c for c in new_columns if c in old_columns]
    return common, (
        f"'{name}' has no primary key shared by both releases; rows were matched "
        "on all their common columns, so a changed value shows as a row removed "
        "and a row added"
    )


def _header_change(name: str, old: list[str], new: list[str]) -> SchemaChange | None:
    """The CSV header itself changed (a column renamed, dropped, added or moved), which the
    rows compared on their common columns would not show."""
    if old == new:
        return None
    gone = [column for column in old if column not in set(new)]
    added = [column for column in new if column not in set(old)]
    if not gone and not added:
        return SchemaChange("csv_columns_reordered", "patch", name, None, old, new)
    bump: Bump = "major" if gone else "minor"
    return SchemaChange("csv_header_changed", bump, name, None, gone, added)


def _open(path: str | os.PathLike[str], stack: contextlib.ExitStack) -> Path:
    """A folder or descriptor to read: a wheel or zip is unpacked (datapackage only), and a
    released version (``0.1.0``) that is not a path is read from the release record."""
    candidate = Path(path).expanduser()
    if candidate.is_file() and candidate.suffix in {".whl", ".zip"}:
        return _unpack(candidate, stack)
    if not candidate.exists() and is_version(str(path)):
        return _version_package(str(path), stack)
    return candidate


def _version_package(version: str, stack: contextlib.ExitStack) -> Path:
    """The package of a recorded release, or the package at hand when it carries ``version``
    (``diff 0.1.0 1.0.0`` before 1.0.0 is recorded, in the checkout that is cutting it)."""
    from ..errors import PackageError
    from ..io.descriptor import MISSING, read_descriptor
    from ..io.locate import discover_package, shipped_package_dir
    from .record import find_release, released_package, releases

    if find_release(version) is None:
        for here in (discover_package(), shipped_package_dir()):
            if here is not None and read_descriptor(here).get("version") == version:
                return Path(here)
        known = ", ".join(item.version for item in releases()) or "none yet"
        raise PackageError(
            MISSING,
            f"{version} is neither a package folder nor a recorded release (recorded: {known}, "
            "and the package at hand); give a recorded version, a folder, a datapackage.json or "
            "a release wheel",
        )
    return stack.enter_context(released_package(version))


def _unpack(archive: Path, stack: contextlib.ExitStack) -> Path:
    """The data package of a zip or wheel, unpacked into a temporary folder with the limits
    of ``io.archive`` (bounded while decompressing, whatever the archive states)."""
    from ..io.archive import unpack_package

    target = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="msc-exos-pof-diff-")))
    return unpack_package(archive, target)


def diff(old: str | os.PathLike[str], new: str | os.PathLike[str]) -> DataDiff:
    """Compare two data packages: folders, ``datapackage.json`` files, release wheels or zips,
    or released versions (``"0.1.0"``, read from the release record, offline).

    Raises ``PackageError`` when either cannot be read at all, ``TableError`` when a table
    of a resource present in both cannot be read, and ``ReleaseError`` for a version that was
    never released.
    """
    from ..io.descriptor import read_descriptor, resource_files

    with contextlib.ExitStack() as stack:
        old_path, new_path = _open(old, stack), _open(new, stack)
        old_desc, new_desc = read_descriptor(old_path), read_descriptor(new_path)
        old_files = {item.name: item for item in resource_files(old_path)}
        new_files = {item.name: item for item in resource_files(new_path)}
        result = DataDiff(
            str(old),
            str(new),
            old_desc.get("version"),
            new_desc.get("version"),
            _schema_changes(old_desc, new_desc),
        )
        tables: dict[Path, Any] = {}
        for name, item in new_files.items():
            if name in old_files:
                _compare_resource(result, name, old_files[name], item, tables)
        result.living = _living(old_files, new_files, result, tables)
        return result


def _compare_resource(
    result: DataDiff, name: str, old: Any, new: Any, tables: dict[Path, pa.Table]
) -> None:
    """Add the header change and the row differences of resource ``name`` to ``result``."""
    old_table, new_table = _table(old, tables), _table(new, tables)
    header = _header_change(name, old_table.column_names, new_table.column_names)
    if header is not None:
        result.schema.append(header)
    key, note = _key_for(
        name, old.descriptor, new.descriptor, old_table.column_names, new_table.column_names
    )
    if not key:  # no column in common: no row can match, all are removed and added
        result.resources.append(
            ResourceDiff(
                name,
                [],
                added=[(f"row {i + 1}",) for i in range(new_table.num_rows)],
                removed=[(f"row {i + 1}",) for i in range(old_table.num_rows)],
                note=f"'{name}' has no column in common between the releases",
            )
        )
        return
    resource = _row_diff(name, key, old_table, new_table)
    if note:
        resource.note = "; ".join(filter(None, [note, resource.note]))
    result.resources.append(resource)


def _table(item: Any, tables: dict[Path, pa.Table]) -> pa.Table:
    """A resource's table as read (``TableError`` if it cannot be), read once per diff."""
    from ..io.table import read_arrow

    if item.file not in tables:
        tables[item.file] = read_arrow(item)[0]
    return tables[item.file]


def render_json(result: DataDiff) -> str:
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"


def render_text(result: DataDiff, limit: int = TEXT_LIMIT) -> str:
    """A readable summary: the bump and why, the changes in the review's terms (studies, search
    rounds, counts, errata), then schema and row changes per resource."""
    from .summary import review_lines

    lines = _bump_lines(result)
    if result.bump == "none":
        return "\n".join([*lines, "No differences in data or schema."]) + "\n"
    lines += review_lines(result)
    lines += ["", f"Why {result.bump}:", *(f"  because {reason}" for reason in result.reasons)]
    if result.schema:
        lines += ["", "Schema and metadata:"]
        lines += [f"  [{c.bump}] {c.describe()}" for c in result.schema]
    for r in result.resources:
        if not r.empty or r.note:
            lines += _resource_lines(r, limit)
    return "\n".join(lines) + "\n"


def _bump_lines(result: DataDiff) -> list[str]:
    suggested = suggest_version(result.old_version, result.bump)
    return [
        f"{result.old} (version {result.old_version}) -> {result.new} "
        f"(version {result.new_version})",
        f"Required version bump: {result.bump}"
        + (f" (next version: {suggested})" if suggested and result.bump != "none" else ""),
    ]


def _resource_lines(r: ResourceDiff, limit: int) -> list[str]:
    """One resource's row changes: the keys added and removed, then each changed value."""
    lines = ["", f"{r.name} (key: {', '.join(r.key)}): {_row_summary(r)}"]
    if r.note:
        lines.append(f"  note: {r.note}")
    for label, keys in (("added", r.added), ("removed", r.removed)):
        if keys:
            shown = ", ".join("/".join(k) for k in keys[:limit])
            more = f" and {len(keys) - limit} more" if len(keys) > limit else ""
            lines.append(f"  {label}: {shown}{more}")
    lines += [
        f"  {'/'.join(c.key)} {c.field}: {_short(c.old)} -> {_short(c.new)}"
        for c in r.changed[:limit]
    ]
    if len(r.changed) > limit:
        lines.append(
            f"  ... and {len(r.changed) - limit} more changed values (--format json lists all)"
        )
    return lines

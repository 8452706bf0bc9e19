"""``msc-exos-pof upgrade``: plan the migration of a copy to the current data model, check that
all of it can be done, then write it (atomically, file by file, the descriptor last).

>>> import tempfile
>>> from msc_exos_pof.release.record import released_package
>>> with released_package("0.1.0") as old, tempfile.TemporaryDirectory() as folder:
...     import shutil; copy = shutil.copytree(old, folder + "/copy")
...     plan = upgrade(copy)
...     (plan.found, plan.target == current_model(), plan.base)
('0.1.0', True, '0.1.0')
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import OutputInsidePackageError, UpgradeError
from ..io.tableschema import constraints, field_list, primary_key, schema_of
from .migrate import (
    Package,
    Step,
    Table,
    TableChanges,
    migrate,
    read_package,
    rebase,
    resources_by_name,
    steps_between,
)
from .model import current_model, model_version


@dataclass
class UpgradePlan:
    """What ``upgrade`` does to the copy at ``folder``."""

    folder: Path
    found: str
    target: str
    base: str | None = None  # the release the copy was made from
    steps: list[Step] = field(default_factory=list)
    changes: dict[str, TableChanges] = field(default_factory=dict)
    writes: dict[Path, str] = field(default_factory=dict)  # file -> new text, descriptor last

    def lines(self, dry_run: bool = False) -> list[str]:
        """What was (or, with ``dry_run``, would be) done, for the terminal."""
        if self.found == self.target:
            return [f"{self.folder}: already follows data model {self.target}; nothing to do"]
        out = [
            f"{self.folder}: data model {self.found} -> {self.target} "
            f"(compared with release {self.base}, the one it was made from)"
        ]
        for step in self.steps:
            out += [
                f"  {resource}.{column} = {rule.value or 'the ' + str(rule.source)}: {rule.why}"
                for (resource, column), rule in step.fill.items()
            ]
        for name, change in self.changes.items():
            out += _change_lines(name, change)
        verb = "would write" if dry_run else "wrote"
        out += [f"  {verb} {path.relative_to(self.folder)}" for path in self.writes]
        return out


def _change_lines(name: str, change: TableChanges) -> list[str]:
    lines = []
    for label, items in (
        ("rows you added, kept", change.added),
        ("rows you edited, kept", change.edited),
        ("rows you removed, left out", change.removed),
        ("unedited rows the current release dropped", change.release_removed),
        ("conflicts (yours kept)", change.conflicts),
    ):
        if items:
            lines.append(f"  {name}: {label}: {', '.join(items)}")
    if change.release_added:
        lines.append(f"  {name}: {change.release_added} row(s) of the current release added")
    return lines


def _model_folder(model: str, stack: contextlib.ExitStack) -> Path:
    """The package of data model ``model``: the shipped one for the current model, else its
    latest release, from the record."""
    from ..io.locate import shipped_package_dir
    from .record import released_package, releases

    if model == current_model():
        return shipped_package_dir()
    found = [item.version for item in releases() if item.model == model]
    if not found:
        raise UpgradeError(f"no recorded release has data model {model}; restore the record")
    return stack.enter_context(released_package(found[-1]))


def _base_release(version: object, model: str) -> str:
    """The release a copy of ``model`` carrying ``version`` was made from."""
    from .record import releases

    of_model = [item.version for item in releases() if item.model == model]
    if not of_model:
        raise UpgradeError(f"no recorded release has data model {model}; restore the record")
    return version if version in of_model else of_model[-1]  # type: ignore[return-value]


def _check_conforms(mine: Package, released: Package, model: str) -> None:
    """The copy keeps every resource and field of the model it claims (else nothing can be
    migrated safely)."""
    for name, table in released.tables.items():
        if name not in mine.tables:
            raise UpgradeError(
                f"resource '{name}' of data model {model} is missing from the copy; restore it "
                "(its file and its descriptor entry) and run upgrade again"
            )
        lacking = [c for c in table.header if c not in mine.tables[name].header]
        if lacking:
            raise UpgradeError(
                f"resource '{name}' lacks the field(s) {', '.join(lacking)} of data model "
                f"{model}; restore the column(s) (empty cells are fine) and run upgrade again"
            )


def _check_filled(package: Package, changes: dict[str, TableChanges]) -> None:
    """A new required or key field that no rule fills must not be left empty in a row of the
    copy's own (the release's rows have their values)."""
    resources = resources_by_name(package.descriptor)
    for name, column in sorted(package.unfilled):
        schema = schema_of(resources.get(name))
        spec = next((f for f in field_list(schema) if f["name"] == column), {})
        if not (constraints(spec).get("required") or column in primary_key(schema)):
            continue
        empty = [i + 1 for i, row in enumerate(package.tables[name].rows) if not row.get(column)]
        if empty:
            raise UpgradeError(
                f"resource '{name}': the current data model adds the required field '{column}', "
                f"which rows {', '.join(map(str, empty[:8]))} of your copy lack and no migration "
                f"rule fills; add a '{column}' column with their values to the copy's CSV (the "
                "upgrade keeps it) and run upgrade again"
            )


def _check_retired(package: Package, steps: list[Step]) -> None:
    """A row of the copy's own with a code the current model retired (no equivalent code) is
    the maintainer's to move; the release's own such rows the rebase has dropped already."""
    resources = resources_by_name(package.descriptor)
    for step in steps:
        for (name, column), codes in sorted(step.retired.items()):
            table = package.tables.get(name)
            rows = table.rows if table is not None else []
            key = primary_key(schema_of(resources.get(name)))
            for code, what_to_do in codes.items():
                found = [
                    "/".join(row.get(k, "") for k in key) for row in rows if row.get(column) == code
                ]
                if found:
                    raise UpgradeError(
                        f"resource '{name}': your copy's row(s) {', '.join(found[:8])} have "
                        f"{column} '{code}', which data model {step.target} retires: "
                        f"{what_to_do}; then run upgrade again"
                    )


def _csv_text(header: list[str], rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([row.get(column, "") for column in header] for row in rows)
    return buffer.getvalue()


def _text_of(table: Table, release: Table | None) -> str:
    """The CSV text of ``table``: the current release's own bytes when it is that table."""
    if release is not None and release == table and release.source is not None:
        with contextlib.suppress(UnicodeDecodeError):
            return release.source.decode("utf-8")
    return _csv_text(table.header, table.rows)


def _writes(folder: Path, package: Package, original: Package, release: Package) -> dict[Path, str]:
    """The files to write (the tables the upgrade changed), with fresh bytes and hashes in the
    descriptor, which comes last. A new resource never replaces a file of the copy's own."""
    writes: dict[Path, str] = {}
    for resource in package.descriptor["resources"]:
        name, target = resource["name"], folder / resource["path"]
        table = package.tables[name]
        if original.tables.get(name) == table:  # untouched: its bytes stay as they are
            data = target.read_bytes()
        else:
            text = _text_of(table, release.tables.get(name))
            data = text.encode("utf-8")
            on_disk = target.read_bytes() if target.is_file() else None
            if name not in original.tables and target.exists() and on_disk != data:
                # (the same bytes are an interrupted upgrade's: written again, harmlessly)
                raise UpgradeError(
                    f"the current data model adds resource '{name}' at {target}, which already "
                    "exists and is not a resource of the copy; move it away and run upgrade again"
                )
            if on_disk != data:
                writes[target] = text
        resource["bytes"], resource["hash"] = (
            len(data),
            "sha256:" + hashlib.sha256(data).hexdigest(),
        )
    descriptor = json.dumps(package.descriptor, indent=2, ensure_ascii=False) + "\n"
    writes[folder / "datapackage.json"] = descriptor
    return writes


def plan_upgrade(path: str | os.PathLike[str]) -> UpgradePlan:
    """What upgrading the copy at ``path`` writes; ``UpgradeError`` (nothing written) when the
    copy cannot be fully migrated, ``OutputInsidePackageError`` for the shipped package."""
    from ..io.locate import descriptor_path, inside_package

    file = descriptor_path(path)
    if inside_package(file, None) is not None:
        raise OutputInsidePackageError(
            f"refusing to upgrade the package shipped with the library ({file.parent}); it "
            "follows the current model already"
        )
    mine = original = read_package(path)
    plan = UpgradePlan(file.parent, model_version(mine.descriptor), current_model())
    if plan.found == plan.target:
        return plan
    plan.steps = steps_between(plan.found, plan.target)
    plan.base = _base_release(mine.descriptor.get("version"), plan.found)
    with contextlib.ExitStack() as stack:
        from .record import released_package

        base = read_package(stack.enter_context(released_package(plan.base)))
        _check_conforms(mine, base, plan.found)
        adopted = set(mine.tables) - set(base.tables)  # the copy's own, before the model's
        old = base.descriptor
        for step in plan.steps:
            target = read_package(_model_folder(step.target, stack))
            mine, base = migrate(mine, step, old, target), migrate(base, step, old, target)
            old = target.descriptor
        merged, plan.changes = rebase(base, mine, target, adopted)
    _check_filled(merged, plan.changes)
    _check_retired(merged, plan.steps)
    plan.writes = _writes(plan.folder, merged, original, target)
    return plan


def upgrade(path: str | os.PathLike[str], *, dry_run: bool = False) -> UpgradePlan:
    """Migrate the copy at ``path`` to the current data model (see ``plan_upgrade``); with
    ``dry_run`` nothing is written. Returns the plan, whose ``writes`` are the files written."""
    from ..io.atomic import refuse_unless_replaceable, write_text_atomic

    plan = plan_upgrade(path)
    if not dry_run:
        for target in plan.writes:  # all checked before the first is written (no link, FIFO...)
            refuse_unless_replaceable(target)
        for target, text in plan.writes.items():  # the descriptor is the last of them
            write_text_atomic(target, text)
    return plan

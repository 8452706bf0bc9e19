"""A diff in the review's terms: studies added and removed, search rounds, counts and errata
changed, tables and fields added. ``diff`` prints it before the row-level detail, and
``release`` writes it as the Data section of the CHANGELOG entry.
"""

from __future__ import annotations

from collections import defaultdict

from .diff import DataDiff, ResourceDiff

#: At most this many keys are named per item (the row-level detail lists them all).
NAMED = 8
#: Counts a reader of the review quotes: the resource and the field that holds the number.
_COUNTS = (
    ("prisma_flow", "count", "PRISMA flow"),
    ("stated_counts", "value", "stated counts"),
    ("msc_sources", "stated_study_count", "studies per MSC source"),
    ("search_strategies", "records", "records per database"),
)


def _names(keys: list[str]) -> str:
    shown = ", ".join(keys[:NAMED])
    return shown + (f" and {len(keys) - NAMED} more" if len(keys) > NAMED else "")


def _changed_rows(resource: ResourceDiff, fields: set[str] | None = None) -> dict[str, list[str]]:
    """``{row key: [changed fields]}``, keys joined with '/'."""
    rows: dict[str, list[str]] = defaultdict(list)
    for change in resource.changed:
        if fields is None or change.field in fields:
            rows["/".join(change.key)].append(change.field)
    return dict(rows)


def _rows_phrase(resource: ResourceDiff, noun: str) -> list[str]:
    """'1 added: x', '2 removed: y, z', '3 with changed values: a (f, g)'."""
    parts = []
    if resource.added:
        parts.append(
            f"{len(resource.added)} added: {_names(['/'.join(k) for k in resource.added])}"
        )
    if resource.removed:
        removed = ["/".join(k) for k in resource.removed]
        parts.append(f"{len(resource.removed)} removed: {_names(removed)}")
    changed = _changed_rows(resource)
    if changed:
        named = [f"{key} ({', '.join(fields)})" for key, fields in changed.items()]
        parts.append(f"{len(changed)} with changed values: {_names(named)}")
    return parts or [f"no {noun} added, removed or changed"]


def _studies(result: DataDiff, resources: dict[str, ResourceDiff]) -> list[str]:
    living = result.living
    total = ""
    if living is not None and living.included_after is not None:
        before = living.included_before
        total = f"{living.included_after} included" + (
            f" ({result.old_version}: {before})" if before is not None else ""
        )
    found = resources.get("studies")
    parts = [total] if total else []
    parts += _rows_phrase(found, "study") if found else []
    return [f"studies: {'; '.join(parts)}"] if parts else []


def _rounds(result: DataDiff) -> list[str]:
    living = result.living
    if living is None or not (living.rounds or living.removals):
        return []
    parts = [
        f"round {r.get('round')} (searched {r.get('searched') or 'undated'})" for r in living.rounds
    ]
    parts += [
        f"study {r.get('study_id')} removed in round {r.get('round')} ({r.get('reason')})"
        for r in living.removals
    ]
    return [f"search rounds: {'; '.join(parts)}"]


def _counts(resources: dict[str, ResourceDiff]) -> list[str]:
    parts = []
    for name, field, label in _COUNTS:
        found = resources.get(name)
        if found is None:
            continue
        changed = [
            f"{'/'.join(c.key)} {c.old} -> {c.new}" for c in found.changed if c.field == field
        ]
        added = ["/".join(k) for k in found.added]
        if changed:
            parts.append(f"{label}: {len(changed)} changed ({_names(changed)})")
        if added:
            parts.append(f"{label}: {len(added)} added ({_names(added)})")
    return [f"counts: {'; '.join(parts)}"] if parts else ["counts: none changed"]


def _errata(resources: dict[str, ResourceDiff]) -> list[str]:
    found = resources.get("errata")
    if found is None:
        return []
    total = ""
    if found.rows_after is not None:
        total = f"{found.rows_after} rows ({found.rows_before} before); "
    return [f"errata: {total}{'; '.join(_rows_phrase(found, 'erratum'))}"]


def _shape(result: DataDiff) -> list[str]:
    """Tables and fields added or removed, and keys changed: what a user's code meets."""
    kinds: dict[str, list[str]] = defaultdict(list)
    for change in result.schema:
        where = ".".join(part for part in (change.resource, change.field) if part)
        kinds[change.kind].append(where)
    labels = (
        ("resource_added", "tables added"),
        ("resource_removed", "tables removed"),
        ("field_added", "fields added"),
        ("field_removed", "fields removed"),
        ("primary_key_changed", "primary keys changed"),
        ("type_changed", "types changed"),
    )
    return [f"{label}: {_names(kinds[kind])}" for kind, label in labels if kinds.get(kind)]


def review_items(result: DataDiff) -> list[str]:
    """The differences as a reader of the review counts them, one sentence each."""
    resources = {r.name: r for r in result.resources}
    return (
        _studies(result, resources)
        + _rounds(result)
        + _counts(resources)
        + _errata(resources)
        + _shape(result)
    )


def review_lines(result: DataDiff) -> list[str]:
    """``review_items`` for the text output of ``diff``."""
    if result.bump == "none":
        return []
    return ["", "In the review's terms:", *(f"  {item}" for item in review_items(result))]


def why(result: DataDiff) -> str:
    """Why the diff needs its bump, grouped by kind of change: 'primary keys changed
    (prisma_flow, search_strategies); rows removed from study_mechanisms'."""
    kinds: dict[str, list[str]] = defaultdict(list)
    for change in result.schema:
        if change.bump == result.bump:
            where = ".".join(part for part in (change.resource, change.field) if part)
            kinds[change.kind.replace("_", " ")].append(where or "package")
    for resource in result.resources:
        if resource.bump == result.bump and result.bump != "none":
            verb = {"major": "rows removed", "minor": "rows added", "patch": "values corrected"}
            kinds[verb[result.bump]].append(resource.name)
    return "; ".join(f"{kind} ({_names(sorted(set(where)))})" for kind, where in kinds.items())


def data_section(result: DataDiff, old_label: str, new_label: str) -> str:
    """The Data section a release's CHANGELOG entry starts with (Markdown)."""
    reasons = why(result)
    head = (
        f"Compared with {old_label} (`msc-exos-pof diff {old_label} {new_label}`), a "
        f"{result.bump} change" + (f": {reasons}." if reasons else ".")
    )
    items = [f"- {item[0].upper()}{item[1:]}." for item in review_items(result)]
    return "\n".join([head, "", *items]) + "\n"

"""Which studies a package includes now: every ``studies`` row but those a later round removed.

A living copy never deletes a study: a search round that removes one (a retraction,
re-screening) fills the study's ``removed_round``. "Included now" is what the PRISMA total of
the latest round counts; ``load``, the figures, the SQL views and the summary all ask this
module, so that none of them re-implements it.

The rows *about* a study follow it: a resource whose primary key includes a foreign key to
``studies`` (``study_mechanisms``, ``study_msc_sources``) describes the study itself, so its
rows of a removed study are left out too. Rows that merely mention a study (claims, concerns,
errata about the published text) stay: what the review printed did not change.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import pyarrow as pa

STUDIES = "studies"
#: The field of ``studies`` that says which round removed a study (empty: included now).
REMOVED_ROUND = "removed_round"
#: A study's removal: the round, why, and what happened; filled together, or not at all.
REMOVAL_FIELDS = (REMOVED_ROUND, "removal_reason", "removal_note")
#: Fields whose change records a change of their row (a study's removal by a search round),
#: not a correction: filled without an erratum, and a minor change in ``diff``.
RECORD_FIELDS = {STUDIES: frozenset(REMOVAL_FIELDS)}


def study_key_field(descriptor: dict[str, Any], name: str) -> str | None:
    """The field that says which study a row of resource ``name`` describes: for ``studies`` its
    primary key; for another resource a foreign key to ``studies`` that is part of its primary
    key (``study_mechanisms.study_id``); ``None`` when its rows describe no one study."""
    from .tableschema import foreign_keys, primary_key, resource_schema

    schema = resource_schema(descriptor, name)
    keys = primary_key(schema)
    if name == STUDIES:
        return keys[0] if len(keys) == 1 else None
    for key in foreign_keys(schema, name):
        if key.resource == STUDIES and len(key.fields) == 1 and key.fields[0] in keys:
            return key.fields[0]
    return None


def removed_studies(path: str | os.PathLike[str] | None = None) -> set[str]:
    """Ids of the studies a later round removed (a filled ``removed_round``), read as written;
    an empty set when the package has no ``studies`` or no ``removed_round``."""
    from .descriptor import resource_file, resource_names
    from .table import read_arrow

    if STUDIES not in resource_names(path):
        return set()
    return set(removed_rows(read_arrow(resource_file(STUDIES, path))[0]))


def removed_rows(studies: pa.Table) -> dict[str, dict[str, str]]:
    """Study id -> its removal fields (``REMOVAL_FIELDS``, "" when empty) for every study whose
    ``removed_round`` is written, from the ``studies`` table as read (text)."""
    import pyarrow.compute as pc

    names = studies.column_names
    if REMOVED_ROUND not in names or "study_id" not in names:
        return {}
    # Only the written cells (few: removals are rare) are judged in Python, as written.
    written = studies.take(pc.indices_nonzero(pc.not_equal(studies.column(REMOVED_ROUND), "")))
    fields = [f for f in REMOVAL_FIELDS if f in names]
    return {
        str(row["study_id"]): {f: str(row.get(f) or "") for f in REMOVAL_FIELDS}
        for row in written.select(["study_id", *fields]).to_pylist()
        if str(row[REMOVED_ROUND] or "").strip()
    }


def included_now(
    frame: pd.DataFrame, name: str, path: str | os.PathLike[str] | None = None
) -> pd.DataFrame:
    """``frame`` (resource ``name`` as loaded) without the rows of removed studies: for
    ``studies`` the rows with a ``removed_round``, for a resource keyed by study the rows of
    those studies; any other resource as it is. ``attrs`` are kept."""
    from .descriptor import read_descriptor

    field = study_key_field(read_descriptor(path), name)
    if field is None or field not in frame.columns:
        return frame
    if name == STUDIES:
        if REMOVED_ROUND not in frame.columns:
            return frame
        keep = frame[REMOVED_ROUND].isna().to_numpy()
    else:
        removed = removed_studies(path)
        if not removed:
            return frame
        keep = ~frame[field].astype("string").isin(removed).fillna(False).to_numpy()
    if keep.all():
        return frame
    kept = frame[keep].reset_index(drop=True)
    kept.attrs = dict(frame.attrs)
    return kept

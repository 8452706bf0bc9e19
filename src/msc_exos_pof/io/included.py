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

STUDIES = "studies"
#: The field of ``studies`` that says which round removed a study (empty: included now).
REMOVED_ROUND = "removed_round"
#: A study's removal: the round, why, and what happened; filled together, or not at all.
REMOVAL_FIELDS = (REMOVED_ROUND, "removal_reason", "removal_note")


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
    import pyarrow.compute as pc

    from .descriptor import resource_file, resource_names
    from .table import read_arrow

    if STUDIES not in resource_names(path):
        return set()
    table = read_arrow(resource_file(STUDIES, path))[0]
    if REMOVED_ROUND not in table.column_names or "study_id" not in table.column_names:
        return set()
    # Only the written cells (few: removals are rare) are judged in Python, as written.
    written = pc.indices_nonzero(pc.not_equal(table.column(REMOVED_ROUND), ""))
    rounds = table.column(REMOVED_ROUND).take(written).to_pylist()
    ids = table.column("study_id").take(written).to_pylist()
    return {study for study, round_ in zip(ids, rounds, strict=True) if round_.strip() != ""}


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

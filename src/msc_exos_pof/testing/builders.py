"""Rows and codes that both the generator and the mutations build: readable unique codes for
study ids, an errata row, and the PRISMA flow of an update search round."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np


def letters(index: Any) -> np.ndarray:
    """Base-26 lower-case code of each index (0 'a', 25 'z', 26 'ba', ...): unique, readable."""
    import numpy as np

    value = np.asarray(index, dtype=np.int64).copy()
    out = np.full(value.shape, "", dtype=object)
    alphabet = np.array(list("abcdefghijklmnopqrstuvwxyz"), dtype=object)
    first = True
    while first or (value > 0).any():
        out = np.where(first | (value > 0), alphabet[value % 26] + out, out)
        value = value // 26
        first = False
    return out


def initials(index: Any) -> np.ndarray:
    """The first letter of each index's code (``letters``), upper-case: its leading base-26
    digit, found with integer arithmetic (string operations on a million codes take seconds)."""
    import numpy as np

    value = np.asarray(index, dtype=np.int64).copy()
    while (value >= 26).any():
        value = np.where(value >= 26, value // 26, value)
    return np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), dtype=object)[value]


def letter_code(index: int) -> str:
    """The code ``letters`` gives one index."""
    return str(letters([index])[0])


def erratum(
    resource: str,
    record: str,
    name: str,
    published: str,
    curated: str,
    kind: str,
    evidence: str,
    note: str,
) -> dict[str, str]:
    """An errata row: ``resource``'s ``record`` printed ``published`` in ``name``, curated as
    ``curated``; its id is resource/record/field, as the gate's ``errata.id`` requires."""
    return {
        "erratum_id": f"{resource}/{record}/{name}",
        "resource": resource,
        "record": record,
        "field": name,
        "published_value": published,
        "curated_value": curated,
        "kind": kind,
        "evidence": evidence,
        "note": note,
    }


def update_flow_rows(
    counts: Sequence[tuple[str, int]], round: int, evidence: bool = False
) -> list[dict[str, str]]:
    """The prisma_flow rows of update round ``round``: one stated node per (node, count), labelled
    after the node; ``evidence`` quotes each count as "N records"."""
    return [
        {
            "node": node,
            "step": str(step),
            "count": str(count),
            "label": node.replace("_", " ").capitalize(),
            "basis": "stated",
            "evidence": f"{count} records" if evidence else "",
            "derivation": "",
            "round": str(round),
        }
        for step, (node, count) in enumerate(counts, start=1)
    ]

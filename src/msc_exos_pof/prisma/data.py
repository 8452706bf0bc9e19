"""What the PRISMA outputs read: the prisma_flow counts of one search round, its databases."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

DAGGER = "\u2020"


@dataclass(frozen=True)
class FlowCount:
    """One row of ``prisma_flow``: a node of the flow and its count."""

    node: str
    step: int | None
    count: int | None
    label: str
    basis: str | None
    evidence: str | None
    derivation: str | None

    @property
    def derived(self) -> bool:
        return self.basis == "derived"


def _missing(value: Any) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))


def _text(value: Any) -> str | None:
    return None if _missing(value) else (str(value) or None)


def _integer(value: Any) -> int | None:
    return None if _missing(value) else int(value)


def _in_round(frame: Any, round: int | None) -> Any:
    """The rows of ``round`` (default: the last round); a table without rounds is round 1."""
    if "round" not in frame:
        return frame
    rounds = frame["round"].fillna(1)
    wanted = int(rounds.max()) if round is None and len(rounds) else (round or 1)
    return frame[(rounds == wanted).to_numpy()]


def search_rounds(path: str | os.PathLike[str] | None = None) -> list[int]:
    """The rounds of the package's PRISMA flow, in order ([1] for the published review alone)."""
    from ..io.convert import load_frame

    frame = load_frame("prisma_flow", path)
    if "round" not in frame or not len(frame):
        return [1]
    return sorted({int(r) for r in frame["round"].fillna(1)})


def flow_counts(
    path: str | os.PathLike[str] | None = None, round: int | None = None
) -> dict[str, FlowCount]:
    """The ``prisma_flow`` rows of one search round of the package at ``path`` (default: the
    shipped package), keyed by node; ``round`` defaults to the last round.

    Rows keep the order of their ``step``. Raises ``PackageError`` if the package cannot be read
    and ``TableError`` if the table cannot.
    """
    from ..io.convert import load_frame

    frame = _in_round(load_frame("prisma_flow", path), round)
    if "step" in frame:
        frame = frame.sort_values("step", kind="stable", na_position="last")
    out: dict[str, FlowCount] = {}
    for row in frame.to_dict("records"):
        node = _text(row.get("node"))
        if node is None:
            continue
        out[node] = FlowCount(
            node=node,
            step=_integer(row.get("step")),
            count=_integer(row.get("count")),
            label=_text(row.get("label")) or node,
            basis=_text(row.get("basis")),
            evidence=_text(row.get("evidence")),
            derivation=_text(row.get("derivation")),
        )
    return out


def database_counts(
    path: str | os.PathLike[str] | None = None, round: int | None = None
) -> list[tuple[str, int | None]]:
    """(database, records) of one round's ``search_strategies`` (default: the last round) in
    table order; empty if the resource is absent."""
    from ..errors import TableError
    from ..io.convert import load_frame

    try:
        frame = load_frame("search_strategies", path)
    except (KeyError, TableError):
        return []
    if not {"database", "records"} <= set(frame):
        return []
    frame = _in_round(frame, round)
    if "table_row" in frame:
        frame = frame.sort_values("table_row", kind="stable", na_position="last")
    out = []
    for database, records in zip(frame["database"], frame["records"], strict=True):
        name = _text(database)
        if name is not None:
            out.append((name, _integer(records)))
    return out


def count_text(item: FlowCount) -> str:
    """ "(n = 17)", with a dagger for a derived count."""
    count = "not reported" if item.count is None else str(item.count)
    return f"(n = {count}{DAGGER if item.derived else ''})"

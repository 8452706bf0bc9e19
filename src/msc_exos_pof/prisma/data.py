"""What the PRISMA outputs read: the prisma_flow counts of one search round, its databases, and
each round's date and removals (the review's history)."""

from __future__ import annotations

import os
from collections.abc import Container
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

DAGGER = "\u2020"
NOT_REPORTED = "not reported"


#: Nodes of the other-methods arm's own reports. When a round counts them, its other-methods
#: records were not pooled with the database records before de-duplication (the review pooled
#: them: 283 + 9 = 292); the gate's arithmetic and the diagram both follow this rule.
OTHER_ARM = ("other_reports_sought", "other_reports_assessed")


def pooled(counted: Container[str]) -> bool:
    """Whether a round's other-methods records joined its database records before
    de-duplication, given the nodes it counts: true unless it counts the other arm's reports.

    >>> pooled({"database_results", "citations_results"}), pooled({"other_reports_sought"})
    (True, False)
    """
    return not any(node in counted for node in OTHER_ARM)


@lru_cache(maxsize=1)
def flow_nodes() -> tuple[str, ...]:
    """The PRISMA nodes a ``prisma_flow`` row can have: the ``node`` enum of the shipped Table
    Schema, read once (every list of nodes in ``prisma`` derives from it)."""
    from ..io.descriptor import read_descriptor
    from ..io.tableschema import resource_enum

    return tuple(resource_enum(read_descriptor(None), "prisma_flow", "node"))


@dataclass(frozen=True)
class FlowCount:
    """One row of ``prisma_flow``: a node of the flow and its count (``None``: not reported)."""

    node: str
    step: int | None
    count: int | None
    label: str
    basis: str | None
    evidence: str | None
    derivation: str | None
    note: str | None = None
    round: int = 1

    @property
    def derived(self) -> bool:
        return self.basis == "derived"

    @property
    def reported(self) -> bool:
        return self.count is not None and self.basis != "not_reported"


@dataclass(frozen=True)
class SearchRound:
    """One row of ``search_rounds``: when the round searched, and which version published it."""

    round: int
    searched: str | None
    version: str | None
    changes: str | None

    @property
    def name(self) -> str:
        """ "Round 1 (the published review, searched 2025-07)"."""
        what = "the published review" if self.round == 1 else f"version {self.version}"
        if self.round > 1 and not self.version:
            what = "update"
        searched = f", searched {self.searched}" if self.searched else ""
        return f"Round {self.round} ({what}{searched})"


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


def round_details(path: str | os.PathLike[str] | None = None) -> dict[int, SearchRound]:
    """``search_rounds`` of the package by round ({} when the resource is absent)."""
    from ..errors import TableError
    from ..io.convert import load_frame

    try:
        frame = load_frame("search_rounds", path)
    except (KeyError, TableError):
        return {}
    out = {}
    for row in frame.to_dict("records"):
        number = _integer(row.get("round"))
        if number is not None:
            out[number] = SearchRound(
                number,
                _text(row.get("searched")),
                _text(row.get("version")),
                _text(row.get("changes")),
            )
    return out


def describe_round(number: int, rounds: dict[int, SearchRound]) -> str:
    """The round's name for a footnote (its date when ``search_rounds`` gives one)."""
    found = rounds.get(number)
    return found.name if found is not None else f"Round {number}"


def removals_per_round(path: str | os.PathLike[str] | None = None) -> dict[int, int]:
    """Studies per ``removed_round``: the studies each round removed ({} when none did)."""
    from ..errors import TableError
    from ..io.convert import load_frame

    try:
        frame = load_frame("studies", path)
    except (KeyError, TableError):
        return {}
    if "removed_round" not in frame:
        return {}
    counts = frame["removed_round"].dropna().astype(int).value_counts()
    return {int(r): int(n) for r, n in counts.items()}


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
            note=_text(row.get("note")),
            round=_integer(row.get("round")) or 1,
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


def count_text(item: FlowCount | None, mark: str = "") -> str:
    """ "(n = 17)", with a dagger for a derived count and ``mark`` for its note; "(n = not
    reported)" for a count the data does not give."""
    if item is None or not item.reported:
        return f"(n = {NOT_REPORTED}{mark})"
    return f"(n = {item.count}{DAGGER if item.derived else ''}{mark})"

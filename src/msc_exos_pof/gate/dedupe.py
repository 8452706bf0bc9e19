"""One finding per problem: findings of several checks about the same cell become one.

A stated count that the rows do not support is seen by its ``counts.*`` check and again by
``errata.unexplained`` (no errata row explains the difference); both point at the same cell
(resource, row and field) with the same severity. The user gets the first of them, in registry
order, with the ids of the others in ``Finding.also``, so that every check that saw the problem
is named and ``Report.fired()`` / ``by_check()`` still find each of them.

Findings about a whole table or package (no row or no field), and ``info`` findings, are never
merged: they are not about one cell. Nor are two findings of one check about one cell: those
are two things to fix.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from .report import Finding


def _cell(finding: Finding) -> tuple[str, int, str, str] | None:
    if finding.severity == "info" or finding.resource is None:
        return None
    if finding.row is None or finding.field is None:
        return None
    return (finding.resource, finding.row, finding.field, finding.severity)


def merge_duplicates(findings: Iterable[Finding]) -> list[Finding]:
    """The findings with those about one cell merged into the first one, in their order."""
    out: list[Finding] = []
    first: dict[tuple[str, int, str, str], int] = {}
    for finding in findings:
        cell = _cell(finding)
        if cell is None:
            out.append(finding)
            continue
        index = first.get(cell)
        if index is None:
            first[cell] = len(out)
            out.append(finding)
            continue
        kept = out[index]
        if finding.check in kept.checks:  # a check that says two things about one cell
            out.append(finding)
            continue
        new = tuple(c for c in finding.checks if c not in kept.checks)
        out[index] = replace(kept, also=kept.also + new)
    return out

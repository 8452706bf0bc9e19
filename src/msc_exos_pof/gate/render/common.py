"""What several renderers share: where a finding is, in one line, and how info is summarised."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ..checks.errata import errata_known

if TYPE_CHECKING:  # pragma: no cover
    from ..report import Finding, Report

#: How the text and github formats count the info findings of a check in their summary line.
INFO_LABELS = {errata_known.id: "documented errata"}


def where(finding: Finding) -> str:
    """``path:line:col`` (as much of it as is known), else ``resource:row N:field``."""
    if finding.path:
        parts = [finding.path]
        if finding.line is not None:
            parts.append(str(finding.line))
            if finding.column is not None:
                parts.append(str(finding.column))
        return ":".join(parts)
    parts = [finding.resource or "-"]
    if finding.row is not None:
        parts.append(f"row {finding.row}")
    if finding.field:
        parts.append(finding.field)
    return ":".join(parts)


def shown(report: Report, verbose: bool) -> list[Finding]:
    """The findings listed one by one: every one when ``verbose``, else all but ``info``."""
    return [f for f in report.findings if verbose or f.severity != "info"]


def info_summary(report: Report) -> str | None:
    """One line counting the info findings, e.g. ``15 documented errata``, or ``None``."""
    counted = Counter(f.check for f in report.findings if f.severity == "info")
    if not counted:
        return None
    return ", ".join(
        f"{count} {INFO_LABELS.get(check, f'{check} note(s)')}" for check, count in counted.items()
    )

"""What several renderers share: where a finding is, in one line, and how info is summarised."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ..checks.errata import errata_known

if TYPE_CHECKING:  # pragma: no cover
    from ..report import Finding, Report

#: The bidirectional controls (the overrides U+202A-U+202E, the isolates U+2066-U+2069 and the
#: marks U+061C, U+200E, U+200F), as a regular-expression class body: they make a terminal, a
#: log viewer or a review page show text in another order than it is written (CVE-2021-42574),
#: so every renderer shows them escaped (``\\u202e``).
BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
#: The line and paragraph separators, which some viewers break lines at.
SEPARATORS = "\u2028\u2029"

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


#: At most this many findings of one check are listed one by one by the text and github
#: formats (and in a JUnit testcase); the rest are counted in one line. The JSON and SARIF
#: reports list every finding. (A copy with 5,000 broken columns gives 5,000 findings of one
#: check: a log of that many lines hides everything else.)
SHOWN_PER_CHECK = 100


def shown(report: Report, verbose: bool) -> list[Finding]:
    """The findings listed one by one: every one when ``verbose``, else all but ``info``."""
    return [f for f in report.findings if verbose or f.severity != "info"]


def capped(findings: list[Finding]) -> tuple[list[Finding], dict[str, int]]:
    """The first ``SHOWN_PER_CHECK`` findings of each check (in order), and how many more
    each check has beyond them."""
    seen: Counter[str] = Counter()
    listed = []
    for finding in findings:
        seen[finding.check] += 1
        if seen[finding.check] <= SHOWN_PER_CHECK:
            listed.append(finding)
    return listed, {c: n - SHOWN_PER_CHECK for c, n in seen.items() if n > SHOWN_PER_CHECK}


def more_line(check: str, count: int) -> str:
    """The line that counts the findings of ``check`` not listed."""
    return (
        f"... and {count} more {check} finding(s), not listed one by one (at most "
        f"{SHOWN_PER_CHECK} per check are); --format json lists every finding"
    )


def info_summary(report: Report) -> str | None:
    """One line counting the info findings, e.g. ``15 documented errata``, or ``None``."""
    counted = Counter(f.check for f in report.findings if f.severity == "info")
    if not counted:
        return None
    return ", ".join(
        f"{count} {INFO_LABELS.get(check, f'{check} note(s)')}" for check, count in counted.items()
    )

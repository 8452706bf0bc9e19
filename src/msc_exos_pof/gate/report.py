"""Findings and the validation report: what the gate found, in a shape that is easy to filter."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")

EXIT_VALID = 0
EXIT_INVALID = 1
EXIT_UNREADABLE = 2


@dataclass(frozen=True)
class Finding:
    """One thing the gate found: which check, how bad, and where (resource, row, field).

    ``row`` is the 1-based data row of the resource's CSV (the header is row 0), or ``None``
    when the finding is about the table or package as a whole.
    """

    check: str
    severity: Severity
    message: str
    resource: str | None = None
    row: int | None = None
    field: str | None = None
    erratum: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Report:
    """Result of ``msc_exos_pof.validate``.

    ``unreadable`` is true when the package could not be read at all (exit code 2).
    """

    package: str
    findings: list[Finding] = field(default_factory=list)
    checks_run: list[str] = field(default_factory=list)
    unreadable: bool = False
    summary: dict[str, Any] | None = None

    @property
    def valid(self) -> bool:
        return not self.unreadable and not any(f.severity == "error" for f in self.findings)

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(f.severity for f in self.findings)
        return {severity: counted.get(severity, 0) for severity in SEVERITIES}

    @property
    def exit_code(self) -> int:
        if self.unreadable:
            return EXIT_UNREADABLE
        return EXIT_VALID if self.valid else EXIT_INVALID

    def by_check(self, check: str) -> list[Finding]:
        return [f for f in self.findings if f.check == check]

    def fired(self) -> set[str]:
        """Ids of the checks that produced at least one finding."""
        return {f.check for f in self.findings}

    def to_dict(self) -> dict[str, Any]:
        return {
            "package": self.package,
            "valid": self.valid,
            "exit_code": self.exit_code,
            "counts": self.counts,
            "checks_run": self.checks_run,
            "findings": [f.to_dict() for f in self.findings],
            "summary": self.summary,
        }

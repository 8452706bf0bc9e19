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

    Where it is in a file: ``path`` (relative to the git work tree's root when the package is
    inside one, else to the package folder), the 1-based physical ``line`` and ``column`` of the
    CSV cell (or of the descriptor property), and for findings about ``datapackage.json`` a JSON
    ``pointer``. ``also`` names the other checks that found the same problem in the same cell.
    """

    check: str
    severity: Severity
    message: str
    resource: str | None = None
    row: int | None = None
    field: str | None = None
    erratum: str | None = None
    path: str | None = None
    line: int | None = None
    column: int | None = None
    pointer: str | None = None
    also: tuple[str, ...] = ()

    @property
    def checks(self) -> tuple[str, ...]:
        """Every check id that reported this problem, the one it is filed under first."""
        return (self.check, *self.also)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["also"] = list(self.also)
        return out


#: Severities that fail a run for each ``fail_on`` setting.
FAILING: dict[str, frozenset[str]] = {
    "error": frozenset({"error"}),
    "warning": frozenset({"error", "warning"}),
}


@dataclass
class Report:
    """Result of ``msc_exos_pof.validate``.

    ``unreadable`` is true when the package could not be read at all (exit code 2).
    ``checks_run`` lists the checks that ran (those that judge what reading the package finds,
    ``declare``d ones, included); ``skipped`` those that did not: left out by
    ``select``/``ignore``, or comparing with an upstream package when none was named. A readable
    package's report lists every registered check in one of them. ``timings``: the seconds each
    check that ran took. ``fail_on`` is the lowest severity that makes the report invalid
    (``"error"``, the default, or ``"warning"``).
    """

    package: str
    findings: list[Finding] = field(default_factory=list)
    checks_run: list[str] = field(default_factory=list)
    unreadable: bool = False
    summary: dict[str, Any] | None = None
    skipped: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    package_version: str | None = None
    tool_version: str | None = None
    fail_on: str = "error"

    @property
    def valid(self) -> bool:
        failing = FAILING.get(self.fail_on, FAILING["error"])
        return not self.unreadable and not any(f.severity in failing for f in self.findings)

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
        """The findings check ``check`` reported (alone, or with others on the same cell)."""
        return [f for f in self.findings if check in f.checks]

    def fired(self) -> set[str]:
        """Ids of the checks that produced at least one finding."""
        return {check for f in self.findings for check in f.checks}

    def to_dict(self) -> dict[str, Any]:
        return {
            "package": self.package,
            "package_version": self.package_version,
            "tool": "msc-exos-pof",
            "tool_version": self.tool_version,
            "valid": self.valid,
            "exit_code": self.exit_code,
            "fail_on": self.fail_on,
            "counts": self.counts,
            "checks_run": self.checks_run,
            "skipped": self.skipped,
            "timings": {check: round(seconds, 6) for check, seconds in self.timings.items()},
            "findings": [f.to_dict() for f in self.findings],
            "summary": self.summary,
        }


def report_schema() -> dict[str, Any]:
    """The JSON Schema of ``Report.to_dict()`` (``msc_exos_pof/gate/report.schema.json``)."""
    import json
    from importlib import resources

    text = resources.files(__package__).joinpath("report.schema.json").read_text("utf-8")
    return json.loads(text)

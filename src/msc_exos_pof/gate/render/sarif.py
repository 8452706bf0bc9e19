"""The sarif format: SARIF 2.1.0, the log format of GitHub code scanning and most CI dashboards.

One rule per check id of the registry (its description, and help on what to do), one result per
finding with its physical location (the file relative to the repository root, line and column
in Unicode code points) and, for the descriptor, its JSON pointer as a logical location. Info
findings are results only with ``verbose`` (``kind: informational``): a valid package raises no
alert.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import json as json_format
from .common import shown

if TYPE_CHECKING:  # pragma: no cover
    from ..registry import Check
    from ..report import Finding, Report

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def escape(value: Any) -> str:
    """The SARIF log as JSON, every control character escaped (as in the json format)."""
    return json_format.escape(value)


def _rule(check: Check) -> dict[str, Any]:
    return {
        "id": check.id,
        "name": "".join(part.title() for part in check.id.replace("_", ".").split(".")),
        "shortDescription": {"text": check.description},
        "fullDescription": {
            "text": f"{check.description} ({check.layer} layer; {check.severity} by default)"
        },
        "help": {
            "text": (
                f"Check {check.id}: {check.description}. Each finding names the file, line and "
                "column, what was expected and what to do. `msc-exos-pof checks` lists every "
                f"check (docs/checks.md describes them); `--ignore {check.id}` skips this one."
            )
        },
        "defaultConfiguration": {"level": LEVELS[check.severity]},
        "properties": {"layer": check.layer, "tags": ["data-quality", check.layer]},
    }


def _location(finding: Finding, fallback: str) -> dict[str, Any]:
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": finding.path or fallback, "uriBaseId": "SRCROOT"}
    }
    if finding.line is not None:
        region = {"startLine": finding.line}
        if finding.column is not None:
            region["startColumn"] = finding.column
        physical["region"] = region
    location: dict[str, Any] = {"physicalLocation": physical}
    logical = []
    if finding.pointer is not None:
        logical.append({"fullyQualifiedName": finding.pointer or "/", "kind": "member"})
    elif finding.resource:
        name = "/".join(
            str(part) for part in (finding.resource, finding.row, finding.field) if part is not None
        )
        logical.append({"fullyQualifiedName": name, "kind": "element"})
    if logical:
        location["logicalLocations"] = logical
    return location


def _result(finding: Finding, index: dict[str, int], fallback: str) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.check,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [_location(finding, fallback)],
        "properties": {
            key: value
            for key, value in (
                ("also", list(finding.also)),
                ("resource", finding.resource),
                ("row", finding.row),
                ("field", finding.field),
                ("erratum", finding.erratum),
            )
            if value not in (None, [])
        },
    }
    if finding.check in index:
        result["ruleIndex"] = index[finding.check]
    if finding.severity == "info":
        result["kind"], result["level"] = "informational", "none"
    return result


def _root(report: Report) -> str:
    from ..locations import work_tree_root

    folder = Path(report.package).resolve().parent
    return (work_tree_root(folder) or folder).as_uri() + "/"


def render(report: Report, colour: bool = False, verbose: bool = False) -> str:
    """The report as a SARIF 2.1.0 log with one run."""
    from ..registry import all_checks

    checks = all_checks()
    index = {check.id: position for position, check in enumerate(checks)}
    fallback = Path(report.package).name
    run = {
        "tool": {
            "driver": {
                "name": "msc-exos-pof",
                "version": report.tool_version or "unknown",
                "rules": [_rule(check) for check in checks],
            }
        },
        "originalUriBaseIds": {"SRCROOT": {"uri": _root(report)}},
        "columnKind": "unicodeCodePoints",
        "invocations": [
            {
                "executionSuccessful": not report.unreadable,
                "exitCode": report.exit_code,
                "properties": {"checks_run": report.checks_run, "skipped": report.skipped},
            }
        ],
        "results": [_result(f, index, fallback) for f in shown(report, verbose)],
        "properties": {"package": report.package, "package_version": report.package_version},
    }
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return escape(log) + "\n"

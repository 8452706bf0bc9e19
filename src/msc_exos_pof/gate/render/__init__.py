"""Renderers of a validation ``Report``: text, json, junit (XML) and github (workflow commands)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from ..report import Report

FORMATS = ("text", "json", "junit", "github")

_COLOURS = {"error": "31", "warning": "33", "info": "36", "ok": "32", "bold": "1"}


def use_colour(stream: IO[str] | None) -> bool:
    """ANSI colour only on a terminal and only when NO_COLOR is unset (https://no-color.org)."""
    if os.environ.get("NO_COLOR") is not None or stream is None:
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _paint(text: str, style: str, colour: bool) -> str:
    return f"\x1b[{_COLOURS[style]}m{text}\x1b[0m" if colour else text


def _where(finding: Any) -> str:
    parts = [finding.resource or "-"]
    if finding.row is not None:
        parts.append(f"row {finding.row}")
    if finding.field:
        parts.append(finding.field)
    return ":".join(parts)


def text(report: Report, colour: bool = False) -> str:
    """A readable table of the findings, then the dataset summary and a one-line verdict."""
    lines = [f"msc-exos-pof validate: {report.package}"]
    if report.findings:
        rows = [(f.severity, f.check, _where(f), f.message) for f in report.findings]
        width = [max(len(r[i]) for r in rows) for i in range(3)]
        for severity, check, where, message in rows:
            lines.append(
                "  ".join(
                    [
                        _paint(severity.ljust(width[0]), severity, colour),
                        check.ljust(width[1]),
                        where.ljust(width[2]),
                        message,
                    ]
                )
            )
    summary = report.summary or {}
    if summary:
        lines.append("")
        lines.append(_paint(f"{summary.get('name')} {summary.get('version')}", "bold", colour))
        resources = summary.get("resources") or {}
        if resources:
            lines.append(
                "  rows: "
                + ", ".join(
                    f"{name} {'unreadable' if n is None else n}" for name, n in resources.items()
                )
            )
        for key, label in (
            ("studies_per_source", "studies per MSC source"),
            ("studies_per_design", "studies per design"),
            ("studies_per_species", "studies per species"),
            ("errata", "errata by kind"),
        ):
            if summary.get(key):
                stated = summary.get(f"stated_{key}") or {}
                lines.append(
                    f"  {label}: "
                    + ", ".join(
                        f"{k} {v}"
                        + (
                            f" (review states {stated[k]})"
                            if k in stated and stated[k] != v
                            else ""
                        )
                        for k, v in summary[key].items()
                    )
                )
        if "eligibility_concerns" in summary:
            lines.append(
                f"  studies with an eligibility concern: {summary['eligibility_concerns']}"
            )
    known = [f for f in report.findings if f.erratum]
    if known:
        lines.append(
            f"  known errata ({len(known)}): "
            + ", ".join(sorted({f.erratum for f in known if f.erratum}))
        )
    counts = report.counts
    verdict = "unreadable" if report.unreadable else "valid" if report.valid else "invalid"
    style = "ok" if report.valid else "error"
    lines.append("")
    lines.append(
        _paint(verdict.upper(), style, colour)
        + (
            f": {counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info; "
            f"{len(report.checks_run)} checks run (exit code {report.exit_code})"
        )
    )
    return "\n".join(lines) + "\n"


def as_json(report: Report) -> str:
    """``Report.to_dict()`` as indented JSON."""
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False, default=str) + "\n"


def junit(report: Report) -> str:
    """JUnit XML: one testcase per check run; each error finding is a failure of its check."""
    import xml.etree.ElementTree as ET

    from ..registry import all_checks

    described = {c.id: c for c in all_checks()}
    ids = list(report.checks_run)
    ids += [f.check for f in report.findings if f.check not in ids]
    ids = list(dict.fromkeys(ids))
    errors = [f for f in report.findings if f.severity == "error"]
    suite = ET.Element(
        "testsuite",
        {
            "name": "msc-exos-pof validate",
            "tests": str(len(ids)),
            "failures": str(len({f.check for f in errors})),
            "errors": "0",
            "skipped": "0",
        },
    )
    ET.SubElement(
        ET.SubElement(suite, "properties"), "property", {"name": "package", "value": report.package}
    )
    for check_id in ids:
        check = described.get(check_id)
        case = ET.SubElement(
            suite,
            "testcase",
            {"classname": f"msc_exos_pof.{check.layer if check else 'gate'}", "name": check_id},
        )
        mine = [f for f in report.findings if f.check == check_id]
        failed = [f for f in mine if f.severity == "error"]
        if failed:
            failure = ET.SubElement(
                case,
                "failure",
                {"type": check_id, "message": f"{len(failed)} finding(s): {failed[0].message}"},
            )
            failure.text = "\n".join(f"{_where(f)}: {f.message}" for f in failed)
        other = [f for f in mine if f.severity != "error"]
        if other:
            ET.SubElement(case, "system-out").text = "\n".join(
                f"{f.severity}: {_where(f)}: {f.message}" for f in other
            )
    suites = ET.Element("testsuites")
    suites.append(suite)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, "unicode") + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def _resource_paths(report: Report) -> dict[str, str]:
    """Each resource's CSV path as the workflow should show it (relative to the working folder)."""
    from ...errors import PackageError
    from ...io.descriptor import read_descriptor

    descriptor_file = Path(report.package)
    try:
        descriptor = read_descriptor(descriptor_file)
    except PackageError:
        return {}
    out = {}
    for resource in descriptor["resources"]:
        value = resource.get("path")
        if isinstance(value, str):
            out[resource["name"]] = _relative(descriptor_file.parent / value)
    return out


def _relative(file: Path) -> str:
    try:
        return os.path.relpath(file)
    except ValueError:  # another drive on Windows
        return str(file)


def github(report: Report) -> str:
    """GitHub Actions workflow commands: one annotation per finding, on the resource's CSV line."""
    paths = _resource_paths(report)
    descriptor = _relative(Path(report.package))
    command = {"error": "error", "warning": "warning", "info": "notice"}
    lines = []
    for f in report.findings:
        properties = [f"file={_escape_property(paths.get(f.resource or '', descriptor))}"]
        if f.row is not None and f.resource in paths:
            properties.append(f"line={f.row + 1}")  # CSV line: the header is line 1
        properties.append(f"title={_escape_property(f.check)}")
        lines.append(f"::{command[f.severity]} {','.join(properties)}::{_escape_data(f.message)}")
    counts = report.counts
    lines.append(
        f"msc-exos-pof validate: {'valid' if report.valid else 'invalid'}, "
        f"{counts['error']} error(s), {counts['warning']} warning(s)"
    )
    return "\n".join(lines) + "\n"


def render(report: Report, fmt: str = "text", colour: bool = False) -> str:
    """The report in format ``fmt`` (one of ``FORMATS``)."""
    if fmt == "text":
        return text(report, colour=colour)
    if fmt == "json":
        return as_json(report)
    if fmt == "junit":
        return junit(report)
    if fmt == "github":
        return github(report)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")

"""The junit format: JUnit XML with one testcase per check of the registry.

A check fails with the findings that make the run fail (errors, and warnings under
``fail_on="warning"``); other findings go to its ``system-out``; a check that ``select`` or
``ignore`` left out, that compares with an upstream package none was named for, or that could
not run because the package is unreadable, is skipped. Each testcase has the ``time`` its check
took and, when it has findings, the ``file`` and ``line`` of its first one.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..report import FAILING
from .common import BIDI, SEPARATORS, capped, more_line, where

if TYPE_CHECKING:  # pragma: no cover
    from ..registry import Check
    from ..report import Finding, Report

# What XML 1.0 cannot hold (most C0 controls: the document would be ill-formed), C1 controls,
# which it discourages and terminals interpret, and line breaks: a report printed in a CI log
# must not start a line with text from the data (a ``::workflow-command::``), and bidirectional
# controls, which make a test report show text in another order than it is written.
_UNSAFE = re.compile(
    f"[^\t\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[{BIDI}{SEPARATORS}]"
)


def escape(value: object) -> str:
    """``value`` as text XML can hold; ElementTree then escapes ``&``, ``<``, ``>`` and quotes."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(value))


def _line(finding: Finding) -> str:
    return escape(f"{where(finding)}: {finding.severity}: {finding.message}")


def _lines(findings: list[Finding]) -> str:
    """The findings one per line, at most ``SHOWN_PER_CHECK``, then how many more."""
    listed, more = capped(findings)
    return "\n".join(
        [_line(f) for f in listed] + [escape(more_line(c, n)) for c, n in more.items()]
    )


def _testcase(suite: object, check: Check, report: Report, failing: frozenset[str]) -> str:
    """Add the testcase of ``check`` to ``suite``; its outcome: passed, failed or skipped."""
    import xml.etree.ElementTree as ET

    seconds = report.timings.get(check.id, 0.0)
    case = ET.SubElement(
        suite,  # type: ignore[arg-type]
        "testcase",
        {"classname": f"msc_exos_pof.{check.layer}", "name": check.id, "time": f"{seconds:.6f}"},
    )
    mine = [f for f in report.findings if check.id in f.checks]
    failed = [f for f in mine if f.severity in failing]
    if failed:
        message = f"{len(failed)} finding(s): {failed[0].message}"
        failure = ET.SubElement(case, "failure", {"type": check.id, "message": escape(message)})
        failure.text = _lines(failed)
    elif check.id in report.skipped or (report.unreadable and not mine):
        if check.id not in report.skipped:
            reason = "not run: the package cannot be read"
        elif check.needs_upstream:
            reason = "not run: it compares with the upstream package (validate --upstream OLD)"
        else:
            reason = "deselected by select/ignore"
        ET.SubElement(case, "skipped", {"message": reason})
    located = next((f for f in failed or mine if f.path), None)
    if located is not None:  # where the first finding is, for readers that link to the file
        case.set("file", escape(located.path))
        if located.line is not None:
            case.set("line", str(located.line))
    other = [f for f in mine if f.severity not in failing]
    if other:
        ET.SubElement(case, "system-out").text = _lines(other)
    if failed:
        return "failed"
    return "skipped" if case.find("skipped") is not None else "passed"


def render(report: Report, colour: bool = False, verbose: bool = False) -> str:
    """The report as JUnit XML (every finding, info included, under its checks)."""
    import xml.etree.ElementTree as ET

    from ..registry import all_checks

    failing = FAILING.get(report.fail_on, FAILING["error"])
    checks = all_checks()
    suite = ET.Element("testsuite", {"name": "msc-exos-pof validate"})
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("package", report.package),
        ("package_version", report.package_version),
        ("tool_version", report.tool_version),
        ("fail_on", report.fail_on),
    ):
        ET.SubElement(properties, "property", {"name": name, "value": escape(value or "")})
    outcomes = [_testcase(suite, check, report, failing) for check in checks]
    suite.attrib.update(
        {
            "tests": str(len(checks)),
            "failures": str(outcomes.count("failed")),
            "errors": "0",
            "skipped": str(outcomes.count("skipped")),
            "time": f"{sum(report.timings.values()):.6f}",
        }
    )
    suites = ET.Element("testsuites")
    suites.append(suite)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, "unicode") + "\n"

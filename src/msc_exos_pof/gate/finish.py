"""What the runner does once the checks have run: one finding per problem, exact locations,
the checks that were left out, the time each check took, and the versions in the report."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .report import Finding, Report

if TYPE_CHECKING:  # pragma: no cover
    from ..io.context import PackageContext
    from .registry import Check


def timed(report: Report, check: Check, context: PackageContext) -> list[Finding]:
    """Run one check, recording its wall time (seconds) in ``report.timings``."""
    start = time.perf_counter()
    found = list(check.function(context)) if check.function else []
    report.timings[check.id] = time.perf_counter() - start
    return found


def tool_version() -> str | None:
    """The library's version: the shipped package's ``version``, which is also the wheel's
    (pyproject.toml takes it from there); cheaper than ``importlib.metadata`` by 0.1-0.5 s."""
    from ..io.descriptor import read_descriptor

    try:
        return str(read_descriptor(None)["version"])
    except Exception:  # pragma: no cover - a broken installation still gets its report
        return None


def package_version(descriptor_file: Path) -> str | None:
    from ..errors import PackageError
    from ..io.descriptor import read_descriptor

    try:
        version = read_descriptor(descriptor_file).get("version")
    except PackageError:
        return None
    return version if isinstance(version, str) else None


def finish(report: Report, chosen: Iterable[str], context: PackageContext | None = None) -> Report:
    """Merge findings about one cell, fold the consequences of a root cause into it (with
    ``context``, the package's), locate every finding, and record what was skipped."""
    from .dedupe import merge_duplicates
    from .locations import locate
    from .registry import all_checks
    from .rootcause import fold

    chosen = set(chosen)
    # Every registered check either ran or is skipped: left out by select/ignore, or (read
    # without an upstream package) one of the checks that compare with it.
    without_upstream = context is not None and context.upstream is None
    report.skipped = [
        check.id
        for check in all_checks()
        if check.id not in chosen or (without_upstream and check.needs_upstream)
    ]
    descriptor_file = Path(report.package)
    report.findings = fold(merge_duplicates(report.findings), context, report.package)
    try:
        report.findings = locate(report.findings, descriptor_file)
    except Exception:  # pragma: no cover - a location is a courtesy, never a reason to fail
        pass
    report.package_version = package_version(descriptor_file)
    report.tool_version = tool_version()
    return report

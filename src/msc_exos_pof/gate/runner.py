"""The data-quality gate: run every check over a package and collect one ``Report``."""

from __future__ import annotations

import os
from collections.abc import Iterable

from ..errors import PackageError
from ..io.context import PackageContext
from ..io.locate import descriptor_path
from .checks.descriptor import internal
from .checks.release import check_model_version
from .finish import finish, timed
from .registry import all_checks
from .report import Finding, Report
from .selection import selected_ids

#: Checks whose finding is the root cause of everything the later checks would say: a copy made
#: with another data model is reported once, with the command that upgrades it.
STOPS_THE_GATE = frozenset({check_model_version.id})


def internal_finding(what: str, error: BaseException) -> Finding:
    """The finding an unexpected exception becomes (``gate.internal``): the gate fails closed,
    in the report, instead of crashing without one."""
    text = (str(error).strip().splitlines() or [""])[0][:200]
    return internal.finding(
        f"{what} stopped with {type(error).__name__}{': ' + text if text else ''}; the package "
        "is not known to be valid: fix what the other findings name, or report this input",
    )


def _upstream_context(upstream: str | os.PathLike[str]) -> PackageContext:
    """The package a copy was made from; ``PackageError`` (naming it) when it cannot be read."""
    try:
        return PackageContext(upstream)
    except PackageError as error:
        raise PackageError(
            error.check, f"the upstream package: {error.message}", error.resource, error.field
        ) from None


def _run_checks(
    report: Report, context: PackageContext, chosen: set[str], *, with_upstream: bool
) -> None:
    """Run the chosen checks in registry order into ``report``, each inside the boundary."""
    for check in all_checks():
        if check.id not in chosen:
            continue
        if not with_upstream and check.needs_upstream:
            continue  # runs only against a named upstream package
        report.checks_run.append(check.id)
        if check.function is None:  # judged while reading the package (``declare``d)
            report.timings[check.id] = 0.0
            continue
        try:
            found = timed(report, check, context)
        except Exception as error:
            found = [internal_finding(f"check {check.id}", error)]
        report.findings.extend(found)
        if found and check.id in STOPS_THE_GATE:
            return  # judged by another data model, every later finding is a consequence


def validate(
    path: str | os.PathLike[str] | None = None,
    *,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    summary: bool = True,
    upstream: str | os.PathLike[str] | None = None,
) -> Report:
    """Validate the package at ``path`` (default: the shipped one); never raises for bad data.

    ``select`` and ``ignore`` are lists of check ids, id prefixes or globs; a pattern that
    matches no check, or a selection that leaves none, raises ``ValueError`` (a list of
    anything but strings, or a bare string, raises ``TypeError``) before the package is read.

    ``upstream``: the package this one was copied from; the ``upstream.*`` checks then report
    every upstream row the copy edits or drops without saying so (an erratum, a recorded
    removal). An unreadable upstream raises ``PackageError``: it is the caller's input, not
    the data being validated.
    """
    chosen = selected_ids(select, ignore)
    chosen_set = set(chosen)
    # The one boundary: whatever reading or a check raises becomes a finding with a check id.
    package = str(path)
    try:
        package = str(descriptor_path(path))
        context = PackageContext(path)
    except Exception as error:
        report = Report(package=package, unreadable=True)
        found = error if isinstance(error, PackageError) else None
        report.findings.append(
            internal_finding("reading the package", error)
            if found is None
            else Finding(found.check, "error", found.message, found.resource, None, found.field)
        )
        return finish(report, chosen)
    report = Report(package=package)
    if upstream is not None:
        # Read after the package: an unreadable package is a report, an unreadable upstream
        # the caller's error. Tables are read on first use, so the first context cost nothing.
        context = PackageContext(path, upstream=_upstream_context(upstream))
    _run_checks(report, context, chosen_set, with_upstream=upstream is not None)
    if select or ignore:  # a check that could not run is reported whatever the selection
        report.findings = [
            f for f in report.findings if f.check in chosen_set or f.check == internal.id
        ]
    finish(report, chosen, context)
    if summary:
        from .summary import dataset_summary

        try:
            report.summary = dataset_summary(context)
        except Exception as error:
            report.findings.append(internal_finding("the dataset summary", error))
    return report

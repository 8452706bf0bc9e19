"""The data-quality gate: run every check over a package and collect one ``Report``."""

from __future__ import annotations

import os
from collections.abc import Iterable

from .checks import all_checks
from .context import PackageContext
from .package_io import PackageError, descriptor_path
from .report import Finding, Report


def _selected(check_id: str, select: Iterable[str] | None, ignore: Iterable[str] | None) -> bool:
    """``select``/``ignore`` take ids or id prefixes (``prisma`` selects every ``prisma.*``)."""

    def matches(patterns: Iterable[str]) -> bool:
        return any(check_id == p or check_id.startswith(p.rstrip(".") + ".") for p in patterns)

    if select and not matches(select):
        return False
    return not (ignore and matches(ignore))


def _overlap_heavy_layers(context: PackageContext, select: list[str], ignore: list[str]) -> None:
    """Compute the two heaviest, independent layers at once on two threads.

    The schema layer is mostly Arrow kernels, which release the GIL; the errata judgement is
    mostly pandas. Overlapping them uses the second core; the checks then read both from their
    per-context caches, so findings and their order do not change.
    """
    from concurrent.futures import ThreadPoolExecutor

    from .checks.consistency_differences import judgement
    from .checks.schema import schema_failures

    both_run = all(_selected(check_id, select, ignore)
                   for check_id in ("schema.type", "counts.databases"))
    if not both_run or not context.files:
        return
    for name in context.files:  # read every table first: both layers need them, once
        context.frame(name)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="msc-exos-pof-schema") as pool:
        schema = pool.submit(schema_failures, context)
        judgement(context)
        schema.result()


def validate(
    path: str | os.PathLike[str] | None = None,
    *,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    summary: bool = True,
) -> Report:
    """Validate the package at ``path`` (default: the shipped one); never raises for bad data."""
    select = list(select or [])
    ignore = list(ignore or [])
    report = Report(package=str(descriptor_path(path)))
    try:
        context = PackageContext(path)
    except PackageError as error:
        report.unreadable = True
        report.findings.append(
            Finding(error.check, "error", error.message, error.resource, None, error.field)
        )
        return report
    _overlap_heavy_layers(context, select, ignore)
    for check in all_checks():
        if check.function is None or not _selected(check.id, select, ignore):
            continue
        report.checks_run.append(check.id)
        report.findings.extend(check.function(context))
    if select or ignore:
        report.findings = [f for f in report.findings if _selected(f.check, select, ignore)]
    if summary:
        from .summary import dataset_summary

        report.summary = dataset_summary(context)
    return report

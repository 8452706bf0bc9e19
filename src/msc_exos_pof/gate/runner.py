"""The data-quality gate: run every check over a package and collect one ``Report``."""

from __future__ import annotations

import os
from collections.abc import Iterable

from ..errors import PackageError
from ..io.context import PackageContext
from ..io.locate import descriptor_path
from .registry import all_checks
from .report import Finding, Report
from .selection import selected_ids


def _overlap_heavy_layers(context: PackageContext, chosen: set[str]) -> None:
    """Compute the two heaviest, independent layers at once on two threads.

    The schema layer is mostly Arrow kernels, which release the GIL; the errata judgement is
    mostly pandas. Overlapping them uses the second core; the checks then read both from their
    per-context caches, so findings and their order do not change.
    """
    from concurrent.futures import ThreadPoolExecutor

    from .checks.consistency_differences import judgement
    from .checks.schema import schema_failures

    if not {"schema.type", "counts.databases"} <= chosen or not context.files:
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
    report = Report(package=str(descriptor_path(path)))
    try:
        context = PackageContext(path)
    except PackageError as error:
        report.unreadable = True
        report.findings.append(
            Finding(error.check, "error", error.message, error.resource, None, error.field)
        )
        return report
    if upstream is not None:
        try:
            context.upstream = PackageContext(upstream)  # type: ignore[attr-defined]
        except PackageError as error:
            raise PackageError(
                error.check, f"the upstream package: {error.message}", error.resource, error.field
            ) from None
    _overlap_heavy_layers(context, chosen_set)
    for check in all_checks():
        if check.function is None or check.id not in chosen_set:
            continue
        if upstream is None and check.id.startswith("upstream."):
            continue  # runs only against a named upstream package
        report.checks_run.append(check.id)
        report.findings.extend(check.function(context))
    if select or ignore:
        report.findings = [f for f in report.findings if f.check in chosen_set]
    if summary:
        from .summary import dataset_summary

        report.summary = dataset_summary(context)
    return report

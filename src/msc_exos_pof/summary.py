"""A short description of a package's contents: studies per source and design, and its errata."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .context import PackageContext


def dataset_summary(context: PackageContext) -> dict[str, Any]:
    """Counts derived from the rows (curated values), for the report and the CLI."""
    descriptor = context.descriptor
    summary: dict[str, Any] = {
        "name": descriptor.get("name"),
        "version": descriptor.get("version"),
        "resources": {},
    }
    for name in context.files:
        frame = context.frame(name)
        summary["resources"][name] = None if frame is None else len(frame)
    studies = context.frame("studies")
    if studies is not None:
        for column, key in (
            ("msc_source", "studies_per_source"),
            ("design", "studies_per_design"),
            ("species", "studies_per_species"),
        ):
            if column in studies:
                counts = studies[column].astype("object").fillna("(none)").value_counts()
                summary[key] = {str(k): int(v) for k, v in counts.sort_index().items()}
        if "eligibility_concern" in studies:
            summary["eligibility_concerns"] = int(studies["eligibility_concern"].notna().sum())
    errata = context.frame("errata")
    if errata is not None and "kind" in errata:
        counts = errata["kind"].astype("object").value_counts()
        summary["errata"] = {str(k): int(v) for k, v in counts.sort_index().items()}
    return summary

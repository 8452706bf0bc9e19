"""Checks: consistency layer: tables agree, the PRISMA flow adds up, duplicates are linked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...io.vectorised import first_part, isin, repeated, replace_regex
from ..registry import register
from ..report import Finding
from .consistency_differences import LAYER, join, normalised, row_findings, usable
from .consistency_prisma import flow_counts

# The checks of differences an errata row may explain register themselves on import of
# consistency_differences, the PRISMA arithmetic checks on import of consistency_prisma.

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

    from ...io.context import PackageContext


# --- stated counts that must agree with each other -----------------------------------------


@register(
    "counts.source_total",
    "error",
    "the studies stated per MSC source (msc_sources) add up to the PRISMA new_studies",
    LAYER,
)
def counts_source_total(ctx: PackageContext) -> Iterator[Finding]:
    sources = ctx.frame("msc_sources")
    flow = flow_counts(ctx)
    if not usable(sources, "stated_study_count") or flow is None:
        return
    counts, rows = flow
    if "new_studies" not in counts:
        return
    total = int(sources["stated_study_count"].fillna(0).sum())
    if total != counts["new_studies"]:
        yield counts_source_total.finding(
            f"msc_sources: the stated study counts add up to {total} but the PRISMA flow "
            f"includes {counts['new_studies']} studies; expected the same number: correct "
            "stated_study_count or new_studies",
            resource="msc_sources",
            field="stated_study_count",
        )


@register(
    "counts.source_agreement",
    "error",
    "msc_sources.stated_study_count equals the stated_counts studies_per_source value",
    LAYER,
)
def counts_source_agreement(ctx: PackageContext) -> Iterator[Finding]:
    frames = ctx.frames("msc_sources", "stated_counts")
    if frames is None:
        return
    sources, counts = frames
    if not (
        usable(sources, "msc_source", "stated_study_count")
        and usable(counts, "key", "quantity", "group", "value")
    ):
        return
    per_source = counts[
        (counts["quantity"].astype("string") == "studies_per_source").fillna(False)
    ].dropna(subset=["group", "value"])
    per_source = per_source.assign(group=per_source["group"].astype("string"))
    left = sources.assign(_code=sources["msc_source"].astype("string"), _row=sources.index)
    merged = left.merge(
        per_source[["group", "key", "value"]], left_on="_code", right_on="group", how="inner"
    )
    merged = merged[(merged["value"] != merged["stated_study_count"]).fillna(False)]
    messages = join(
        "msc_sources '",
        merged["_code"],
        "' states ",
        merged["stated_study_count"].astype("string"),
        " studies but stated_counts '",
        merged["key"],
        "' states ",
        merged["value"].astype("string"),
        "; expected both transcriptions of the review to agree: correct the one that"
        " differs from the review",
    )
    yield from row_findings(
        counts_source_agreement, "msc_sources", "stated_study_count", merged["_row"], messages
    )


# --- studies against their reference entries -----------------------------------------------


def _with_reference(
    ctx: PackageContext, study_column: str, reference_column: str
) -> pd.DataFrame | None:
    """Studies joined to their reference entry's ``reference_column`` (as ``<column>_ref``);
    the index is the studies index."""
    frames = ctx.frames("studies", "references")
    if frames is None:
        return None
    studies, references = frames
    if not (
        usable(studies, "study_id", "reference_number", study_column)
        and usable(references, "reference_number", reference_column)
    ):
        return None
    positions = ctx.memo(_reference_positions)
    found = positions >= 0
    joined = studies.loc[found, ["study_id", "reference_number", study_column]].copy()
    joined[f"{reference_column}_ref"] = (
        references[reference_column].take(positions[found]).set_axis(joined.index)
    )
    return joined


def _reference_positions(ctx: PackageContext) -> np.ndarray:
    """Row position in ``references`` of each study's reference entry (its first row with that
    number), -1 for none: one hash lookup per context (``ctx.memo``), shared by the three
    reference checks instead of three million-row merges."""
    import numpy as np
    import pandas as pd

    studies, references = ctx.frame("studies"), ctx.frame("references")
    numbers = references["reference_number"]
    first = (numbers.notna() & ~numbers.duplicated()).to_numpy()
    entries = pd.Index(numbers[first])
    at = entries.get_indexer(studies["reference_number"])
    return np.where(at >= 0, np.flatnonzero(first)[at], -1)


@register("years.reference", "error", "a study's year equals its reference entry's year", LAYER)
def years_reference(ctx: PackageContext) -> Iterator[Finding]:
    m = _with_reference(ctx, "year", "year")
    if m is None:
        return
    m = m[(m["year"] != m["year_ref"]).fillna(False)]
    messages = join(
        "study '",
        m["study_id"],
        "' has year ",
        m["year"].astype("string"),
        " but its reference entry ",
        m["reference_number"].astype("string"),
        " gives ",
        m["year_ref"].astype("string"),
        "; expected the same year: correct the study's year or its reference_number",
    )
    yield from row_findings(years_reference, "studies", "year", m.index, messages)


def reference_family_name(authors: pd.Series) -> pd.Series:
    """Family name of a reference's first author ("van der Hoef C" -> "van der Hoef")."""
    first = first_part(authors, ",")
    # Drop the trailing initials token ("M", "JD", "KDP") when there is one.
    return replace_regex(first, r"^(.*\S)\s+[A-Z][A-Z-]{0,4}$", r"\1")


@register(
    "studies.first_author_reference",
    "error",
    "a study's first_author equals the family name of its reference entry's first author",
    LAYER,
)
def studies_first_author_reference(ctx: PackageContext) -> Iterator[Finding]:
    m = _with_reference(ctx, "first_author", "authors")
    if m is None:
        return
    family = reference_family_name(m["authors_ref"])
    bad = (m["first_author"] != family).fillna(False).astype(bool)
    m, family = m[bad], family[bad]
    messages = join(
        "study '",
        m["study_id"],
        "' has first_author '",
        m["first_author"],
        "' but its reference entry ",
        m["reference_number"].astype("string"),
        " starts with '",
        family,
        "'; expected the reference's first author: correct first_author or reference_number",
    )
    yield from row_findings(
        studies_first_author_reference, "studies", "first_author", m.index, messages
    )


@register(
    "studies.title_reference",
    "error",
    "a study's title equals its reference entry's title (ignoring case and spacing)",
    LAYER,
)
def studies_title_reference(ctx: PackageContext) -> Iterator[Finding]:
    m = _with_reference(ctx, "title", "title")
    if m is None:
        return
    # Identical text needs no normalising: compare the (usually few) other rows case-blind.
    m = m[(m["title"] != m["title_ref"]).fillna(False).astype(bool)]
    m = m[(normalised(m["title"]) != normalised(m["title_ref"])).fillna(False)]
    messages = join(
        "study '",
        m["study_id"],
        "' has title '",
        m["title"],
        "' but its reference entry ",
        m["reference_number"].astype("string"),
        " has title '",
        m["title_ref"],
        "'; expected the same title: correct the transcription or reference_number",
    )
    yield from row_findings(studies_title_reference, "studies", "title", m.index, messages)


@register(
    "studies.eligibility_evidence",
    "error",
    "eligibility_evidence is given exactly when an eligibility_concern is",
    LAYER,
)
def studies_eligibility_evidence(ctx: PackageContext) -> Iterator[Finding]:
    studies = ctx.frame("studies")
    if not usable(studies, "study_id", "eligibility_concern", "eligibility_evidence"):
        return
    concern = studies["eligibility_concern"].notna()
    evidence = studies["eligibility_evidence"].notna()
    s = studies.loc[concern != evidence, ["study_id"]]
    has_concern = concern[concern != evidence]
    messages = join(
        "study '",
        s["study_id"],
        "' ",
        has_concern.map(
            {
                True: "has an eligibility_concern but no eligibility_evidence;"
                " expected the verbatim part of the title that raises it",
                False: "has eligibility_evidence but no eligibility_concern;"
                " expected the concern it supports, or no evidence",
            }
        ).astype(object),
    )
    yield from row_findings(
        studies_eligibility_evidence, "studies", "eligibility_evidence", s.index, messages
    )


# --- duplicates --------------------------------------------------------------------------


def _resolved(references: pd.DataFrame) -> pd.Series:
    """reference_number -> the entry it stands for (duplicate_of when set, else itself)."""
    refs = references[["reference_number", "duplicate_of"]]
    refs = refs.dropna(subset=["reference_number"]).drop_duplicates("reference_number")
    return (
        refs["duplicate_of"]
        .fillna(refs["reference_number"])
        .set_axis(refs["reference_number"].to_numpy())
    )


@register(
    "duplicates.study_reference",
    "error",
    "no two studies cite the same reference entry (after resolving duplicate_of)",
    LAYER,
)
def duplicates_study_reference(ctx: PackageContext) -> Iterator[Finding]:
    frames = ctx.frames("studies", "references")
    if frames is None:
        return
    studies, references = frames
    if not (
        usable(studies, "study_id", "reference_number")
        and usable(references, "reference_number", "duplicate_of")
    ):
        return
    entry = studies["reference_number"].map(_resolved(references))
    entry = entry.fillna(studies["reference_number"])  # an unknown number is schema.foreign_key's
    s = studies[["study_id", "reference_number"]].assign(_entry=entry).dropna(subset=["_entry"])
    repeated = s[s["_entry"].duplicated(keep="first")]
    first = s.drop_duplicates("_entry").set_index("_entry")["study_id"]
    messages = join(
        "study '",
        repeated["study_id"],
        "' cites reference ",
        repeated["reference_number"].astype("string"),
        ", the same entry as study '",
        repeated["_entry"].map(first),
        "' (reference ",
        repeated["_entry"].astype("string"),
        "); expected each study once: remove the duplicate row or correct reference_number",
    )
    yield from row_findings(
        duplicates_study_reference, "studies", "reference_number", repeated.index, messages
    )


@register(
    "duplicates.study_title",
    "error",
    "no two studies have the same title (ignoring case and spacing)",
    LAYER,
)
def duplicates_study_title(ctx: PackageContext) -> Iterator[Finding]:
    studies = ctx.frame("studies")
    if not usable(studies, "study_id", "title"):
        return
    title = normalised(studies["title"])
    many = repeated(title)  # one hashing pass; the pandas logic below sees only the repeats
    s = studies.loc[many, ["study_id"]].assign(_title=title[many]).dropna(subset=["_title"])
    repeated_rows = s[s["_title"].duplicated(keep="first")]
    first = s.drop_duplicates("_title").set_index("_title")["study_id"]
    messages = join(
        "study '",
        repeated_rows["study_id"],
        "' has the same title as study '",
        repeated_rows["_title"].map(first),
        "'; expected each study once: remove the duplicate row",
    )
    yield from row_findings(
        duplicates_study_title, "studies", "title", repeated_rows.index, messages
    )


@register(
    "duplicates.reference_unlinked",
    "error",
    "reference entries with the same title are linked by duplicate_of",
    LAYER,
)
def duplicates_reference_unlinked(ctx: PackageContext) -> Iterator[Finding]:
    references = ctx.frame("references")
    if not usable(references, "reference_number", "title", "duplicate_of"):
        return
    # Entries without a number are left out (schema.required names them).
    title = normalised(references["title"]).where(references["reference_number"].notna())
    many = repeated(title)  # entries with a unique title need no link
    r = references.loc[many, ["reference_number", "title", "duplicate_of"]]
    r = r.assign(_title=title[many], _entry=r["duplicate_of"].fillna(r["reference_number"]))
    # Entries of one title must all stand for one entry; flag those that differ from the first.
    first = r.drop_duplicates("_title").set_index("_title")
    expected = r["_title"].map(first["_entry"])
    bad = r[(r["_entry"] != expected).fillna(False).astype(bool)]
    messages = join(
        "reference ",
        bad["reference_number"].astype("string"),
        " has the same title as reference ",
        bad["_title"].map(first["reference_number"]).astype("string"),
        " but duplicate_of does not link them; expected a repeated entry to name the "
        "one it repeats: set duplicate_of (and add an errata row)",
    )
    yield from row_findings(
        duplicates_reference_unlinked, "references", "duplicate_of", bad.index, messages
    )


@register(
    "duplicates.reference_chain",
    "error",
    "duplicate_of names another entry that is not itself a duplicate",
    LAYER,
)
def duplicates_reference_chain(ctx: PackageContext) -> Iterator[Finding]:
    references = ctx.frame("references")
    if not usable(references, "reference_number", "duplicate_of"):
        return
    r = references[references["duplicate_of"].notna()]
    own = r["duplicate_of"] == r["reference_number"]
    refs = references[["reference_number", "duplicate_of"]]
    refs = refs.dropna(subset=["reference_number"]).drop_duplicates("reference_number")
    target_dup = r["duplicate_of"].map(refs.set_index("reference_number")["duplicate_of"])
    chained = target_dup.notna() & ~own
    bad = r[(own | chained).fillna(False).astype(bool)]
    why = own[bad.index].map(
        {True: "points to itself", False: "points to an entry that is itself a duplicate"}
    )
    messages = join(
        "reference ",
        bad["reference_number"].astype("string"),
        " has duplicate_of ",
        bad["duplicate_of"].astype("string"),
        ", which ",
        why.astype(object),
        "; expected the number of the original entry: point it there",
    )
    yield from row_findings(
        duplicates_reference_chain, "references", "duplicate_of", bad.index, messages
    )


@register(
    "links.mechanism_coverage",
    "warning",
    "every study has at least one study_mechanisms row",
    LAYER,
)
def links_mechanism_coverage(ctx: PackageContext) -> Iterator[Finding]:
    frames = ctx.frames("studies", "study_mechanisms")
    if frames is None:
        return
    studies, links = frames
    if not (usable(studies, "study_id") and usable(links, "study_id")):
        return
    linked = isin(studies["study_id"], links["study_id"])
    s = studies.loc[~linked & studies["study_id"].notna().to_numpy(), ["study_id"]]
    messages = join(
        "study '",
        s["study_id"],
        "' has no row in study_mechanisms; expected at "
        "least one mechanism: add the mechanisms its effect cell reports",
    )
    yield from row_findings(links_mechanism_coverage, "studies", "study_id", s.index, messages)

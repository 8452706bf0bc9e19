"""Checks: consistency layer: tables agree, the PRISMA flow adds up, duplicates are linked."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from ..registry import REGISTRY, register
from ..report import Finding
from ..vectorised import first_part, isin, repeated, replace_regex
from .consistency_differences import join, judgement, normalised, published_round, usable
from .consistency_prisma import flow_counts

# The PRISMA arithmetic checks register themselves on import of consistency_prisma.

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

    from ...io.context import PackageContext

LAYER = "consistency"


def _findings(
    check_id: str, resource: str, field: str | None, rows: Iterable[int], messages: Iterable[str]
) -> Iterator[Finding]:
    """One finding per flagged row (row numbers are 1-based data rows: index + 1)."""
    check = REGISTRY[check_id]
    for index, message in zip(rows, messages, strict=True):
        yield check.finding(str(message), resource=resource, row=int(index) + 1, field=field)


# --- explainable checks: differences an errata row may explain ------------------------------


def _unexplained(check_id: str, ctx: PackageContext) -> Iterator[Finding]:
    judged = judgement(ctx)
    if judged is None:
        return
    d = judged.differences
    d = d[(d["check"] == check_id) & ~d["explained"]]
    check = REGISTRY[check_id]
    for item in d.itertuples(index=False):
        erratum = f"{item.resource}/{item.record}/{item.field}"
        yield check.finding(
            f"{item.resource} '{item.record}': {item.detail}; expected them to agree: correct "
            f"{item.field}, or add an errata row '{erratum}' (published {item.published!r}, "
            f"curated {item.curated!r}) with the evidence",
            resource=item.resource,
            row=int(item.row),
            field=item.field,
        )


_EXPLAINABLE = {
    "years.label": "the year in a study's printed label equals its curated year",
    "studies.first_author_label": "a study's curated first author is a name in its printed label",
    "studies.species": "the species an animal-model cell names equals the curated species",
    "studies.msc_source": "the printed MSC source equals the curated msc_source",
    "counts.databases": "stated numbers of databases searched equal the rows of search_strategies",
    "counts.included": "stated numbers of included studies equal the rows of studies",
    "counts.per_design": "stated studies per design equal the studies rows with that design",
    "counts.per_source": "stated studies per MSC source equal the studies rows with that source",
    "counts.source_table": "msc_sources.stated_study_count equals the studies rows with that "
    "source",
}


def _register_explainable(check_id: str, guards: str) -> None:
    def check(ctx: PackageContext) -> Iterator[Finding]:
        return _unexplained(check_id, ctx)

    check.__name__ = check.__qualname__ = check_id.replace(".", "_")
    register(check_id, "error", f"{guards} (or an errata row explains the difference)", LAYER)(
        check
    )


for _id, _guards in _EXPLAINABLE.items():
    _register_explainable(_id, _guards)


@register(
    "years.window",
    "error",
    "studies fall inside the stated year window (methods: inclusion criteria); stated "
    "year bounds elsewhere equal the studies' first/last year (or an errata row explains "
    "it)",
    LAYER,
)
def years_window(ctx: PackageContext) -> Iterator[Finding]:
    yield from _unexplained("years.window", ctx)
    frames = ctx.frames("stated_counts", "studies")
    if frames is None:
        return
    counts, studies = frames
    if not (
        usable(counts, "quantity", "value", "section", "derivable")
        and usable(studies, "study_id", "year")
    ):
        return
    criteria = counts[
        (counts["section"].astype("string") == "methods").fillna(False)
        & counts["derivable"].fillna(False).astype(bool)
    ]
    quantity = criteria["quantity"].astype("string")
    low = criteria.loc[(quantity == "year_min").fillna(False), "value"].dropna()
    high = criteria.loc[(quantity == "year_max").fillna(False), "value"].dropna()
    low = int(low.max()) if len(low) else None
    high = int(high.min()) if len(high) else None
    studies = published_round(studies)  # the window is the published review's criterion
    year = studies["year"]
    outside = year.notna() & (
        ((year < low) if low is not None else False)
        | ((year > high) if high is not None else False)
    )
    s = studies[outside.fillna(False).astype(bool)]
    window = f"{low if low is not None else '...'}-{high if high is not None else '...'}"
    messages = join(
        "study '",
        s["study_id"],
        "' is from ",
        s["year"].astype("string"),
        f", outside the inclusion window {window} the methods state; expected a year "
        "inside it: correct the year or the stated criteria",
    )
    yield from _findings("years.window", "studies", "year", s.index, messages)


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
        yield REGISTRY["counts.source_total"].finding(
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
    yield from _findings(
        "counts.source_agreement", "msc_sources", "stated_study_count", merged["_row"], messages
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
    positions = _reference_positions(ctx, studies, references)
    found = positions >= 0
    joined = studies.loc[found, ["study_id", "reference_number", study_column]].copy()
    joined[f"{reference_column}_ref"] = (
        references[reference_column].take(positions[found]).set_axis(joined.index)
    )
    return joined


def _reference_positions(
    ctx: PackageContext, studies: pd.DataFrame, references: pd.DataFrame
) -> np.ndarray:
    """Row position in ``references`` of each study's reference entry (its first row with that
    number), -1 for none: one hash lookup per context, shared by the three reference checks
    instead of three million-row merges."""
    import numpy as np
    import pandas as pd

    if "_reference_positions" not in ctx.__dict__:
        numbers = references["reference_number"]
        first = (numbers.notna() & ~numbers.duplicated()).to_numpy()
        entries = pd.Index(numbers[first])
        at = entries.get_indexer(studies["reference_number"])
        ctx.__dict__["_reference_positions"] = np.where(at >= 0, np.flatnonzero(first)[at], -1)
    return ctx.__dict__["_reference_positions"]


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
    yield from _findings("years.reference", "studies", "year", m.index, messages)


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
    yield from _findings(
        "studies.first_author_reference", "studies", "first_author", m.index, messages
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
    yield from _findings("studies.title_reference", "studies", "title", m.index, messages)


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
    s = studies[concern != evidence]
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
    yield from _findings(
        "studies.eligibility_evidence", "studies", "eligibility_evidence", s.index, messages
    )


# --- duplicates --------------------------------------------------------------------------


def _resolved(references: pd.DataFrame) -> pd.Series:
    """reference_number -> the entry it stands for (duplicate_of when set, else itself)."""
    refs = references.dropna(subset=["reference_number"]).drop_duplicates("reference_number")
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
    s = studies.assign(_entry=entry).dropna(subset=["_entry"])
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
    yield from _findings(
        "duplicates.study_reference", "studies", "reference_number", repeated.index, messages
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
    s = studies[many].assign(_title=title[many]).dropna(subset=["_title"])
    repeated_rows = s[s["_title"].duplicated(keep="first")]
    first = s.drop_duplicates("_title").set_index("_title")["study_id"]
    messages = join(
        "study '",
        repeated_rows["study_id"],
        "' has the same title as study '",
        repeated_rows["_title"].map(first),
        "'; expected each study once: remove the duplicate row",
    )
    yield from _findings(
        "duplicates.study_title", "studies", "title", repeated_rows.index, messages
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
    r = references.dropna(subset=["reference_number", "title"])
    title = normalised(r["title"])
    many = repeated(title)  # entries with a unique title need no link
    r = r[many]
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
    yield from _findings(
        "duplicates.reference_unlinked", "references", "duplicate_of", bad.index, messages
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
    refs = references.dropna(subset=["reference_number"]).drop_duplicates("reference_number")
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
    yield from _findings(
        "duplicates.reference_chain", "references", "duplicate_of", bad.index, messages
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
    s = studies[~linked & studies["study_id"].notna().to_numpy()]
    messages = join(
        "study '",
        s["study_id"],
        "' has no row in study_mechanisms; expected at "
        "least one mechanism: add the mechanisms its effect cell reports",
    )
    yield from _findings("links.mechanism_coverage", "studies", "study_id", s.index, messages)

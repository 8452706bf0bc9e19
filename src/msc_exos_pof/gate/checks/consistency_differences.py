"""Differences between published and curated or derived values, judged once against errata."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from ...io.tableschema import primary_key
from ...io.vectorised import extract, isin, replace_regex
from ..registry import Check, register

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

    from ...io.context import PackageContext
    from ..report import Finding

LAYER = "consistency"

#: Columns of a differences frame. ``published``/``curated`` are text, "" when there is none.
DIFF_COLUMNS = ["check", "resource", "record", "field", "published", "curated", "row", "detail"]
#: The five values an errata row must repeat to explain a difference.
MATCH_KEYS = ["resource", "record", "field", "published", "curated"]
ERRATA_COLUMNS = (
    "erratum_id",
    "resource",
    "record",
    "field",
    "published_value",
    "curated_value",
    "kind",
)


def usable(frame: pd.DataFrame | None, *columns: str) -> bool:
    """Whether ``frame`` was read and has ``columns`` (else the table/schema layers report it)."""
    return frame is not None and all(column in frame.columns for column in columns)


def published_round(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of round 1, the published review, that the review's own statements describe.

    A living copy's later rounds (``round`` > 1) are its own additions, not the publication's;
    a frame without a ``round`` column is all round 1, and a missing round counts as round 1
    (``schema.required`` reports the cell) so that one blank does not cascade into counts.
    """
    if "round" not in frame.columns:
        return frame
    later = (frame["round"] > 1).fillna(False).astype(bool)
    return frame if not later.any() else frame[~later.to_numpy()]


def text(series: pd.Series) -> pd.Series:
    """Values as plain text, missing -> "" (errata compare values as strings, empty == None)."""
    if series.empty:
        return series.astype(object)
    return series.astype("string").fillna("").astype(object)


def normalised(series: pd.Series) -> pd.Series:
    """Case- and whitespace-insensitive form of a text column, for comparing titles."""
    from ...io.vectorised import normalised as _normalised

    return _normalised(series)


def quoted(series: pd.Series) -> pd.Series:
    """Text values in single quotes, "(empty)" for none, for building messages column-wise."""
    value = series.astype("string")
    return ("'" + value + "'").fillna("(empty)").astype(object)


def join(*parts: str | pd.Series) -> pd.Series:
    """Concatenate text and columns (any dtype, missing shown as "(missing)") row-wise."""
    import pandas as pd

    index = next(part.index for part in parts if isinstance(part, pd.Series))
    if index.empty:  # no row to word (the usual case: nothing differs)
        return pd.Series([], index=index, dtype=object)
    out = pd.Series("", index=index, dtype="string")
    for part in parts:
        if isinstance(part, pd.Series):
            part = part.astype("string").fillna("(missing)")
        out = out + part
    return out.astype(object)


def row_findings(
    check: Check, resource: str, field: str | None, rows: Iterable[int], messages: Iterable[str]
) -> Iterator[Finding]:
    """One finding per flagged row (row numbers are 1-based data rows: index + 1)."""
    for index, message in zip(rows, messages, strict=True):
        yield check.finding(str(message), resource=resource, row=int(index) + 1, field=field)


def make_differences(
    check: Check | None,
    resource: str,
    field: str,
    record: pd.Series,
    published: pd.Series,
    curated: pd.Series,
    detail: pd.Series,
    undetermined: pd.Series | None = None,
) -> pd.DataFrame:
    """A differences frame for rows of ``resource`` (all series share the resource's index).

    ``undetermined``: records whose comparison could not be made (a compared cell is missing,
    which the schema layer reports); an erratum about them is neither known nor stale.
    """
    import pandas as pd

    if record.empty:
        out = pd.DataFrame(columns=DIFF_COLUMNS)
    else:
        out = pd.DataFrame(
            {
                "check": check.id if check is not None else None,
                "resource": resource,
                "record": text(record),
                "field": field,
                "published": text(published),
                "curated": text(curated),
                "row": (record.index.to_series(index=record.index) + 1).astype("int64"),
                "detail": detail.astype(object),
            },
            columns=DIFF_COLUMNS,
        )
    out.attrs["undetermined"] = set() if undetermined is None else set(text(undetermined.dropna()))
    return out


def _flag(mask: pd.Series) -> pd.Series:
    """A comparison with missing values as False (missing cells are the schema layer's job)."""
    return mask.fillna(False).astype(bool)


# --- the checks that report a difference no errata row explains -------------------------------


def _unexplained(check: Check, ctx: PackageContext) -> Iterator[Finding]:
    judged = judgement(ctx)
    if judged is None:
        return
    d = judged.differences
    d = d[(d["check"] == check.id) & ~d["explained"]]
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


def _explainable(check_id: str, guards: str) -> Check:
    """A check that reports the differences of its own comparison that no errata row explains."""

    def report(ctx: PackageContext) -> Iterator[Finding]:
        return _unexplained(check, ctx)

    report.__name__ = report.__qualname__ = check_id.replace(".", "_")
    check = register(
        check_id, "error", f"{guards} (or an errata row explains the difference)", LAYER
    )(report)
    return check


years_label = _explainable(
    "years.label", "the year in a study's printed label equals its curated year"
)
first_author_in_label = _explainable(
    "studies.first_author_label", "a study's curated first author is a name in its printed label"
)
species_named = _explainable(
    "studies.species", "the species an animal-model cell names equals the curated species"
)
msc_source_printed = _explainable(
    "studies.msc_source", "the printed MSC source equals the curated msc_source"
)
counts_databases = _explainable(
    "counts.databases", "stated numbers of databases searched equal the rows of search_strategies"
)
counts_included = _explainable(
    "counts.included", "stated numbers of included studies equal the rows of studies"
)
counts_per_design = _explainable(
    "counts.per_design", "stated studies per design equal the studies rows with that design"
)
counts_per_source = _explainable(
    "counts.per_source", "stated studies per MSC source equal the studies rows with that source"
)
counts_source_table = _explainable(
    "counts.source_table",
    "msc_sources.stated_study_count equals the studies rows with that source",
)


@register(
    "years.window",
    "error",
    "studies fall inside the stated year window (methods: inclusion criteria); stated "
    "year bounds elsewhere equal the studies' first/last year (or an errata row explains "
    "it)",
    LAYER,
)
def years_window(ctx: PackageContext) -> Iterator[Finding]:
    yield from _unexplained(years_window, ctx)
    frames = ctx.frames("stated_counts", "studies")
    if frames is None:
        return
    counts, studies = frames
    if not (
        usable(counts, "quantity", "value", "section", "derivable")
        and usable(studies, "study_id", "year")
    ):
        return
    low, high = _stated_window(counts)
    studies = published_round(studies)  # the window is the published review's criterion
    year = studies["year"]
    outside = year.notna() & (
        ((year < low) if low is not None else False)
        | ((year > high) if high is not None else False)
    )
    s = studies.loc[outside.fillna(False).astype(bool), ["study_id", "year"]]
    window = f"{low if low is not None else '...'}-{high if high is not None else '...'}"
    messages = join(
        "study '",
        s["study_id"],
        "' is from ",
        s["year"].astype("string"),
        f", outside the inclusion window {window} the methods state; expected a year "
        "inside it: correct the year or the stated criteria",
    )
    yield from row_findings(years_window, "studies", "year", s.index, messages)


def _stated_window(counts: pd.DataFrame) -> tuple[int | None, int | None]:
    """The inclusion window the methods state (year_min, year_max), ``None`` for an open end."""
    criteria = counts[
        (counts["section"].astype("string") == "methods").fillna(False)
        & counts["derivable"].fillna(False).astype(bool)
    ]
    quantity = criteria["quantity"].astype("string")
    low = criteria.loc[(quantity == "year_min").fillna(False), "value"].dropna()
    high = criteria.loc[(quantity == "year_max").fillna(False), "value"].dropna()
    return (int(low.max()) if len(low) else None, int(high.min()) if len(high) else None)


# --- the explainable comparisons -----------------------------------------------------------


def label_year(ctx: PackageContext) -> pd.DataFrame | None:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    studies = ctx.frame("studies")
    if not usable(studies, "study_id", "label_published", "year"):
        return None
    printed = extract(studies["label_published"], r"(\d{4})\s*$")
    # Compared as numbers (four digits each side); only the differing rows become text.
    printed_year = pd.Series(
        pc.cast(pa.array(printed), pa.int64())
        .to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
        .array,
        index=printed.index,
    )
    bad = _flag(printed_year.notna() & studies["year"].notna() & (printed_year != studies["year"]))
    s = studies.loc[bad, ["study_id", "label_published", "year"]]
    year = s["year"].astype("string")
    detail = join(
        "the label '",
        s["label_published"],
        "' gives year ",
        printed[bad],
        " but the curated year is ",
        year,
    )
    undetermined = studies.loc[_flag(printed.isna() | studies["year"].isna()), "study_id"]
    return make_differences(
        years_label, "studies", "year", s["study_id"], printed[bad], year, detail, undetermined
    )


def _tokens(series: pd.Series, position: str) -> pd.DataFrame:
    """Long frame (i, token, position) of the tokens of each value, split on spaces and dots."""
    import pandas as pd

    from ...io.vectorised import tokens

    rows, token, rank = tokens(series, r"[\s.]+")
    return pd.DataFrame({"i": series.index.to_numpy()[rows], "token": token, position: rank})


def first_author_label(ctx: PackageContext) -> pd.DataFrame | None:
    studies = ctx.frame("studies")
    if not usable(studies, "study_id", "label_published", "first_author"):
        return None
    authors = replace_regex(studies["label_published"], r"\s*et al\.\s*\d{4}\s*$", "")
    # Fast path: a one-word first author equal to the label's last word is found. Only the
    # other rows (a misprint, a multi-word name) need the token-run matching below.
    last_word = extract(authors, r"([^\s.]+)[\s.]*$")
    plain = _flag(last_word == studies["first_author"]).to_numpy()
    slow = studies.index[~plain]
    # first_author (possibly several tokens, "van der Hoef") must occur as a run of whole
    # tokens of the label's author part: match tokens, then count hits per candidate start.
    label_tokens = _tokens(authors[~plain], "pos")
    name_tokens = _tokens(studies.loc[slow, "first_author"], "j")
    wanted = name_tokens.groupby("i").size()
    hits = label_tokens.merge(name_tokens, on=["i", "token"])
    hits["start"] = hits["pos"] - hits["j"]
    runs = hits.groupby(["i", "start"]).size().reset_index(name="n")
    runs = runs[runs["n"].to_numpy() == wanted.reindex(runs["i"]).to_numpy()]
    found = plain | studies.index.isin(runs["i"].unique())
    bad = ~found & studies["first_author"].notna().to_numpy() & authors.notna().to_numpy()
    s = studies.loc[bad, ["study_id", "first_author", "label_published"]]
    detail = join(
        "the first author '",
        s["first_author"],
        "' is not a name in the label '",
        s["label_published"],
        "'",
    )
    undetermined = studies.loc[_flag(studies["first_author"].isna() | authors.isna()), "study_id"]
    return make_differences(
        first_author_in_label,
        "studies",
        "first_author",
        s["study_id"],
        authors[bad],
        s["first_author"],
        detail,
        undetermined,
    )


@dataclass(frozen=True)
class Lookup:
    """A table that maps a label the review prints to a curated code: ``table``'s ``key`` ->
    its ``field``, which ``resource`` curates in its own ``field`` next to the printed label
    (``resource``'s ``label``); ``check`` compares them. ``gate/rootcause.py`` folds a changed
    lookup row's cascade through the same description."""

    check: Check
    resource: str
    label: str
    table: str
    key: str
    field: str


#: Every published label -> curated code mapping the gate uses (msc_sources is not one: Table 2
#: prints the code itself, which ``studies.msc_source`` compares with the curated one).
LOOKUPS = (
    Lookup(
        species_named,
        "studies",
        "animal_model_published",
        "animal_models",
        "animal_model_published",
        "species",
    ),
)


def mapping(ctx: PackageContext, lookup: Lookup) -> pd.Series | None:
    """``lookup``'s table as label -> code (text), the first row of a repeated label; ``None``
    when it cannot be read."""
    table = ctx.frame(lookup.table)
    if not usable(table, lookup.key, lookup.field):
        return None
    table = table.dropna(subset=[lookup.key]).drop_duplicates(lookup.key)
    return table.set_index(lookup.key)[lookup.field].astype("string")


def looked_up(ctx: PackageContext, lookup: Lookup) -> pd.DataFrame | None:
    """The rows of ``lookup.resource`` whose curated code is not the one their printed label
    maps to."""
    frame = ctx.frame(lookup.resource)
    codes = mapping(ctx, lookup)
    if codes is None or not usable(frame, "study_id", lookup.label, lookup.field):
        return None
    printed = frame[lookup.label]
    known = printed.isin(codes.index)  # an unknown cell is schema.foreign_key's finding
    named = printed.map(codes).astype("string").fillna("")
    curated = frame[lookup.field].astype("string").fillna("")
    bad = _flag(known & (named != curated))
    s = frame.loc[bad, ["study_id", lookup.label, lookup.field]]
    detail = join(
        "Table 2 prints '",
        s[lookup.label],
        f"', which names {lookup.field} ",
        quoted(named[bad].replace("", None)),
        f", but the curated {lookup.field} is ",
        quoted(s[lookup.field]),
    )
    undetermined = frame.loc[~_flag(known), "study_id"]
    return make_differences(
        lookup.check,
        lookup.resource,
        lookup.field,
        s["study_id"],
        printed[bad],
        s[lookup.field],
        detail,
        undetermined,
    )


def msc_source(ctx: PackageContext) -> pd.DataFrame | None:
    studies = ctx.frame("studies")
    if not usable(studies, "study_id", "msc_source_published", "msc_source"):
        return None
    published = studies["msc_source_published"].astype("string").fillna("")
    curated = studies["msc_source"].astype("string").fillna("")
    bad = _flag(published != curated)
    s = studies.loc[bad, ["study_id", "msc_source_published", "msc_source"]]
    detail = join(
        "Table 2 prints MSC source ",
        quoted(s["msc_source_published"]),
        " but the curated msc_source is ",
        quoted(s["msc_source"]),
    )
    undetermined = studies.loc[studies["msc_source_published"].isna(), "study_id"]
    return make_differences(
        msc_source_printed,
        "studies",
        "msc_source",
        s["study_id"],
        s["msc_source_published"],
        s["msc_source"],
        detail,
        undetermined,
    )


#: quantity of stated_counts -> the check that compares it with the rows.
COUNT_CHECKS = {
    "databases_searched": counts_databases,
    "included_studies": counts_included,
    "studies_per_design": counts_per_design,
    "studies_per_source": counts_per_source,
    "year_min": years_window,
    "year_max": years_window,
}


def stated_counts(ctx: PackageContext) -> pd.DataFrame | None:
    """Each derivable stated count against the count derived from the rows (curated values).

    year_min/year_max stated in the methods are inclusion criteria, not a description of the
    included studies; ``years.window`` checks the studies against them directly.
    """
    import pandas as pd

    frames = ctx.frames("stated_counts", "studies", "search_strategies")
    if frames is None:
        return None
    counts, studies, searches = frames
    if not (
        usable(counts, "key", "quantity", "group", "value", "section", "derivable")
        and usable(studies, "year", "design", "msc_source")
    ):
        return None
    studies, searches = published_round(studies), published_round(searches)
    quantity = counts["quantity"].astype("string")
    group = counts["group"].astype("string")
    section = counts["section"].astype("string")
    derived = pd.Series(pd.NA, index=counts.index, dtype="Int64")
    derived[_flag(quantity == "databases_searched")] = len(searches)
    derived[_flag(quantity == "included_studies")] = len(studies)
    years = studies["year"].dropna()
    if len(years):
        derived[_flag((quantity == "year_min") & (section != "methods"))] = int(years.min())
        derived[_flag((quantity == "year_max") & (section != "methods"))] = int(years.max())
    for name, column in (("studies_per_design", "design"), ("studies_per_source", "msc_source")):
        per_group = studies[column].astype("string").value_counts()
        rows = _flag((quantity == name) & group.notna())
        derived[rows] = group[rows].map(per_group).fillna(0).astype("Int64")
    considered = _flag(
        counts["derivable"].astype("boolean") & derived.notna() & counts["value"].notna()
    )
    bad = _flag(considered & (counts["value"] != derived))
    c = counts[bad]
    what = join(quantity[bad].str.replace("_", " "), (" for " + group[bad]).fillna(""))
    detail = join(
        "the review states ",
        what,
        " = ",
        c["value"],
        " (",
        section[bad],
        ") but the rows give ",
        derived[bad],
    )
    per_group = quantity.isin(["studies_per_design", "studies_per_source"])
    undetermined = counts.loc[
        _flag(
            counts["value"].isna()
            | counts["derivable"].isna()
            | quantity.isna()
            | (per_group & group.isna())
        ),
        "key",
    ]
    out = make_differences(
        None, "stated_counts", "value", c["key"], c["value"], derived[bad], detail, undetermined
    )
    owners = {quantity: check.id for quantity, check in COUNT_CHECKS.items()}
    out["check"] = quantity[bad].map(owners).astype(object).to_numpy()
    return out


def source_table(ctx: PackageContext) -> pd.DataFrame | None:
    frames = ctx.frames("msc_sources", "studies")
    if frames is None:
        return None
    sources, studies = frames
    if not (usable(sources, "msc_source", "stated_study_count") and usable(studies, "msc_source")):
        return None
    studies = published_round(studies)
    per_source = studies["msc_source"].astype("string").value_counts()
    code = sources["msc_source"].astype("string")
    derived = code.map(per_source).fillna(0).astype("Int64")
    bad = _flag(sources["stated_study_count"].notna() & (sources["stated_study_count"] != derived))
    s = sources[bad]
    detail = join(
        "the review states ",
        s["stated_study_count"],
        " studies on ",
        code[bad],
        " but ",
        derived[bad],
        " rows of studies have that msc_source",
    )
    undetermined = code[sources["stated_study_count"].isna()]
    return make_differences(
        counts_source_table,
        "msc_sources",
        "stated_study_count",
        code[bad],
        s["stated_study_count"],
        derived[bad],
        detail,
        undetermined,
    )


def duplicate_links(ctx: PackageContext) -> pd.DataFrame | None:
    """Every curated duplicate_of is a difference: the review printed the entry twice."""
    import pandas as pd

    references = ctx.frame("references")
    if not usable(references, "reference_number", "duplicate_of"):
        return None
    r = references[references["duplicate_of"].notna()]
    detail = join(
        "reference ",
        r["reference_number"],
        " is curated as a duplicate of reference ",
        r["duplicate_of"],
    )
    # No consistency check owns these: only errata.unexplained reports an undocumented one.
    return make_differences(
        None,
        "references",
        "duplicate_of",
        r["reference_number"],
        pd.Series(pd.NA, index=r.index, dtype="string"),
        r["duplicate_of"],
        detail,
    )


#: The comparison of each (resource, field) an errata row may explain; errata elsewhere explain
#: nothing.
PRODUCERS = {
    ("studies", "year"): label_year,
    ("studies", "first_author"): first_author_label,
    **{(lookup.resource, lookup.field): partial(looked_up, lookup=lookup) for lookup in LOOKUPS},
    ("studies", "msc_source"): msc_source,
    ("stated_counts", "value"): stated_counts,
    ("msc_sources", "stated_study_count"): source_table,
    ("references", "duplicate_of"): duplicate_links,
}


# --- judging differences against the errata table ------------------------------------------


@dataclass
class Judgement:
    """All differences (``explained`` and ``erratum_id`` columns added) and the errata rows
    (``status``: known, stale, unjudged or target; ``target_problem`` text)."""

    differences: pd.DataFrame
    errata: pd.DataFrame


def judgement(ctx: PackageContext) -> Judgement | None:
    """Differences judged against errata, computed once per context; ``None`` without errata."""
    return ctx.memo(_judge)


def _judge(ctx: PackageContext) -> Judgement | None:
    errata = ctx.frame("errata")
    if not usable(errata, *ERRATA_COLUMNS):
        return None
    differences, evaluated, undetermined = _differences(ctx)
    e = _errata_rows(errata)
    differences = _explained(differences, e)
    e["target_problem"] = _targets(ctx, e)
    e["status"] = _status(e, differences, evaluated, undetermined)
    return Judgement(differences, e)


def _differences(
    ctx: PackageContext,
) -> tuple[pd.DataFrame, set[tuple[str, str]], list[tuple[str, str, str]]]:
    """Every comparison's differences, the (resource, field) scopes whose comparison ran, and
    (resource, field, record) of every record a comparison could not decide."""
    import pandas as pd

    evaluated = set()
    parts = []
    undetermined = []
    for scope, producer in PRODUCERS.items():
        found = producer(ctx)
        if found is not None:
            evaluated.add(scope)
            if not found.empty:
                parts.append(found)
            undetermined += [(*scope, record) for record in found.attrs["undetermined"]]
    differences = (
        pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=DIFF_COLUMNS)
    )
    return differences, evaluated, undetermined


def _errata_rows(errata: pd.DataFrame) -> pd.DataFrame:
    """The errata rows as text, with the names a difference uses, and their 1-based row."""
    import pandas as pd

    return pd.DataFrame(
        {
            "erratum_id": text(errata["erratum_id"]),
            "resource": text(errata["resource"]),
            "record": text(errata["record"]),
            "field": text(errata["field"]),
            "published": text(errata["published_value"]),
            "curated": text(errata["curated_value"]),
            "kind": text(errata["kind"]),
            "row": errata.index + 1,
        }
    )


def _explained(differences: pd.DataFrame, e: pd.DataFrame) -> pd.DataFrame:
    """The differences with the ``erratum_id`` that explains each (``explained``), and the
    errata row with the same target but other values, if any (``near_*``)."""
    first = e.drop_duplicates(MATCH_KEYS)[MATCH_KEYS + ["erratum_id"]]
    differences = differences.merge(first, on=MATCH_KEYS, how="left")
    differences["explained"] = differences["erratum_id"].notna()
    # An errata row with the same target but other values: say so in the unexplained message.
    same_target = e.drop_duplicates(["resource", "record", "field"]).rename(
        columns={"erratum_id": "near_id", "published": "near_published", "curated": "near_curated"}
    )[["resource", "record", "field", "near_id", "near_published", "near_curated"]]
    return differences.merge(same_target, on=["resource", "record", "field"], how="left")


def _status(
    e: pd.DataFrame,
    differences: pd.DataFrame,
    evaluated: set[tuple[str, str]],
    undetermined: list[tuple[str, str, str]],
) -> pd.Series:
    """Each errata row's status: known, stale, unjudged or target (the last that applies
    wins)."""
    import pandas as pd

    matched = (
        e.merge(
            differences[MATCH_KEYS].drop_duplicates(), on=MATCH_KEYS, how="left", indicator=True
        )["_merge"]
        .eq("both")
        .to_numpy()
    )
    scopes = pd.DataFrame(
        [(resource, field, (resource, field) in evaluated) for resource, field in PRODUCERS],
        columns=["resource", "field", "judged"],
    )
    scoped = e[["resource", "field"]].merge(scopes, on=["resource", "field"], how="left")
    covered = scoped["judged"].notna().to_numpy()
    judged = scoped["judged"].fillna(False).astype(bool).to_numpy()
    status = pd.Series("stale", index=e.index, dtype=object)
    status[covered & ~judged] = "unjudged"  # the comparison could not run: no verdict
    status[_open_questions(e, undetermined)] = "unjudged"  # a compared cell is missing
    status[matched] = "known"
    status[e["target_problem"].notna().to_numpy()] = "target"
    return status


def _open_questions(e: pd.DataFrame, undetermined: list[tuple[str, str, str]]) -> np.ndarray:
    """Which errata rows name a record whose comparison could not be made (schema.* reports
    the missing cell): no verdict on them."""
    import pandas as pd

    unknown = pd.DataFrame(undetermined, columns=["resource", "field", "record"]).assign(u=True)
    return (
        e[["resource", "field", "record"]]
        .merge(
            unknown.drop_duplicates(["resource", "field", "record"]),
            on=["resource", "field", "record"],
            how="left",
        )["u"]
        .notna()
        .to_numpy()
    )


def _targets(ctx: PackageContext, e: pd.DataFrame) -> pd.Series:
    """Per errata row: why its resource/record/field does not exist (or NA)."""
    import pandas as pd

    problem = pd.Series(pd.NA, index=e.index, dtype=object)
    for resource, rows in e.groupby("resource", sort=False):
        if resource not in ctx.files:
            problem[rows.index] = f"the package has no resource '{resource}'"
            continue
        names = [f.get("name") for f in ctx.fields(resource)]
        bad_field = ~rows["field"].isin(names)
        problem[rows.index[bad_field.to_numpy()]] = (
            "resource '" + resource + "' has no field '" + rows["field"][bad_field] + "'"
        )
        raw = ctx.raw(resource)
        keys = primary_key(ctx.schema(resource))
        if raw is None or not keys or not all(k in raw.columns for k in keys):
            continue  # unreadable table or no key: the table/schema layers report it
        record = raw[keys[0]] if len(keys) == 1 else raw[keys].agg("/".join, axis=1)
        known = pd.Series(isin(rows["record"], record), index=rows.index)
        missing = rows.index[(~known & ~bad_field).to_numpy()]
        problem[missing] = (
            "resource '" + resource + "' has no record '" + rows.loc[missing, "record"] + "'"
        )
    return problem

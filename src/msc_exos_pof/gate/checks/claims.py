"""Checks: claims layer: the review's narrative and citations against its own curated rows.

``claims`` records what the narrative attributes to a study, an MSC source or the included
studies; ``citations``/``citation_references`` record what each in-text marker cites; ``concerns``
records the inconsistencies the curators found. These checks compute, from the curated rows
(``studies``, ``study_mechanisms``, ``study_msc_sources``, ``references``), the verdict of each
claim, and report every disagreement. A disagreement the package records (the claim names a
concern, or an errata row explains it) is reported with severity ``info``: a documented
inconsistency of the review, nothing to fix. An unrecorded one keeps the check's severity.

One meaning per verdict (the ``verdict`` vocabulary says the same):

- ``agrees``: the subject's rows give the attributed value (a mechanism in the same direction);
- ``unsupported``: no row of any study gives the value: nothing in the review could support it;
- ``contradicts``: the subject's rows give the attribute other values (or the same mechanism in
  the opposite direction);
- ``undetermined``: the subject's rows are silent on the attribute (an empty cell, no mechanism,
  pathway or induction named), or a count lies within the range the rows allow.

A claim is judged against Table 2 and the studies' titles only: mechanism links built from the
narrative (``study_mechanisms.evidence_kind`` narrative) would make a claim agree with itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..registry import Check, register
from ..report import Finding
from .consistency_differences import text, usable

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ...io.context import PackageContext

LAYER = "claims"

#: effector_type values whose effector is carried by exosomes ("exosomes" in a claim).
EXOSOME_EFFECTORS = {"whole_exosomes", "mirna", "circrna"}
#: species a claim of "murine" covers.
MURINE = {"mouse", "rat"}
#: attributes compared with one curated cell of the subject study (empty cell: silent).
SINGLE_VALUED = {"species": "species", "effector": "effector_type", "design": "design"}
#: attributes looked up in the words of a study's title and Table 2 effect cell.
TEXTUAL = ("induction", "preconditioning")
#: the words that name each induction code (others: the code with spaces for underscores).
INDUCTION_TERMS = {
    "cisplatin": ("cisplatin",),
    "cyclophosphamide": ("cyclophosphamide",),
    "chemotherapy": ("chemotherapy", "cisplatin", "cyclophosphamide"),
    "natural_aging": ("natural aging",),
    "autoimmune": ("autoimmune",),
}
#: study_mechanisms.evidence_kind values a claim may be judged against (never the narrative).
JUDGED_EVIDENCE = {"table_2", "title"}
#: the msc_source a study has when its curated rows say it is not MSC-derived.
NO_MSC_SOURCE = "(none: not MSC-derived)"
COUNT = "count_exosome_studies"
FACT_COLUMNS = ["study_id", "attribute", "value", "direction"]


def _studies(ctx: PackageContext) -> pd.DataFrame | None:
    studies = ctx.raw("studies") if "studies" in ctx.files else None
    if not usable(
        studies,
        "study_id",
        "reference_number",
        "title",
        "effect_published",
        "msc_source",
        "species",
        "design",
        "effector_type",
    ):
        return None
    return studies.apply(text)


def _optional(ctx: PackageContext, name: str, *columns: str) -> pd.DataFrame | None:
    frame = ctx.raw(name) if name in ctx.files else None
    return frame.apply(text) if usable(frame, *columns) else None


def _sources(ctx: PackageContext, studies: pd.DataFrame) -> pd.DataFrame:
    """(study_id, msc_source): Table 2's curated source and every study_msc_sources link."""
    import pandas as pd

    parts = [studies.loc[studies["msc_source"] != "", ["study_id", "msc_source"]]]
    links = _optional(ctx, "study_msc_sources", "study_id", "msc_source")
    if links is not None:
        parts.append(links[["study_id", "msc_source"]])
    return pd.concat(parts, ignore_index=True).drop_duplicates()


def _frame(
    study_id: pd.Series, attribute: str, value: object, direction: object = ""
) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(
        {"study_id": study_id, "attribute": attribute, "value": value, "direction": direction}
    )


def _facts(ctx: PackageContext, claims: pd.DataFrame, studies: pd.DataFrame) -> pd.DataFrame:
    """Long table (study_id, attribute, value, direction) of what each study's Table 2 row and
    title say (through the curated rows); an attribute a study has no row for is one its rows
    are silent on."""
    import pandas as pd

    parts = [_frame(studies["study_id"], a, studies[c]) for a, c in SINGLE_VALUED.items()]
    murine = studies[studies["species"].isin(MURINE)]
    parts.append(_frame(murine["study_id"], "species", "murine"))
    exosome = studies[studies["effector_type"].isin(EXOSOME_EFFECTORS)]
    parts.append(_frame(exosome["study_id"], "effector", "exosomes"))
    sources = _sources(ctx, studies)
    parts.append(_frame(sources["study_id"], "msc_source", sources["msc_source"]))
    if "eligibility_concern" in studies.columns:
        # Curated as not MSC-derived: the rows say "no MSC source", they are not silent.
        none = studies[studies["eligibility_concern"] == "not_msc_derived"]
        parts.append(_frame(none["study_id"], "msc_source", NO_MSC_SOURCE))
    mechanisms = _optional(ctx, "study_mechanisms", "study_id", "mechanism")
    if mechanisms is not None:
        if "evidence_kind" in mechanisms.columns:
            mechanisms = mechanisms[mechanisms["evidence_kind"].isin(JUDGED_EVIDENCE)]
        direction = mechanisms["direction"] if "direction" in mechanisms.columns else ""
        parts.append(
            _frame(mechanisms["study_id"], "mechanism", mechanisms["mechanism"], direction)
        )
        if "pathway_canonical" in mechanisms.columns:
            named = mechanisms[mechanisms["pathway_canonical"] != ""]
            parts.append(_frame(named["study_id"], "pathway", named["pathway_canonical"]))
    parts.append(_textual(claims, studies))
    facts = pd.concat(parts, ignore_index=True)
    return facts[facts["value"] != ""].drop_duplicates()


def _textual(claims: pd.DataFrame, studies: pd.DataFrame) -> pd.DataFrame:
    """Facts of induction and preconditioning: the codes (and claimed values) whose words a
    study's title or Table 2 effect cell names."""
    import pandas as pd

    words = (studies["title"] + " " + studies["effect_published"]).str.lower()
    rows = []
    for attribute in TEXTUAL:
        claimed = claims.loc[claims["attribute"] == attribute, "value"]
        codes = dict.fromkeys([*(INDUCTION_TERMS if attribute == "induction" else ()), *claimed])
        for code in codes:
            terms = INDUCTION_TERMS.get(code, (code.replace("_", " ").lower(),))
            naming = words.apply(lambda text_, terms=terms: any(t in text_ for t in terms))
            rows += [(sid, attribute, code, "") for sid in studies.loc[naming, "study_id"]]
    return pd.DataFrame(rows, columns=FACT_COLUMNS)


def _subjects(ctx: PackageContext, claims: pd.DataFrame, studies: pd.DataFrame) -> pd.DataFrame:
    """Long table (claim_id, study_id): the studies each claim is about."""
    import pandas as pd

    kind = claims["subject_type"]
    parts = []
    one = claims[(kind == "study") & (claims["study_id"] != "")]
    parts.append(one[["claim_id", "study_id"]])
    by_source = claims.loc[kind == "msc_source", ["claim_id", "msc_source"]].merge(
        _sources(ctx, studies), on="msc_source"
    )
    parts.append(by_source[["claim_id", "study_id"]])
    every = claims.loc[kind == "included_studies", ["claim_id"]].merge(
        studies[["study_id"]], how="cross"
    )
    parts.append(every)
    sources = _optional(ctx, "msc_sources", "msc_source", "origin")
    if sources is not None:
        by_origin = (
            claims.loc[kind == "origin", ["claim_id", "origin"]]
            .merge(sources[["msc_source", "origin"]], on="origin")
            .merge(studies[["study_id", "msc_source"]], on="msc_source")
        )
        parts.append(by_origin[["claim_id", "study_id"]])
    return pd.concat(parts, ignore_index=True).drop_duplicates()


def _counts(claims: pd.DataFrame, subjects: pd.DataFrame, studies: pd.DataFrame) -> pd.DataFrame:
    """For count claims: the fewest and most subject studies on MSC-derived exosomes the
    curated rows allow (a study with no curated effector_type may or may not be one).

    A per-source count counts Table 2's curated classification (studies.msc_source); the
    included-studies count counts studies with any curated MSC source."""
    import pandas as pd

    wanted = claims[claims["attribute"] == COUNT]
    rows = []
    for claim in wanted.itertuples(index=False):
        if claim.subject_type == "msc_source":
            mine = studies[studies["msc_source"] == claim.msc_source]
        elif claim.subject_type == "included_studies":
            mine = studies[studies["msc_source"] != ""]
        else:
            mine = studies[
                studies["study_id"].isin(
                    subjects.loc[subjects["claim_id"] == claim.claim_id, "study_id"]
                )
            ]
        low = int(mine["effector_type"].isin(EXOSOME_EFFECTORS).sum())
        high = low + int((mine["effector_type"] == "").sum())
        rows.append((claim.claim_id, low, high))
    return pd.DataFrame(rows, columns=["claim_id", "low", "high"])


def judgement(ctx: PackageContext) -> pd.DataFrame | None:
    """Claims with their ``computed`` verdict (agrees, contradicts, unsupported,
    undetermined), ``row`` (1-based), ``recorded`` (a concern or an erratum documents a
    disagreement) and ``detail``; ``None`` when claims or studies cannot be read. Computed once
    per context."""
    return ctx.memo(_judge)


def _judge(ctx: PackageContext) -> pd.DataFrame | None:
    import numpy as np

    claims = _optional(ctx, "claims", "claim_id", "subject_type", "attribute", "value", "verdict")
    studies = _studies(ctx)
    if claims is None or studies is None:
        return None
    claims = claims.reset_index(drop=True)
    claims["row"] = claims.index + 1
    for column in ("study_id", "msc_source", "origin", "concern_id", "direction"):
        if column not in claims.columns:
            claims[column] = ""
    facts = _facts(ctx, claims, studies)
    subjects = _subjects(ctx, claims, studies)
    keyed = claims[["claim_id", "attribute", "value", "direction"]].rename(
        columns={"direction": "claimed"}
    )
    about = keyed.merge(subjects, on="claim_id")
    hits = about.merge(facts, on=["study_id", "attribute", "value"])
    # A direction decides only when both the claim and the row state one.
    same_way = (
        (hits["claimed"] == "") | (hits["direction"] == "") | (hits["claimed"] == hits["direction"])
    )
    supported = set(hits.loc[same_way, "claim_id"])
    speaks = set(
        about.merge(
            facts[["study_id", "attribute"]].drop_duplicates(), on=["study_id", "attribute"]
        )["claim_id"]
    )
    anywhere = set(
        keyed.merge(facts[["attribute", "value"]].drop_duplicates(), on=["attribute", "value"])[
            "claim_id"
        ]
    )
    ids = claims["claim_id"]
    claims["computed"] = np.select(
        [ids.isin(supported), ~ids.isin(anywhere), ids.isin(speaks)],
        ["agrees", "unsupported", "contradicts"],
        "undetermined",
    )
    claims["detail"] = ""
    counts = _counts(claims, subjects, studies).set_index("claim_id")
    for index in claims.index[claims["attribute"] == COUNT]:
        low, high = counts.loc[claims.at[index, "claim_id"], ["low", "high"]]
        try:
            stated = int(claims.at[index, "value"])
        except ValueError:
            stated = -1
        claims.at[index, "computed"] = (
            "agrees"
            if stated == low == high
            else "undetermined"
            if low <= stated <= high
            else "contradicts"
        )
        claims.at[index, "detail"] = (
            f"the curated rows give {low}"
            if low == high
            else f"the curated rows give {low} to {high}"
        )
    claims["recorded"] = (claims["concern_id"] != "") | _errata_explain(ctx, claims)
    return claims


def _errata_explain(ctx: PackageContext, claims: pd.DataFrame) -> pd.Series:
    """Whether an errata row records the claimed value as published for the claim's study and
    attribute (a narrative contradiction the errata table already documents)."""
    errata = _optional(ctx, "errata", "resource", "record", "field", "published_value")
    if errata is None:
        return claims["claim_id"] == None  # noqa: E711 - all False, same index
    known = set(
        zip(
            errata.loc[errata["resource"] == "studies", "record"],
            errata.loc[errata["resource"] == "studies", "field"],
            errata.loc[errata["resource"] == "studies", "published_value"],
            strict=True,
        )
    )
    keys = zip(claims["study_id"], claims["attribute"], claims["value"], strict=True)
    return (
        claims["claim_id"]
        .map(dict(zip(claims["claim_id"], [k in known for k in keys], strict=True)))
        .astype(bool)
    )


def _subject(item: object) -> str:
    kind = item.subject_type
    if kind == "study":
        return f"study '{item.study_id}'"
    if kind == "msc_source":
        return f"MSC source '{item.msc_source}'"
    if kind == "origin":
        return f"{item.origin} sources"
    return "the included studies"


def _claim_findings(check: Check, claims: pd.DataFrame, message: str) -> Iterator[Finding]:
    for item in claims.itertuples(index=False):
        recorded = bool(item.recorded)
        where = (
            f"; recorded as concern {item.concern_id}"
            if item.concern_id
            else "; recorded by an errata row"
            if recorded
            else ""
        )
        fix = (
            ": a documented inconsistency of the review, nothing to fix"
            if recorded
            else ": record it (a concern, or claims.concern_id) or correct the claim's value"
        )
        yield check.finding(
            f"claim {item.claim_id} ({item.locator if hasattr(item, 'locator') else ''}) "
            f"attributes {item.attribute} {item.value!r} to {_subject(item)}; "
            f"{message.format(detail=item.detail)}{where}{fix}",
            resource="claims",
            row=int(item.row),
            field="value",
            severity="info" if recorded else None,
        )


@register(
    "claims.contradicts_study",
    "warning",
    "a narrative claim about a study or source agrees with its Table 2 row and title (species, "
    "MSC source, effector, design, mechanism and its direction, pathway, induction)",
    LAYER,
)
def contradicts_study(ctx: PackageContext) -> Iterator[Finding]:
    claims = judgement(ctx)
    if claims is None:
        return
    bad = claims[(claims["computed"] == "contradicts") & (claims["attribute"] != COUNT)]
    yield from _claim_findings(
        contradicts_study,
        bad,
        "the subject's Table 2 row and title say otherwise (another value, or the opposite "
        "direction)",
    )


@register(
    "claims.unsupported",
    "warning",
    "a narrative claim is supported by at least one included study's Table 2 row or title",
    LAYER,
)
def unsupported(ctx: PackageContext) -> Iterator[Finding]:
    claims = judgement(ctx)
    if claims is None:
        return
    bad = claims[claims["computed"] == "unsupported"]
    yield from _claim_findings(
        unsupported, bad, "no included study's Table 2 row or title gives it"
    )


@register(
    "claims.count_contradicted",
    "warning",
    "a stated count of studies on MSC-derived exosomes agrees with the curated "
    "msc_source and effector_type of the studies",
    LAYER,
)
def count_contradicted(ctx: PackageContext) -> Iterator[Finding]:
    claims = judgement(ctx)
    if claims is None:
        return
    bad = claims[(claims["computed"] == "contradicts") & (claims["attribute"] == COUNT)]
    yield from _claim_findings(count_contradicted, bad, "{detail}")


@register(
    "claims.expected",
    "warning",
    "the verdict computed for each claim equals the verdict the curators recorded",
    LAYER,
)
def expected(ctx: PackageContext) -> Iterator[Finding]:
    claims = judgement(ctx)
    if claims is None:
        return
    bad = claims[claims["computed"] != claims["verdict"]]
    for item in bad.itertuples(index=False):
        yield expected.finding(
            f"claim {item.claim_id}: the curated rows make it {item.computed!r}, but its "
            f"recorded verdict is {item.verdict!r}; expected them to agree: correct the claim "
            "(or its verdict), or the curated rows it is compared with",
            resource="claims",
            row=int(item.row),
            field="verdict",
        )


def _resolved_links(ctx: PackageContext) -> pd.DataFrame | None:
    """citation_references with ``original`` (the reference number after duplicate_of) and
    ``duplicate_of``; ``None`` when a table cannot be read."""
    links = _optional(ctx, "citation_references", "citation_id", "reference_number")
    references = _optional(ctx, "references", "reference_number", "duplicate_of")
    if links is None or references is None:
        return None
    links = links.reset_index(drop=True)
    links["row"] = links.index + 1
    links = links.merge(
        references[["reference_number", "duplicate_of"]], how="left", on="reference_number"
    )
    links["duplicate_of"] = links["duplicate_of"].fillna("")
    links["original"] = links["duplicate_of"].where(
        links["duplicate_of"] != "", links["reference_number"]
    )
    return links


@register(
    "claims.cites_non_included",
    "warning",
    "a claim about an included study or MSC source cites at least one included study",
    LAYER,
)
def cites_non_included(ctx: PackageContext) -> Iterator[Finding]:
    claims = judgement(ctx)
    links = _resolved_links(ctx)
    studies = _studies(ctx)
    if claims is None or links is None or studies is None or "citation_id" not in claims:
        return
    included = set(studies["reference_number"])
    cites_one = set(links.loc[links["original"].isin(included), "citation_id"])
    cited = claims[
        (claims["citation_id"] != "")
        & claims["subject_type"].isin(["study", "msc_source"])
        & ~claims["citation_id"].isin(cites_one)
    ]
    numbers = links.groupby("citation_id")["reference_number"].agg(", ".join)
    for item in cited.itertuples(index=False):
        recorded = item.concern_id != ""
        yield cites_non_included.finding(
            f"claim {item.claim_id} about {_subject(item)} cites reference(s) "
            f"{numbers.get(item.citation_id, '(none)')} (citation {item.citation_id}), none of "
            "them an included study"
            + (
                f"; recorded as concern {item.concern_id}: a documented inconsistency of the "
                "review, nothing to fix"
                if recorded
                else "; expected a citation of an included study: record it as a concern or "
                "correct citation_id"
            ),
            resource="claims",
            row=int(item.row),
            field="citation_id",
            severity="info" if recorded else None,
        )


@register(
    "citations.duplicate_reference",
    "warning",
    "an in-text citation cites the original reference entry, not a duplicate of it",
    LAYER,
)
def duplicate_reference(ctx: PackageContext) -> Iterator[Finding]:
    links = _resolved_links(ctx)
    if links is None:
        return
    concerns = _optional(ctx, "concerns", "concern_id", "kind", "citation_id")
    recorded: dict[str, str] = {}
    if concerns is not None:
        duplicate = concerns[
            (concerns["kind"] == "citation_to_duplicate") & (concerns["citation_id"] != "")
        ]
        recorded = dict(zip(duplicate["citation_id"], duplicate["concern_id"], strict=True))
    for item in links[links["duplicate_of"] != ""].itertuples(index=False):
        concern = recorded.get(item.citation_id)
        yield duplicate_reference.finding(
            f"citation {item.citation_id} cites reference {item.reference_number}, a duplicate "
            f"of reference {item.duplicate_of}"
            + (
                f"; recorded as concern {concern}: a documented inconsistency of the review, "
                "nothing to fix"
                if concern
                else f"; expected it to cite {item.duplicate_of}: record it as a concern of kind "
                "citation_to_duplicate"
            ),
            resource="citation_references",
            row=int(item.row),
            field="reference_number",
            severity="info" if concern else None,
        )


@register(
    "concerns.recorded",
    "info",
    "surfaces each recorded inconsistency of the review that changes no value",
    LAYER,
)
def concerns_recorded(ctx: PackageContext) -> Iterator[Finding]:
    concerns = _optional(ctx, "concerns", "concern_id", "kind", "disagreement")
    if concerns is None:
        return
    for index, item in enumerate(concerns.itertuples(index=False), 1):
        yield concerns_recorded.finding(
            f"concern {item.concern_id} ({item.kind}): {item.disagreement}",
            resource="concerns",
            row=index,
            field="concern_id",
        )

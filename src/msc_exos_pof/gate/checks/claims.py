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
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...io.vectorised import arrow_text, isin
from ..registry import Check, register
from ..report import Finding
from .consistency_differences import usable

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd
    import pyarrow as pa

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
#: What a claim can be about: a study, the studies of an MSC source, the included studies, or
#: the studies of the sources of an origin.
GROUPS = ["study", "source", "included", "origin"]


#: studies columns the claims layer reads.
STUDY_COLUMNS = (
    "study_id",
    "reference_number",
    "title",
    "effect_published",
    "msc_source",
    "species",
    "design",
    "effector_type",
)


def _studies(ctx: PackageContext) -> pd.DataFrame | None:
    """The studies columns the claims are judged against, as written ("" for an empty cell)."""
    studies = _optional(ctx, "studies", *STUDY_COLUMNS)
    if studies is None:
        return None
    extra = ["eligibility_concern"] if "eligibility_concern" in studies.columns else []
    return studies[[*STUDY_COLUMNS, *extra]]


def _optional(ctx: PackageContext, name: str, *columns: str) -> pd.DataFrame | None:
    """Resource ``name`` as written (Arrow text, "" for an empty cell), when it was read and
    has ``columns``."""
    frame = ctx.raw(name)
    return frame if usable(frame, *columns) else None


def _sources(ctx: PackageContext, studies: pd.DataFrame) -> pd.DataFrame:
    """(study_id, msc_source): Table 2's curated source and every study_msc_sources link."""
    import pandas as pd

    parts = [studies.loc[studies["msc_source"] != "", ["study_id", "msc_source"]]]
    links = _optional(ctx, "study_msc_sources", "study_id", "msc_source")
    if links is not None:
        parts.append(links[["study_id", "msc_source"]])
    return pd.concat(parts, ignore_index=True)


@dataclass(frozen=True)
class _Facts:
    """What curated rows say of one attribute of their subjects: ``rows`` (subject, value[,
    direction][, group]), the subject a study ("study", its id) or, where ``rows`` has a
    ``group`` column, a group of studies (``GROUPS``)."""

    attribute: str
    rows: pd.DataFrame

    @property
    def of_studies(self) -> bool:
        return "group" not in self.rows.columns

    def group(self) -> str | pd.Series:
        return "study" if self.of_studies else self.rows["group"]

    def direction(self) -> pa.Array | pa.ChunkedArray:
        import pyarrow as pa

        if "direction" in self.rows.columns:
            return arrow_text(self.rows["direction"].fillna(""))
        return pa.repeat(pa.scalar("", pa.large_string()), len(self.rows))


def _fact(attribute: str, study_id: pd.Series, value: object, direction: object = None) -> _Facts:
    """The facts of ``attribute`` (one per row; a value of "" says nothing)."""
    import pandas as pd

    rows = pd.DataFrame({"subject": study_id, "value": value})
    if direction is not None:
        rows["direction"] = direction
    said = (rows["value"] != "").to_numpy()
    return _Facts(attribute, rows if said.all() else rows[said])


def _group_facts(facts: list[_Facts], members: dict[str, pd.DataFrame]) -> list[_Facts]:
    """The facts of each group of studies: those of its studies (one join per group)."""
    import pandas as pd

    if not members:
        return []
    attributes = sorted({part.attribute for part in facts})
    every = pd.concat(
        [part.rows.assign(attribute=attributes.index(part.attribute)) for part in facts],
        ignore_index=True,
    )
    joined = pd.concat(
        [
            every.merge(member.rename(columns={"study_id": "subject"}), on="subject").assign(
                group=group
            )
            for group, member in members.items()
        ],
        ignore_index=True,
    )
    joined = joined.drop(columns="subject").rename(columns={"key": "subject"})
    code = joined["attribute"].to_numpy()
    return [_Facts(name, joined[code == index]) for index, name in enumerate(attributes)]


def _facts(ctx: PackageContext, claims: pd.DataFrame, studies: pd.DataFrame) -> list[_Facts]:
    """What each study's Table 2 row and title say (through the curated rows) of the
    attributes the claims name; an attribute a study has no row for is one its rows are silent
    on."""
    asked = set(claims["attribute"].unique())
    parts = [
        _fact(a, studies["study_id"], studies[c]) for a, c in SINGLE_VALUED.items() if a in asked
    ]
    if "species" in asked:
        murine = studies[studies["species"].isin(MURINE)]
        parts.append(_fact("species", murine["study_id"], "murine"))
    if "effector" in asked:
        exosome = studies[studies["effector_type"].isin(EXOSOME_EFFECTORS)]
        parts.append(_fact("effector", exosome["study_id"], "exosomes"))
    if "msc_source" in asked:
        sources = _sources(ctx, studies)
        parts.append(_fact("msc_source", sources["study_id"], sources["msc_source"]))
        if "eligibility_concern" in studies.columns:
            # Curated as not MSC-derived: the rows say "no MSC source", they are not silent.
            none = studies[studies["eligibility_concern"] == "not_msc_derived"]
            parts.append(_fact("msc_source", none["study_id"], NO_MSC_SOURCE))
    mechanisms = _optional(ctx, "study_mechanisms", "study_id", "mechanism")
    if mechanisms is not None and asked & {"mechanism", "pathway"}:
        if "evidence_kind" in mechanisms.columns:
            mechanisms = mechanisms[mechanisms["evidence_kind"].isin(JUDGED_EVIDENCE)]
        direction = mechanisms["direction"] if "direction" in mechanisms.columns else None
        parts.append(_fact("mechanism", mechanisms["study_id"], mechanisms["mechanism"], direction))
        if "pathway_canonical" in mechanisms.columns:
            parts.append(_fact("pathway", mechanisms["study_id"], mechanisms["pathway_canonical"]))
    return parts + _textual(claims, studies, asked)


def _lowered(words: pd.Series) -> pa.Array:
    """Python's ``str.lower`` of each cell, as Arrow text: Arrow's for ASCII text (the same),
    Python's for the rest (Unicode special cases such as "İ")."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = arrow_text(words)
    text = text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
    lowered = pc.ascii_lower(text)
    other = pc.invert(pc.string_is_ascii(text))
    if pc.any(other).as_py():
        python = [value.lower() for value in text.filter(other).to_pylist()]
        lowered = pc.replace_with_mask(lowered, other, pa.array(python, lowered.type))
    return lowered


def _textual(claims: pd.DataFrame, studies: pd.DataFrame, asked: set[str]) -> list[_Facts]:
    """Facts of induction and preconditioning: the codes (and claimed values) whose words a
    study's title or Table 2 effect cell names."""
    import numpy as np
    import pyarrow.compute as pc

    if not asked & set(TEXTUAL):
        return []
    words = _lowered(studies["title"] + " " + studies["effect_published"])
    parts = []
    for attribute in [a for a in TEXTUAL if a in asked]:
        claimed = claims.loc[claims["attribute"] == attribute, "value"]
        codes = dict.fromkeys([*(INDUCTION_TERMS if attribute == "induction" else ()), *claimed])
        for code in codes:
            terms = INDUCTION_TERMS.get(code, (code.replace("_", " ").lower(),))
            naming = np.zeros(len(studies), dtype=bool)
            for term in terms:
                naming |= pc.match_substring(words, term).to_numpy(zero_copy_only=False)
            parts.append(_fact(attribute, studies.loc[naming, "study_id"], code))
    return parts


def _subject_groups(ctx: PackageContext, claims: pd.DataFrame) -> pd.DataFrame:
    """(position, group, key): what the claim at ``position`` is about: a study ("study", its
    id), the studies of an MSC source ("source", the source), the included studies
    ("included", ""), or the studies of the sources of an origin ("origin", the origin)."""
    import numpy as np
    import pandas as pd

    kind = claims["subject_type"]
    wanted = [
        ("study", ((kind == "study") & (claims["study_id"] != "")).to_numpy(), "study_id"),
        ("source", (kind == "msc_source").to_numpy(), "msc_source"),
        ("included", (kind == "included_studies").to_numpy(), None),
    ]
    if _optional(ctx, "msc_sources", "msc_source", "origin") is not None:
        wanted.append(("origin", (kind == "origin").to_numpy(), "origin"))
    parts = []
    for group, rows, column in wanted:
        key = claims.loc[rows, column] if column else pd.Series("", index=claims.index[rows])
        part = pd.DataFrame({"position": np.flatnonzero(rows), "key": key.astype("str").array})
        code = np.full(len(part), GROUPS.index(group))
        parts.append(part.assign(group=pd.Categorical.from_codes(code, categories=GROUPS)))
    return pd.concat(parts, ignore_index=True)


def _members(ctx: PackageContext, studies: pd.DataFrame, group: str) -> pd.DataFrame:
    """(study_id, key): the studies of each group of a kind (source, included, origin)."""
    if group == "source":
        return _sources(ctx, studies).rename(columns={"msc_source": "key"})
    if group == "included":
        return studies[["study_id"]].assign(key="")
    origins = _optional(ctx, "msc_sources", "msc_source", "origin")[["msc_source", "origin"]]
    of = studies[["study_id", "msc_source"]].merge(origins, on="msc_source")
    return of[["study_id"]].assign(key=of["origin"])


def _known(facts: list[_Facts]) -> tuple[pa.ChunkedArray, pa.ChunkedArray, pa.ChunkedArray]:
    """Facts as (``row_keys`` of their subject's group and key; value; direction)."""
    import pyarrow as pa

    from ...io.vectorised import row_keys

    subjects, values, directions = [], [], []
    for part in facts:
        subjects.append(row_keys(part.group(), part.rows["subject"]))
        values.append(arrow_text(part.rows["value"]))
        directions.append(part.direction())
    return tuple(  # type: ignore[return-value]
        pa.chunked_array(_chunks(arrays), pa.large_string())
        for arrays in (subjects, values, directions)
    )


def _chunks(arrays: list[pa.Array | pa.ChunkedArray]) -> list[pa.Array]:
    import pyarrow as pa

    return [c for a in arrays for c in (a.chunks if isinstance(a, pa.ChunkedArray) else [a])]


def _supported(
    subject: pa.Array, value: pa.Array, claimed: pa.Array, known: tuple[pa.ChunkedArray, ...]
) -> np.ndarray:
    """Whether a fact of ``known`` (subject, value, direction) gives each claim's subject and
    value; a direction decides only when both the claim and the fact state one."""
    import pyarrow.compute as pc

    from ...io.vectorised import among, extended_keys

    subjects, values, directions = known
    asked, given = extended_keys(subject, value), extended_keys(subjects, values)
    stated = pc.not_equal(claimed, "").to_numpy(zero_copy_only=False)
    fact_stated = pc.not_equal(directions, "").to_numpy(zero_copy_only=False)
    found = ~stated & among(asked, given)
    if stated.any():
        either = among(asked.filter(stated), given.filter(~fact_stated))
        if fact_stated.any():
            either |= among(
                extended_keys(asked.filter(stated), claimed.filter(stated)),
                extended_keys(given.filter(fact_stated), directions.filter(fact_stated)),
            )
        found[stated] |= either
    return found


def _verdicts(ctx: PackageContext, claims: pd.DataFrame, studies: pd.DataFrame) -> np.ndarray:
    """Each claim's verdict from the facts of its subjects (count claims are decided apart).

    A claim agrees when a study it is about has a fact of its attribute and value (in the same
    direction, when both state one); it is unsupported when no study has that fact; it
    contradicts when a study it is about has other facts of the attribute. Claims that share an
    id share their subjects and verdict. Claims and facts meet attribute by attribute through
    ``row_keys`` (hash lookups, linear in claims and facts); whether a subject speaks of the
    attribute at all is asked only of the claims no fact supports.
    """
    import numpy as np
    import pandas as pd

    from ...io.vectorised import among, row_keys

    facts = _facts(ctx, claims, studies)
    subjects = _subject_groups(ctx, claims)
    groups = sorted(set(subjects["group"]) - {"study"})
    facts += _group_facts(facts, {group: _members(ctx, studies, group) for group in groups})
    # A claim is about the subjects of every claim with its id (ids as integer codes).
    code = pd.factorize(claims["claim_id"])[0]
    subjects["code"] = code[subjects["position"].to_numpy()]
    if not (np.bincount(code) > 1).any():
        about = subjects
    else:
        rows = pd.DataFrame({"position": np.arange(len(claims)), "code": code})
        about = rows.merge(subjects.drop(columns="position"), on="code")
    at = about["position"].to_numpy()
    # Each subject row's claim: its attribute (as a code), value and direction, in Arrow.
    attribute, names = pd.factorize(claims["attribute"])
    subject = row_keys(about["group"], about["key"])
    value, claimed = (arrow_text(claims[column]).take(at) for column in ("value", "direction"))
    supported = np.zeros(len(about), dtype=bool)
    speaks = np.zeros(len(about), dtype=bool)
    # Only the attributes that facts exist for can agree, contradict or be found anywhere.
    of = {name: [part for part in facts if part.attribute == name] for name in names}
    for index, name in enumerate(names):
        rows = attribute[at] == index
        if not of[name] or not rows.any():
            continue
        known = _known(of[name])
        found = _supported(subject.filter(rows), value.filter(rows), claimed.filter(rows), known)
        supported[rows] = found
        speaks[np.flatnonzero(rows)[~found]] = among(subject.filter(rows).filter(~found), known[0])
    agrees = _by_claim(code, about["code"].to_numpy()[supported])
    # The claims no fact supports: is their value a fact of any study at all?
    anywhere = np.zeros(len(claims), dtype=bool)
    for index, name in enumerate(names):
        rows = ~agrees & (attribute == index)
        for part in of[name] if rows.any() else []:
            if part.of_studies:
                anywhere[rows] |= isin(claims.loc[rows, "value"], part.rows["value"])
    unsupported = ~agrees & ~_by_claim(code, code[anywhere])
    contradicts = ~agrees & ~unsupported & _by_claim(code, about["code"].to_numpy()[speaks])
    return np.select(
        [agrees, unsupported, contradicts], ["agrees", "unsupported", "contradicts"], "undetermined"
    ).astype(object)


def _by_claim(code: np.ndarray, found: np.ndarray) -> np.ndarray:
    """Per claim: whether its id's code is among ``found`` (the codes of claims that have it)."""
    import numpy as np

    hit = np.zeros(code.max() + 1 if len(code) else 0, dtype=bool)
    hit[found] = True
    return hit[code]


def _count_range(
    ctx: PackageContext, claim: object, claims: pd.DataFrame, studies: pd.DataFrame
) -> tuple[int, int]:
    """For a count claim: the fewest and most subject studies on MSC-derived exosomes the
    curated rows allow (a study with no curated effector_type may or may not be one).

    A per-source count counts Table 2's curated classification (studies.msc_source); the
    included-studies count counts studies with any curated MSC source."""
    if claim.subject_type == "msc_source":
        mine = (studies["msc_source"] == claim.msc_source).to_numpy()
    elif claim.subject_type == "included_studies":
        mine = (studies["msc_source"] != "").to_numpy()
    else:
        same = _subject_groups(ctx, claims[(claims["claim_id"] == claim.claim_id).to_numpy()])
        ids = list(same.loc[same["group"] == "study", "key"])
        for group in set(same["group"]) - {"study"}:
            members = _members(ctx, studies, group)
            keys = same.loc[same["group"] == group, "key"]
            ids += list(members.loc[isin(members["key"], keys), "study_id"])
        mine = isin(studies["study_id"], ids)
    effector = studies["effector_type"]
    low = int((mine & effector.isin(EXOSOME_EFFECTORS).to_numpy()).sum())
    return low, low + int((mine & (effector == "").to_numpy()).sum())


def judgement(ctx: PackageContext) -> pd.DataFrame | None:
    """Claims with their ``computed`` verdict (agrees, contradicts, unsupported,
    undetermined), ``row`` (1-based), ``recorded`` (a concern or an erratum documents a
    disagreement) and ``detail``; ``None`` when claims or studies cannot be read. Computed once
    per context."""
    return ctx.memo(_judge)


def _judge(ctx: PackageContext) -> pd.DataFrame | None:
    return _judged(ctx, _studies(ctx))


def judgement_with_sources(ctx: PackageContext, sources: dict[str, str]) -> pd.DataFrame | None:
    """The claims judged as ``judgement`` does, as if each study of ``sources`` had that
    curated msc_source (``gate/rootcause.py`` asks which verdicts a corrected source restores).
    Not memoised: it is asked once per run, and only when a study's source disagrees with its
    links."""
    studies = _studies(ctx)
    if studies is None:
        return None
    studies = studies.copy()
    chosen = isin(studies["study_id"], list(sources))
    studies.loc[chosen, "msc_source"] = studies.loc[chosen, "study_id"].map(sources)
    return _judged(ctx, studies)


def _judged(ctx: PackageContext, studies: pd.DataFrame | None) -> pd.DataFrame | None:
    import numpy as np

    claims = _optional(ctx, "claims", "claim_id", "subject_type", "attribute", "value", "verdict")
    if claims is None or studies is None:
        return None
    claims = claims.copy()  # columns are added below; the raw frame is shared
    claims["row"] = np.arange(1, len(claims) + 1)
    for column in ("study_id", "msc_source", "origin", "concern_id", "direction"):
        if column not in claims.columns:
            claims[column] = ""
    claims["computed"] = _verdicts(ctx, claims, studies)
    claims["detail"] = ""
    counts = claims["attribute"] == COUNT
    for index, claim in zip(
        claims.index[counts], claims[counts].itertuples(index=False), strict=True
    ):
        low, high = _count_range(ctx, claim, claims, studies)
        try:
            stated = int(claim.value)
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
    claims["recorded"] = (claims["concern_id"] != "").to_numpy() | _errata_explain(ctx, claims)
    return claims


def _errata_explain(ctx: PackageContext, claims: pd.DataFrame) -> np.ndarray:
    """Whether an errata row records the claimed value as published for the claim's study and
    attribute (a narrative contradiction the errata table already documents). Claims that
    share an id take the answer of the last of them."""
    import numpy as np
    import pandas as pd

    errata = _optional(ctx, "errata", "resource", "record", "field", "published_value")
    if errata is None:
        return np.zeros(len(claims), dtype=bool)
    about = errata[errata["resource"] == "studies"]
    known = set(zip(about["record"], about["field"], about["published_value"], strict=True))
    explained = np.zeros(len(claims), dtype=bool)
    # Only claims about a study an erratum names can be explained: look at those alone.
    named = np.flatnonzero(isin(claims["study_id"], about["record"]))
    candidates = claims.iloc[named]
    explained[named] = [
        key in known
        for key in zip(
            candidates["study_id"], candidates["attribute"], candidates["value"], strict=True
        )
    ]
    ids = claims["claim_id"]
    if ids.is_unique:
        return explained
    last = pd.Series(explained, index=ids.to_numpy())
    last = last[~last.index.duplicated(keep="last")]
    return ids.map(last).to_numpy(dtype=bool)


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
    ``duplicate_of``; ``None`` when a table cannot be read. Computed once per context."""
    return ctx.memo(_resolve_links)


def _resolve_links(ctx: PackageContext) -> pd.DataFrame | None:
    import numpy as np

    links = _optional(ctx, "citation_references", "citation_id", "reference_number")
    references = _optional(ctx, "references", "reference_number", "duplicate_of")
    if links is None or references is None:
        return None
    links = links.assign(row=np.arange(1, len(links) + 1))
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
    cites_one = links.loc[isin(links["original"], studies["reference_number"]), "citation_id"]
    cited = claims[
        (claims["citation_id"] != "").to_numpy()
        & claims["subject_type"].isin(["study", "msc_source"]).to_numpy()
        & ~isin(claims["citation_id"], cites_one)
    ]
    # The references of the flagged citations only: a message per flagged claim, no more.
    theirs = links[isin(links["citation_id"], cited["citation_id"])]
    numbers = theirs.groupby("citation_id")["reference_number"].agg(", ".join)
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

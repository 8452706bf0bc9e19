"""Root cause first: the findings a problem causes are folded into the one finding about it.

``dedupe.py`` merges findings about one cell; this module folds findings about *other* cells
that one cause explains, after every check has run:

* a study whose ``studies`` row is missing (``studies.missing_row``): every finding on a row
  that names the study (its foreign keys, the claims and concerns about it, the errata that
  correct it) and every count of studies that falls short by no more than the missing studies
  (``counts.*`` against the review's statements, ``prisma.included_rows``,
  ``rounds.included_rows``) is folded into the missing row's finding;
* a lookup row that maps a printed label to another code than the studies that print it
  (``consistency_differences.LOOKUPS``: ``animal_models``, label -> species): when one code
  for the label would make every study that prints it agree (or be explained by its erratum)
  and no erratum stale, and that explains two findings or more, the row is the cause. One
  finding at the lookup row's code cell (filed under the comparison's check, here
  ``studies.species``) says which code the studies agree on and what to do; the studies'
  differences and the errata the row makes stale are folded into it. A single disagreeing
  study, or studies that disagree in different ways, stay their own findings;
* a study whose curated msc_source disagrees with a second source of truth: its
  ``study_msc_sources`` links (``links.msc_source_coverage``), when they give one source (the
  one Table 2 names, else its only one), or else the source Table 2 prints
  (``studies.msc_source``, not documented by an erratum): counting the studies of the
  published round by that source instead is the correction. A per-source count
  (``stated_counts`` studies_per_source, ``msc_sources`` stated_study_count) that the
  correction makes agree with the review, or with the errata row that records it, and an
  errata row about such a count that it makes true again, are folded into the study's
  finding; so is a claims finding whose claim, judged by the claims layer with the corrected
  sources (``claims.judgement_with_sources``), changes its verdict to the recorded one. A
  count that stays wrong after the correction stays its own finding. ``design`` has stated
  counts per value but no second source of truth (no printed design, no link table), and
  ``species`` has no stated count per value (its second source is the lookup above), so
  neither is folded this way;
* ``integrity.bytes`` and ``integrity.hash`` of a file that other findings are about: the file
  was edited, and the edit is what those findings judge; the hashes are refreshed once it is
  right, so the integrity findings are folded into the file's first finding, which then ends
  with the exact ``rehash`` command. A file whose only findings are its stale hashes gets one
  finding (bytes and hash together) with that command.

Folded findings keep their check ids in ``Finding.also`` (``Report.fired()`` and ``by_check()``
still find them) and the leading finding says how many it folds. Leading findings come first.
A selection (``--select``/``--ignore``) that leaves a lead's check out folds nothing into it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..io.tableschema import primary_key
from .checks.claims import judgement as claims_judgement
from .checks.claims import judgement_with_sources
from .checks.consistency_differences import LOOKUPS, Judgement, Lookup, msc_source_printed
from .checks.consistency_differences import judgement as differences_judgement
from .checks.consistency_prisma import prisma_included_rows
from .checks.descriptor import check_bytes, check_hash
from .checks.errata import errata_stale
from .checks.inclusion import (
    MissingStudy,
    links_msc_source_coverage,
    missing_studies,
    shown,
    studies_missing_row,
    study_references,
)
from .checks.rounds import rounds_included_rows
from .report import Finding

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..io.context import PackageContext

INTEGRITY = frozenset({check_bytes.id, check_hash.id})
#: Checks whose finding on a ``prisma_flow`` new_studies row compares it with the studies rows.
ROW_COUNTS = frozenset({prisma_included_rows.id, rounds_included_rows.id})
#: (resource, field) of the stated counts of studies, judged against the rows.
STATED_COUNTS = frozenset({("stated_counts", "value"), ("msc_sources", "stated_study_count")})


def fold(findings: list[Finding], context: PackageContext | None, package: str) -> list[Finding]:
    """``findings`` with the consequences of each root cause folded into it (see the module)."""
    if context is not None:
        findings = _fold_missing_studies(findings, context)
        findings = _fold_lookups(findings, context)
        findings = _fold_linked_sources(findings, context)
    return _fold_integrity(findings, package)


# --- missing study rows ---------------------------------------------------------------------


def _fold_missing_studies(findings: list[Finding], ctx: PackageContext) -> list[Finding]:
    leads = [i for i, f in enumerate(findings) if f.check == studies_missing_row.id]
    missing = missing_studies(ctx)
    if not leads or len(leads) != len(missing):
        return findings  # a selection left the root cause out: nothing to fold into
    lead_of = {m.study_id: i for m, i in zip(missing, leads, strict=True)}
    folded: dict[int, list[Finding]] = {i: [] for i in leads}
    kept = []
    for index, finding in enumerate(findings):
        cause = None if index in folded else _cause(finding, ctx, missing)
        if cause is None:
            kept.append(index)
        else:
            folded[lead_of[cause]].append(finding)
    out = []
    for index in leads:
        out.append(_with_folded(findings[index], folded[index]))
    out += [findings[i] for i in kept if i not in folded]
    return out


def _with_folded(lead: Finding, consequences: list[Finding]) -> Finding:
    if not consequences:
        return lead
    ids = [c for f in consequences for c in f.checks]
    also = lead.also + tuple(dict.fromkeys(c for c in ids if c not in lead.checks))
    counted = Counter(f.check for f in consequences)
    listed = ", ".join(f"{n} {check}" for check, n in counted.most_common())
    message = (
        f"{lead.message}; folded into this finding, the {len(consequences)} it causes: {listed}"
    )
    return replace(lead, also=also, message=message)


def _cause(finding: Finding, ctx: PackageContext, missing: list[MissingStudy]) -> str | None:
    """The missing study that ``finding`` is a consequence of, if any."""
    if finding.severity == "info" or finding.resource is None:
        return None
    ids = {m.study_id for m in missing}
    if finding.row is not None:
        named = _study_named_on_row(ctx, finding.resource, finding.row, ids)
        if named is not None:
            return named
    if _count_short_by_missing(finding, ctx, len(missing)):
        return missing[0].study_id
    return None


def _study_named_on_row(ctx: PackageContext, resource: str, row: int, ids: set[str]) -> str | None:
    """The missing study that row ``row`` of ``resource`` names (a foreign key to studies, or an
    erratum's record of ``studies``), if any."""
    raw = ctx.raw(resource)
    if raw is None or not 1 <= row <= len(raw):
        return None
    fields = [field for name, field in study_references(ctx) if name == resource]
    if resource == "errata" and {"resource", "record"} <= set(raw.columns):
        if raw["resource"].iloc[row - 1] == "studies":
            fields.append("record")
    for field in fields:
        if field in raw.columns:
            value = raw[field].iloc[row - 1]
            if isinstance(value, str) and value in ids:
                return value
    return None


def _count_short_by_missing(finding: Finding, ctx: PackageContext, missing: int) -> bool:
    """Whether ``finding`` is a count of studies that the rows miss by at most ``missing``."""
    if finding.row is None:
        return False
    if (finding.resource, finding.field) in STATED_COUNTS:
        judged = differences_judgement(ctx)
        if judged is None:
            return False
        d = judged.differences
        d = d[(d["resource"] == finding.resource) & (d["row"] == finding.row)]
        return any(_short(p, c, missing) for p, c in zip(d["published"], d["curated"], strict=True))
    if finding.resource == "prisma_flow" and set(finding.checks) & ROW_COUNTS:
        return _new_studies_short(ctx, finding.row, missing)
    return False


def _short(stated: object, rows: object, missing: int) -> bool:
    try:
        gap = int(str(stated)) - int(str(rows))
    except ValueError:
        return False
    return 0 < gap <= missing


def _new_studies_short(ctx: PackageContext, row: int, missing: int) -> bool:
    """Whether the new_studies count on ``prisma_flow`` row ``row`` exceeds the studies rows of
    its round by at most ``missing``."""
    flow, studies = ctx.raw("prisma_flow"), ctx.raw("studies")
    if flow is None or studies is None or not 1 <= row <= len(flow):
        return False
    line = flow.iloc[row - 1]
    round_of = str(line.get("round") or "1")
    if "round" in studies.columns:
        rows = int((studies["round"].fillna("1").replace("", "1") == round_of).sum())
    else:
        rows = len(studies)
    return _short(line.get("count"), rows, missing)


# --- folding into a lead --------------------------------------------------------------------


@dataclass(frozen=True)
class _Fold:
    """A leading finding as it will read, its place among the findings (``None``: a new
    finding) and the places of the findings it explains."""

    lead: Finding
    index: int | None
    consequences: tuple[int, ...]


def _apply(findings: list[Finding], folds: list[_Fold]) -> list[Finding]:
    """``findings`` with each fold's consequences folded into its lead, leads first; a finding
    is folded once (the first fold that claims it), and a fold left with nothing folds nothing."""
    taken: set[int] = set()
    leads = []
    for fold in folds:
        mine = [i for i in fold.consequences if i not in taken and i != fold.index]
        if not mine or fold.index in taken:
            continue
        taken.update(mine)
        if fold.index is not None:
            taken.add(fold.index)
        leads.append(_with_folded(fold.lead, [findings[i] for i in mine]))
    return leads + [f for i, f in enumerate(findings) if i not in taken]


def _at(findings: list[Finding], check: str, resource: str, rows: set[int]) -> list[int]:
    """The places of the findings of ``check`` (alone or merged) on ``rows`` of ``resource``."""
    return [
        i
        for i, f in enumerate(findings)
        if f.resource == resource and f.row in rows and check in f.checks and f.severity != "info"
    ]


# --- a changed lookup row -------------------------------------------------------------------


@dataclass(frozen=True)
class _Remapped:
    """A lookup row whose code disagrees with every study that prints its label: ``row`` of the
    lookup table, its ``label`` and ``code``, the ``code`` the studies agree on (``wanted``),
    the ``studies`` rows that now differ and the ``errata`` rows it makes stale."""

    row: int
    label: str
    code: str
    wanted: str
    studies: pd.DataFrame
    errata: pd.DataFrame


def _fold_lookups(findings: list[Finding], ctx: PackageContext) -> list[Finding]:
    compared = {lookup.check.id for lookup in LOOKUPS}
    if not any(compared & set(f.checks) for f in findings):
        return findings  # nothing differs (or the comparison did not run): nothing to fold
    judged = differences_judgement(ctx)
    if judged is None:
        return findings
    folds = []
    for lookup in LOOKUPS:
        for remapped in _remapped(ctx, judged, lookup):
            fold = _lookup_fold(findings, lookup, remapped)
            if fold is not None:
                folds.append(fold)
    return _apply(findings, folds) if folds else findings


def _lookup_rows(ctx: PackageContext, lookup: Lookup) -> dict[str, tuple[int, str]]:
    """label -> (its 1-based row, its code) of ``lookup``'s table, the first row of a label."""
    table = ctx.raw(lookup.table)
    if table is None or not {lookup.key, lookup.field} <= set(table.columns):
        return {}
    rows: dict[str, tuple[int, str]] = {}
    for row, (label, code) in enumerate(
        zip(table[lookup.key], table[lookup.field], strict=True), start=1
    ):
        rows.setdefault(str(label), (row, str(code)))
    return rows


def _remapped(ctx: PackageContext, judged: Judgement, lookup: Lookup) -> list[_Remapped]:
    """The rows of ``lookup``'s table that explain the differences of the studies printing
    their label (see ``_explains``)."""
    users = ctx.raw(lookup.resource)
    if users is None or not {"study_id", lookup.label, lookup.field} <= set(users.columns):
        return []
    d, e = judged.differences, judged.errata
    d = d[(d["check"] == lookup.check.id) & ~d["explained"].astype(bool)]
    e = e[(e["resource"] == lookup.resource) & (e["field"] == lookup.field)]
    out = []
    for label, (row, code) in _lookup_rows(ctx, lookup).items():
        mine = users[users[lookup.label] == label]
        found = _explains(mine, lookup, d[d["published"] == label], e[e["published"] == label])
        if found is not None and found[0] != code:
            out.append(_Remapped(row, label, code, *found))
    return out


def _explains(
    mine: pd.DataFrame, lookup: Lookup, differing: pd.DataFrame, errata: pd.DataFrame
) -> tuple[str, pd.DataFrame, pd.DataFrame] | None:
    """(the code, the differing studies, the stale errata) when one code for the label makes
    every study that prints it agree (or be explained by its erratum) and no erratum stale,
    and that explains two findings or more; else ``None``.

    One study whose code differs is most likely that study's own error: it stays as it is.
    """
    wanted = set(differing["curated"])
    if len(wanted) != 1 or "" in wanted:
        return None
    code = wanted.pop()
    differs = set(differing["record"])
    documented = set(zip(errata["record"], errata["curated"], strict=True))
    for study, curated in zip(mine["study_id"], mine[lookup.field], strict=True):
        agrees = curated == code and study in differs  # no erratum would turn stale
        if not agrees and (study, curated) not in documented:
            return None
    stale = errata[(errata["status"] == "stale") & errata["record"].isin(mine["study_id"])]
    if len(differing) + len(stale) < 2:
        return None
    return code, differing, stale


def _lookup_fold(findings: list[Finding], lookup: Lookup, remapped: _Remapped) -> _Fold | None:
    studies = _at(findings, lookup.check.id, lookup.resource, set(remapped.studies["row"]))
    if not studies:
        return None  # a selection left the comparison out: nothing to fold into
    stale = _at(findings, errata_stale.id, "errata", set(remapped.errata["row"]))
    if len(studies) + len(stale) < 2:
        return None
    lead = lookup.check.finding(
        _lookup_message(lookup, remapped),
        resource=lookup.table,
        row=remapped.row,
        field=lookup.field,
    )
    return _Fold(lead, None, tuple(studies + stale))


def _lookup_message(lookup: Lookup, r: _Remapped) -> str:
    n = len(r.studies)
    errata = ""
    if len(r.errata):
        ids = shown(list(r.errata["erratum_id"]))
        errata = (
            f", and it makes {len(r.errata)} errata stale that record {r.label!r} -> "
            f"{r.code!r} as a difference ({ids})"
        )
    return (
        f"{lookup.table} {r.label!r}: maps {lookup.key} {r.label!r} to {lookup.field} "
        f"{r.code!r}, which disagrees with the curated {lookup.field} {r.wanted!r} of "
        f"{n} stud{'y' if n == 1 else 'ies'} that print it "
        f"({shown(list(r.studies['record']))}){errata}; expected the mapping to agree with "
        f"the studies that print the label: restore {r.label!r} -> {r.wanted!r}, or, if "
        f"{r.code!r} is right, correct the {lookup.field} of those studies (or record each "
        "in errata) and update or remove those errata"
    )


# --- a study's curated source against its links ----------------------------------------------

#: The stated counts of studies per MSC source: (resource, the column that names the source);
#: a stated_counts row counts per source when its quantity is ``PER_SOURCE``.
SOURCE_COUNTS = {("stated_counts", "value"): "group", ("msc_sources", "stated_study_count"): ""}
PER_SOURCE = "studies_per_source"


@dataclass(frozen=True)
class _Relinked:
    """A study (``row`` of studies) whose curated msc_source (``curated``) disagrees with its
    second source of truth, which gives ``linked``: its study_msc_sources links (``basis``
    "links"; ``table_2``: the link Table 2 names) or the source Table 2 prints ("printed")."""

    index: int
    study: str
    row: int
    curated: str
    linked: str
    basis: str
    table_2: bool
    published: bool


def _fold_linked_sources(findings: list[Finding], ctx: PackageContext) -> list[Finding]:
    relinked = _relinked(findings, ctx)
    if not relinked:
        return findings  # no lead (or a selection left it out): nothing to fold into
    delta: Counter[str] = Counter()
    for r in relinked:
        if r.published:  # the review's statements count the published round only
            delta[r.linked] += 1
            delta[r.curated] -= 1
    counts = _counts_restored(findings, ctx, delta)
    claims = _claims_restored(findings, ctx, {r.study: r.linked for r in relinked})

    def owner(source: str) -> _Relinked:  # the study whose sources a consequence is about
        return next((r for r in relinked if source in (r.curated, r.linked)), relinked[0])

    folds = []
    for r in relinked:
        moved = [i for i, (source, _) in counts.items() if owner(source) is r]
        restored = [i for i, (source, _) in claims.items() if owner(source) is r]
        if moved or restored:
            message = _relinked_message(r, counts, claims, moved, restored)
            folds.append(
                _Fold(replace(findings[r.index], message=message), r.index, (*moved, *restored))
            )
    return _apply(findings, folds) if folds else findings


#: The checks whose finding on a study's msc_source cell leads a fold, and what each compares
#: the curated source with.
SOURCE_LEADS = {links_msc_source_coverage.id: "links", msc_source_printed.id: "printed"}


def _relinked(findings: list[Finding], ctx: PackageContext) -> list[_Relinked]:
    """The studies whose curated msc_source a lead finding reports as disagreeing with one
    other source: its links (``links.msc_source_coverage``, when they give one source), else
    the source Table 2 prints (``studies.msc_source``)."""
    studies, links = ctx.raw("studies"), ctx.raw("study_msc_sources")
    if studies is None or "msc_source" not in studies.columns:
        return []
    out = []
    for index, finding in enumerate(findings):
        leads = [SOURCE_LEADS[c] for c in finding.checks if c in SOURCE_LEADS]
        if not leads or finding.resource != "studies" or finding.row is None:
            continue
        if finding.severity == "info":  # a difference an erratum documents leads nothing
            continue
        line = studies.iloc[finding.row - 1]
        correction = _correction(line, links, leads)
        if correction is not None and correction[0] != str(line["msc_source"]):
            published = str(line.get("round") or "1") == "1"
            study, curated = str(line["study_id"]), str(line["msc_source"])
            out.append(_Relinked(index, study, finding.row, curated, *correction, published))
    return out


def _correction(
    line: pd.Series, links: pd.DataFrame | None, leads: list[str]
) -> tuple[str, str, bool] | None:
    """(source, basis, table_2): the source the study's links give, else the printed one."""
    if "links" in leads and links is not None:
        linked = _link_of(links, str(line["study_id"]))
        if linked is not None:
            return linked[0], "links", linked[1]
    printed = str(line.get("msc_source_published") or "")
    if "printed" in leads and printed:
        return printed, "printed", False
    return None


def _link_of(links: pd.DataFrame, study: str) -> tuple[str, bool] | None:
    """The source a study's links give: the one Table 2 names, else its only one."""
    mine = links[links["study_id"] == study]
    if "table_2" in mine.columns:
        named = list(mine.loc[mine["table_2"] == "true", "msc_source"])
        if len(named) == 1:
            return str(named[0]), True
    sources = set(mine["msc_source"])
    return (str(sources.pop()), False) if len(sources) == 1 else None


def _counts_restored(
    findings: list[Finding], ctx: PackageContext, delta: Counter[str]
) -> dict[int, tuple[str, str]]:
    """place -> (source, what) of each count finding that counting the studies by their links
    makes agree with the review (or with the errata row that records the difference), and of
    each errata row about such a count that the corrected count makes true again."""
    if not any(
        (f.resource, f.field) in SOURCE_COUNTS or errata_stale.id in f.checks for f in findings
    ):
        return {}  # no count finding (or the count checks did not run)
    judged = differences_judgement(ctx)
    if judged is None:
        return {}
    out = {}
    for index, finding in enumerate(findings):
        if finding.severity == "info" or finding.row is None:
            continue
        if errata_stale.id in finding.checks and finding.resource == "errata":
            found = _stale_count(ctx, judged, finding.row, delta)
        else:
            found = _moved_count(ctx, judged, finding, delta)
        if found is not None:
            out[index] = found
    return out


def _moved_count(
    ctx: PackageContext, judged: Judgement, finding: Finding, delta: Counter[str]
) -> tuple[str, str] | None:
    source = _counted_source(ctx, finding.resource or "", finding.field or "", finding.row)
    if source is None or not delta[source]:
        return None
    d = judged.differences
    d = d[(d["resource"] == finding.resource) & (d["row"] == finding.row)]
    for record, stated, rows in zip(d["record"], d["published"], d["curated"], strict=True):
        count = int(rows) + delta[source] if rows.isdigit() else None
        if count is not None and _agrees(judged, finding, record, stated, count):
            return source, f"{finding.resource} {record}"
    return None


def _stale_count(
    ctx: PackageContext, judged: Judgement, row: int, delta: Counter[str]
) -> tuple[str, str] | None:
    """(source, what) when errata row ``row`` records a per-source count that the corrected
    count gives."""
    e = judged.errata
    e = e[e["row"] == row]
    if e.empty or (e["resource"].iloc[0], e["field"].iloc[0]) not in SOURCE_COUNTS:
        return None
    item = e.iloc[0]
    counted = _record_row(ctx, item["resource"], item["record"])
    source = _counted_source(ctx, item["resource"], item["field"], counted)
    if source is None or not delta[source]:
        return None
    if item["curated"] != str(_studies_of(ctx, source) + delta[source]):
        return None
    return source, f"erratum {item['erratum_id']}"


def _record_row(ctx: PackageContext, resource: str, record: str) -> int | None:
    """The 1-based row of ``resource`` whose (one-field) primary key is ``record``."""
    raw = ctx.raw(resource)
    key = primary_key(ctx.schema(resource)) if raw is not None else []
    if raw is None or len(key) != 1 or key[0] not in raw.columns:
        return None
    rows = [i for i, value in enumerate(raw[key[0]], start=1) if value == record]
    return rows[0] if rows else None


def _studies_of(ctx: PackageContext, source: str) -> int:
    """The studies of the published round (the review's) whose curated msc_source is
    ``source``, as the stated counts are judged."""
    studies = ctx.raw("studies")
    if studies is None or "msc_source" not in studies.columns:
        return 0
    rounds = studies["round"] if "round" in studies.columns else [""] * len(studies)
    return sum(
        1
        for code, round_ in zip(studies["msc_source"], rounds, strict=True)
        if code == source and not (str(round_).isdigit() and int(str(round_)) > 1)
    )


def _counted_source(ctx: PackageContext, resource: str, field: str, row: int | None) -> str | None:
    """The MSC source whose studies the stated count at ``row`` of ``resource`` counts, if it
    is one."""
    column = SOURCE_COUNTS.get((resource, field))
    raw = ctx.raw(resource) if column is not None else None
    if raw is None or row is None or not 1 <= row <= len(raw):
        return None
    line = raw.iloc[row - 1]
    if column:  # stated_counts: only the rows that count per source
        return str(line[column]) if line.get("quantity") == PER_SOURCE else None
    return str(line.get("msc_source"))


def _agrees(judged: Judgement, finding: Finding, record: str, stated: str, count: int) -> bool:
    if str(count) == stated:
        return True
    e = judged.errata
    return bool(
        (
            (e["resource"] == finding.resource)
            & (e["record"] == record)
            & (e["field"] == finding.field)
            & (e["published"] == stated)
            & (e["curated"] == str(count))
        ).any()
    )


def _claims_restored(
    findings: list[Finding], ctx: PackageContext, sources: dict[str, str]
) -> dict[int, tuple[str, str]]:
    """place -> (the claim's source, its id) of each claims finding whose claim, judged with
    the studies' sources as their links give them, gets its recorded verdict back."""
    asked = [
        i
        for i, f in enumerate(findings)
        if f.resource == "claims"
        and f.row is not None
        and f.severity != "info"
        and f.check.startswith("claims.")
    ]
    before = claims_judgement(ctx) if asked else None
    after = judgement_with_sources(ctx, sources) if before is not None else None
    if before is None or after is None:
        return {}
    out = {}
    for index in asked:
        row = findings[index].row - 1
        was, now = before["computed"].iloc[row], after["computed"].iloc[row]
        if now != was and now == before["verdict"].iloc[row]:
            out[index] = (str(before["msc_source"].iloc[row]), str(before["claim_id"].iloc[row]))
    return out


def _relinked_message(
    r: _Relinked,
    counts: dict[int, tuple[str, str]],
    claims: dict[int, tuple[str, str]],
    moved: list[int],
    restored: list[int],
) -> str:
    gives = []
    named = list(dict.fromkeys(counts[i][1] for i in moved))
    stated = [n for n in named if not n.startswith("erratum ")]
    errata = [n.removeprefix("erratum ") for n in named if n.startswith("erratum ")]
    if stated:
        gives.append(f"the counts the review states ({shown(stated)})")
    if errata:
        gives.append(f"the errata that record a count ({shown(errata)})")
    if restored:
        ids = shown(list(dict.fromkeys(claims[i][1] for i in restored)))
        gives.append(f"the recorded verdicts of claims {ids}")
    if r.basis == "links":
        which = " (the source Table 2 names)" if r.table_2 else ""
        other, expected = (
            f"its study_msc_sources links give {r.linked!r}{which}",
            ("its curated source among its links"),
        )
        keep = "add its study_msc_sources row with the text that names it"
    else:
        other, expected = f"Table 2 prints {r.linked!r}", "the curated source Table 2 prints"
        keep = (
            f"add an errata row 'studies/{r.study}/msc_source' (published {r.linked!r}, "
            f"curated {r.curated!r}) with the evidence"
        )
    return (
        f"study {r.study!r} has curated msc_source {r.curated!r}, but {other}, and counting it "
        f"under {r.linked!r} agrees with {', '.join(gives)}; expected {expected}: correct "
        f"msc_source to {r.linked!r}, or, if {r.curated!r} is right, {keep} and correct those "
        "counts and claims"
    )


# --- stale hashes ---------------------------------------------------------------------------


def _fold_integrity(findings: list[Finding], package: str) -> list[Finding]:
    stale: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.check in INTEGRITY and finding.resource is not None:
            stale.setdefault(finding.resource, []).append(finding)
    if not stale:
        return findings
    from ..release.hashes import rehash_command

    command = rehash_command(package)
    targets: dict[str, int] = {}
    for index, finding in enumerate(findings):
        if finding.resource in stale and finding.resource not in targets and _about_file(finding):
            targets[finding.resource] = index
    out = []
    done: set[str] = set()
    for index, finding in enumerate(findings):
        resource = finding.resource
        if finding.check in INTEGRITY and resource in stale:
            if resource not in targets and resource not in done:
                out.append(_merged(stale[resource]))
            done.add(resource)
            continue
        if resource is not None and targets.get(resource) == index:
            ids = tuple(dict.fromkeys(c for f in stale[resource] for c in f.checks))
            finding = replace(
                finding,
                also=finding.also + tuple(c for c in ids if c not in finding.checks),
                message=f"{finding.message}; the file of '{resource}' also changed after it "
                f"was hashed: once it is right, run `{command}`",
            )
        out.append(finding)
    return out


def _about_file(finding: Finding) -> bool:
    """Whether ``finding`` judges what a resource's file holds (its cells or its structure),
    which an edit of the file explains; descriptor and info findings do not."""
    if finding.check in INTEGRITY or finding.severity == "info":
        return False
    return (
        finding.row is not None
        or finding.check.startswith("table.")
        or finding.check == studies_missing_row.id
    )


def _merged(integrity: list[Finding]) -> Finding:
    """One file's stale bytes and hash as one finding: the hash's, which names the command."""
    lead = next((f for f in integrity if f.check == check_hash.id), integrity[0])
    ids = tuple(dict.fromkeys(c for f in integrity for c in f.checks))
    return replace(lead, also=lead.also + tuple(c for c in ids if c not in lead.checks))

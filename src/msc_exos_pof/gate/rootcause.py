"""Root cause first: the findings a problem causes are folded into the one finding about it.

``dedupe.py`` merges findings about one cell; this module folds findings about *other* cells
that one cause explains, after every check has run:

* a study whose ``studies`` row is missing (``studies.missing_row``): every finding on a row
  that names the study (its foreign keys, the claims and concerns about it, the errata that
  correct it) and every count of studies that falls short by no more than the missing studies
  (``counts.*`` against the review's statements, ``prisma.included_rows``,
  ``rounds.included_rows``) is folded into the missing row's finding;
* ``integrity.bytes`` and ``integrity.hash`` of a file that other findings are about: the file
  was edited, and the edit is what those findings judge; the hashes are refreshed once it is
  right, so the integrity findings are folded into the file's first finding, which then ends
  with the exact ``rehash`` command. A file whose only findings are its stale hashes gets one
  finding (bytes and hash together) with that command.

Folded findings keep their check ids in ``Finding.also`` (``Report.fired()`` and ``by_check()``
still find them) and the leading finding says how many it folds. Leading findings come first.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING

from .checks.consistency_differences import judgement as differences_judgement
from .checks.consistency_prisma import prisma_included_rows
from .checks.descriptor import check_bytes, check_hash
from .checks.inclusion import MissingStudy, missing_studies, studies_missing_row, study_references
from .checks.rounds import rounds_included_rows
from .report import Finding

if TYPE_CHECKING:  # pragma: no cover
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
    raw = ctx.raw(resource) if resource in ctx.files else None
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

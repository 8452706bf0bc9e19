"""A catalogue of mutations: each breaks a valid package folder in one way a named check catches.

A mutation is ``apply(folder, rnd) -> tuple[str, ...] | None``: it edits the package in
``folder`` (``rnd`` is a ``random.Random``) and returns the check ids that must fire when they
depend on what it picked (``None``: the mutation's ``catches``). Mutations refresh bytes and
hashes after editing, except the ones that break integrity or the descriptor on purpose, so that
only the intended checks fire. ``also`` lists ids (or id prefixes) that may fire as a
consequence without being a false alarm (e.g. dropping a study also changes the counts).
A mutation that cannot apply to a package (no errata to remove...) raises ``Inapplicable``.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..release.hashes import rehash

Apply = Callable[[Path, random.Random], "tuple[str, ...] | None"]


class Inapplicable(Exception):
    """The package lacks what the mutation needs (e.g. it has no errata row to remove)."""


@dataclass(frozen=True)
class Mutation:
    name: str
    apply: Apply
    catches: tuple[str, ...]
    also: tuple[str, ...] = ()
    doc: str = ""

    def __call__(self, folder: Path, rnd: random.Random) -> tuple[str, ...]:
        picked = self.apply(Path(folder), rnd)
        return tuple(picked) if picked is not None else self.catches


MUTATIONS: dict[str, Mutation] = {}


def mutation(
    name: str, catches: tuple[str, ...] = (), also: tuple[str, ...] = ()
) -> Callable[[Apply], Apply]:
    def decorate(function: Apply) -> Apply:
        MUTATIONS[name] = Mutation(
            name, function, catches, also, (function.__doc__ or "").strip().splitlines()[0]
        )
        return function

    return decorate


def mutation_ids() -> set[str]:
    """Every check id some mutation is declared to catch (dynamic picks included)."""
    ids: set[str] = set()
    for item in MUTATIONS.values():
        ids.update(item.catches)
    ids.update(id for ids_ in _DYNAMIC.values() for id in ids_)
    return ids


# ---------------------------------------------------------------------------------------------
# Helpers: read and write one resource as text, pick rows, edit the descriptor.


def read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(
        folder / "data" / f"{name}.csv", dtype=str, keep_default_na=False, na_filter=False
    )


def write(folder: Path, name: str, frame: pd.DataFrame, update_hash: bool = True) -> None:
    with open(folder / "data" / f"{name}.csv", "w", encoding="utf-8", newline="") as handle:
        frame.to_csv(handle, index=False, lineterminator="\n")
    if update_hash:
        rehash(folder)


def descriptor(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def save_descriptor(folder: Path, data: dict[str, Any]) -> None:
    (folder / "datapackage.json").write_text(json.dumps(data, indent=2), encoding="utf-8")


def pick(rnd: random.Random, frame: pd.DataFrame, mask: Any = None) -> int:
    """A random row label of ``frame`` (where ``mask``); ``Inapplicable`` if there is none."""
    rows = list(frame.index if mask is None else frame.index[mask])
    if not rows:
        raise Inapplicable("no row fits")
    return rnd.choice(rows)


def unexplained_studies(folder: Path, studies: pd.DataFrame) -> Any:
    """Mask of studies that no errata row mentions (editing them cannot make an erratum stale)."""
    errata = read(folder, "errata")
    return ~studies["study_id"].isin(errata["record"])


def several_rounds(folder: Path) -> bool:
    """Whether the package has a search round after the published review."""
    flow = read(folder, "prisma_flow")
    return "round" in flow and bool((flow["round"].replace("", "1").astype(int) > 1).any())


def published(frame: pd.DataFrame) -> Any:
    """Mask of the rows of round 1 (all rows of a table without rounds)."""
    if "round" not in frame:
        return pd.Series(True, index=frame.index)
    return frame["round"].isin(["1", ""])


def add_study(folder: Path, round: int, update_hash: bool = True) -> str:
    """Add one new study of ``round`` (its reference entry and a mechanism link too), made
    from an existing study so that every per-study rule holds; returns its study_id. The
    PRISMA flow is not touched."""
    studies = read(folder, "studies")
    references = read(folder, "references")
    links = read(folder, "study_mechanisms")
    model = studies.loc[pick(random.Random(0), studies, unexplained_studies(folder, studies))]
    model = model.copy()
    number = str(references["reference_number"].astype(int).max() + 1)
    entry = references[references["reference_number"] == model["reference_number"]].iloc[0].copy()
    taken = set(studies["study_id"])
    index = len(studies) + 1
    while f"update-{_letters(index)}-{model['year']}" in taken:
        index += 1
    study_id = f"update-{_letters(index)}-{model['year']}"
    title = f"Update study {study_id} of round {round}"
    entry["reference_number"], entry["title"], entry["duplicate_of"] = number, title, ""
    model["study_id"], model["title"], model["reference_number"] = study_id, title, number
    model["table_row"] = str(studies["table_row"].astype(int).max() + 1)
    model["round"] = str(round)
    model["eligibility_concern"] = model["eligibility_evidence"] = ""
    link = links.iloc[0].copy()
    link["study_id"] = study_id
    write(folder, "references", pd.concat([references, entry.to_frame().T]), update_hash=False)
    write(folder, "study_mechanisms", pd.concat([links, link.to_frame().T]), update_hash=False)
    write(folder, "studies", pd.concat([studies, model.to_frame().T]), update_hash=update_hash)
    return study_id


def _letters(index: int) -> str:
    out = ""
    while True:
        out = "abcdefghijklmnopqrstuvwxyz"[index % 26] + out
        index //= 26
        if not index:
            return out


def open_round(folder: Path, studies: int = 0, searched: str | None = None) -> int:
    """Add a consistent search round N+1 (its date, databases, PRISMA flow and ``studies`` new
    studies) to the package in ``folder``; returns its number. The base every ``rounds.*``
    mutation breaks, so they apply to a single-round package as well."""
    rounds = read(folder, "search_rounds")
    flow = read(folder, "prisma_flow")
    last = int(rounds["round"].astype(int).max())
    new = last + 1
    date = searched or f"{2025 + new}-07"
    row = {c: "" for c in rounds.columns}
    row.update(round=str(new), searched=date, basis="declared", version="", changes="")
    write(folder, "search_rounds", pd.concat([rounds, pd.DataFrame([row])]), update_hash=False)
    search = read(folder, "search_strategies")
    databases = search[search["round"] == str(last)].copy()
    databases["records"] = "1"
    databases["round"] = str(new)
    write(folder, "search_strategies", pd.concat([search, databases]), update_hash=False)
    for _ in range(studies):
        add_study(folder, new, update_hash=False)
    counted = flow[(flow["round"] == str(last)) & (flow["count"] != "")]
    before = counted.set_index("node")["count"].astype(int)
    previous = int(before["total_studies"] if last > 1 else before["new_studies"])
    found = len(databases)
    counts = {
        "database_results": found,
        "citations_results": 0,
        "identified_total": found,
        "duplicates": 0,
        "records_screened": found,
        "records_excluded": max(found - studies, 0),
        "reports_assessed": min(studies, found),
        "reports_excluded": 0,
        "new_studies": studies,
        "previous_studies": previous,
        "total_studies": previous + studies,
    }
    if studies > found:  # more studies than records: count them as citation-search finds
        counts["citations_results"] = studies - found
        counts["identified_total"] = counts["records_screened"] = studies
        counts["reports_assessed"] = studies
    rows = [
        {
            "node": node,
            "step": str(step),
            "count": str(count),
            "label": node.replace("_", " ").capitalize(),
            "basis": "stated",
            "evidence": "",
            "derivation": "",
            "round": str(new),
        }
        for step, (node, count) in enumerate(counts.items(), start=1)
    ]
    write(folder, "prisma_flow", pd.concat([flow, pd.DataFrame(rows, columns=flow.columns)]))
    return new


def bump(value: str, rnd: random.Random, low: int = 0) -> str:
    number = int(value)
    deltas = [d for d in (-3, -2, -1, 1, 2, 5) if number + d >= low]
    return str(number + rnd.choice(deltas))


# ---------------------------------------------------------------------------------------------
# Counts


_PRISMA = {
    "database_results": ("prisma.database_total", "prisma.identified_total"),
    "citations_results": ("prisma.identified_total",),
    "identified_total": ("prisma.identified_total", "prisma.duplicates"),
    "duplicates": ("prisma.duplicates",),
    "records_screened": ("prisma.duplicates", "prisma.screened"),
    "records_excluded": ("prisma.screened",),
    "reports_assessed": ("prisma.screened", "prisma.included"),
    "reports_excluded": ("prisma.included",),
    "new_studies": ("prisma.included", "prisma.included_rows"),
}
#: The check that names a mistyped count in a package with several rounds (the first equation
#: of the system that uses the node: the flow's arithmetic, or previous + new = total).
_ROUNDS = {
    **{node: "rounds.prisma_arithmetic" for node in _PRISMA},
    "previous_studies": "rounds.previous_plus_new",
    "total_studies": "rounds.previous_plus_new",
}
#: Optional template nodes -> the published check whose equation counts them once they have a
#: count (registers beside databases, removals before screening, reports not retrieved).
_TEMPLATE_OPTIONAL = {
    "register_results": "prisma.identified_total",
    "website_results": "prisma.identified_total",
    "organisation_results": "prisma.identified_total",
    "excluded_automatic": "prisma.duplicates",
    "excluded_other": "prisma.duplicates",
    "reports_not_retrieved": "prisma.screened",
}
_STATED = {
    "databases_searched": ("counts.databases", "errata.unexplained"),
    "included_studies": ("counts.included", "errata.unexplained"),
    "year_min": ("years.window", "errata.unexplained"),
    "year_max": ("years.window", "errata.unexplained"),
    "studies_per_design": ("counts.per_design", "errata.unexplained"),
    "studies_per_source": ("counts.per_source", "counts.source_agreement", "errata.unexplained"),
}
_ERRATA_KINDS = {
    "label_year_mismatch": ("years.label", "errata.unexplained"),
    "label_author_typo": ("studies.first_author_label", "errata.unexplained"),
    "cell_contradicts_title": ("errata.unexplained",),
    "duplicate_reference": ("errata.unexplained",),
    "stated_count_unsupported": ("errata.unexplained",),
    "narrative_contradiction": (),
}
_ERRATA_FIELDS = {
    ("studies", "species"): ("studies.species", "errata.unexplained"),
    ("studies", "msc_source"): ("studies.msc_source", "errata.unexplained"),
    ("stated_counts", "value"): ("counts.per_source", "errata.unexplained"),
    ("msc_sources", "stated_study_count"): ("counts.source_table", "errata.unexplained"),
}
_DYNAMIC = {
    "prisma": {i for ids in _PRISMA.values() for i in ids},
    "stated": {i for ids in _STATED.values() for i in ids},
    "errata": {i for ids in _ERRATA_KINDS.values() for i in ids}
    | {i for ids in _ERRATA_FIELDS.values() for i in ids},
    "rounds": set(_ROUNDS.values()) | {"prisma.database_total", "rounds.databases_sum"},
    "template": set(_TEMPLATE_OPTIONAL.values()) | {"prisma.sought", "prisma.other_arm"},
    "rows": {"prisma.included_rows", "rounds.included_rows", "counts.included"},
}


@mutation("prisma_count", also=("counts.source_total",))
def prisma_count(folder: Path, rnd: random.Random) -> tuple[str, ...]:
    """Change one PRISMA count so that the flow arithmetic no longer holds."""
    flow = read(folder, "prisma_flow")
    row = pick(rnd, flow, flow["node"].isin(list(_PRISMA)) & (flow["count"] != ""))
    flow.loc[row, "count"] = bump(flow.loc[row, "count"], rnd)
    write(folder, "prisma_flow", flow)
    if several_rounds(folder):  # one finding for the one mistyped count, naming its round
        return (_ROUNDS[flow.loc[row, "node"]],)
    return _PRISMA[flow.loc[row, "node"]]


@mutation("database_records")
def database_records(folder: Path, rnd: random.Random) -> tuple[str, ...]:
    """Change the records one database returned (Table 1 no longer sums to the PRISMA total)."""
    search = read(folder, "search_strategies")
    row = pick(rnd, search, published(search))
    search.loc[row, "records"] = bump(search.loc[row, "records"], rnd)
    write(folder, "search_strategies", search)
    return ("rounds.databases_sum",) if several_rounds(folder) else ("prisma.database_total",)


def set_node(
    flow: pd.DataFrame, round: int, node: str, count: int | str, basis: str = "stated"
) -> pd.DataFrame:
    """``flow`` with ``node`` of ``round`` counted as ``count`` (its row added when absent)."""
    here = (flow["node"] == node) & (flow["round"].replace("", "1") == str(round))
    if here.any():
        flow = flow.copy()
        flow.loc[here, "count"], flow.loc[here, "basis"] = str(count), basis
        return flow
    row = {column: "" for column in flow.columns}
    steps = flow.loc[flow["round"].replace("", "1") == str(round), "step"]
    row.update(
        node=node,
        step=str(int(steps.astype(int).max()) + 1 if len(steps) else 1),
        count=str(count),
        label=node.replace("_", " ").capitalize(),
        basis=basis,
        round=str(round),
    )
    return pd.concat([flow, pd.DataFrame([row], columns=flow.columns)], ignore_index=True)


def flow_count(flow: pd.DataFrame, round: int, node: str) -> int:
    """The count of ``node`` in ``round`` (``Inapplicable`` when it has none)."""
    here = (flow["node"] == node) & (flow["round"].replace("", "1") == str(round))
    values = [value for value in flow.loc[here, "count"] if value != ""]
    if not values:
        raise Inapplicable(f"round {round} has no count of {node}")
    return int(values[0])


@mutation("prisma_optional_count")
def prisma_optional_count(folder: Path, rnd: random.Random) -> tuple[str, ...]:
    """Count one of the template's optional boxes (registers, automation, not retrieved...)
    without taking it out of the box it flows from, so its equation no longer holds."""
    flow = read(folder, "prisma_flow")
    node = rnd.choice(sorted(_TEMPLATE_OPTIONAL))
    if flow_count_or_none(flow, 1, node) is not None:
        raise Inapplicable(f"{node} is already counted")
    write(folder, "prisma_flow", set_node(flow, 1, node, rnd.randint(1, 5)))
    return ("rounds.prisma_arithmetic",) if several_rounds(folder) else (_TEMPLATE_OPTIONAL[node],)


def flow_count_or_none(flow: pd.DataFrame, round: int, node: str) -> int | None:
    try:
        return flow_count(flow, round, node)
    except Inapplicable:
        return None


@mutation("prisma_sought")
def prisma_sought(folder: Path, rnd: random.Random) -> tuple[str, ...]:
    """Count the reports sought for retrieval, but not as the records screened less those
    excluded."""
    flow = read(folder, "prisma_flow")
    kept = flow_count(flow, 1, "records_screened") - flow_count(flow, 1, "records_excluded")
    if flow_count_or_none(flow, 1, "reports_not_retrieved") is not None:
        raise Inapplicable("reports_not_retrieved is counted")
    wrong = kept + rnd.choice([d for d in (-2, -1, 1, 3) if kept + d >= 0])
    write(folder, "prisma_flow", set_node(flow, 1, "reports_sought", wrong))
    return ("rounds.prisma_arithmetic",) if several_rounds(folder) else ("prisma.sought",)


@mutation("prisma_other_arm")
def prisma_other_arm(folder: Path, rnd: random.Random) -> tuple[str, ...]:
    """Count the other-methods arm on its own (records no longer pooled, the rest of the flow
    made to agree), with reports assessed that are not those sought less those not
    retrieved."""
    flow = read(folder, "prisma_flow")
    if flow_count_or_none(flow, 1, "register_results") is not None:
        raise Inapplicable("registers are counted")
    databases = flow_count(flow, 1, "database_results")
    screened = flow_count(flow, 1, "records_screened")
    others = flow_count(flow, 1, "citations_results")
    if databases < screened or others < 1:
        raise Inapplicable("the database records alone are fewer than the records screened")
    for node in ("website_results", "organisation_results", "excluded_automatic", "excluded_other"):
        if flow_count_or_none(flow, 1, node) is not None:
            raise Inapplicable(f"{node} is counted")
    flow = set_node(flow, 1, "identified_total", databases)
    flow = set_node(flow, 1, "duplicates", databases - screened, basis="derived")
    not_retrieved = rnd.randint(0, others - 1)
    assessed = others - not_retrieved + rnd.choice([-1, 1, 2])
    flow = set_node(flow, 1, "other_reports_sought", others)
    flow = set_node(flow, 1, "other_reports_not_retrieved", not_retrieved)
    flow = set_node(flow, 1, "other_reports_assessed", max(assessed, 0))
    flow = set_node(flow, 1, "other_reports_excluded", max(assessed, 0))  # none included
    write(folder, "prisma_flow", flow)
    return ("rounds.prisma_arithmetic",) if several_rounds(folder) else ("prisma.other_arm",)


@mutation("prisma_not_reported", catches=("prisma.not_reported",))
def prisma_not_reported(folder: Path, rnd: random.Random) -> None:
    """Break the rule of counts not reported: a stated count left empty, a count not reported
    that has a count, or one with no note saying why."""
    flow = read(folder, "prisma_flow")
    how = rnd.choice(["stated_empty", "not_reported_counted", "no_note"])
    if how == "stated_empty" or not (flow["basis"] == "not_reported").any():
        row = pick(rnd, flow, flow["basis"].isin(["stated", "derived"]))
        flow.loc[row, "count"] = ""
    else:
        row = pick(rnd, flow, flow["basis"] == "not_reported")
        if how == "not_reported_counted":
            flow.loc[row, "count"] = str(rnd.randint(0, 9))
        else:
            flow.loc[row, "note"] = ""
    write(folder, "prisma_flow", flow)


# ---------------------------------------------------------------------------------------------
# Search rounds: each mutation opens a consistent round N+1 (open_round), then breaks it.


@mutation("round_count")
def round_count(folder: Path, rnd: random.Random) -> tuple[str, ...]:
    """Mistype one PRISMA count of an update round (one finding names the round and node)."""
    number = open_round(folder, studies=rnd.randint(0, 2))
    flow = read(folder, "prisma_flow")
    row = pick(rnd, flow, flow["round"] == str(number))
    flow.loc[row, "count"] = bump(flow.loc[row, "count"], rnd)
    write(folder, "prisma_flow", flow)
    return (_ROUNDS[flow.loc[row, "node"]],)


@mutation("round_database_records", catches=("rounds.databases_sum",))
def round_database_records(folder: Path, rnd: random.Random) -> None:
    """Change the records one database returned in an update round."""
    number = open_round(folder)
    search = read(folder, "search_strategies")
    row = pick(rnd, search, search["round"] == str(number))
    search.loc[row, "records"] = bump(search.loc[row, "records"], rnd)
    write(folder, "search_strategies", search)


@mutation("round_databases_missing", catches=("rounds.databases_sum",))
def round_databases_missing(folder: Path, rnd: random.Random) -> None:
    """Drop every database row of an update round (the round says nothing of its search)."""
    number = open_round(folder)
    search = read(folder, "search_strategies")
    write(folder, "search_strategies", search[search["round"] != str(number)])


@mutation("round_study_uncounted", catches=("rounds.included_rows",))
def round_study_uncounted(folder: Path, rnd: random.Random) -> None:
    """Add a study to an update round without counting it in the round's PRISMA flow."""
    number = open_round(folder, studies=rnd.randint(0, 1))
    add_study(folder, number)


@mutation("round_node_missing", catches=("rounds.nodes",))
def round_node_missing(folder: Path, rnd: random.Random) -> None:
    """Drop one node of an update round's PRISMA flow."""
    number = open_round(folder, studies=1)
    flow = read(folder, "prisma_flow")
    write(folder, "prisma_flow", flow.drop(index=pick(rnd, flow, flow["round"] == str(number))))


@mutation("round_date_earlier", catches=("rounds.dates_increase",))
def round_date_earlier(folder: Path, rnd: random.Random) -> None:
    """Date an update round's search before the round it follows."""
    rounds = read(folder, "search_rounds")
    first = rounds["searched"].min()
    open_round(folder, searched=rnd.choice(["2001-01", first]))


@mutation("round_removal_early", catches=("rounds.removals",))
def round_removal_early(folder: Path, rnd: random.Random) -> None:
    """Record the removal of a study in the very round that included it."""
    number = open_round(folder, studies=1)
    studies = read(folder, "studies")
    study = studies.loc[studies["round"] == str(number), "study_id"].iloc[0]
    removals = read(folder, "study_removals")
    row = {"study_id": study, "round": str(number), "reason": "retracted", "note": "Retracted."}
    write(folder, "study_removals", pd.concat([removals, pd.DataFrame([row])]), update_hash=False)
    flow = read(folder, "prisma_flow")  # keep previous + new - removed = total
    total = (flow["round"] == str(number)) & (flow["node"] == "total_studies")
    flow.loc[total, "count"] = str(int(flow.loc[total, "count"].iloc[0]) - 1)
    write(folder, "prisma_flow", flow)


@mutation("round_reports", catches=("rounds.previous_plus_new",))
def round_reports(folder: Path, rnd: random.Random) -> None:
    """Count the reports of an update round (previous, new, total) so that the previous and
    new reports do not add up to the total."""
    number = open_round(folder, studies=1)
    flow = read(folder, "prisma_flow")
    previous = rnd.randint(17, 30)
    flow = set_node(flow, number, "previous_reports", previous)
    flow = set_node(flow, number, "new_reports", 1)
    flow = set_node(flow, number, "total_reports", previous + 1 + rnd.choice([-1, 1, 2]))
    write(folder, "prisma_flow", flow)


@mutation("stated_count", also=("errata.stale", "counts.source_table"))
def stated_count(folder: Path, rnd: random.Random) -> tuple[str, ...]:
    """Change a derivable count stated in the narrative so the rows no longer support it."""
    counts = read(folder, "stated_counts")
    row = pick(
        rnd, counts, (counts["derivable"] == "true") & counts["quantity"].isin(list(_STATED))
    )
    quantity = counts.loc[row, "quantity"]
    value = int(counts.loc[row, "value"])
    if quantity.startswith("year") and counts.loc[row, "section"] == "methods":
        # The methods' bounds are inclusion criteria: only a narrower window is inconsistent
        # (the generator states the studies' own first and last years).
        step = rnd.randint(1, 3)
        counts.loc[row, "value"] = str(value + step if quantity == "year_min" else value - step)
        write(folder, "stated_counts", counts)
        return ("years.window",)
    counts.loc[row, "value"] = bump(str(value), rnd, low=1900 if quantity.startswith("year") else 0)
    write(folder, "stated_counts", counts)
    return _STATED[quantity]


@mutation(
    "stated_study_count",
    catches=(
        "counts.source_table",
        "counts.source_total",
        "counts.source_agreement",
        "errata.unexplained",
    ),
    also=("errata.stale",),
)
def stated_study_count(folder: Path, rnd: random.Random) -> None:
    """Change the study count msc_sources states for one source that no erratum names.

    An erratum about a source's count (or the narrative's count for it) already explains a
    difference there, so bumping that count may be explained too; only sources that no errata
    row names make the listed checks fire every time.
    """
    sources = read(folder, "msc_sources")
    errata = read(folder, "errata")
    named = set(errata.loc[errata["resource"] == "msc_sources", "record"].astype(str)) | {
        str(record).removeprefix("studies_per_source.")
        for record in errata.loc[errata["resource"] == "stated_counts", "record"]
    }
    row = pick(rnd, sources, ~sources["msc_source"].astype(str).isin(named))
    sources.loc[row, "stated_study_count"] = bump(sources.loc[row, "stated_study_count"], rnd)
    write(folder, "msc_sources", sources)


# ---------------------------------------------------------------------------------------------
# Rows


@mutation(
    "study_dropped",
    also=("counts", "years.window", "errata.unexplained", "errata.stale"),
)
def study_dropped(folder: Path, rnd: random.Random) -> tuple[str, ...]:
    """Drop one study of the published round (and its mechanism links) without recording a
    removal: the counts no longer match the rows."""
    studies = read(folder, "studies")
    if len(studies) < 2:
        raise Inapplicable("dropping the only study leaves a header-only table")
    removals = read(folder, "study_removals")
    mask = unexplained_studies(folder, studies) & published(studies)
    row = pick(rnd, studies, mask & ~studies["study_id"].isin(removals["study_id"]))
    study = studies.loc[row, "study_id"]
    for name in ("study_mechanisms", "study_msc_sources", "claims"):
        if (folder / "data" / f"{name}.csv").is_file():  # rows that name it go with it
            links = read(folder, name)
            write(folder, name, links[links["study_id"] != study], update_hash=False)
    write(folder, "studies", studies.drop(index=row))
    several = several_rounds(folder)
    return ("rounds.included_rows" if several else "prisma.included_rows", "counts.included")


@mutation(
    "study_duplicated",
    catches=("schema.primary_key", "duplicates.study_title"),
    also=(
        "schema.unique",
        "duplicates",
        "prisma.included_rows",
        "rounds",
        "counts",
        "errata",
        "years.window",
        "studies",
    ),
)
def study_duplicated(folder: Path, rnd: random.Random) -> None:
    """Repeat one study row."""
    studies = read(folder, "studies")
    row = pick(rnd, studies)
    write(folder, "studies", pd.concat([studies, studies.loc[[row]]], ignore_index=True))


@mutation("mechanism_duplicated", catches=("schema.primary_key",))
def mechanism_duplicated(folder: Path, rnd: random.Random) -> None:
    """Repeat one study_mechanisms row (composite primary key study_id + mechanism)."""
    links = read(folder, "study_mechanisms")
    row = pick(rnd, links)
    write(folder, "study_mechanisms", pd.concat([links, links.loc[[row]]], ignore_index=True))


@mutation("primary_key_duplicated", catches=("schema.primary_key", "schema.unique"))
def primary_key_duplicated(folder: Path, rnd: random.Random) -> None:
    """Give a background reference entry the number of another one."""
    references = read(folder, "references")
    background = references[
        ~references["reference_number"].isin(read(folder, "studies")["reference_number"])
        & (references["duplicate_of"] == "")
        & ~references["reference_number"].isin(references["duplicate_of"])
    ]
    if len(background) < 2:
        raise Inapplicable("needs two background references")
    first, second = rnd.sample(list(background.index), 2)
    references.loc[first, "reference_number"] = references.loc[second, "reference_number"]
    write(folder, "references", references)


@mutation("prisma_node_missing", catches=("prisma.nodes",), also=("prisma", "schema.required"))
def prisma_node_missing(folder: Path, rnd: random.Random) -> None:
    """Drop one node of the published review's PRISMA flow that every flow needs."""
    flow = read(folder, "prisma_flow")
    needed = published(flow) & flow["node"].isin(list(_PRISMA))
    write(folder, "prisma_flow", flow.drop(index=pick(rnd, flow, needed)))


@mutation("mechanism_coverage", catches=("links.mechanism_coverage",))
def mechanism_coverage(folder: Path, rnd: random.Random) -> None:
    """Remove every mechanism link of one study (a warning: the study is not described)."""
    links = read(folder, "study_mechanisms")
    if links["study_id"].nunique() < 2:
        raise Inapplicable("the table would be left header-only (table.empty)")
    study = links.loc[pick(rnd, links), "study_id"]
    write(folder, "study_mechanisms", links[links["study_id"] != study])


# ---------------------------------------------------------------------------------------------
# Keys, vocabularies, types, constraints


@mutation("foreign_key_mechanism", catches=("schema.foreign_key",))
def foreign_key_mechanism(folder: Path, rnd: random.Random) -> None:
    """Point a mechanism link at a study that does not exist."""
    links = read(folder, "study_mechanisms")
    row = pick(rnd, links)
    covered = links["study_id"].value_counts()
    if covered[links.loc[row, "study_id"]] == 1:
        # Keep the study covered so that only the foreign key check speaks.
        links = pd.concat([links, links.loc[[row]]], ignore_index=True)
    links.loc[row, "study_id"] = "nobody-zz-2020"
    write(folder, "study_mechanisms", links)


@mutation(
    "foreign_key_reference",
    catches=("schema.foreign_key",),
    also=("studies", "years.reference", "duplicates"),
)
def foreign_key_reference(folder: Path, rnd: random.Random) -> None:
    """Point a study at a reference number the reference list does not have."""
    studies = read(folder, "studies")
    references = read(folder, "references")
    row = pick(rnd, studies)
    studies.loc[row, "reference_number"] = str(
        references["reference_number"].astype(int).max() + 1000
    )
    write(folder, "studies", studies)


@mutation(
    "foreign_key_animal_model", catches=("schema.foreign_key",), also=("studies.species", "errata")
)
def foreign_key_animal_model(folder: Path, rnd: random.Random) -> None:
    """Print an animal model in a study that the animal_models vocabulary lacks."""
    studies = read(folder, "studies")
    row = pick(rnd, studies, unexplained_studies(folder, studies))
    studies.loc[row, "animal_model_published"] = "Zebrafish"
    write(folder, "studies", studies)


_ENUMS = (
    ("study_mechanisms", "mechanism", "telepathy"),
    ("studies", "design", "in_silico"),
    ("stated_counts", "section", "preface"),
    ("prisma_flow", "basis", "guessed"),
    ("errata", "kind", "whim"),
    ("studies", "effector_type", "magic"),
    ("msc_sources", "origin", "lunar"),
)


@mutation(
    "enum_value",
    catches=("schema.enum",),
    also=("schema.required", "schema.primary_key", "counts", "errata", "prisma"),
)
def enum_value(folder: Path, rnd: random.Random) -> None:
    """Write a value outside a field's enum vocabulary."""
    choices = [c for c in _ENUMS if len(read(folder, c[0]))]
    name, column, value = rnd.choice(choices)
    frame = read(folder, name)
    frame.loc[pick(rnd, frame), column] = value
    write(folder, name, frame)


_INTEGERS = (("search_strategies", "table_row"), ("prisma_flow", "step"), ("studies", "table_row"))


@mutation("type_corruption", catches=("schema.type",), also=("schema.required",))
def type_corruption(folder: Path, rnd: random.Random) -> None:
    """Write text into an integer column."""
    name, column = rnd.choice(_INTEGERS)
    frame = read(folder, name)
    frame.loc[pick(rnd, frame), column] = rnd.choice(["twelve", "1.5", "3a", "N/A"])
    write(folder, name, frame)


@mutation("required_blank", catches=("schema.required",))
def required_blank(folder: Path, rnd: random.Random) -> None:
    """Empty a required cell that no cross-table rule reads."""
    name, column = rnd.choice(
        (
            ("msc_sources", "tissue"),
            ("search_strategies", "filter"),
            ("prisma_flow", "label"),
            ("msc_sources", "origin_evidence"),
        )
    )
    frame = read(folder, name)
    frame.loc[pick(rnd, frame), column] = ""
    write(folder, name, frame)


@mutation("pattern_broken", catches=("schema.pattern",))
def pattern_broken(folder: Path, rnd: random.Random) -> None:
    """Give a stated count a key that breaks the key pattern."""
    counts = read(folder, "stated_counts")
    row = pick(rnd, counts, counts["derivable"] == "false")
    counts.loc[row, "key"] = counts.loc[row, "key"].replace("_", "-") + "-2"
    write(folder, "stated_counts", counts)


@mutation("range_violation", catches=("schema.range",))
def range_violation(folder: Path, rnd: random.Random) -> None:
    """Date a background reference entry before the schema's minimum year."""
    references = read(folder, "references")
    mask = (
        ~references["reference_number"].isin(read(folder, "studies")["reference_number"])
        & ~references["reference_number"].isin(references["duplicate_of"])
        & (references["duplicate_of"] == "")
    )
    references.loc[pick(rnd, references, mask), "year"] = rnd.choice(["1800", "2200", "0"])
    write(folder, "references", references)


@mutation("length_constraint", catches=("schema.length",))
def length_constraint(folder: Path, rnd: random.Random) -> None:
    """Tighten a field's maxLength in the descriptor below the data's lengths."""
    data = descriptor(folder)
    for resource in data["resources"]:
        if resource["name"] == "search_strategies":
            for item in resource["schema"]["fields"]:
                if item["name"] == "query":
                    item.setdefault("constraints", {})["maxLength"] = 5
    save_descriptor(folder, data)
    rehash(folder)


# ---------------------------------------------------------------------------------------------
# Years, labels, references, duplicates


@mutation("year_outside_window", catches=("years.window", "errata.unexplained"))
def year_outside_window(folder: Path, rnd: random.Random) -> None:
    """Move a study of the published round (label, reference and all) past the stated
    publication window."""
    studies = read(folder, "studies")
    row = pick(rnd, studies, unexplained_studies(folder, studies) & published(studies))
    old = studies.loc[row, "year"]
    new = str(studies["year"].astype(int).max() + rnd.randint(1, 3))
    studies.loc[row, "year"] = new
    studies.loc[row, "label_published"] = studies.loc[row, "label_published"][:-4] + new
    references = read(folder, "references")
    number = studies.loc[row, "reference_number"]
    references.loc[references["reference_number"] == number, "year"] = new
    assert references.loc[references["reference_number"] == number, "year"].ne(old).all()
    write(folder, "references", references, update_hash=False)
    write(folder, "studies", studies)


@mutation("label_year_typo", catches=("years.label", "errata.unexplained"))
def label_year_typo(folder: Path, rnd: random.Random) -> None:
    """Change the year printed in a study's label, without an errata row."""
    studies = read(folder, "studies")
    row = pick(rnd, studies, unexplained_studies(folder, studies))
    label = studies.loc[row, "label_published"]
    studies.loc[row, "label_published"] = label[:-4] + str(int(label[-4:]) + rnd.choice([-1, 1]))
    write(folder, "studies", studies)


@mutation("label_author_typo", catches=("studies.first_author_label", "errata.unexplained"))
def label_author_typo(folder: Path, rnd: random.Random) -> None:
    """Misspell the family name in a study's label, without an errata row."""
    studies = read(folder, "studies")
    row = pick(rnd, studies, unexplained_studies(folder, studies))
    family = studies.loc[row, "first_author"]
    label = studies.loc[row, "label_published"]
    studies.loc[row, "label_published"] = label.replace(family, family + "x", 1)
    write(folder, "studies", studies)


@mutation("species_unexplained", catches=("studies.species", "errata.unexplained"))
def species_unexplained(folder: Path, rnd: random.Random) -> None:
    """Curate a species that contradicts the printed animal model, without an errata row."""
    studies = read(folder, "studies")
    mask = unexplained_studies(folder, studies) & studies["species"].isin(["rat", "mouse"])
    row = pick(rnd, studies, mask)
    studies.loc[row, "species"] = "rabbit"
    write(folder, "studies", studies)


@mutation(
    "msc_source_unexplained",
    catches=("studies.msc_source", "errata.unexplained"),
    also=("counts.per_source", "counts.source_table", "errata.stale"),
)
def msc_source_unexplained(folder: Path, rnd: random.Random) -> None:
    """Curate an MSC source other than the printed one, without an errata row."""
    studies = read(folder, "studies")
    row = pick(rnd, studies, unexplained_studies(folder, studies))
    published = studies.loc[row, "msc_source_published"]
    studies.loc[row, "msc_source"] = "AFSC" if published != "AFSC" else "MenSC"
    write(folder, "studies", studies)


@mutation("eligibility_mismatch", catches=("studies.eligibility_evidence",))
def eligibility_mismatch(folder: Path, rnd: random.Random) -> None:
    """Give a study eligibility evidence without a concern, or a concern without evidence."""
    studies = read(folder, "studies")
    row = pick(rnd, studies)
    if studies.loc[row, "eligibility_concern"]:
        studies.loc[row, "eligibility_evidence"] = ""
    else:
        studies.loc[row, "eligibility_evidence"] = studies.loc[row, "title"][:20]
    write(folder, "studies", studies)


def _study_reference(folder: Path, rnd: random.Random) -> tuple[pd.DataFrame, Any]:
    studies = read(folder, "studies")
    references = read(folder, "references")
    row = pick(rnd, studies, unexplained_studies(folder, studies))
    target = references["reference_number"] == studies.loc[row, "reference_number"]
    # A duplicate entry of this reference would then disagree with it: leave those alone.
    if references["duplicate_of"].eq(studies.loc[row, "reference_number"]).any():
        raise Inapplicable("the reference has a duplicate entry")
    return references, target


@mutation("reference_year", catches=("years.reference",))
def reference_year(folder: Path, rnd: random.Random) -> None:
    """Date a study's reference entry a year off the study's year."""
    references, target = _study_reference(folder, rnd)
    references.loc[target, "year"] = (references.loc[target, "year"].astype(int) + 1).astype(str)
    write(folder, "references", references)


@mutation("reference_author", catches=("studies.first_author_reference",))
def reference_author(folder: Path, rnd: random.Random) -> None:
    """Give a study's reference entry another first author."""
    references, target = _study_reference(folder, rnd)
    references.loc[target, "authors"] = "Quill Z, " + references.loc[target, "authors"]
    write(folder, "references", references)


@mutation("reference_title", catches=("studies.title_reference",))
def reference_title(folder: Path, rnd: random.Random) -> None:
    """Give a study's reference entry another title."""
    references, target = _study_reference(folder, rnd)
    references.loc[target, "title"] = "An entirely different title " + str(rnd.randint(1, 99))
    write(folder, "references", references)


@mutation(
    "duplicate_study_title",
    catches=("duplicates.study_title", "schema.unique"),
    also=("studies.title_reference", "duplicates.reference_unlinked"),
)
def duplicate_study_title(folder: Path, rnd: random.Random) -> None:
    """Give one study the title of another."""
    studies = read(folder, "studies")
    if len(studies) < 2:
        raise Inapplicable("needs two studies")
    first, second = rnd.sample(list(studies.index), 2)
    studies.loc[first, "title"] = studies.loc[second, "title"]
    write(folder, "studies", studies)


@mutation(
    "shared_reference",
    catches=("duplicates.study_reference", "schema.unique"),
    also=("studies", "years.reference"),
)
def shared_reference(folder: Path, rnd: random.Random) -> None:
    """Point two studies at the same reference entry."""
    studies = read(folder, "studies")
    if len(studies) < 2:
        raise Inapplicable("needs two studies")
    first, second = rnd.sample(list(studies.index), 2)
    studies.loc[first, "reference_number"] = studies.loc[second, "reference_number"]
    write(folder, "studies", studies)


@mutation("reference_unlinked", catches=("duplicates.reference_unlinked",))
def reference_unlinked(folder: Path, rnd: random.Random) -> None:
    """Add a reference entry that repeats another without saying so (duplicate_of empty)."""
    references = read(folder, "references")
    row = pick(rnd, references, references["duplicate_of"] == "")
    copy = references.loc[[row]].copy()
    copy["reference_number"] = str(references["reference_number"].astype(int).max() + 1)
    write(folder, "references", pd.concat([references, copy], ignore_index=True))


@mutation(
    "reference_chain",
    catches=("duplicates.reference_chain",),
    also=("errata.unexplained", "errata.stale", "errata.known"),
)
def reference_chain(folder: Path, rnd: random.Random) -> None:
    """Make a reference entry a duplicate of itself (with an erratum saying so)."""
    references = read(folder, "references")
    mask = (references["duplicate_of"] == "") & ~references["reference_number"].isin(
        references["duplicate_of"]
    )
    row = pick(rnd, references, mask)
    number = references.loc[row, "reference_number"]
    references.loc[row, "duplicate_of"] = number
    errata = read(folder, "errata")
    errata = pd.concat(
        [
            errata,
            pd.DataFrame(
                [
                    {
                        "erratum_id": f"references/{number}/duplicate_of",
                        "resource": "references",
                        "record": number,
                        "field": "duplicate_of",
                        "published_value": "",
                        "curated_value": number,
                        "kind": "duplicate_reference",
                        "evidence": "x",
                        "note": "x",
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    write(folder, "errata", errata, update_hash=False)
    write(folder, "references", references)


# ---------------------------------------------------------------------------------------------
# Errata


def _errata(folder: Path) -> pd.DataFrame:
    errata = read(folder, "errata")
    if errata.empty:
        raise Inapplicable("the package has no errata")
    return errata


@mutation("errata_removed", also=("counts", "errata.stale", "table.empty"))
def errata_removed(folder: Path, rnd: random.Random) -> tuple[str, ...]:
    """Remove one errata row: its difference is now unexplained."""
    errata = _errata(folder)
    row = pick(rnd, errata)
    key = (errata.loc[row, "resource"], errata.loc[row, "field"])
    write(folder, "errata", errata.drop(index=row))
    return _ERRATA_FIELDS.get(key) or _ERRATA_KINDS[errata.loc[row, "kind"]]


@mutation("errata_added", catches=("errata.stale",))
def errata_added(folder: Path, rnd: random.Random) -> None:
    """Add an errata row for a difference that does not exist."""
    studies = read(folder, "studies")
    row = pick(rnd, studies, unexplained_studies(folder, studies))
    sid, year = studies.loc[row, "study_id"], studies.loc[row, "year"]
    errata = read(folder, "errata")
    errata = pd.concat(
        [
            errata,
            pd.DataFrame(
                [
                    {
                        "erratum_id": f"studies/{sid}/year",
                        "resource": "studies",
                        "record": sid,
                        "field": "year",
                        "published_value": str(int(year) - 5),
                        "curated_value": year,
                        "kind": "label_year_mismatch",
                        "evidence": "x",
                        "note": "An invented difference.",
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    write(folder, "errata", errata)


@mutation(
    "errata_value_changed",
    catches=("errata.stale", "errata.unexplained"),
    also=("counts", "years", "studies", "duplicates"),
)
def errata_value_changed(folder: Path, rnd: random.Random) -> None:
    """Change the published value an errata row records: it no longer matches the data."""
    errata = _errata(folder)
    row = pick(rnd, errata, errata["kind"] != "narrative_contradiction")
    value = errata.loc[row, "published_value"]
    errata.loc[row, "published_value"] = (value + "9") if value else "9"
    write(folder, "errata", errata)


@mutation(
    "errata_id",
    catches=("errata.id",),
    also=("errata.stale", "errata.unexplained", "errata.target"),
)
def errata_id(folder: Path, rnd: random.Random) -> None:
    """Make an erratum_id disagree with its resource/record/field columns."""
    errata = _errata(folder)
    row = pick(rnd, errata)
    resource, record, name = errata.loc[row, ["resource", "record", "field"]]
    errata.loc[row, "erratum_id"] = f"{resource}/{record}x/{name}"
    write(folder, "errata", errata)


@mutation("errata_target", catches=("errata.target",), also=("errata.stale",))
def errata_target(folder: Path, rnd: random.Random) -> None:
    """Add an errata row for a record that does not exist."""
    errata = read(folder, "errata")
    target = rnd.choice(
        (
            ("studies", "nobody-zz-2020", "year"),
            ("studies", read(folder, "studies").loc[0, "study_id"], "colour"),
            ("msc_sources", "iPSC", "stated_study_count"),
        )
    )
    resource, record, name = target
    errata = pd.concat(
        [
            errata,
            pd.DataFrame(
                [
                    {
                        "erratum_id": f"{resource}/{record}/{name}",
                        "resource": resource,
                        "record": record,
                        "field": name,
                        "published_value": "1",
                        "curated_value": "2",
                        "kind": "label_year_mismatch",
                        "evidence": "x",
                        "note": "A row about nothing.",
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    write(folder, "errata", errata)


@mutation("explained_difference", catches=("errata.known",))
def explained_difference(folder: Path, rnd: random.Random) -> None:
    """Introduce a label year typo together with its errata row (valid: a known erratum)."""
    studies = read(folder, "studies")
    row = pick(rnd, studies, unexplained_studies(folder, studies))
    sid, year = studies.loc[row, "study_id"], studies.loc[row, "year"]
    wrong = str(int(year) - 1)
    studies.loc[row, "label_published"] = studies.loc[row, "label_published"][:-4] + wrong
    errata = read(folder, "errata")
    errata = pd.concat(
        [
            errata,
            pd.DataFrame(
                [
                    {
                        "erratum_id": f"studies/{sid}/year",
                        "resource": "studies",
                        "record": sid,
                        "field": "year",
                        "published_value": wrong,
                        "curated_value": year,
                        "kind": "label_year_mismatch",
                        "evidence": "x",
                        "note": "The label is a year off.",
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    write(folder, "errata", errata, update_hash=False)
    write(folder, "studies", studies)


# ---------------------------------------------------------------------------------------------
# Table structure and bytes

_RESOURCES = (
    "search_strategies",
    "prisma_flow",
    "msc_sources",
    "animal_models",
    "references",
    "studies",
    "study_mechanisms",
    "stated_counts",
    "errata",
)


def _csv(folder: Path, rnd: random.Random, non_empty: bool = True) -> Path:
    names = [n for n in _RESOURCES if not non_empty or len(read(folder, n))]
    return folder / "data" / f"{rnd.choice(names)}.csv"


@mutation(
    "column_removed", catches=("table.header",), also=("schema.foreign_key", "schema.primary_key")
)
def column_removed(folder: Path, rnd: random.Random) -> None:
    """Remove one column from a CSV (the Table Schema still declares it)."""
    name = rnd.choice(_RESOURCES)
    frame = read(folder, name)
    write(folder, name, frame.drop(columns=rnd.choice(list(frame.columns))))


@mutation(
    "column_renamed", catches=("table.header",), also=("schema.foreign_key", "schema.primary_key")
)
def column_renamed(folder: Path, rnd: random.Random) -> None:
    """Rename one column of a CSV."""
    name = rnd.choice(_RESOURCES)
    frame = read(folder, name)
    column = rnd.choice(list(frame.columns))
    write(folder, name, frame.rename(columns={column: column + "_renamed"}))


@mutation("column_added", catches=("table.header",))
def column_added(folder: Path, rnd: random.Random) -> None:
    """Add a column the Table Schema does not declare."""
    name = rnd.choice(_RESOURCES)
    frame = read(folder, name)
    frame.insert(rnd.randint(0, len(frame.columns)), "undeclared", "x")
    write(folder, name, frame)


@mutation("non_utf8", catches=("table.encoding",))
def non_utf8(folder: Path, rnd: random.Random) -> None:
    """Put bytes that are not UTF-8 into a CSV."""
    file = _csv(folder, rnd)
    data = file.read_bytes()
    start = data.index(b"\n") + 1
    at = rnd.randint(start, len(data) - 1)
    file.write_bytes(data[:at] + rnd.choice([b"\xff", b"\xe9", b"\xc3\x28", b"\x80"]) + data[at:])
    rehash(folder)


@mutation("broken_quoting", catches=("table.parse",))
def broken_quoting(folder: Path, rnd: random.Random) -> None:
    """Leave a quote unclosed in a CSV (the parser would swallow the rest of the file)."""
    file = _csv(folder, rnd)
    lines = file.read_text(encoding="utf-8").split("\n")
    at = rnd.randint(1, max(1, len(lines) - 2))
    lines[at] = '"' + lines[at]
    file.write_text("\n".join(lines), encoding="utf-8")
    rehash(folder)


@mutation("ragged_row", catches=("table.parse",))
def ragged_row(folder: Path, rnd: random.Random) -> None:
    """Give one CSV row more fields than the header (the first row too: pandas would read its
    extra cells as an index and shift every column)."""
    file = _csv(folder, rnd)
    lines = file.read_text(encoding="utf-8").split("\n")
    at = rnd.randint(1, max(1, len(lines) - 2))
    lines[at] = lines[at] + ",extra,cells"
    file.write_text("\n".join(lines), encoding="utf-8")
    rehash(folder)


@mutation("table_empty", catches=("table.empty",), also=("links.mechanism_coverage",))
def table_empty(folder: Path, rnd: random.Random) -> None:
    """Keep only the header of the study_mechanisms CSV."""
    links = read(folder, "study_mechanisms")
    write(folder, "study_mechanisms", links.iloc[0:0])


@mutation("missing_file", catches=("table.missing_file",), also=("integrity", "schema.foreign_key"))
def missing_file(folder: Path, rnd: random.Random) -> None:
    """Delete a resource's file (the descriptor still lists it)."""
    _csv(folder, rnd, non_empty=False).unlink()


@mutation("hash_tamper", catches=("integrity.hash",))
def hash_tamper(folder: Path, rnd: random.Random) -> None:
    """Edit a CSV without refreshing the descriptor's hash (same size: only the hash differs)."""
    references = read(folder, "references")
    row = pick(rnd, references, references["journal"].str.contains("[a-z]", regex=True))
    journal = references.loc[row, "journal"]
    at = rnd.choice([i for i, c in enumerate(journal) if "a" <= c <= "z"])
    # Upper-case one letter of a cell no check reads: only the hash can tell.
    references.loc[row, "journal"] = journal[:at] + journal[at].upper() + journal[at + 1 :]
    write(folder, "references", references, update_hash=False)


@mutation("size_tamper", catches=("integrity.bytes", "integrity.hash"))
def size_tamper(folder: Path, rnd: random.Random) -> None:
    """Lengthen a free-text cell without refreshing bytes and hash."""
    references = read(folder, "references")
    row = pick(rnd, references)
    references.loc[row, "journal"] += rnd.choice(["s", " (Print)", "."])
    write(folder, "references", references, update_hash=False)


@mutation("integrity_unhashed", catches=("integrity.unhashed",))
def integrity_unhashed(folder: Path, rnd: random.Random) -> None:
    """Drop a resource's declared bytes and hash (a warning: nothing to verify against)."""
    data = descriptor(folder)
    resource = rnd.choice(data["resources"])
    resource.pop("hash", None)
    resource.pop("bytes", None)
    save_descriptor(folder, data)


# ---------------------------------------------------------------------------------------------
# Descriptor


@mutation("unsafe_path", catches=("descriptor.unsafe_path",))
def unsafe_path(folder: Path, rnd: random.Random) -> None:
    """Point a resource outside the package: '..', an absolute path or a URL (never fetched)."""
    data = descriptor(folder)
    resource = rnd.choice(data["resources"])
    resource["path"] = rnd.choice(
        [
            "../outside.csv",
            "data/../../outside.csv",
            "/etc/passwd",
            "https://example.invalid/studies.csv",
            "~/studies.csv",
        ]
    )
    save_descriptor(folder, data)


@mutation("descriptor_json", catches=("descriptor.json",))
def descriptor_json(folder: Path, rnd: random.Random) -> None:
    """Truncate the descriptor so it is no longer JSON."""
    file = folder / "datapackage.json"
    text = file.read_text(encoding="utf-8")
    file.write_text(text[: rnd.randint(1, len(text) - 2)], encoding="utf-8")


@mutation("descriptor_encoding", catches=("descriptor.encoding",))
def descriptor_encoding(folder: Path, rnd: random.Random) -> None:
    """Save the descriptor with a byte that is not UTF-8."""
    file = folder / "datapackage.json"
    data = file.read_bytes()
    at = data.index(b'"title"')
    file.write_bytes(data[: at + 9] + b"\xe9" + data[at + 9 :])


@mutation("descriptor_missing", catches=("descriptor.missing",))
def descriptor_missing(folder: Path, rnd: random.Random) -> None:
    """Delete datapackage.json."""
    (folder / "datapackage.json").unlink()


@mutation("descriptor_metadata", catches=("descriptor.metadata",), also=("descriptor.model",))
def descriptor_metadata(folder: Path, rnd: random.Random) -> None:
    """Break the Data Package metadata (a license that is not an object, a bad package name)."""
    data = descriptor(folder)
    choice = rnd.randint(0, 1)
    if choice == 0:
        data["licenses"] = "CC-BY-4.0"
    else:
        data["name"] = "Not A Valid Name!"
    save_descriptor(folder, data)


@mutation("descriptor_model", catches=("descriptor.model",), also=("descriptor.metadata",))
def descriptor_model(folder: Path, rnd: random.Random) -> None:
    """Give the package a version that is not semantic versioning."""
    data = descriptor(folder)
    data["version"] = rnd.choice(["first", "1.0", "v1", ""])
    save_descriptor(folder, data)


_OPTIONAL = (
    ("animal_models", "note"),
    ("studies", "curation_note"),
    ("prisma_flow", "derivation"),
    ("references", "pages"),
    ("msc_sources", "tissue"),
)


@mutation("descriptor_resources", catches=("descriptor.resources",))
def descriptor_resources(folder: Path, rnd: random.Random) -> None:
    """Drop a core field from a resource's schema and its CSV column (a copy must keep them)."""
    name, column = rnd.choice(_OPTIONAL)
    data = descriptor(folder)
    for resource in data["resources"]:
        if resource["name"] == name:
            fields = resource["schema"]["fields"]
            resource["schema"]["fields"] = [f for f in fields if f["name"] != column]
    save_descriptor(folder, data)
    write(folder, name, read(folder, name).drop(columns=column))


@mutation("vocabulary_definition_dropped", catches=("vocabulary.coverage",))
def vocabulary_definition_dropped(folder: Path, rnd: random.Random) -> None:
    """Drop the definition of one code from vocabularies (the code is no longer defined)."""
    vocabularies = read(folder, "vocabularies")
    row = pick(rnd, vocabularies)
    write(folder, "vocabularies", vocabularies.drop(index=row))


@mutation("vocabulary_code_renamed", catches=("vocabulary.coverage",))
def vocabulary_code_renamed(folder: Path, rnd: random.Random) -> None:
    """Misspell one code in vocabularies (its definition names no code in use)."""
    vocabularies = read(folder, "vocabularies")
    row = pick(rnd, vocabularies)
    vocabularies.loc[row, "code"] = vocabularies.loc[row, "code"] + rnd.choice(["_x", "s", "2"])
    write(folder, "vocabularies", vocabularies)


# ---------------------------------------------------------------------------------------------
# Claims: the review's narrative, citations and concerns against the curated rows


def _claims(folder: Path) -> pd.DataFrame:
    claims = read(folder, "claims")
    if claims.empty:
        raise Inapplicable("the package has no claims")
    return claims


def _next_id(ids: pd.Series, prefix: str) -> str:
    numbers = ids.str[len(prefix) :].astype(int)
    return f"{prefix}{int(numbers.max()) + 1:03d}"


@mutation("claim_contradicted", catches=("claims.contradicts_study",))
def claim_contradicted(folder: Path, rnd: random.Random) -> None:
    """Make a claim attribute to a study a design (or species, source) another study has."""
    claims, studies = _claims(folder), read(folder, "studies")
    about = claims[claims["subject_type"] == "study"]
    row = pick(rnd, about)
    study = studies[studies["study_id"] == about.loc[row, "study_id"]].iloc[0]
    for attribute, column in (
        ("design", "design"),
        ("species", "species"),
        ("msc_source", "msc_source"),
    ):
        others = sorted(set(studies[column]) - {study[column], ""})
        if others and study[column]:
            claims.loc[row, ["attribute", "value", "expected", "concern_id"]] = [
                attribute,
                rnd.choice(others),
                "contradicts",
                "",
            ]
            write(folder, "claims", claims)
            return
    raise Inapplicable("every study has the same design, species and source")


@mutation("claim_unsupported", catches=("claims.unsupported",))
def claim_unsupported(folder: Path, rnd: random.Random) -> None:
    """Make a claim attribute a mechanism no study reports, with no concern recording it."""
    claims = _claims(folder)
    row = pick(rnd, claims)
    claims.loc[row, ["attribute", "value", "expected", "concern_id"]] = [
        "mechanism",
        "NLRP3 inflammasome",
        "unsupported",
        "",
    ]
    write(folder, "claims", claims)


@mutation("claim_expected", catches=("claims.expected",))
def claim_expected(folder: Path, rnd: random.Random) -> None:
    """Give an agreeing claim the expected reading 'contradicts'."""
    claims = _claims(folder)
    row = pick(rnd, claims, claims["expected"] == "agrees")
    claims.loc[row, "expected"] = "contradicts"
    write(folder, "claims", claims)


@mutation("count_claim", catches=("claims.count_contradicted",))
def count_claim(folder: Path, rnd: random.Random) -> None:
    """Add a claim of more studies on MSC-derived exosomes than there are studies."""
    claims, studies = _claims(folder), read(folder, "studies")
    added = dict.fromkeys(claims.columns, "")
    added.update(
        {
            "claim_id": _next_id(claims["claim_id"], "CL"),
            "section": "results",
            "locator": "Results ¶1",
            "quote": "all on exosomes",
            "subject_type": "included_studies",
            "attribute": "count_exosome_studies",
            "value": str(len(studies) + rnd.randint(1, 5)),
            "expected": "contradicts",
        }
    )
    write(folder, "claims", pd.concat([claims, pd.DataFrame([added])], ignore_index=True))


@mutation("claim_cites_background", catches=("claims.cites_non_included",))
def claim_cites_background(folder: Path, rnd: random.Random) -> None:
    """Point the citation of a claim about a study at a background reference entry."""
    claims, links = _claims(folder), read(folder, "citation_references")
    references, studies = read(folder, "references"), read(folder, "studies")
    background = references[
        ~references["reference_number"].isin(studies["reference_number"])
        & (references["duplicate_of"] == "")
    ]
    cited = claims[(claims["citation_id"] != "") & (claims["subject_type"] == "study")]
    if background.empty or cited.empty:
        raise Inapplicable("needs a background reference and a claim with a citation")
    citation = cited.loc[pick(rnd, cited), "citation_id"]
    links.loc[links["citation_id"] == citation, "reference_number"] = rnd.choice(
        list(background["reference_number"])
    )
    write(folder, "citation_references", links.drop_duplicates(["citation_id", "reference_number"]))


@mutation(
    "citation_to_duplicate", catches=("citations.duplicate_reference",), also=("errata.known",)
)
def citation_to_duplicate(folder: Path, rnd: random.Random) -> None:
    """Add a (documented) duplicate of a cited reference entry and cite the duplicate."""
    links, references = read(folder, "citation_references"), read(folder, "references")
    row = pick(rnd, links)
    original = links.loc[row, "reference_number"]
    copy = references[references["reference_number"] == original].iloc[[0]].copy()
    if copy["duplicate_of"].iloc[0]:
        raise Inapplicable("the cited entry is itself a duplicate")
    number = str(references["reference_number"].astype(int).max() + 1)
    copy["reference_number"], copy["duplicate_of"] = number, original
    errata = read(folder, "errata")
    added = dict.fromkeys(errata.columns, "")
    added.update(
        {
            "erratum_id": f"references/{number}/duplicate_of",
            "resource": "references",
            "record": number,
            "field": "duplicate_of",
            "curated_value": original,
            "kind": "duplicate_reference",
            "evidence": "x",
            "note": "x",
        }
    )
    write(
        folder,
        "errata",
        pd.concat([errata, pd.DataFrame([added])], ignore_index=True),
        update_hash=False,
    )
    write(folder, "references", pd.concat([references, copy], ignore_index=True), update_hash=False)
    links.loc[row, "reference_number"] = number
    write(folder, "citation_references", links)


@mutation("concern_added", catches=("concerns.recorded",))
def concern_added(folder: Path, rnd: random.Random) -> None:
    """Record one more concern (every concern is surfaced as info)."""
    concerns = read(folder, "concerns")
    added = dict.fromkeys(concerns.columns, "")
    added.update(
        {
            "concern_id": f"CN-added-{rnd.randint(1, 999)}",
            "kind": "unsupported_claim",
            "section": "discussion",
            "locator": "Discussion ¶1",
            "quote": "x",
            "disagreement": "x",
            "resolution": "x",
        }
    )
    write(folder, "concerns", pd.concat([concerns, pd.DataFrame([added])], ignore_index=True))

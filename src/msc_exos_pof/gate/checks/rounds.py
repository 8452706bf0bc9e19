"""Checks: consistency layer, search rounds: the PRISMA 2020 flow of every round of a living review.

Round 1 is the published review; a living copy adds a round per update search. Each round has
its date (``search_rounds``), its databases (``search_strategies``), its PRISMA counts
(``prisma_flow``, nodes as in the PRISMA 2020 template for updated reviews) and its studies.

All equations of all rounds are evaluated together, then judged as one system: when the broken
equations share exactly one count that no intact equation uses, and one value of it mends them
all, that count was mistyped and gets ONE finding naming its round and node (a mistyped
``new_studies`` breaks three equations but is one mistake). Otherwise each broken equation is
reported under its own check. With a single round the ``prisma.*`` checks judge the published
flow as before and the arithmetic checks here stay silent.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...io.included import REMOVAL_FIELDS
from ..registry import Check, register
from .consistency_differences import usable
from .consistency_prisma import UPDATE_NODES, flow_equations, flow_nodes

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ...io.context import PackageContext
    from ..report import Finding

LAYER = "consistency"

#: A count in the system: ("node", round, name) for a prisma_flow count; ("rows", round),
#: ("databases", round), ("removed", round) for counts of rows, which are data, not typos.
Key = tuple


@dataclass(frozen=True)
class Equation:
    """``lhs == sum(sign * term)``, owned by ``check`` and reported in ``round``."""

    check: Check
    round: int
    lhs: Key
    terms: tuple[tuple[int, Key], ...]

    def keys(self) -> set[Key]:
        return {self.lhs, *(key for _, key in self.terms)}


def round_column(frame: pd.DataFrame | None) -> pd.Series | None:
    """The ``round`` of each row (missing counts as round 1, which ``schema.required`` reports)."""
    if frame is None or "round" not in frame.columns:
        return None
    return frame["round"].fillna(1).astype("int64")


def declared_rounds(ctx: PackageContext) -> list[int]:
    """Every round named by ``search_rounds`` or by a row of the per-round tables, sorted."""
    found: set[int] = set()
    for name in ("search_rounds", "prisma_flow", "search_strategies", "studies"):
        column = round_column(ctx.frame(name))
        if column is not None:
            found.update(int(value) for value in column.unique())
    return sorted(found)


def several_rounds(ctx: PackageContext) -> bool:
    """Whether the package is a living copy with a search round after the published review."""
    return ctx.memo(_has_later_round)


def _has_later_round(ctx: PackageContext) -> bool:
    return any(r > 1 for r in declared_rounds(ctx))


def _describe(key: Key, values: dict[Key, int], here: int) -> str:
    """A count in a message; a node of another round than ``here`` names its round."""
    kind = key[0]
    value = values[key]
    if kind == "node":
        return f"{key[2]} ({value})" if key[1] == here else f"round {key[1]} {key[2]} ({value})"
    if kind == "rows":
        return f"studies rows of round {key[1]} ({value})"
    if kind == "databases":
        return f"search_strategies records of round {key[1]} ({value})"
    return f"studies removed in round {key[1]} ({value})"


@dataclass
class RoundsJudgement:
    """What the rounds checks report: (check, finding) pairs in order."""

    findings: list[tuple[Check, Finding]]


def judgement(ctx: PackageContext) -> RoundsJudgement:
    """The per-round system, built and judged once per context."""
    return ctx.memo(_judge)


def _flow(ctx: PackageContext) -> tuple[dict[Key, int], dict[Key, int]] | None:
    flow = ctx.frame("prisma_flow")
    if not usable(flow, "node", "count", "round"):
        return None
    rounds = round_column(flow)
    frame = flow.assign(_round=rounds, node=flow["node"].astype("string"))
    frame = frame.dropna(subset=["node", "count"]).drop_duplicates(["_round", "node"])
    keys = [("node", int(r), str(n)) for r, n in zip(frame["_round"], frame["node"], strict=True)]
    values = dict(zip(keys, (int(c) for c in frame["count"]), strict=True))
    rows = dict(zip(keys, (int(i) + 1 for i in frame.index), strict=True))
    return values, rows


def _per_round(frame: pd.DataFrame | None, column: str | None = None) -> dict[int, int] | None:
    """Rows (or the sum of ``column``) per round."""
    rounds = round_column(frame)
    if rounds is None or frame is None:
        return None
    if column is None:
        return {int(r): int(n) for r, n in rounds.value_counts().items()}
    if column not in frame.columns:
        return None
    sums = frame[column].fillna(0).astype("int64").groupby(rounds.to_numpy()).sum()
    return {int(r): int(n) for r, n in sums.items()}


def _removed_per_round(studies: pd.DataFrame | None) -> dict[int, int] | None:
    """Studies rows per ``removed_round`` (the round that removed them); ``{}`` for a package
    whose studies have no ``removed_round`` (nothing can have been removed)."""
    if studies is None:
        return None
    if "removed_round" not in studies.columns:
        return {}
    counts = studies["removed_round"].dropna().astype("int64").value_counts()
    return {int(r): int(n) for r, n in counts.items()}


def equations(rounds: list[int], values: dict[Key, int]) -> list[Equation]:
    """Every equation of every round, in report order (arithmetic first)."""
    node = lambda r, name: ("node", r, name)  # noqa: E731
    out: list[Equation] = []
    for r in rounds:
        counted = {key[2] for key in values if key[0] == "node" and key[1] == r}
        out += [
            Equation(
                rounds_prisma_arithmetic,
                r,
                node(r, lhs),
                tuple((sign, node(r, name)) for sign, name in terms),
            )
            for lhs, terms in flow_equations(counted)
        ]
    for previous, r in zip(rounds, rounds[1:], strict=False):
        total_before = node(previous, "total_studies") if previous > 1 else None
        out.append(
            Equation(
                rounds_previous_plus_new,
                r,
                node(r, "total_studies"),
                (
                    (1, node(r, "previous_studies")),
                    (1, node(r, "new_studies")),
                    (-1, ("removed", r)),
                ),
            )
        )
        if total_before is None:  # the published review: its included studies are its total
            terms: tuple[tuple[int, Key], ...] = (
                (1, node(previous, "new_studies")),
                (-1, ("removed", previous)),
            )
        else:
            terms = ((1, total_before),)
        out.append(Equation(rounds_previous_plus_new, r, node(r, "previous_studies"), terms))
        # The reports of the template for updated reviews, when counted; a round that removed
        # studies removed reports the data does not count, so its total is not an equation.
        if values.get(("removed", r), 0) == 0:
            out.append(
                Equation(
                    rounds_previous_plus_new,
                    r,
                    node(r, "total_reports"),
                    ((1, node(r, "previous_reports")), (1, node(r, "new_reports"))),
                )
            )
        before = node(previous, "total_reports" if previous > 1 else "new_reports")
        out.append(
            Equation(rounds_previous_plus_new, r, node(r, "previous_reports"), ((1, before),))
        )
    for r in rounds:
        out.append(Equation(rounds_included_rows, r, node(r, "new_studies"), ((1, ("rows", r)),)))
    for r in rounds:
        out.append(
            Equation(rounds_databases_sum, r, node(r, "database_results"), ((1, ("databases", r)),))
        )
    return [e for e in out if all(key in values for key in e.keys())]


def _judge(ctx: PackageContext) -> RoundsJudgement:
    findings: list[tuple[Check, Finding]] = []
    if not several_rounds(ctx):
        return RoundsJudgement(findings)
    flow = _flow(ctx)
    if flow is None:
        return RoundsJudgement(findings)
    values, rows = flow
    rounds = declared_rounds(ctx)
    # A table that cannot be read (or has no round column) leaves its equations out: the table
    # and schema layers report it, and its counts would only repeat that as arithmetic.
    studies = _per_round(ctx.frame("studies"))
    databases = _per_round(ctx.frame("search_strategies"), "records")
    removed = _removed_per_round(ctx.frame("studies"))
    for r in rounds:
        if studies is not None:
            values[("rows", r)] = studies.get(r, 0)
        if removed is not None:
            values[("removed", r)] = removed.get(r, 0)
        if databases is not None and r in databases:
            values[("databases", r)] = databases[r]
    system = equations(rounds, values)
    broken = [e for e in system if _left(e, values) != _right(e, values)]
    intact_keys = {key for e in system if e not in broken for key in e.keys()}
    for component in _components(broken):
        diagnosis = _diagnose(component, intact_keys, values)
        if diagnosis is not None:
            findings.append(_mistyped(component[0].check, diagnosis, component, values, rows))
        else:
            findings += [(e.check, _broken(e, values, rows)) for e in component]
    return RoundsJudgement(findings)


def _left(e: Equation, values: dict[Key, int]) -> int:
    return values[e.lhs]


def _right(e: Equation, values: dict[Key, int]) -> int:
    return sum(sign * values[key] for sign, key in e.terms)


def _components(broken: list[Equation]) -> list[list[Equation]]:
    """Broken equations grouped by shared counts (one group per independent mistake)."""
    groups: list[list[Equation]] = []
    for equation in broken:
        joined = [g for g in groups if any(equation.keys() & e.keys() for e in g)]
        merged = [equation] + [e for g in joined for e in g]
        groups = [g for g in groups if g not in joined] + [merged]
    order = {id(e): i for i, e in enumerate(broken)}
    return sorted(
        (sorted(g, key=lambda e: order[id(e)]) for g in groups), key=lambda g: order[id(g[0])]
    )


def _diagnose(
    component: list[Equation], intact: set[Key], values: dict[Key, int]
) -> tuple[Key, int] | None:
    """The one prisma_flow count that, given one value, mends every equation of ``component``
    without breaking an intact one: (its key, the value the equations give)."""
    shared = set.intersection(*(e.keys() for e in component)) - intact
    found = []
    for key in sorted(k for k in shared if k[0] == "node"):
        wanted = {_solve(e, key, values) for e in component}
        if len(wanted) == 1 and None not in wanted:
            found.append((key, wanted.pop()))
    return found[0] if len(found) == 1 else None


def _solve(e: Equation, key: Key, values: dict[Key, int]) -> int | None:
    if key == e.lhs:
        return _right(e, values)
    sign = next(s for s, k in e.terms if k == key)
    rest = sum(s * values[k] for s, k in e.terms if k != key)
    return (values[e.lhs] - rest) * sign  # sign is +1 or -1


def _formula(e: Equation, values: dict[Key, int]) -> str:
    # No removals is the usual case: leave "- studies removed (0)" out of the message.
    terms = [(s, k) for s, k in e.terms if not (k[0] == "removed" and values[k] == 0)]
    text = " ".join(
        ("+ " if sign > 0 else "- ") + _describe(key, values, e.round) for sign, key in terms
    )[2:]
    return f"{text} = {_right(e, values)}"


def _mistyped(
    check: Check,
    diagnosis: tuple[Key, int],
    component: list[Equation],
    values: dict[Key, int],
    rows: dict[Key, int],
) -> tuple[Check, Finding]:
    key, wanted = diagnosis
    reasons = []
    for e in component:
        if key == e.lhs:
            reasons.append(_formula(e, values))
        else:
            lhs = _describe(e.lhs, values, key[1])
            reasons.append(f"{lhs} needs {key[2]} = {_solve(e, key, values)}")
    return check, check.finding(
        f"prisma_flow round {key[1]}: {key[2]} is {values[key]} but the flow gives {wanted} "
        f"({'; '.join(reasons)}); expected them to agree: correct the count of {key[2]} in "
        f"round {key[1]}",
        resource="prisma_flow",
        row=rows.get(key),
        field="count",
    )


def _broken(e: Equation, values: dict[Key, int], rows: dict[Key, int]) -> Finding:
    left = values[e.lhs]
    right = _right(e, values)
    node = e.lhs[2]
    if e.check is rounds_included_rows:
        message = (
            f"prisma_flow round {e.round}: new_studies is {left} but {right} studies rows have "
            f"round {e.round}; expected one studies row per study the round included: add the "
            f"missing studies (with round {e.round}) or correct new_studies"
        )
    elif e.check is rounds_databases_sum:
        message = (
            f"prisma_flow round {e.round}: database_results is {left} but the records of the "
            f"round's search_strategies rows add up to {right}; expected them to be equal: "
            "correct the records of the database that was mistyped, or database_results"
        )
    else:
        message = (
            f"prisma_flow round {e.round}: {node} is {left} but {_formula(e, values)}; expected "
            "them to be equal: correct the count that was mistyped"
        )
    return e.check.finding(message, resource="prisma_flow", row=rows.get(e.lhs), field="count")


def _judged(check: Check, ctx: PackageContext) -> Iterator[Finding]:
    for owner, finding in judgement(ctx).findings:
        if owner is check:
            yield finding


@register(
    "rounds.prisma_arithmetic",
    "error",
    "in every search round the PRISMA flow adds up (identified, screened, sought, assessed, "
    "included; the template's optional boxes when counted)",
    LAYER,
)
def rounds_prisma_arithmetic(ctx: PackageContext) -> Iterator[Finding]:
    return _judged(rounds_prisma_arithmetic, ctx)


@register(
    "rounds.previous_plus_new",
    "error",
    "a later round's previous_studies equals the total of the round before, and its "
    "total_studies equals previous_studies + new_studies - the studies it removed (the same "
    "for the reports, when counted)",
    LAYER,
)
def rounds_previous_plus_new(ctx: PackageContext) -> Iterator[Finding]:
    return _judged(rounds_previous_plus_new, ctx)


@register(
    "rounds.included_rows",
    "error",
    "each round's new_studies equals the number of studies rows of that round",
    LAYER,
)
def rounds_included_rows(ctx: PackageContext) -> Iterator[Finding]:
    return _judged(rounds_included_rows, ctx)


@register(
    "rounds.databases_sum",
    "error",
    "each round has search_strategies rows, and their records add up to its database_results",
    LAYER,
)
def rounds_databases_sum(ctx: PackageContext) -> Iterator[Finding]:
    yield from _judged(rounds_databases_sum, ctx)
    if not several_rounds(ctx):
        return
    searches = ctx.frame("search_strategies")
    counted = _per_round(searches)
    if counted is None:
        return
    for r in declared_rounds(ctx):
        if r not in counted:
            yield rounds_databases_sum.finding(
                f"search_strategies has no rows for round {r}; expected one row per database "
                f"searched in round {r} (database, table_row, query, filter, records, round "
                f"{r}): add them",
                resource="search_strategies",
                field="round",
            )


@register(
    "rounds.nodes",
    "error",
    "every later search round has every PRISMA node, including previous_studies and "
    "total_studies of the template for updated reviews",
    LAYER,
)
def rounds_nodes(ctx: PackageContext) -> Iterator[Finding]:
    flow = ctx.frame("prisma_flow")
    if not usable(flow, "node", "round") or not several_rounds(ctx):
        return
    rounds = round_column(flow)
    present = set(zip(rounds, flow["node"].astype("string"), strict=True))
    for r in declared_rounds(ctx):
        if r == 1:
            continue  # the published review's flow: prisma.nodes
        missing = [n for n in (*flow_nodes(), *UPDATE_NODES) if (r, n) not in present]
        if missing:
            yield rounds_nodes.finding(
                f"prisma_flow has no row for round {r} node(s) {', '.join(missing)}; expected "
                f"the PRISMA 2020 flow of every round: add a row per node (round {r}) with its "
                "count",
                resource="prisma_flow",
                field="node",
            )


@register(
    "rounds.dates_increase",
    "error",
    "search rounds are numbered 1, 2, 3... and each searched later than the round before",
    LAYER,
)
def rounds_dates_increase(ctx: PackageContext) -> Iterator[Finding]:
    table = ctx.frame("search_rounds")
    if not usable(table, "round", "searched"):
        return
    table = table.dropna(subset=["round", "searched"]).sort_values("round", kind="stable")
    previous: tuple[int, str] | None = None
    for index, number, searched in zip(
        table.index, table["round"].astype(int), table["searched"].astype(str), strict=True
    ):
        expected = 1 if previous is None else previous[0] + 1
        if number != expected:
            yield rounds_dates_increase.finding(
                f"search_rounds: round {number} follows round "
                f"{previous[0] if previous else '(none)'}; expected round {expected}: number "
                "the rounds 1, 2, 3... without gaps",
                resource="search_rounds",
                row=int(index) + 1,
                field="round",
            )
        elif previous is not None and _date(searched) <= _date(previous[1]):
            yield rounds_dates_increase.finding(
                f"search_rounds: round {number} was searched {searched}, not after round "
                f"{previous[0]} ({previous[1]}); expected each update search to be later: "
                "correct the date",
                resource="search_rounds",
                row=int(index) + 1,
                field="searched",
            )
        previous = (number, searched)


def _date(text: str) -> tuple[int, ...]:
    """'2026-05' -> (2026, 5, 0): a month sorts before any day of it."""
    parts = [int(p) for p in text.split("-") if p.isdigit()]
    return tuple(parts + [0] * (3 - len(parts)))


@register(
    "rounds.removals",
    "error",
    "a removed study names the later round that removed it, the reason and a note "
    "(removed_round, removal_reason and removal_note together)",
    LAYER,
)
def rounds_removals(ctx: PackageContext) -> Iterator[Finding]:
    import pandas as pd

    studies = ctx.frame("studies")
    if not usable(studies, "study_id", "round", *REMOVAL_FIELDS):
        return
    filled = studies[list(REMOVAL_FIELDS)].notna()
    touched = filled.any(axis=1).to_numpy()
    if not touched.any():
        return  # the usual case: nothing removed
    for index, row in studies[touched].iterrows():
        study = row["study_id"]
        missing = [name for name in REMOVAL_FIELDS if not filled.loc[index, name]]
        given = ", ".join(name for name in REMOVAL_FIELDS if name not in missing)
        if missing:
            yield rounds_removals.finding(
                f"studies: study '{study}' has {given} "
                f"but no {' or '.join(missing)}; expected a removal to give the round that "
                "removed the study, the reason and a note together: fill them (`msc-exos-pof "
                "round remove` does), or empty all three if the study is still included",
                resource="studies",
                row=int(index) + 1,
                field=missing[0],
            )
            continue
        included = 1 if pd.isna(row["round"]) else int(row["round"])
        if int(row["removed_round"]) <= included:
            yield rounds_removals.finding(
                f"studies: study '{study}' is removed in round {int(row['removed_round'])} but "
                f"was included in round {included}; expected a later round: correct "
                "removed_round",
                resource="studies",
                row=int(index) + 1,
                field="removed_round",
            )

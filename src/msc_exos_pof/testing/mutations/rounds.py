"""Search rounds: each mutation opens a consistent round N+1 (``open_round``), then breaks it."""

from __future__ import annotations

import random
from pathlib import Path

from ...io.included import REMOVAL_FIELDS
from .catalogue import mutation
from .counts import ROUND_CHECKS, set_node
from .edit import (
    bump,
    pick,
    read,
    write,
)
from .updates import add_study, open_round


@mutation("round_count", picks=set(ROUND_CHECKS.values()))
def round_count(folder: Path, rnd: random.Random) -> tuple[str, ...]:
    """Mistype one PRISMA count of an update round (one finding names the round and node)."""
    number = open_round(folder, studies=rnd.randint(0, 2))
    flow = read(folder, "prisma_flow")
    row = pick(rnd, flow, flow["round"] == str(number))
    flow.loc[row, "count"] = bump(flow.loc[row, "count"], rnd)
    write(folder, "prisma_flow", flow)
    return (ROUND_CHECKS[flow.loc[row, "node"]],)


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
    row = studies["round"] == str(number)
    studies.loc[row, list(REMOVAL_FIELDS)] = [
        str(number),
        "retracted",
        "Retracted.",
    ]
    write(folder, "studies", studies, update_hash=False)
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

"""What every mutation uses to edit a package folder: read and write one resource as text
(refreshing bytes and hashes), edit the descriptor, pick a row, add an errata row."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pandas as pd

from ...release.hashes import rehash
from ..tables import read_table as read
from ..tables import write_csv
from .catalogue import Inapplicable

__all__ = [
    "add_erratum",
    "bump",
    "descriptor",
    "pick",
    "published",
    "read",
    "save_descriptor",
    "several_rounds",
    "unexplained_studies",
    "write",
]


def write(folder: Path, name: str, frame: pd.DataFrame, update_hash: bool = True) -> None:
    """Save ``frame`` as resource ``name``; refresh bytes and hashes (default) so that only the
    intended check fires."""
    write_csv(frame, folder / "data" / f"{name}.csv")
    if update_hash:
        rehash(folder)


def descriptor(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def save_descriptor(folder: Path, data: dict[str, Any]) -> None:
    (folder / "datapackage.json").write_text(json.dumps(data, indent=2), encoding="utf-8")


def add_erratum(folder: Path, row: dict[str, str], update_hash: bool = True) -> None:
    """Append ``row`` (``rows.erratum(...)``) to the package's errata."""
    errata = read(folder, "errata")
    errata = pd.concat([errata, pd.DataFrame([row])], ignore_index=True)
    write(folder, "errata", errata, update_hash)


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


def bump(value: str, rnd: random.Random, low: int = 0) -> str:
    """``value`` moved by a small random step, never below ``low``."""
    number = int(value)
    deltas = [d for d in (-3, -2, -1, 1, 2, 5) if number + d >= low]
    return str(number + rnd.choice(deltas))

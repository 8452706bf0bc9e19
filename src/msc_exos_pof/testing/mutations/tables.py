"""Table structure and bytes: columns, encoding, quoting, empty and missing files, sizes and
hashes."""

from __future__ import annotations

import random
from pathlib import Path

from ...release.hashes import rehash
from ..tables import CORE_RESOURCES
from .catalogue import mutation
from .edit import (
    descriptor,
    pick,
    read,
    save_descriptor,
    write,
)


def _csv(folder: Path, rnd: random.Random, non_empty: bool = True) -> Path:
    names = [n for n in CORE_RESOURCES if not non_empty or len(read(folder, n))]
    return folder / "data" / f"{rnd.choice(names)}.csv"


@mutation(
    "column_removed", catches=("table.header",), also=("schema.foreign_key", "schema.primary_key")
)
def column_removed(folder: Path, rnd: random.Random) -> None:
    """Remove one column from a CSV (the Table Schema still declares it)."""
    name = rnd.choice(CORE_RESOURCES)
    frame = read(folder, name)
    write(folder, name, frame.drop(columns=rnd.choice(list(frame.columns))))


@mutation(
    "column_renamed", catches=("table.header",), also=("schema.foreign_key", "schema.primary_key")
)
def column_renamed(folder: Path, rnd: random.Random) -> None:
    """Rename one column of a CSV."""
    name = rnd.choice(CORE_RESOURCES)
    frame = read(folder, name)
    column = rnd.choice(list(frame.columns))
    write(folder, name, frame.rename(columns={column: column + "_renamed"}))


@mutation("column_added", catches=("table.header",))
def column_added(folder: Path, rnd: random.Random) -> None:
    """Add a column the Table Schema does not declare."""
    name = rnd.choice(CORE_RESOURCES)
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


@mutation("dialect_declared", catches=("table.dialect",))
def dialect_declared(folder: Path, rnd: random.Random) -> None:
    """Declare a CSV dialect other than the default one (a ';' delimiter, single quotes, no
    header row) on one resource, whose file is left as it is."""
    data = descriptor(folder)
    resource = rnd.choice(data["resources"])
    resource["dialect"] = rnd.choice(
        [{"delimiter": ";"}, {"quoteChar": "'"}, {"header": False}, {"commentChar": "#"}]
    )
    save_descriptor(folder, data)

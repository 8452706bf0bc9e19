"""Vocabularies: codes in use that ``vocabularies`` no longer defines."""

from __future__ import annotations

import random
from pathlib import Path

from .catalogue import mutation
from .edit import (
    pick,
    read,
    write,
)


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

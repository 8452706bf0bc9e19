"""Keys, vocabularies, types and constraints of the Table Schema."""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd

from ...io.tableschema import constraints, field_list, schema_of, with_constraints, with_fields
from ...release.hashes import rehash
from .catalogue import mutation
from .edit import (
    descriptor,
    pick,
    read,
    save_descriptor,
    unexplained_studies,
    write,
)


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
            schema = schema_of(resource)
            fields = [
                with_constraints(item, {**constraints(item), "maxLength": 5})
                if item["name"] == "query"
                else item
                for item in field_list(schema)
            ]
            resource["schema"] = with_fields(schema, fields)
    save_descriptor(folder, data)
    rehash(folder)

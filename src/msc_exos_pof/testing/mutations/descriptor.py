"""The descriptor: unsafe paths, broken JSON or encoding, bad metadata, dropped core fields."""

from __future__ import annotations

import random
from pathlib import Path

from ...io.tableschema import (
    constraints,
    field_list,
    schema_of,
    with_constraints,
    with_fields,
    written_fields,
)
from .catalogue import mutation
from .edit import (
    descriptor,
    read,
    save_descriptor,
    write,
)


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


@mutation("model_version_other", catches=("descriptor.model_version",))
def model_version_other(folder: Path, rnd: random.Random) -> None:
    """Make the copy claim another data model: an earlier released one (or none, as copies made
    before ``modelVersion`` existed), a newer one, or one that was never released."""
    data = descriptor(folder)
    choice = rnd.randint(0, 3)
    if choice == 0:
        data.pop("modelVersion", None)
    else:
        data["modelVersion"] = ["0.1.0", "99.0.0", "0.5.0"][choice - 1]
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
            schema = schema_of(resource)
            kept = [f for f in field_list(schema) if f["name"] != column]
            resource["schema"] = with_fields(schema, kept)
    save_descriptor(folder, data)
    write(folder, name, read(folder, name).drop(columns=column))


#: Constraints whose value cannot be used, each (key, value): a length that is text or out of
#: range, a flag that is not a boolean, an enum written as one string, a pattern that is a number.
_MALFORMED = (
    ("maxLength", "long"),
    ("maxLength", 10**30),
    ("minLength", -1),
    ("unique", "yes"),
    ("enum", "in_vivo"),
    ("pattern", 5),
)


@mutation("field_rules", catches=("descriptor.field_rules",), also=("descriptor.metadata",))
def field_rules(folder: Path, rnd: random.Random) -> None:
    """Give one field a constraint whose value cannot be used (``maxLength: 1e30``, an enum
    written as a string...), on a field that has no such constraint yet."""
    data = descriptor(folder)
    key, value = rnd.choice(_MALFORMED)
    free = [
        (resource, position)
        for resource in data["resources"]
        for position, field in enumerate(written_fields(schema_of(resource)))
        if key not in constraints(field)
    ]
    resource, position = rnd.choice(free)
    schema = schema_of(resource)
    fields = list(written_fields(schema))
    fields[position] = with_constraints(
        fields[position], {**constraints(fields[position]), key: value}
    )
    resource["schema"] = with_fields(schema, fields)
    save_descriptor(folder, data)


@mutation("duplicate_key", catches=("descriptor.duplicate_key",))
def duplicate_key(folder: Path, rnd: random.Random) -> None:
    """Write a key of the descriptor twice in one object (the second with the same value)."""
    file = folder / "datapackage.json"
    text = file.read_text(encoding="utf-8")
    key = rnd.choice(['"title": ', '"name": ', '"description": '])
    at = text.index(key)
    end = text.index("\n", at)
    line = text[at:end].rstrip(",")
    file.write_text(text[:at] + line + ", " + text[at:], encoding="utf-8")

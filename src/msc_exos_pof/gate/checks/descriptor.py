"""Checks: the descriptor layer (valid metadata, core contract kept) and the integrity layer."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...io import descriptor as descriptor_io
from ...io.descriptor import pointer_token
from ...io.hashing import ALGORITHMS, file_digest
from ...io.tableschema import (
    constraints,
    field_list,
    field_problems,
    foreign_key_entries,
    reference_of,
    schema_of,
    written_fields,
    written_primary_key,
)
from ..registry import declare, register

if TYPE_CHECKING:  # pragma: no cover
    from ...io.context import PackageContext
    from ..report import Finding

# Raised as ``PackageError`` by the loader; the gate turns them into one finding and exit code 2.
declare(
    descriptor_io.MISSING,
    "error",
    "there is no datapackage.json at the given path (or it cannot be opened)",
    "descriptor",
)
declare(
    descriptor_io.NOT_JSON,
    "error",
    "the descriptor is not JSON, or not an object with a 'resources' list of named resources",
    "descriptor",
)
declare(descriptor_io.NOT_UTF8, "error", "the descriptor is not UTF-8", "descriptor")
declare(
    descriptor_io.UNSAFE_PATH,
    "error",
    "a resource path is a URL, absolute, or escapes the package folder (never opened)",
    "descriptor",
)

# The gate's one boundary (``gate/runner.py``) turns an exception from reading the package, from
# any check or from the summary into this finding: the gate fails closed, with a report.
internal = declare(
    "gate.internal",
    "error",
    "reading the package, a check or the summary stopped on an input it did not expect: "
    "reported (whatever the selection) instead of crashing, never silently passed",
    "descriptor",
)

_REMOTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_STANDARD_PROFILES = {
    "data-package",
    "tabular-data-package",
    "data-resource",
    "tabular-data-resource",
}


def _strip_remote(descriptor: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A copy without anything frictionless would fetch (custom profile URLs, external schemas).

    Validation must never touch the network, so such references are dropped and reported. Only
    the objects that change are copied (the package, its resources and their schema or dialect
    objects): a deep copy of a large descriptor would cost more than reading it.
    """
    data = dict(descriptor)
    if isinstance(data.get("resources"), list):
        data["resources"] = [dict(r) if isinstance(r, dict) else r for r in data["resources"]]
    dropped = []
    for owner, label in [(data, "package")] + [
        (r, f"resource '{r.get('name')}'") for r in data.get("resources", []) if isinstance(r, dict)
    ]:
        profile = owner.get("profile")
        if isinstance(profile, str) and profile not in _STANDARD_PROFILES:
            owner.pop("profile")
            if owner is not data and data.get("profile") == "tabular-data-package":
                # a custom profile of a tabular package is taken to extend the tabular one
                owner["profile"] = "tabular-data-resource"
            dropped.append(
                f"{label} declares the custom profile {profile!r}, which is not "
                "fetched; only the standard profiles are checked"
            )
        for key in ("schema", "dialect"):
            value = owner.get(key)
            if owner is not data and isinstance(value, str):
                owner.pop(key)
                dropped.append(
                    f"{label} points its {key} at {value!r}; external {key}s are "
                    f"never opened: inline the {key} in datapackage.json"
                )
            elif (
                isinstance(value, dict)
                and isinstance(value.get("profile"), str)
                and _REMOTE.match(value["profile"])
            ):
                owner[key] = {k: v for k, v in value.items() if k != "profile"}
    return data, dropped


def _metadata_notes(text: str) -> tuple[str, ...]:
    """Frictionless' metadata errors for a descriptor, remembered by the digest of the text
    (validating it twice is wasted time; holding the texts themselves would cost memory).

    Transform and validate only, as ``Package.validate_descriptor`` does before it builds the
    package objects, which the gate does not need.
    """
    digest = _digest_of(text)
    if digest not in _JUDGED:
        if len(_JUDGED) >= 16:
            _JUDGED.pop(next(iter(_JUDGED)))
        _JUDGED[digest] = _frictionless_notes(text)
    return _JUDGED[digest]


#: Frictionless' notes by the sha256 of the text judged (a few, oldest dropped first).
_JUDGED: dict[str, tuple[str, ...]] = {}


def _digest_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _frictionless_notes(text: str) -> tuple[str, ...]:
    import json

    from frictionless import FrictionlessException, Package
    from frictionless.metadata import ValidationContext

    descriptor = json.loads(text)  # frictionless transforms what it is given: its own copy
    try:
        Package.metadata_transform(descriptor)
        errors = list(Package.metadata_validate(descriptor, context=ValidationContext()))
    except FrictionlessException as error:  # e.g. an unknown field type is raised, not yielded
        errors = [error.error]
    except Exception as error:  # frictionless trips over a value of the wrong JSON type
        return (
            f"frictionless cannot read it ({type(error).__name__}: {error}); a property has a "
            "value of the wrong type (the descriptor.model findings name it)",
        )
    # frictionless repeats a package-level note once per resource it concerns: one is enough
    return tuple(dict.fromkeys(str(getattr(e, "message", e)) for e in errors))


#: What frictionless and the metadata model say about the shipped descriptor, shipped with the
#: library: importing frictionless (or pydantic) costs more than the rest of the gate, and a
#: package whose metadata is the shipped one's (a CI run on the shipped package, a maintainer's
#: copy with edited rows or of another release) needs no second opinion. Keyed by
#: ``metadata_key``; ``write_shipped_verdict`` (``make docs``) renews it and
#: ``tests/test_gate_inputs.py`` fails when it is stale.
SHIPPED_VERDICT = Path(__file__).with_name("shipped_metadata_verdict.json")

_RELEASE = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(\.dev(0|[1-9][0-9]*))?")
_SHA256 = re.compile(r"sha256:[0-9a-f]{64}")
#: The values that change with every edit of a table (a resource's ``bytes`` and ``hash``) or
#: every release (``version``), each with a class of values that both judges treat alike:
#: frictionless asks that bytes be an integer (keeping a positive one), that a hash be text it
#: splits into algorithm and digest, and that a version be text; the model, that bytes be at
#: least 0, a hash hexadecimal after an optional algorithm, a version SemVer or ``X.Y.Z.devN``.
#: Within these classes the value changes no verdict, so the key leaves it out.
_VOLATILE: dict[str, Any] = {
    "bytes": lambda value: type(value) is int and value > 0,
    "hash": lambda value: isinstance(value, str) and _SHA256.fullmatch(value) is not None,
    "version": lambda value: isinstance(value, str) and _RELEASE.fullmatch(value) is not None,
}


def _without_volatile(owner: dict[str, Any], keys: tuple[str, ...], at: str) -> tuple[dict, list]:
    kept = dict(owner)
    left_out = []
    for key in keys:
        if key in kept and _VOLATILE[key](kept[key]):
            del kept[key]
            left_out.append(f"{at}/{key}")
    return kept, left_out


def metadata_key(descriptor: dict[str, Any]) -> str:
    """The sha256 under which the metadata verdict on ``descriptor`` is known: its text with the
    volatile values that lie in their class left out, and the list of where they were (a value
    outside its class stays in the text, and a missing one is not in the list, so neither can
    take the key of a descriptor that had a good one)."""
    import json

    top, left_out = _without_volatile(descriptor, ("version",), "")
    resources = []
    for index, resource in enumerate(descriptor.get("resources", [])):
        if isinstance(resource, dict):
            resource, found = _without_volatile(resource, ("bytes", "hash"), f"/resources/{index}")
            left_out += found
        resources.append(resource)
    text = json.dumps([{**top, "resources": resources}, left_out], sort_keys=True)
    return _digest_of(text)


def _clean_as_shipped(descriptor: dict[str, Any], judge: str) -> bool:
    """Whether ``judge`` ("notes": frictionless, "model": the metadata model) found nothing in
    the shipped descriptor and ``descriptor`` is the same metadata (``metadata_key``). Only a
    clean verdict is reused: a message may quote a value the key leaves out."""
    import json

    try:
        verdict = json.loads(SHIPPED_VERDICT.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # pragma: no cover - shipped with the library
        return False
    return verdict.get(judge) == [] and verdict.get("key") == metadata_key(descriptor)


def write_shipped_verdict() -> Path:
    """Ask frictionless and the model about the shipped descriptor and store what they say
    (``make docs``)."""
    import json
    from importlib.metadata import version

    from ...io.atomic import write_json_atomic
    from ...io.descriptor import read_descriptor

    shipped = read_descriptor(None)
    write_json_atomic(
        SHIPPED_VERDICT,
        {
            "key": metadata_key(_strip_remote(shipped)[0]),
            "frictionless": version("frictionless"),
            "notes": list(_metadata_notes(json.dumps(_strip_remote(shipped)[0], sort_keys=True))),
            "model": [finding.message for finding in _model_findings(shipped)],
        },
    )
    return SHIPPED_VERDICT


def metadata_notes(descriptor: dict[str, Any]) -> tuple[str, ...]:
    """Frictionless' metadata errors of ``descriptor`` (none, without asking it, when it is the
    shipped descriptor's metadata: see ``SHIPPED_VERDICT``)."""
    import json

    if _clean_as_shipped(descriptor, "notes"):
        return ()
    return _metadata_notes(json.dumps(descriptor, sort_keys=True))


@register(
    "descriptor.metadata",
    "error",
    "the descriptor is valid Data Package metadata (frictionless 5, metadata only)",
    "descriptor",
)
def check_metadata(ctx: PackageContext) -> Iterator[Finding]:
    data, dropped = _strip_remote(ctx.descriptor)
    for note in dropped:
        yield check_metadata.finding(note, severity="warning")
    # A field property that cannot be used is descriptor.field_rules' finding, at its pointer:
    # frictionless' note about the same property (which names no field) would repeat it.
    located = {"/".join(problem.path) for _, _, problem in _field_problems(ctx)}
    for message in metadata_notes(data):
        about = re.search(r"at property '([^']*)'$", message)
        if about is not None and about.group(1) in located:
            continue
        yield check_metadata.finding(
            f"the descriptor is not valid Data Package metadata: {message}; "
            "fix datapackage.json (see https://datapackage.org/standard/data-package/)"
        )


def _field_problems(ctx: PackageContext) -> list[tuple[int, int, Any]]:
    """(resource index, field index, ``FieldProblem``) of every field property that cannot be
    used, in descriptor order."""
    found = []
    for index, resource in enumerate(ctx.descriptor["resources"]):
        for position, field in enumerate(_written_fields(resource)):
            if isinstance(field, dict) and isinstance(field.get("name"), str):
                found += [(index, position, problem) for problem in field_problems(field)]
    return found


def _written_fields(resource: Any) -> list[Any]:
    fields = written_fields(schema_of(resource))
    return fields if isinstance(fields, list) else []


@register(
    "descriptor.duplicate_key",
    "error",
    "no object of the descriptor writes a key twice (JSON readers disagree about which value "
    "counts: this one, like Python's, reads the last)",
    "descriptor",
)
def check_duplicate_key(ctx: PackageContext) -> Iterator[Finding]:
    for pointer, key in descriptor_io.duplicate_keys(ctx.descriptor_file):
        where = pointer or "the top level"
        found = check_duplicate_key.finding(
            f"datapackage.json writes the key {key!r} twice in the object at {where}; the last "
            "value is the one read here, but other JSON readers may take the first: keep one "
            "of them",
            field=key,
        )
        yield replace(found, pointer=f"{pointer}/{pointer_token(key)}")


@register(
    "descriptor.field_rules",
    "error",
    "each field's type, format and constraints can be used as written (a malformed one is "
    "reported at its JSON pointer and skipped for that field only: every other rule and "
    "field is still checked)",
    "descriptor",
)
def check_field_rules(ctx: PackageContext) -> Iterator[Finding]:
    for index, position, problem in _field_problems(ctx):
        resource = ctx.descriptor["resources"][index]
        field = _written_fields(resource)[position]["name"]
        found = check_field_rules.finding(
            f"resource '{resource['name']}' field '{field}': {problem.why}, so it is not "
            "checked for this field (every other rule is); correct it in datapackage.json",
            resource=resource["name"],
            field=field,
        )
        pointer = f"/resources/{index}/schema/fields/{position}/" + "/".join(
            pointer_token(part) for part in problem.path
        )
        yield replace(found, pointer=pointer)


@register(
    "descriptor.model",
    "error",
    "the package metadata fits the pydantic model (name, semver version, licenses, "
    "DOI source, resources)",
    "descriptor",
)
def check_model(ctx: PackageContext) -> Iterator[Finding]:
    if not _clean_as_shipped(ctx.descriptor, "model"):
        yield from _model_findings(ctx.descriptor)


def _model_findings(descriptor: dict[str, Any]) -> Iterator[Finding]:
    from pydantic import ValidationError

    from ...models import PackageMetadata

    try:
        PackageMetadata.model_validate(descriptor)
    except ValidationError as error:
        for problem in error.errors():
            where = ".".join(str(part) for part in problem["loc"]) or "(top level)"
            resource = None
            loc = problem["loc"]
            if len(loc) >= 2 and loc[0] == "resources" and isinstance(loc[1], int):
                item = descriptor["resources"][loc[1]]
                resource = item.get("name") if isinstance(item, dict) else None
            got = repr(problem.get("input"))
            got = got if len(got) <= 80 else got[:77] + "..."
            found = check_model.finding(
                f"descriptor property {where}: {problem['msg']} (got {got}); "
                "correct it in datapackage.json",
                resource=resource,
                field=str(loc[-1]) if loc else None,
            )
            yield replace(found, pointer="".join(f"/{pointer_token(part)}" for part in loc))


@register(
    descriptor_io.RESOURCES,
    "error",
    "every core resource, field, rule and key of the shipped schema is kept (a copy may "
    "add resources, fields, rules and enum values)",
    "descriptor",
)
def check_core_resources(ctx: PackageContext) -> Iterator[Finding]:
    from ...errors import PackageError
    from ...io.descriptor import read_descriptor
    from ...release.model import model_mismatch

    try:
        core = read_descriptor(None)
    except PackageError:  # pragma: no cover - the shipped package is always readable
        return
    if ctx.descriptor is core:
        return
    if model_mismatch(ctx.descriptor) is not None:
        return  # another model: descriptor.model_version gives the one root cause and the fix
    for resource in core["resources"]:
        name = resource["name"]
        if name not in ctx.files:
            yield check_core_resources.finding(
                f"core resource '{name}' is missing from the descriptor; a copy may add "
                "resources but must keep the nine core ones",
                resource=name,
            )
            continue
        schema = schema_of(resource)
        mine = ctx.schema(name)
        # One pass over the copy's fields (a copy may declare thousands), the first of a name
        # counting, as ``field_named`` would find it.
        mine_named = _first_by_name(field_list(mine))
        written_named = _first_by_name(_written_fields(ctx.files[name].descriptor))
        for field in field_list(schema):
            written = written_named.get(field["name"])
            # A property that cannot be used is descriptor.field_rules' one finding.
            broken = {problem.path[-1] for problem in field_problems(written)}
            yield from _changed_field(name, field, mine_named.get(field["name"]), broken)
        yield from _loosened_keys(name, schema, mine)


def _first_by_name(fields: list[Any]) -> dict[str, dict[str, Any]]:
    """Each field object by its text name, the first one when a malformed schema repeats a
    name (anything else is skipped)."""
    named: dict[str, dict[str, Any]] = {}
    for field in fields:
        if isinstance(field, dict) and isinstance(field.get("name"), str):
            named.setdefault(field["name"], field)
    return named


def _changed_field(
    resource: str, core: dict[str, Any], mine: dict[str, Any] | None, broken: set[str]
) -> Iterator[Finding]:
    """A copy keeps each core field, with its type and its rules (``broken``: properties that
    cannot be used as written, reported by descriptor.field_rules instead)."""
    if mine is None:
        yield check_core_resources.finding(
            f"core field '{core['name']}' of resource '{resource}' is missing from its "
            "Table Schema; a copy may add fields but must keep the core ones",
            resource=resource,
            field=core["name"],
        )
    elif "type" in broken or "constraints" in broken:
        return
    elif mine.get("type", "string") != core.get("type", "string"):
        yield check_core_resources.finding(
            f"core field '{core['name']}' of resource '{resource}' has type "
            f"{mine.get('type', 'string')!r}, expected {core.get('type', 'string')!r} "
            "as in the shipped schema",
            resource=resource,
            field=core["name"],
        )
    else:
        yield from _loosened_constraints(resource, core, mine, broken)


def _loosened_constraints(
    resource: str, core: dict[str, Any], mine: dict[str, Any], broken: set[str]
) -> Iterator[Finding]:
    """A copy may extend a core field's vocabulary (``enum``) but not drop or change its rules."""
    theirs = constraints(mine)
    for key, value in constraints(core).items():
        if key in broken:
            continue
        if key == "enum":
            # Compared as written: a copy's codes must include every core code.
            extra = [v for v in value if v not in (theirs.get(key) or value)]
            if key in theirs and not extra:
                continue
            problem = "drops the enum" if key not in theirs else f"drops {extra} from its enum"
        elif theirs.get(key) == value:
            continue
        else:
            problem = (
                f"drops its {key!r} constraint"
                if key not in theirs
                else f"changes {key!r} from {value!r} to {theirs[key]!r}"
            )
        yield check_core_resources.finding(
            f"core field '{core['name']}' of resource '{resource}' {problem}; a copy may add "
            "rules and enum values but must keep the shipped ones",
            resource=resource,
            field=core["name"],
        )


def _loosened_keys(resource: str, core: dict[str, Any], mine: dict[str, Any]) -> Iterator[Finding]:
    """A copy keeps the core primary key and every core foreign key."""
    if written_primary_key(mine) != written_primary_key(core):
        yield check_core_resources.finding(
            f"resource '{resource}' has primary key {written_primary_key(mine)!r}, expected "
            f"{written_primary_key(core)!r} as in the shipped schema",
            resource=resource,
        )
    theirs = foreign_key_entries(mine)
    for foreign in foreign_key_entries(core):
        if foreign not in theirs:
            fields, target, _ = reference_of(foreign) or (None, None, None)
            yield check_core_resources.finding(
                f"resource '{resource}' lacks the core foreign key {fields!r} -> "
                f"{target or resource}; keep it",
                resource=resource,
                field=str(fields),
            )


# --- integrity: declared bytes/hash against the files -------------------------------------------


def _rehash(ctx: PackageContext) -> str:
    """The exact command that refreshes this package's hashes, for the messages below."""
    from ...release.hashes import rehash_command

    return rehash_command(ctx.path if ctx.path is not None else ctx.descriptor_file)


def _digest(ctx: PackageContext, name: str, algorithm: str) -> tuple[int, str] | None:
    """Size and ``<algorithm>:<hex>`` of a resource file, computed once per context."""
    if algorithm == "sha256":
        ctx.arrow(name)  # reading the table hashes the bytes it reads: no second pass
        found = ctx.structures.get(name)
        if found is not None and found.digest is not None:
            return found.digest
    return ctx.memo(_file_digest, name, algorithm)


def _file_digest(ctx: PackageContext, name: str, algorithm: str) -> tuple[int, str] | None:
    try:
        return file_digest(ctx.files[name].file, algorithm)
    except (OSError, ValueError):
        return None  # missing file: reported by table.missing_file


def _shown(value: Any) -> str:
    """A declared value for a message, with its JSON type (``"7376"`` is text, not a number)."""
    import json

    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        text = repr(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    kinds = {bool: "boolean", int: "number", float: "number", str: "string", list: "array"}
    return f"{text} (a JSON {kinds.get(type(value), 'object')})"


def _declared_hash(value: str) -> tuple[str, str]:
    """(algorithm, hex) of a declared hash; Data Package v1 says a bare hash is md5."""
    if ":" in value:
        algorithm, _, hexdigest = value.partition(":")
        return algorithm.lower(), hexdigest.lower()
    return "md5", value.lower()


@register(
    "integrity.bytes",
    "error",
    "each resource's declared 'bytes' equals the size of its file",
    "integrity",
)
def check_bytes(ctx: PackageContext) -> Iterator[Finding]:
    for name, item in ctx.files.items():
        declared = item.descriptor.get("bytes")
        if declared is None:
            continue
        if not isinstance(declared, int) or isinstance(declared, bool) or declared < 0:
            yield check_bytes.finding(
                f"resource '{name}': 'bytes' is {_shown(declared)}, not a whole number of "
                f"bytes; write the size as a JSON integer (`{_rehash(ctx)}` writes it)",
                resource=name,
                field="bytes",
            )
            continue
        actual = _digest(ctx, name, "sha256")
        if actual is not None and actual[0] != declared:
            yield check_bytes.finding(
                f"resource '{name}': {item.descriptor.get('path')} has {actual[0]} bytes but the "
                f"descriptor declares {declared}; the file changed after it was hashed: "
                f"if the change is intended, refresh bytes and hash with `{_rehash(ctx)}`",
                resource=name,
                field="bytes",
            )


@register(
    "integrity.hash",
    "error",
    "each resource's declared 'hash' equals the hash of its file",
    "integrity",
)
def check_hash(ctx: PackageContext) -> Iterator[Finding]:
    for name, item in ctx.files.items():
        declared = item.descriptor.get("hash")
        if declared is None:
            continue
        if not isinstance(declared, str):
            yield check_hash.finding(
                f"resource '{name}': 'hash' is {_shown(declared)}, not a string; write it as "
                f'"sha256:<hex>" (`{_rehash(ctx)}` writes it)',
                resource=name,
                field="hash",
            )
            continue
        algorithm, expected = _declared_hash(declared)
        if ":" not in declared:
            # Data Package v1 reads a bare hash as md5; say so rather than guess silently.
            yield check_hash.finding(
                f"resource '{name}': hash {declared!r} names no algorithm, so it is read as md5 "
                f'(as Data Package v1 says); write it as "sha256:<hex>" (`{_rehash(ctx)}` '
                "writes it) so that no reader has to guess",
                resource=name,
                field="hash",
                severity="warning",
            )
        if algorithm not in ALGORITHMS:
            yield check_hash.finding(
                f"resource '{name}': hash {declared!r} uses the unknown algorithm "
                f"{algorithm!r}; use sha256:<hex>",
                resource=name,
                field="hash",
            )
            continue
        actual = _digest(ctx, name, algorithm)
        if actual is not None and actual[1].partition(":")[2] != expected:
            yield check_hash.finding(
                f"resource '{name}': {item.descriptor.get('path')} hashes to {actual[1]} but the "
                f"descriptor declares {declared}; the file changed after it was hashed: "
                f"if the change is intended, refresh bytes and hash with `{_rehash(ctx)}`",
                resource=name,
                field="hash",
            )


@register(
    "integrity.unhashed",
    "warning",
    "each resource declares 'bytes' and 'hash' so that tampering can be detected",
    "integrity",
)
def check_unhashed(ctx: PackageContext) -> Iterator[Finding]:
    for name, item in ctx.files.items():
        missing = [key for key in ("bytes", "hash") if item.descriptor.get(key) is None]
        if missing:
            yield check_unhashed.finding(
                f"resource '{name}' declares no {' or '.join(missing)}, so changes to its file "
                f"cannot be detected; record them with `{_rehash(ctx)}`",
                resource=name,
                field=missing[0],
            )

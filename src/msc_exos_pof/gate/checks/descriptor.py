"""Checks: the descriptor layer (valid metadata, core contract kept) and the integrity layer."""

from __future__ import annotations

import copy
import hashlib
import os
import re
import weakref
from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...io.hashing import ALGORITHMS, file_digest
from ..locations import pointer_token
from ..registry import Check, declare, get, register

if TYPE_CHECKING:  # pragma: no cover
    from ...io.context import PackageContext
    from ..report import Finding

# Raised as ``PackageError`` by the loader; the gate turns them into one finding and exit code 2.
declare(
    "descriptor.missing",
    "error",
    "there is no datapackage.json at the given path (or it cannot be opened)",
    "descriptor",
)
declare(
    "descriptor.json",
    "error",
    "the descriptor is not JSON, or not an object with a 'resources' list of named resources",
    "descriptor",
)
declare("descriptor.encoding", "error", "the descriptor is not UTF-8", "descriptor")
declare(
    "descriptor.unsafe_path",
    "error",
    "a resource path is a URL, absolute, or escapes the package folder (never opened)",
    "descriptor",
)

# The gate's one boundary (``gate/runner.py``) turns an exception from reading the package, from
# any check or from the summary into this finding: the gate fails closed, with a report.
declare(
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

    Validation must never touch the network, so such references are dropped and reported.
    """
    data = copy.deepcopy(descriptor)
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
                value.pop("profile")
    return data, dropped


@lru_cache(maxsize=16)
def _metadata_notes(text: str) -> tuple[str, ...]:
    """Frictionless' metadata errors for a descriptor (cached: validating it twice is wasted time).

    Transform and validate only, as ``Package.validate_descriptor`` does before it builds the
    package objects, which the gate does not need.
    """
    import json

    from frictionless import FrictionlessException, Package
    from frictionless.metadata import ValidationContext

    descriptor = json.loads(text)
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
    return tuple(str(getattr(e, "message", e)) for e in errors)


def _cache_file(text: str) -> Path | None:
    """Where the metadata verdict for this exact descriptor and frictionless version is kept.

    Frictionless costs more to import than the rest of the gate; its verdict depends only on
    the descriptor text and its own version, so it is remembered in the user's cache folder
    (never in the package). ``MSC_EXOS_POF_NO_CACHE=1`` turns this off.
    """
    if os.environ.get("MSC_EXOS_POF_NO_CACHE"):
        return None
    from importlib.metadata import PackageNotFoundError, version

    try:
        frictionless_version = version("frictionless")
    except PackageNotFoundError:  # pragma: no cover - a dependency
        return None
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "msc-exos-pof"
    key = hashlib.sha256(f"{frictionless_version}\x00{text}".encode()).hexdigest()[:40]
    return root / f"metadata-{key}.json"


def metadata_notes(descriptor: dict[str, Any]) -> tuple[str, ...]:
    """Frictionless' metadata errors of ``descriptor`` (remembered across runs, see above)."""
    import json

    text = json.dumps(descriptor, sort_keys=True)
    file = _cache_file(text)
    if file is not None:
        try:
            cached = json.loads(file.read_text(encoding="utf-8"))
            if isinstance(cached, list) and all(isinstance(n, str) for n in cached):
                return tuple(cached)
        except (OSError, ValueError):
            pass
    notes = _metadata_notes(text)
    if file is not None:
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            from ...io.atomic import write_json_atomic

            write_json_atomic(file, list(notes))
        except OSError:
            pass  # a read-only home only costs time
    return notes


@register(
    "descriptor.metadata",
    "error",
    "the descriptor is valid Data Package metadata (frictionless 5, metadata only)",
    "descriptor",
)
def check_metadata(ctx: PackageContext) -> Iterator[Finding]:
    check = get("descriptor.metadata")
    data, dropped = _strip_remote(ctx.descriptor)
    for note in dropped:
        yield check.finding(note, severity="warning")
    for message in metadata_notes(data):
        yield check.finding(
            f"the descriptor is not valid Data Package metadata: {message}; "
            "fix datapackage.json (see https://datapackage.org/standard/data-package/)"
        )


@register(
    "descriptor.model",
    "error",
    "the package metadata fits the pydantic model (name, semver version, licenses, "
    "DOI source, resources)",
    "descriptor",
)
def check_model(ctx: PackageContext) -> Iterator[Finding]:
    from pydantic import ValidationError

    from ...models import PackageMetadata

    check = get("descriptor.model")
    try:
        PackageMetadata.model_validate(ctx.descriptor)
    except ValidationError as error:
        for problem in error.errors():
            where = ".".join(str(part) for part in problem["loc"]) or "(top level)"
            resource = None
            loc = problem["loc"]
            if len(loc) >= 2 and loc[0] == "resources" and isinstance(loc[1], int):
                item = ctx.descriptor["resources"][loc[1]]
                resource = item.get("name") if isinstance(item, dict) else None
            got = repr(problem.get("input"))
            got = got if len(got) <= 80 else got[:77] + "..."
            found = check.finding(
                f"descriptor property {where}: {problem['msg']} (got {got}); "
                "correct it in datapackage.json",
                resource=resource,
                field=str(loc[-1]) if loc else None,
            )
            yield replace(found, pointer="".join(f"/{pointer_token(part)}" for part in loc))


@register(
    "descriptor.resources",
    "error",
    "every core resource, field, rule and key of the shipped schema is kept (a copy may "
    "add resources, fields, rules and enum values)",
    "descriptor",
)
def check_core_resources(ctx: PackageContext) -> Iterator[Finding]:
    from ...errors import PackageError
    from ...io.descriptor import read_descriptor
    from ...release.model import model_mismatch

    check = get("descriptor.resources")
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
            yield check.finding(
                f"core resource '{name}' is missing from the descriptor; a copy may add "
                "resources but must keep the nine core ones",
                resource=name,
            )
            continue
        present = {f.get("name"): f for f in ctx.fields(name)}
        for field in resource.get("schema", {}).get("fields", []):
            mine = present.get(field["name"])
            if mine is None:
                yield check.finding(
                    f"core field '{field['name']}' of resource '{name}' is missing from its "
                    "Table Schema; a copy may add fields but must keep the core ones",
                    resource=name,
                    field=field["name"],
                )
            elif mine.get("type", "string") != field.get("type", "string"):
                yield check.finding(
                    f"core field '{field['name']}' of resource '{name}' has type "
                    f"{mine.get('type', 'string')!r}, expected {field.get('type', 'string')!r} "
                    "as in the shipped schema",
                    resource=name,
                    field=field["name"],
                )
            else:
                yield from _loosened_constraints(check, name, field, mine)
        yield from _loosened_keys(check, name, resource.get("schema", {}), ctx.schema(name))


def _loosened_constraints(
    check: Check, resource: str, core: dict[str, Any], mine: dict[str, Any]
) -> Iterator[Finding]:
    """A copy may extend a core field's vocabulary (``enum``) but not drop or change its rules."""
    theirs = mine.get("constraints") if isinstance(mine.get("constraints"), dict) else {}
    for key, value in (core.get("constraints") or {}).items():
        if key == "enum":
            extra = [v for v in value if v not in (theirs.get("enum") or value)]
            if "enum" in theirs and not extra:
                continue
            problem = "drops the enum" if "enum" not in theirs else f"drops {extra} from its enum"
        elif theirs.get(key) == value:
            continue
        else:
            problem = (
                f"drops its {key!r} constraint"
                if key not in theirs
                else f"changes {key!r} from {value!r} to {theirs[key]!r}"
            )
        yield check.finding(
            f"core field '{core['name']}' of resource '{resource}' {problem}; a copy may add "
            "rules and enum values but must keep the shipped ones",
            resource=resource,
            field=core["name"],
        )


def _loosened_keys(
    check: Check, resource: str, core: dict[str, Any], mine: dict[str, Any]
) -> Iterator[Finding]:
    """A copy keeps the core primary key and every core foreign key."""
    if mine.get("primaryKey") != core.get("primaryKey"):
        yield check.finding(
            f"resource '{resource}' has primary key {mine.get('primaryKey')!r}, expected "
            f"{core.get('primaryKey')!r} as in the shipped schema",
            resource=resource,
        )
    theirs = mine.get("foreignKeys") if isinstance(mine.get("foreignKeys"), list) else []
    for foreign in core.get("foreignKeys", []):
        if foreign not in theirs:
            yield check.finding(
                f"resource '{resource}' lacks the core foreign key {foreign['fields']!r} -> "
                f"{foreign['reference']['resource'] or resource}; keep it",
                resource=resource,
                field=str(foreign["fields"]),
            )


# --- integrity: declared bytes/hash against the files -------------------------------------------

_DIGESTS: weakref.WeakKeyDictionary[Any, dict[str, tuple[int, str] | None]] = (
    weakref.WeakKeyDictionary()
)


def _digest(ctx: PackageContext, name: str, algorithm: str) -> tuple[int, str] | None:
    """Size and ``<algorithm>:<hex>`` of a resource file, computed once per context."""
    if algorithm == "sha256":
        ctx.raw(name)  # reading the table hashes the bytes it reads: no second pass
        found = ctx.structures.get(name)
        if found is not None and found.digest is not None:
            return found.digest
    cache = _DIGESTS.setdefault(ctx, {})
    key = f"{name}\x00{algorithm}"
    if key not in cache:
        try:
            cache[key] = file_digest(ctx.files[name].file, algorithm)
        except (OSError, ValueError):
            cache[key] = None  # missing file: reported by table.missing_file
    return cache[key]


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
    check = get("integrity.bytes")
    for name, item in ctx.files.items():
        declared = item.descriptor.get("bytes")
        if declared is None:
            continue
        if not isinstance(declared, int) or isinstance(declared, bool) or declared < 0:
            yield check.finding(
                f"resource '{name}': 'bytes' is {_shown(declared)}, not a whole number of "
                "bytes; write the size as a JSON integer (`msc-exos-pof rehash <package>` "
                "writes it)",
                resource=name,
                field="bytes",
            )
            continue
        actual = _digest(ctx, name, "sha256")
        if actual is not None and actual[0] != declared:
            yield check.finding(
                f"resource '{name}': {item.descriptor.get('path')} has {actual[0]} bytes but the "
                f"descriptor declares {declared}; the file changed after it was hashed: "
                "if the change is intended, refresh bytes and hash with "
                "`msc-exos-pof rehash <package>`",
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
    check = get("integrity.hash")
    for name, item in ctx.files.items():
        declared = item.descriptor.get("hash")
        if declared is None:
            continue
        if not isinstance(declared, str):
            yield check.finding(
                f"resource '{name}': 'hash' is {_shown(declared)}, not a string; write it as "
                '"sha256:<hex>" (`msc-exos-pof rehash <package>` writes it)',
                resource=name,
                field="hash",
            )
            continue
        algorithm, expected = _declared_hash(declared)
        if algorithm not in ALGORITHMS:
            yield check.finding(
                f"resource '{name}': hash {declared!r} uses the unknown algorithm "
                f"{algorithm!r}; use sha256:<hex>",
                resource=name,
                field="hash",
            )
            continue
        actual = _digest(ctx, name, algorithm)
        if actual is not None and actual[1].partition(":")[2] != expected:
            yield check.finding(
                f"resource '{name}': {item.descriptor.get('path')} hashes to {actual[1]} but the "
                f"descriptor declares {declared}; the file changed after it was hashed: "
                "if the change is intended, refresh bytes and hash with "
                "`msc-exos-pof rehash <package>`",
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
    check = get("integrity.unhashed")
    for name, item in ctx.files.items():
        missing = [key for key in ("bytes", "hash") if item.descriptor.get(key) is None]
        if missing:
            yield check.finding(
                f"resource '{name}' declares no {' or '.join(missing)}, so changes to its file "
                "cannot be detected; record them with `msc-exos-pof rehash <package>`",
                resource=name,
                field=missing[0],
            )

"""Keeping the descriptor's ``bytes`` and ``hash`` true.

``rehash`` writes them and ``stale_hashes`` (``rehash --check``) reports them; both rest on one
comparison, ``hash_states``, so the two can never disagree about what is stale.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..io.atomic import write_json_atomic
from ..io.descriptor import read_descriptor, resource_files
from ..io.hashing import file_digest
from ..io.locate import descriptor_path


@dataclass(frozen=True)
class HashState:
    """What a resource declares against what its file has (``error`` when it cannot be read)."""

    name: str
    path: object
    declared_bytes: object
    declared_hash: object
    bytes: int | None = None
    hash: str | None = None
    error: str | None = None

    @property
    def stale(self) -> bool:
        return self.error is not None or (self.declared_bytes, self.declared_hash) != (
            self.bytes,
            self.hash,
        )

    @property
    def why(self) -> str:
        if self.error is not None:
            return f"its file {self.path} cannot be read ({self.error})"
        return (
            f"declares bytes={self.declared_bytes} hash={self.declared_hash}, "
            f"the file has bytes={self.bytes} hash={self.hash}"
        )


def rehash_command(path: str | os.PathLike[str] | None = None) -> str:
    """The exact command that refreshes the hashes of the package at ``path`` (a folder or its
    ``datapackage.json``), quoted for a POSIX shell, for messages that tell a user to run it.

    >>> rehash_command("my copy/datapackage.json")
    "msc-exos-pof rehash 'my copy'"
    """
    import shlex
    from pathlib import Path

    folder = descriptor_path(path).parent if path is None or str(path).endswith(".json") else path
    return f"msc-exos-pof rehash {shlex.quote(str(Path(folder)))}"


def hash_states(path: str | os.PathLike[str] | None = None) -> list[HashState]:
    """Every resource's declared ``bytes``/``hash`` beside its file's (``PackageError`` if the
    package cannot be read)."""
    states = []
    for item in resource_files(path):
        declared = (
            item.descriptor.get("path"),
            item.descriptor.get("bytes"),
            item.descriptor.get("hash"),
        )
        try:
            size, digest = file_digest(item.file)
        except OSError as error:
            states.append(HashState(item.name, *declared, error=error.strerror or str(error)))
            continue
        states.append(HashState(item.name, *declared, bytes=size, hash=digest))
    return states


def stale_hashes(path: str | os.PathLike[str] | None = None) -> list[tuple[str, str]]:
    """``(resource, why)`` for every resource whose declared ``bytes``/``hash`` is out of date."""
    return [(state.name, state.why) for state in hash_states(path) if state.stale]


def refuse_linked_descriptor(file: Path, command: str) -> None:
    """``OutputRefusedError`` when the descriptor a command rewrites is a symbolic link: the
    link would be replaced by a file (or, followed, a file outside the package rewritten)."""
    from ..errors import OutputRefusedError

    if file.is_symlink():
        raise OutputRefusedError(
            f"{file} is a symbolic link (to {os.readlink(file)}); {command} rewrites the "
            "descriptor in place and never replaces a link: run it on the folder that holds "
            "the real datapackage.json"
        )


def rehash(path: str | os.PathLike[str] | None = None) -> list[str]:
    """Write each resource's ``bytes`` and ``hash`` into the descriptor; return what changed.

    Resources are matched by position, so two resources that (wrongly) share a name each get
    their own file's hash. ``OutputRefusedError`` for a descriptor that is a symbolic link.
    """
    file = descriptor_path(path)
    refuse_linked_descriptor(file, "rehash")
    descriptor, changed = rehashed(path)
    if changed:
        write_json_atomic(file, descriptor)
    return changed


def rehashed(
    path: str | os.PathLike[str] | None = None, states: list[HashState] | None = None
) -> tuple[dict[str, Any], list[str]]:
    """The descriptor with every resource's ``bytes`` and ``hash`` made true (from ``states``
    when the caller has them), and the names of those that changed; nothing is written
    (``OSError`` when a file cannot be hashed)."""
    # The one reading (regular file, bounded, no NaN): a copy, since the cached one is shared.
    descriptor = json.loads(json.dumps(read_descriptor(path)))
    states = hash_states(path) if states is None else states  # one per resource, in order
    unreadable = [state for state in states if state.error is not None]
    if unreadable:
        raise OSError(f"cannot hash {unreadable[0].path}: {unreadable[0].error}")
    changed = []
    for resource, state in zip(descriptor["resources"], states, strict=True):
        if state.stale:
            changed.append(resource["name"])
        resource["bytes"] = state.bytes
        resource["hash"] = state.hash
    return descriptor, changed

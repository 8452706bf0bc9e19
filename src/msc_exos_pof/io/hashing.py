"""Hashing files in chunks: the ``bytes`` and ``hash`` a descriptor declares for a resource."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .files import chunks

_CHUNK = 1 << 20

#: Algorithms a declared hash may use: hashlib's guaranteed ones of fixed length (the SHAKE
#: functions need a length a declared hash cannot give).
ALGORITHMS = frozenset(a for a in hashlib.algorithms_guaranteed if not a.startswith("shake"))


def file_digest(file: Path, algorithm: str = "sha256") -> tuple[int, str]:
    """Size in bytes and ``<algorithm>:<hex>`` of a regular file, read in chunks.

    ``ValueError`` for an algorithm not in ``ALGORITHMS``; ``OSError`` if unreadable or not a
    regular file (a FIFO is refused before it is opened, see ``io.files``).
    """
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unsupported hash algorithm {algorithm!r}")
    digest = hashlib.new(algorithm)
    size = 0
    for chunk in chunks(file, _CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return size, f"{algorithm}:{digest.hexdigest()}"

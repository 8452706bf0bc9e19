"""Hashing files in chunks: the ``bytes`` and ``hash`` a descriptor declares for a resource."""

from __future__ import annotations

import hashlib
from pathlib import Path

_CHUNK = 1 << 20


def file_digest(file: Path, algorithm: str = "sha256") -> tuple[int, str]:
    """Size in bytes and ``<algorithm>:<hex>`` of a file, read in chunks.

    ``ValueError`` for an algorithm hashlib does not know; ``OSError`` if unreadable.
    """
    digest = hashlib.new(algorithm)
    size = 0
    with open(file, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, f"{algorithm}:{digest.hexdigest()}"

"""Unpacking a data package from a zip archive (a release wheel, a zip of a package folder):
the descriptor and the files its resources name, nothing else, each bounded while it is
decompressed.

A zip states each member's size, and a small archive can state (or hold) a huge one: a 1.6 MB
zip can unpack to 1.5 GB. So a member is refused before it is opened when its stated size
exceeds what is read, or when it would unpack to more than ``MAX_RATIO`` times its compressed
size (no real table compresses that well), and it is copied in chunks that are counted, so
that the limits hold even for a member whose stated size is false; the whole archive may
unpack to at most ``MAX_ARCHIVE_BYTES``. Memory stays bounded by one chunk.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import IO

from ..errors import PackageError
from .descriptor import MISSING
from .files import MAX_DESCRIPTOR_BYTES, MAX_TABLE_BYTES
from .locate import unsafe_path_reason

#: What all the members unpacked from one archive may add up to.
MAX_ARCHIVE_BYTES = 1 << 30
#: How many times its compressed size a member may unpack to (CSV text compresses about 5
#: to 20 times; a decompression bomb thousands of times).
MAX_RATIO = 200
#: Members smaller than this are not held to ``MAX_RATIO`` (a tiny file compresses anyhow).
_RATIO_FLOOR = 1 << 20
_CHUNK = 1 << 20
#: What a zip that cannot be read raises (NotImplementedError: a compression zipfile lacks).
_UNREADABLE = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError)


def _refuse(archive: Path, message: str) -> PackageError:
    return PackageError(MISSING, f"{archive}: {message}")


def _copy(source: IO[bytes], out: IO[bytes] | None, limit: int) -> bytes | int:
    """Copy ``source`` to ``out`` in counted chunks (into memory when ``out`` is ``None``);
    ``ValueError`` as soon as more than ``limit`` bytes come out."""
    parts: list[bytes] = []
    total = 0
    while chunk := source.read(min(_CHUNK, limit + 1 - total)):
        total += len(chunk)
        if total > limit:
            raise ValueError(total)
        if out is None:
            parts.append(chunk)
        else:
            out.write(chunk)
    return b"".join(parts) if out is None else total


class _Budget:
    """What is left of ``MAX_ARCHIVE_BYTES`` for one archive."""

    def __init__(self, archive: Path) -> None:
        self.archive = archive
        self.left = MAX_ARCHIVE_BYTES

    def limit(self, info: zipfile.ZipInfo, limit: int) -> int:
        """The most ``info`` may unpack to; ``PackageError`` when its stated sizes already say
        it would exceed a limit."""
        size, packed = info.file_size, max(info.compress_size, 1)
        if size > limit:
            raise _refuse(
                self.archive,
                f"{info.filename} unpacks to {size} bytes, more than the {limit} that are read",
            )
        if size > _RATIO_FLOOR and size > MAX_RATIO * packed:
            raise _refuse(
                self.archive,
                f"{info.filename} would unpack to {size} bytes from {info.compress_size}, more "
                f"than {MAX_RATIO} times its compressed size (a decompression bomb, not a data "
                "table); it is not unpacked",
            )
        if size > self.left:
            raise _refuse(
                self.archive,
                f"its members unpack to more than {MAX_ARCHIVE_BYTES} bytes in all, more than "
                "is unpacked from one archive; unpack it yourself and give the folder",
            )
        return min(limit, self.left, max(_RATIO_FLOOR, MAX_RATIO * packed))

    def spend(
        self, info: zipfile.ZipInfo, source: IO[bytes], out: IO[bytes] | None, limit: int
    ) -> bytes | int:
        """Unpack ``source`` within ``limit`` (from ``self.limit``), counting what it gives."""
        try:
            found = _copy(source, out, limit)
        except ValueError:
            raise _refuse(
                self.archive,
                f"{info.filename} unpacks to more than its stated {info.file_size} bytes or the "
                "limits above; it is not unpacked",
            ) from None
        self.left -= found if isinstance(found, int) else len(found)
        return found


def _descriptor_member(archive: Path, names: list[str]) -> str:
    descriptors = sorted(
        (n for n in names if n.endswith("datapackage/datapackage.json") or n == "datapackage.json"),
        key=len,
    )
    if not descriptors:
        raise PackageError(
            MISSING,
            f"{archive} holds no datapackage.json: pass a release wheel of msc-exos-pof, a zip "
            "of a data package, or a package folder",
        )
    return descriptors[0]


def unpack_package(archive: str | os.PathLike[str], into: str | os.PathLike[str]) -> Path:
    """Unpack the data package of ``archive`` into the folder ``into``; return the folder.

    Only the descriptor and the files its resources name (safe relative paths) are written;
    ``PackageError`` when the archive cannot be read or a member breaks a limit.
    """
    archive, target = Path(archive), Path(into)
    budget = _Budget(archive)
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = {i.filename: i for i in zipped.infolist() if not i.is_dir()}
            name = _descriptor_member(archive, list(members))
            prefix = name[: -len("datapackage.json")]
            info = members[name]
            with zipped.open(info) as source:
                text = budget.spend(info, source, None, budget.limit(info, MAX_DESCRIPTOR_BYTES))
            assert isinstance(text, bytes)
            target.mkdir(parents=True, exist_ok=True)
            (target / "datapackage.json").write_bytes(text)
            for inner in _resource_paths(text):
                info = members.get(prefix + inner)
                if info is None or unsafe_path_reason(inner) is not None:
                    continue  # missing: reported when read; unsafe: never written
                limit = budget.limit(info, MAX_TABLE_BYTES)
                (target / inner).parent.mkdir(parents=True, exist_ok=True)
                with zipped.open(info) as source, open(target / inner, "wb") as out:
                    budget.spend(info, source, out, limit)
            return target
    except _UNREADABLE as error:
        raise PackageError(MISSING, f"{archive} cannot be read as a zip archive: {error}") from None


def _resource_paths(descriptor: bytes) -> list[str]:
    """The resource paths a descriptor names (none when it cannot be read: reading the
    unpacked descriptor then reports what is wrong)."""
    try:
        resources = json.loads(descriptor).get("resources", [])
    except (ValueError, AttributeError, RecursionError):
        return []
    if not isinstance(resources, list):
        return []
    return list(
        dict.fromkeys(
            r["path"] for r in resources if isinstance(r, dict) and isinstance(r.get("path"), str)
        )
    )

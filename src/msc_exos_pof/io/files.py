"""Opening the files a package names: regular files only, checked before opening, read whole
into memory (never mapped) up to a size decided before the first byte is read.

A FIFO would block the reader forever, ``/dev/zero`` would fill memory, and a memory-mapped file
that is truncated while it is read kills the process with SIGBUS. So the path is checked with
``os.stat`` before it is opened, opened with ``O_NONBLOCK`` (a FIFO swapped in between cannot
block), checked again on the open descriptor, and read into a buffer of the size it had then:
a file rewritten underneath gives other bytes (and a hash finding), never a signal.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: What a descriptor may weigh: it is parsed into Python objects, about ten times its size.
MAX_DESCRIPTOR_BYTES = 64 << 20
#: What a resource file may weigh: it is read whole, then parsed by Arrow.
MAX_TABLE_BYTES = 8 << 30

_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISREG, "a regular file"),
)


class NotRegularFileError(OSError):
    """The path exists but is not a regular file (a FIFO, a device, a folder...), or is larger
    than may be read; ``strerror`` says which, for the messages that quote it."""


def kind_of(mode: int) -> str:
    """What a file of ``mode`` is, for messages: "a FIFO (named pipe)", "a folder"..."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def _refuse(file: Path, mode: int) -> NotRegularFileError:
    return NotRegularFileError(
        errno.EINVAL,
        f"it is {kind_of(mode)}, not a regular file; only regular files are read",
        file,
    )


@contextmanager
def open_regular(file: str | os.PathLike[str]) -> Iterator[tuple[int, int]]:
    """``(descriptor, size)`` of a regular file, opened read-only without blocking.

    ``FileNotFoundError`` when it does not exist, ``NotRegularFileError`` when it is anything
    but a regular file (checked before and after opening), other ``OSError`` when unreadable.
    """
    path = Path(file)
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise _refuse(path, os.stat(path).st_mode)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _refuse(path, info.st_mode)
        yield fd, info.st_size
    finally:
        os.close(fd)


def read_regular(file: str | os.PathLike[str], limit: int, what: str = "file") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (see ``open_regular``).

    At most the size the file had when opened is read: a file that grows meanwhile is read as
    it was, one that shrinks gives fewer bytes.
    """
    with open_regular(file) as (fd, size):
        if size > limit:
            raise NotRegularFileError(
                errno.EFBIG,
                f"the {what} has {size} bytes, more than the {limit} that are read",
                str(file),
            )
        parts = []
        remaining = size
        while remaining > 0:
            # One allocation of the whole size (Linux reads at most ~2 GiB per call).
            part = os.read(fd, remaining)
            if not part:
                break  # truncated while being read
            parts.append(part)
            remaining -= len(part)
        return parts[0] if len(parts) == 1 else b"".join(parts)


def chunks(file: str | os.PathLike[str], size: int = 1 << 20) -> Iterator[bytes]:
    """A regular file's bytes in chunks (for hashing and copying without reading it whole)."""
    with open_regular(file) as (fd, _):
        while chunk := os.read(fd, size):
            yield chunk

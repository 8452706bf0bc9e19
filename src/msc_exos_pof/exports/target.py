"""Where an export goes: refusing a bad OUT, locking it, staging beside it, moving it into place.

A folder export ends with a manifest (``MANIFEST_NAME``) listing every file it wrote; ``--force``
replaces a folder only when it holds nothing but what its manifest lists, so a user's file in
it is never deleted. A file export replaces a regular file only: a device, a FIFO, a socket or
a link at OUT is refused whatever ``--force`` says. The lock file holds the process id of the
export that holds it; an export killed with SIGKILL leaves its lock file and staging folder
behind, and the next export to the same OUT removes them (no live process holds them).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import ExportTargetError, OutputRefusedError
from ..io.atomic import refuse_unless_replaceable, remove_stale_temporaries, temporary_prefix
from ..io.locate import descriptor_path
from .formats import FILE_SUFFIXES, FOLDER_FORMATS

#: The file a folder export writes last, naming its format and every file it wrote.
MANIFEST_NAME = ".msc-exos-pof-export.json"


def _within(inner: Path, outer: Path) -> bool:
    return inner == outer or outer in inner.parents


def _files(folder: Path) -> tuple[set[str], bool]:
    """Relative names of the regular files under ``folder``, and whether anything else (a link,
    a FIFO...) is there too. Links are never followed."""
    names: set[str] = set()
    other = False
    for root, folders, files in os.walk(folder):
        for name in folders:
            if os.path.islink(os.path.join(root, name)):
                other = True
        for name in files:
            file = os.path.join(root, name)
            if stat.S_ISREG(os.lstat(file).st_mode):
                names.add(Path(os.path.relpath(file, folder)).as_posix())
            else:
                other = True
    return names, other


def write_manifest(folder: Path, to: str) -> None:
    """Record every file of a built folder export, so ``--force`` may later replace them."""
    names, _ = _files(folder)
    manifest = {"format": to, "files": sorted(names)}
    (folder / MANIFEST_NAME).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")


def replaceable_folder(folder: Path, to: str) -> bool:
    """Whether replacing ``folder`` (with ``overwrite``) loses nothing but an earlier output:
    its manifest names this format (``synth`` for synthetic packages) and every file in it (a
    file of the user's is not listed)."""
    names, other = _files(folder)
    if not names and not other:
        return True
    try:
        manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
        listed = set(manifest["files"]) | {MANIFEST_NAME}
        same_format = manifest["format"] == to
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return same_format and not other and names <= listed


def _check_target(to: str, out: Path, path: str | os.PathLike[str] | None, overwrite: bool) -> None:
    if out.suffix.lower() in FILE_SUFFIXES.get(to, ()):
        raise ExportTargetError(
            f"{out} names a file, but the {to} export writes a folder (one file per "
            f"resource); name the folder to create, e.g. {out.with_suffix('')}"
        )
    package_folder = descriptor_path(path).parent.resolve()
    resolved = out.resolve()
    if _within(resolved, package_folder):
        raise ExportTargetError(
            f"{out} is inside the package being exported ({package_folder}), which is never "
            "written to; choose an OUT outside it"
        )
    if _within(package_folder, resolved):
        raise ExportTargetError(
            f"{out} holds the package being exported ({package_folder}), which is never "
            "replaced; choose another OUT"
        )
    if not (out.exists() or out.is_symlink()):
        return
    if out.is_symlink() or not (out.is_dir() or out.is_file()):
        try:  # a link, a device, a FIFO, a socket: never replaced, whatever overwrite says
            refuse_unless_replaceable(out)
        except OutputRefusedError as error:
            raise ExportTargetError(error.message) from None
    if to in FOLDER_FORMATS:
        if out.is_dir() and not any(out.iterdir()):
            return  # an empty folder is filled, as if it were new
        if not out.is_dir():
            raise ExportTargetError(
                f"{out} exists and is not a folder; the {to} export writes a folder, choose "
                "another OUT"
            )
        if not overwrite:
            raise ExportTargetError(
                f"{out} exists and is not empty; pass --force to replace it, or choose another OUT"
            )
        if not replaceable_folder(out, to):
            raise ExportTargetError(
                f"{out} holds files that an earlier {to} export would not have written (only "
                f"those its {MANIFEST_NAME} lists may be replaced), so it is not replaced even "
                "with --force; remove it yourself or choose another OUT"
            )
        return
    if out.is_dir():
        raise ExportTargetError(
            f"{out} is a folder; the {to} export writes one file, name the file to create"
        )
    if not overwrite:
        raise ExportTargetError(f"{out} exists; pass --force to replace it, or choose another OUT")


def lock_file(out: Path) -> Path:
    """The lock file of exports to ``out``, beside it."""
    return out.parent / f".{out.name}.export-lock"


def _holder(lock: Path) -> str:
    """Who holds ``lock``, for the message: "process 1234", or "another export"."""
    try:
        text = lock.read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        text = ""
    return f"another export (process {text})" if text.isdigit() else "another export"


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``out`` (a lock file beside it, holding this process's id) for
    the whole export, so that two exports to one OUT cannot both check it and both write it;
    the second is refused. Once the lock is held, the staging folders of earlier exports to
    ``out`` that were killed before they could clean up are removed."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no advisory locks, no concurrent guard
        yield
        return
    lock = lock_file(out)
    while True:
        try:
            refuse_unless_replaceable(lock)
        except OutputRefusedError as error:
            raise ExportTargetError(error.message) from None
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except OSError as error:  # a read-only folder: the error is about OUT, not the lock
            raise type(error)(error.errno, error.strerror, str(out)) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise ExportTargetError(
                f"{_holder(lock)} is writing {out} right now; wait for it to finish or choose "
                "another OUT"
            ) from None
        try:
            current = os.stat(lock).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            current = False
        if current:  # not a lock file its previous holder removed meanwhile
            break
        os.close(fd)
    try:
        # A lock file left by a killed export is taken over: flock is released by the kernel
        # when its holder dies, so holding it proves no live export uses OUT.
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        remove_stale_temporaries(out)
        yield
    finally:
        try:
            os.unlink(lock)
        except OSError:
            pass
        os.close(fd)


@contextmanager
def terminate_cleanly() -> Iterator[None]:
    """Turn SIGTERM (the default ``kill``) into ``SystemExit(143)`` while an export runs, so
    that its ``finally`` clauses remove the staging folder and the lock, as Ctrl-C does; a
    handler of the application's own is left alone."""
    if threading.current_thread() is not threading.main_thread() or (
        signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    ):
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextmanager
def _staging(out: Path) -> Iterator[Path]:
    """A private folder beside ``out`` (same file system, so the final move is a rename),
    removed with whatever it holds when the export ends, however it ends (an error, Ctrl-C,
    SIGTERM under ``terminate_cleanly``)."""
    try:
        folder = Path(tempfile.mkdtemp(prefix=temporary_prefix(out, "export"), dir=out.parent))
    except OSError as error:  # named after OUT, not the staging folder the user never asked for
        raise type(error)(error.errno, error.strerror, str(out)) from None
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _move_into_place(built: Path, out: Path, staging: Path) -> None:
    try:  # again, just before the rename: nothing but what was checked may be replaced
        refuse_unless_replaceable(out, folder=built.is_dir() and out.is_dir())
    except OutputRefusedError as error:
        raise ExportTargetError(error.message) from None
    if not (out.exists() or out.is_symlink()) or (built.is_file() and not out.is_dir()):
        os.replace(built, out)  # atomic: OUT is the old file or the new one, never a mix
        return
    # A folder cannot be renamed over a non-empty one: move the old aside (into the staging
    # folder, which is removed afterwards), then the new into place; undo if that fails.
    previous = staging / "previous"
    os.replace(out, previous)
    try:
        os.replace(built, out)
    except BaseException:
        os.replace(previous, out)
        raise

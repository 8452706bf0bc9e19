"""Writing outputs: atomically (a temporary file beside the target, then one rename), only over
regular files, and never leaving a temporary behind that a later run would not remove.

A writer replaces a regular file and nothing else: a device node, a FIFO, a socket, a link or a
folder at the target is refused (``OutputRefusedError``) whatever ``--force`` says, so that
``-o /dev/null --force`` run as root cannot turn ``/dev/null`` into a file for every later step.
Temporary files and staging folders carry the writer's process id in their name
(``.NAME.tmp-PID-XXXX``); a writer killed with SIGKILL leaves its temporary behind, and the next
writer of the same target removes it once no live process has that id.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Any

from ..errors import OutputInsidePackageError, OutputRefusedError
from .files import kind_of
from .locate import inside_package


def write_json_atomic(file: Path, data: Any) -> None:
    """Write ``data`` as pretty JSON to ``file`` atomically (``ValueError`` for NaN or
    Infinity, which are not JSON: a descriptor is never written with them)."""
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
    write_text_atomic(file, text + "\n")


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def refuse_unless_replaceable(file: str | os.PathLike[str], *, folder: bool = False) -> None:
    """Raise ``OutputRefusedError`` unless ``file`` is absent or a regular file (``folder``: a
    real folder, for writers of folders, which check what is inside it themselves).

    Links are not followed: a link is refused as it is, since replacing it would turn the
    user's link into a file and writing through it would write wherever it points.
    """
    path = Path(file)
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as error:
        raise OutputRefusedError(
            f"{path} cannot be examined ({error.strerror or error}); choose another output path"
        ) from None
    if stat.S_ISREG(mode) and not folder:
        return
    if stat.S_ISDIR(mode) and folder:
        return
    wanted = "a folder" if folder else "a regular file"
    raise OutputRefusedError(
        f"{path} is {kind_of(mode)}, not {wanted}; an output replaces nothing else, even with "
        "--force: choose another output path"
    )


def refuse_inside_package(
    out: str | os.PathLike[str], path: str | os.PathLike[str] | None, *, shipped: bool = True
) -> None:
    """Raise ``OutputInsidePackageError`` if ``out`` lies in (or is) the folder of the package
    at ``path`` (default: the shipped one) or, with ``shipped``, the shipped package's folder:
    an output there would change the data it was made from, or overwrite it."""
    folder = inside_package(out, path, shipped=shipped)
    if folder is not None:
        raise OutputInsidePackageError(
            f"refusing to write {out} inside the data package folder {folder}, which is "
            "never written to; write outputs somewhere else"
        )


#: ``.NAME.<kind>-<pid>-<random>``: a temporary file or staging folder and the process writing it.
_TEMPORARY = re.compile(r"^(?P<kind>tmp|export|synth)-(?P<pid>[0-9]+)-")


def temporary_prefix(target: Path, kind: str = "tmp") -> str:
    """The name prefix of a temporary beside ``target`` (``kind``: tmp, export or synth)."""
    return f".{target.name}.{kind}-{os.getpid()}-"


def process_alive(pid: int) -> bool:
    """Whether a process with id ``pid`` runs (``True`` when that cannot be known)."""
    if pid == os.getpid():
        return True
    if os.name != "posix":  # pragma: no cover - os.kill(pid, 0) would terminate it on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. EPERM: it exists, owned by another user
        return True
    return True


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Remove the temporaries beside ``target`` whose writer is no longer running (killed
    before it could clean up); return what was removed. Nothing else is ever touched: only
    names this module makes, and only when the process named in them is gone."""
    removed: list[Path] = []
    prefix = f".{target.name}."
    try:
        names = os.listdir(target.parent)
    except OSError:
        return removed
    for name in names:
        if not name.startswith(prefix):
            continue
        match = _TEMPORARY.match(name[len(prefix) :])
        if match is None or process_alive(int(match["pid"])):
            continue
        stale = target.parent / name
        try:
            if stat.S_ISDIR(os.lstat(stale).st_mode):
                shutil.rmtree(stale)
            else:
                stale.unlink()
        except OSError:
            continue  # another run removed it meanwhile, or it cannot be: left alone
        removed.append(stale)
    return removed


def _naming_the_target(error: OSError, file: Path) -> OSError:
    """``error`` about ``file``, not about the temporary beside it that the system named."""
    folder = os.path.abspath(file.parent)
    if error.filename is not None and os.path.dirname(os.path.abspath(error.filename)) == folder:
        return type(error)(error.errno, error.strerror, str(file))
    return error


def write_bytes_atomic(file: str | os.PathLike[str], data: bytes, mode: int | None = None) -> Path:
    """Write ``data`` to a temporary file beside ``file``, then move it into place in one step.

    Readers never see a half-written file, and a failure leaves the old file as it was.
    ``OutputRefusedError`` when ``file`` exists and is not a regular file; an ``OSError``
    names ``file``, not the temporary. ``mode``: the permissions (default: what an ordinary
    ``open()`` gives under the umask).
    """
    file = Path(file)
    refuse_unless_replaceable(file)
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(file)
        handle, temporary = tempfile.mkstemp(prefix=temporary_prefix(file), dir=file.parent)
    except OSError as error:
        raise _naming_the_target(error, file) from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        # mkstemp creates 0600; give the file the mode an ordinary open() would (umask applies).
        os.chmod(temporary, (0o666 & ~_umask()) if mode is None else mode)
        refuse_unless_replaceable(file)  # again: something else may have appeared meanwhile
        os.replace(temporary, file)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise _naming_the_target(error, file) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return file


def write_text_atomic(file: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8, ``\\n`` line ends) atomically, as ``write_bytes_atomic`` does."""
    return write_bytes_atomic(file, text.encode("utf-8"))

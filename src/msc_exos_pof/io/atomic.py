"""Writing text and JSON atomically: a temporary file beside the target, then one rename."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def write_json_atomic(file: Path, data: Any) -> None:
    """Write ``data`` as pretty JSON to ``file`` atomically (``ValueError`` for NaN or
    Infinity, which are not JSON: a descriptor is never written with them)."""
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
    write_text_atomic(file, text + "\n")


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_text_atomic(file: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` to a temporary file beside ``file``, then move it into place in one step.

    Readers never see a half-written file, and a failure leaves the old file as it was.
    """
    file = Path(file)
    file.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{file.name}.", dir=file.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        # mkstemp creates 0600; give the file the mode an ordinary open() would (umask applies).
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, file)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return file

"""Progress on a terminal, and only there: a bar for ``synth``, a spinner with the elapsed time
for ``export`` and ``validate`` of large packages. Drawn by rich on standard error; nothing at
all when standard error is not a terminal (CI logs, pipes, tests) or rich is not installed."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

#: Packages whose data files add up to more than this get a spinner (the shipped one: ~100 kB).
LARGE_PACKAGE_BYTES = 20_000_000


def _console() -> Any | None:
    if not sys.stderr.isatty():
        return None
    try:
        from rich.console import Console
    except ImportError:
        return None
    return Console(stderr=True)


@contextmanager
def bar(description: str, total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar to ``total``; yields ``advance(amount)`` (a no-op off a terminal)."""
    console = _console()
    if console is None:
        yield lambda amount: None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(description, total=total)
        yield lambda amount: progress.advance(task, amount)


def package_bytes(path: Any) -> int:
    """The data files' size as the descriptor records it (0 when it cannot say)."""
    try:
        from ..io.descriptor import read_descriptor

        resources = read_descriptor(path).get("resources") or []
        return sum(int(r.get("bytes") or 0) for r in resources if isinstance(r, dict))
    except Exception:  # the command itself reports a package it cannot read
        return 0


@contextmanager
def spinner(description: str, path: Any) -> Iterator[None]:
    """A spinner with the elapsed time while a large package is worked on."""
    console = _console()
    if console is None or package_bytes(path) < LARGE_PACKAGE_BYTES:
        yield
        return
    with console.status(description):
        yield

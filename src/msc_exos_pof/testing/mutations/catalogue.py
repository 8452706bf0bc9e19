"""The catalogue: ``Mutation``, the ``@mutation`` decorator that files one under its name, and
the check ids the catalogue as a whole promises to fire."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

Apply = Callable[[Path, random.Random], "tuple[str, ...] | None"]


class Inapplicable(Exception):
    """The package lacks what the mutation needs (e.g. it has no errata row to remove)."""


@dataclass(frozen=True)
class Mutation:
    """One way to break a package: ``apply(folder, rnd)`` edits it and returns the ids that must
    fire (``None``: ``catches``). ``also``: ids (or prefixes) that may fire as a consequence;
    ``picks``: every id ``apply`` may return instead of ``catches``, by what it picked."""

    name: str
    apply: Apply
    catches: tuple[str, ...]
    also: tuple[str, ...] = ()
    doc: str = ""
    picks: tuple[str, ...] = ()

    def __call__(self, folder: Path, rnd: random.Random) -> tuple[str, ...]:
        picked = self.apply(Path(folder), rnd)
        return tuple(picked) if picked is not None else self.catches


MUTATIONS: dict[str, Mutation] = {}


def mutation(
    name: str,
    catches: tuple[str, ...] = (),
    also: tuple[str, ...] = (),
    picks: tuple[str, ...] | set[str] = (),
) -> Callable[[Apply], Apply]:
    """File the decorated ``apply`` in ``MUTATIONS`` as ``name``; its doc's first line is the
    mutation's ``doc``."""

    def decorate(function: Apply) -> Apply:
        MUTATIONS[name] = Mutation(
            name,
            function,
            catches,
            also,
            (function.__doc__ or "").strip().splitlines()[0],
            tuple(sorted(picks)),
        )
        return function

    return decorate


def mutation_ids() -> set[str]:
    """Every check id some mutation is declared to catch (dynamic picks included)."""
    return {id for item in MUTATIONS.values() for id in (*item.catches, *item.picks)}

"""A catalogue of mutations: each breaks a valid package folder in one way a named check catches.

A mutation is ``apply(folder, rnd) -> tuple[str, ...] | None``: it edits the package in
``folder`` (``rnd`` is a ``random.Random``) and returns the check ids that must fire when they
depend on what it picked (``None``: the mutation's ``catches``; ``picks`` lists every id it may
pick). Mutations refresh bytes and hashes after editing, except the ones that break integrity or
the descriptor on purpose, so that only the intended checks fire. ``also`` lists ids (or id
prefixes) that may fire as a consequence without being a false alarm (e.g. dropping a study
also changes the counts). A mutation that cannot apply to a package (no errata to remove...)
raises ``Inapplicable``.

One module per family of checks, as in ``gate/checks/``: ``counts``, ``rounds`` (on top of
``updates``, which opens a consistent update round), ``rows``, ``schema``, ``consistency``,
``errata``, ``tables``, ``descriptor``, ``vocabulary``, ``claims``, ``inclusion``;
``catalogue`` holds ``Mutation`` and the ``@mutation`` decorator, ``edit`` what every mutation
uses to edit a folder. A new mutation goes into the module of the check it names.
"""

from __future__ import annotations

import importlib

from .catalogue import MUTATIONS, Apply, Inapplicable, Mutation, mutation, mutation_ids
from .updates import add_study, open_round

#: The family modules, in the order they file their mutations in ``MUTATIONS``.
FAMILIES = (
    "counts",
    "rounds",
    "rows",
    "schema",
    "consistency",
    "errata",
    "tables",
    "descriptor",
    "vocabulary",
    "claims",
    "inclusion",
)
for _family in FAMILIES:
    importlib.import_module(f".{_family}", __name__)

__all__ = [
    "MUTATIONS",
    "Apply",
    "FAMILIES",
    "Inapplicable",
    "Mutation",
    "add_study",
    "mutation",
    "mutation_ids",
    "open_round",
]

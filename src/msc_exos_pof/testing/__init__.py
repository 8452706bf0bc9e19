"""Hypothesis strategies for consistent msc-exos-pof packages, and a catalogue of mutations.

``import msc_exos_pof`` never imports this package, and importing it imports nothing heavy:
each name loads its module on first use. ``consistent_packages`` and ``SyntheticPackage``
need hypothesis (``pip install "msc-exos-pof[test]"``); the mutation catalogue and the
generator behind ``msc-exos-pof synth`` (``msc_exos_pof.testing.synth``) need only pandas.

>>> from hypothesis import given
>>> from msc_exos_pof.testing import consistent_packages
>>> @given(consistent_packages(max_studies=20))
... def test_my_pipeline_accepts_any_valid_package(package, tmp_path_factory):
...     folder = package.write(tmp_path_factory.mktemp("pkg"))
...     my_pipeline(folder)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .mutations import MUTATIONS, Inapplicable, Mutation, mutation_ids
    from .strategies import SyntheticPackage, consistent_packages

__all__ = [
    "MUTATIONS",
    "Inapplicable",
    "Mutation",
    "SyntheticPackage",
    "consistent_packages",
    "mutation_ids",
]

#: Public name -> the module of this package that defines it.
_HOMES = {
    "MUTATIONS": "mutations",
    "Inapplicable": "mutations",
    "Mutation": "mutations",
    "mutation_ids": "mutations",
    "SyntheticPackage": "strategies",
    "consistent_packages": "strategies",
    "shipped_schemas_are_reused": "strategies",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        module = importlib.import_module(f".{home}", __name__)
    except ModuleNotFoundError as error:
        if error.name != "hypothesis":
            raise
        from ..errors import MissingDependencyError

        raise MissingDependencyError(
            f"msc_exos_pof.testing.{name} needs the optional dependency hypothesis, which is "
            "not installed: run pip install 'msc-exos-pof[test]'"
        ) from None
    return getattr(module, name)


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})

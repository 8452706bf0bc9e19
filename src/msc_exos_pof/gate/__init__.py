"""The data-quality gate: ``validate()`` runs the registered checks over a package and returns a
``Report``; ``render`` turns it into text, JSON, JUnit or GitHub annotations.

Importing this package imports none of its modules (the CLI lists ``render.FORMATS`` at
start-up without loading the checks).
"""

from __future__ import annotations

import importlib
from typing import Any

#: Where each public name lives.
_PUBLIC = {"Finding": "report", "Report": "report", "validate": "runner"}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)

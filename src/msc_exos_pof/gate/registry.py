"""The check registry: every check has a stable dotted id, a severity and a one-line description.

Checks are small functions ``check(context) -> Iterable[Finding]`` registered with ``@register``,
which returns the ``Check`` itself: the check emits through it (``yield check_x.finding(...)``),
and other code names it by its Python name, so each id is written once and a mistyped name fails
at import (ruff F821) instead of at run time. Families live in one module each under
``gate/checks/`` (``descriptor``, ``tables``, ``schema``, ``consistency``...); ``all_checks()``
imports them all so the registry is complete. ``get(id)`` is for ids that come from users
(``--select``) and tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .report import Finding, Severity

if TYPE_CHECKING:  # pragma: no cover
    from ..io.context import PackageContext

CheckFunction = Callable[["PackageContext"], Iterable[Finding]]

#: Layers run in this order; a later layer only runs on what the earlier ones could read.
LAYERS = (
    "descriptor",
    "integrity",
    "table",
    "schema",
    "consistency",
    "errata",
    "claims",
    "release",
)


@dataclass(frozen=True)
class Check:
    id: str
    severity: Severity
    description: str
    layer: str
    function: CheckFunction | None = None

    @property
    def needs_upstream(self) -> bool:
        """Whether it compares the package with an upstream one (runs only when one is given)."""
        return self.id.startswith("upstream.")

    def __call__(self, context: PackageContext) -> Iterable[Finding]:
        """Run the check (a declared check, emitted by shared code, finds nothing itself)."""
        return self.function(context) if self.function is not None else ()

    def finding(
        self,
        message: str,
        resource: str | None = None,
        row: int | None = None,
        field: str | None = None,
        severity: Severity | None = None,
        erratum: str | None = None,
    ) -> Finding:
        return Finding(self.id, severity or self.severity, message, resource, row, field, erratum)


REGISTRY: dict[str, Check] = {}


def register(
    id: str, severity: Severity, description: str, layer: str
) -> Callable[[CheckFunction], Check]:
    """Register ``function`` as check ``id`` (ids are unique and never reused) and return the
    ``Check``, which is called like the function and emits its findings."""

    def decorate(function: CheckFunction) -> Check:
        return _add(Check(id, severity, description, layer, function))

    return decorate


def declare(id: str, severity: Severity, description: str, layer: str) -> Check:
    """Declare a check id whose findings are emitted by shared code (e.g. the loader).

    Declared checks have no function of their own but are listed and must be fired by a test
    like every other check.
    """
    return _add(Check(id, severity, description, layer, None))


def _add(check: Check) -> Check:
    if check.layer not in LAYERS:
        raise ValueError(f"unknown layer {check.layer!r}")
    if check.id in REGISTRY:
        raise ValueError(f"check id {check.id!r} is registered twice")
    REGISTRY[check.id] = check
    return check


def all_checks() -> list[Check]:
    """Every registered check, in layer order then id."""
    _load_families()
    return sorted(REGISTRY.values(), key=lambda c: (LAYERS.index(c.layer), c.id))


def get(id: str) -> Check:
    """The check registered as ``id`` (for ids that come from users and tests)."""
    _load_families()
    return REGISTRY[id]


def _load_families() -> None:
    from .checks import (  # noqa: F401
        claims,
        consistency,
        descriptor,
        errata,
        inclusion,
        release,
        rounds,
        schema,
        tables,
        upstream,
        vocabulary,
    )

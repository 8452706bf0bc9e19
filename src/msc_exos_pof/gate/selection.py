"""Which checks run: ``select`` and ``ignore`` patterns, checked against the registry.

A pattern is a check id (``schema.type``), an id prefix (``schema`` or ``schema.``: every
``schema.*``) or a glob (``counts.per_*``). A pattern that matches no check is refused, and so is
a selection that leaves no check to run: a typo must never silently switch the gate off.

>>> checks_matching("integrity")
['integrity.bytes', 'integrity.hash', 'integrity.unhashed']
>>> selected_ids(select=["schma"])
Traceback (most recent call last):
...
ValueError: select: 'schma' matches no check id; see `msc-exos-pof checks` for the ids
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable

_GLOB = frozenset("*?[")


def _ids() -> list[str]:
    from .registry import all_checks

    return [check.id for check in all_checks()]


def matches(check_id: str, patterns: Iterable[str]) -> bool:
    """Whether ``check_id`` is named by any of ``patterns`` (id, prefix or glob)."""
    for pattern in patterns:
        if _GLOB & set(pattern):
            if fnmatch.fnmatchcase(check_id, pattern):
                return True
        elif check_id == pattern or check_id.startswith(pattern.rstrip(".") + "."):
            return True
    return False


def patterns(value: object, name: str) -> list[str]:
    """``value`` as a list of patterns; ``TypeError`` for anything but an iterable of strings.

    A bare string is refused rather than read as its characters (``select="integrity"`` would
    otherwise select nothing and pass every package).
    """
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(
            f"{name} must be a list of check ids or prefixes, not "
            f"{type(value).__name__} {value!r}; write {name}=[{value!r}]"
        )
    found = list(value)
    for item in found:
        if not isinstance(item, str) or not item.strip():
            raise TypeError(f"{name}: {item!r} is not a check id or prefix")
    return [item.strip() for item in found]


def checks_matching(pattern: str) -> list[str]:
    """The ids a single pattern names, in registry order."""
    return [check_id for check_id in _ids() if matches(check_id, [pattern])]


def selected_ids(select: object = None, ignore: object = None) -> list[str]:
    """The ids of the checks that run, in registry order.

    ``TypeError`` for a ``select``/``ignore`` that is not a list of strings; ``ValueError`` for a
    pattern that matches no check or a selection that leaves none.
    """
    selected, ignored = patterns(select, "select"), patterns(ignore, "ignore")
    ids = _ids()
    for name, given in (("select", selected), ("ignore", ignored)):
        for pattern in given:
            if not any(matches(check_id, [pattern]) for check_id in ids):
                raise ValueError(
                    f"{name}: {pattern!r} matches no check id; see "
                    "`msc-exos-pof checks` for the ids"
                )
    chosen = [
        check_id
        for check_id in ids
        if (not selected or matches(check_id, selected)) and not matches(check_id, ignored)
    ]
    if not chosen:
        raise ValueError(
            "the selection leaves no check to run: --select and --ignore together "
            "exclude every check"
        )
    return chosen

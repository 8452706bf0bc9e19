"""Data-model versions: which released Table Schemas a copy of the package follows.

The descriptor's ``modelVersion`` names the release whose resources, fields, keys and codes the
package follows. Data-only releases keep the model of the release before them; a release that
changes the Table Schemas names its own version. Copies made before the key existed (release
0.1.0 and earlier) follow model 0.1.0. A copy made with an earlier model is migrated by
``msc-exos-pof upgrade``; until then the gate reports that one fact instead of every field the
copy lacks.

>>> model_version({"version": "0.1.0"})
'0.1.0'
>>> model_version({"modelVersion": "1.0.0"})
'1.0.0'
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Literal

from .versions import is_version, parse

MODEL_KEY = "modelVersion"
#: The model of copies whose descriptor has no ``modelVersion`` (made before it existed).
FIRST_MODEL = "0.1.0"


def model_version(descriptor: Any) -> str:
    """The data model ``descriptor`` follows (``FIRST_MODEL`` when it does not say)."""
    declared = descriptor.get(MODEL_KEY) if isinstance(descriptor, dict) else None
    return declared if isinstance(declared, str) else FIRST_MODEL


def current_model() -> str:
    """The data model of this library: the one its shipped package follows."""
    from ..io.descriptor import read_descriptor

    return model_version(read_descriptor(None))


@dataclass(frozen=True)
class ModelMismatch:
    """A copy whose data model is not this library's."""

    found: str
    expected: str
    kind: Literal["older", "newer", "unknown"]
    declared: bool  # False: the descriptor has no modelVersion
    pinned: str | None = None  # the last release of the copy's model, to pin instead

    def message(self, path: str | os.PathLike[str] | None = None) -> str:
        """What happened, what was expected and what to do, in one sentence."""
        from ..io.descriptor import read_descriptor

        library = read_descriptor(None).get("version")
        target = "PATH" if path is None else str(path)
        source = (
            f'its datapackage.json says "{MODEL_KEY}": "{self.found}"'
            if self.declared
            else f'its datapackage.json has no "{MODEL_KEY}", as copies made from release '
            f"{FIRST_MODEL} or earlier"
        )
        head = (
            f"this copy follows data model {self.found} ({source}), but this library "
            f"(msc-exos-pof {library}) checks data model {self.expected}"
        )
        if self.kind == "older":
            pin = (
                f', or pin the release it was made with: pip install "msc-exos-pof=={self.pinned}"'
                if self.pinned
                else ""
            )
            return (
                f"{head}; run `msc-exos-pof upgrade {target}` to migrate it to model "
                f"{self.expected} (every row you added or edited is kept){pin}"
            )
        if self.kind == "newer":
            return (
                f"{head}, an older one; install a library that knows model {self.found}: "
                "pip install --upgrade msc-exos-pof"
            )
        return (
            f"{head}; {self.found!r} is not a released data model ({', '.join(self._known())}): "
            f'correct "{MODEL_KEY}" to the model the copy was made with'
        )

    def _known(self) -> list[str]:
        from .record import released_models

        known = [*released_models(), self.expected]
        return list(dict.fromkeys(known))


def model_mismatch(descriptor: Any, current: str | None = None) -> ModelMismatch | None:
    """``None`` when ``descriptor`` follows this library's data model, else how it differs."""
    from .record import releases

    expected = current or current_model()
    found = model_version(descriptor)
    if found == expected:
        return None
    declared = isinstance(descriptor, dict) and isinstance(descriptor.get(MODEL_KEY), str)
    recorded = releases()
    of_model = [item.version for item in recorded if item.model == found]
    if of_model and parse(found).key() < parse(expected).key():
        return ModelMismatch(found, expected, "older", declared, of_model[-1])
    if is_version(found) and parse(found).key() > parse(expected).key():
        return ModelMismatch(found, expected, "newer", declared)
    return ModelMismatch(found, expected, "unknown", declared)

"""Checks: every coded value (every code of every enum) is defined in ``vocabularies``, and
every definition there is a code some field uses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...io.vocabularies import VOCABULARIES, coded_fields
from ..registry import register
from ..report import Finding
from .consistency_differences import usable

if TYPE_CHECKING:  # pragma: no cover
    from ...io.context import PackageContext


@register(
    "vocabulary.coverage",
    "error",
    "every code of every enum has a label and definition in vocabularies, and every "
    "vocabularies row defines a code in use",
    "consistency",
)
def vocabulary_coverage(ctx: PackageContext) -> Iterator[Finding]:
    # A copy without the resource predates it: nothing to compare.
    if VOCABULARIES not in ctx.files:
        return
    frame = ctx.frame(VOCABULARIES)
    if not usable(frame, "vocabulary", "code"):
        return
    coded = coded_fields(ctx.descriptor)
    vocabulary = frame["vocabulary"].astype("string").fillna("")
    code = frame["code"].astype("string").fillna("")
    defined = set(zip(vocabulary.tolist(), code.tolist(), strict=True))
    for name, codes in coded.items():
        for value, places in codes.items():
            if (name, value) in defined:
                continue
            resource, field = places[0]
            yield vocabulary_coverage.finding(
                f"resource '{resource}' field '{field}': code {value!r} has no definition in "
                f"{VOCABULARIES}; expected every code to be defined: add the row "
                f"'{name},{value},<label>,<definition>' to data/{VOCABULARIES}.csv",
                resource=resource,
                field=field,
            )
    for index, (name, value) in enumerate(zip(vocabulary, code, strict=True)):
        if value in coded.get(name, {}):
            continue
        where = (
            f"no field named '{name}' has an enum"
            if name not in coded
            else f"the enums of fields named '{name}' do not list {value!r}"
        )
        yield vocabulary_coverage.finding(
            f"{VOCABULARIES} row {index + 1} defines {name}/{value!r}, but {where}; expected "
            "every definition to be a code in use: remove the row or correct vocabulary/code",
            resource=VOCABULARIES,
            row=index + 1,
            field="code",
        )

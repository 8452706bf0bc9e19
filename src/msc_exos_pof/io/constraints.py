"""Whether each cell fits its field: the Table Schema's types and constraints, column by column.

The gate's schema checks and the strict loader (``load``) both ask here, so a cell that the gate
reports is exactly a cell that ``load`` refuses, with the same message. The rules are pandera's
reading of Table Schema constraints (``FrictionlessFieldParser``: ``required`` -> not nullable,
``enum`` -> isin, ``minimum``/``maximum`` -> in range, ``pattern`` -> a full match,
``minLength``/``maxLength`` -> text length, ``unique`` -> no repeats), run as Arrow kernels: one
vectorised pass per rule, no pandas fallback loops and no pandera import on this path.
``tests/test_schema_checks.py`` proves both engines flag the same cells. Empty cells only break
``required``; a malformed constraint is skipped here and reported by ``descriptor.metadata``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .convert import arrow_column
from .tableschema import constraints, enum
from .vectorised import repeated

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

#: A field type whose cells convert to another dtype (a cell that does not convert is lost).
TYPED_KINDS = {"integer", "number", "boolean", "year"}
#: Rules that judge a cell against the other rows of its column, not on its own.
TABLE_WIDE = {"unique"}


@dataclass(frozen=True)
class CellFailure:
    """A cell that breaks ``rule`` (``type``, ``required``, ``enum``, ``range``, ``pattern``,
    ``length`` or ``unique``); ``row`` is 1-based, ``None`` for a rule that cannot be run."""

    rule: str
    row: int | None
    field: str
    message: str


def show(value: Any) -> str:
    """A cell's value for a message: its repr, cut to 60 characters."""
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # np.int64(1) -> 1: show the value, not numpy's repr
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def expected(rule: str, field: dict[str, Any]) -> str:
    """What the Table Schema expects of a cell under ``rule``, for the message."""
    c = constraints(field)
    if rule == "enum":
        return "one of " + ", ".join(map(str, enum(field) or []))
    if rule == "range":
        bounds = [
            f">= {c['minimum']}" if "minimum" in c else "",
            f"<= {c['maximum']}" if "maximum" in c else "",
        ]
        return "a value " + " and ".join(b for b in bounds if b)
    if rule == "pattern":
        return f"text matching the pattern {c.get('pattern')}"
    if rule == "length":
        bounds = [
            f"at least {c['minLength']}" if "minLength" in c else "",
            f"at most {c['maxLength']}" if "maxLength" in c else "",
        ]
        return "text of " + " and ".join(b for b in bounds if b) + " characters"
    if rule == "unique":
        return "a value that no other row has (the field is unique)"
    return "a value (the field is required)"


def pattern_problem(pattern: str) -> str | None:
    """Why RE2 cannot run ``pattern`` (its syntax error, or a look-around or back-reference it
    does not support), or ``None`` when it can."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        pc.match_substring_regex(pa.array([""], pa.large_string()), f"^(?:{pattern})$")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
        text = str(error).strip().splitlines()[0] if str(error).strip() else "invalid pattern"
        return text.removeprefix("Invalid regular expression: ")
    return None


def cell_failures(
    name: str, fields: list[dict[str, Any]], raw: pd.DataFrame, typed: pd.DataFrame
) -> list[CellFailure]:
    """Every type and constraint failure of one resource (every failure, not the first):
    ``raw`` as read (text), ``typed`` as ``typed_frame`` made it."""
    found = _type_failures(name, raw, typed, fields) + _pattern_failures(name, fields)
    lost = {(f.row, f.field) for f in found}
    for field in fields:
        column = field.get("name")
        if column not in raw.columns or column not in typed.columns:
            continue
        for rule, bad, shown in _violations(field, raw[column], typed[column]):
            text = expected(rule, field)
            for index in raw.index[bad]:
                row = int(index) + 1
                if rule == "required" and (row, column) in lost:
                    continue  # already a type failure: written but unreadable
                value = "an empty cell" if rule == "required" else show(shown[index])
                found.append(
                    CellFailure(
                        rule,
                        row,
                        str(column),
                        f"resource '{name}' row {row} field '{column}': {value} where the Table "
                        f"Schema expects {text}; correct the cell (or the schema in "
                        "datapackage.json)",
                    )
                )
    return found


def _type_failures(
    name: str, raw: pd.DataFrame, typed: pd.DataFrame, fields: list[dict[str, Any]]
) -> list[CellFailure]:
    """Cells written but lost in conversion: ``typed_frame`` turns them into missing values."""
    out = []
    for field in fields:
        column = field.get("name")
        kind = field.get("type", "string")
        if kind not in TYPED_KINDS or column not in raw.columns:
            continue
        bad = raw[column].ne("") & typed[column].isna()
        for index, value in raw.loc[bad, column].items():
            out.append(
                CellFailure(
                    "type",
                    int(index) + 1,
                    str(column),
                    f"resource '{name}' row {index + 1} field '{column}': {show(value)} is not a "
                    f"valid {kind}; write a {kind} or leave the cell empty if the field is "
                    "optional",
                )
            )
    return out


def _pattern_failures(name: str, fields: list[dict[str, Any]]) -> list[CellFailure]:
    """A pattern that cannot be run disables no rule silently: it is a failure of its own."""
    out = []
    for field in fields:
        pattern = constraints(field).get("pattern")
        if field.get("type", "string") != "string" or not isinstance(pattern, str):
            continue
        problem = pattern_problem(pattern)
        if problem is not None:
            out.append(
                CellFailure(
                    "pattern",
                    None,
                    str(field.get("name")),
                    f"resource '{name}' field '{field.get('name')}': the pattern {show(pattern)} "
                    f"cannot be checked ({problem}), so no cell is checked against it; rewrite "
                    "it for a linear-time engine (RE2: no look-arounds or back-references)",
                )
            )
    return out


# --- one vectorised pass per rule ----------------------------------------------------------------


@dataclass
class _Column:
    """One field's cells as read (``raw``) and typed, with what the rules share."""

    field: dict[str, Any]
    raw: pd.Series
    typed: pd.Series
    rules: dict[str, Any]
    kind: str
    text: Any  # the raw cells as Arrow text ("" missing), for text fields only
    present: np.ndarray  # a written text cell, or a typed cell that converted


#: (rows that break the rule, the values to show in its messages), or ``None`` when the field
#: does not have the rule.
_Broken = tuple["np.ndarray", "pd.Series"] | None


def _violations(
    field: dict[str, Any], raw: pd.Series, typed: pd.Series
) -> Iterator[tuple[str, np.ndarray, pd.Series]]:
    """(rule, rows that break it, the values to show) for each rule of one field."""
    import pyarrow.compute as pc

    kind = field.get("type", "string")
    text = arrow_column(raw) if kind == "string" else None
    # A text cell is present when written (a value outside an enum is an enum failure, not a
    # missing one); a typed cell when it converted (unreadable cells are type failures).
    present = (
        pc.is_valid(text).to_numpy(zero_copy_only=False)
        if text is not None
        else typed.notna().to_numpy()
    )
    column = _Column(field, raw, typed, constraints(field), kind, text, present)
    for rule, test in _RULES:
        broken = test(column)
        if broken is not None:
            yield rule, *broken


def _number(value: Any) -> bool:
    """A JSON number as a constraint bound (``true`` is not one, though Python says so)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _required(c: _Column) -> _Broken:
    return (~c.present, c.raw) if c.rules.get("required") is True else None


def _enum(c: _Column) -> _Broken:
    import pyarrow as pa
    import pyarrow.compute as pc

    codes = enum(c.field)
    if not codes:
        return None
    if c.text is None:
        return c.present & ~c.typed.isin(codes).to_numpy(dtype=bool), c.typed
    allowed = pa.array([str(v) for v in codes], pa.large_string())
    inside = pc.or_(pc.is_null(c.text), pc.is_in(c.text, value_set=allowed))
    return ~inside.to_numpy(zero_copy_only=False), c.raw


def _range(c: _Column) -> _Broken:
    import pandas as pd

    low, high = c.rules.get("minimum"), c.rules.get("maximum")
    if c.kind not in ("integer", "number", "year") or not (_number(low) or _number(high)):
        return None
    values = c.typed.astype("Float64")
    outside = pd.Series(False, index=c.typed.index)
    if _number(low):
        outside |= (values < low).fillna(False)
    if _number(high):
        outside |= (values > high).fillna(False)
    return outside.to_numpy(dtype=bool), c.typed


def _pattern(c: _Column) -> _Broken:
    import pyarrow.compute as pc

    pattern = c.rules.get("pattern")
    # RE2 (Arrow's engine) runs in linear time; Python's re could backtrack for ever on a
    # hostile pattern, so a pattern RE2 cannot run is a failure of its own (``pattern_problem``),
    # never a fallback.
    if c.text is None or not isinstance(pattern, str) or pattern_problem(pattern) is not None:
        return None
    matches = pc.match_substring_regex(c.text, f"^(?:{pattern})$")
    return ~pc.fill_null(matches, True).to_numpy(zero_copy_only=False), c.raw


def _length(c: _Column) -> _Broken:
    import pyarrow as pa
    import pyarrow.compute as pc

    shortest, longest = c.rules.get("minLength"), c.rules.get("maxLength")
    if c.text is None or not (_number(shortest) or _number(longest)):
        return None
    length = pc.utf8_length(c.text)
    wrong = pa.scalar(False)
    if _number(shortest):
        wrong = pc.or_(wrong, pc.less(length, shortest))
    if _number(longest):
        wrong = pc.or_(wrong, pc.greater(length, longest))
    return pc.fill_null(wrong, False).to_numpy(zero_copy_only=False), c.raw


def _unique(c: _Column) -> _Broken:
    import pandas as pd

    if c.rules.get("unique") is not True:
        return None
    # Text compares as written (two cells outside an enum still repeat each other); one Arrow
    # hash per column, where pandas' is_unique costs ~1 s per million cells.
    values = (
        pd.Series(c.text, index=c.raw.index, dtype=pd.StringDtype("pyarrow"))
        if c.text is not None
        else c.typed
    )
    return repeated(values), values


#: The rules of a field, in the order their failures are reported.
_RULES: tuple[tuple[str, Callable[[_Column], _Broken]], ...] = (
    ("required", _required),
    ("enum", _enum),
    ("range", _range),
    ("pattern", _pattern),
    ("length", _length),
    ("unique", _unique),
)

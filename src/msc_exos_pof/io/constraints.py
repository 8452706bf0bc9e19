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

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .convert import arrow_table, missing_as_null
from .tableschema import constraints, enum
from .vectorised import arrow_text, repeated

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd
    import pyarrow as pa

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
    name: str,
    fields: list[dict[str, Any]],
    raw: pa.Table | pd.DataFrame,
    typed: pd.DataFrame,
    *,
    whole_table: bool = True,
) -> list[CellFailure]:
    """Every type and constraint failure of one resource (every failure, not the first):
    ``raw`` as read (an Arrow table of text, or its pandas frame), ``typed`` as
    ``typed_frame`` made it. ``whole_table=False`` leaves out the rules that judge a cell
    against the other rows (``TABLE_WIDE``).

    Each rule is a few Arrow kernels over a column; only the cells it flags become messages.
    """
    table = arrow_table(raw)
    names = set(table.column_names)
    present = names.intersection(typed.columns)
    columns = [_Column(field, table, typed) for field in fields if field.get("name") in present]
    found = [f for c in columns for f in _type_failures(name, c)] + _pattern_failures(name, fields)
    lost = {(f.row, f.field) for f in found}
    for column in columns:
        label = column.field["name"]
        for rule, test in _RULES:
            broken = None if rule in TABLE_WIDE and not whole_table else test(column)
            if broken is None:
                continue
            rows, shown = broken
            text = expected(rule, column.field)
            for position in rows.tolist():
                row = position + 1
                if rule == "required" and (row, label) in lost:
                    continue  # already a type failure: written but unreadable
                value = "an empty cell" if rule == "required" else show(shown(position))
                found.append(
                    CellFailure(
                        rule,
                        row,
                        label,
                        f"resource '{name}' row {row} field '{label}': {value} where the Table "
                        f"Schema expects {text}; correct the cell (or the schema in "
                        "datapackage.json)",
                    )
                )
    return found


def _type_failures(name: str, c: _Column) -> list[CellFailure]:
    """Cells written but lost in conversion: ``typed_frame`` turns them into missing values, so
    a column has some exactly when more of its cells are missing typed than as text."""
    import numpy as np

    if c.kind not in TYPED_KINDS or int(c.missing.sum()) == c.text.null_count:
        return []
    kind, label = c.kind, c.field["name"]
    return [
        CellFailure(
            "type",
            position + 1,
            label,
            f"resource '{name}' row {position + 1} field '{label}': {show(c.written(position))} "
            f"is not a valid {kind}; write a {kind} or leave the cell empty if the field is "
            "optional",
        )
        for position in np.flatnonzero(c.missing & c.filled).tolist()
    ]


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


class _Column:
    """One field's cells as read (``raw``, Arrow text) and typed (pandas), with what the rules
    share, each computed when a rule first needs it (a text field without rules needs none)."""

    def __init__(self, field: dict[str, Any], table: pa.Table, frame: pd.DataFrame) -> None:
        self.field = field
        self._table = table
        self._frame = frame
        self.rules = constraints(field)
        self.kind = field.get("type", "string")

    @cached_property
    def raw(self) -> pa.ChunkedArray:
        """The cells as read."""
        return self._table.column(self.field["name"])

    @cached_property
    def typed(self) -> pd.Series:
        """The cells as ``typed_frame`` made them."""
        return self._frame[self.field["name"]]

    @cached_property
    def text(self) -> pa.ChunkedArray:
        """The cells as text, "" as missing (a text field's typed cells are exactly that)."""
        import pandas as pd

        if isinstance(self.typed.dtype, pd.StringDtype):
            return arrow_text(self.typed)
        return missing_as_null(self.raw)

    @cached_property
    def filled(self) -> np.ndarray:
        """Cells with something written in them."""
        import pyarrow.compute as pc

        return _numpy(pc.is_valid(self.text))

    @cached_property
    def missing(self) -> np.ndarray:
        """Cells missing once typed (empty, or lost in conversion)."""
        return self.typed.isna().to_numpy()

    @property
    def present(self) -> np.ndarray:
        """A written text cell (a value outside an enum is an enum failure, not a missing one),
        or a typed cell that converted (an unreadable one is a type failure)."""
        return self.filled if self.kind == "string" else ~self.missing

    def written(self, position: int) -> Any:
        """The cell at ``position`` as written."""
        return self.raw[position].as_py()

    def value(self, position: int) -> Any:
        """The typed cell at ``position``."""
        return self.typed.iloc[position]


#: (0-based positions of the cells that break the rule, the value to show for a position), or
#: ``None`` when the field does not have the rule or no cell breaks it.
_Broken = tuple["np.ndarray", Callable[[int], Any]] | None


def _numpy(mask: Any) -> np.ndarray:
    """An Arrow boolean (no nulls) as a numpy array."""
    return mask.to_numpy(zero_copy_only=False)


def _flagged(mask: np.ndarray, shown: Callable[[int], Any]) -> _Broken:
    import numpy as np

    return (np.flatnonzero(mask), shown) if mask.any() else None


def _arrow_flagged(mask: Any, shown: Callable[[int], Any]) -> _Broken:
    """``_flagged`` of an Arrow boolean (nulls are not flagged), converted only when needed."""
    import pyarrow.compute as pc

    return _flagged(_numpy(pc.fill_null(mask, False)), shown) if pc.any(mask).as_py() else None


def _number(value: Any) -> bool:
    """A JSON number as a constraint bound (``true`` is not one, though Python says so)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _required(c: _Column) -> _Broken:
    if c.rules.get("required") is not True:
        return None
    if c.kind == "string" and c.text.null_count == 0:
        return None
    return _flagged(~c.present, c.written)


def _enum(c: _Column) -> _Broken:
    import pyarrow as pa
    import pyarrow.compute as pc

    codes = enum(c.field)
    if not codes:
        return None
    if c.kind != "string":
        return _flagged(c.present & ~c.typed.isin(codes).to_numpy(dtype=bool), c.value)
    allowed = pa.array([str(v) for v in codes], pa.large_string())
    outside = pc.and_not(pc.is_valid(c.text), pc.is_in(c.text, value_set=allowed))
    return _arrow_flagged(outside, c.written)


def _range(c: _Column) -> _Broken:
    import numpy as np

    low, high = c.rules.get("minimum"), c.rules.get("maximum")
    if c.kind not in ("integer", "number", "year") or not (_number(low) or _number(high)):
        return None
    # As Float64, as pandera compares; a missing cell is NaN, outside no bound.
    values = c.typed.to_numpy(dtype="float64", na_value=np.nan)
    outside = np.zeros(len(values), dtype=bool)
    if _number(low):
        outside |= values < low
    if _number(high):
        outside |= values > high
    return _flagged(outside, c.value)


def _pattern(c: _Column) -> _Broken:
    import pyarrow.compute as pc

    pattern = c.rules.get("pattern")
    # RE2 (Arrow's engine) runs in linear time; Python's re could backtrack for ever on a
    # hostile pattern, so a pattern RE2 cannot run is a failure of its own (``pattern_problem``),
    # never a fallback.
    if c.kind != "string" or not isinstance(pattern, str) or pattern_problem(pattern) is not None:
        return None
    matches = pc.match_substring_regex(c.text, f"^(?:{pattern})$")
    return _arrow_flagged(pc.invert(matches), c.written)


def _length(c: _Column) -> _Broken:
    import pyarrow as pa
    import pyarrow.compute as pc

    shortest, longest = c.rules.get("minLength"), c.rules.get("maxLength")
    if c.kind != "string" or not (_number(shortest) or _number(longest)):
        return None
    length = pc.utf8_length(c.text)
    wrong = pa.scalar(False)
    if _number(shortest):
        wrong = pc.or_(wrong, pc.less(length, shortest))
    if _number(longest):
        wrong = pc.or_(wrong, pc.greater(length, longest))
    return _arrow_flagged(wrong, c.written)


def _unique(c: _Column) -> _Broken:
    if c.rules.get("unique") is not True:
        return None
    if c.kind != "string":
        return _flagged(repeated(c.typed), c.value)
    # Text compares as written: two cells outside an enum still repeat each other.
    return _flagged(repeated(c.text), c.written)


#: The rules of a field, in the order their failures are reported.
_RULES: tuple[tuple[str, Callable[[_Column], _Broken]], ...] = (
    ("required", _required),
    ("enum", _enum),
    ("range", _range),
    ("pattern", _pattern),
    ("length", _length),
    ("unique", _unique),
)

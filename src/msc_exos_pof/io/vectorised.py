"""Vectorised text operations on Arrow-backed pandas columns, run by ``pyarrow.compute``.

pandas falls back to a Python loop for some string methods (``casefold``, ``isin`` with a large
value set, regex replace on some dtypes): at a million rows those loops cost seconds each. These
helpers hand the work to Arrow's C++ kernels instead, and return pandas objects on the same index.
Missing values stay missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd
    import pyarrow as pa


def arrow_text(values: Any) -> pa.Array | pa.ChunkedArray:
    """A pandas Series (any dtype) or a list as Arrow ``large_string``, zero-copy for
    Arrow-backed text. Chunks are kept: Arrow's kernels run chunk by chunk, and combining a
    million-row column would copy every character."""
    import pandas as pd
    import pyarrow as pa

    if isinstance(values, pa.Array | pa.ChunkedArray):
        return values.cast(pa.large_string())
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    dtype = series.dtype
    if isinstance(dtype, pd.StringDtype) or (
        isinstance(dtype, pd.CategoricalDtype) and dtype.categories.inferred_type == "string"
    ):
        # Text is handed over as it is (no copy for Arrow's); text codes are decoded by Arrow.
        return pa.array(series.array, from_pandas=True).cast(pa.large_string())
    return pa.array(series.astype("string"), from_pandas=True).cast(pa.large_string())


def _one_chunk(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    """A kernel that needs one array (the rare paths: few rows, or a result)."""
    import pyarrow as pa

    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _series(array: pa.Array, index: pd.Index) -> pd.Series:
    import pandas as pd

    return pd.Series(array, index=index, dtype=pd.StringDtype("pyarrow"))


def _numeric(series: pd.Series | Any) -> bool:
    import pandas as pd

    return isinstance(series, pd.Series) and pd.api.types.is_integer_dtype(series.dtype)


def isin(series: pd.Series, values: Any) -> np.ndarray:
    """Boolean numpy mask: which cells of ``series`` (as text) are among ``values`` (as text).

    Missing cells are never in; missing values in ``values`` are ignored. Linear: a hash set.
    """
    import pandas as pd
    import pyarrow.compute as pc

    if not isinstance(values, pd.Series):
        values = pd.Series(list(values), dtype=object)
    if _numeric(series) and _numeric(values):  # integer keys: hash the numbers, not their text
        return (series.isin(values.dropna().unique()) & series.notna()).to_numpy(dtype=bool)
    found = pc.is_in(
        arrow_text(series), value_set=_one_chunk(pc.drop_null(arrow_text(values))), skip_nulls=True
    )
    return found.to_numpy(zero_copy_only=False).astype(bool)


def normalised(series: pd.Series) -> pd.Series:
    """Lower-cased text with runs of whitespace squeezed to one space and the ends trimmed.

    For comparing titles regardless of case and spacing (Unicode lower case, not full case
    folding: "ß" stays "ß").
    """
    import pyarrow.compute as pc

    text = pc.utf8_lower(arrow_text(series))
    # A regex replace costs about 1 s per million titles; only cells with a run of whitespace
    # or a whitespace other than " " need it, and a match is a tenth of the price.
    needs = pc.fill_null(pc.match_substring_regex(text, r"\s\s|[\t\n\r\f\v]"), False)
    if pc.any(needs).as_py():
        text, needs = _one_chunk(text), _one_chunk(needs)
        squeezed = pc.replace_substring_regex(text.filter(needs), r"\s+", " ")
        text = pc.replace_with_mask(text, needs, _one_chunk(squeezed))
    return _series(pc.utf8_trim_whitespace(text), series.index)


def replace_regex(series: pd.Series, pattern: str, replacement: str) -> pd.Series:
    """``re.sub`` for a whole column with an RE2 pattern (``\\1`` back-references work)."""
    import pyarrow.compute as pc

    return _series(
        pc.replace_substring_regex(arrow_text(series), pattern, replacement), series.index
    )


def first_part(series: pd.Series, separator: str) -> pd.Series:
    """The text before the first ``separator`` of each cell, trimmed ("Li Q, Zhang Z" -> "Li Q")."""
    import pyarrow.compute as pc

    parts = pc.split_pattern(arrow_text(series), separator, max_splits=1)
    return _series(pc.utf8_trim_whitespace(pc.list_element(parts, 0)), series.index)


def tokens(series: pd.Series, pattern: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split each cell on a regex: (row position, token, position of the token in its cell).

    Empty tokens are dropped (positions count only the kept ones); missing cells give none.
    """
    import numpy as np
    import pyarrow.compute as pc

    lists = pc.split_pattern_regex(_one_chunk(arrow_text(series)), pattern)
    flat = pc.list_flatten(lists)
    parents = pc.list_parent_indices(lists).to_numpy()
    kept = pc.not_equal(flat, "").to_numpy(zero_copy_only=False)
    flat = flat.filter(kept)
    parents = parents[kept]
    # The position of a token among its cell's kept tokens: its rank after the cell's first.
    starts = np.r_[0, np.flatnonzero(np.diff(parents)) + 1]
    first_of_run = np.repeat(starts, np.diff(np.r_[starts, len(parents)]))
    position = np.arange(len(parents)) - first_of_run
    return parents, flat.to_numpy(zero_copy_only=False), position


def repeated(series: pd.Series | pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Boolean numpy mask: cells whose (non-missing) value occurs more than once in the column.

    One hash table counts the values (``value_counts``, across all chunks at once), a second
    pass marks the cells holding a value counted twice or more. Linear; the usual case (no
    repeats) lets callers run their detailed pandas-level logic on the few repeated rows only.
    """
    import numpy as np
    import pyarrow.compute as pc

    if _numeric(series):  # integers hash as numbers, without becoming text first
        return (series.duplicated(keep=False) & series.notna()).to_numpy(dtype=bool)
    text = arrow_text(series)
    written = len(text) - text.null_count
    if len(pc.unique(text)) - (1 if text.null_count else 0) == written:
        return np.zeros(len(text), dtype=bool)  # as many values as cells: none repeats
    counts = pc.value_counts(text)  # missing cells count as one more value: dropped below
    twice = pc.drop_null(pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1)))
    return (
        pc.is_in(text, value_set=twice, skip_nulls=True).to_numpy(zero_copy_only=False).astype(bool)
    )


def extract(series: pd.Series, pattern: str) -> pd.Series:
    """The first capture group of an RE2 ``pattern`` in each cell; missing where it does not
    match (``Series.str.extract(pattern, expand=False)``, in Arrow)."""
    import pyarrow.compute as pc

    named = pattern.replace("(", "(?P<g>", 1)
    found = pc.struct_field(pc.extract_regex(arrow_text(series), named), [0])
    return _series(found, series.index)


def row_keys(*columns: Any) -> pa.Array | pa.ChunkedArray:
    """One text key per row, equal for two rows exactly when each of ``columns`` (Series,
    Arrow text, or one text for every row) is: every cell is written after its length, so no
    cell can pass for a boundary (missing cells count as "")."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = []
    for column in columns:
        if isinstance(column, str):
            text = pa.scalar(column, pa.large_string())
        else:
            text = pc.fill_null(arrow_text(column), "")
        parts += [pc.cast(pc.utf8_length(text), pa.large_string()), text]
    return pc.binary_join_element_wise(*parts, pa.scalar(":", pa.large_string()))


def among(keys: Any, known: Any) -> np.ndarray:
    """Boolean numpy mask: which of ``keys`` are among ``known`` (Arrow text, e.g. ``row_keys``).

    One hash set, built from the smaller side: a few keys against many known values first keep
    the known values that are keys (a small set that fits the cache), then look the keys up in
    those.
    """
    import numpy as np
    import pyarrow.compute as pc

    if len(keys) == 0 or len(known) == 0:
        return np.zeros(len(keys), dtype=bool)
    if len(known) > 4 * len(keys):
        known = pc.filter(known, pc.is_in(known, value_set=_one_chunk(keys)))
    found = pc.is_in(keys, value_set=_one_chunk(known))
    return found.to_numpy(zero_copy_only=False).astype(bool)


def extended_keys(keys: Any, *columns: Any) -> pa.Array | pa.ChunkedArray:
    """``row_keys`` of more columns, after keys already made (they stay as injective)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.binary_join_element_wise(keys, row_keys(*columns), pa.scalar(":", pa.large_string()))

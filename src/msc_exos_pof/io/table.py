"""Reading a resource's CSV: its bytes (read whole), the byte scan, Arrow's parse, the digest.

What a CSV reader would silently absorb (an unclosed quote, blank or ragged rows) is refused
here with the rows that show it, so a broken table never reaches the checks as a shifted frame.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import TYPE_CHECKING, Any

from ..errors import TableError
from .descriptor import ResourceFile
from .files import MAX_TABLE_BYTES, read_regular

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import pyarrow as pa


# The ids of the findings a table that cannot be read becomes: a ``TableError`` carries one, and
# the gate's table checks report them (gate/checks/tables.py).
#: The file does not exist or is not a regular file.
MISSING_FILE = "table.missing_file"
#: The file is not UTF-8.
NOT_UTF8 = "table.encoding"
#: The file does not parse as CSV (an unclosed quote, blank or ragged rows).
UNPARSABLE = "table.parse"
#: The resource declares a CSV dialect other than the default one, which is all that is read.
DIALECT = "table.dialect"

#: The CSV dialect this reader reads (Table Schema's default): a dialect may say so, and no more.
_DEFAULT_DIALECT = {
    "delimiter": {","},
    "quoteChar": {'"'},
    "doubleQuote": {True},
    "lineTerminator": {"\r\n", "\n", "\r"},
    "skipInitialSpace": {False},
    "header": {True},
}
#: Dialect properties that do not change how the bytes are read.
_DIALECT_NOTES = {"caseSensitiveHeader", "csvddfVersion", "$schema", "profile", "title"}


def dialect_problem(resource: dict[str, Any]) -> str | None:
    """What of the resource's ``dialect`` this reader would not honour (``None``: the default
    dialect, written or not). Frictionless reads a ``;``-delimited file by its dialect; reading
    it as commas would judge other cells than the ones written, so it is refused instead."""
    dialect = resource.get("dialect")
    if dialect is None:
        return None
    if not isinstance(dialect, dict):
        return f"its dialect is {dialect!r}, not an inline dialect object"
    for key, value in dialect.items():
        if key in _DIALECT_NOTES:
            continue
        allowed = _DEFAULT_DIALECT.get(key)
        if allowed is None or not any(value == a and type(value) is type(a) for a in allowed):
            return f"its dialect sets {key} to {value!r}"
    return None


#: At most this many rows are listed per resource and problem; the rest are counted.
MAX_ROWS = 20


@dataclass
class CsvStructure:
    """What a byte-level scan of a CSV file found: its header and problems (row, message)."""

    header: list[str] = dataclass_field(default_factory=list)
    problems: list[tuple[int | None, str]] = dataclass_field(default_factory=list)
    #: (bytes, "sha256:<hex>") of the file as read, for the integrity checks.
    digest: tuple[int, str] | None = None

    @property
    def broken(self) -> bool:
        return bool(self.problems)


def _rows_text(rows: Any) -> str:
    listed = ", ".join(str(int(r)) for r in rows[:MAX_ROWS])
    more = len(rows) - MAX_ROWS
    return listed + (f" and {more} more" if more > 0 else "")


def scan_csv(data: bytes) -> CsvStructure:
    """Scan CSV bytes for what pandas' parser may silently absorb, vectorised with numpy.

    RFC 4180 quotes come in pairs (``""`` escapes one), so a running count of quote bytes tells
    which newlines and commas lie outside quoted fields: those end records and separate fields.
    An odd total is an unclosed quote; a record with another number of fields than the header
    is ragged (pandas pads short rows and may turn a long first row into an index).
    """
    import numpy as np

    out = CsvStructure()
    if not data:
        return out
    arr = np.frombuffer(data, dtype=np.uint8)
    # Memory: a few bytes per byte of the file at most (this is the error path of large files).
    # Parity is all that matters, so a uint8 running sum (wrapping at 256) keeps the quote count
    # at one byte per byte, and the masks are computed in place and freed as soon as used.
    inside = np.cumsum(arr == ord('"'), dtype=np.uint8)
    np.bitwise_and(inside, 1, out=inside)
    inside = inside.view(bool)
    mask = arr == ord("\n")
    np.greater(mask, inside, out=mask)  # a newline outside quotes: bool a > b is a & ~b
    end_positions = np.flatnonzero(mask)
    np.equal(arr, ord(","), out=mask)
    np.greater(mask, inside, out=mask)
    comma_positions = np.flatnonzero(mask)
    del mask
    unclosed = bool(inside[-1])
    del inside
    first = data[: end_positions[0]] if len(end_positions) else data
    out.header = _first_record(first.decode("utf-8", "replace").rstrip("\r"))
    if unclosed:
        out.problems.append(
            (
                len(end_positions),
                f"row {len(end_positions)} opens a quoted field that is never closed (the quote "
                'runs to the end of the file); close the quote or escape it as ""',
            )
        )
    # Record number of every comma: how many record ends come before it (a binary search per
    # comma, instead of a record number for every byte of the file).
    trailing = len(end_positions) == 0 or end_positions[-1] != len(arr) - 1
    count = len(end_positions) + int(trailing)
    record = np.searchsorted(end_positions, comma_positions, side="left")
    fields = np.bincount(record, minlength=count)[:count] + 1
    del record, comma_positions
    starts = np.concatenate(([0], end_positions + 1))[:count]
    stops = np.concatenate((end_positions, [len(arr)]))[:count]
    lengths = stops - starts
    # A record of nothing (or only "\r") is a blank line, which pandas skips without a word.
    last_byte = arr[np.maximum(stops - 1, 0)]
    blank = (lengths == 0) | ((lengths == 1) & (last_byte == ord("\r")))
    blank_rows = np.flatnonzero(blank[1:]) + 1
    if len(blank_rows):
        out.problems.append(
            (
                int(blank_rows[0]),
                f"row(s) {_rows_text(blank_rows)} are blank; "
                "remove blank lines (they shift every later row number)",
            )
        )
    expected = int(fields[0])
    ragged = np.flatnonzero((fields != expected) & ~blank)
    ragged = ragged[ragged > 0]
    if unclosed:
        ragged = ragged[ragged < len(end_positions)]  # the unclosed record is reported above
    if len(ragged):
        shown = "; ".join(f"row {int(r)} has {int(fields[r])}" for r in ragged[:MAX_ROWS])
        more = len(ragged) - MAX_ROWS
        out.problems.append(
            (
                int(ragged[0]),
                (
                    f"rows do not have {expected} fields like the header: {shown}"
                    + (f" (and {more} more rows)" if more > 0 else "")
                    + "; quote cells that contain commas and give every row one cell per column"
                ),
            )
        )
    return out


def _first_record(text: str) -> list[str]:
    """The cells of the first record of CSV text (any line ends: LF, CRLF or CR alone)."""
    try:
        return next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error:  # a NUL byte, or an unclosed quote at the end of the prefix
        return next(csv.reader(io.StringIO(text.replace("\x00", ""), newline="")), [])


def _header(data: bytes) -> list[str]:
    """The first record's cells (the header), parsed by the csv module from a prefix."""
    return _first_record(data[: 1 << 20].decode("utf-8", "replace"))


def _suspicious(data: bytes) -> bool:
    """A cheap byte test for an unclosed quote, which Arrow's parser would silently absorb.

    An odd number of quote bytes is an unclosed quote: Arrow swallows the rest of the file into
    one cell. (Blank lines, the other thing Arrow absorbs, show up after parsing as rows of
    empty cells: see ``_has_empty_rows``.) The exact numpy scan then decides and names the rows.
    """
    return (_count(data, b'"') & 1) == 1 or data[:1] in (b"\n", b"\r")


def _has_empty_rows(table: Any) -> bool:
    """Whether any data row has only empty cells: a blank line as Arrow reads it (or ",,,").

    The first column is scanned whole (usually a required key: no empty cell, done); only its
    empty cells' rows are looked up in the other columns.
    """
    import pyarrow.compute as pc

    if table.num_columns == 0 or table.num_rows <= 1:
        return False
    first = pc.equal(pc.binary_length(table.column(0).slice(1)), 0)
    rows = pc.indices_nonzero(first)
    if len(rows) == 0:
        return False
    for column in table.columns[1:]:
        still = pc.equal(pc.binary_length(pc.take(column.slice(1), rows)), 0)
        rows = pc.filter(rows, still)
        if len(rows) == 0:
            return False
    return True


#: Bytes per block of Arrow's CSV reader: blocks are parsed in parallel, and each becomes one
#: chunk of every column (tests shrink it to run the multi-chunk paths on small packages).
ARROW_BLOCK_SIZE = 1 << 20


def _arrow_table(data: bytes, columns: int) -> Any:
    """Parse CSV bytes with Arrow's multithreaded reader, every column as text.

    The header is read as data row 0, so that duplicate names survive and Arrow checks its UTF-8
    too; every column is typed as text so that nothing is inferred.
    """
    import pyarrow as pa

    block = ARROW_BLOCK_SIZE
    while True:
        try:
            return _arrow_read(data, columns, block)
        except pa.ArrowInvalid as error:
            # A row longer than a block "straddles" two: valid data, so read bigger blocks.
            if "straddl" not in str(error) or block > len(data):
                raise
            block = min(block * 8, len(data) + 1, (1 << 31) - 1)


def _arrow_read(data: bytes, columns: int, block: int) -> Any:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    return pacsv.read_csv(
        pa.py_buffer(data),
        read_options=pacsv.ReadOptions(
            autogenerate_column_names=True,
            use_threads=len(data) > block,
            block_size=block,
        ),
        parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            # large_string is what pandas' Arrow-backed text holds: no conversion later.
            column_types={f"f{i}": pa.large_string() for i in range(columns)},
        ),
    )


def _unique_names(header: list[str]) -> list[str]:
    """Column names for a frame: a repeated name gets ``.1``, ``.2``... like pandas' reader."""
    seen: dict[str, int] = {}
    out = []
    for name in header:
        count = seen.get(name, 0)
        seen[name] = count + 1
        out.append(name if count == 0 else f"{name}.{count}")
    return out


def read_table(item: ResourceFile) -> tuple[pd.DataFrame, CsvStructure]:
    """The CSV as text columns ("" for empty cells) and its scan; ``TableError`` if unreadable
    (``read_arrow``, as a pandas frame whose columns are views of Arrow's)."""
    table, found = read_arrow(item)
    return text_frame(table), found


def text_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow table of text as read, as pandas' ``table.to_pandas()`` makes it (``str``
    columns over the same Arrow buffers, a range index), without its conversion machinery per
    column: each column is wrapped as it is (a copy may declare thousands)."""
    import numpy as np
    import pandas as pd

    if table.num_columns == 0:
        return table.to_pandas()
    dtype = pd.StringDtype("pyarrow", na_value=np.nan)
    columns = {
        name: pd.arrays.ArrowStringArray(column, dtype=dtype)
        for name, column in zip(table.column_names, table.columns, strict=True)
    }
    return pd.DataFrame(columns, index=pd.RangeIndex(table.num_rows), copy=False)


def read_arrow(item: ResourceFile) -> tuple[pa.Table, CsvStructure]:
    """The CSV as an Arrow table of text columns ("" for empty cells) and its scan;
    ``TableError`` if unreadable.

    The file is read once: its bytes are hashed (``CsvStructure.digest``, for the integrity
    checks) and parsed by Arrow's multithreaded reader. What a CSV reader
    would silently absorb (an unclosed quote swallowing the rest of the file, blank or ragged
    rows) is refused here, so a broken table never reaches later checks as a shifted or
    truncated frame: cheap byte tests and Arrow's own errors send a suspicious file to the exact
    numpy scan, which names the rows.
    """
    return parse_arrow(item, read_bytes(item))


def read_bytes(item: ResourceFile) -> bytes:
    """The bytes of the resource's file, as ``read_arrow`` reads them (``TableError`` for a
    dialect other than the default or a file that cannot be read)."""
    path = item.descriptor.get("path")
    dialect = dialect_problem(item.descriptor)
    if dialect is not None:
        raise TableError(
            DIALECT,
            f"resource '{item.name}': {dialect}; only the default CSV dialect is read (comma, "
            "double quotes, a header row), so the file is not judged: convert it to that "
            "dialect and remove 'dialect' from the resource",
            item.name,
            field="dialect",
        )
    try:
        data = read_regular(item.file, MAX_TABLE_BYTES, "file")
    except FileNotFoundError:
        raise TableError(
            MISSING_FILE, f"resource '{item.name}': file {path} does not exist", item.name
        ) from None
    except OSError as error:
        raise TableError(
            MISSING_FILE,
            f"resource '{item.name}': cannot read {path}: {error.strerror}",
            item.name,
        ) from None
    return data


def parse_arrow(item: ResourceFile, data: bytes) -> tuple[pa.Table, CsvStructure]:
    """``read_arrow`` of the bytes ``read_bytes`` gave."""
    # One hash of the bytes read, for the integrity checks. (Hashing on a second thread while
    # Arrow parses did not pay: benchmarks/machinery.py.)
    digest = (len(data), f"sha256:{hashlib.sha256(data).hexdigest()}")
    try:
        table, found = _parse_table(item, data)
    except TableError as error:
        if error.structure is not None:
            error.structure.digest = digest
        raise
    found.digest = digest
    return table, found


def _count(data: bytes, byte: bytes) -> int:
    """Occurrences of ``byte``."""
    return data.count(byte)


def _only_newlines(data: bytes) -> bool:
    """Whether the file holds nothing but line ends (or nothing): no header row."""
    if data[: 1 << 16].strip(b"\r\n"):
        return False  # the usual answer, from the first 64 KB without copying the rest
    return not data.strip(b"\r\n")


def _try_arrow(data: bytes, columns: int) -> tuple[pa.Table | None, str]:
    """Arrow's reading of ``data``, or ``None`` and the first line of its refusal."""
    import pyarrow as pa

    try:
        return _arrow_table(data, columns), ""
    except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
        text = str(error).strip()
        return None, text.splitlines()[0] if text else type(error).__name__


def _parse_table(item: ResourceFile, data: bytes) -> tuple[pa.Table, CsvStructure]:
    path = item.descriptor.get("path")
    if _only_newlines(data):
        raise TableError(
            UNPARSABLE,
            f"resource '{item.name}': the file is empty (no header row)",
            item.name,
            structure=CsvStructure(),
        )
    header = _header(data)
    table = None
    arrow_error = ""
    if not _suspicious(data):
        table, arrow_error = _try_arrow(data, len(header))
        if table is not None and _has_empty_rows(table):
            table = None  # a blank line, or a row of empty cells: the exact scan tells which
    if table is None:
        try:
            _check_utf8(data)
        except UnicodeDecodeError as error:
            raise TableError(
                NOT_UTF8,
                f"resource '{item.name}': {path} is not UTF-8 (byte offset {error.start}); "
                "save it as UTF-8",
                item.name,
                structure=CsvStructure(header=header),
            ) from None
        found = scan_csv(data)
        if found.broken:
            row, message = found.problems[0]
            raise TableError(
                UNPARSABLE,
                f"resource '{item.name}': {message}",
                item.name,
                row=row,
                structure=found,
            )
        if not arrow_error:  # suspicious bytes, but the exact scan is clean
            table, arrow_error = _try_arrow(data, len(header))
        if table is None:
            # Arrow refused what the scan passed (a lone CR, say): Arrow's word is the one a
            # reader gets, so the file is unparsable, never an exception.
            raise TableError(
                UNPARSABLE,
                f"resource '{item.name}': the CSV cannot be parsed: {arrow_error}",
                item.name,
                structure=found,
            )
    if table.num_rows == 0:
        raise TableError(
            UNPARSABLE,
            f"resource '{item.name}': the file is empty (no header row)",
            item.name,
            structure=CsvStructure(header=header),
        )
    import pyarrow as pa

    if any(kind != pa.large_string() for kind in table.schema.types):
        # Arrow inferred a column the header did not name (a first line it reads otherwise than
        # the scan, say): every cell is text as written, whatever it looks like.
        table = table.cast(pa.schema([(n, pa.large_string()) for n in table.column_names]))
    names = ["" if v is None else str(v) for v in table.slice(0, 1).to_pylist()[0].values()]
    # Arrow's per-block chunks are kept (combining would copy every character): the frame's
    # text columns are views of the parsed buffers, and later kernels run chunk by chunk.
    return table.slice(1).rename_columns(_unique_names(names)), CsvStructure(header=names)


#: Bytes decoded at a time by the UTF-8 check of the error path (tests shrink it).
UTF8_SLICE = 1 << 22


def _check_utf8(data: bytes) -> None:
    """``UnicodeDecodeError`` (offset in the whole file) unless ``data`` is UTF-8, decoded in
    slices so that the check never holds a text copy of the file."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    step = UTF8_SLICE
    view = memoryview(data)
    for start in range(0, len(data), step):
        pending = len(decoder.getstate()[0])  # bytes of a character cut by the last slice
        try:
            decoder.decode(view[start : start + step], final=start + step >= len(data))
        except UnicodeDecodeError as error:
            at = start - pending + error.start
            raise UnicodeDecodeError("utf-8", data, at, at + 1, error.reason) from None
    decoder.decode(b"", final=True)


def read_raw_table(item: ResourceFile) -> pd.DataFrame:
    """The CSV as text columns, exactly as written; ``TableError`` if unreadable."""
    return read_table(item)[0]

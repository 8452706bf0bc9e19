"""Locating, reading and safely opening a data package: descriptor, resource paths, typed frames.

Named ``package_io`` because a submodule called ``package`` would shadow ``msc_exos_pof.package()``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import mmap
import os
import re
import tempfile
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from frictionless import Package

DESCRIPTOR_NAME = "datapackage.json"
_CHUNK = 1 << 20
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class PackageError(Exception):
    """The package cannot be read at all (exit code 2): what happened and what to do.

    ``check`` is the stable id of the finding this error becomes in a report.
    """

    def __init__(
        self, check: str, message: str, resource: str | None = None, field: str | None = None
    ) -> None:
        super().__init__(message)
        self.check = check
        self.message = message
        self.resource = resource
        self.field = field


class TableError(Exception):
    """One resource's file cannot be read as a table (bad encoding, broken CSV, missing file)."""

    def __init__(
        self,
        check: str,
        message: str,
        resource: str,
        row: int | None = None,
        field: str | None = None,
        structure: CsvStructure | None = None,
    ) -> None:
        super().__init__(message)
        self.check = check
        self.message = message
        self.resource = resource
        self.row = row
        self.field = field
        self.structure = structure


def shipped_package_dir() -> Path:
    """Folder of the data package shipped with the library (wheel) or the checkout (editable)."""
    installed = resources.files("msc_exos_pof") / "datapackage"
    if installed.joinpath(DESCRIPTOR_NAME).is_file():
        return Path(str(installed))
    return Path(__file__).resolve().parents[2] / "datapackage"


def descriptor_path(path: str | os.PathLike[str] | None) -> Path:
    """``datapackage.json`` for ``path``: the shipped package, a folder, or the file itself."""
    if path is None:
        return shipped_package_dir() / DESCRIPTOR_NAME
    candidate = Path(path).expanduser()
    if candidate.is_dir():
        return candidate / DESCRIPTOR_NAME
    return candidate


def read_descriptor(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Parse and return the descriptor, or raise ``PackageError`` saying why it cannot be read."""
    file = descriptor_path(path)
    try:
        stat = file.stat()
    except OSError:
        raise PackageError(
            "descriptor.missing",
            f"no data package at {file}: expected a datapackage.json or a folder that holds one",
        ) from None
    return _read_descriptor_cached(str(file), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _read_descriptor_cached(file: str, _mtime_ns: int, _size: int) -> dict[str, Any]:
    try:
        text = Path(file).read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise PackageError(
            "descriptor.encoding",
            f"{file} is not UTF-8 (byte {error.start}): save the descriptor as UTF-8",
        ) from None
    except OSError as error:
        raise PackageError("descriptor.missing", f"cannot read {file}: {error.strerror}") from None
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as error:
        raise PackageError(
            "descriptor.json",
            f"{file} is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}",
        ) from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise PackageError(
            "descriptor.json",
            f"{file} is not a data package descriptor: expected a JSON object with a "
            "'resources' list",
        )
    for index, resource in enumerate(descriptor["resources"]):
        if not isinstance(resource, dict) or not isinstance(resource.get("name"), str):
            raise PackageError(
                "descriptor.json",
                f"{file}: resource #{index + 1} is not an object with a 'name'",
            )
    return descriptor


def unsafe_path_reason(value: object) -> str | None:
    """Why a resource ``path`` may not be opened (``None`` when it is a safe relative path).

    Only relative paths that stay inside the package folder are allowed: no URLs (never
    fetched), no absolute paths, no ``..``, ``~`` or ``$VAR``.
    """
    if not isinstance(value, str) or not value:
        return "the path is not a non-empty string"
    if _URL.match(value) and not re.match(r"^[A-Za-z]:[\\/]", value):
        return "it is a URL; remote resources are refused and never fetched"
    if value.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", value):
        return "it is an absolute path"
    if value.startswith("~") or "$" in value:
        return "it expands a home folder or an environment variable"
    parts = re.split(r"[\\/]", value)
    if ".." in parts:
        return "it climbs out of the package folder with '..'"
    if "\x00" in value:
        return "it contains a NUL byte"
    return None


@dataclass(frozen=True)
class ResourceFile:
    """A resource of the package with its safe, resolved file path."""

    name: str
    descriptor: dict[str, Any]
    file: Path


def resource_files(path: str | os.PathLike[str] | None = None) -> list[ResourceFile]:
    """Every resource with its resolved file; ``PackageError`` when any path is unsafe."""
    file = descriptor_path(path)
    descriptor = read_descriptor(path)
    base = file.parent.resolve()
    out = []
    for resource in descriptor["resources"]:
        name = resource["name"]
        value = resource.get("path")
        reason = unsafe_path_reason(value)
        if reason is None:
            target = (base / value).resolve()
            if base != target and base not in target.parents:
                reason = "it resolves (through a link) outside the package folder"
        if reason is not None:
            raise PackageError(
                "descriptor.unsafe_path",
                f"resource '{name}' has path {value!r}, which is refused because {reason}; "
                "use a relative path inside the package folder",
                resource=name,
                field="path",
            )
        out.append(ResourceFile(name, resource, target))
    return out


def resource_file(name: str, path: str | os.PathLike[str] | None = None) -> ResourceFile:
    """The resource called ``name``; ``KeyError`` listing the known names otherwise."""
    files = resource_files(path)
    for item in files:
        if item.name == name:
            return item
    known = ", ".join(item.name for item in files)
    raise KeyError(f"no resource named {name!r}; the package has: {known}")


def file_digest(file: Path, algorithm: str = "sha256") -> tuple[int, str]:
    """Size in bytes and ``<algorithm>:<hex>`` of a file, read in chunks.

    ``ValueError`` for an algorithm hashlib does not know; ``OSError`` if unreadable.
    """
    digest = hashlib.new(algorithm)
    size = 0
    with open(file, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, f"{algorithm}:{digest.hexdigest()}"


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
    # Parity is all that matters, so a uint8 running sum (wrapping at 256) keeps memory at one
    # byte per byte of the file instead of eight.
    inside = (np.cumsum(arr == ord('"'), dtype=np.uint8) & 1).astype(bool)
    ends = (arr == ord("\n")) & ~inside
    commas = (arr == ord(",")) & ~inside
    end_positions = np.flatnonzero(ends)
    first = data[: end_positions[0]] if len(end_positions) else data
    out.header = next(csv.reader(io.StringIO(first.decode("utf-8", "replace").rstrip("\r"))), [])
    if inside[-1]:
        out.problems.append(
            (
                len(end_positions),
                f"row {len(end_positions)} opens a quoted field that is never closed (the quote "
                'runs to the end of the file); close the quote or escape it as ""',
            )
        )
    # Record number of every byte: how many record ends come strictly before it.
    record = np.cumsum(ends, dtype=np.int64 if len(arr) >= 2**31 else np.int32) - ends
    trailing = len(end_positions) == 0 or end_positions[-1] != len(arr) - 1
    count = len(end_positions) + int(trailing)
    fields = np.bincount(record[commas], minlength=count)[:count] + 1
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
    if inside[-1]:
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


def _header(data: bytes) -> list[str]:
    """The first record's cells (the header), parsed by the csv module from a prefix."""
    prefix = data[: 1 << 20].decode("utf-8", "replace")
    return next(csv.reader(io.StringIO(prefix)), [])


def _suspicious(data: bytes | mmap.mmap) -> bool:
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
    import pyarrow.csv as pacsv

    return pacsv.read_csv(
        pa.py_buffer(data),
        read_options=pacsv.ReadOptions(autogenerate_column_names=True,
                                       use_threads=len(data) > ARROW_BLOCK_SIZE,
                                       block_size=ARROW_BLOCK_SIZE),
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
    """The CSV as text columns ("" for empty cells) and its scan; ``TableError`` if unreadable.

    The file is read once: its bytes are hashed in a second thread (``CsvStructure.digest``, for
    the integrity checks) while Arrow's multithreaded reader parses them. What a CSV reader
    would silently absorb (an unclosed quote swallowing the rest of the file, blank or ragged
    rows) is refused here, so a broken table never reaches later checks as a shifted or
    truncated frame: cheap byte tests and Arrow's own errors send a suspicious file to the exact
    numpy scan, which names the rows.
    """
    import threading

    path = item.descriptor.get("path")
    try:
        data = _file_bytes(item.file)
    except FileNotFoundError:
        raise TableError(
            "table.missing_file", f"resource '{item.name}': file {path} does not exist", item.name
        ) from None
    except OSError as error:
        raise TableError(
            "table.missing_file",
            f"resource '{item.name}': cannot read {path}: {error.strerror}",
            item.name,
        ) from None
    digest = hashlib.sha256()
    found: CsvStructure | None = None
    hasher = threading.Thread(target=digest.update, args=(data,), daemon=True)
    hasher.start()  # hashlib releases the GIL: hashing overlaps parsing
    try:
        frame, found = _parse_table(item, data)
    except TableError as error:
        found = error.structure
        raise
    finally:
        hasher.join()
        if found is not None:
            found.digest = (len(data), f"sha256:{digest.hexdigest()}")
    return frame, found


#: Files larger than this are memory-mapped instead of copied into memory: Arrow parses and
#: hashlib hashes the mapped pages directly (half the fresh memory, and fewer page faults).
MAP_ABOVE = 4 << 20


def _file_bytes(file: Path) -> bytes | mmap.mmap:
    """A file's bytes: read when small, memory-mapped (read-only) when large."""
    with open(file, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size <= MAP_ABOVE or size == 0:  # an empty file cannot be mapped
            return handle.read()
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)


def _as_bytes(data: bytes | mmap.mmap) -> bytes:
    """A copy as ``bytes`` (error paths only: decoding and the exact scan)."""
    return data if isinstance(data, bytes) else data[:]


def _count(data: bytes | mmap.mmap, byte: bytes) -> int:
    """Occurrences of ``byte``, counted in slices when the data is mapped."""
    if isinstance(data, bytes):
        return data.count(byte)
    step = 16 << 20
    return sum(data[start:start + step].count(byte) for start in range(0, len(data), step))


def _only_newlines(data: bytes | mmap.mmap) -> bool:
    """Whether the file holds nothing but line ends (or nothing): no header row."""
    if data[: 1 << 16].strip(b"\r\n"):
        return False  # the usual answer, from the first 64 KB without copying the rest
    return not _as_bytes(data).strip(b"\r\n")


def _parse_table(item: ResourceFile, data: bytes | mmap.mmap
                 ) -> tuple[pd.DataFrame, CsvStructure]:
    path = item.descriptor.get("path")
    if _only_newlines(data):
        raise TableError(
            "table.parse",
            f"resource '{item.name}': the file is empty (no header row)",
            item.name,
            structure=CsvStructure(),
        )
    header = _header(data)
    table = None
    arrow_error = ""
    if not _suspicious(data):
        import pyarrow as pa

        try:
            table = _arrow_table(data, len(header))
        except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
            arrow_error = str(error).strip().splitlines()[0] if str(error).strip() else ""
        if table is not None and _has_empty_rows(table):
            table = None  # a blank line, or a row of empty cells: the exact scan tells which
    if table is None:
        data = _as_bytes(data)
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise TableError(
                "table.encoding",
                f"resource '{item.name}': {path} is not UTF-8 (byte offset {error.start}); "
                "save it as UTF-8",
                item.name,
                structure=CsvStructure(header=header),
            ) from None
        found = scan_csv(data)
        if found.broken:
            row, message = found.problems[0]
            raise TableError(
                "table.parse", f"resource '{item.name}': {message}", item.name, row=row,
                structure=found,
            )
        if arrow_error:
            raise TableError(
                "table.parse",
                f"resource '{item.name}': the CSV cannot be parsed: {arrow_error}",
                item.name,
                structure=found,
            )
        table = _arrow_table(data, len(header))  # suspicious bytes, but the exact scan is clean
    if table.num_rows == 0:
        raise TableError(
            "table.parse",
            f"resource '{item.name}': the file is empty (no header row)",
            item.name,
            structure=CsvStructure(header=header),
        )
    names = [str(value) for value in table.slice(0, 1).to_pylist()[0].values()]
    # Arrow's per-block chunks are kept (combining would copy every character): the frame's
    # text columns are views of the parsed buffers, and later kernels run chunk by chunk.
    table = table.slice(1).rename_columns(_unique_names(names))
    return table.to_pandas(), CsvStructure(header=names)


def read_raw_table(item: ResourceFile) -> pd.DataFrame:
    """The CSV as text columns, exactly as written; ``TableError`` if unreadable."""
    return read_table(item)[0]


def pandas_dtype(field: dict[str, Any]) -> Any:
    """The pandas dtype a Table Schema field loads as."""
    import pandas as pd

    kind = field.get("type", "string")
    enum = (field.get("constraints") or {}).get("enum")
    if enum and kind == "string":
        return pd.CategoricalDtype(categories=list(enum), ordered=False)
    return {
        "integer": "Int64",
        "number": "Float64",
        "boolean": "boolean",
        "year": "Int64",
    }.get(kind, "string")


_TRUE = ["true", "True", "TRUE", "1"]
_FALSE = ["false", "False", "FALSE", "0"]


def arrow_column(column: pd.Series) -> Any:
    """A raw text column as an Arrow array ("" -> null): zero-copy for Arrow-backed text."""
    import pyarrow as pa

    array = pa.array(column.astype("string"), from_pandas=True).cast(pa.large_string())
    if isinstance(array, pa.ChunkedArray):
        return pa.chunked_array([_empty_as_missing(chunk) for chunk in array.chunks],
                                pa.large_string())
    return _empty_as_missing(array)


def _empty_as_missing(array: Any) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    if array.null_count or array.offset:
        return pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.large_string()), array)
    # Zero-copy: the same offsets and characters, with a validity bitmap marking "" as missing
    # (an if_else would copy every character of the column).
    present = pc.not_equal(array, "")
    return pa.LargeStringArray.from_buffers(
        len(array), array.buffers()[1], array.buffers()[2], present.buffers()[1],
        null_count=len(array) - (pc.sum(present).as_py() or 0))


def _numbers(text: Any, dtype: str, column: pd.Series) -> pd.Series:
    """Integers or numbers from text; cells that are not one become missing.

    Arrow's cast parses a clean column in one C++ pass. It is all-or-nothing and also reads
    hexadecimal, so any failure (or an "x") sends the column to pandas' ``to_numeric``, whose
    rules ("1.0" is the integer 1, " 2" is 2) the gate has always applied.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    target = pa.int64() if dtype == "Int64" else pa.float64()
    if not pc.any(pc.match_substring(text, "x", ignore_case=True)).as_py():
        try:
            values = pc.cast(text, target).to_pandas(types_mapper={
                pa.int64(): pd.Int64Dtype(), pa.float64(): pd.Float64Dtype()}.get)
            return pd.Series(values.array, index=column.index)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    values = pd.to_numeric(column.astype("string").replace("", pd.NA), errors="coerce")
    if dtype == "Int64":
        values = values.where(values.notna() & (values % 1 == 0))
    return values.astype(dtype)


def typed_frame(raw: pd.DataFrame, schema: dict[str, Any]) -> pd.DataFrame:
    """Convert a raw text frame to the dtypes of its Table Schema; bad cells become missing.

    Cells that cannot be converted are reported by the schema checks, not here. Conversions run
    in Arrow's kernels, column by column, linear in the rows.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = {}
    for field in schema.get("fields", []):
        name = field["name"]
        if name not in raw.columns:
            continue
        text = arrow_column(raw[name])
        dtype = pandas_dtype(field)
        if dtype == "Int64" or dtype == "Float64":
            columns[name] = _numbers(text, dtype, raw[name])
        elif dtype == "boolean":
            truth = pc.if_else(pc.is_in(text, value_set=pa.array(_TRUE)), True,
                               pc.if_else(pc.is_in(text, value_set=pa.array(_FALSE)), False,
                                          pa.scalar(None, pa.bool_())))
            columns[name] = pd.Series(
                truth.to_pandas(types_mapper={pa.bool_(): pd.BooleanDtype()}.get).array,
                index=raw.index)
        elif isinstance(dtype, pd.CategoricalDtype):
            categories = pa.array([str(c) for c in dtype.categories], pa.large_string())
            codes = pc.fill_null(pc.index_in(text, value_set=categories), -1)
            columns[name] = pd.Series(pd.Categorical.from_codes(
                codes.to_numpy(zero_copy_only=False), dtype=dtype), index=raw.index)
        else:
            columns[name] = pd.Series(text, index=raw.index, dtype=pd.StringDtype("pyarrow"))
    extra = [name for name in raw.columns if name not in columns]
    frame = pd.DataFrame(columns, index=raw.index)
    for name in extra:
        frame[name] = raw[name].astype("string")
    return frame


def load_frame(name: str, path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Resource ``name`` as a typed DataFrame (see ``msc_exos_pof.load``)."""
    item = resource_file(name, path)
    return typed_frame(read_raw_table(item), item.descriptor.get("schema", {}))


def frictionless_package(path: str | os.PathLike[str] | None = None) -> Package:
    """The package as ``frictionless.Package``, after refusing unsafe resource paths."""
    from frictionless import Package

    file = descriptor_path(path)
    resource_files(path)  # refuses URLs and escaping paths before frictionless sees them
    return Package(str(file.resolve()))


def write_json_atomic(file: Path, data: Any) -> None:
    """Write ``data`` as pretty JSON to ``file`` atomically."""
    write_text_atomic(file, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_text_atomic(file: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` to a temporary file beside ``file``, then move it into place in one step.

    Readers never see a half-written file, and a failure leaves the old file as it was.
    """
    file = Path(file)
    file.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{file.name}.", dir=file.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        # mkstemp creates 0600; give the file the mode an ordinary open() would (umask applies).
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, file)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return file


def rehash(path: str | os.PathLike[str] | None = None) -> list[str]:
    """Write each resource's ``bytes`` and ``hash`` into the descriptor; return what changed."""
    file = descriptor_path(path)
    descriptor = json.loads(file.read_text(encoding="utf-8"))
    changed = []
    items = {item.name: item for item in resource_files(path)}
    for resource in descriptor["resources"]:
        size, digest = file_digest(items[resource["name"]].file)
        if resource.get("bytes") != size or resource.get("hash") != digest:
            changed.append(resource["name"])
        resource["bytes"] = size
        resource["hash"] = digest
    if changed:
        write_json_atomic(file, descriptor)
    return changed

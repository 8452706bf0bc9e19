"""The Excel export: an ``about`` sheet and one sheet per resource."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import (
    ExportDataError,
    require,
)
from ..io.descriptor import read_descriptor
from ..io.tableschema import enum
from .keys import arrow_tables
from .sql import _comment, package_info
from .tables import Table, tables

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa


#: Excel's limits: rows per sheet (the header takes one) and characters per cell.
_EXCEL_MAX_ROWS = 1_048_576


_EXCEL_MAX_CELL = 32_767


def _sheet_names(names: list[str]) -> list[str]:
    """Excel sheet names: at most 31 characters, none of ``[]:*?/\\``, unique ignoring case."""
    out: list[str] = []
    for name in names:
        clean = "".join("_" if c in "[]:*?/\\" else c for c in name)[:31] or "sheet"
        candidate, number = clean, 2
        while candidate.lower() in {o.lower() for o in out}:
            suffix = f" ({number})"
            candidate, number = clean[: 31 - len(suffix)] + suffix, number + 1
        out.append(candidate)
    return out


def _check_excel_value(value: Any, table: str, row: int, field: str) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        if ILLEGAL_CHARACTERS_RE.search(value):
            raise ExportDataError(
                f"resource '{table}' row {row}, field '{field}' holds a control character that "
                "Excel cannot store; export to another format or remove the character"
            )
        if len(value) > _EXCEL_MAX_CELL:
            raise ExportDataError(
                f"resource '{table}' row {row}, field '{field}' has {len(value)} characters, "
                f"more than an Excel cell holds ({_EXCEL_MAX_CELL}); export to another format"
            )


def _excel_rows(table: Table, data: pa.Table) -> list[tuple[Any, ...]]:
    """The rows of a sheet as Python values, refused before any sheet is written if Excel
    cannot hold them."""
    if data.num_rows >= _EXCEL_MAX_ROWS:
        raise ExportDataError(
            f"resource '{table.name}' has {data.num_rows} rows, more than an Excel sheet "
            f"holds ({_EXCEL_MAX_ROWS - 1}); export to parquet, duckdb or sqlite instead"
        )
    import pyarrow as pa

    names = [f["name"] for f in table.fields]
    columns = [data.column(name).to_pylist() for name in names]
    for index, name in enumerate(names):
        if pa.types.is_timestamp(data.column(name).type):  # Excel has no time zones: UTC
            columns[index] = [v if v is None else v.replace(tzinfo=None) for v in columns[index]]
    for name, values in zip(names, columns, strict=True):
        for row, value in enumerate(values, start=1):
            _check_excel_value(value, table.name, row, name)
    return list(zip(*columns, strict=True))


#: Excel's limit on the text of a list validation ("a,b,c").
_EXCEL_MAX_LIST = 255
#: What a code of an inline dropdown list may not hold: the list's quote and separator, and
#: characters an XML attribute of the workbook cannot carry.
_UNLISTABLE = re.compile('["\\x00-\\x1f,\\x7f]')


def _plain(text: str) -> str:
    """Text for a workbook's own strings (titles, messages, comments): without the control
    characters that Excel's XML cannot hold."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)


def _dropdowns(sheet: Any, table: Table) -> None:
    """A dropdown of its codes on every coded column (an ``enum``), down to Excel's last row,
    so that rows typed in later are offered the same codes.

    The codes are one quoted list literal (``"a,b"``), never a formula or a range; a list that
    Excel cannot hold as one (a code with a quote, a comma or a control character, or more than
    255 characters in all) gets no dropdown: the about sheet lists the codes."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    for index, field in enumerate(table.fields, start=1):
        listed = enum(field)
        if not listed:
            continue
        codes = ",".join(str(code) for code in listed)
        if len(codes) > _EXCEL_MAX_LIST or any(_UNLISTABLE.search(str(code)) for code in listed):
            continue  # Excel cannot hold the list inline; the about sheet lists the codes
        letter = get_column_letter(index)
        validation = DataValidation(
            type="list",
            formula1=f'"{codes}"',
            allow_blank=not table.required(field),
            showErrorMessage=True,
            errorTitle=_plain(f"{field['name']}: not a code")[:32],
            error=_plain(
                f"Choose one of the codes of {field['name']} (see the vocabularies sheet)."
            ),
        )
        validation.add(f"{letter}2:{letter}{_EXCEL_MAX_ROWS}")
        sheet.data_validations.append(validation)  # write-only sheets lack add_data_validation


def _header(sheet: Any, table: Table, font: Any) -> list[Any]:
    """The header row: each field's name in bold, its description as the cell's comment."""
    from openpyxl.comments import Comment

    cells = []
    for field in table.fields:
        item = _cell(sheet, field["name"], font, text=True)
        description = _comment(field.get("description"))
        if description:
            item.comment = Comment(_plain(description), "msc-exos-pof", width=320, height=120)
        cells.append(item)
    return cells


def _cell(sheet: Any, value: Any, font: Any = None, text: bool = False) -> Any:
    """A cell of a write-only sheet: text is text, never a formula, whatever it starts with
    (``=``, ``+``, ``-``, ``@``); ``text`` makes any value text. Every cell of the workbook is
    made here, so a field name, a title or a code of a copy cannot become a live formula."""
    from openpyxl.cell import WriteOnlyCell

    if text and value is not None and not isinstance(value, str):
        value = str(value)
    if isinstance(value, str):
        value = _plain(value)
    item = WriteOnlyCell(sheet, value=value)
    if font is not None:
        item.font = font
    if isinstance(value, str):
        item.data_type = "s"  # openpyxl would store text starting with "=" as a formula
    return item


def _about(
    sheet: Any,
    descriptor: dict[str, Any],
    info: list[tuple[str, Any]],
    sheets: list[tuple[str, Table, int]],
) -> None:
    """The ``about`` sheet: the package's metadata, its sheets and every field."""
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    for letter, width in zip("ABCDE", (22, 28, 14, 14, 90), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append([_cell(sheet, descriptor.get("title", ""), Font(bold=True, size=14), text=True)])
    sheet.append([])
    wrap = Alignment(wrap_text=True, vertical="top")
    for key, value in info:
        if key == "datapackage_json":
            continue
        value_cell = _cell(sheet, value, text=True)
        value_cell.alignment = wrap
        sheet.append([_cell(sheet, key, bold), value_cell])
    sheet.append([])
    sheet.append([_cell(sheet, h, bold) for h in ("sheet", "resource", "rows", "title")])
    for sheet_name, table, count in sheets:
        title = table.item.descriptor.get("title", "")
        sheet.append(
            [
                _cell(sheet, sheet_name, text=True),
                _cell(sheet, table.name, text=True),
                count,
                _cell(sheet, title, text=True),
            ]
        )
    sheet.append([])
    sheet.append(
        [_cell(sheet, h, bold) for h in ("resource", "field", "type", "required", "description")]
    )
    for _, table, _ in sheets:
        for field in table.fields:
            sheet.append(
                [
                    _cell(sheet, table.name, text=True),
                    _cell(sheet, field["name"], text=True),
                    _cell(sheet, field.get("type", "string"), text=True),
                    table.required(field),
                    _cell(sheet, _comment(field.get("description")), text=True),
                ]
            )


def _table_sheet(sheet: Any, table: Table, rows: list[list[Any]]) -> None:
    """One resource: a frozen, filtered header with comments and dropdowns, then its rows."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = "A2"
    names = [f["name"] for f in table.fields]
    for index, name in enumerate(names):
        sample = [len(str(row[index])) for row in rows[:200] if row[index] is not None]
        width = min(max([len(name), *sample]) + 2, 60)
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    last = f"{get_column_letter(len(names))}{len(rows) + 1}"
    sheet.auto_filter.ref = f"A1:{last}"
    _dropdowns(sheet, table)
    sheet.append(_header(sheet, table, Font(bold=True)))
    for values in rows:
        sheet.append([_cell(sheet, value) for value in values])


def _write_xlsx(path: str | os.PathLike[str] | None, target: Path) -> None:
    openpyxl = require("openpyxl", "the Excel export")

    descriptor = read_descriptor(path)
    found = tables(path)
    data = arrow_tables(found, descriptor)  # Excel cannot refuse a broken key itself
    rows = {t.name: _excel_rows(t, data[t.name]) for t in found}
    names = _sheet_names(["about"] + [t.name for t in found])
    sheets = [(name, t, len(rows[t.name])) for name, t in zip(names[1:], found, strict=True)]
    # Write-only mode streams each sheet to disk: memory stays flat for large packages.
    workbook = openpyxl.Workbook(write_only=True)
    workbook.properties.title = _plain(str(descriptor.get("title", "")))
    workbook.properties.creator = "msc-exos-pof"
    _about(workbook.create_sheet(names[0]), descriptor, package_info(path), sheets)
    for name, table, _ in sheets:
        _table_sheet(workbook.create_sheet(name), table, rows[table.name])
    workbook.save(target)

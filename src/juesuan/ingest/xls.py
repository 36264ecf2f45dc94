"""Legacy Excel (``.xls``, BIFF5/BIFF8 in an OLE2 compound file) → blocks, with xlrd.

The sheets are read exactly as the ``.xlsx`` reader reads them (:func:`.xlsx.sheet_blocks`
holds the one copy of that logic): each visible worksheet gives its name as a text block, then
its table rows, titles, preamble lines and notes; numbers print as the cell's number format
shows them; a merged range keeps its text in its top-left cell and widens its table.

Cell values: text as text, numbers as floats (the number format decides how they print), dates
as dates, booleans as ``TRUE``/``FALSE``; error and blank cells are empty. Formula cells give
the value Excel saved with them. Hidden sheets are skipped with a warning.

Provenance: ``ref="Sheet1!C7"`` on cells, ``ref="Sheet1!A7:I7"`` on a row.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path
from typing import Any, Iterator

from ..limits import CellBudget, Limits, current
from ..model import Block, RawDocument
from .errors import InputError
from .xlsx import MergedRange, SheetCell, hidden_sheet_warning, is_empty_workbook, sheet_blocks

# xlrd cell types (xlrd.XL_CELL_*), fixed by the BIFF format
_TEXT, _NUMBER, _DATE, _BOOLEAN = 1, 2, 3, 4


def _reason(exc: BaseException) -> str:
    """Why xlrd could not open a workbook, in a few words, without file paths."""
    name = type(exc).__name__
    text = str(exc).splitlines()[0] if str(exc) else ""
    if "encrypted" in text:
        return "工作簿已加密，请取消密码保护后另存再读取 (encrypted workbook)"
    damaged = isinstance(exc, (struct.error, IndexError, EOFError)) or name == "CompDocError"
    if damaged or "OLE2" in text or "compound document" in text:
        return "不是有效的 XLS 文件：文件已损坏或被截断 (damaged or truncated file)"
    if "BOF record" in text or "Unsupported format" in text:
        return "不是有效的 XLS 文件：不是 Excel 工作簿 (no BIFF workbook stream)"
    return "不是有效的 XLS 文件：文件已损坏 (damaged workbook)"  # no exception names or paths


def _open(p: Path, warnings: list[str]):  # type: ignore[no-untyped-def]
    """The workbook, read lazily (``on_demand``); a workbook whose OLE2 sectors overlap (written
    so by some export tools, and opened by Excel) is read anyway, with a warning."""
    import xlrd

    log = io.StringIO()  # xlrd prints its diagnostics to stdout by default
    try:
        return xlrd.open_workbook(str(p), formatting_info=True, on_demand=True, logfile=log, ragged_rows=True)
    except Exception as exc:  # XLRDError, CompDocError, struct.error, IndexError, … on bad input
        if "Workbook corruption" not in str(exc):
            raise InputError(f"{p.name}: {_reason(exc)}") from None
    try:
        book = xlrd.open_workbook(
            str(p), formatting_info=True, on_demand=True, logfile=log, ignore_workbook_corruption=True,
            ragged_rows=True,
        )
    except Exception as exc:
        raise InputError(f"{p.name}: {_reason(exc)}") from None
    warnings.append("XLS 文件的 OLE2 结构不规范（扇区重叠），已尽量读取；请核对结果")
    return book


def _number_format(book, xf_index: int) -> str | None:  # type: ignore[no-untyped-def]
    try:
        return book.format_map[book.xf_list[xf_index].format_key].format_str
    except (AttributeError, IndexError, KeyError, TypeError):
        return None  # General


def _date(value: float, datemode: int) -> Any:
    """A date cell's value: a datetime, a time for a time of day (< 1 day), or the serial number
    when it is no valid date (negative, or before the 1900 leap-year bug)."""
    import xlrd

    try:
        moment = xlrd.xldate_as_datetime(value, datemode)
    except (ValueError, OverflowError, xlrd.xldate.XLDateError):
        return value
    return moment.time() if 0 <= value < 1 else moment


def _cell_value(ctype: int, value: Any, datemode: int) -> Any:
    """The value the shared sheet logic takes, or ``None`` for an empty, blank or error cell."""
    if ctype == _TEXT:
        return value
    if ctype == _NUMBER:
        return float(value)
    if ctype == _DATE:
        return _date(float(value), datemode)
    if ctype == _BOOLEAN:
        return bool(value)
    return None


def _cells(book, sheet) -> Iterator[SheetCell]:  # type: ignore[no-untyped-def]
    formats: dict[int, str | None] = {}
    for r in range(sheet.nrows):
        for c, (ctype, raw) in enumerate(zip(sheet.row_types(r), sheet.row_values(r))):
            value = _cell_value(ctype, raw, book.datemode)
            if value is None:
                continue
            xf = sheet.cell_xf_index(r, c)
            if xf not in formats:
                formats[xf] = _number_format(book, xf)
            yield r + 1, c + 1, value, formats[xf]


def _merged(sheet, limits: Limits, source: str) -> list[MergedRange]:  # type: ignore[no-untyped-def]
    """xlrd's (rlo, rhi, clo, chi), 0-based and half-open → 1-based inclusive ranges; the cells
    they cover are counted (from the corners) against the merged-cells limit."""
    covered = sum(max(0, rhi - rlo) * max(0, chi - clo) for rlo, rhi, clo, chi in sheet.merged_cells)
    limits.check("merged_cells", covered, source)
    return [(rlo + 1, clo + 1, rhi, chi) for rlo, rhi, clo, chi in sheet.merged_cells]


def _sheets(p: Path, book, warnings: list[str]) -> list[Block]:  # type: ignore[no-untyped-def]
    blocks: list[Block] = []
    limits = current()
    budget = CellBudget(limits, p.name)
    limits.check("sheets", book.nsheets, p.name)
    for i in range(book.nsheets):
        try:
            sheet = book.sheet_by_index(i)
        except Exception as exc:  # a truncated or damaged sheet stream
            raise InputError(f"{p.name}: {_reason(exc)}") from None
        if sheet.visibility != 0:
            warnings.append(hidden_sheet_warning(sheet.name))
        else:
            where = f"{p.name} {sheet.name}"
            limits.check("rows", sheet.nrows, where)
            limits.check("columns", sheet.ncols, where)
            blocks.extend(sheet_blocks(sheet.name, _cells(book, sheet), _merged(sheet, limits, where), budget))
        book.unload_sheet(i)
    return blocks


def read(path: str | Path) -> RawDocument:
    p = Path(path)
    try:
        import xlrd  # noqa: F401
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise InputError(f"{p.name}: XLS 读取组件不可用 ({exc})") from None
    warnings: list[str] = []
    book = _open(p, warnings)
    try:
        blocks = _sheets(p, book, warnings)
    finally:
        book.release_resources()
    if is_empty_workbook(blocks):
        raise InputError(f"{p.name}: 工作簿为空 (empty workbook: no cell has content)")
    return RawDocument(source=str(p), format="xls", blocks=blocks, warnings=warnings)


__all__ = ["read"]

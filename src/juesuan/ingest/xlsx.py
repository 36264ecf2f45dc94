"""Excel (``.xlsx``/``.xlsm``) → blocks, with openpyxl; and the sheet logic of every Excel reader.

:func:`sheet_blocks` turns one worksheet, given as plain cells (row, column, value, number
format) and merged ranges, into blocks; it is shared with the legacy ``.xls`` reader
(:mod:`.xls`, xlrd), so both formats give the same blocks for the same sheet.

Each visible worksheet gives its name as a text block, then one block per non-empty row:

* a table row → a row block with one cell per column, from the sheet's first used column to
  the last column of its table (the widest row or merged range of the run of rows it belongs
  to), "" for empty cells. A merged range keeps its text in its top-left cell only.
* a row whose only content is one text cell in the first used column (a title, a heading,
  prose, ``注：…``) → a text block — unless it sits between table rows (a section line such as
  ``一、政府采购情况`` inside a table, or a lone ``合计`` before the table's note), where it
  stays a row;
* a row whose filled cells are all preamble lines (``公开01表``, ``单位：万元``,
  ``部门：…``, ``2024年度``; often drawn right-aligned in the last column) → one text block per
  cell, so that layout finds the table's number and unit.

Numbers are rendered as the sheet prints them: the cell's number format decides the decimals,
thousands separators and percent (``1234.5`` with ``0.00`` → ``1234.50``, with ``#,##0.00`` →
``1,234.50``); negative sections in parentheses print as ``(1.00)``; ``General`` gives
integers as integers and other floats with at most 15 significant digits (no float noise).
Formula cells give their cached value (``data_only=True``); a workbook saved by a program that
never computed them gets a warning.

Provenance: ``ref="Sheet1!C7"`` on cells, ``ref="Sheet1!A7:I7"`` on a row.
"""

from __future__ import annotations

import datetime as _dt
import re
import warnings as _warnings
import zipfile
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..limits import CellBudget, current
from ..model import Block, Cell, Provenance, RawDocument
from .errors import InputError, LimitExceeded
from .html import WATERMARKS, office_reason, is_meta_text, tidy
from .package import column_letters

_NOTE = re.compile(r"^(注[:：]|注\s|说明[:：]|备注|如本表|本表(金额|反映|无数据|为空))")
_FURNITURE = re.compile(r"^(第?\s*[-—]?\s*\d{1,4}\s*[-—]?\s*页?|续表.*|[-—]\s*\d+\s*[-—]|\d+\s*/\s*\d+)$")
_SENTENCE = re.compile(r"[。；;！？!?]$")  # prose, not a table's section line
_ORDINAL = re.compile(r"^([（(]?[一二三四五六七八九十]+[)）、.．]|[（(]\d{1,2}[)）]|\d{1,2}[、.．](?!\d))")
_TITLE = re.compile(r"(决算|预算|自评|统计|情况|明细).{0,12}表\s*(\(.*\)|（.*）)?$")
SHEET_REF_PREFIX = "工作表 "  # provenance of a sheet-name block: "工作表 Sheet1"


# --------------------------------------------------------------------------- number formats


def _split_sections(fmt: str) -> list[str]:
    out, cur, quoted = [], [], False
    i = 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == '"':
            quoted = not quoted
        elif ch == "\\" and i + 1 < len(fmt):
            cur.append(fmt[i : i + 2])
            i += 2
            continue
        elif ch == ";" and not quoted:
            out.append("".join(cur))
            cur = []
            i += 1
            continue
        cur.append(ch)
        i += 1
    out.append("".join(cur))
    return out


_LITERAL = re.compile(r'"[^"]*"|\\.')
_FMT_NOISE = re.compile(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]')


# Numbers this large print in General as Excel does, in scientific notation (and then are no
# amount): a fixed-point rendering of 1e300 would be 301 digits.
_HUGE = 1e21
_MAX_DECIMALS = 30  # Excel shows at most 30 decimals


def _general(value: float | int) -> str:
    if isinstance(value, int):
        return str(value) if abs(value) < 10**21 else f"{value:.15g}".upper()
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if abs(value) >= _HUGE:
        return f"{value:.15g}".upper()  # 1E+300
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    d = Decimal(f"{value:.15g}")
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def format_number(value: float | int, number_format: str | None) -> str:
    """A number as the sheet prints it under ``number_format``."""
    fmt = (number_format or "General").strip()
    if fmt in ("", "General", "@") or "General" in fmt and not re.search(r"[0#?]", fmt):
        return _general(value)
    sections = _split_sections(fmt)
    negative = value < 0
    if negative and len(sections) > 1 and sections[1].strip():
        section, signed = sections[1], False  # the section prints its own sign/parentheses
    elif value == 0 and len(sections) > 2 and sections[2].strip():
        section, signed = sections[2], True
    else:
        section, signed = sections[0], True
    body = _FMT_NOISE.sub("", section)
    if "General" in body:
        return _general(value)
    if not re.search(r"[0#]", body):
        # a section that prints only its literal text, e.g. the zero section "-" of the
        # accounting format _ * #,##0.00_ ;_ * -#,##0.00_ ;_ * "-"??_ ;_ @_
        literal = "".join(m[1:-1] if m.startswith('"') else m[1:] for m in _LITERAL.findall(section))
        if literal.strip():
            return literal.strip()
        if not re.search(r"[?]", body):
            return _general(value)
    if re.search(r"[eE][+-]", body) or "/" in body or abs(value) >= _HUGE:
        return _general(value)  # scientific, fractions, numbers too large for fixed point
    try:
        d = Decimal(repr(float(value))) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, ValueError):
        return _general(value)
    if "%" in body:
        d *= 100
    digits = re.search(r"[0#?,.]+", body)
    pattern = digits.group(0) if digits else "0"
    int_part, _, frac_part = pattern.partition(".")
    decimals = len(re.match(r"[0#?]*", frac_part).group(0)) if frac_part else 0  # type: ignore[union-attr]
    decimals = min(decimals, _MAX_DECIMALS)
    scale = min(len(int_part) - len(int_part.rstrip(",")), 8)  # trailing commas: thousands scaling
    grouping = "," in int_part.rstrip(",")
    # enough precision for every digit printed (|value| < 1e21, at most 30 decimals)
    with localcontext(Context(prec=80)):
        if scale:
            d /= Decimal(1000) ** scale
        try:
            mag = abs(d).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        except InvalidOperation:
            return _general(value)
    text = format(mag, ",f" if grouping else "f")
    min_digits = int_part.count("0")  # "00" prints 1 as 01 (款/项 code columns)
    if min_digits > 1 and not grouping:
        whole, dot, frac = text.partition(".")
        text = whole.zfill(min_digits) + dot + frac
    if "%" in body:
        text += "%"
    if negative and mag != 0:
        if signed:
            text = "-" + text
        elif "(" in body:
            text = f"({text})"
        elif "-" in body:
            text = "-" + text
    return text


def cell_text(value: Any, number_format: str | None) -> str:
    """What a cell prints."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return format_number(value, number_format)
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, _dt.timedelta):
        return str(value)
    return tidy(str(value))


# --------------------------------------------------------------------------- sheets


def _sheet_ref(name: str) -> str:
    return f"'{name}'" if re.search(r"[^\w]", name) else name


class _Row:
    __slots__ = ("r", "cells", "numeric", "kind", "text")

    def __init__(self, r: int, cells: dict[int, str], numeric: set[int]) -> None:
        self.r = r
        self.cells = cells  # column -> text (non-empty only)
        self.numeric = numeric  # columns holding numbers
        self.kind = "row"  # "row", "meta", "text", or "candidate" (decided later)
        self.text = ""


def _classify(rows: list[_Row], first_col: int) -> None:
    for row in rows:
        filled = sorted(row.cells.items())
        if all(is_meta_text(t) and c not in row.numeric for c, t in filled):
            row.kind = "meta"
        elif len(filled) == 1 and filled[0][0] == first_col and filled[0][0] not in row.numeric:
            row.kind = "candidate"
            row.text = filled[0][1]
    # a lone first-column text between table rows stays a row (section lines, a lone 合计);
    # so does a numbered section line right before table rows (一、政府采购情况 | | )
    for i, row in enumerate(rows):
        if row.kind != "candidate":
            continue
        t = row.text
        prev_row = i > 0 and rows[i - 1].kind == "row"
        nxt = rows[i + 1] if i + 1 < len(rows) else None
        next_row = nxt is not None and (
            nxt.kind == "row" or (nxt.kind == "candidate" and bool(_NOTE.match(nxt.text)))
        )
        # between table rows, or a numbered section line (一、政府采购情况) opening a table
        inside = next_row and (prev_row or bool(_ORDINAL.match(t))) and len(t) <= 40 and not _SENTENCE.search(t)
        if inside and not _NOTE.match(t) and not _TITLE.search(t) and not _FURNITURE.match(t):
            row.kind = "row"
        else:
            row.kind = "text"


SheetCell = tuple[int, int, Any, str | None]
"""(row, column, value, number format) of one cell, 1-based; value ``None`` for an empty cell."""
MergedRange = tuple[int, int, int, int]
"""(min_row, min_col, max_row, max_col) of a merged range, 1-based and inclusive."""


def sheet_blocks(
    name: str, cells: Iterable[SheetCell], merged: Iterable[MergedRange], budget: CellBudget | None = None
) -> list[Block]:
    """The blocks of one worksheet: its name as a text block, then its rows (module docstring).

    Shared by the ``.xlsx`` reader (openpyxl) and the ``.xls`` reader (xlrd): each gives its
    cells as plain values with their number formats, in any order, and its merged ranges.
    A merged range widens its table at most to the sheet's last column with content (a merge
    across all 16,384 columns adds nothing but empty cells); the cells of each run of rows are
    counted against ``budget`` before they are built.
    """
    budget = budget if budget is not None else CellBudget()
    sref = _sheet_ref(name)
    by_row: dict[int, dict[int, str]] = {}
    numeric: dict[int, set[int]] = {}
    for r, c, value, number_format in cells:
        if value is None:
            continue
        text = cell_text(value, number_format)
        if not text:
            continue
        by_row.setdefault(r, {})[c] = text
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            numeric.setdefault(r, set()).add(c)
    blocks: list[Block] = []
    sheet_prov = Provenance(ref=f"{SHEET_REF_PREFIX}{name}")
    blocks.append(Block("text", [Cell(name, sheet_prov)], sheet_prov))
    if not by_row:
        return blocks
    first_col = min(c for cols in by_row.values() for c in cols)
    last_col = max(c for cols in by_row.values() for c in cols)
    budget.limits.check("columns", last_col - first_col + 1, f"{budget.source} {name}".strip())
    merged_end: dict[int, int] = {}  # row -> last column of a merged range starting in it
    for min_row, min_col, _max_row, max_col in merged:
        if min_row in by_row and min_col in by_row[min_row]:
            merged_end[min_row] = max(merged_end.get(min_row, 0), min(max_col, last_col))
    rows = [_Row(r, by_row[r], numeric.get(r, set())) for r in sorted(by_row)]
    _classify(rows, first_col)

    i = 0
    while i < len(rows):
        row = rows[i]
        if row.kind != "row":
            for c, t in sorted(row.cells.items()):
                if t in WATERMARKS:
                    continue
                prov = Provenance(ref=f"{sref}!{column_letters(c)}{row.r}")
                blocks.append(Block("text", [Cell(t, prov)], prov))
            i += 1
            continue
        j = i
        while j < len(rows) and rows[j].kind == "row":
            j += 1
        run = rows[i:j]
        last = max(max(max(r.cells), merged_end.get(r.r, 0)) for r in run)
        budget.add(len(run) * (last - first_col + 1))
        for r in run:
            prov = Provenance(ref=f"{sref}!{column_letters(first_col)}{r.r}:{column_letters(last)}{r.r}")
            empty = Cell("", prov)  # shared by the row's empty cells (no fact comes from them)
            cells_ = [
                Cell(r.cells[c], Provenance(ref=f"{sref}!{column_letters(c)}{r.r}")) if c in r.cells else empty
                for c in range(first_col, last + 1)
            ]
            blocks.append(Block("row", cells_, prov))
        i = j
    return blocks


def hidden_sheet_warning(name: str) -> str:
    """The warning for a hidden worksheet, which is not read."""
    return f"隐藏的工作表“{name}”未读取 (hidden sheet skipped)"


def is_empty_workbook(blocks: list[Block]) -> bool:
    """True when the blocks are only sheet names: no cell of the workbook has content."""
    return all((b.prov.ref or "").startswith(SHEET_REF_PREFIX) for b in blocks)


def _openpyxl_cells(ws) -> Iterator[SheetCell]:  # type: ignore[no-untyped-def]
    # ws._cells holds only the cells that exist: much faster than iter_rows on wide styled sheets
    cells = getattr(ws, "_cells", None)
    items = cells.items() if isinstance(cells, dict) else (
        ((c.row, c.column), c) for row in ws.iter_rows() for c in row
    )
    for (r, c), cell in items:
        value = cell.value
        if value is not None:  # the number format is looked up for cells with content only
            yield r, c, value, cell.number_format


def _sheet_blocks(ws, budget: CellBudget) -> list[Block]:  # type: ignore[no-untyped-def]
    merged = ((m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges)
    return sheet_blocks(ws.title, _openpyxl_cells(ws), merged, budget)


_UNCACHED = re.compile(rb"<(?:\w+:)?f[ >/](?:(?!</(?:\w+:)?c>).)*</(?:\w+:)?c>", re.S)


_CACHED = re.compile(rb"<(?:\w+:)?v(?:\s[^>]*)?>[^<]+</")


def _uncached_formulas(path: Path) -> bool:
    """True when some formula cell has no cached value (the workbook was never recalculated)."""
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if not info.filename.startswith("xl/worksheets/") or not info.filename.endswith(".xml"):
                    continue
                data = zf.read(info)
                for m in _UNCACHED.finditer(data):
                    if not _CACHED.search(m.group(0)):
                        return True
    except (zipfile.BadZipFile, OSError, KeyError):
        return False
    return False


def read(path: str | Path) -> RawDocument:
    p = Path(path)
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise InputError(f"{p.name}: XLSX 读取组件不可用 ({exc})") from None
    from .package import check_package

    limits = current()
    # zip bombs, huge sheets and merges; merges past the filled area come back clipped
    clipped = check_package(p, p.name, workbook=True, limits=limits)
    try:
        with _warnings.catch_warnings():  # "extension not supported" etc.: not the reader's concern
            _warnings.simplefilter("ignore")
            # a file object: openpyxl refuses a path whose suffix is not .xlsx/.xlsm (a workbook
            # saved as .xls by a web server)
            with (clipped or p.open("rb")) as fh:
                wb = openpyxl.load_workbook(fh, data_only=True, read_only=False)
    except LimitExceeded:
        raise
    except Exception as exc:  # BadZipFile, KeyError, InvalidFileException, XML syntax, broken styles
        raise InputError(f"{p.name}: 不是有效的 XLSX 文件：{office_reason(exc)}") from None
    warnings: list[str] = []
    blocks: list[Block] = []
    budget = CellBudget(limits, p.name)
    try:
        limits.check("sheets", len(wb.worksheets), p.name)
        for ws in wb.worksheets:
            if getattr(ws, "sheet_state", "visible") != "visible":
                warnings.append(hidden_sheet_warning(ws.title))
                continue
            blocks.extend(_sheet_blocks(ws, budget))
    finally:
        wb.close()
    if is_empty_workbook(blocks):
        raise InputError(f"{p.name}: 工作簿为空 (empty workbook: no cell has content)")
    if _uncached_formulas(p):
        warnings.append("部分公式单元格没有缓存的计算结果，按空白读取；请在 Excel 中打开并保存后再读取")
    return RawDocument(source=str(p), format="xlsx", blocks=blocks, warnings=warnings)


__all__ = ["read", "format_number", "cell_text", "sheet_blocks", "hidden_sheet_warning", "is_empty_workbook"]

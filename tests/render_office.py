"""Test helper: render a converter-text document into DOCX, XLSX, XLS and HTML.

The text is read with the project's text reader (so Markdown/HTML/LaTeX artefacts and
watermarks are already cleaned, as they would be in a real office file); consecutive
tab-separated lines form one table, every other line is a paragraph. A table is as wide as its
widest row; a shorter row spans its last cell to the edge (``gridSpan``/``colspan``), as
Word and HTML draw irregular rows.

* DOCX: paragraphs and tables in order. Tables are written as raw WordprocessingML (python-docx's
  cell API is quadratic on long tables).
* XLSX: one sheet with everything in column A onwards, or (``per_table=True``) one sheet per
  table, named after its title, holding the text before it, the table and its notes. Amount
  cells (``1234.56``, ``21,302.34``) are written as numbers with number format ``#,##0.00``
  (more zeros when more decimals were printed), plain integers (codes, 行次, counts) as
  numbers with the General format unless they have a leading zero, everything else as text.
* XLS: the XLSX workbook converted to legacy BIFF8 with xlwt (:func:`xlsx_to_xls`): the same
  sheets, cell values, number formats and merged ranges. :func:`rename_ole_stream` edits the
  OLE2 directory of such a file (a ``WordDocument`` stream instead of ``Workbook``: a .doc).
* HTML: ``<p>`` paragraphs and ``<table>`` rows of ``<td>`` cells, UTF-8 (or any codec).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
import struct
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from juesuan.ingest.text import read_text
from juesuan.layout import is_note


@dataclass
class Part:
    kind: str  # "text" or "table"
    text: str = ""
    rows: list[list[str]] | None = None


def load_parts(path: Path) -> list[Part]:
    """Paragraphs and tables of a converter-text document (table rows as printed: a table's
    rows may differ in length; renderers make the table rectangular)."""
    parts: list[Part] = []
    for block in read_text(path).blocks:
        if block.kind == "row":
            if parts and parts[-1].kind == "table":
                parts[-1].rows.append(block.texts)  # type: ignore[union-attr]
            else:
                parts.append(Part("table", rows=[block.texts]))
        else:
            parts.append(Part("text", text=block.text))
    return parts


def _spans(row: list[str], width: int) -> list[tuple[str, int]]:
    """(text, columns spanned): a row shorter than its table spans its last cell to the edge,
    as Word and HTML tables draw irregular rows."""
    out = [(t, 1) for t in row]
    if len(row) < width:
        out[-1] = (row[-1], width - len(row) + 1)
    return out


# --------------------------------------------------------------------------- DOCX

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


_AMOUNT_LIKE = re.compile(r"^[-−(（]?[\d,，.]+[)）%]?$")
_PAGE_TWIPS = 8640  # python-docx's default page (Letter) less its margins, in twips
_CELL_PAD = 216  # Word's default cell margins, left and right together


def _text_twips(text: str, size: float) -> float:
    """About how wide ``text`` prints at ``size`` pt (CJK full width; digits and Latin about 0.65 em
    in the sans fonts LibreOffice substitutes)."""
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.65 for ch in text) * size * 20


def _col_widths(rows: list[list[str]], width: int) -> tuple[list[int], float]:
    """Column widths (twips) and font size (pt) as a person laying out the table would choose:
    amounts and codes never wrap, names and headers wrap when the page is too narrow for them."""
    for size in (9.0, 8.0, 7.0, 6.5, 6.0):
        fixed = [0.0] * width  # amounts/codes: their widest value
        text = [0.0] * width  # names: their widest text, wrapped beyond 12 characters
        for row in rows:
            for c, (t, span) in enumerate(_spans(row, width)):
                if span > 1 or not t:
                    continue
                need = _text_twips(t, size) + _CELL_PAD
                if _AMOUNT_LIKE.match(t.replace(" ", "")):
                    fixed[c] = max(fixed[c], need)
                else:
                    text[c] = max(text[c], min(need, 12 * size * 20 + _CELL_PAD))
        least = [max(f, 3 * size * 20 + _CELL_PAD) for f in fixed]  # a text column keeps 3 characters
        room = _PAGE_TWIPS - sum(least)
        if room < 0:
            continue
        extra = [max(t - lo, 0.0) for t, lo in zip(text, least)]
        scale = min(1.0, room / sum(extra)) if sum(extra) else 0.0
        return [int(lo + e * scale) for lo, e in zip(least, extra)], size
    return [_PAGE_TWIPS // width] * width, 6.0


def _tbl_xml(rows: list[list[str]]) -> str:
    width = max(len(r) for r in rows)
    cols, size = _col_widths(rows, width)
    half_points = int(size * 2)
    out = [f'<w:tbl xmlns:w="{_W}"><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/></w:tblPr>']
    out.append("<w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in cols) + "</w:tblGrid>")
    for row in rows:
        out.append("<w:tr>")
        c = 0
        for text, span in _spans(row, width):
            rpr = f'<w:rPr><w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>'
            run = f'<w:r>{rpr}<w:t xml:space="preserve">{xml_escape(text)}</w:t></w:r>' if text else ""
            grid = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
            out.append(f'<w:tc><w:tcPr><w:tcW w:w="{sum(cols[c:c + span])}" w:type="dxa"/>{grid}</w:tcPr><w:p>{run}</w:p></w:tc>')
            c += span
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def render_docx(parts: list[Part], out: Path) -> Path:
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    body = document.element.body
    for part in parts:
        if part.kind == "text":
            document.add_paragraph(part.text)
        else:
            tbl = parse_xml(_tbl_xml(part.rows))  # type: ignore[arg-type]
            body.sectPr.addprevious(tbl) if body.sectPr is not None else body.append(tbl)
    document.save(str(out))
    return out


# --------------------------------------------------------------------------- XLSX

_DECIMAL = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)\.(\d+)$")
_INTEGER = re.compile(r"^-?(0|[1-9]\d{0,14})$")


def excel_value(text: str) -> tuple[object, str | None]:
    """(value, number_format) to write for a printed cell."""
    s = text.strip()
    m = _DECIMAL.match(s)
    if m:
        decimals = max(2, len(m.group(3)))
        return float(s.replace(",", "")), "#,##0." + "0" * decimals
    if _INTEGER.match(s):
        return int(s), None
    return text, None


def _write_rows(ws, start: int, part: Part) -> int:  # type: ignore[no-untyped-def]
    r = start
    if part.kind == "text":
        _text_cell(ws, r, 1, part.text)
        return r + 1
    for row in part.rows:  # type: ignore[union-attr]
        for c, text in enumerate(row, start=1):
            if not text:
                continue
            value, fmt = excel_value(text)
            if isinstance(value, str):
                _text_cell(ws, r, c, value)
                continue
            cell = ws.cell(row=r, column=c, value=value)
            if fmt:
                cell.number_format = fmt
        r += 1
    return r


def _text_cell(ws, r: int, c: int, text: str) -> None:  # type: ignore[no-untyped-def]
    """A text cell, also when it starts with "=" (=100%, =1人: openpyxl would write a formula)."""
    cell = ws.cell(row=r, column=c, value=text)
    cell.data_type = "s"


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def render_xlsx(parts: list[Part], out: Path, *, per_table: bool = False) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    if not per_table:
        ws = wb.active
        ws.title = "决算"
        r = 1
        for part in parts:
            r = _write_rows(ws, r, part)
        wb.save(out)
        return out
    # one sheet per table: the text before it, the table, and the notes right after it
    sheets: list[list[Part]] = [[]]
    for i, part in enumerate(parts):
        current = sheets[-1]
        if part.kind == "table":
            if any(p.kind == "table" for p in current):
                # text after the previous table's notes starts this sheet
                cut = next(k for k in range(len(current) - 1, -1, -1) if current[k].kind == "table")
                k = cut + 1
                while k < len(current) and current[k].kind == "text" and is_note(current[k].text):
                    k += 1
                sheets[-1], rest = current[:k], current[k:]
                sheets.append(rest)
                current = rest
            current.append(part)
        else:
            current.append(part)
    wb.remove(wb.active)
    used: set[str] = set()
    for n, sheet_parts in enumerate(sheets, start=1):
        title = next(
            (p.text for p in reversed(sheet_parts) if p.kind == "text" and p.text.endswith("表")), f"Sheet{n}"
        )
        name = _SHEET_BAD.sub("", title)[:28] or f"Sheet{n}"
        while name in used:
            name = f"{name[:25]}_{n}"
        used.add(name)
        ws = wb.create_sheet(name)
        r = 1
        for part in sheet_parts:
            r = _write_rows(ws, r, part)
    wb.save(out)
    return out


# --------------------------------------------------------------------------- XLS


def xlsx_to_xls(src: Path, out: Path) -> Path:
    """The workbook ``src`` (.xlsx) as a legacy .xls (BIFF8, written by xlwt): every sheet with
    its name and visibility, every cell value with its number format, every merged range."""
    import xlwt
    from openpyxl import load_workbook

    wb = load_workbook(src)
    book = xlwt.Workbook(encoding="utf-8")
    styles: dict[str, xlwt.XFStyle] = {}  # one style per number format (BIFF allows ~4000)

    def style(fmt: str | None) -> xlwt.XFStyle:
        key = fmt or "General"
        if key not in styles:
            styles[key] = xlwt.easyxf(num_format_str=key)
        return styles[key]

    for ws in wb.worksheets:
        sheet = book.add_sheet(ws.title)
        if ws.sheet_state != "visible":
            sheet.visibility = 1 if ws.sheet_state == "hidden" else 2
        merged = {(m.min_row, m.min_col): m for m in ws.merged_cells.ranges}
        for (r, c), cell in sorted(ws._cells.items()):
            if (r, c) in merged:
                m = merged.pop((r, c))
                label = "" if cell.value is None else cell.value
                rows, cols = (m.min_row - 1, m.max_row - 1), (m.min_col - 1, m.max_col - 1)
                sheet.write_merge(*rows, *cols, label, style(cell.number_format))
            elif cell.value is not None:
                sheet.write(r - 1, c - 1, cell.value, style(cell.number_format))
        for m in merged.values():  # a merged range whose top-left cell was never created
            sheet.write_merge(m.min_row - 1, m.max_row - 1, m.min_col - 1, m.max_col - 1, "")
    book.save(str(out))
    return out


def ole_entries(data: bytes) -> dict[str, int]:
    """Offsets of the directory entries of an xlwt-written OLE2 file (one directory sector), by name."""
    sector = 1 << struct.unpack_from("<H", data, 30)[0]
    start = 512 + struct.unpack_from("<i", data, 48)[0] * sector
    found: dict[str, int] = {}
    for off in range(start, start + sector, 128):
        size = struct.unpack_from("<H", data, off + 64)[0]
        if size:
            found[data[off : off + size - 2].decode("utf-16le")] = off
    return found


def rename_ole_stream(data: bytes, old: str, new: str) -> bytes:
    """The OLE2 file with its stream ``old`` renamed: a Word-like file when new is WordDocument."""
    out = bytearray(data)
    off = ole_entries(data)[old]
    name = (new + "\0").encode("utf-16le")
    out[off : off + 64] = name.ljust(64, b"\0")
    struct.pack_into("<H", out, off + 64, len(name))
    return bytes(out)


# --------------------------------------------------------------------------- HTML


def render_html(parts: list[Part], out: Path, *, encoding: str = "utf-8") -> Path:
    meta = "gb2312" if encoding.lower() in ("gb18030", "gbk", "gb2312") else encoding
    lines = [f'<!DOCTYPE html>\n<html><head><meta charset="{meta}"><title>决算</title>',
             "<style>td { border: 1px solid #000 }</style></head><body>"]
    for part in parts:
        if part.kind == "text":
            lines.append(f"<p>{html.escape(part.text)}</p>")
            continue
        lines.append('<table border="1">')
        width = max(len(r) for r in part.rows)  # type: ignore[union-attr]
        for row in part.rows:  # type: ignore[union-attr]
            cells = (
                f'<td colspan="{span}">{html.escape(t)}</td>' if span > 1 else f"<td>{html.escape(t)}</td>"
                for t, span in _spans(row, width)
            )
            lines.append("<tr>" + "".join(cells) + "</tr>")
        lines.append("</table>")
    lines.append("</body></html>\n")
    out.write_bytes("\n".join(lines).encode(encoding))
    return out


def render_all(txt: Path, out_dir: Path) -> dict[str, Path]:
    """Every rendering of one corpus document: {variant: path}."""
    parts = load_parts(txt)
    stem = txt.stem
    out_dir.mkdir(parents=True, exist_ok=True)
    xlsx = render_xlsx(parts, out_dir / f"{stem}.xlsx")
    sheets = render_xlsx(parts, out_dir / f"{stem}-sheets.xlsx", per_table=True)
    return {
        "docx": render_docx(parts, out_dir / f"{stem}.docx"),
        "xlsx": xlsx,
        "xlsx-sheets": sheets,
        "xls": xlsx_to_xls(xlsx, out_dir / f"{stem}.xls"),
        "xls-sheets": xlsx_to_xls(sheets, out_dir / f"{stem}-sheets.xls"),
        "html": render_html(parts, out_dir / f"{stem}.html"),
    }


__all__ = [
    "Part",
    "load_parts",
    "render_docx",
    "render_xlsx",
    "xlsx_to_xls",
    "ole_entries",
    "rename_ole_stream",
    "render_html",
    "render_all",
    "excel_value",
]

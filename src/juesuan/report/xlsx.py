"""The report as an Excel workbook (openpyxl): a findings sheet, then one sheet per table."""

from __future__ import annotations

import re
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from juesuan.model import CheckResult

from .common import (
    build_grids,
    cell_row_label,
    cell_value_text,
    column_name,
    location,
    ordered_findings,
    row_labels,
    row_text,
    severity_name,
    table_name,
    to_decimal,
)

FINDINGS_HEADER = (
    "规则",
    "严重程度",
    "标题",
    "说明",
    "表",
    "行",
    "列",
    "期望值",
    "列示值",
    "差额",
    "单元格值",
    "位置",
)
_FINDINGS_WIDTHS = (28, 10, 30, 60, 26, 30, 16, 14, 14, 12, 14, 16)

FILLS: dict[str, PatternFill] = {
    "error": PatternFill("solid", fgColor="FEE4E2"),
    "warning": PatternFill("solid", fgColor="FEF0C7"),
    "info": PatternFill("solid", fgColor="D1E9FF"),
}
_SEVERITY_FONT: dict[str, Font] = {
    "error": Font(bold=True, color="B42318"),
    "warning": Font(bold=True, color="B54708"),
    "info": Font(bold=True, color="175CD3"),
}
_HEADER_FILL = PatternFill("solid", fgColor="E4E7EC")
_HEADER_FONT = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name: ≤31 chars, none of ``[]:*?/\\``, not blank, no edge quote."""
    base = _SHEET_FORBIDDEN.sub("_", name).strip("'").strip() or "sheet"
    base = base[:31]
    title, n = base, 2
    while title.lower() in {t.lower() for t in taken}:
        suffix = f"_{n}"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title


def _text(value: str | None) -> str:
    return str(ILLEGAL_CHARACTERS_RE.sub("", value or ""))


def _put_text(ws: Worksheet, row: int, col: int, value: str | None) -> None:
    """Write document text as a string, never as a formula (text starting with '=')."""
    cell = ws.cell(row=row, column=col, value=_text(value))
    cell.data_type = "s"


def _number_format(value: Decimal) -> str:
    exp = value.as_tuple().exponent
    decimals = max(2, -exp) if isinstance(exp, int) else 2
    return "#,##0." + "0" * decimals


def _put_number(ws: Worksheet, row: int, col: int, value: Decimal) -> None:
    # Decimal -> float here and only here: the workbook stores IEEE doubles.
    cell = ws.cell(row=row, column=col, value=float(value))
    cell.number_format = _number_format(value)


def _put_amount_text(ws: Worksheet, row: int, col: int, text: str | None) -> None:
    d = to_decimal(text)
    if d is None:
        _put_text(ws, row, col, text)
    else:
        _put_number(ws, row, col, d)


def _header(ws: Worksheet, names: list[str] | tuple[str, ...], widths: list[float]) -> None:
    for i, name in enumerate(names, start=1):
        c = ws.cell(row=1, column=i, value=name)
        c.font, c.fill = _HEADER_FONT, _HEADER_FILL
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(i)].width = widths[i - 1]


def _display_width(text: str) -> float:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def render_xlsx(result: CheckResult) -> bytes:
    doc = result.document
    labels = row_labels(doc)
    findings = ordered_findings(result)
    grids = build_grids(result, findings)

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    taken: set[str] = set()
    ws.title = sheet_title("findings", taken)
    sheet_of = {g.id: sheet_title(g.id, taken) for g in grids}

    # where each (table, row, column) lands in its sheet, for hyperlinks
    anchors: dict[tuple[str, str, str], str] = {}
    for g in grids:
        for r_i, r in enumerate(g.rows, start=2):
            for c_i, column_key in enumerate(g.columns, start=3):
                anchors[(g.id, r.key, column_key)] = (
                    f"{quote_sheetname(sheet_of[g.id])}!{get_column_letter(c_i)}{r_i}"
                )

    _header(ws, FINDINGS_HEADER, list(_FINDINGS_WIDTHS))
    for i, f in enumerate(findings, start=2):
        cells = f.cells
        tables = [table_name(c.table) for c in cells] or [table_name(t) for t in f.tables]
        rows = [row_text(c.row, cell_row_label(c, labels)) for c in cells]
        for col, value in enumerate(
            (
                f.rule,
                severity_name(f.severity),
                f.title,
                f.message,
                "\n".join(tables),
                "\n".join(rows),
                "\n".join(column_name(c.table, c.column) for c in cells),
            ),
            start=1,
        ):
            _put_text(ws, i, col, value)
        _put_amount_text(ws, i, 8, f.expected)
        _put_amount_text(ws, i, 9, f.printed)
        _put_amount_text(ws, i, 10, f.difference)
        _put_text(ws, i, 11, "\n".join(cell_value_text(c) for c in cells))
        _put_text(ws, i, 12, "\n".join(location(c.page, c.line, c.ref) or "—" for c in cells))
        for col in range(1, len(FINDINGS_HEADER) + 1):
            ws.cell(row=i, column=col).alignment = _WRAP
        sev = ws.cell(row=i, column=2)
        sev.font = _SEVERITY_FONT.get(f.severity, Font(bold=True))
        if f.severity in FILLS:
            sev.fill = FILLS[f.severity]
        if cells and (c0 := cells[0]) and (c0.table, c0.row, c0.column) in anchors:
            link = ws.cell(row=i, column=5)
            link.hyperlink = Hyperlink(
                ref=link.coordinate, location=anchors[(c0.table, c0.row, c0.column)]
            )
            link.font = Font(color="1D4ED8", underline="single")
    ws.freeze_panes = "A2"
    if findings:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(FINDINGS_HEADER))}{len(findings) + 1}"

    for g in grids:
        ts = wb.create_sheet(sheet_of[g.id])
        head = ["代码", "项目", *g.column_names]
        label_width = max([_display_width(r.label) for r in g.rows] + [8])
        code_width = max([len(r.key) for r in g.rows] + [6])
        widths = [min(code_width + 2, 40), min(label_width + 2, 60)]
        widths += [max(14, _display_width(n) + 4) for n in g.column_names]
        _header(ts, head, widths)
        for r_i, r in enumerate(g.rows, start=2):
            _put_text(ts, r_i, 1, r.key)
            _put_text(ts, r_i, 2, r.label)
            if r.level:
                ts.cell(row=r_i, column=2).alignment = Alignment(indent=r.level)
            if r.is_total:
                for col in range(1, len(head) + 1):
                    ts.cell(row=r_i, column=col).font = _HEADER_FONT
            for c_i, gc in enumerate(r.cells, start=3):
                if gc is None:
                    continue
                if gc.fact is not None:
                    _put_number(ts, r_i, c_i, gc.fact.value)
                else:
                    _put_text(ts, r_i, c_i, gc.value)
                cell = ts.cell(row=r_i, column=c_i)
                if gc.severity in FILLS:
                    cell.fill = FILLS[gc.severity]
                if gc.findings:
                    text = "\n".join(
                        f"#{n} {severity_name(findings[n - 1].severity)} {findings[n - 1].rule}："
                        f"{findings[n - 1].title}"
                        for n in gc.findings
                    )
                    cell.comment = Comment(_text(text), "juesuan", width=320, height=120)
        ts.freeze_panes = "C2"
        if any(c is not None and c.severity == "error" for r in g.rows for c in r.cells):
            ts.sheet_properties.tabColor = "B42318"

    info = wb.create_sheet(sheet_title("document", taken))
    _header(info, ["项目", "内容"], [14, 80])
    meta = [
        ("单位", doc.department),
        ("年度", str(doc.year) if doc.year else ""),
        ("来源文件", doc.source),
        ("格式", doc.format),
        ("金额单位", doc.unit),
        ("错误", str(result.count("error"))),
        ("警告", str(result.count("warning"))),
        ("提示", str(result.count("info"))),
        ("已识别的表", "、".join(table_name(t.id) for t in doc.tables)),
    ]
    for i, (k, v) in enumerate(meta, start=2):
        _put_text(info, i, 1, k)
        _put_text(info, i, 2, v)
    info.freeze_panes = "A2"

    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()

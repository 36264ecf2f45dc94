"""The report as an Excel workbook (openpyxl): a findings sheet, then one sheet per table.

Sheets and headers are in Chinese (检查发现, each table's name, 绩效自评, 文档信息); headers are frozen,
columns sized, amounts are numbers with a ``#,##0.00`` format. Document text is always a text cell,
with Excel's quote prefix when it would otherwise read as a formula.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
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
from juesuan.safe_output import encodable, file_name, is_formula_like

from .common import (
    build_grids,
    cell_row_text,
    cell_table_name,
    cell_value_text,
    column_name,
    location,
    ordered_findings,
    row_labels,
    severity_name,
    table_name,
    to_decimal,
)
from .perf import PerfBlock, PerfSection, build_perf_sections

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
FINDINGS_SHEET = "检查发现"
DOCUMENT_SHEET = "文档信息"


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
    return encodable(str(ILLEGAL_CHARACTERS_RE.sub("", value or "")))


def _put_text(ws: Worksheet, row: int, col: int, value: str | None) -> None:
    """Write document text as a string, never as a formula (text starting with '=')."""
    text = _text(value)
    cell = ws.cell(row=row, column=col, value=text)
    cell.data_type = "s"
    if is_formula_like(text):
        cell.quotePrefix = True  # stays text when a reviewer edits the cell


_MAX_DECIMALS = 10


def _number_format(value: Decimal) -> str:
    exp = value.as_tuple().exponent
    decimals = min(max(2, -exp), _MAX_DECIMALS) if isinstance(exp, int) else 2
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
    perf = build_perf_sections(result, findings)

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    taken: set[str] = set()
    ws.title = sheet_title(FINDINGS_SHEET, taken)
    sheet_of = {g.id: sheet_title(g.name or g.id, taken) for g in grids}
    perf_sheet = sheet_title(PERF_SHEET, taken) if perf else ""
    perf_layout = _perf_layout(perf)

    # where each (table, row, column) lands in its sheet, for hyperlinks
    anchors: dict[tuple[str, str, str], str] = {}
    for g in grids:
        for r_i, r in enumerate(g.rows, start=2):
            for c_i, column_key in enumerate(g.columns, start=3):
                anchors[(g.id, r.key, column_key)] = (
                    f"{quote_sheetname(sheet_of[g.id])}!{get_column_letter(c_i)}{r_i}"
                )
    perf_anchors = {
        key: f"{quote_sheetname(perf_sheet)}!{get_column_letter(col)}{row}"
        for key, (row, col) in perf_layout.cells.items()
    }

    _header(ws, FINDINGS_HEADER, list(_FINDINGS_WIDTHS))
    for i, f in enumerate(findings, start=2):
        cells = f.cells
        tables = [cell_table_name(c) for c in cells] or [table_name(t) for t in f.tables]
        rows = [cell_row_text(c, labels) for c in cells]
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
        target = None
        if cells:
            c0 = cells[0]
            if c0.project:
                target = perf_anchors.get((c0.project, c0.table, c0.row, c0.column))
            else:
                target = anchors.get((c0.table, c0.row, c0.column))
        if target is not None:
            link = ws.cell(row=i, column=5)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=target)
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

    if perf:
        _write_perf(wb.create_sheet(perf_sheet), perf, perf_layout, findings)

    info = wb.create_sheet(sheet_title(DOCUMENT_SHEET, taken))
    _header(info, ["项目", "内容"], [14, 80])
    meta = [
        ("单位", doc.department),
        ("年度", str(doc.year) if doc.year else ""),
        ("来源文件", file_name(doc.source)),
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


# --------------------------------------------------------------------------- 绩效自评

PERF_SHEET = "绩效自评"
_PERF_TITLE_FILL = PatternFill("solid", fgColor="D0D5DD")
_PERF_COLUMNS = 12  # the widest block: 一级/二级/三级/指标值/实际完成值 + 4 numbers, or 8 funds columns


@dataclass(slots=True)
class _PerfLayout:
    """Where each section, block row and cell lands in the 绩效自评 sheet (1-based row, column)."""

    titles: list[int] = field(default_factory=list)  # the title row of each section
    heads: list[list[int]] = field(default_factory=list)  # per section, the header row of each block
    cells: dict[tuple[str, str, str, str], tuple[int, int]] = field(default_factory=dict)
    rows: dict[tuple[int, int, int], int] = field(default_factory=dict)  # (section, block, row) -> row


def _text_columns(b: PerfBlock) -> int:
    return len(b.text_headers) or 1


def _perf_layout(perf: list[PerfSection]) -> _PerfLayout:
    out = _PerfLayout()
    r = 1
    for s_i, s in enumerate(perf):
        out.titles.append(r)
        r += 2  # title, meta
        heads = []
        for b_i, b in enumerate(s.blocks):
            heads.append(r)
            r += 1
            first = 1 + _text_columns(b)
            for k, row in enumerate(b.rows):
                out.rows[(s_i, b_i, k)] = r
                for c_i, c in enumerate(row.cells):
                    if c is not None:
                        out.cells[(c.project, c.table, c.row, c.column)] = (r, first + c_i)
                r += 1
        out.heads.append(heads)
        r += 1  # a blank row between projects
    return out


def _write_perf(ts: Worksheet, perf: list[PerfSection], layout: _PerfLayout, findings: list) -> None:
    """One block per project: its name, where it is, 总分 and grade, then 资金 / 绩效指标 / 得分."""
    for col, width in enumerate((26, 16, 30, 16, 16) + (13,) * (_PERF_COLUMNS - 5), start=1):
        ts.column_dimensions[get_column_letter(col)].width = width
    for s_i, s in enumerate(perf):
        t = layout.titles[s_i]
        _put_text(ts, t, 1, s.name)
        _put_text(ts, t, 2, s.kind_name)
        _put_text(ts, t, 3, location(s.page, s.line) or "")
        _put_text(ts, t, 4, f"总分 {s.total}" if s.total is not None else "")
        _put_text(ts, t, 5, f"等级 {s.grade}" if s.grade else "")
        _put_text(ts, t, 6, f"发现 {len(s.findings)} 条" if s.findings else "")
        for col in range(1, _PERF_COLUMNS + 1):
            cell = ts.cell(row=t, column=col)
            cell.fill, cell.font = _PERF_TITLE_FILL, _HEADER_FONT
        if s.severity in FILLS:
            ts.cell(row=t, column=6).fill = FILLS[s.severity]
        meta = [x for x in (
            f"主管部门：{s.department}" if s.department else "",
            f"实施单位：{s.implementer}" if s.implementer else "",
            f"金额单位：{s.unit}" + ("（换算为万元）" if s.unit == "元" else ""),
            "" if s.readable else "表格未能转换",
        ) if x]
        _put_text(ts, t + 1, 1, "；".join(meta))
        for b_i, b in enumerate(s.blocks):
            h = layout.heads[s_i][b_i]
            head = [*(b.text_headers or [b.name]), *b.column_names]
            for col, name in enumerate(head, start=1):
                c = ts.cell(row=h, column=col, value=name)
                c.font, c.fill = _HEADER_FONT, _HEADER_FILL
                c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            first = 1 + _text_columns(b)
            for k, row in enumerate(b.rows):
                r = layout.rows[(s_i, b_i, k)]
                for col, text in enumerate(row.texts or [row.label], start=1):
                    _put_text(ts, r, col, text)
                if row.is_total:
                    for col in range(1, first + len(b.columns)):
                        ts.cell(row=r, column=col).font = _HEADER_FONT
                for c_i, pc in enumerate(row.cells):
                    if pc is None:
                        continue
                    col = first + c_i
                    if pc.fact is not None and not pc.value.startswith("—"):
                        value = pc.fact.value / 100 if pc.column in ("rate", "degree") else pc.fact.value
                        _put_number(ts, r, col, value)
                        if pc.column in ("rate", "degree"):
                            ts.cell(row=r, column=col).number_format = "0.00%"
                    else:
                        _put_text(ts, r, col, pc.value)
                    cell = ts.cell(row=r, column=col)
                    if pc.severity in FILLS:
                        cell.fill = FILLS[pc.severity]
                    if pc.findings:
                        text = "\n".join(
                            f"#{n} {severity_name(findings[n - 1].severity)} {findings[n - 1].rule}："
                            f"{findings[n - 1].title}"
                            for n in pc.findings
                        )
                        cell.comment = Comment(_text(text), "juesuan", width=320, height=120)
    if any(s.severity == "error" for s in perf):
        ts.sheet_properties.tabColor = "B42318"

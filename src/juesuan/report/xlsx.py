"""The report as an Excel workbook (openpyxl): the 问题清单 to hand back, then one sheet per table.

Sheets: 问题清单 (one row per finding, :mod:`.issue_list`: 序号 … 说明, then 处理意见 with a list
of review decisions and 部门回复 for the department), the tables in printed order as
``01 收入支出决算总表`` … laid out as printed (:mod:`.xlsx_tables`), 绩效自评, 文档信息. Everything
is Chinese; headers are frozen and filtered, every sheet prints A4 landscape fitted to the width
with its title rows repeated; amounts are numbers (``#,##0.00``). Document text is always a text
cell, with Excel's quote prefix when it would otherwise read as a formula.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from typing import Any, Mapping

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from juesuan.model import CheckResult
from juesuan.safe_output import encodable, file_name, is_formula_like

from .common import build_grids, location, ordered_findings, severity_name, table_name
from .issue_list import DECISIONS, ISSUE_HEADER, ISSUE_SHEET, IssueRow, issue_rows
from .perf import PerfBlock, PerfSection, build_perf_sections
from .xlsx_tables import sheet_name, write_table_sheet

_ISSUE_WIDTHS = (6, 8, 11, 20, 22, 13, 7, 36, 11, 11, 10, 46, 12, 22)
_LINE_HEIGHT = 16.0  # points per wrapped line (10-11 pt type)

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
FINDINGS_SHEET = ISSUE_SHEET
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


def _header(ws: Worksheet, names: list[str] | tuple[str, ...], widths: list[float]) -> None:
    for i, name in enumerate(names, start=1):
        c = ws.cell(row=1, column=i, value=name)
        c.font, c.fill = _HEADER_FONT, _HEADER_FILL
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(i)].width = widths[i - 1]


def print_setup(ws: Worksheet, title_rows: str | None = None) -> None:
    """A4 landscape, fit to the page's width, the title rows repeated on every printed page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    if title_rows:
        ws.print_title_rows = title_rows


def _put_value(ws: Worksheet, row: int, col: int, value: Decimal | str | None) -> None:
    """期望值 / 列示值 / 差额: a number with two decimals, or the text when it is none."""
    if value is None:
        return
    if isinstance(value, Decimal):
        cell = ws.cell(row=row, column=col, value=float(value))
        cell.number_format = _number_format(value)
    else:
        _put_text(ws, row, col, value)


def _lines(ws: Worksheet, row: int, ncols: int) -> int:
    """How many lines the row's wrapped text takes (spreadsheets do not grow rows on their own)."""
    most = 1
    for col in range(1, ncols + 1):
        value = ws.cell(row=row, column=col).value
        if not isinstance(value, str) or not value:
            continue
        width = max(1.0, (ws.column_dimensions[get_column_letter(col)].width or 10) - 1)
        n = sum(max(1, -(-int(sum(2 if ord(ch) > 0x2E80 else 1 for ch in part)) // int(width))) for part in value.split("\n"))
        most = max(most, n)
    return min(most, 30)


def _write_issues(ws: Worksheet, rows: list[IssueRow], targets: list[str | None]) -> None:
    """The 问题清单: one row per finding; 处理意见 and 部门回复 as recorded (empty when none is)."""
    _header(ws, ISSUE_HEADER, list(_ISSUE_WIDTHS))
    ws.row_dimensions[1].height = 22
    for i, r in enumerate(rows, start=2):
        ws.cell(row=i, column=1, value=r.number)
        _put_text(ws, i, 2, r.severity)
        _put_text(ws, i, 3, r.rule)
        _put_text(ws, i, 4, r.tables)
        _put_text(ws, i, 5, r.rows)
        _put_text(ws, i, 6, r.columns)
        if len(r.pages) == 1:
            ws.cell(row=i, column=7, value=r.pages[0])
        elif r.pages:
            _put_text(ws, i, 7, r.page_text)
        _put_text(ws, i, 8, r.text)
        _put_value(ws, i, 9, r.expected)
        _put_value(ws, i, 10, r.printed)
        _put_value(ws, i, 11, r.difference)
        _put_text(ws, i, 12, r.message)
        if r.decision:
            _put_text(ws, i, 13, r.decision)
        if r.reply:
            _put_text(ws, i, 14, r.reply)
        for col in range(1, len(ISSUE_HEADER) + 1):
            ws.cell(row=i, column=col).alignment = _WRAP
        ws.row_dimensions[i].height = _LINE_HEIGHT * _lines(ws, i, len(ISSUE_HEADER))
        sev = ws.cell(row=i, column=2)
        sev.font = _SEVERITY_FONT.get(r.finding.severity, Font(bold=True))
        if r.finding.severity in FILLS:
            sev.fill = FILLS[r.finding.severity]
        target = targets[i - 2]
        if target is not None:  # 序号 jumps to the finding's first cell in its table sheet
            link = ws.cell(row=i, column=1)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=target, tooltip="查看表中单元格")
            link.font = Font(color="1D4ED8", underline="single")
    last = len(rows) + 1
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(ISSUE_HEADER))}{last}"
    decisions = DataValidation(
        type="list",
        formula1='"' + ",".join(DECISIONS) + '"',
        allow_blank=True,
        errorStyle="information",  # a reviewer may still write a sentence of their own
        promptTitle="处理意见",
        prompt="选择：" + "、".join(DECISIONS) + "（也可填写其他意见）",
        showInputMessage=True,
    )
    ws.add_data_validation(decisions)
    decisions.add(f"M2:M{max(last, 2) + 200}")
    reply = DataValidation(
        type="textLength", operator="lessThanOrEqual", formula1="2000", allow_blank=True,
        promptTitle="部门回复", prompt="部门填写整改情况或说明（不超过 2000 字）", showInputMessage=True,
        errorStyle="warning",
    )  # fmt: skip
    ws.add_data_validation(reply)
    reply.add(f"N2:N{max(last, 2) + 200}")
    print_setup(ws, "1:1")


def render_xlsx(result: CheckResult, reviews: Mapping[str, Any] | None = None) -> bytes:
    """The workbook; ``reviews`` (fingerprint → review, :func:`.issue_list.issue_rows`) fills the
    问题清单's 处理意见 and 部门回复 — the web app's download passes the store's decisions."""
    doc = result.document
    findings = ordered_findings(result)
    grids = build_grids(result, findings)
    perf = build_perf_sections(result, findings)
    issues = issue_rows(result, findings, reviews)

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    taken: set[str] = set()
    ws.title = sheet_title(ISSUE_SHEET, taken)
    sheet_of = {g.id: sheet_title(sheet_name(n, g), taken) for n, g in enumerate(grids, start=1)}
    perf_sheet = sheet_title(PERF_SHEET, taken) if perf else ""
    perf_layout = _perf_layout(perf)

    anchors: dict[tuple[str, str, str], str] = {}
    for g in grids:
        ts = wb.create_sheet(sheet_of[g.id])
        placed = write_table_sheet(
            ts, g, findings, put_text=_put_text, put_number=_put_number, fills=FILLS, clean=_text
        )
        for key, (r_i, c_i) in placed.items():
            anchors[key] = f"{quote_sheetname(sheet_of[g.id])}!{get_column_letter(c_i)}{r_i}"
        print_setup(ts)
    perf_anchors = {
        key: f"{quote_sheetname(perf_sheet)}!{get_column_letter(col)}{row}"
        for key, (row, col) in perf_layout.cells.items()
    }

    targets: list[str | None] = []
    for f in findings:
        target = None
        for c in f.cells:
            if c.project:
                target = perf_anchors.get((c.project, c.table, c.row, c.column))
            else:
                target = anchors.get((c.table, c.row, c.column))
            if target is not None:
                break
        targets.append(target)
    _write_issues(ws, issues, targets)

    if perf:
        ps = wb.create_sheet(perf_sheet)
        _write_perf(ps, perf, perf_layout, findings)
        print_setup(ps)

    info = wb.create_sheet(sheet_title(DOCUMENT_SHEET, taken))
    _header(info, ["项目", "内容"], [14, 80])
    meta = [
        ("单位", doc.department),
        ("年度", str(doc.year) if doc.year else ""),
        ("来源文件", file_name(doc.source)),
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
    print_setup(info)

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

"""The workbook's table sheets, laid out as the tables are printed.

* A two-sided table (收入支出决算总表, 财政拨款收入支出决算总表: rows ``income.*`` and
  ``expense.*``) has its 收入 and 支出 groups side by side — 项目 and the income columns on the
  left, 项目 and the expense columns on the right — with the body rows, the 合计 row, the rows
  after it (年初/年末结转) and the 总计 row each aligned across the two sides.
* A coded table (科目编码 rows) is 科目编码 | 科目名称 | the amounts in header order; a table
  without codes (三公) is 项目 | the amounts.

Above the header: the table's title and a line with its number, unit and page. Amounts are
numbers (``#,##0.00``); a cell a finding names is filled by its worst severity and carries a
comment with the findings' messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from juesuan.model import Finding

from .common import GridCell, GridRow, TableGrid, location, severity_name

_HEADER_FILL = PatternFill("solid", fgColor="E4E7EC")
_BOLD = Font(bold=True)
_TITLE_FONT = Font(bold=True, size=13)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_SIDES = (("income.", "收入"), ("expense.", "支出"))


@dataclass(slots=True)
class SheetPlan:
    """What a table sheet holds, cell by cell (1-based rows and columns)."""

    title: str
    meta: str
    groups: list[tuple[str, int, int]] = field(default_factory=list)  # (name, first col, last col)
    header: list[str] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    # body rows: per column a label (str), an amount cell (GridCell) or None; and the row's styling
    body: list[list[str | GridCell | None]] = field(default_factory=list)
    totals: list[bool] = field(default_factory=list)
    indents: list[dict[int, int]] = field(default_factory=list)

    @property
    def header_row(self) -> int:
        return 4 if self.groups else 3

    @property
    def first_body_row(self) -> int:
        return self.header_row + 1


def is_two_sided(grid: TableGrid) -> bool:
    keys = [r.key for r in grid.rows]
    return bool(keys) and all(k.startswith(("income.", "expense.")) for k in keys) and all(
        any(k.startswith(prefix) for k in keys) for prefix, _ in _SIDES
    )


def _width(text: str) -> float:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _section(rows: list[GridRow]) -> list[list[GridRow]]:
    """A side's rows as [body, 合计, after 合计, 总计], so both sides line up section by section."""
    parts: list[list[GridRow]] = [[], [], [], []]
    seen_total = False
    for r in rows:
        tail = r.key.split(".", 1)[1]
        if tail == "grand_total":
            parts[3].append(r)
        elif tail == "total":
            parts[1].append(r)
            seen_total = True
        else:
            parts[2 if seen_total else 0].append(r)
    return parts


def _meta(grid: TableGrid) -> str:
    bits = [grid.number or "", f"金额单位：{grid.unit}" if grid.unit else "", grid.where]
    if not grid.found:
        bits.append("文件中未识别到此表")
    return "　".join(b for b in bits if b)


def plan_two_sided(grid: TableGrid) -> SheetPlan:
    plan = SheetPlan(grid.title or grid.name, _meta(grid))
    sides = []
    for prefix, name in _SIDES:
        rows = [r for r in grid.rows if r.key.startswith(prefix)]
        used = [i for i, _ in enumerate(grid.columns) if any(r.cells[i] is not None for r in rows)]
        sides.append((name, rows, used or [0]))
    col = 1
    for name, rows, used in sides:
        last = col + len(used)
        plan.groups.append((name, col, last))
        plan.header += ["项目", *(grid.column_names[i] for i in used)]
        label_w = max([_width(r.label) for r in rows] + [8])
        plan.widths += [min(label_w + 2, 50), *(max(14, _width(grid.column_names[i]) + 4) for i in used)]
        col = last + 1
    per_side = [_section(rows) for _, rows, _ in sides]
    for part in range(4):
        a, b = per_side[0][part], per_side[1][part]
        for k in range(max(len(a), len(b))):
            line: list[str | GridCell | None] = []
            total = False
            for (_, _, used), side in zip(sides, (a, b)):
                r = side[k] if k < len(side) else None
                line.append(r.label if r is not None else None)
                line += [r.cells[i] if r is not None else None for i in used]
                total = total or (r is not None and r.is_total)
            plan.body.append(line)
            plan.totals.append(total)
            plan.indents.append({})
    return plan


def plan_rows(grid: TableGrid) -> SheetPlan:
    plan = SheetPlan(grid.title or grid.name, _meta(grid))
    coded = any(r.key.isdigit() for r in grid.rows)
    label_w = max([_width(r.label) for r in grid.rows] + [8])
    if coded:
        plan.header = ["科目编码", "科目名称"]
        plan.widths = [12, min(label_w + 2, 60)]
    else:
        plan.header = ["项目"]
        plan.widths = [min(label_w + 2, 60)]
    plan.header += grid.column_names
    plan.widths += [max(14, _width(n) + 4) for n in grid.column_names]
    name_col = 2 if coded else 1
    for r in grid.rows:
        line: list[str | GridCell | None] = [r.key if r.key.isdigit() else ""] if coded else []
        line.append(r.label or ("合计" if r.is_total else ""))
        line += list(r.cells)
        plan.body.append(line)
        plan.totals.append(r.is_total)
        plan.indents.append({name_col: r.level} if r.level else {})
    return plan


def plan_sheet(grid: TableGrid) -> SheetPlan:
    return plan_two_sided(grid) if is_two_sided(grid) else plan_rows(grid)


def _comment(gc: GridCell, findings: list[Finding]) -> str:
    return "\n".join(
        f"#{n} {severity_name(findings[n - 1].severity)} {findings[n - 1].rule}：{findings[n - 1].message}"
        for n in gc.findings
    )


def write_table_sheet(
    ws: Worksheet,
    grid: TableGrid,
    findings: list[Finding],
    *,
    put_text,  # noqa: ANN001 - the workbook's text writer (formula-safe)
    put_number,  # noqa: ANN001
    fills: dict[str, PatternFill],
    clean,  # noqa: ANN001 - text as a cell may hold it
) -> dict[tuple[str, str, str], tuple[int, int]]:
    """Write ``grid`` as printed; returns where each (table, row, column) cell landed."""
    plan = plan_sheet(grid)
    ncols = len(plan.header)
    put_text(ws, 1, 1, plan.title)
    ws.cell(row=1, column=1).font = _TITLE_FONT
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(ncols, 1))
    put_text(ws, 2, 1, plan.meta)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=max(ncols, 1))
    for name, first, last in plan.groups:
        c = ws.cell(row=3, column=first, value=name)
        c.font, c.fill, c.alignment = _BOLD, _HEADER_FILL, _CENTER
        if last > first:
            ws.merge_cells(start_row=3, start_column=first, end_row=3, end_column=last)
    h = plan.header_row
    for i, name in enumerate(plan.header, start=1):
        c = ws.cell(row=h, column=i, value=name)
        c.font, c.fill, c.alignment = _BOLD, _HEADER_FILL, _CENTER
        ws.column_dimensions[get_column_letter(i)].width = plan.widths[i - 1]
    anchors: dict[tuple[str, str, str], tuple[int, int]] = {}
    for k, line in enumerate(plan.body):
        r = plan.first_body_row + k
        for col, item in enumerate(line, start=1):
            if item is None:
                continue
            if isinstance(item, str):
                put_text(ws, r, col, item)
                cell = ws.cell(row=r, column=col)
                if col in plan.indents[k]:
                    cell.alignment = Alignment(indent=plan.indents[k][col], wrap_text=True)
                else:
                    cell.alignment = Alignment(wrap_text=True, vertical="center")
            else:
                if item.fact is not None:
                    put_number(ws, r, col, item.fact.value)
                else:
                    put_text(ws, r, col, item.value)
                cell = ws.cell(row=r, column=col)
                anchors[(item.table, item.row, item.column)] = (r, col)
                if item.severity in fills:
                    cell.fill = fills[item.severity]
                if item.findings:
                    cell.comment = Comment(clean(_comment(item, findings)), "juesuan", width=360, height=160)
            if plan.totals[k]:
                ws.cell(row=r, column=col).font = _BOLD
    ws.freeze_panes = ws.cell(row=h + 1, column=1).coordinate
    ws.print_title_rows = f"{3 if plan.groups else h}:{h}"
    if any(c is not None and c.severity == "error" for r in grid.rows for c in r.cells):
        ws.sheet_properties.tabColor = "B42318"
    return anchors


def sheet_name(number: int, grid: TableGrid) -> str:
    """``01 收入支出决算总表``: the table's place in the document, then its Chinese name."""
    return f"{number:02d} {grid.name}"


__all__ = ["SheetPlan", "is_two_sided", "plan_sheet", "sheet_name", "write_table_sheet", "location"]

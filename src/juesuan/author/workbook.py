"""The input workbook (``juesuan template``) and reading it back once filled.

One sheet per standard table of the family, named after the table. Row 1 (hidden) holds the
facts' column keys, column A (hidden) the row keys: the clerk never sees them, and reading the
filled workbook needs no header matching. Row 2 holds the headers as printed. Coded tables
leave the code rows to fill (a code typed in column B, its name looked up from the 代码表 sheet
by formula, a drop-down list of the year's codes as data validation): a department uses a few
dozen of the ~1,500 codes, so prefilling all of them would bury the few it needs. The 合计 row
sums the 类 rows by formula, so Excel/WPS shows the totals while staff type.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ..ingest.errors import InputError
from ..refdata import economic_codes, function_codes
from ..refdata.families import get_family
from .factset import FactSet, parse_value
from .layouts import (CODED_HEADERS, COUNT_ROWS, INCOME_LINES, STATS_LINES, THREE_PUBLIC_LINES, TITLES)

FILL = "FFF2CC"  # the cells to fill: light yellow
CODE_ROWS = 60  # code rows offered per coded table
KEY_SHEET = "代码表"
README = "说明"


def _two_sided_rows(table: str, year: int) -> list[tuple[str, str, list[str]]]:
    """(row key, label, columns) of a two-sided table, one row per key."""
    fiscal = table == "fiscal_summary"
    rows = [(k, label, ["amount"]) for label, k in (INCOME_LINES[:3] if fiscal else INCOME_LINES)]
    rows.append(("income.total", "本年收入合计", ["amount"]))
    if not fiscal:
        rows.append(("income.use_non_fiscal_balance", "使用非财政拨款结余", ["amount"]))
    rows.append(("income.opening_balance", "年初结转和结余", ["amount"]))
    if fiscal:
        rows += [(f"income.opening_balance.{f}", f"年初结转和结余—{n}", ["amount"])
                 for f, n in (("gpb", "一般公共预算财政拨款"), ("gov_fund", "政府性基金预算财政拨款"), ("soe_capital", "国有资本经营预算财政拨款"))]
    rows.append(("income.grand_total", "收入总计", ["amount"]))
    cols = ["total", "gpb", "gov_fund", "soe_capital"] if fiscal else ["amount"]
    fc = function_codes(year)
    rows += [(f"expense.{c.code}", f"支出：{c.code} {c.name}", cols) for c in fc if len(c.code) == 3 and c.code.startswith("2")]
    rows += [("expense.total", "本年支出合计", cols)]
    if not fiscal:
        rows.append(("expense.balance_distribution", "结余分配", cols))
    rows += [("expense.closing_balance", "年末结转和结余", cols), ("expense.grand_total", "支出总计", cols)]
    return rows


def write_template(path: str | Path, *, year: int, family: str = "local_nine") -> list[str]:
    """Write the workbook; returns the sheet names."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    fam = get_family(family)
    wb = Workbook()
    readme = wb.active
    readme.title = README
    fill = PatternFill("solid", fgColor=FILL)
    bold = Font(bold=True)
    lines = [f"{year}年度部门决算公开 填报模板（{fam.name}）", "",
             "1. 黄色单元格为填报项，金额单位：万元，保留两位小数；不填写的单元格视为本表未列示该项。",
             "2. 科目表：在“科目代码”列填写支出功能分类代码（类3位、款5位、项7位），名称自动带出；合计行按类自动求和。",
             "3. 填好后运行：juesuan author 本文件.xlsx --department 部门名称 --year 年度 -o 输出.docx",
             "4. 表间、表内关系不符时 juesuan author 拒绝生成并逐条列出不符之处。",
             f"5. 代码表：{year}年支出功能分类科目与部门支出经济分类科目。"]
    for i, line in enumerate(lines, start=1):
        readme.cell(i, 1, line)
    readme["A1"].font = Font(bold=True, size=14)
    readme.column_dimensions["A"].width = 100
    codes = wb.create_sheet(KEY_SHEET)
    codes.append(["代码", "名称", "级次", "分类"])
    for c in function_codes(year):
        codes.append([c.code, c.name, {3: "类", 5: "款", 7: "项"}.get(len(c.code), ""), "支出功能分类"])
    n_func = codes.max_row
    for c in economic_codes(year):
        codes.append([c.code, c.name, {3: "类", 5: "款"}.get(len(c.code), ""), "部门支出经济分类"])
    codes.column_dimensions["B"].width = 40
    sheets = []
    for t in list(fam.required) + list(fam.optional):
        ws = wb.create_sheet(TITLES.get(t, t)[:31])
        sheets.append(ws.title)
        ws.row_dimensions[1].hidden = True
        ws.column_dimensions["A"].hidden = True
        ws["A1"] = t
        if t in CODED_HEADERS:
            heads = CODED_HEADERS[t]
            ws.append([])  # keep row numbering: row 1 is the key row
            ws.cell(2, 2, "科目代码").font = bold
            ws.cell(2, 3, "科目名称").font = bold
            for j, (key, head) in enumerate(heads.items(), start=4):
                ws.cell(1, j, key)
                ws.cell(2, j, head).font = bold
            ws.cell(3, 1, "total")
            ws.cell(3, 3, "合计").font = bold
            first, last = 4, 3 + CODE_ROWS
            dv = DataValidation(type="list", formula1=f"={KEY_SHEET}!$A$2:$A${n_func}", allow_blank=True)
            dv.promptTitle, dv.prompt = "科目代码", "从代码表选择或直接填写类/款/项代码"
            ws.add_data_validation(dv)
            for r in range(first, last + 1):
                ws.cell(r, 1, f"=B{r}&\"\"")
                code = ws.cell(r, 2)
                code.fill = fill
                code.number_format = "@"
                dv.add(code)
                ws.cell(r, 3, f'=IFERROR(VLOOKUP(B{r},{KEY_SHEET}!$A:$B,2,FALSE),"")')
                for j in range(4, 4 + len(heads)):
                    c = ws.cell(r, j)
                    c.fill, c.number_format = fill, "#,##0.00"
            for j in range(4, 4 + len(heads)):
                col = ws.cell(3, j).column_letter
                ws.cell(3, j, f"=SUMPRODUCT((LEN($B${first}:$B${last})=3)*{col}{first}:{col}{last})").number_format = "#,##0.00"
            ws.column_dimensions["C"].width = 36
        else:
            if t in ("income_expense_summary", "fiscal_summary"):
                rows = _two_sided_rows(t, year)
                cols = ["amount", "total", "gpb", "gov_fund", "soe_capital"] if t == "fiscal_summary" else ["amount"]
                names = {"amount": "金额", "total": "合计", "gpb": "一般公共预算财政拨款",
                         "gov_fund": "政府性基金预算财政拨款", "soe_capital": "国有资本经营预算财政拨款"}
            elif t == "three_public":
                rows = [(k, label, ["budget", "final"]) for label, k in THREE_PUBLIC_LINES]
                cols, names = ["budget", "final"], {"budget": "预算数", "final": "决算数"}
            elif t == "disclosure_stats":
                rows = [(k, label, ["value"]) for label, k in STATS_LINES if k]
                cols, names = ["value"], {"value": "统计数"}
            elif t == "gpb_basic":
                rows = [(c.code, f"{c.code} {c.name}", ["amount"]) for c in economic_codes(year)]
                rows += [("personnel_total", "人员经费合计", ["amount"]), ("public_total", "公用经费合计", ["amount"])]
                cols, names = ["amount"], {"amount": "决算数"}
            else:
                rows, cols, names = [], ["total"], {"total": "金额"}
            ws.cell(2, 2, "项目").font = bold
            for j, key in enumerate(cols, start=3):
                ws.cell(1, j, key)
                ws.cell(2, j, names[key]).font = bold
            for i, (key, label, given) in enumerate(rows, start=3):
                ws.cell(i, 1, key)
                ws.cell(i, 2, label)
                for j, col in enumerate(cols, start=3):
                    if col in given:
                        c = ws.cell(i, j)
                        c.fill = fill
                        c.number_format = "0" if key in COUNT_ROWS else "#,##0.00"
            _add_total_formulas(ws, t, rows, cols)
            ws.column_dimensions["B"].width = 40
        ws.freeze_panes = "B3"
        first_input = ws.cell(4 if t in CODED_HEADERS else 3, 2 if t in CODED_HEADERS else 3)
        first_input.comment = Comment("黄色单元格为填报项（万元）", "juesuan")
    wb.save(str(path))
    return sheets


def _add_total_formulas(ws, table: str, rows, cols) -> None:
    """Totals as formulas over the rows they add up (本年收入合计, 总计, 三公 合计, 人员/公用经费合计)."""
    where = {key: i for i, (key, _, _) in enumerate(rows, start=3)}
    sums: dict[str, list[str]] = {}
    if table in ("income_expense_summary", "fiscal_summary"):
        sums["income.total"] = [k for _, k in INCOME_LINES if k in where]
        sums["income.grand_total"] = ["income.total", "income.use_non_fiscal_balance", "income.opening_balance"]
        sums["expense.total"] = [k for k in where if k.startswith("expense.") and k[8:].isdigit()]
        sums["expense.grand_total"] = ["expense.total", "expense.balance_distribution", "expense.closing_balance"]
    elif table == "three_public":
        sums["total"] = ["overseas", "vehicle", "reception"]
        sums["vehicle"] = ["vehicle_purchase", "vehicle_operation"]
    elif table == "gpb_basic":
        sums["personnel_total"] = [k for k in where if len(k) == 3 and k in ("301", "303")]
        sums["public_total"] = [k for k in where if len(k) == 3 and k not in ("301", "303")]
    for total, parts in sums.items():
        parts = [p for p in parts if p in where]
        if total not in where or not parts:
            continue
        for j, col in enumerate(cols, start=3):
            cell = ws.cell(where[total], j)
            if cell.fill.fgColor.rgb in (None, "00000000"):
                continue
            letter = cell.column_letter
            cell.value = "=" + "+".join(f"{letter}{where[p]}" for p in parts)


def read_workbook(path: str | Path) -> FactSet:
    """Facts from a filled template workbook (cached values of formulas: Excel/WPS/LibreOffice
    store them when saving; a formula without one is read as not given)."""
    from openpyxl import load_workbook

    p = Path(path)
    try:
        wb = load_workbook(str(p), data_only=True, read_only=False)
    except Exception as e:  # noqa: BLE001 - any unreadable workbook is an input error
        raise InputError(f"{p.name}: 无法读取工作簿 ({e})") from e
    fs = FactSet()
    for ws in wb.worksheets:
        table = ws.cell(1, 1).value
        if ws.title in (README, KEY_SHEET) or not isinstance(table, str) or table not in TITLES:
            continue
        keys = {j: ws.cell(1, j).value for j in range(2, ws.max_column + 1) if ws.cell(1, j).value}
        coded = table in CODED_HEADERS
        for r in range(3, ws.max_row + 1):
            key = ws.cell(r, 2).value if coded and r > 3 else ws.cell(r, 1).value
            key = str(key).strip() if key is not None else ""
            if key.endswith(".0"):
                key = key[:-2]
            if not key:
                continue
            for j, col in keys.items():
                v = ws.cell(r, j).value
                if v is None or v == "":
                    continue
                value = Decimal(str(v)) if isinstance(v, (int, float)) else parse_value(str(v))
                if value is None:
                    raise InputError(f"{p.name}: 工作表「{ws.title}」{ws.cell(r, j).coordinate} 不是金额：{v!r}")
                if not (table == "disclosure_stats" and key in COUNT_ROWS):
                    value = value.quantize(Decimal("0.01"))
                fs.values[(table, key, col)] = value
    return fs

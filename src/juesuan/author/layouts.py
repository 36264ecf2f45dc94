"""Each standard table as it is printed: title, header rows as printed, body rows, note.

Rows are plain strings (amounts already formatted, 万元, two decimals); a blank cell is a fact
that is not given. Codes go down to 项 (7 digits) in the coded tables, one code column and one
name column, the 合计 row first; names come from the facts' labels, else the reference data of
the year. A table without facts is printed with its header, a blank 合计 row and the note
本表无数据 (as departments publish a table that does not apply to them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..refdata import economic_codes, function_codes
from ..vocab import COLUMN_ORDER
from .factset import FactSet, format_value

TITLES = {
    "income_expense_summary": "收入支出决算总表",
    "income": "收入决算表",
    "expenditure": "支出决算表",
    "fiscal_summary": "财政拨款收入支出决算总表",
    "gpb_expenditure": "一般公共预算财政拨款支出决算表",
    "gpb_basic": "一般公共预算财政拨款基本支出决算明细表",
    "gpb_project": "一般公共预算财政拨款项目支出决算表",
    "gov_fund": "政府性基金预算财政拨款收入支出决算表",
    "soe_capital": "国有资本经营预算财政拨款支出决算表",
    "three_public": "财政拨款“三公”经费支出决算表",
    "disclosure_stats": "部门决算公开相关信息统计表",
    "fiscal_expenditure": "财政拨款支出决算表",
}

NOTES = {
    "income_expense_summary": "注：本表反映部门本年度的总收支和年末结转结余情况。",
    "income": "注：本表反映部门本年度取得的各项收入情况。",
    "expenditure": "注：本表反映部门本年度各项支出情况。",
    "fiscal_summary": "注：本表反映部门本年度一般公共预算财政拨款、政府性基金预算财政拨款和国有资本经营预算财政拨款的总收支和年末结转结余情况。",
    "gpb_expenditure": "注：本表反映部门本年度一般公共预算财政拨款支出情况。",
    "gpb_basic": "注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。",
    "gpb_project": "注：本表反映部门本年度一般公共预算财政拨款项目支出情况。",
    "gov_fund": "注：本表反映部门本年度政府性基金预算财政拨款收入、支出及结转和结余情况。",
    "soe_capital": "注：本表反映部门本年度国有资本经营预算财政拨款支出情况。",
    "three_public": "注：本表反映部门本年度财政拨款“三公”经费支出预决算情况。",
    "disclosure_stats": "注：本表反映部门本年度政府采购、机关运行经费和国有资产占用情况。",
    "fiscal_expenditure": "注：本表反映部门本年度财政拨款支出情况。",
}

EMPTY_NOTE = "本部门本年度无{what}，故本表无数据。"
EMPTY_WHAT = {
    "gov_fund": "政府性基金预算财政拨款收入、支出及结转和结余",
    "soe_capital": "国有资本经营预算财政拨款支出",
    "three_public": "财政拨款“三公”经费支出",
    "gpb_project": "一般公共预算财政拨款项目支出",
}

# coded tables: column key -> printed header
CODED_HEADERS: dict[str, dict[str, str]] = {
    "income": {"total": "本年收入合计", "fiscal": "财政拨款收入", "upper_subsidy": "上级补助收入",
               "operating": "事业收入", "business": "经营收入", "affiliate_remit": "附属单位上缴收入",
               "other": "其他收入"},
    "expenditure": {"total": "本年支出合计", "basic": "基本支出", "project": "项目支出",
                    "remit_upper": "上缴上级支出", "business": "经营支出", "affiliate_subsidy": "对附属单位补助支出"},
    "gpb_expenditure": {"total": "合计", "basic": "基本支出", "project": "项目支出"},
    "soe_capital": {"total": "合计", "basic": "基本支出", "project": "项目支出"},
    "fiscal_expenditure": {"total": "合计", "basic": "基本支出", "project": "项目支出"},
    "gpb_project": {"total": "合计", "basic": "基本支出", "project": "项目支出"},
    "gov_fund": {"opening_balance": "年初结转和结余", "income": "本年收入", "expense_total": "本年支出小计",
                 "expense_basic": "基本支出", "expense_project": "项目支出", "closing_balance": "年末结转和结余"},
}
CODED_TABLES = tuple(CODED_HEADERS)

INCOME_LINES = [
    ("一、一般公共预算财政拨款收入", "income.gpb"),
    ("二、政府性基金预算财政拨款收入", "income.gov_fund"),
    ("三、国有资本经营预算财政拨款收入", "income.soe_capital"),
    ("四、上级补助收入", "income.upper_subsidy"),
    ("五、事业收入", "income.operating"),
    ("六、经营收入", "income.business"),
    ("七、附属单位上缴收入", "income.affiliate_remit"),
    ("八、其他收入", "income.other"),
]

THREE_PUBLIC_LINES = [
    ("合计", "total"),
    ("1.因公出国（境）费", "overseas"),
    ("2.公务用车购置及运行维护费", "vehicle"),
    ("其中：（1）公务用车购置费", "vehicle_purchase"),
    ("（2）公务用车运行维护费", "vehicle_operation"),
    ("3.公务接待费", "reception"),
]

STATS_LINES = [
    ("一、政府采购情况", None),
    ("合计", "procurement.total"),
    ("货物", "procurement.goods"),
    ("工程", "procurement.works"),
    ("服务", "procurement.services"),
    ("二、机关运行经费", None),
    ("(一) 行政单位", "running_cost.admin"),
    ("(二) 参照公务员法管理事业单位", "running_cost.civil_servant_mgmt"),
    ("三、国有资产占用情况", None),
    ("(一) 车辆数合计(辆)", "vehicles.total"),
    ("1. 副部(省)级及以上领导用车", "vehicles.ministerial"),
    ("2. 主要负责人用车", "vehicles.principal"),
    ("3. 机要通信用车", "vehicles.confidential"),
    ("4. 应急保障用车", "vehicles.emergency"),
    ("5. 执法执勤用车", "vehicles.law_enforcement"),
    ("6. 特种专业技术用车", "vehicles.special"),
    ("7. 离退休干部服务用车", "vehicles.retiree"),
    ("8. 其他用车", "vehicles.other"),
    ("(二) 单价100万元(含)以上设备(不含车辆)", "equipment_over_1m"),
]
COUNT_ROWS = {k for _, k in STATS_LINES if k and (k.startswith("vehicles.") or k == "equipment_over_1m")}


@dataclass
class PrintedTable:
    id: str
    title: str
    number: str
    head: list[list[str]]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)
    empty: bool = False
    label_columns: int = 1  # leading text columns of each body row (amounts after them)


def amount(fs: FactSet, table: str, row: str | None, column: str) -> str:
    if row is None:
        return ""
    v = fs.get(table, row, column)
    if v is None:
        return ""
    if table == "disclosure_stats" and row in COUNT_ROWS:
        return format(v.normalize(), "f") if v == v.to_integral_value() else format(v, "f")
    return format_value(v)


def _ordinal(n: int) -> str:
    numerals = "一二三四五六七八九十"
    if n <= 10:
        return numerals[n - 1]
    if n < 20:
        return "十" + numerals[n - 11]
    return numerals[n // 10 - 1] + "十" + (numerals[n % 10 - 1] if n % 10 else "")


def coded_rows(fs: FactSet, table: str, extra: tuple[str, ...] = ()) -> list[str]:
    """The codes a coded table prints: every code with a fact, and its 类/款 parents."""
    codes = {r for r in fs.rows(table) if r.isdigit()} | {c for c in extra if c.isdigit()}
    for c in list(codes):
        if len(c) >= 5:
            codes.add(c[:3])
        if len(c) == 7:
            codes.add(c[:5])
    return sorted(codes)


def code_name(fs: FactSet, table: str, code: str, year: int) -> str:
    label = fs.labels.get((table, code))
    if label:
        return label.split(maxsplit=1)[-1] if label[:1].isdigit() else label
    table_ = economic_codes(year) if table == "gpb_basic" else function_codes(year)
    return table_.name(code) or ""


def coded(fs: FactSet, table: str, number: str, year: int) -> PrintedTable:
    cols = COLUMN_ORDER.get(table) or tuple(CODED_HEADERS[table])
    heads = CODED_HEADERS[table]
    head = [["科目代码", "科目名称", *[heads[c] for c in cols]]]
    rows = [["合计", "", *[amount(fs, table, "total", c) for c in cols]]]
    for code in coded_rows(fs, table):
        rows.append([code, code_name(fs, table, code, year), *[amount(fs, table, code, c) for c in cols]])
    return PrintedTable(table, TITLES[table], number, head, rows, label_columns=2)


def summary_tail(fiscal: bool) -> list[tuple[str, str, str, str]]:
    """The lines under a two-sided summary's body, as the national template prints them:
    (income label, income key, expense label, expense key); "" where a side prints nothing."""
    tail = [("本年收入合计", "income.total", "本年支出合计", "expense.total")]
    if not fiscal:
        tail.append(("使用非财政拨款结余", "income.use_non_fiscal_balance", "结余分配", "expense.balance_distribution"))
    opening = "年初财政拨款结转和结余" if fiscal else "年初结转和结余"
    closing = "年末财政拨款结转和结余" if fiscal else "年末结转和结余"
    tail.append((opening, "income.opening_balance", closing, "expense.closing_balance"))
    if fiscal:
        for label, fund in (("一般公共预算财政拨款", "gpb"), ("政府性基金预算财政拨款", "gov_fund"),
                            ("国有资本经营预算财政拨款", "soe_capital")):
            tail.append((label, f"income.opening_balance.{fund}", "", ""))
    tail.append(("总计", "income.grand_total", "总计", "expense.grand_total"))
    return tail


def two_sided(fs: FactSet, table: str, number: str, year: int) -> PrintedTable:
    fiscal = table == "fiscal_summary"
    right_cols = ("total", "gpb", "gov_fund", "soe_capital") if fiscal else ("amount",)
    right_head = ["合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"] if fiscal else ["金额"]
    fc = function_codes(year)
    classes = [c.code for c in fc if len(c.code) == 3 and c.code.startswith("2")]
    classes = sorted(set(classes) | {r[8:] for r in fs.rows(table) if r.startswith("expense.") and r[8:].isdigit()})
    head = [["收入", "", "支出", *[""] * len(right_cols)], ["项目", "金额", "项目", *right_head]]
    income = INCOME_LINES[:3] if fiscal else INCOME_LINES
    tail = summary_tail(fiscal)
    rows: list[list[str]] = []
    n_body = max(len(classes), len(income))
    for i in range(n_body):
        if i < len(income):
            ll, lk = income[i]
            ll = ll.replace("收入", "") if fiscal else ll
        else:
            ll, lk = "", None
        if i < len(classes):
            code = classes[i]
            name = fs.labels.get((table, f"expense.{code}")) or fc.name(code) or f"{code}类支出"
            rl, rk = f"{_ordinal(i + 1)}、{name}", f"expense.{code}"
        else:
            rl, rk = "", None
        rows.append([ll, amount(fs, table, lk, "amount"), rl, *[amount(fs, table, rk, c) for c in right_cols]])
    for ll, lk, rl, rk in tail:
        rows.append([ll, amount(fs, table, lk, "amount"), rl, *[amount(fs, table, rk or None, c) for c in right_cols]])
    return PrintedTable(table, TITLES[table], number, head, rows, label_columns=0)


PERSONNEL_CLASSES = ("301", "303")


def gpb_basic(fs: FactSet, number: str, year: int) -> PrintedTable:
    t = "gpb_basic"
    codes = coded_rows(fs, t)
    personnel = [c for c in codes if c[:3] in PERSONNEL_CLASSES]
    public = [c for c in codes if c[:3] not in PERSONNEL_CLASSES]
    half = (len(public) + 1) // 2
    # keep a class with its 款 when splitting the public codes over two column groups
    while 0 < half < len(public) and len(public[half]) == 5 and public[half][:3] == public[half - 1][:3]:
        half += 1
    groups = [personnel, public[:half], public[half:]]
    head = [["人员经费", "", "", "公用经费", "", "", "", "", ""], ["科目代码", "科目名称", "决算数"] * 3]
    rows: list[list[str]] = []
    for i in range(max(1, *(len(g) for g in groups))):
        line: list[str] = []
        for g in groups:
            if i < len(g):
                line += [g[i], code_name(fs, t, g[i], year), amount(fs, t, g[i], "amount")]
            else:
                line += ["", "", ""]
        rows.append(line)
    rows.append(["人员经费合计", "", amount(fs, t, "personnel_total", "amount"), "公用经费合计", "", "", "", "",
                 amount(fs, t, "public_total", "amount")])
    return PrintedTable(t, TITLES[t], number, head, rows, label_columns=0)


def three_public(fs: FactSet, number: str) -> PrintedTable:
    t = "three_public"
    head = [["项目", "预算数", "决算数"]]
    rows = [[label, amount(fs, t, key, "budget"), amount(fs, t, key, "final")] for label, key in THREE_PUBLIC_LINES]
    return PrintedTable(t, TITLES[t], number, head, rows)


def disclosure_stats(fs: FactSet, number: str) -> PrintedTable:
    t = "disclosure_stats"
    head = [["项目", "行次", "统计数"]]
    rows: list[list[str]] = []
    no = 0
    for label, key in STATS_LINES:
        if key is None:
            rows.append([label, "", ""])
            continue
        no += 1
        rows.append([label, str(no), amount(fs, t, key, "value")])
    return PrintedTable(t, TITLES[t], number, head, rows)


def printed_table(fs: FactSet, table: str, number: str, year: int) -> PrintedTable:
    if table in ("income_expense_summary", "fiscal_summary"):
        pt = two_sided(fs, table, number, year)
    elif table == "gpb_basic":
        pt = gpb_basic(fs, number, year)
    elif table == "three_public":
        pt = three_public(fs, number)
    elif table == "disclosure_stats":
        pt = disclosure_stats(fs, number)
    else:
        pt = coded(fs, table, number, year)
    pt.empty = table not in fs.tables()
    pt.notes = [NOTES[table]]
    if pt.empty:
        if table not in ("income_expense_summary", "fiscal_summary"):
            pt.rows = pt.rows[:1]  # a 合计 row left blank
        pt.notes.append(EMPTY_NOTE.format(what=EMPTY_WHAT.get(table, TITLES[table].removesuffix("表") + "数据")))
    return pt

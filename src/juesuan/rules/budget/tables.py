"""Budget identities inside one table: rows, the classification hierarchy, the two-sided summaries,
三公, 政府采购 and 绩效目标 tables (JS-BG-001 … JS-BG-016).

Only printed columns are checked (``TableInfo.columns``, else the columns the table's facts use): a
one-amount-column table gets no 合计 = 基本 + 项目 check. Missing cells of a printed column are zero.
"""

from __future__ import annotations

import re
from typing import Iterator

from ..engine import Context, Identity, Rule, ex
from .base import (
    BUDGET_KINDS,
    additive,
    CODED_TABLES,
    EXPENDITURE_PARTS,
    FUNCTION_TABLES,
    FUNDS,
    LAW_BUDGET,
    LAW_BUDGET_BASIC,
    LAW_BUDGET_PROCUREMENT,
    LAW_BUDGET_THREE,
    SUMMARIES,
    columns,
    has_column,
    named,
    total_row,
)

_B = {"kind": "budget", "year": 2026}
CLASS_LINE = re.compile(r"^expense\.\d{3}$")
_USES = ("expense.basic", "expense.project", "expense.reserve")
_NOT_SOURCES = ("income.total", "income.grand_total", "income.carryover")


def _row_sums(ctx: Context, table: str, total: str, parts: list[str]) -> Iterator[Identity]:
    if not ctx.has_data(table) or not parts or not has_column(ctx, table, total):
        return
    for row in ctx.rows(table):
        yield named(ctx, Identity((table, row, total), [(1, (table, row, c)) for c in parts]))


def _function_rows(ctx: Context) -> Iterator[Identity]:
    for t in FUNCTION_TABLES:
        yield from _row_sums(ctx, t, "total", [c for c in EXPENDITURE_PARTS if has_column(ctx, t, c)])


def _income_rows(ctx: Context) -> Iterator[Identity]:
    t = "budget_income"
    cols = columns(ctx, t)
    funds = [c for c in FUNDS if c in cols]
    fiscal = ["fiscal"] if "fiscal" in cols else funds
    sources = [*fiscal, *(c for c in cols if c not in ("total", "fiscal", *FUNDS))]
    rows_coded = [r for r in ctx.rows(t) if not r.startswith("income.")]
    if not ctx.has_data(t) or "total" not in cols:
        return
    for row in rows_coded:
        yield named(ctx, Identity((t, row, "total"), [(1, (t, row, c)) for c in sources]))
        if "fiscal" in cols and funds:
            yield named(ctx, Identity((t, row, "fiscal"), [(1, (t, row, c)) for c in funds]))


def _parent_sums(ctx: Context, digits: int) -> Iterator[Identity]:
    for t in CODED_TABLES:
        if not ctx.has_data(t):
            continue
        cols = [c for c in columns(ctx, t) if additive(c)]
        for code in ctx.coded_rows(t):
            children = ctx.roots_under(t, code) if len(code) == digits else []
            for col in cols if children else ():
                yield named(ctx, Identity((t, code, col), [(1, (t, r, col)) for r in children]))


def _class_sums(ctx: Context) -> Iterator[Identity]:
    yield from _parent_sums(ctx, 3)


def _item_sums(ctx: Context) -> Iterator[Identity]:
    yield from _parent_sums(ctx, 5)


def _total_sums(ctx: Context) -> Iterator[Identity]:
    for t in CODED_TABLES:
        roots = ctx.roots_under(t, "") if ctx.has_data(t) else []
        if not roots or not ctx.has_row(t, "total"):
            continue
        for col in (c for c in columns(ctx, t) if additive(c)):
            yield named(ctx, Identity((t, "total", col), [(1, (t, r, col)) for r in roots], whole=(t,)))


def _economic_rows(ctx: Context) -> Iterator[Identity]:
    for t in ("budget_gpb_basic", "budget_fiscal_basic"):
        yield from _row_sums(ctx, t, "total", [c for c in ("personnel", "public") if has_column(ctx, t, c)])


def _two_sided(ctx: Context) -> list[str]:
    """Tables with two-sided (``income.*`` / ``expense.*``) rows: the summaries, a list-shape 收入预算表."""
    out = [t for t in SUMMARIES if ctx.has_data(t)]
    if ctx.has_data("budget_income") and any(r.startswith("income.") for r in ctx.rows("budget_income")):
        out.append("budget_income")
    return out


def _income_side(ctx: Context) -> Iterator[Identity]:
    for t in _two_sided(ctx):
        rows = [r for r in ctx.rows(t) if r.startswith("income.")]
        for parent in rows:  # a line printed with its "其中/1." parts: the parts add up to it
            parts = [r for r in rows if r.startswith(parent + ".") and "." not in r[len(parent) + 1 :].replace("extra.", "", 1)]
            if parts and parent not in _NOT_SOURCES:
                yield named(ctx, Identity((t, parent, "amount"), [(1, (t, r, "amount")) for r in parts]))
        sources = [r for r in rows if r.count(".") == 1 and r not in _NOT_SOURCES]
        if not sources:
            continue
        terms = [(1, (t, r, "amount")) for r in sources]
        carry = [(1, (t, "income.carryover", "amount"))]
        if ctx.has_row(t, "income.total"):
            yield named(ctx, Identity((t, "income.total", "amount"), terms))
            yield named(ctx, Identity((t, "income.grand_total", "amount"), [(1, (t, "income.total", "amount")), *carry]))
        else:
            yield named(ctx, Identity((t, "income.grand_total", "amount"), [*terms, *carry]))


def expense_columns(ctx: Context, table: str) -> list[str]:
    cols = {f.column for f in ctx.doc.facts if f.table == table and f.row.startswith("expense.")}
    return [c for c in ("amount", "total", *FUNDS) if c in cols]


def _expense_side(ctx: Context) -> Iterator[Identity]:
    for t in SUMMARIES:
        if not ctx.has_data(t):
            continue
        classes = [r for r in ctx.rows(t) if CLASS_LINE.match(r)]
        for col in expense_columns(ctx, t):
            carry = [(1, (t, "expense.carry_forward", col))]
            if ctx.has_row(t, "expense.total"):
                if classes:
                    yield named(ctx, Identity((t, "expense.total", col), [(1, (t, r, col)) for r in classes], whole=(t,)))
                yield named(ctx, Identity((t, "expense.grand_total", col), [(1, (t, "expense.total", col)), *carry]))
            elif classes:
                terms = [(1, (t, r, col)) for r in classes]
                yield named(ctx, Identity((t, "expense.grand_total", col), [*terms, *carry], whole=(t,)))


def _uses(ctx: Context) -> Iterator[Identity]:
    for t in SUMMARIES:
        if not ctx.has_data(t) or not any(ctx.has_row(t, r) for r in _USES[:2]):
            continue
        for col in expense_columns(ctx, t):
            terms = [(1, (t, r, col)) for r in _USES]
            if ctx.has_row(t, "expense.total"):
                yield named(ctx, Identity((t, "expense.total", col), terms, fields={"total_name": "本年支出合计"}))
            else:
                carry = [(1, (t, "expense.carry_forward", col))]
                yield named(ctx, Identity((t, "expense.grand_total", col), [*terms, *carry], fields={"total_name": "支出合计"}))


def _balance(ctx: Context) -> Iterator[Identity]:
    for t in SUMMARIES:
        if not ctx.has_data(t):
            continue
        cols = expense_columns(ctx, t)
        row = "expense.grand_total" if ctx.has_row(t, "expense.grand_total") else total_row(ctx, t, "expense")
        col = next((c for c in ("total", "amount") if c in cols), None)
        income = "income.grand_total" if ctx.has_row(t, "income.grand_total") else "income.total"
        if col is not None:
            yield named(ctx, Identity((t, row, col), [(1, (t, income, "amount"))]))


def _fiscal_funds(ctx: Context) -> Iterator[Identity]:
    t = "budget_fiscal_summary"
    cols = expense_columns(ctx, t)
    funds = [c for c in FUNDS if c in cols]
    if not ctx.has_data(t) or "total" not in cols or not funds:
        return
    for row in ctx.rows(t):
        if row.startswith("expense."):
            yield named(ctx, Identity((t, row, "total"), [(1, (t, row, c)) for c in funds]))


_TP = "budget_three_public"
_TP_COLUMNS = ("budget", "prior_budget")


def _vehicle(ctx: Context, col: str) -> list[tuple[int, tuple[str, str, str]]]:
    if ctx.has_row(_TP, "vehicle"):
        return [(1, (_TP, "vehicle", col))]
    return [(1, (_TP, r, col)) for r in ("vehicle_purchase", "vehicle_operation")]


def _three_public_total(ctx: Context) -> Iterator[Identity]:
    for col in _TP_COLUMNS if ctx.has_data(_TP) else ():
        terms = [(1, (_TP, "overseas", col)), *_vehicle(ctx, col), (1, (_TP, "reception", col))]
        yield named(ctx, Identity((_TP, "total", col), terms))


def _three_public_vehicle(ctx: Context) -> Iterator[Identity]:
    for col in _TP_COLUMNS if ctx.has_data(_TP) and ctx.has_row(_TP, "vehicle") else ():
        terms = [(1, (_TP, "vehicle_purchase", col)), (1, (_TP, "vehicle_operation", col))]
        yield named(ctx, Identity((_TP, "vehicle", col), terms))


def _three_public_extra(ctx: Context) -> Iterator[Identity]:
    for col in _TP_COLUMNS if ctx.has_data(_TP) and ctx.has_row(_TP, "extra.合计") else ():
        terms = [(1, (_TP, r, col)) for r in ("total", "extra.会议费", "extra.培训费")]
        yield named(ctx, Identity((_TP, "extra.合计", col), terms))


def _procurement(ctx: Context) -> Iterator[Identity]:
    t = "budget_procurement"
    if ctx.has_data(t) and any(ctx.has_row(t, r) for r in ("goods", "works", "services")):
        yield named(ctx, Identity((t, "total", "amount"), [(1, (t, r, "amount")) for r in ("goods", "works", "services")]))


def _performance(ctx: Context) -> Iterator[Identity]:
    t = "budget_performance"
    projects = [r for r in ctx.rows(t) if r.startswith("project.")]
    if ctx.has_data(t) and projects:
        yield named(ctx, Identity((t, "total", "amount"), [(1, (t, r, "amount")) for r in projects], whole=(t,)))


_DIFF = "{expected}，相差 {difference}"
_CHILD = "{table_name}「{row_label}」行{column}：{printed} ≠ 下级科目之和 " + _DIFF + "（{other}）"


def _rule(rid: str, title: str, check, message: str, doc: str, passing: tuple, failing: tuple,
          law: str = LAW_BUDGET, severity: str = "error") -> Rule:
    return Rule(
        id=rid, title=title, severity=severity, family="BG", legal_basis=law, message=message, doc=doc,
        check=check, passing=passing, failing=failing, kinds=BUDGET_KINDS,
    )


def _e(*cells: str, **kw) -> object:
    return ex(*cells, meta=_B, **kw)


RULES = [
    _rule(
        "JS-BG-001", "支出预算表：合计等于基本支出、项目支出（及单位预留机动经费、结转下年资金）之和", _function_rows,
        "{table_name}「{row_label}」行：合计 {printed} ≠ {other} " + _DIFF,
        "按支出功能分类列示的预算表（支出预算表、财政拨款支出预算表、一般公共预算支出预算表、政府性基金和国有资本"
        "经营预算支出表）每一行的合计，应等于表中列示的基本支出、项目支出，以及印有时的单位预留机动经费、结转下年"
        "资金之和。只列一个金额列的表不检查。",
        (_e("budget_expenditure/total/total=10.00", "budget_expenditure/total/basic=4.00",
            "budget_expenditure/total/project=6.00"),
         _e("budget_gpb_expenditure/total/total=10.00", note="只列合计一列")),
        (_e("budget_gpb_expenditure/2040601/total=10.00", "budget_gpb_expenditure/2040601/basic=4.00",
            "budget_gpb_expenditure/2040601/project=5.00"),),
        law=LAW_BUDGET_BASIC,
    ),
    _rule(
        "JS-BG-002", "收入预算表：合计等于各项收入之和", _income_rows,
        "{table_name}「{row_label}」行「{column_name}」：{printed} ≠ {other} " + _DIFF,
        "收入预算表（按功能分类列示）每一行的合计应等于财政拨款收入（或其一般公共预算、政府性基金、国有资本经营"
        "预算各列）、财政专户管理资金、事业收入、事业单位经营收入、其他收入、上年结转等列示各列之和；财政拨款收入"
        "列与其资金性质分列同时列示时，财政拨款收入应等于各分列之和。",
        (_e("budget_income/total/total=10.00", "budget_income/total/fiscal=9.00", "budget_income/total/other=1.00"),),
        (_e("budget_income/204/total=10.00", "budget_income/204/fiscal=8.00", "budget_income/204/operating=1.00"),),
    ),
    _rule(
        "JS-BG-003", "预算表类级科目等于所属款级科目之和", _class_sums, _CHILD,
        "按功能分类或经济分类列示的预算表中，每个类级科目（3位编码）的每一列应等于其下列示的款级科目之和；"
        "某款未列示而直接列示项级科目时，以项级科目代替。",
        (_e("budget_gpb_expenditure/204/total=10.00", "budget_gpb_expenditure/20406/total=10.00"),),
        (_e("budget_gpb_basic/302/total=10.00", "budget_gpb_basic/30201/total=4.00", "budget_gpb_basic/30217/total=5.00"),),
    ),
    _rule(
        "JS-BG-004", "预算表款级科目等于所属项级科目之和", _item_sums, _CHILD,
        "按功能分类列示的预算表中，每个款级科目（5位编码）的每一列应等于其下列示的项级科目（7位）之和。",
        (_e("budget_expenditure/20406/basic=6.00", "budget_expenditure/2040601/basic=6.00"),),
        (_e("budget_expenditure/20406/total=6.00", "budget_expenditure/2040601/total=5.00",
            "budget_expenditure/2040604/total=2.00"),),
    ),
    _rule(
        "JS-BG-005", "预算表合计行等于各最上级科目之和", _total_sums,
        "{table_name}合计行{column}：合计 {printed} ≠ 各最上级科目之和 " + _DIFF + "（{other}）",
        "按功能分类或经济分类列示的预算表，合计行每一列应等于列示的最上级科目（通常为各类）之和。合计行未印出时不检查。",
        (_e("budget_gpb_basic/total/total=10.00", "budget_gpb_basic/301/total=7.00", "budget_gpb_basic/302/total=3.00"),),
        (_e("budget_expenditure/total/total=10.00", "budget_expenditure/204/total=7.00",
            "budget_expenditure/208/total=2.00"),),
    ),
    _rule(
        "JS-BG-006", "基本支出预算表：合计等于人员经费与公用经费之和", _economic_rows,
        "{table_name}「{row_label}」行：合计 {printed} ≠ 人员经费＋公用经费 " + _DIFF,
        "一般公共预算（财政拨款）基本支出预算表按经济分类列示人员经费和公用经费两列时，每一行的合计应等于两列之和。",
        (_e("budget_gpb_basic/total/total=10.00", "budget_gpb_basic/total/personnel=8.00",
            "budget_gpb_basic/total/public=2.00"),),
        (_e("budget_gpb_basic/302/total=2.00", "budget_gpb_basic/302/public=1.50"),),
        law=LAW_BUDGET_BASIC,
    ),
    _rule(
        "JS-BG-007", "收支预算总表收入方：收入合计等于各项收入之和", _income_side,
        "{table_name}「{row_label}」：{printed} ≠ {other} " + _DIFF,
        "收支预算总表、财政拨款收支预算总表（及按收入项目列示的收入预算表）的收入方：本年收入合计（当年收入小计）"
        "应等于各收入项目之和，资金性质的分项（1. 一般公共预算 …、其中：…）之和应等于其上级行，收入合计"
        "（收入总计）应等于本年收入合计加上年结转。只印一个合计时按收入总计核对。",
        (_e("budget_summary/income.fiscal/amount=9.00", "budget_summary/income.fiscal.gpb/amount=9.00",
            "budget_summary/income.other/amount=1.00", "budget_summary/income.total/amount=10.00",
            "budget_summary/income.grand_total/amount=10.00"),),
        (_e("budget_summary/income.fiscal/amount=9.00", "budget_summary/income.other/amount=1.00",
            "budget_summary/income.grand_total/amount=11.00"),
         _e("budget_summary/income.fiscal/amount=9.00", "budget_summary/income.fiscal.gpb/amount=8.00",
            "budget_summary/income.grand_total/amount=9.00")),
    ),
    _rule(
        "JS-BG-008", "收支预算总表支出方：各类支出之和等于支出合计", _expense_side,
        "{table_name}「{row_label}」{column}：{printed} ≠ {other} " + _DIFF,
        "收支预算总表和财政拨款收支预算总表的支出方：按功能分类列示的各类支出之和应等于本年支出合计（当年支出小计），"
        "支出合计（支出总计）应等于本年支出合计加结转下年资金；只印一个合计时按支出总计核对。",
        (_e("budget_summary/expense.204/amount=7.00", "budget_summary/expense.208/amount=3.00",
            "budget_summary/expense.grand_total/amount=10.00"),),
        (_e("budget_summary/expense.204/amount=7.00", "budget_summary/expense.208/amount=2.00",
            "budget_summary/expense.grand_total/amount=10.00"),),
    ),
    _rule(
        "JS-BG-009", "收支预算总表支出用途：基本支出、项目支出、单位预留机动经费之和等于支出合计", _uses,
        "{table_name}{column}：{total_name} {printed} ≠ {other} " + _DIFF,
        "收支预算总表或财政拨款收支预算总表按支出用途列示基本支出、项目支出、单位预留机动经费时，其和应等于本年支出合计"
        "（只印支出合计时，加结转下年资金后等于支出合计）。",
        (_e("budget_fiscal_summary/expense.basic/amount=6.00", "budget_fiscal_summary/expense.project/amount=3.00",
            "budget_fiscal_summary/expense.reserve/amount=1.00", "budget_fiscal_summary/expense.grand_total/amount=10.00"),),
        (_e("budget_fiscal_summary/expense.basic/amount=6.00", "budget_fiscal_summary/expense.project/amount=3.00",
            "budget_fiscal_summary/expense.grand_total/amount=10.00"),),
        law=LAW_BUDGET_BASIC,
    ),
    _rule(
        "JS-BG-010", "收支预算总表：收入合计等于支出合计", _balance,
        "{table_name}：支出合计 {printed} ≠ 收入合计 " + _DIFF,
        "收支预算总表和财政拨款收支预算总表是平衡表：收入合计（收入总计）应等于支出合计（支出总计）。",
        (_e("budget_summary/income.grand_total/amount=10.00", "budget_summary/expense.grand_total/amount=10.00"),),
        (_e("budget_fiscal_summary/income.grand_total/amount=10.00",
            "budget_fiscal_summary/expense.grand_total/total=9.00"),),
    ),
    _rule(
        "JS-BG-011", "财政拨款收支预算总表支出方：合计等于一般公共预算、政府性基金、国有资本经营预算之和", _fiscal_funds,
        "{table_name}「{row_label}」行：合计 {printed} ≠ {other} " + _DIFF,
        "财政拨款收支预算总表支出方分列一般公共预算、政府性基金预算、国有资本经营预算时，每一行的合计应等于各列之和。",
        (_e("budget_fiscal_summary/expense.204/total=8.00", "budget_fiscal_summary/expense.204/gpb=8.00"),),
        (_e("budget_fiscal_summary/expense.204/total=8.00", "budget_fiscal_summary/expense.204/gpb=7.00",
            "budget_fiscal_summary/expense.204/gov_fund=0.50"),),
    ),
    _rule(
        "JS-BG-012", "“三公”经费预算合计等于因公出国（境）费、公务用车购置及运行费、公务接待费之和", _three_public_total,
        "{table_name}{column}：“三公”经费合计 {printed} ≠ {other} " + _DIFF,
        "“三公”经费预算表中，“三公”经费合计（本年预算数、上年预算数）应等于因公出国（境）费、公务用车购置及运行费"
        "（未列小计时取购置费与运行费）、公务接待费之和。",
        (_e("budget_three_public/total/budget=10.81", "budget_three_public/overseas/budget=0",
            "budget_three_public/vehicle/budget=9.98", "budget_three_public/reception/budget=0.83"),),
        (_e("budget_three_public/total/budget=10.81", "budget_three_public/vehicle/budget=9.98",
            "budget_three_public/reception/budget=0.38"),),
        law=LAW_BUDGET_THREE,
    ),
    _rule(
        "JS-BG-013", "公务用车购置及运行费预算等于购置费与运行费之和", _three_public_vehicle,
        "{table_name}{column}：公务用车购置及运行费 {printed} ≠ 购置费＋运行费 " + _DIFF,
        "“三公”经费预算表中，公务用车购置及运行费应等于公务用车购置费与公务用车运行费之和。",
        (_e("budget_three_public/vehicle/budget=9.98", "budget_three_public/vehicle_operation/budget=9.98"),),
        (_e("budget_three_public/vehicle/budget=9.98", "budget_three_public/vehicle_purchase/budget=1.00",
            "budget_three_public/vehicle_operation/budget=9.98"),),
        law=LAW_BUDGET_THREE,
    ),
    _rule(
        "JS-BG-014", "“三公”经费、会议费、培训费预算合计等于三者之和", _three_public_extra,
        "{table_name}{column}：合计 {printed} ≠ “三公”经费＋会议费＋培训费 " + _DIFF,
        "“三公”经费、会议费、培训费支出预算表印有包含会议费和培训费的合计时，该合计应等于“三公”经费小计、会议费与培训费之和。",
        (_e("budget_three_public/extra.合计/budget=2224.43", "budget_three_public/total/budget=660.10",
            "budget_three_public/extra.会议费/budget=1282.56", "budget_three_public/extra.培训费/budget=281.77"),),
        (_e("budget_three_public/extra.合计/budget=2224.43", "budget_three_public/total/budget=660.10",
            "budget_three_public/extra.会议费/budget=1282.56"),),
        law=LAW_BUDGET_THREE,
    ),
    _rule(
        "JS-BG-015", "政府采购预算合计等于货物、工程、服务之和", _procurement,
        "{table_name}：政府采购预算合计 {printed} ≠ 货物＋工程＋服务 " + _DIFF,
        "政府采购预算表中，合计应等于货物、工程、服务三类采购预算之和（品目明细行不计）。",
        (_e("budget_procurement/total/amount=1624.42", "budget_procurement/goods/amount=350.00",
            "budget_procurement/services/amount=1274.42"),),
        (_e("budget_procurement/total/amount=1624.42", "budget_procurement/goods/amount=350.00",
            "budget_procurement/services/amount=1247.42"),),
        law=LAW_BUDGET_PROCUREMENT,
    ),
    _rule(
        "JS-BG-016", "项目支出绩效目标表：合计等于各项目资金之和", _performance,
        "{table_name}：合计 {printed} ≠ 各项目资金之和 " + _DIFF + "（{other}）",
        "项目支出绩效目标表印有合计时，合计应等于所列各项目的预算资金之和。",
        (_e("budget_performance/total/amount=30.00", "budget_performance/project.1/amount=10.00",
            "budget_performance/project.2/amount=20.00"),),
        (_e("budget_performance/total/amount=30.00", "budget_performance/project.1/amount=10.00",
            "budget_performance/project.2/amount=19.00"),),
        law=LAW_BUDGET_BASIC,
    ),
]

"""Family SB: balances inside the two summary tables (收入支出决算总表, 财政拨款收入支出决算总表)."""

from __future__ import annotations

import re
from typing import Iterator

from .engine import Context, Identity, Rule, ex
from .names import column_name

SUMMARIES = ("income_expense_summary", "fiscal_summary")

INCOME_LINES = {
    "income_expense_summary": (
        "income.gpb", "income.gov_fund", "income.soe_capital",
        "income.fiscal",  # 财政拨款收入 not split by fund (高等学校 family): printed instead of the three
        "income.upper_subsidy", "income.operating", "income.business", "income.affiliate_remit", "income.other",
    ),
    "fiscal_summary": ("income.gpb", "income.gov_fund", "income.soe_capital"),
}
# rows added to 本年收入合计 to reach 收入总计
INCOME_BALANCES = {
    "income_expense_summary": ("income.use_non_fiscal_balance", "income.opening_balance"),
    "fiscal_summary": ("income.opening_balance",),
}
# the columns of the expenditure side
EXPENSE_COLUMNS = {
    "income_expense_summary": ("amount",),
    "fiscal_summary": ("total", "gpb", "gov_fund", "soe_capital"),
}
CLASS_LINE = re.compile(r"^expense\.\d{3}$")


def class_lines(ctx: Context, table: str) -> list[str]:
    return [r for r in ctx.rows(table) if CLASS_LINE.match(r)]


def expense_total_column(table: str) -> str:
    return EXPENSE_COLUMNS[table][0]


def _income_grand_total(ctx: Context) -> Iterator[Identity]:
    for t in SUMMARIES:
        if ctx.has_data(t):
            terms = [(1, (t, r, "amount")) for r in ("income.total", *INCOME_BALANCES[t])]
            yield Identity((t, "income.grand_total", "amount"), terms)


def _expense_grand_total(ctx: Context) -> Iterator[Identity]:
    for t in SUMMARIES:
        if not ctx.has_data(t):
            continue
        for col in EXPENSE_COLUMNS[t]:
            rows = ("expense.total", "expense.balance_distribution", "expense.closing_balance")
            yield Identity((t, "expense.grand_total", col), [(1, (t, r, col)) for r in rows])


def _grand_totals_equal(ctx: Context) -> Iterator[Identity]:
    for t in SUMMARIES:
        if ctx.has_data(t):
            yield Identity(
                (t, "expense.grand_total", expense_total_column(t)), [(1, (t, "income.grand_total", "amount"))]
            )


def _income_total(ctx: Context) -> Iterator[Identity]:
    for t in SUMMARIES:
        if ctx.has_data(t):
            yield Identity((t, "income.total", "amount"), [(1, (t, r, "amount")) for r in INCOME_LINES[t]])


def _expense_total(ctx: Context) -> Iterator[Identity]:
    for t in SUMMARIES:
        if not ctx.has_data(t):
            continue
        lines = class_lines(ctx, t)
        for col in EXPENSE_COLUMNS[t]:
            yield Identity((t, "expense.total", col), [(1, (t, r, col)) for r in lines], whole=(t,))


def _opening_balance(ctx: Context) -> Iterator[Identity]:
    t = "fiscal_summary"
    if ctx.has_data(t):
        parts = ("income.opening_balance.gpb", "income.opening_balance.gov_fund", "income.opening_balance.soe_capital")
        yield Identity((t, "income.opening_balance", "amount"), [(1, (t, r, "amount")) for r in parts])


def _fund_balance(ctx: Context) -> Iterator[Identity]:
    t = "fiscal_summary"
    if not ctx.has_data(t):
        return
    for fund in ("gpb", "gov_fund", "soe_capital"):
        terms = [(1, (t, f"income.{fund}", "amount")), (1, (t, f"income.opening_balance.{fund}", "amount"))]
        yield Identity((t, "expense.grand_total", fund), terms, fields={"fund": column_name(t, fund)})


RULES = [
    Rule(
        id="JS-SB-001",
        title="总表收入总计等于本年收入合计加结余和结转",
        severity="error",
        family="SB",
        legal_basis="",
        message="{table_name}：收入总计 {printed} ≠ {other} {expected}，相差 {difference}",
        doc=(
            "收入支出决算总表：收入总计 = 本年收入合计 + 使用非财政拨款结余（含专用结余）+ 年初结转和结余；"
            "财政拨款收入支出决算总表：收入总计 = 本年收入合计 + 年初财政拨款结转和结余。"
        ),
        check=_income_grand_total,
        passing=(
            ex("income_expense_summary/income.total/amount=10.00",
               "income_expense_summary/income.opening_balance/amount=2.00",
               "income_expense_summary/income.grand_total/amount=12.00"),
        ),
        failing=(
            ex("fiscal_summary/income.total/amount=10.00", "fiscal_summary/income.opening_balance/amount=2.00",
               "fiscal_summary/income.grand_total/amount=10.00"),
        ),
    ),
    Rule(
        id="JS-SB-002",
        title="总表支出总计等于本年支出合计加结余分配和年末结转和结余",
        severity="error",
        family="SB",
        legal_basis="",
        message="{table_name}{column}：支出总计 {printed} ≠ {other} {expected}，相差 {difference}",
        doc=(
            "两张总表的支出方：总计 = 本年支出合计 + 结余分配 + 年末结转和结余（财政拨款收入支出决算总表逐列检查）。"
        ),
        check=_expense_grand_total,
        passing=(
            ex("income_expense_summary/expense.total/amount=10.00",
               "income_expense_summary/expense.balance_distribution/amount=1.00",
               "income_expense_summary/expense.closing_balance/amount=1.00",
               "income_expense_summary/expense.grand_total/amount=12.00"),
        ),
        failing=(
            ex("fiscal_summary/expense.total/gpb=10.00", "fiscal_summary/expense.closing_balance/gpb=1.00",
               "fiscal_summary/expense.grand_total/gpb=12.00"),
        ),
    ),
    Rule(
        id="JS-SB-003",
        title="总表收入总计等于支出总计",
        severity="error",
        family="SB",
        legal_basis="",
        message="{table_name}：支出总计 {printed} ≠ 收入总计 {expected}，相差 {difference}",
        doc="两张总表的收入总计与支出总计应相等（财政拨款收入支出决算总表取支出方合计列）。",
        check=_grand_totals_equal,
        passing=(
            ex("fiscal_summary/income.grand_total/amount=12.00", "fiscal_summary/expense.grand_total/total=12.00"),
        ),
        failing=(
            ex("income_expense_summary/income.grand_total/amount=12.00",
               "income_expense_summary/expense.grand_total/amount=12.10"),
        ),
    ),
    Rule(
        id="JS-SB-004",
        title="总表本年收入合计等于各项收入之和",
        severity="error",
        family="SB",
        legal_basis="",
        message="{table_name}：本年收入合计 {printed} ≠ {other} {expected}，相差 {difference}",
        doc=(
            "收入支出决算总表：本年收入合计 = 一般公共预算财政拨款、政府性基金预算财政拨款、国有资本经营预算"
            "财政拨款、上级补助、事业、经营、附属单位上缴、其他收入八项之和；财政拨款收入支出决算总表："
            "本年收入合计 = 三类财政拨款收入之和。"
        ),
        check=_income_total,
        passing=(
            ex("income_expense_summary/income.gpb/amount=8.00", "income_expense_summary/income.other/amount=2.00",
               "income_expense_summary/income.total/amount=10.00"),
        ),
        failing=(
            ex("fiscal_summary/income.gpb/amount=8.00", "fiscal_summary/income.gov_fund/amount=1.00",
               "fiscal_summary/income.total/amount=8.00"),
        ),
    ),
    Rule(
        id="JS-SB-005",
        title="总表本年支出合计等于各类支出之和",
        severity="error",
        family="SB",
        legal_basis="",
        message="{table_name}{column}：本年支出合计 {printed} ≠ 各类支出之和 {expected}（{other}），相差 {difference}",
        doc="两张总表的支出方：本年支出合计 = 各支出功能分类类级支出行之和（财政拨款收入支出决算总表逐列检查）。",
        check=_expense_total,
        passing=(
            ex("income_expense_summary/expense.208/amount=8.00", "income_expense_summary/expense.210/amount=2.00",
               "income_expense_summary/expense.total/amount=10.00"),
        ),
        failing=(
            ex("fiscal_summary/expense.208/gpb=8.00", "fiscal_summary/expense.210/gpb=2.00",
               "fiscal_summary/expense.total/gpb=11.00"),
        ),
    ),
    Rule(
        id="JS-SB-006",
        title="年初财政拨款结转和结余等于三类财政拨款结转和结余之和",
        severity="error",
        family="SB",
        legal_basis="",
        message="{table_name}：年初财政拨款结转和结余 {printed} ≠ {other} {expected}，相差 {difference}",
        doc=(
            "财政拨款收入支出决算总表：年初财政拨款结转和结余 = 一般公共预算、政府性基金预算、国有资本经营预算"
            "财政拨款年初结转和结余之和。"
        ),
        check=_opening_balance,
        passing=(
            ex("fiscal_summary/income.opening_balance/amount=3.00",
               "fiscal_summary/income.opening_balance.gpb/amount=3.00"),
        ),
        failing=(
            ex("fiscal_summary/income.opening_balance/amount=3.00",
               "fiscal_summary/income.opening_balance.gpb/amount=2.00",
               "fiscal_summary/income.opening_balance.gov_fund/amount=0.50"),
        ),
    ),
    Rule(
        id="JS-SB-007",
        title="各类财政拨款：年初结转和结余加本年收入等于支出总计",
        severity="error",
        family="SB",
        legal_basis="",
        message="{table_name}「{fund}」：支出方总计 {printed} ≠ 本年收入＋年初结转和结余 {expected}，相差 {difference}",
        doc=(
            "财政拨款收入支出决算总表中，每一类财政拨款（一般公共预算、政府性基金预算、国有资本经营预算）"
            "自身收支平衡：支出方该列的总计（本年支出＋年末结转和结余）= 收入方该类本年收入＋该类年初结转和结余。"
        ),
        check=_fund_balance,
        passing=(
            ex("fiscal_summary/income.gpb/amount=21302.34", "fiscal_summary/income.opening_balance.gpb/amount=31.76",
               "fiscal_summary/expense.grand_total/gpb=21334.10"),
        ),
        failing=(
            ex("fiscal_summary/income.gpb/amount=21302.34", "fiscal_summary/expense.grand_total/gpb=21334.10",
               note="收入方漏列年初一般公共预算财政拨款结转和结余"),
        ),
    ),
]

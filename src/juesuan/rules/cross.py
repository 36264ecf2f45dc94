"""Family XT: cross-table identities — the same amount printed in two tables agrees."""

from __future__ import annotations

from typing import Iterator

from .arithmetic import LAW_143_THREE_PUBLIC
from .engine import Context, Identity, Key, Rule, ex
from .hierarchy import LAW_ART5, PERSONNEL_CLASSES, PUBLIC_CLASSES
from .summary import class_lines

IES, FS = "income_expense_summary", "fiscal_summary"
Terms = list[tuple[int, Key]]

LAW_ART6 = (
    "《预算法实施条例》第六条：部门决算支出按其功能分类应当公开到项，按其经济性质分类，基本支出应当公开到款；"
    "机关运行经费等应当公开。"
)


def total_terms(ctx: Context, table: str, column: str) -> Terms:
    """A coded table's 合计 for ``column``: its total row, or its top-level rows when the total row
    was not printed."""
    if ctx.has_row(table, "total") or ctx.is_fragment(table) or not ctx.present(table):
        return [(1, (table, "total", column))]
    return [(1, (table, r, column)) for r in ctx.roots_under(table, "")]


def printed_total(ctx: Context, table: str, column: str) -> Key | None:
    """The total row's cell, to stand on the printed side of an identity; None when the table
    has coded rows but its total row was not printed (nothing single to compare with)."""
    if ctx.has_row(table, "total") or ctx.is_fragment(table) or not ctx.coded_rows(table):
        return (table, "total", column)
    return None


def _classes(ctx: Context, summary: str, table: str) -> list[str]:
    """类 codes printed in a summary's expense side or in a coded table."""
    codes = {r.split(".")[1] for r in class_lines(ctx, summary)} | {r[:3] for r in ctx.coded_rows(table)}
    return sorted(codes)


def _fund_column(ctx: Context, column: str, table: str, table_column: str) -> Iterator[Identity]:
    """fiscal_summary expense column ``column`` = ``table`` per 类 and in total."""
    for code in _classes(ctx, FS, table):
        yield Identity((FS, f"expense.{code}", column), ctx.class_terms(table, code, table_column))
    yield Identity((FS, "expense.total", column), total_terms(ctx, table, table_column))


def _income_lines(ctx: Context) -> Iterator[Identity]:
    fiscal = [(1, (IES, f"income.{f}", "amount")) for f in ("gpb", "gov_fund", "soe_capital")]
    if ctx.has_row(IES, "income.fiscal"):  # 财政拨款收入 printed as one line (高等学校 family)
        fiscal = [(1, (IES, "income.fiscal", "amount"))]
    if printed := printed_total(ctx, "income", "fiscal"):
        yield Identity(printed, fiscal)
    for col in ("upper_subsidy", "operating", "business", "affiliate_remit", "other", "total"):
        yield Identity((IES, f"income.{col}", "amount"), total_terms(ctx, "income", col))


def _expense_lines(ctx: Context) -> Iterator[Identity]:
    for code in _classes(ctx, IES, "expenditure"):
        yield Identity((IES, f"expense.{code}", "amount"), ctx.class_terms("expenditure", code, "total"))
    yield Identity((IES, "expense.total", "amount"), total_terms(ctx, "expenditure", "total"))


def _gpb_column(ctx: Context) -> Iterator[Identity]:
    yield from _fund_column(ctx, "gpb", "gpb_expenditure", "total")


def _gov_fund_column(ctx: Context) -> Iterator[Identity]:
    yield from _fund_column(ctx, "gov_fund", "gov_fund", "expense_total")
    for line, col in (("income.gov_fund", "income"), ("income.opening_balance.gov_fund", "opening_balance")):
        yield Identity((FS, line, "amount"), total_terms(ctx, "gov_fund", col))
    yield Identity((FS, "expense.closing_balance", "gov_fund"), total_terms(ctx, "gov_fund", "closing_balance"))


def _soe_column(ctx: Context) -> Iterator[Identity]:
    yield from _fund_column(ctx, "soe_capital", "soe_capital", "total")


def _fiscal_income(ctx: Context) -> Iterator[Identity]:
    for f in ("gpb", "gov_fund", "soe_capital"):
        yield Identity((FS, f"income.{f}", "amount"), [(1, (IES, f"income.{f}", "amount"))])


def _part_total(ctx: Context, row: str, classes: tuple[str, ...]) -> Terms:
    """人员经费合计 / 公用经费合计, or the sum of their classes when the line is not printed."""
    if ctx.has_row("gpb_basic", row):
        return [(1, ("gpb_basic", row, "amount"))]
    return [t for c in classes for t in ctx.class_terms("gpb_basic", c, "amount")]


def _basic_split(ctx: Context) -> Iterator[Identity]:
    if printed := printed_total(ctx, "gpb_expenditure", "basic"):
        terms = _part_total(ctx, "personnel_total", PERSONNEL_CLASSES)
        yield Identity(printed, terms + _part_total(ctx, "public_total", PUBLIC_CLASSES))


# the fiscal tables inside the expenditure table, with their basic and project columns
FISCAL_PARTS = (
    ("gpb_expenditure", "basic", "project"),
    ("gov_fund", "expense_basic", "expense_project"),
    ("soe_capital", "basic", "project"),
)


def _all_funds_cover_fiscal(ctx: Context) -> Iterator[Identity]:
    for i, col in enumerate(("basic", "project")):
        parts = [(t, cols[i]) for t, *cols in FISCAL_PARTS if ctx.present(t)]
        if printed := printed_total(ctx, "expenditure", col):
            yield Identity(printed, [x for t, c in parts for x in total_terms(ctx, t, c)], op="ge")
        for code in ctx.coded_rows("expenditure"):
            if ctx.roots_under("expenditure", code):
                continue  # checked at its most detailed printed rows, once
            terms = [x for t, c in parts for x in ctx.class_terms(t, code, c)]
            if terms:
                yield Identity(("expenditure", code, col), terms, op="ge")


THREE_PUBLIC_CODES = (
    ("overseas", ("30212",)),
    ("vehicle_purchase", ("31013",)),
    ("vehicle_operation", ("30231",)),
    ("reception", ("30217",)),
)


def _three_public_covers_basic(ctx: Context) -> Iterator[Identity]:
    split = ctx.has_row("three_public", "vehicle_purchase") or ctx.has_row("three_public", "vehicle_operation")
    for item, codes in THREE_PUBLIC_CODES:
        yield Identity(("three_public", item, "final"), [(1, ("gpb_basic", c, "amount")) for c in codes], op="ge")
    if not split:  # only 公务用车购置及运行维护费 printed: it covers both codes
        yield Identity(
            ("three_public", "vehicle", "final"),
            [(1, ("gpb_basic", c, "amount")) for c in ("31013", "30231")],
            op="ge",
        )


def _running_cost(ctx: Context) -> Iterator[Identity]:
    ds = "disclosure_stats"
    terms = [(1, (ds, r, "value")) for r in ("running_cost.admin", "running_cost.civil_servant_mgmt")]
    if ctx.has_row("gpb_basic", "public_total"):
        yield Identity(("gpb_basic", "public_total", "amount"), terms, op="ge")


def _balances_cover_fiscal(ctx: Context) -> Iterator[Identity]:
    yield Identity((IES, "income.opening_balance", "amount"), [(1, (FS, "income.opening_balance", "amount"))], op="ge")
    yield Identity((IES, "expense.closing_balance", "amount"), [(1, (FS, "expense.closing_balance", "total"))], op="ge")


_EQ_MSG = "{cell} {printed} ≠ {other} {expected}，相差 {difference}"

RULES = [
    Rule(
        id="JS-XT-001",
        title="收入支出决算总表各项收入与收入决算表合计行一致",
        severity="error",
        family="XT",
        legal_basis="",
        message=_EQ_MSG,
        doc=(
            "收入支出决算总表的收入各项应等于收入决算表合计行对应列：三类财政拨款收入之和 = 财政拨款收入；"
            "上级补助、事业、经营、附属单位上缴、其他收入各自相等；本年收入合计 = 收入决算表本年收入合计。"
        ),
        check=_income_lines,
        passing=(
            ex("income_expense_summary/income.gpb/amount=8.00", "income_expense_summary/income.other/amount=2.00",
               "income/total/fiscal=8.00", "income/total/other=2.00"),
        ),
        failing=(
            ex("income_expense_summary/income.operating/amount=3.00", "income/total/operating=2.00"),
            ex("income_expense_summary/income.gpb/amount=8.00", "income/total/fiscal=9.00"),
        ),
    ),
    Rule(
        id="JS-XT-002",
        title="收入支出决算总表各类支出与支出决算表一致",
        severity="error",
        family="XT",
        legal_basis="",
        message=_EQ_MSG,
        doc=(
            "收入支出决算总表支出方每一类级支出应等于支出决算表该类的本年支出合计（支出决算表只列项级科目时"
            "取该类下各项之和），本年支出合计应等于支出决算表合计行。"
        ),
        check=_expense_lines,
        passing=(
            ex("income_expense_summary/expense.208/amount=6.00", "income_expense_summary/expense.total/amount=6.00",
               "expenditure/total/total=6.00", "expenditure/2080101/total=4.00",
               "expenditure/2080505/total=2.00", note="支出决算表只列项级科目"),
        ),
        failing=(
            ex("income_expense_summary/expense.208/amount=6.00", "income_expense_summary/expense.total/amount=5.00",
               "expenditure/total/total=5.00", "expenditure/208/total=5.00"),
            ex("income_expense_summary/expense.total/amount=6.00", "expenditure/total/total=7.00"),
        ),
    ),
    Rule(
        id="JS-XT-003",
        title="财政拨款收入支出决算总表一般公共预算列与一般公共预算财政拨款支出决算表一致",
        severity="error",
        family="XT",
        legal_basis="",
        message=_EQ_MSG,
        doc=(
            "财政拨款收入支出决算总表支出方“一般公共预算财政拨款”列的各类支出及本年支出合计，应等于"
            "一般公共预算财政拨款支出决算表对应类级科目及合计行的合计数。"
        ),
        check=_gpb_column,
        passing=(
            ex("fiscal_summary/expense.208/gpb=6.00", "fiscal_summary/expense.total/gpb=6.00",
               "gpb_expenditure/total/total=6.00", "gpb_expenditure/208/total=6.00"),
        ),
        failing=(
            ex("fiscal_summary/expense.total/gpb=6.00", "gpb_expenditure/total/total=6.50"),
            ex("fiscal_summary/expense.208/gpb=6.00", "fiscal_summary/expense.210/gpb=1.00",
               "fiscal_summary/expense.total/gpb=7.00", "gpb_expenditure/total/total=7.00",
               "gpb_expenditure/208/total=6.00", note="总表列示的类在明细表中没有"),
        ),
    ),
    Rule(
        id="JS-XT-004",
        title="财政拨款收入支出决算总表政府性基金列与政府性基金预算财政拨款收入支出决算表一致",
        severity="error",
        family="XT",
        legal_basis="",
        message=_EQ_MSG,
        doc=(
            "财政拨款收入支出决算总表中政府性基金预算财政拨款的收入、年初结转和结余、各类支出、本年支出合计、"
            "年末结转和结余，应等于政府性基金预算财政拨款收入支出决算表的对应数；该表为空表时按零计。"
        ),
        check=_gov_fund_column,
        passing=(
            ex("fiscal_summary/expense.total/gov_fund=0.00", "fiscal_summary/income.gov_fund/amount=0.00",
               empty=("gov_fund",), note="政府性基金表为空表"),
        ),
        failing=(
            ex("fiscal_summary/expense.total/gov_fund=5.00", empty=("gov_fund",),
               note="总表有政府性基金支出而政府性基金表为空表"),
            ex("fiscal_summary/income.gov_fund/amount=5.00", "gov_fund/total/income=4.00"),
        ),
    ),
    Rule(
        id="JS-XT-005",
        title="财政拨款收入支出决算总表国有资本经营列与国有资本经营预算财政拨款支出决算表一致",
        severity="error",
        family="XT",
        legal_basis="",
        message=_EQ_MSG,
        doc=(
            "财政拨款收入支出决算总表支出方“国有资本经营预算财政拨款”列的各类支出及本年支出合计，应等于"
            "国有资本经营预算财政拨款支出决算表的对应数；该表为空表时按零计。"
        ),
        check=_soe_column,
        passing=(ex("fiscal_summary/expense.total/soe_capital=2.00", "soe_capital/total/total=2.00"),),
        failing=(
            ex("fiscal_summary/expense.223/soe_capital=2.00", "fiscal_summary/expense.total/soe_capital=1.00",
               "soe_capital/total/total=1.00", "soe_capital/22301/total=1.00"),
        ),
    ),
    Rule(
        id="JS-XT-006",
        title="两张总表的财政拨款收入一致",
        severity="error",
        family="XT",
        legal_basis="",
        message=_EQ_MSG,
        doc=(
            "财政拨款收入支出决算总表的一般公共预算、政府性基金预算、国有资本经营预算财政拨款收入，"
            "应等于收入支出决算总表的对应收入行。"
        ),
        check=_fiscal_income,
        passing=(
            ex("fiscal_summary/income.gpb/amount=8.00", "income_expense_summary/income.gpb/amount=8.00"),
        ),
        failing=(
            ex("fiscal_summary/income.gpb/amount=8.00", "income_expense_summary/income.gpb/amount=8.10"),
        ),
    ),
    Rule(
        id="JS-XT-007",
        title="一般公共预算财政拨款基本支出等于人员经费与公用经费之和",
        severity="error",
        family="XT",
        legal_basis=LAW_ART5,
        message=_EQ_MSG,
        doc=(
            "一般公共预算财政拨款支出决算表合计行的基本支出，应等于一般公共预算财政拨款基本支出决算表的"
            "人员经费合计与公用经费合计之和（未列这两行时取各经济分类类级科目之和）。"
        ),
        check=_basic_split,
        passing=(
            ex("gpb_expenditure/total/basic=12.00", "gpb_basic/personnel_total/amount=10.00",
               "gpb_basic/public_total/amount=2.00"),
        ),
        failing=(
            ex("gpb_expenditure/total/basic=12.00", "gpb_basic/301/amount=10.00", "gpb_basic/302/amount=1.00"),
        ),
    ),
    Rule(
        id="JS-XT-008",
        title="支出决算表基本支出、项目支出不少于各财政拨款支出表之和",
        severity="error",
        family="XT",
        legal_basis="",
        message="{cell} {printed} 小于 {other} {expected}，相差 {difference}：全部资金的支出不应少于其中财政拨款的支出",
        doc=(
            "支出决算表反映全部资金：其合计行和最明细的每个科目行的基本支出（项目支出）应不少于一般公共预算"
            "财政拨款、政府性基金预算财政拨款、国有资本经营预算财政拨款三张支出表同一科目的基本支出（项目支出）"
            "之和。"
        ),
        check=_all_funds_cover_fiscal,
        passing=(
            ex("expenditure/total/basic=12.00", "gpb_expenditure/total/basic=11.00",
               "soe_capital/total/basic=1.00"),
        ),
        failing=(
            ex("expenditure/total/project=10.00", "gpb_expenditure/total/project=10.50"),
            ex("expenditure/223/project=4.00", "soe_capital/223/basic=4.00", note="同一笔支出两表分类不同"),
        ),
    ),
    Rule(
        id="JS-XT-009",
        title="“三公”经费决算数不少于基本支出中的对应经济分类科目",
        severity="error",
        family="XT",
        legal_basis=LAW_143_THREE_PUBLIC,
        message=(
            "{cell} {printed} 小于 {other} {expected}，相差 {difference}：“三公”经费含基本支出和项目支出，"
            "不应少于基本支出中的同类支出"
        ),
        doc=(
            "“三公”经费决算数包括基本支出和项目支出，因此：公务接待费 ≥ 基本支出 30217 公务接待费，公务用车"
            "运行维护费 ≥ 30231，因公出国（境）费 ≥ 30212，公务用车购置费 ≥ 31013（按≥判断，不要求相等）。"
        ),
        check=_three_public_covers_basic,
        passing=(ex("three_public/reception/final=1.09", "gpb_basic/30217/amount=1.00"),),
        failing=(ex("three_public/vehicle_operation/final=1.00", "gpb_basic/30231/amount=1.18"),),
    ),
    Rule(
        id="JS-XT-010",
        title="机关运行经费不超过公用经费",
        severity="error",
        family="XT",
        legal_basis=LAW_ART6,
        message="机关运行经费 {expected}（{other}）超过 {cell} {printed}，相差 {difference}",
        doc=(
            "部门决算公开相关信息统计表中的机关运行经费（行政单位与参照公务员法管理事业单位之和）来自一般公共"
            "预算财政拨款基本支出中的公用经费，不应超过基本支出决算表的公用经费合计（未列公用经费合计时不检查）。"
        ),
        check=_running_cost,
        passing=(
            ex("disclosure_stats/running_cost.admin/value=106.86",
               "disclosure_stats/running_cost.civil_servant_mgmt/value=115.50",
               "gpb_basic/public_total/amount=1055.20"),
        ),
        failing=(
            ex("disclosure_stats/running_cost.admin/value=106.86", "gpb_basic/public_total/amount=100.00"),
        ),
    ),
    Rule(
        id="JS-XT-011",
        title="全部资金的结转和结余不少于财政拨款结转和结余",
        severity="error",
        family="XT",
        legal_basis="",
        message="{cell} {printed} 小于 {other} {expected}，相差 {difference}：全部资金的结转和结余包含财政拨款结转和结余",
        doc=(
            "收入支出决算总表的年初结转和结余、年末结转和结余反映全部资金，应不少于财政拨款收入支出决算总表中"
            "的年初、年末财政拨款结转和结余。"
        ),
        check=_balances_cover_fiscal,
        passing=(
            ex("income_expense_summary/income.opening_balance/amount=682.65",
               "fiscal_summary/income.opening_balance/amount=0.00"),
        ),
        failing=(
            ex("income_expense_summary/expense.closing_balance/amount=20.00",
               "fiscal_summary/expense.closing_balance/total=31.76"),
        ),
    ),
]

"""Family AR: row arithmetic — a row's total equals the sum of its other columns."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from .engine import Context, Identity, Rule, ex

LAW_ART6_PROCUREMENT = "《预算法实施条例》第六条：政府采购等情况应当公开。"

LAW_143_THREE_PUBLIC = (
    "《地方预决算公开操作规程》（财预〔2016〕143号）：“三公”经费分因公出国（境）费、"
    "公务用车购置及运行费、公务接待费公开，公务用车购置及运行费再分购置费和运行费。"
)

INCOME_SOURCES = ("fiscal", "upper_subsidy", "operating", "business", "affiliate_remit", "other")
EXPENDITURE_PARTS = ("basic", "project", "remit_upper", "business", "affiliate_subsidy")
FUND_COLUMNS = ("gpb", "gov_fund", "soe_capital")


def _row_sum(ctx: Context, table: str, rows: list[str], total: str, parts: tuple[str, ...]) -> Iterator[Identity]:
    if not ctx.has_data(table):
        return
    for row in rows:
        yield Identity((table, row, total), [(1, (table, row, c)) for c in parts])


def _income_rows(ctx: Context) -> Iterator[Identity]:
    yield from _row_sum(ctx, "income", ctx.rows("income"), "total", INCOME_SOURCES)


def _expenditure_rows(ctx: Context) -> Iterator[Identity]:
    yield from _row_sum(ctx, "expenditure", ctx.rows("expenditure"), "total", EXPENDITURE_PARTS)


def _gpb_rows(ctx: Context) -> Iterator[Identity]:
    yield from _row_sum(ctx, "gpb_expenditure", ctx.rows("gpb_expenditure"), "total", ("basic", "project"))


def _soe_rows(ctx: Context) -> Iterator[Identity]:
    yield from _row_sum(ctx, "soe_capital", ctx.rows("soe_capital"), "total", ("basic", "project"))


def _fiscal_expenditure_rows(ctx: Context) -> Iterator[Identity]:
    t = "fiscal_expenditure"
    yield from _row_sum(ctx, t, ctx.rows(t), "total", ("basic", "project"))


def _gov_fund_expense(ctx: Context) -> Iterator[Identity]:
    yield from _row_sum(
        ctx, "gov_fund", ctx.rows("gov_fund"), "expense_total", ("expense_basic", "expense_project")
    )


def _gov_fund_balance(ctx: Context) -> Iterator[Identity]:
    if not ctx.has_data("gov_fund"):
        return
    for row in ctx.rows("gov_fund"):
        t = "gov_fund"
        yield Identity(
            (t, row, "closing_balance"),
            [(1, (t, row, "opening_balance")), (1, (t, row, "income")), (-1, (t, row, "expense_total"))],
        )


def _fiscal_summary_rows(ctx: Context) -> Iterator[Identity]:
    rows = [r for r in ctx.rows("fiscal_summary") if r.startswith("expense.")]
    yield from _row_sum(ctx, "fiscal_summary", rows, "total", FUND_COLUMNS)


def vehicle_terms(ctx: Context, column: str) -> list[tuple[int, tuple[str, str, str]]]:
    """公务用车购置及运行维护费: its own line, or its two parts when only those are printed."""
    if ctx.has_row("three_public", "vehicle"):
        return [(1, ("three_public", "vehicle", column))]
    return [(1, ("three_public", r, column)) for r in ("vehicle_purchase", "vehicle_operation")]


def _three_public_total(ctx: Context) -> Iterator[Identity]:
    if not ctx.has_data("three_public"):
        return
    for col in ("budget", "final"):
        t = "three_public"
        yield Identity(
            (t, "total", col),
            [(1, (t, "overseas", col)), *vehicle_terms(ctx, col), (1, (t, "reception", col))],
        )


def _three_public_vehicle(ctx: Context) -> Iterator[Identity]:
    if not ctx.has_data("three_public"):
        return
    for col in ("budget", "final"):
        t = "three_public"
        yield Identity(
            (t, "vehicle", col), [(1, (t, "vehicle_purchase", col)), (1, (t, "vehicle_operation", col))]
        )


VEHICLE_KINDS = (
    "ministerial", "principal", "confidential", "emergency", "law_enforcement", "special", "retiree", "other",
)


def _procurement(ctx: Context) -> Iterator[Identity]:
    ds = "disclosure_stats"
    if ctx.has_data(ds):
        parts = ("procurement.goods", "procurement.works", "procurement.services")
        yield Identity((ds, "procurement.total", "value"), [(1, (ds, r, "value")) for r in parts])


def _vehicles(ctx: Context) -> Iterator[Identity]:
    ds = "disclosure_stats"
    if ctx.has_data(ds):
        terms = [(1, (ds, f"vehicles.{k}", "value")) for k in VEHICLE_KINDS]
        yield Identity((ds, "vehicles.total", "value"), terms, unit=Decimal(0))  # counts: exact


RULES = [
    Rule(
        id="JS-AR-001",
        title="收入决算表：本年收入合计等于各项收入之和",
        severity="error",
        family="AR",
        legal_basis="",
        message=(
            "{table_name}「{row_label}」行：本年收入合计 {printed} ≠ 财政拨款收入＋上级补助收入＋事业收入"
            "＋经营收入＋附属单位上缴收入＋其他收入 {expected}，相差 {difference}"
        ),
        doc=(
            "收入决算表每一行（含合计行）的“本年收入合计”应等于财政拨款收入、上级补助收入、事业收入、"
            "经营收入、附属单位上缴收入和其他收入六列之和。空白单元格按零计。"
        ),
        check=_income_rows,
        passing=(
            ex("income/total/total=10.00", "income/total/fiscal=8.00", "income/total/other=2.00"),
            ex("income/2080101/total=5.00", "income/2080101/fiscal=5.00"),
        ),
        failing=(ex("income/total/total=10.00", "income/total/fiscal=8.00", "income/total/other=1.00"),),
    ),
    Rule(
        id="JS-AR-002",
        title="支出决算表：本年支出合计等于基本、项目、上缴上级、经营、对附属单位补助支出之和",
        severity="error",
        family="AR",
        legal_basis="",
        message=(
            "{table_name}「{row_label}」行：本年支出合计 {printed} ≠ 基本支出＋项目支出＋上缴上级支出"
            "＋经营支出＋对附属单位补助支出 {expected}，相差 {difference}"
        ),
        doc=(
            "支出决算表每一行（含合计行）的“本年支出合计”应等于基本支出、项目支出、上缴上级支出、"
            "经营支出和对附属单位补助支出之和。"
        ),
        check=_expenditure_rows,
        passing=(
            ex("expenditure/total/total=10.00", "expenditure/total/basic=6.00",
               "expenditure/total/project=3.00", "expenditure/total/business=1.00"),
        ),
        failing=(
            ex("expenditure/208/total=10.00", "expenditure/208/basic=6.00", "expenditure/208/project=3.00"),
        ),
    ),
    Rule(
        id="JS-AR-003",
        title="一般公共预算财政拨款支出决算表：合计等于基本支出与项目支出之和",
        severity="error",
        family="AR",
        legal_basis="",
        message="{table_name}「{row_label}」行：合计 {printed} ≠ 基本支出＋项目支出 {expected}，相差 {difference}",
        doc="一般公共预算财政拨款支出决算表每一行的合计应等于基本支出与项目支出之和。",
        check=_gpb_rows,
        passing=(
            ex("gpb_expenditure/total/total=10.00", "gpb_expenditure/total/basic=4.00",
               "gpb_expenditure/total/project=6.00"),
        ),
        failing=(
            ex("gpb_expenditure/2080101/total=10.00", "gpb_expenditure/2080101/basic=4.00",
               "gpb_expenditure/2080101/project=5.00"),
        ),
    ),
    Rule(
        id="JS-AR-004",
        title="国有资本经营预算财政拨款支出决算表：合计等于基本支出与项目支出之和",
        severity="error",
        family="AR",
        legal_basis="",
        message="{table_name}「{row_label}」行：合计 {printed} ≠ 基本支出＋项目支出 {expected}，相差 {difference}",
        doc="国有资本经营预算财政拨款支出决算表每一行的合计应等于基本支出与项目支出之和。",
        check=_soe_rows,
        passing=(ex("soe_capital/total/total=3.00", "soe_capital/total/project=3.00"),),
        failing=(ex("soe_capital/total/total=3.00", "soe_capital/total/project=2.00"),),
    ),
    Rule(
        id="JS-AR-005",
        title="政府性基金预算财政拨款收入支出决算表：本年支出合计等于基本支出与项目支出之和",
        severity="error",
        family="AR",
        legal_basis="",
        message="{table_name}「{row_label}」行：本年支出合计 {printed} ≠ 基本支出＋项目支出 {expected}，相差 {difference}",
        doc="政府性基金预算财政拨款收入支出决算表每一行的本年支出小计应等于基本支出与项目支出之和。",
        check=_gov_fund_expense,
        passing=(
            ex("gov_fund/total/expense_total=7.00", "gov_fund/total/expense_basic=2.00",
               "gov_fund/total/expense_project=5.00"),
        ),
        failing=(ex("gov_fund/total/expense_total=7.00", "gov_fund/total/expense_project=5.00"),),
    ),
    Rule(
        id="JS-AR-006",
        title="政府性基金预算财政拨款收入支出决算表：年末结转和结余等于年初结转和结余加本年收入减本年支出",
        severity="error",
        family="AR",
        legal_basis="",
        message=(
            "{table_name}「{row_label}」行：年末结转和结余 {printed} ≠ 年初结转和结余＋本年收入－本年支出 "
            "{expected}，相差 {difference}"
        ),
        doc="政府性基金预算财政拨款收入支出决算表每一行：年末结转和结余 = 年初结转和结余 + 本年收入 − 本年支出。",
        check=_gov_fund_balance,
        passing=(
            ex("gov_fund/total/opening_balance=1.00", "gov_fund/total/income=10.00",
               "gov_fund/total/expense_total=7.00", "gov_fund/total/closing_balance=4.00"),
        ),
        failing=(
            ex("gov_fund/total/opening_balance=1.00", "gov_fund/total/income=10.00",
               "gov_fund/total/expense_total=7.00", "gov_fund/total/closing_balance=3.00"),
        ),
    ),
    Rule(
        id="JS-AR-007",
        title="财政拨款收入支出决算总表：支出合计列等于三类财政拨款之和",
        severity="error",
        family="AR",
        legal_basis="",
        message=(
            "{table_name}「{row_label}」行：合计 {printed} ≠ 一般公共预算财政拨款＋政府性基金预算财政拨款"
            "＋国有资本经营预算财政拨款 {expected}，相差 {difference}"
        ),
        doc=(
            "财政拨款收入支出决算总表支出方每一行（各类支出、本年支出合计、年末结转和结余、总计）的合计列"
            "应等于一般公共预算、政府性基金预算、国有资本经营预算财政拨款三列之和。"
        ),
        check=_fiscal_summary_rows,
        passing=(
            ex("fiscal_summary/expense.208/total=9.00", "fiscal_summary/expense.208/gpb=9.00"),
        ),
        failing=(
            ex("fiscal_summary/expense.total/total=9.00", "fiscal_summary/expense.total/gpb=8.00",
               "fiscal_summary/expense.total/gov_fund=0.50"),
        ),
    ),
    Rule(
        id="JS-AR-008",
        title="“三公”经费合计等于因公出国（境）费、公务用车购置及运行维护费、公务接待费之和",
        severity="error",
        family="AR",
        legal_basis=LAW_143_THREE_PUBLIC,
        message=(
            "{table_name}{column_name}：“三公”经费合计 {printed} ≠ 因公出国（境）费＋公务用车购置及运行维护费"
            "＋公务接待费 {expected}，相差 {difference}"
        ),
        doc=(
            "财政拨款“三公”经费支出决算表的预算数和决算数，合计均应等于因公出国（境）费、公务用车购置及"
            "运行维护费、公务接待费之和（未列公务用车小计时取购置费与运行维护费）。"
        ),
        check=_three_public_total,
        passing=(
            ex("three_public/total/final=2.28", "three_public/vehicle/final=1.18",
               "three_public/reception/final=1.10"),
        ),
        failing=(
            ex("three_public/total/budget=2.28", "three_public/vehicle/budget=1.18",
               "three_public/reception/budget=1.00"),
        ),
    ),
    Rule(
        id="JS-AR-009",
        title="公务用车购置及运行维护费等于购置费与运行维护费之和",
        severity="error",
        family="AR",
        legal_basis=LAW_143_THREE_PUBLIC,
        message=(
            "{table_name}{column_name}：公务用车购置及运行维护费 {printed} ≠ 公务用车购置费＋公务用车运行维护费 "
            "{expected}，相差 {difference}"
        ),
        doc="财政拨款“三公”经费支出决算表中，公务用车购置及运行维护费（预算数、决算数）应等于购置费与运行维护费之和。",
        check=_three_public_vehicle,
        passing=(
            ex("three_public/vehicle/final=1.18", "three_public/vehicle_operation/final=1.18"),
        ),
        failing=(
            ex("three_public/vehicle/final=1.18", "three_public/vehicle_purchase/final=0.50",
               "three_public/vehicle_operation/final=1.18"),
        ),
    ),
    Rule(
        id="JS-AR-010",
        title="政府采购支出合计等于货物、工程、服务采购之和",
        severity="error",
        family="AR",
        legal_basis=LAW_ART6_PROCUREMENT,
        message="{table_name}：政府采购支出合计 {printed} ≠ 货物＋工程＋服务 {expected}，相差 {difference}",
        doc="部门决算公开相关信息统计表中，政府采购支出合计应等于货物、工程、服务三类采购支出之和。",
        check=_procurement,
        passing=(
            ex("disclosure_stats/procurement.total/value=1864.59", "disclosure_stats/procurement.goods/value=903.33",
               "disclosure_stats/procurement.works/value=61.39", "disclosure_stats/procurement.services/value=899.87"),
        ),
        failing=(
            ex("disclosure_stats/procurement.total/value=1864.59", "disclosure_stats/procurement.goods/value=903.33",
               "disclosure_stats/procurement.services/value=899.87"),
        ),
    ),
    Rule(
        id="JS-AR-011",
        title="车辆数合计等于各类用车之和",
        severity="error",
        family="AR",
        legal_basis="",
        message="{table_name}：车辆数合计 {printed} 辆 ≠ 各类用车之和 {expected} 辆，相差 {difference}",
        doc=(
            "部门决算公开相关信息统计表中，国有资产占用情况的车辆数合计应等于各类用车（领导用车、主要负责人"
            "用车、机要通信、应急保障、执法执勤、特种专业技术、离退休干部服务、其他用车）之和。车辆数是整数，"
            "不适用尾差。"
        ),
        check=_vehicles,
        passing=(ex("disclosure_stats/vehicles.total/value=12", "disclosure_stats/vehicles.other/value=12"),),
        failing=(
            ex("disclosure_stats/vehicles.total/value=12", "disclosure_stats/vehicles.other/value=10",
               "disclosure_stats/vehicles.law_enforcement/value=1"),
        ),
    ),
    Rule(
        id="JS-AR-012",
        title="财政拨款支出决算表：合计等于基本支出与项目支出之和",
        severity="error",
        family="AR",
        legal_basis="",
        message="{table_name}「{row_label}」行：合计 {printed} ≠ 基本支出＋项目支出 {expected}，相差 {difference}",
        doc=(
            "财政拨款支出决算表（高等学校等单位的四张表之一，不分资金性质）每一行的合计应等于基本支出与"
            "项目支出之和；项目支出下的“其中”列（如基本建设资金支出）是项目支出的一部分，不计入。"
        ),
        check=_fiscal_expenditure_rows,
        passing=(
            ex("fiscal_expenditure/total/total=10.00", "fiscal_expenditure/total/basic=4.00",
               "fiscal_expenditure/total/project=6.00"),
        ),
        failing=(
            ex("fiscal_expenditure/2050205/total=10.00", "fiscal_expenditure/2050205/basic=4.00",
               "fiscal_expenditure/2050205/project=5.00"),
        ),
    ),
]

"""What the budget rules share: legal bases, table names, printed columns, and choosing among readings."""

from __future__ import annotations

from typing import Iterable

from ..engine import Context, Identity, Key, judge
from ..names import table_name

BUDGET_KINDS = ("budget",)

LAW_BUDGET = (
    "《预算法》第十四条：经本级政府财政部门批复的部门预算及报表，应当在批复后二十日内由各部门向社会公开；"
    "《地方预决算公开操作规程》（财预〔2016〕143号）：部门预算公开收支总表、收入总表、支出总表、财政拨款收支总表、"
    "一般公共预算支出表、一般公共预算基本支出表、政府性基金预算支出表、国有资本经营预算支出表和“三公”经费支出表。"
)
LAW_BUDGET_BASIC = "《预算法实施条例》第五条：基本支出包括人员经费和公用经费；项目支出是为完成特定行政工作任务或者事业发展目标的支出。"
LAW_BUDGET_NOTES = (
    "《地方预决算公开操作规程》（财预〔2016〕143号）：部门预算应对机关运行经费、政府采购、绩效目标、"
    "国有资产占有使用等情况作出说明，说明中的数字应与预算表一致；《预算法实施条例》第六条。"
)
LAW_BUDGET_THREE = (
    "《地方预决算公开操作规程》（财预〔2016〕143号）：“三公”经费预算分因公出国（境）费、公务用车购置及运行费、"
    "公务接待费公开，公务用车购置及运行费再分购置费和运行费。"
)
LAW_BUDGET_PROCUREMENT = "《预算法实施条例》第六条：政府采购等情况应当公开；《地方预决算公开操作规程》（财预〔2016〕143号）。"

# function-classification tables: row key = code; columns of 合计 = 基本 + 项目 (+ reserve, carry_forward)
FUNCTION_TABLES = (
    "budget_expenditure", "budget_fiscal_expenditure", "budget_gpb_expenditure", "budget_gov_fund",
    "budget_soe_capital",
)
ECONOMIC_TABLES = ("budget_gpb_basic", "budget_fiscal_basic", "budget_running_cost")
CODED_TABLES = (*FUNCTION_TABLES, "budget_income", *ECONOMIC_TABLES)
SUMMARIES = ("budget_summary", "budget_fiscal_summary")
EXPENDITURE_PARTS = ("basic", "project", "reserve", "carry_forward")
FUNDS = ("gpb", "gov_fund", "soe_capital")
INCOME_SOURCES = ("fiscal_special", "operating", "business", "other", "carryover")


def budget_table_name(table: str) -> str:
    return table_name(table)  # the budget tables' Chinese names are in model.TABLE_NAMES_ZH


_RATE_WORDS = ("%", "％", "率", "幅度", "百分比")


def additive(column: str) -> bool:
    """Whether a column's values add up over rows: amounts do; a printed rate (增减%, 增长率) does not."""
    return not (column.startswith("extra.") and any(w in column for w in _RATE_WORDS))


def is_budget(ctx: Context) -> bool:
    return ctx.doc.kind == "budget"


def columns(ctx: Context, table: str) -> list[str]:
    """The table's printed columns: its header's list when known, else the columns of its facts."""
    info = ctx.infos.get(table)
    if info is not None and info.columns is not None:
        return list(info.columns)
    out: list[str] = []
    for f in ctx.doc.facts:
        if f.table == table and not f.project and f.column not in out:
            out.append(f.column)
    return out


def has_column(ctx: Context, table: str, column: str) -> bool:
    return column in columns(ctx, table)


def total_row(ctx: Context, table: str, side: str) -> str:
    """``<side>.total`` when printed, else ``<side>.grand_total`` (a side printing one total)."""
    row = f"{side}.total"
    return row if ctx.has_row(table, row) else f"{side}.grand_total"


def all_printed(ctx: Context, keys: Iterable[Key]) -> bool:
    return all(ctx.printed(k) for k in keys)


def choose(ctx: Context, readings: Iterable[Identity]) -> Identity | None:
    """Of several readings of one identity (which total a line stands for), the first that holds,
    else the first that can be checked: the accounting identities choose, never a position."""
    first = None
    for ident in readings:
        if not ctx.checkable(ident):
            continue
        if judge(ctx, ident).outcome != "mismatch":
            return ident
        first = first or ident
    return first


def title(ctx: Context, table: str) -> str:
    """The table as messages name it, with its printed number: 支出预算表（公开03表）."""
    info = ctx.infos.get(table)
    name = budget_table_name(table)
    return f"{name}（{info.number}）" if info is not None and info.number else name


def named(ctx: Context, ident: Identity) -> Identity:
    """The identity with ``table_name`` set to its table's name (messages never show a raw id)."""
    ident.fields.setdefault("table_name", title(ctx, ident.printed[0]))
    return ident

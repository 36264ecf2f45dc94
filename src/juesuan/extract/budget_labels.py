"""The budget tables' vocabularies: column words, row labels, value columns (docs/facts-additions.md,
"Budget tables").

A budget prints the final accounts' shapes with other words: 单位预留机动经费 and 结转下年资金
columns, 财政专户管理资金 and 上年结转资金 lines, 本年预算数 / 上年预算数 instead of 预算数 / 决算数.
The shared readers (``extract.coded``, ``extract.three_public``) take these vocabularies as an
argument; nothing here knows a region or a department.
"""

from __future__ import annotations

import re

from . import labels as L
from .headers import ColumnVocab
from .three_public import ValueColumns

# 本年预算数 beside 上年预算数 is the year's total; 上年… is kept as ``extra.<header>``
_TOTALS = (("合计", "total"), ("总计", "total"), ("小计", "total"), ("本年预算", "total"))
_BASIC_PROJECT = (("基本支出", "basic"), ("项目支出", "project"), *_TOTALS)

# coded tables: 功能分类 (or 经济分类) code rows × columns named by these words (first match wins)
CODED_VOCAB: dict[str, ColumnVocab] = {
    "budget_income": ColumnVocab(
        (
            ("一般公共预算", "gpb"),
            ("政府性基金", "gov_fund"),
            ("国有资本", "soe_capital"),
            ("财政专户", "fiscal_special"),
            ("财政拨款", "fiscal"),
            ("事业单位经营", "business"),
            ("事业收入", "operating"),
            ("经营收入", "business"),
            ("其他收入", "other"),
            ("其他资金", "other"),
            ("上年结转", "carryover"),
            ("结转和结余", "carryover"),
            *_TOTALS,
        ),
        order=("total", "fiscal", "operating", "business", "other"),
        row_parts=(("total", ("fiscal", "fiscal_special", "operating", "business", "other", "carryover")),),
    ),
    "budget_expenditure": ColumnVocab(
        (
            ("基本支出", "basic"),
            ("项目支出", "project"),
            ("预留机动", "reserve"),
            ("机动经费", "reserve"),
            ("结转下年", "carry_forward"),
            *_TOTALS,
        ),
        order=("total", "basic", "project"),
        row_parts=(("total", ("basic", "project", "reserve", "carry_forward")),),
    ),
    **{
        t: ColumnVocab(_BASIC_PROJECT, order=("total", "basic", "project"), row_parts=(("total", ("basic", "project")),))
        for t in ("budget_fiscal_expenditure", "budget_gpb_expenditure", "budget_gov_fund", "budget_soe_capital")
    },
    **{
        t: ColumnVocab(
            (("人员经费", "personnel"), ("公用经费", "public"), *_TOTALS),
            order=("total", "personnel", "public"),
            row_parts=(("total", ("personnel", "public")),),
        )
        for t in ("budget_gpb_basic", "budget_fiscal_basic")
    },
    # one amount column (机关运行经费支出 / 金额): every header word names it
    "budget_running_cost": ColumnVocab(
        (("机关运行经费", "amount"), ("金额", "amount"), ("预算数", "amount"), *((w, "amount") for w, _ in _TOTALS)),
        total="amount",
        order=("amount",),
    ),
}

# the economic-code tables (their codes are 301, 30101 …; the others' are 功能分类 codes)
ECONOMIC_TABLES = ("budget_gpb_basic", "budget_fiscal_basic", "budget_running_cost")


# ---------------------------------------------------------------- 三公 value columns


def three_public_column(text: str) -> str | None:
    """本年预算数 → ``budget``, 上年预算数 → ``prior_budget``, 上年决算数 → ``prior_final``."""
    t = text.replace(" ", "")
    if "上年" in t:
        if "决算" in t or "执行" in t:
            return "prior_final"
        return "prior_budget" if "预算" in t else None
    if "预算" in t or "本年" in t:
        return "budget"
    return None


BUDGET_THREE_PUBLIC = ValueColumns(
    three_public_column,
    ("预算数", "预算", "本年预算数", "本年预算", "上年预算数", "上年预算", "上年决算数", "金额", "本年数", "上年数"),
    default="budget",
    pair=("prior_budget", "budget"),
)

_YEAR_HEAD = re.compile(r"^(20\d{2})年度?")
_YEAR_WORDS = ("预算数", "预算", "执行数", "预算执行数", "决算数", "")


def three_public_columns(year: int | None) -> ValueColumns:
    """The budget 三公 value columns of a document of ``year``: besides 本年/上年预算数, columns
    headed by year — "2026年预算数" is the year's ``budget``, "2025年预算数" ``prior_budget``,
    "2025年执行数/决算数" ``prior_final``; a column of any other year is not read as a value."""
    if year is None:
        return BUDGET_THREE_PUBLIC

    def column_of(text: str) -> str | None:
        t = text.replace(" ", "")
        m = _YEAR_HEAD.match(t)
        if not m:
            return three_public_column(t)
        y, rest = int(m.group(1)), t[m.end():]
        if y == year and ("预算" in rest or not rest):
            return "budget"
        if y == year - 1:
            if "决算" in rest or "执行" in rest:
                return "prior_final"
            return "prior_budget" if ("预算" in rest or not rest) else None
        return None

    words = BUDGET_THREE_PUBLIC.words + tuple(
        f"{y}{d}{w}" for y in (year - 1, year) for d in ("年", "年度") for w in _YEAR_WORDS
    )
    return ValueColumns(column_of, words, default="budget", pair=("prior_budget", "budget"))


# ---------------------------------------------------------------- two-sided summaries


def _funds(s: str) -> str | None:
    if "一般公共预算" in s or "公共财政" in s:
        return "gpb"
    if "政府性基金" in s:
        return "gov_fund"
    if "国有资本经营" in s:
        return "soe_capital"
    return None


def income_key(label: str) -> str | None:
    """Row key (without parent) of a 收入 line of a budget summary or income list."""
    s = L.norm_label(label)
    if not s:
        return None
    if s.startswith("总计") or s in ("收入总计", "收入合计", "收支总计") or s.startswith("收入总计"):
        return "income.grand_total"
    if s.startswith("合计"):
        return None  # a bare 合计: the side decides (``BudgetSide``)
    if any(w in s for w in ("当年收入小计", "本年收入合计", "本年收入小计", "当年收入合计")):
        return "income.total"
    if "结转" in s and ("上年" in s or "年初" in s):
        return "income.carryover"
    fund = _funds(s)
    if fund:
        return f"income.{fund}"
    if "财政专户" in s:
        return "income.fiscal_special"
    if s.startswith("财政拨款"):
        return "income.fiscal"
    if "事业单位经营" in s or s.startswith("经营收入"):
        return "income.business"
    if "事业收入" in s:
        return "income.operating"
    if "上级补助" in s:
        return "income.upper_subsidy"
    if "附属单位" in s:
        return "income.affiliate_remit"
    if "其他收入" in s or "其他资金" in s:
        return "income.other"
    return None


def expense_key(label: str, classes: L.ClassLookup) -> str | None:
    """Row key of a 支出 line: a 功能分类 类, a 支出用途 line, a total, 结转下年."""
    s = L.norm_label(label)
    if not s:
        return None
    if s.startswith("总计") or s in ("支出总计", "支出合计"):
        return "expense.grand_total"
    if s.startswith("合计"):
        return None
    if any(w in s for w in ("当年支出小计", "本年支出合计", "本年支出小计", "当年支出合计")):
        return "expense.total"
    if "结转下年" in s or (("年末" in s or "年终" in s) and "结转" in s):
        return "expense.carry_forward"
    if s.startswith("基本支出"):
        return "expense.basic"
    if s.startswith("项目支出"):
        return "expense.project"
    if "预留机动" in s or "机动经费" in s:
        return "expense.reserve"
    code = classes(s)
    return f"expense.{code}" if code else None


def fund_column(text: str) -> str | None:
    """A budget_fiscal_summary expense column: 合计 | 一般公共预算 | 政府性基金预算 | 国有资本经营预算."""
    fund = _funds(text)
    if fund:
        return fund
    if any(w in text for w in ("合计", "小计", "总计")):
        return "total"
    return None


# ---------------------------------------------------------------- procurement


def procurement_key(label: str) -> str | None:
    """合计 → ``total``; a 货物 / 工程 / 服务 class line (一、货物A) → ``goods`` / ``works`` / ``services``."""
    s = L.norm_label(label)
    if not s:
        return None
    if s.startswith("合计") or s.startswith("总计") or s in ("政府采购预算合计", "采购合计"):
        return "total"
    for word, key in (("货物", "goods"), ("工程", "works"), ("服务", "services")):
        if s.startswith(word) or s.startswith(f"政府采购{word}"):
            return key
    return None

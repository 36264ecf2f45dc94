"""Printed row labels → canonical row keys (facts contract) for the label-keyed tables."""

from __future__ import annotations

import re

_ORDINAL = re.compile(
    r"^(其中[:：]?)?\s*([（(]?[一二三四五六七八九十百零〇]+[)）、.．]|[（(]?\d{1,2}[)）、.．](?!\d)|[①-⑳])\s*"
)
_SPACES = re.compile(r"\s+")


def norm_label(text: str) -> str:
    """A label without ordinal prefix, spaces, quotes, or bracket variants."""
    s = _SPACES.sub("", text)
    for _ in range(2):
        s = _ORDINAL.sub("", s)
    s = s.replace("（", "(").replace("）", ")").replace("“", "").replace("”", "")
    return s.replace("其中:", "").replace("其中：", "")


def is_part_label(text: str) -> bool:
    """A "其中：…" line: a part of the line above it, never its sibling."""
    return _SPACES.sub("", text).startswith("其中")


# the labels a total line is printed with (domain.md): 合计, 总计, 收入总计, 本年收入合计, …
_TOTALS = ("总计", "收入总计", "支出总计", "收入合计", "支出合计", "本年收入合计", "本年支出合计",
           "当年收入小计", "当年支出小计", "本年收入小计", "本年支出小计", "收支总计")


def is_total_label(label: str) -> bool:
    """Whether a (normalised) row label is a table's total line."""
    s = norm_label(label)
    return s.startswith("合计") or s in _TOTALS


# ---------------------------------------------------------------- two-sided summaries

_FUNDS = (
    ("一般公共预算", "gpb"),
    ("政府性基金", "gov_fund"),
    ("国有资本经营预算财政拨款", "soe_capital"),
)


def income_key(label: str, in_opening: bool) -> str | None:
    """Row key of a 收入 line of income_expense_summary / fiscal_summary."""
    s = norm_label(label)
    if not s:
        return None
    if s.startswith("总计") or s in ("收入总计", "收支总计"):
        return "income.grand_total"
    if "本年收入合计" in s or s in ("收入合计", "本年收入小计", "当年收入小计"):
        return "income.total"
    if "使用非财政拨款结余" in s:
        return "income.use_non_fiscal_balance"
    if ("年初" in s or "上年" in s) and "结转" in s:
        return "income.opening_balance"
    for word, key in _FUNDS:
        if word in s and ("国有资本经营" not in s or key == "soe_capital"):
            return f"income.opening_balance.{key}" if in_opening else f"income.{key}"
    if "国有资本经营" in s:
        return "income.opening_balance.soe_capital" if in_opening else "income.soe_capital"
    if s.startswith("财政拨款"):  # 财政拨款收入 not split by fund (高等学校 family): added key
        return "income.opening_balance.fiscal" if in_opening else "income.fiscal"
    if "上级补助" in s:
        return "income.upper_subsidy"
    if "事业收入" in s:
        return "income.operating"
    if "经营收入" in s:
        return "income.business"
    if "附属单位" in s:
        return "income.affiliate_remit"
    if "其他收入" in s:
        return "income.other"
    return None


def expense_key(label: str, class_code: "ClassLookup") -> str | None:
    """Row key of a 支出 line: a 功能分类 类, a total, or a balance line."""
    s = norm_label(label)
    if not s:
        return None
    if s.startswith("总计") or s == "支出总计":
        return "expense.grand_total"
    if "本年支出合计" in s or s in ("支出合计", "本年支出小计", "当年支出小计"):
        return "expense.total"
    if "结余分配" in s:
        return "expense.balance_distribution"
    if "年末" in s and "结转" in s:
        return "expense.closing_balance"
    code = class_code(s)
    return f"expense.{code}" if code else None


class ClassLookup:
    """Name of a 支出功能分类 类 → its 3-digit code, from the reference data."""

    def __init__(self, year: int | None) -> None:
        from ..refdata import function_codes

        table = function_codes(year or 2024)
        self._by_name: dict[str, str] = {}
        for code in _class_codes(table):
            self._by_name[norm_label(code.name)] = code.code

    def __call__(self, label: str) -> str | None:
        s = norm_label(label)
        if s in self._by_name:
            return self._by_name[s]
        # tolerate a dropped trailing 支出 or small wording drift (… 等支出)
        for name, code in self._by_name.items():
            if s and (name.startswith(s) or s.startswith(name)) and abs(len(s) - len(name)) <= 2:
                return code
        return None


def _class_codes(table):  # type: ignore[no-untyped-def]
    return [c for c in table if len(c.code) == 3]


# ---------------------------------------------------------------- three_public

THREE_PUBLIC_COLUMNS = ("total", "overseas", "vehicle", "vehicle_purchase", "vehicle_operation", "reception")


def three_public_key(label: str) -> str | None:
    s = norm_label(label)
    if not s:
        return None
    if "机关运行" in s or "会议" in s or "培训" in s:
        return None  # printed beside the 三公 lines, not one of them (kept as extra.* rows)
    if s.startswith("合计") or s == "总计":
        return "total"
    if "出国" in s:
        return "overseas"
    if "接待" in s:
        return "reception"
    if "购置及运行" in s or "购置和运行" in s or s in ("公务用车费", "公务用车"):
        return "vehicle"
    if "运行" in s:
        return "vehicle_operation"
    if "购置" in s:
        return "vehicle_purchase"
    return None


# ---------------------------------------------------------------- disclosure_stats

_VEHICLE_KINDS = (
    ("副部", "ministerial"),
    ("省级", "ministerial"),
    ("主要负责人", "principal"),
    ("主要领导", "principal"),
    ("机要", "confidential"),
    ("应急", "emergency"),
    ("执法", "law_enforcement"),
    ("特种", "special"),
    ("离退休", "retiree"),
    ("其他用车", "other"),
)


def stats_key(label: str, section: str) -> str | None:
    """Row key of a 部门决算公开相关信息统计表 line; ``section`` is the current part."""
    s = norm_label(label)
    if not s:
        return None
    if section == "procurement":
        if s.startswith("合计") or s.startswith("政府采购") and "合计" in s:
            return "procurement.total"
        for word, key in (("货物", "goods"), ("工程", "works"), ("服务", "services")):
            if s.startswith(word):
                return f"procurement.{key}"
        return None
    if section == "running_cost":
        if "参照" in s:
            return "running_cost.civil_servant_mgmt"
        if "行政单位" in s:
            return "running_cost.admin"
        return None
    if section == "assets":
        if "车辆" in s and "合计" in s or s.startswith("车辆数"):
            return "vehicles.total"
        if "100万元" in s or "单价" in s:
            return "equipment_over_1m"
        for word, kind in _VEHICLE_KINDS:
            if word in s:
                return f"vehicles.{kind}"
    return None


def stats_section(label: str, current: str) -> str:
    s = norm_label(label)
    if "政府采购" in s:
        return "procurement"
    if "机关运行经费" in s:
        return "running_cost"
    if "国有资产" in s or "车辆" in s and "合计" in s:
        return "assets"
    return current

"""How rows and columns are named in messages (used when a document did not print a name)."""

from __future__ import annotations

from ..model import TABLE_NAMES_ZH

COLUMN_NAMES: dict[str, dict[str, str]] = {
    "income": {
        "total": "本年收入合计",
        "fiscal": "财政拨款收入",
        "upper_subsidy": "上级补助收入",
        "operating": "事业收入",
        "business": "经营收入",
        "affiliate_remit": "附属单位上缴收入",
        "other": "其他收入",
    },
    "expenditure": {
        "total": "本年支出合计",
        "basic": "基本支出",
        "project": "项目支出",
        "remit_upper": "上缴上级支出",
        "business": "经营支出",
        "affiliate_subsidy": "对附属单位补助支出",
    },
    "gpb_expenditure": {"total": "合计", "basic": "基本支出", "project": "项目支出"},
    "soe_capital": {"total": "合计", "basic": "基本支出", "project": "项目支出"},
    "gov_fund": {
        "opening_balance": "年初结转和结余",
        "income": "本年收入",
        "expense_total": "本年支出合计",
        "expense_basic": "本年基本支出",
        "expense_project": "本年项目支出",
        "closing_balance": "年末结转和结余",
    },
    "fiscal_summary": {
        "amount": "",
        "total": "合计",
        "gpb": "一般公共预算财政拨款",
        "gov_fund": "政府性基金预算财政拨款",
        "soe_capital": "国有资本经营预算财政拨款",
    },
    "income_expense_summary": {"amount": ""},
    "gpb_basic": {"amount": ""},
    "three_public": {"budget": "预算数", "final": "决算数"},
    "disclosure_stats": {"value": ""},
}

ROW_NAMES: dict[str, str] = {
    "total": "合计",
    "income.gpb": "一般公共预算财政拨款收入",
    "income.gov_fund": "政府性基金预算财政拨款收入",
    "income.soe_capital": "国有资本经营预算财政拨款收入",
    "income.upper_subsidy": "上级补助收入",
    "income.operating": "事业收入",
    "income.business": "经营收入",
    "income.affiliate_remit": "附属单位上缴收入",
    "income.other": "其他收入",
    "income.total": "本年收入合计",
    "income.use_non_fiscal_balance": "使用非财政拨款结余",
    "income.opening_balance": "年初结转和结余",
    "income.opening_balance.gpb": "年初一般公共预算财政拨款结转和结余",
    "income.opening_balance.gov_fund": "年初政府性基金预算财政拨款结转和结余",
    "income.opening_balance.soe_capital": "年初国有资本经营预算财政拨款结转和结余",
    "income.grand_total": "收入总计",
    "expense.total": "本年支出合计",
    "expense.balance_distribution": "结余分配",
    "expense.closing_balance": "年末结转和结余",
    "expense.grand_total": "支出总计",
    "personnel_total": "人员经费合计",
    "public_total": "公用经费合计",
    "overseas": "因公出国（境）费",
    "vehicle": "公务用车购置及运行维护费",
    "vehicle_purchase": "公务用车购置费",
    "vehicle_operation": "公务用车运行维护费",
    "reception": "公务接待费",
    "procurement.total": "政府采购合计",
    "running_cost.admin": "机关运行经费（行政单位）",
    "running_cost.civil_servant_mgmt": "机关运行经费（参照公务员法管理事业单位）",
}

# three_public's total is the 三公 total, not a generic 合计
_TABLE_ROW_NAMES: dict[tuple[str, str], str] = {("three_public", "total"): "“三公”经费合计"}


def table_name(table: str) -> str:
    return TABLE_NAMES_ZH.get(table, table)


def column_name(table: str, column: str) -> str:
    return COLUMN_NAMES.get(table, {}).get(column, column)


def default_row_name(table: str, row: str) -> str:
    if (table, row) in _TABLE_ROW_NAMES:
        return _TABLE_ROW_NAMES[table, row]
    if row in ROW_NAMES:
        return ROW_NAMES[row]
    if row.startswith("expense.") and row[8:].isdigit():
        return f"{row[8:]}类支出"
    return ""

"""Chinese names of the facts contract's keys: one vocabulary for messages, reports and the web app.

Used when a document printed no name of its own (a lost header, a row it omitted); a printed label
always wins (``Fact.label``, ``TableInfo.row_labels``).
"""

from __future__ import annotations

from .model import TABLE_NAMES_ZH

# Column names per table as messages use them; "" where a table has a single value column.
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
    # budget tables (docs/facts-additions.md, "Budget tables")
    "budget_summary": {"amount": ""},
    "budget_income": {
        "total": "合计",
        "fiscal": "财政拨款收入",
        "gpb": "一般公共预算",
        "gov_fund": "政府性基金预算",
        "soe_capital": "国有资本经营预算",
        "fiscal_special": "财政专户管理资金",
        "operating": "事业收入",
        "business": "事业单位经营收入",
        "other": "其他收入",
        "carryover": "上年结转",
        "amount": "",
    },
    "budget_expenditure": {
        "total": "合计",
        "basic": "基本支出",
        "project": "项目支出",
        "reserve": "单位预留机动经费",
        "carry_forward": "结转下年资金",
    },
    "budget_fiscal_summary": {
        "amount": "",
        "total": "合计",
        "gpb": "一般公共预算",
        "gov_fund": "政府性基金预算",
        "soe_capital": "国有资本经营预算",
    },
    **{
        t: {"total": "合计", "basic": "基本支出", "project": "项目支出"}
        for t in ("budget_fiscal_expenditure", "budget_gpb_expenditure", "budget_gov_fund", "budget_soe_capital")
    },
    **{t: {"total": "合计", "personnel": "人员经费", "public": "公用经费"} for t in ("budget_gpb_basic", "budget_fiscal_basic")},
    "budget_three_public": {"budget": "本年预算数", "prior_budget": "上年预算数", "prior_final": "上年决算数"},
    "budget_running_cost": {"amount": "机关运行经费"},
    "budget_procurement": {"amount": ""},
    "budget_performance": {"amount": "项目资金"},
}


# The self-evaluation tables (绩效自评表, ``extract.perf``): table and column names.
PERF_TABLE_NAMES: dict[str, str] = {
    "perf_project": "项目支出绩效自评表",
    "perf_department": "部门整体支出绩效自评表",
}
PERF_COLUMN_NAMES: dict[str, str] = {
    "budget_declared": "目标申报数",
    "budget_initial": "年初预算数",
    "budget_full": "全年预算数",
    "executed": "全年执行数",
    "balance": "资金结转结余",
    "rate": "执行率",
    "weight": "分值",
    "score": "得分",
    "degree": "完成程度",
    "deviation": "偏差度",
    "target": "指标值",
    "target_initial": "年初指标值",
    "actual": "实际完成值",
}

# Funds sources of a self-evaluation table: row ``funds.<key>`` (``extract.perf.SOURCE_KEYS``).
PERF_SOURCE_NAMES: dict[str, str] = {
    "total": "资金总额",
    "fiscal": "财政拨款",
    "fiscal.central": "中央财政资金",
    "fiscal.provincial": "省级财政资金",
    "fiscal.local": "市县财政资金",
    "prior_year": "上年结转资金",
    "special_account": "财政专户管理资金",
    "unit_funds": "单位资金",
    "other": "其他资金",
    "unclassified": "其他来源",
}

# The kinds of narrative claims (``Claim.kind``, ``extract.claims``).
CLAIM_KIND_NAMES: dict[str, str] = {
    "amount": "金额",
    "share": "占比",
    "change_amount": "增减额",
    "change_pct": "增减幅度",
    "completion_pct": "预算完成率",
    "count": "数量",
    "other_pct": "百分比",
}


# The header to show for a column in a rendered table (never blank).
_SINGLE_VALUE_HEADERS = {"amount": "金额", "value": "数值"}

# Canonical column order per table (facts.md); unknown columns follow in order of appearance.
COLUMN_ORDER: dict[str, tuple[str, ...]] = {
    "income_expense_summary": ("amount",),
    "fiscal_summary": ("amount", "total", "gpb", "gov_fund", "soe_capital"),
    "income": (
        "total",
        "fiscal",
        "upper_subsidy",
        "operating",
        "business",
        "affiliate_remit",
        "other",
    ),
    "expenditure": ("total", "basic", "project", "remit_upper", "business", "affiliate_subsidy"),
    "gpb_expenditure": ("total", "basic", "project"),
    "soe_capital": ("total", "basic", "project"),
    "gpb_basic": ("amount",),
    "gov_fund": (
        "opening_balance",
        "income",
        "expense_total",
        "expense_basic",
        "expense_project",
        "closing_balance",
    ),
    "three_public": ("budget", "final"),
    "disclosure_stats": ("value",),
    "budget_summary": ("amount",),
    "budget_income": (
        "total",
        "fiscal",
        "gpb",
        "gov_fund",
        "soe_capital",
        "fiscal_special",
        "operating",
        "business",
        "other",
        "carryover",
        "amount",
    ),
    "budget_expenditure": ("total", "basic", "project", "reserve", "carry_forward"),
    "budget_fiscal_summary": ("amount", "total", "gpb", "gov_fund", "soe_capital"),
    "budget_fiscal_expenditure": ("total", "basic", "project"),
    "budget_gpb_expenditure": ("total", "basic", "project"),
    "budget_gov_fund": ("total", "basic", "project"),
    "budget_soe_capital": ("total", "basic", "project"),
    "budget_gpb_basic": ("total", "personnel", "public"),
    "budget_fiscal_basic": ("total", "personnel", "public"),
    "budget_three_public": ("prior_budget", "budget", "prior_final"),
    "budget_running_cost": ("amount",),
    "budget_procurement": ("amount",),
    "budget_performance": ("amount",),
}


# Names of the non-code row keys of facts.md.
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
    "procurement.goods": "政府采购(货物)",
    "procurement.works": "政府采购(工程)",
    "procurement.services": "政府采购(服务)",
    "vehicles.total": "车辆合计",
    "vehicles.ministerial": "部级领导干部用车",
    "vehicles.principal": "主要领导干部用车",
    "vehicles.confidential": "机要通信用车",
    "vehicles.emergency": "应急保障用车",
    "vehicles.law_enforcement": "执法执勤用车",
    "vehicles.special": "特种专业技术用车",
    "vehicles.retiree": "离退休干部用车",
    "vehicles.other": "其他用车",
    "equipment_over_1m": "单价100万元以上设备",
    # budget summaries and lists (docs/facts-additions.md, "Budget tables")
    "income.fiscal": "财政拨款收入",
    "income.fiscal.gpb": "一般公共预算财政拨款",
    "income.fiscal.gov_fund": "政府性基金预算财政拨款",
    "income.fiscal.soe_capital": "国有资本经营预算财政拨款",
    "income.fiscal_special": "财政专户管理资金",
    "income.carryover": "上年结转资金",
    "expense.basic": "基本支出",
    "expense.project": "项目支出",
    "expense.reserve": "单位预留机动经费",
    "expense.carry_forward": "结转下年资金",
}

# three_public's total is the 三公 total, not a generic 合计
_TABLE_ROW_NAMES: dict[tuple[str, str], str] = {
    ("three_public", "total"): "“三公”经费合计",
    ("budget_three_public", "total"): "“三公”经费合计",
    ("budget_procurement", "total"): "政府采购预算合计",
    ("budget_procurement", "goods"): "货物类",
    ("budget_procurement", "works"): "工程类",
    ("budget_procurement", "services"): "服务类",
}
# budget summaries: where a fund is a top line (budget_fiscal_summary, the income list)
_BUDGET_ROW_NAMES: dict[str, str] = {
    "income.gpb": "一般公共预算",
    "income.gov_fund": "政府性基金预算",
    "income.soe_capital": "国有资本经营预算",
    "income.other": "其他资金",
    "income.business": "事业单位经营收入",
    "income.total": "当年收入小计",
    "income.grand_total": "收入合计",
    "expense.total": "当年支出小计",
    "expense.grand_total": "支出合计",
}


def table_name(table: str) -> str:
    return TABLE_NAMES_ZH.get(table, table)


def column_name(table: str, column: str) -> str:
    """The column as messages name it ("" for a table's single value column); a column the
    contract does not name (``extra.<header>``) by its printed header."""
    name = COLUMN_NAMES.get(table, {}).get(column)
    if name is None and table.startswith("budget_") and column.startswith("extra."):
        return column.removeprefix("extra.")
    return column if name is None else name


def column_header(table: str, column: str) -> str:
    """The column as a rendered table heads it (never blank)."""
    return column_name(table, column) or _SINGLE_VALUE_HEADERS.get(column, column)


def row_name(table: str, row: str) -> str:
    """A fallback name for a row key ("" when there is none, e.g. an unknown code)."""
    if (table, row) in _TABLE_ROW_NAMES:
        return _TABLE_ROW_NAMES[table, row]
    if table.startswith("budget_"):
        name = _budget_row_name(table, row)
        if name:
            return name
    if row in ROW_NAMES:
        return ROW_NAMES[row]
    if row.startswith("expense.") and row[8:].isdigit():
        return f"{row[8:]}类支出"
    return ""


def _budget_row_name(table: str, row: str) -> str:
    """Budget row keys: summary lines, parts (``income.gpb.extra.专项收入``), 三公 extras
    (``extra.会议费``), projects (``project.3``)."""
    if row in _BUDGET_ROW_NAMES:
        return _BUDGET_ROW_NAMES[row]
    if ".extra." in row or row.startswith("extra."):
        return row.rsplit("extra.", 1)[1]
    if row.startswith("project.") and row[8:].isdigit():
        return f"项目{row[8:]}"
    if row in ROW_NAMES:
        return ROW_NAMES[row]
    head, _, last = row.rpartition(".")
    if head.startswith("income.") and f"income.{last}" in ROW_NAMES:  # income.other.operating
        return ROW_NAMES[f"income.{last}"]
    return ""

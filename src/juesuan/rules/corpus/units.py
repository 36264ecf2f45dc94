"""JS-CO-003: a unit's figures against its department's consolidated document.

A unit (单位决算/单位预算, ``Document.scope == "unit"``) is part of its department: none of its
totals can exceed the department's consolidated (部门) figure of the same year and kind. The
department is the stored department-scope document whose printed name is the longest proper
prefix of the unit's name (see :mod:`.base`). Each total printed by both — 收入/支出 totals of the
summary, the 支出决算表 合计 by 基本/项目, the 收入决算表 合计, the 三公 total, and their budget
counterparts — is compared with :func:`juesuan.money.compare_ge` (rounding allowed).
"""

from __future__ import annotations

from typing import Iterator

from ...model import CellRef, Document
from ...money import compare_ge, fmt
from ..engine import Issue, ex
from ..names import column_name, default_row_name, table_name
from .base import CorpusRule, Peers, amounts, cex, other_cell, parent_department, precise

LAW = "《地方预决算公开操作规程》（财预〔2016〕143号）第四条：预决算公开应当坚持真实、准确、完整、及时。"

TOTALS: tuple[tuple[str, str, str], ...] = (
    ("income_expense_summary", "income.total", "amount"),
    ("income_expense_summary", "income.grand_total", "amount"),
    ("income_expense_summary", "expense.total", "amount"),
    ("income_expense_summary", "expense.grand_total", "amount"),
    ("income", "total", "total"),
    ("expenditure", "total", "total"),
    ("expenditure", "total", "basic"),
    ("expenditure", "total", "project"),
    ("fiscal_summary", "income.total", "amount"),
    ("gpb_expenditure", "total", "total"),
    ("three_public", "total", "final"),
    ("budget_summary", "income.total", "amount"),
    ("budget_summary", "income.grand_total", "amount"),
    ("budget_summary", "expense.total", "amount"),
    ("budget_summary", "expense.grand_total", "amount"),
    ("budget_income", "total", "total"),
    ("budget_expenditure", "total", "total"),
    ("budget_expenditure", "total", "basic"),
    ("budget_expenditure", "total", "project"),
    ("budget_gpb_expenditure", "total", "total"),
    ("budget_three_public", "total", "budget"),
)


def cell_title(key: tuple[str, str, str]) -> str:
    t, r, c = key
    col = column_name(t, c)
    return f"《{table_name(t)}》「{default_row_name(t, r) or r}」" + (f"「{col}」" if col else "")


def _check(doc: Document, peers: Peers) -> Iterator[Issue]:
    parent = parent_department(doc, peers)
    if parent is None:
        return
    dept = amounts(peers.load(parent))
    unit = amounts(doc)
    for key in TOTALS:
        if key not in unit or key not in dept:
            continue
        u, d = precise(unit[key].value), precise(dept[key].value)
        result = compare_ge(d, u)
        if result.ok:
            continue
        yield Issue(
            {
                "cell": cell_title(key),
                "unit": fmt(u),
                "department": parent.department or "",
                "dept_file": parent.file_name or f"#{parent.id}",
                "printed": fmt(d),
                "difference": fmt(u - d),
            },
            [key[0]],
            [CellRef.of(unit[key]), other_cell(dept[key], parent)],
            row=key[1],
            expected=fmt(d),
            printed=fmt(u),
            difference=fmt(u - d),
        )


_DEPT = {"department": "示例区教育局", "year": 2024}
_UNIT = {"department": "示例区教育局机关幼儿园", "year": 2024, "scope": "unit"}

RULE = CorpusRule(
    id="JS-CO-003",
    title="单位数超过所属部门的汇总数",
    severity="error",
    legal_basis=LAW,
    message="{cell}单位数 {unit} 大于所属部门「{department}」（{dept_file}）的 {printed}，超出 {difference}",
    doc=(
        "单位决算（单位预算）是所属部门汇总数的一部分：单位的各项合计不能大于同年度、同类型的部门汇总数。"
        "所属部门为库中名称是单位名称最长前缀（去掉“本级”“机关”后）的部门文档。逐项比较两者都印出的合计："
        "收入支出总表的收入/支出合计与总计、支出决算表合计（基本、项目）、收入决算表合计、“三公”经费合计及预算表中的对应项，允许尾差。"
    ),
    check=_check,
    passing=(
        cex(
            ex("expenditure/total/total=80.00", meta=_UNIT),
            ex("expenditure/total/total=500.00", meta=_DEPT),
        ),
        cex(
            ex("expenditure/total/total=800.00", meta=_UNIT),
            ex("expenditure/total/total=500.00", meta={"department": "另一区教育局", "year": 2024}),
            note="不是本单位的部门：不比较",
        ),
    ),
    failing=(
        cex(
            ex("expenditure/total/total=800.00", meta=_UNIT),
            ex("expenditure/total/total=500.00", meta=_DEPT),
        ),
    ),
)

RULES = (RULE,)

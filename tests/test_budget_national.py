"""A budget printed in the national 部门预算 template (部门收支总表, 部门收入总表, 部门支出总表, 财政拨款收支总表,
一般公共预算支出表 with 上年执行数 and 增减 columns, 基本支出表, “三公”经费表 headed by year, an empty
政府性基金 table) with a 编制说明 — a synthetic document (tests/data), consistent by construction:
it reads whole and checks clean, and each planted error gives its rule on its cell or sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from juesuan.pipeline import read_document
from juesuan.rules import check

SOURCE = Path(__file__).resolve().parent / "data" / "synthetic-national-budget-2024.txt"
TEXT = SOURCE.read_text(encoding="utf-8")


def _check(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    p = tmp_path / "budget.txt"
    p.write_text(text, encoding="utf-8")
    return check(read_document(p))


def test_reads_every_table_and_checks_clean(tmp_path: Path) -> None:
    result = _check(tmp_path, TEXT)
    doc = result.document
    assert doc.kind == "budget" and doc.year == 2024 and doc.department == "某某市某某局"
    assert {t.id for t in doc.tables} == {
        "budget_summary", "budget_income", "budget_expenditure", "budget_fiscal_summary",
        "budget_gpb_expenditure", "budget_gpb_basic", "budget_three_public", "budget_gov_fund",
    }
    facts = {(f.table, f.row, f.column): f.value for f in doc.facts}
    assert facts["budget_three_public", "total", "budget"] == 3 and facts["budget_three_public", "total", "prior_budget"] == 4
    assert [f.rule for f in result.findings if f.severity != "info"] == []


PLANTS = [
    # (what is changed, the text before, after, the rule, the cell (table, row, column) or None for a sentence)
    ("功能分类 row 合计 ≠ 基本 + 项目", "2010101\t行政运行\t200.00\t200.00\t\n", "2010101\t行政运行\t201.00\t200.00\t\n",
     "JS-BG-001", ("budget_expenditure", "2010101", "total")),
    ("growth rate off by 0.02 points", "增长11.11%", "增长11.13%", "JS-BN-003", None),
    ("三公 in the narrative ≠ table", "2024年“三公”经费预算3.00万元", "2024年“三公”经费预算3.50万元", "JS-BN-001", None),
    ("economic row 合计 ≠ 人员 + 公用", "30211\t差旅费\t10.00\t\t10.00\n", "30211\t差旅费\t11.00\t\t10.00\n",
     "JS-BG-006", ("budget_gpb_basic", "30211", "total")),
    ("summary class ≠ its table", "一、一般公共服务支出\t300.00\n", "一、一般公共服务支出\t310.00\n", None, ("budget_summary", "expense.201", "amount")),
]


@pytest.mark.parametrize("what, before, after, rule, cell", PLANTS, ids=[p[0] for p in PLANTS])
def test_a_planted_error_gives_its_rule(tmp_path: Path, what, before, after, rule, cell) -> None:  # type: ignore[no-untyped-def]
    assert TEXT.count(before) == 1, what
    found = [f for f in _check(tmp_path, TEXT.replace(before, after)).findings if f.severity == "error"]
    assert found, what
    if rule is not None:
        assert rule in {f.rule for f in found}, [f.rule for f in found]
    if cell is not None:
        assert any((c.table, c.row, c.column) == cell for f in found for c in f.cells), [f.message for f in found]
    else:
        assert any(f.rule == rule and f.sentence for f in found)

"""Facts and findings of the real text-layer PDFs (Shanghai 普陀区), against expected facts.

The expected files were checked page by page against an independent text extraction (every
decimal printed on a table page is one fact, and no fact is invented) and by arithmetic: the
rule engine finds no error in them.
"""

from __future__ import annotations

import pytest

from conftest import EXPECTED, SHARED, expected_facts

PDF_DIR = SHARED / "corpus" / "pdf"
NAMES = ["shanghai-putuo-finance-2024", "shanghai-putuo-planning-2024", "shanghai-putuo-socialwork-2024"]


@pytest.fixture(scope="module")
def pdf_docs():
    if not PDF_DIR.is_dir():
        pytest.skip("../shared/corpus/pdf is not present beside the project checkout")
    from juesuan.pipeline import read_document

    return {n: read_document(PDF_DIR / f"{n}.pdf") for n in NAMES + ["shanghai-putuo-finance-2024-altered"]}


@pytest.mark.parametrize("name", NAMES)
def test_pdf_precision_and_recall(name, pdf_docs):
    doc = pdf_docs[name]
    got = {(f.table, f.row, f.column, f.value) for f in doc.facts if not f.project}
    want = expected_facts(name, EXPECTED / "pdf")
    tp = len(got & want)
    assert tp / len(got) >= 0.995 and tp / len(want) >= 0.995, (sorted(got - want)[:8], sorted(want - got)[:8])


@pytest.mark.parametrize("name", NAMES)
def test_pdf_metadata_and_tables(name, pdf_docs):
    doc = pdf_docs[name]
    assert doc.year == 2024 and doc.department and doc.department.startswith(("上海市普陀区", "中共上海市普陀区"))
    assert {t.id for t in doc.tables} >= {
        "income_expense_summary", "income", "expenditure", "fiscal_summary", "gpb_expenditure",
        "gpb_basic", "gov_fund", "soe_capital", "three_public",
    }
    assert not doc.warnings and not doc.unreadable
    assert all(f.prov.page and f.prov.bbox for f in doc.facts)


@pytest.mark.parametrize("name", NAMES)
def test_real_pdfs_have_no_false_error(name, pdf_docs):
    from juesuan.rules import check

    # the tables: no error at all. The narrative's own errors in these real publications (财政局
    # 第21页 "财政拨款收入支出总计0.3万元", "占71.73%" for 2106.66 ÷ 2940.05 = 71.65 %; 规划资源局
    # 第24页 一般公共预算财政拨款基本支出 5377.64 = the all-funds 基本支出) are asserted and judged in
    # tests/test_rules_narrative.py (EXPECTED_PDF).
    errors = [f for f in check(pdf_docs[name]).findings if f.severity == "error" and f.family not in ("NR", "NP")]
    assert errors == [], [f.message for f in errors]


def test_altered_pdf_missing_expenditure_table_is_found(pdf_docs):
    from juesuan.rules import check

    doc = pdf_docs["shanghai-putuo-finance-2024-altered"]
    assert doc.table("expenditure") is None
    found = [f for f in check(doc).findings if f.severity == "error" and "expenditure" in f.tables]
    assert found and any("目录" in f.message for f in found)


def test_altered_pdf_three_public_cells_were_emptied(pdf_docs):
    original = pdf_docs["shanghai-putuo-finance-2024"].index()
    altered = pdf_docs["shanghai-putuo-finance-2024-altered"].index()
    assert ("three_public", "total", "budget") in original
    assert ("three_public", "total", "budget") not in altered

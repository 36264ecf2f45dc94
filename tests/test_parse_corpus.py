"""Facts read from the real corpus texts, against expected facts written into tests/expected.

The expected files were checked cell by cell against the source lines (every decimal cell of
every table line is one fact) and by arithmetic (the rule engine finds no error in them beyond
the real inconsistencies the documents print).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import EXPECTED, expected_facts, need_corpus
from juesuan.ingest.text import clean_line

# expected facts of the converter-text documents (the PDFs' are in expected/pdf)
DOCS = sorted(p.name.removesuffix(".facts.csv") for p in EXPECTED.glob("*.facts.csv"))


@pytest.mark.parametrize("name", DOCS)
def test_precision_and_recall(name, corpus_docs):
    doc = corpus_docs[name]
    got = {(f.table, f.row, f.column, f.value) for f in doc.facts if not f.project}
    want = expected_facts(name)
    tp = len(got & want)
    precision = tp / len(got)
    recall = tp / len(want)
    assert precision >= 0.995 and recall >= 0.995, (
        f"{name}: precision {precision:.4f} recall {recall:.4f}; "
        f"extra {sorted(got - want)[:10]} missing {sorted(want - got)[:10]}"
    )


def test_no_duplicate_fact_keys(corpus_docs):
    for name, doc in corpus_docs.items():
        keys = [(f.project, *f.key) for f in doc.facts]
        assert len(keys) == len(set(keys)), name


def test_metadata(corpus_docs):
    meta = {n: (d.department, d.year) for n, d in corpus_docs.items()}
    assert meta["shanxi-jincheng-hrss-2024"] == ("晋城市人力资源和社会保障局", 2024)
    assert meta["henan-anyang-beiguan-hrss-2024"] == ("安阳市北关区人力资源和社会保障局", 2024)
    assert meta["liaoning-fushun-hrss-2024"] == ("辽宁省抚顺市人力资源和社会保障局", 2024)
    for doc in corpus_docs.values():
        assert doc.unit == "万元"
        assert not doc.unreadable


def test_regional_numbering_does_not_decide_the_table(corpus_docs):
    shanxi = corpus_docs["shanxi-jincheng-hrss-2024"].table("three_public")
    liaoning = corpus_docs["liaoning-fushun-hrss-2024"].table("three_public")
    assert shanxi.number == "公开09表" and shanxi.layout == "horizontal"
    assert liaoning.number == "公开07表" and liaoning.layout == "vertical"


def test_fragments_identified_from_their_notes(corpus_docs):
    doc = corpus_docs["liaoning-fushun-hrss-2024"]
    for tid in ("income", "expenditure", "fiscal_summary"):
        t = doc.table(tid)
        assert t is not None and t.fragment and t.title is None, tid
    # the TOC names 政府性基金 but the body lost it entirely
    assert doc.table("gov_fund") is None
    assert any("政府性基金" in t for t in doc.toc)


def test_truncated_economic_codes_restored(corpus_docs):
    idx = corpus_docs["liaoning-fushun-hrss-2024"].index()
    assert idx[("gpb_basic", "30101", "amount")].value == Decimal("2972.98")
    assert idx[("gpb_basic", "30217", "amount")].value == Decimal("0.54")
    assert idx[("gpb_basic", "30231", "amount")].value == Decimal("19.01")
    assert not any(len(f.row) == 4 for f in corpus_docs["liaoning-fushun-hrss-2024"].facts)


def test_amount_forms(corpus_docs):
    idx = corpus_docs["liaoning-fushun-hrss-2024"].index()
    f = idx[("income_expense_summary", "income.gpb", "amount")]
    assert f.raw == "21,302.34" and f.value_str == "21302.34"
    shanxi = corpus_docs["shanxi-jincheng-hrss-2024"].index()
    dash = shanxi[("gpb_basic", "309", "amount")]
    assert dash.raw == "——" and dash.value == 0
    # blank cells make no fact; printed 0.00 does
    assert ("income", "201", "upper_subsidy") not in shanxi
    henan = corpus_docs["henan-anyang-beiguan-hrss-2024"].index()
    assert henan[("income", "2069999", "upper_subsidy")].value_str == "0.00"


def test_empty_tables_are_present_and_empty(corpus_docs):
    for name in ("shanxi-jincheng-hrss-2024", "henan-anyang-beiguan-hrss-2024"):
        doc = corpus_docs[name]
        for tid in ("gov_fund", "soe_capital"):
            t = doc.table(tid)
            assert t is not None and t.empty, (name, tid)
            assert any("无数据" in n for n in t.notes)


def test_gpb_basic_groups_and_totals(corpus_docs):
    idx = corpus_docs["shanxi-jincheng-hrss-2024"].index()  # 4 groups
    assert idx[("gpb_basic", "personnel_total", "amount")].value == Decimal("10589.15")
    assert idx[("gpb_basic", "public_total", "amount")].value == Decimal("1055.20")
    assert idx[("gpb_basic", "30299", "amount")].value == Decimal("18.68")
    henan = corpus_docs["henan-anyang-beiguan-hrss-2024"].index()  # 3 groups
    assert henan[("gpb_basic", "public_total", "amount")].value == Decimal("20.29")
    assert henan[("gpb_basic", "39999", "amount")].value == 0


def test_provenance_points_at_the_printed_line(corpus_docs):
    need_corpus()
    from conftest import CORPUS

    for name, doc in corpus_docs.items():
        lines = (CORPUS / f"{name}.txt").read_text(encoding="utf-8").splitlines()
        for f in doc.facts:
            cells = [clean_line(c) for c in lines[f.prov.line - 1].split("\t")]
            assert f.raw in cells or f.project, (name, f)
            # self-evaluation cells may be joined from several converter lines
            assert not f.project or any(f.raw.split()[0] in c for c in cells if f.raw), (name, f)

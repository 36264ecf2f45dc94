"""A finding's fingerprint identifies the same problem across versions, and only that."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings, strategies as st

from juesuan.model import CellRef, Finding
from juesuan.rules.fingerprint import fingerprint


def _finding(**kw) -> Finding:
    base = dict(
        rule="JS-AR-001",
        severity="error",
        title="行合计",
        message="合计不等于基本支出与项目支出之和",
        tables=["expenditure"],
        cells=[
            CellRef("expenditure", "2080101", "total", "100.00", page=3, line=40),
            CellRef("expenditure", "2080101", "basic", "60.00", page=3, line=40),
        ],
        expected="100.01",
        printed="100.00",
        difference="-0.01",
    )
    base.update(kw)
    return Finding(**base)


def test_pages_lines_and_order_do_not_matter() -> None:
    a = _finding()
    moved = _finding(cells=[replace(c, page=9, line=None) for c in reversed(a.cells)])
    assert fingerprint(a) == fingerprint(moved)
    assert len(fingerprint(a)) == 16


def test_a_changed_value_rule_or_cell_is_another_finding() -> None:
    a = _finding()
    assert fingerprint(a) != fingerprint(_finding(rule="JS-AR-002"))
    assert fingerprint(a) != fingerprint(_finding(printed="100.02"))
    cells = list(a.cells)
    cells[1] = replace(cells[1], value="61.00")
    assert fingerprint(a) != fingerprint(_finding(cells=cells))
    cells[1] = replace(a.cells[1], row="2080102")
    assert fingerprint(a) != fingerprint(_finding(cells=cells))


def test_narrative_findings_differ_by_sentence_not_by_page() -> None:
    a = _finding(rule="JS-NR-001", cells=[], sentence={"text": "收入总计 100.00 万元。", "page": 2, "line": 5})
    b = _finding(rule="JS-NR-001", cells=[], sentence={"text": "收入总计 100.00  万元。", "page": 7, "line": 9})
    c = _finding(rule="JS-NR-001", cells=[], sentence={"text": "支出总计 100.00 万元。", "page": 2, "line": 5})
    assert fingerprint(a) == fingerprint(b)
    assert fingerprint(a) != fingerprint(c)


@settings(max_examples=30, deadline=None)
@given(st.text(min_size=1, max_size=12), st.text(min_size=1, max_size=12))
def test_distinct_values_give_distinct_fingerprints(v1: str, v2: str) -> None:
    a = _finding(cells=[CellRef("income", "total", "total", v1)])
    b = _finding(cells=[CellRef("income", "total", "total", v2)])
    same = "".join(v1.split()) == "".join(v2.split())
    assert (fingerprint(a) == fingerprint(b)) == same

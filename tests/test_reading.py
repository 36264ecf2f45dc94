"""A table that fails more than a third of its row identities: one reading warning (JS-AR-020)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from juesuan.rules import check, example_document, get_rule
from juesuan.rules.engine import ex
from juesuan.rules.reading import MIN_ROWS


def _expenditure(n_rows: int, bad: set[int]) -> list[str]:
    """n_rows 类 rows of 支出决算表; the rows in ``bad`` print 项目支出 = 合计 (a column read twice)."""
    cells = []
    for k in range(n_rows):
        code = str(201 + k)
        total = 10 * (k + 1)
        basic = total // 2
        project = total if k in bad else total - basic
        cells += [f"expenditure/{code}/total={total}.00", f"expenditure/{code}/basic={basic}.00",
                  f"expenditure/{code}/project={project}.00"]
    return cells


def _rules(doc):
    return [f.rule for f in check(doc).findings if f.family in ("AR", "HI")]


@settings(max_examples=15, deadline=None)
@given(st.integers(min_value=1, max_value=12).flatmap(
    lambda n: st.tuples(st.just(n), st.sets(st.integers(min_value=0, max_value=n - 1)))))
def test_collapse_exactly_when_over_a_third_of_enough_rows_fail(case):
    n, bad = case
    rules = _rules(example_document(ex(*_expenditure(n, bad))))
    collapse = n >= MIN_ROWS and 3 * len(bad) > n
    if collapse:
        assert rules == ["JS-AR-020"]
    else:
        assert rules.count("JS-AR-002") == len(bad) and "JS-AR-020" not in rules


def test_one_planted_error_is_never_swallowed():
    """A single wrong cell breaks one row: far below a third of any table with 4+ rows."""
    for n in range(MIN_ROWS, 10):
        assert _rules(example_document(ex(*_expenditure(n, {n // 2})))) == ["JS-AR-002"]


def test_the_warning_names_the_table_and_keeps_the_cells():
    doc = example_document(ex(*_expenditure(6, {0, 1, 2, 3})))
    (f,) = [f for f in check(doc).findings if f.rule == "JS-AR-020"]
    rule = get_rule("JS-AR-020")
    assert f.severity == rule.severity == "warning" and f.tables == ["expenditure"]
    assert "可能未正确读取" in f.message and "6 行中有 4 行" in f.message
    assert {c.row for c in f.cells} == {"201", "202", "203", "204"}  # the failing rows' cells
    assert rule.legal_basis and "{table_name}" in rule.message


def test_cross_table_identities_are_still_reported():
    cells = _expenditure(4, {0, 1, 2, 3}) + ["income_expense_summary/expense.grand_total/amount=1.00"]
    doc = example_document(ex(*cells))
    rules = [f.rule for f in check(doc).findings]
    assert "JS-AR-020" in rules and "JS-AR-002" not in rules

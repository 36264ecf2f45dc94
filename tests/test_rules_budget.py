"""Budget table rules (families BG): generated consistent budgets pass, a planted wrong cell is
caught on that cell, ambiguous readings are chosen by the identities, absent columns are not checked."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from juesuan.rules import check, example_document
from juesuan.rules.catalog import identity_cells
from juesuan.rules.engine import ex

SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BUDGET = {"kind": "budget", "year": 2026, "family": "local_budget"}

cents = st.integers(min_value=1, max_value=5_000_000)


def _m(c: int) -> str:
    return f"{Decimal(c) / 100:.2f}"


@st.composite
def budgets(draw):
    """A consistent budget: three 项 under two classes, basic/project split, summaries, 三公, 采购."""
    items = {code: (draw(cents), draw(cents)) for code in ("2040601", "2040604", "2080505")}  # (basic, project)
    cells: list[str] = []

    def put(table, row, col, c):
        cells.append(f"{table}/{row}/{col}={_m(c)}")

    def rows_of(prefix):
        return {k: v for k, v in items.items() if k.startswith(prefix)}

    totals = {}
    for table in ("budget_expenditure", "budget_gpb_expenditure"):
        for code, (b, p) in items.items():
            put(table, code, "total", b + p), put(table, code, "basic", b), put(table, code, "project", p)
        for code in ("20406", "20805", "204", "208"):
            b = sum(v[0] for v in rows_of(code).values())
            p = sum(v[1] for v in rows_of(code).values())
            put(table, code, "total", b + p), put(table, code, "basic", b), put(table, code, "project", p)
            totals[code] = b + p
        b = sum(v[0] for v in items.values())
        p = sum(v[1] for v in items.values())
        put(table, "total", "total", b + p), put(table, "total", "basic", b), put(table, "total", "project", p)
    basic, project = b, p
    grand = basic + project
    for r, c in (("income.fiscal", grand), ("income.fiscal.gpb", grand), ("income.grand_total", grand),
                 ("expense.204", totals["204"]), ("expense.208", totals["208"]), ("expense.grand_total", grand),
                 ("expense.basic", basic), ("expense.project", project)):
        put("budget_summary", r, "amount", c)
    for r, col, c in (("income.gpb", "amount", grand), ("income.grand_total", "amount", grand),
                      ("expense.204", "total", totals["204"]), ("expense.204", "gpb", totals["204"]),
                      ("expense.208", "total", totals["208"]), ("expense.208", "gpb", totals["208"]),
                      ("expense.grand_total", "total", grand), ("expense.grand_total", "gpb", grand)):
        put("budget_fiscal_summary", r, col, c)
    personnel = draw(st.integers(min_value=0, max_value=basic))
    public = basic - personnel
    for r, tot, pe, pu in (("total", basic, personnel, public), ("301", personnel, personnel, 0), ("302", public, 0, public)):
        put("budget_gpb_basic", r, "total", tot), put("budget_gpb_basic", r, "personnel", pe), put("budget_gpb_basic", r, "public", pu)
    running = draw(st.integers(min_value=0, max_value=public))
    put("budget_running_cost", "total", "amount", running)
    ov, pur, op, rec = (draw(st.integers(min_value=0, max_value=100_000)) for _ in range(4))
    for r, c in (("total", ov + pur + op + rec), ("overseas", ov), ("vehicle", pur + op), ("vehicle_purchase", pur),
                 ("vehicle_operation", op), ("reception", rec)):
        put("budget_three_public", r, "budget", c)
    goods, works, services = (draw(st.integers(min_value=0, max_value=1_000_000)) for _ in range(3))
    for r, c in (("total", goods + works + services), ("goods", goods), ("works", works), ("services", services)):
        put("budget_procurement", r, "amount", c)
    return cells


def _doc(cells, **kw):
    return example_document(ex(*cells, meta=BUDGET, **kw), year=2026)


def _bg(result, severity=("error", "warning")):
    return [f for f in result.findings if f.rule.startswith("JS-BG") and f.severity in severity]


@SETTINGS
@given(budgets())
def test_consistent_budget_has_no_table_findings(cells):
    doc = _doc(cells, tables=("budget_income", "budget_gov_fund"))
    assert _bg(check(doc)) == []


@SETTINGS
@given(budgets(), st.data())
def test_planted_cell_is_reported_on_that_cell(cells, data):
    doc = _doc(cells, tables=("budget_income", "budget_gov_fund"))
    planted = sorted(k for k in identity_cells(doc) if k[0].startswith("budget_"))
    assert planted, "the generated budget has identity cells"
    key = data.draw(st.sampled_from(planted))
    spec = "/".join(key) + "="
    i = next(n for n, c in enumerate(cells) if c.startswith(spec))
    value = Decimal(cells[i].split("=")[1]) + Decimal("1.00")
    wrong = [*cells[:i], f"{spec}{value:.2f}", *cells[i + 1 :]]
    found = [f for f in _bg(check(_doc(wrong, tables=("budget_income", "budget_gov_fund"))))]
    assert found, f"no rule fired on {key}"
    assert any((c.table, c.row, c.column) == key for f in found for c in f.cells), [f.message for f in found]
    for f in found:
        assert f.expected is not None and f.printed is not None and f.difference is not None


def test_final_accounts_never_get_budget_rules():
    doc = example_document(ex("budget_expenditure/total/total=10.00", "budget_expenditure/total/basic=1.00"))
    assert _bg(check(doc)) == []


def test_one_amount_column_table_is_not_checked_for_basic_plus_project():
    doc = _doc(["budget_gpb_expenditure/total/total=10.00", "budget_gpb_expenditure/201/total=10.00"])
    assert not [f for f in check(doc).findings if f.rule == "JS-BG-001"]


def test_the_reading_that_holds_is_chosen():
    # 收入预算表 合计 may stand for 本年收入合计 or 收入总计: the one that agrees is taken
    cells = ["budget_income/total/total=96.28", "budget_summary/income.total/amount=90.00",
             "budget_summary/income.carryover/amount=6.28", "budget_summary/income.grand_total/amount=96.28"]
    assert not [f for f in check(_doc(cells)).findings if f.rule == "JS-BG-021"]
    wrong = [*cells[:3], "budget_summary/income.grand_total/amount=97.28"]
    fired = [f for f in check(_doc(wrong)).findings if f.rule == "JS-BG-021"]
    assert fired and fired[0].cells[0].table == "budget_income"


def test_running_cost_below_public_is_fine_above_is_a_warning():
    base = ["budget_gpb_basic/total/public=217.83"]
    ok = check(_doc([*base, "budget_running_cost/total/amount=200.00"]))
    assert not [f for f in ok.findings if f.rule == "JS-BG-024"]
    high = check(_doc([*base, "budget_running_cost/total/amount=230.00"]))
    [f] = [f for f in high.findings if f.rule == "JS-BG-024"]
    assert f.severity == "warning" and f.difference == "-12.17"


def test_missing_required_table_and_nothing_read():
    present = ("budget_summary", "budget_income", "budget_expenditure", "budget_fiscal_summary",
               "budget_gpb_expenditure", "budget_gpb_basic", "budget_three_public")
    found = check(example_document(ex(tables=present, empty=("budget_gov_fund",), meta=BUDGET))).findings
    assert not [f for f in found if f.rule == "JS-BG-030"], "an empty table printed with its note is published"
    found = check(example_document(ex(tables=present, meta=BUDGET))).findings
    assert [f.tables for f in found if f.rule == "JS-BG-030"] == [["budget_gov_fund"]]
    found = check(example_document(ex(meta=BUDGET))).findings
    assert [f.rule for f in found if f.rule.startswith("JS-BG-03")] == ["JS-BG-031"]


def test_budget_kind_is_an_info():
    found = [f for f in check(example_document(ex(meta=BUDGET))).findings if f.rule == "JS-KD-001"]
    assert [f.severity for f in found] == ["info"]


def test_printed_rates_are_not_summed_over_the_hierarchy_but_amount_extras_are():
    """A 一般公共预算支出表 that prints 上年执行数 and 增减额/增减% columns beside the year's amounts:
    the amounts (incl. 上年执行数, 增减额) add up over 类/款/项, the percentages do not."""
    cells = []
    for row, total, prior, pct in (("total", "110.00", "100.00", "10.00"), ("208", "110.00", "100.00", "10.00"),
                                   ("20801", "110.00", "100.00", "10.00"), ("2080101", "60.00", "50.00", "20.00"),
                                   ("2080102", "50.00", "50.00", "0.00")):
        cells += [f"budget_gpb_expenditure/{row}/total={total}", f"budget_gpb_expenditure/{row}/extra.2025年执行数={prior}",
                  f"budget_gpb_expenditure/{row}/extra.增减%={pct}"]
    def sums(cells):  # type: ignore[no-untyped-def]
        return [f for f in _bg(check(_doc(cells))) if f.rule != "JS-BG-030"]  # (the other tables are not given)

    assert sums(cells) == []
    wrong = [c.replace("2080102/extra.2025年执行数=50.00", "2080102/extra.2025年执行数=51.00") for c in cells]
    found = sums(wrong)
    assert found and any(c.row == "2080102" and c.column == "extra.2025年执行数" for f in found for c in f.cells)

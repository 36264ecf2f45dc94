"""The engine: tolerance, skipping, finding contents, ordering, fragments, reference data."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from juesuan.model import STANDARD_TABLES, CellRef, Document, Fact, Provenance, TableInfo
from juesuan.rules import check, example_document, identity_cells
from juesuan.rules import completeness
from juesuan.rules.engine import ex


def run(*cells, **kw):
    """Findings on a tiny document, leaving out the tables it does not have (JS-CP-002)."""
    return [f for f in check(example_document(ex(*cells, **kw))).findings if f.rule != "JS-CP-002"]


def by_rule(findings, rule):
    return [f for f in findings if f.rule == rule]


# --------------------------------------------------------------------------- tolerance


def income_row(total: str, *sources: str):
    cols = ("fiscal", "operating", "other", "business", "upper_subsidy", "affiliate_remit")
    return [f"income/total/total={total}", *(f"income/total/{c}={v}" for c, v in zip(cols, sources))]


def test_difference_of_one_cent_over_three_terms_is_a_rounding_note():
    findings = run(*income_row("10.01", "3.00", "3.00", "4.00"))
    assert [f.rule for f in findings if f.rule.startswith("JS-AR") or f.rule.startswith("JS-RD")] == ["JS-RD-001"]
    note = by_rule(findings, "JS-RD-001")[0]
    assert note.severity == "info"
    assert "JS-AR-001" in note.message  # names the identity that was off
    assert (note.printed, note.expected, note.difference) == ("10.01", "10.00", "0.01")


def test_difference_of_five_cents_over_three_terms_is_an_error():
    findings = run(*income_row("10.05", "3.00", "3.00", "4.00"))
    errors = by_rule(findings, "JS-AR-001")
    assert len(errors) == 1 and errors[0].severity == "error"
    assert not by_rule(findings, "JS-RD-001")
    assert errors[0].difference == "0.05"


def test_exact_identity_gives_no_finding():
    assert run(*income_row("10.00", "3.00", "3.00", "4.00")) == []


def test_tolerance_grows_with_the_number_of_terms():
    # 0.03 off: outside ±0.015 for two printed values, inside ±0.035 for seven
    two = run("gpb_basic/301/amount=10.03", "gpb_basic/30101/amount=10.00")
    assert by_rule(two, "JS-HI-004")
    six = [f"gpb_basic/3010{i}/amount=1.00" for i in range(1, 7)]
    seven = run("gpb_basic/301/amount=6.03", *six)
    assert not by_rule(seven, "JS-HI-004") and by_rule(seven, "JS-RD-001")


def test_counts_are_exact():
    # vehicle counts print without decimals; ±0.5 each would let 12 ≠ 10 + 1 pass as rounding
    (f,) = by_rule(
        run("disclosure_stats/vehicles.total/value=12", "disclosure_stats/vehicles.other/value=10",
            "disclosure_stats/vehicles.law_enforcement/value=1"),
        "JS-AR-011",
    )
    assert "12 辆" in f.message and "11 辆" in f.message


def test_printed_dash_does_not_widen_the_interval():
    # "-" parses to Decimal(0) (exponent 0, ±0.5): the engine takes it at 0.00
    doc = example_document(ex("income/total/total=10.40", "income/total/fiscal=10.00"))
    doc.facts.append(Fact("income", "total", "other", Decimal(0), "-", Provenance(line=9)))
    assert by_rule(check(doc).findings, "JS-AR-001")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.decimals(min_value=0, max_value=10**6, places=6, allow_nan=False, allow_infinity=False),
        min_size=1,
        max_size=25,
    ),
    st.sampled_from([ROUND_HALF_UP, "ROUND_HALF_EVEN"]),
)
def test_rounding_each_term_of_an_exact_sum_never_gives_an_error(values, rounding):
    cent = Decimal("0.01")
    terms = [v.quantize(cent, rounding=rounding) for v in values]
    total = sum(values, Decimal(0)).quantize(cent, rounding=rounding)
    cells = [f"gpb_basic/302/amount={total}"]
    cells += [f"gpb_basic/302{i:02d}/amount={t}" for i, t in enumerate(terms, start=1)]
    # the same numbers as a class with its items, and as 公用经费合计 = 302
    cells.append(f"gpb_basic/public_total/amount={total}")
    findings = run(*cells)
    assert [f for f in findings if f.severity == "error" and not f.rule.startswith("JS-CP")] == []


# --------------------------------------------------------------------------- finding contents


def test_finding_names_table_row_and_all_cells():
    doc = example_document(
        ex(
            "expenditure/2080101/total=10.00",
            "expenditure/2080101/basic=6.00",
            "expenditure/2080101/project=3.00",
            labels={"expenditure/2080101": "行政运行"},
        )
    )
    (f,) = by_rule(check(doc).findings, "JS-AR-002")
    assert "支出决算表" in f.message and "2080101 行政运行" in f.message
    assert "10.00" in f.message and "9.00" in f.message and "1.00" in f.message
    assert (f.printed, f.expected, f.difference) == ("10.00", "9.00", "1.00")
    assert f.tables == ["expenditure"]
    printed = {(c.row, c.column): c for c in f.cells}
    assert set(printed) == {("2080101", c) for c in ("total", "basic", "project", "remit_upper", "business", "affiliate_subsidy")}
    assert printed["2080101", "total"] == CellRef("expenditure", "2080101", "total", "10.00", None, 1, "行政运行")
    assert printed["2080101", "business"].value == ""  # a missing cell takes part as zero


def test_cross_table_finding_lists_both_tables():
    (f,) = by_rule(
        run("income_expense_summary/income.operating/amount=3.00", "income/total/operating=2.00"), "JS-XT-001"
    )
    assert f.tables == ["income_expense_summary", "income"]
    assert "收入支出决算总表" in f.message and "收入决算表" in f.message


def test_greater_or_equal_holds_when_larger_and_allows_rounding():
    def xt009(reception: str, basic: str) -> list[str]:
        cells = (f"three_public/reception/final={reception}", f"gpb_basic/30217/amount={basic}")
        return [f.rule for f in run(*cells) if "JS-XT-009" in (f.rule, f.message[:9])]

    assert xt009("2.00", "1.00") == []
    assert xt009("1.00", "1.01") == ["JS-RD-001"]  # inside ±0.01
    assert xt009("1.00", "1.02") == ["JS-XT-009"]


def test_findings_sorted_by_severity_then_table_then_row():
    findings = run(
        "gpb_expenditure/208/total=5.00",
        "gpb_expenditure/20801/total=5.00",  # CP-003 warnings for 208 and 20801
        "income/2080101/total=2.00",
        "income/2080101/fiscal=1.00",  # AR-001 error, income table
        "income/total/total=1.99",
        "income/total/fiscal=2.00",  # AR-001 rounding note (0.01)
        "income_expense_summary/income.total/amount=9.00",
        "income_expense_summary/income.gpb/amount=8.00",  # SB-004 error, summary table
    )
    keys = [(f.severity, f.tables[0], f.cells[0].row if f.cells else "") for f in findings]
    severities = [k[0] for k in keys]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)
    errors = [k for k in keys if k[0] == "error"]
    assert errors[0][1] == "income_expense_summary"
    warnings = [k[2] for k in keys if k[0] == "warning"]
    assert warnings == ["208", "20801"]


# --------------------------------------------------------------------------- skipping


def test_identity_with_no_printed_cell_is_skipped():
    # the soe table is present but prints nothing: no row arithmetic to check
    assert not by_rule(run(tables=("soe_capital",)), "JS-AR-004")


def test_empty_table_is_not_checked_inside():
    # 本表无数据, printed with a 合计 row of zeros: nothing to check inside it
    empty = example_document(ex("soe_capital/total/basic=0.00", empty=("soe_capital",)))
    assert identity_cells(empty) == set()
    full = example_document(ex("soe_capital/total/basic=0.00"))
    assert identity_cells(full) == {("soe_capital", "total", "basic")}


def test_table_marked_empty_that_prints_an_amount_is_checked():
    assert by_rule(run("soe_capital/total/basic=5.00", empty=("soe_capital",)), "JS-AR-004")


def test_empty_table_counts_as_zero_across_tables():
    findings = run("fiscal_summary/expense.total/soe_capital=5.00", empty=("soe_capital",))
    assert by_rule(findings, "JS-XT-005")


def test_absent_table_skips_cross_table_identity():
    # no income table: the completeness rule reports it, not 6 cross-table errors
    findings = check(example_document(ex("income_expense_summary/income.operating/amount=3.00"))).findings
    assert not by_rule(findings, "JS-XT-001")
    assert any(f.rule == "JS-CP-002" and f.tables == ["income"] for f in findings)


def fragment_doc(*cells: str) -> Document:
    doc = example_document(ex(*cells))
    for t in doc.tables:
        if t.id == "income":
            t.fragment = True
    return doc


def test_rows_lost_from_a_fragment_are_unknown_not_zero():
    # the income table's first rows (合计, 208, …) were lost with its title
    doc = fragment_doc(
        "income/2080799/total=10.00",
        "income/2080799/fiscal=10.00",
        "income/210/total=5.00",
        "income/210/fiscal=5.00",
        "income_expense_summary/income.total/amount=15.00",
        "income_expense_summary/income.operating/amount=1.00",
    )
    findings = check(doc).findings
    assert not by_rule(findings, "JS-XT-001")
    assert not by_rule(findings, "JS-HI-003")
    # the rows it does have are still checked
    doc.facts[0] = Fact("income", "2080799", "total", Decimal("11.00"), "11.00", Provenance(line=1))
    assert by_rule(check(doc).findings, "JS-AR-001")


def test_code_printed_only_at_item_level():
    # henan-style expenditure table: only 项 rows; summary 类 lines compare with their sums
    ok = run(
        "income_expense_summary/expense.208/amount=6.00",
        "income_expense_summary/expense.total/amount=6.00",
        "expenditure/total/total=6.00",
        "expenditure/2080101/total=4.00",
        "expenditure/2080505/total=2.00",
    )
    assert not [f for f in ok if f.rule.startswith(("JS-XT", "JS-HI", "JS-RD"))]
    bad = run(
        "income_expense_summary/expense.208/amount=6.00",
        "income_expense_summary/expense.total/amount=6.00",
        "expenditure/total/total=6.00",
        "expenditure/2080101/total=4.00",
        "expenditure/2080505/total=1.00",
        "expenditure/2101101/total=1.00",
    )
    assert len(by_rule(bad, "JS-XT-002")) == 2  # 208 (5 ≠ 6) and 210 (summary 0 ≠ 1)


# --------------------------------------------------------------------------- completeness


def doc_with_tables(tables, toc=()):
    infos = [TableInfo(t, None, None, "万元", Provenance()) for t in tables]
    return Document("x", "text", None, 2024, "万元", infos, [], toc=list(toc))


def test_missing_table_listed_in_toc_and_not():
    doc = doc_with_tables(STANDARD_TABLES[:7], toc=["八、国有资本经营预算财政拨款支出决算表......17"])
    findings = check(doc).findings
    assert [f.tables for f in by_rule(findings, "JS-CP-001")] == [["soe_capital"]]
    assert [f.tables for f in by_rule(findings, "JS-CP-002")] == [["three_public"]]
    assert all(f.severity == "error" for f in findings)


def test_all_tables_present_with_empty_ones():
    doc = doc_with_tables(STANDARD_TABLES)
    doc.tables[6].empty = doc.tables[7].empty = True
    assert check(doc).findings == []


class FakeCodes:
    def __init__(self, names, year=2024):
        self.names, self.year = names, year

    def get(self, code):
        return SimpleNamespace(code=code, name=self.names[code]) if code in self.names else None

    def name(self, code):
        return self.names.get(code)

    def find_by_name(self, name, prefix=""):
        name = "".join(name.split())
        pool = {c: n for c, n in self.names.items() if c.startswith(prefix)}
        found = [c for c, n in pool.items() if n == name]
        if not found and len(name) >= 4:
            found = [c for c, n in pool.items() if n.startswith(name)]
        return [SimpleNamespace(code=c) for c in found]


@pytest.fixture
def fake_refdata(monkeypatch):
    function = FakeCodes({"2080101": "行政运行", "2080501": "行政单位离退休", "2230105": "国有企业退休人员社会化管理补助支出"})
    economic = FakeCodes({"30217": "公务接待费"})
    fake = SimpleNamespace(function_codes=lambda year=2024: function, economic_codes=lambda year=2024: economic)
    monkeypatch.setattr(completeness, "_load_refdata", lambda: fake)


def test_code_name_mismatch_with_monkeypatched_reference(fake_refdata):
    labels = {
        "gpb_expenditure/2080101": "行政单位离退休",  # a 项 name under the wrong code
        "gpb_expenditure/2230105": "国有企业退休人员社会化管理补",  # cut short by extraction: fine
        "gpb_expenditure/2080199": "其他人力资源和社会保障管理事务支出",  # not in the reference: not judged
        "gpb_basic/30217": "公 务 接 待 费",  # spaces: fine
    }
    findings = run(
        "gpb_expenditure/2080101/total=1.00",
        "gpb_expenditure/2230105/total=1.00",
        "gpb_expenditure/2080199/total=1.00",
        "gpb_basic/30217/amount=1.00",
        labels=labels,
    )
    (f,) = by_rule(findings, "JS-CP-004")
    assert f.severity == "warning"
    assert "2080101" in f.message and "行政单位离退休" in f.message and "行政运行" in f.message
    assert "2080501" in f.message  # where the printed name belongs
    assert f.cells and f.cells[0].row == "2080101"


def test_code_names_without_reference_data(monkeypatch):
    monkeypatch.setattr(completeness, "_load_refdata", lambda: None)
    findings = run("gpb_expenditure/2080101/total=1.00", labels={"gpb_expenditure/2080101": "随便"})
    assert not by_rule(findings, "JS-CP-004")


def test_to_item_level_ignores_zero_rows_and_item_only_tables():
    assert not by_rule(run("gpb_expenditure/20808/total=0.00"), "JS-CP-003")
    assert not by_rule(run("gpb_expenditure/2080101/total=3.00"), "JS-CP-003")
    (f,) = by_rule(run("gpb_expenditure/20808/total=3.00", "gpb_expenditure/208/total=3.00",
                       "gpb_expenditure/2080101/total=0.00", "gpb_expenditure/20801/total=0.00"), "JS-CP-003")
    assert "20808" in f.message and f.cells[0].value == "3.00"


# --------------------------------------------------------------------------- identity cells


def test_identity_cells_lists_printed_cells_of_checked_equalities():
    doc = example_document(
        ex(
            "income/total/total=10.00",
            "income/total/fiscal=10.00",
            "three_public/total/budget=0.00",  # in an empty table
            "disclosure_stats/equipment_over_1m/value=3",  # in no identity
            "disclosure_stats/running_cost.admin/value=3.00",  # only in an inequality
            "gpb_basic/public_total/amount=5.00",
            "gpb_basic/302/amount=5.00",
            empty=("three_public",),
        )
    )
    assert identity_cells(doc) == {
        ("income", "total", "total"),
        ("income", "total", "fiscal"),
        ("gpb_basic", "public_total", "amount"),
        ("gpb_basic", "302", "amount"),
    }

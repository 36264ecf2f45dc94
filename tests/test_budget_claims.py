"""Budget narrative: claims read from 编制说明 sentences, and the BN rules on them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from juesuan.extract.budget_claims import budget_claims_from_text
from juesuan.rules import check, example_document
from juesuan.rules.engine import ex

SETTINGS = settings(max_examples=15, deadline=None)
BUDGET = {"kind": "budget", "year": 2026}

ITEM = "1、公共安全支出（204类）司法（06款）行政运行（01项）{b}万元。主要用于：行政单位的基本支出。"
EXEC = "2025年当年预算执行数为{a}万元，2026年预算安排{b}万元，比2025年预算执行数{d}{r}%。主要原因是：部分人员退休。"


def _rules(lines, *cells, year=2026):
    doc = example_document(ex(*cells, text=tuple(lines), meta={**BUDGET, "year": year}), year=year)
    return [f for f in check(doc).findings if f.rule.startswith("JS-BN") and f.rule != "JS-BN-008"]


def _rate(a: Decimal, b: Decimal) -> Decimal:
    return (abs(b - a) * 100 / a).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_item_claims():
    text = ITEM.format(b="1672.67") + "\n" + EXEC.format(a="1690.69", b="1672.67", d="减少", r="1.07")
    claims = budget_claims_from_text(text, year=2026)
    got = [(c.subject, c.kind, c.raw, c.direction) for c in claims]
    assert got == [
        ("func:2040601", "amount", "1672.67", None),
        ("func:2040601@prior_exec", "amount", "1690.69", None),
        ("func:2040601@plan", "amount", "1672.67", None),
        ("func:2040601", "change_pct", "1.07", "decrease"),
    ]
    assert claims[-1].whole == "2025年预算执行数"
    assert claims[0].prov.line == 1 and claims[1].prov.line == 2


@SETTINGS
@given(st.integers(min_value=1, max_value=len(ITEM.format(b="1672.67")) - 2))
def test_a_sentence_broken_over_lines_reads_the_same(cut):
    line = ITEM.format(b="1672.67")
    whole = budget_claims_from_text(line, year=2026)
    broken = budget_claims_from_text(line[:cut] + "\n" + line[cut:], year=2026)
    assert [(c.subject, c.raw) for c in broken] == [(c.subject, c.raw) for c in whole]


def test_named_amounts_and_changes():
    text = (
        "2026年，某局收入预算9628.22万元，其中：财政拨款收入9628.22万元，比2025年预算增加793.14万元；事业收入0万元。\n"
        "2026年“三公”经费预算数为10.81万元，比2025年预算持平。\n"
        "2026年本部门政府采购预算1486.42万元，其中：政府采购货物预算3.66万元、政府采购工程预算36.44万元、政府采购服务预算1446.32万元。\n"
        "2026年本部门面向中小企业预留政府采购项目预算金额1486.42万元。\n"
        "编报绩效目标的项目20个，涉及项目预算资金7054.05万元。"
    )
    got = [(c.subject, c.kind, c.raw) for c in budget_claims_from_text(text, year=2026)]
    assert got == [
        ("收入预算", "amount", "9628.22"), ("财政拨款收入", "amount", "9628.22"),
        ("财政拨款收入", "change_amount", "793.14"), ("事业收入", "amount", "0"),
        ("三公.合计", "amount", "10.81"), ("三公.合计", "change_amount", "持平"),
        ("政府采购.合计", "amount", "1486.42"), ("政府采购.货物", "amount", "3.66"),
        ("政府采购.工程", "amount", "36.44"), ("政府采购.服务", "amount", "1446.32"),
        ("绩效目标.项目数", "count", "20"), ("绩效目标.资金", "amount", "7054.05"),
    ]


@st.composite
def items(draw):
    cent = Decimal("0.01")
    a = (Decimal(draw(st.integers(min_value=100_000, max_value=10_000_000))) / 100).quantize(cent)
    b = (Decimal(draw(st.integers(min_value=int(a * 50), max_value=int(a * 200)))) / 100).quantize(cent)
    return a, b


@SETTINGS
@given(items())
def test_correct_rate_passes_and_a_rate_off_by_002_points_fires(ab):
    a, b = ab
    if abs(b - a) < Decimal("0.05"):
        return
    d = "增加" if b > a else "减少"
    cell = f"budget_gpb_expenditure/2040601/total={b}"
    right = [ITEM.format(b=b), EXEC.format(a=a, b=b, d=d, r=_rate(a, b))]
    assert _rules(right, cell) == []
    off = [ITEM.format(b=b), EXEC.format(a=a, b=b, d=d, r=_rate(a, b) + Decimal("0.02"))]
    [f] = _rules(off, cell)
    assert f.rule == "JS-BN-003" and f.severity == "error"
    assert {(c.table, c.row) for c in f.cells} >= {("budget_gpb_expenditure", "2040601"), ("narrative", "func:2040601")}
    assert Decimal(f.difference).copy_abs() >= Decimal("0.015")


def test_rate_uses_the_table_cell_over_the_rounded_lead():
    # 57.8 printed, 57.804 in the table (元): 2.21 % is right for the cell
    lines = ["7、社会保障和就业支出（208类）行政事业单位养老支出（05款）行政单位离退休（01项）57.8万元。",
             "2025年当年预算执行数为59.11万元，2026年预算安排57.8万元，比2025年预算执行数减少2.21%。"]
    assert _rules(lines, "budget_gpb_expenditure/2080501/total=57.804") == []


def test_increase_stated_for_a_decrease():
    lines = [ITEM.format(b="3845.49"), EXEC.format(a="43269.3", b="3845.49", d="增加", r="17.62")]
    [f] = _rules(lines, "budget_gpb_expenditure/2040601/total=3845.49")
    assert f.rule == "JS-BN-004" and f.printed == "增加" and f.expected == "减少"


def test_restated_plan_differs_from_the_lead():
    lines = [ITEM.format(b="208.8"), EXEC.format(a="198.34", b="201.50", d="增加", r="5.27")]
    found = _rules(lines, "budget_gpb_expenditure/2040601/total=208.7959")
    assert [f.rule for f in found] == ["JS-BN-002"]
    assert found[0].expected == "208.80" and found[0].printed == "201.50"


def test_amount_against_the_table():
    lines = ["2026年“三公”经费预算数为10.18万元。", "机关运行经费预算为217.83万元。"]
    cells = ("budget_three_public/total/budget=10.81", "budget_three_public/extra.机关运行经费预算数/budget=217.83")
    [f] = _rules(lines, *cells)
    assert f.rule == "JS-BN-001" and f.expected == "10.81" and f.printed == "10.18"
    assert _rules(["2026年“三公”经费预算数为10.81万元。"], *cells) == []


def test_comparison_year_equal_to_the_budget_year_is_one_warning():
    lines = ["收入预算9628.22万元，比2026年预算增加793.14万元。支出预算9628.22万元，比2026年预算增加793.14万元。"]
    found = _rules(lines)
    assert [(f.rule, f.severity) for f in found] == [("JS-BN-005", "warning")]
    assert "共 2 处" in found[0].message
    assert _rules([lines[0].replace("2026年预算", "2025年预算")]) == []


def test_rate_beside_its_amount():
    ok = ["收入预算110.00万元，比2025年预算增加10.00万元，增长10.00%。"]
    assert _rules(ok) == []
    [f] = _rules([ok[0].replace("10.00%", "10.02%")])
    assert f.rule == "JS-BN-003"


def test_parts_and_coverage():
    three = "“三公”经费预算数为10.81万元。其中：（一）因公出国（境）费0万元；（二）公务用车购置及运行费9.98万元；（三）公务接待费{r}万元。"
    assert _rules([three.format(r="0.83")]) == []
    assert [f.rule for f in _rules([three.format(r="0.38")])] == ["JS-BN-006"]
    cell = "budget_expenditure/total/project=7054.05"
    assert _rules(["编报绩效目标的项目20个，涉及项目预算资金6000.00万元。"], cell) == []
    assert [f.rule for f in _rules(["编报绩效目标的项目20个，涉及项目预算资金7504.05万元。"], cell)] == ["JS-BN-007"]
    assert [f.rule for f in _rules(["全部项目编报绩效目标，涉及项目预算资金6000.00万元。"], cell)] == ["JS-BN-007"]

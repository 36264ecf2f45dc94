"""Columns from headers, rows from labels: generated header variants give the same facts by key.

Each test builds a table grid the way documents print it — columns shuffled, header text wrapped
over two rows, group headers merged over sub-columns, 其中 sub-columns and rows, unknown extra
columns, blank cells, 栏次 lines — and checks the reader gives back exactly the facts put in.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from juesuan.extract.headers import column_keys, header_rows, leaf_paths
from juesuan.extract.tables import read_coded, read_three_public, read_two_sided
from juesuan.model import Block, Cell, Grid, Provenance

P = Provenance(page=1)


def _block(texts: list[str]) -> Block:
    return Block("row", [Cell(t, P) for t in texts], P)


def _grid(title: str, rows: list[list[str]]) -> Grid:
    return Grid(title, None, "万元", [], [_block(r) for r in rows], [], P)


def _fmt(v: Decimal) -> str:
    return f"{v:,.2f}"


def _facts(out) -> dict[tuple[str, str], Decimal]:  # type: ignore[no-untyped-def]
    got: dict[tuple[str, str], Decimal] = {}
    for f in out.facts:
        assert (f.row, f.column) not in got, f"twice: {f.row}/{f.column}"
        got[f.row, f.column] = f.value
    return got


# ------------------------------------------------------------------ coded tables: income

# (key, header as printed); the operating column may carry a 其中 sub-column
_INCOME = [
    ("total", "本年收入合计"),
    ("fiscal", "财政拨款收入"),
    ("upper_subsidy", "上级补助收入"),
    ("operating", "事业收入"),
    ("business", "经营收入"),
    ("affiliate_remit", "附属单位上缴收入"),
    ("other", "其他收入"),
]
_ROWS = [("205", "教育支出"), ("20502", "普通教育"), ("2050201", "学前教育"), ("2050205", "高等教育")]


@st.composite
def income_tables(draw):  # type: ignore[no-untyped-def]
    parts = [k for k, _ in _INCOME if k != "total"]
    printed = draw(st.lists(st.sampled_from(parts), min_size=1, max_size=len(parts), unique=True))
    cols = [("total", "本年收入合计")] + [(k, h) for k, h in _INCOME if k in printed]
    order = draw(st.permutations(cols))
    tuition = "operating" in printed and draw(st.booleans())
    extra = draw(st.sampled_from([None, "调剂收入", "待分配收入"]))
    wrap = draw(st.booleans())
    numbers = draw(st.booleans())
    total_in_name = draw(st.booleans())
    # leaf columns: (key, [header row 0, row 1])
    leaves: list[tuple[str, list[str]]] = []
    for key, text in order:
        if key == "operating" and tuition:
            leaves.append(("operating", [text, "金额"]))
            leaves.append(("extra.其中：教育收费", ["", "其中：教育收费"]))
        elif wrap and len(text) >= 6:
            leaves.append((key, [text[:4], text[4:]]))
        else:
            leaves.append((key, [text, ""]))
    if extra:
        leaves.insert(draw(st.integers(0, len(leaves))), (f"extra.{extra}", [extra, ""]))
    # values: 项 rows random, 款 = Σ项, 类 = Σ款, 合计 = Σ类; row total = Σ parts; blanks for zeros
    amounts = st.sampled_from([Decimal(0), Decimal("1.25"), Decimal("10.00"), Decimal("333.33"), Decimal("12,345.67".replace(",", ""))])
    leaf_rows = {code: {k: draw(amounts) for k, _ in leaves if k != "total"} for code, _ in _ROWS[2:]}
    for vals in leaf_rows.values():
        if "extra.其中：教育收费" in vals:
            vals["extra.其中：教育收费"] = min(vals["extra.其中：教育收费"], vals["operating"])
    def summed(codes):  # type: ignore[no-untyped-def]
        return {k: sum((leaf_rows[c][k] for c in codes), Decimal(0)) for k in leaf_rows[codes[0]]}
    values = dict(leaf_rows)
    values["20502"] = summed(["2050201", "2050205"])
    values["205"] = dict(values["20502"])
    values["total"] = dict(values["205"])
    for vals in values.values():
        vals["total"] = sum((v for k, v in vals.items() if not k.startswith("extra.")), Decimal(0))
    head0 = ["项目", ""] + [h[0] for _, h in leaves]
    head1 = ["科目编码", "科目名称"] + [h[1] for _, h in leaves]
    rows = [head0, head1]
    if numbers:
        rows.append(["栏次", ""] + [str(i + 1) for i in range(len(leaves))])
    expected: dict[tuple[str, str], Decimal] = {}
    for code, name in [("total", "合计"), *_ROWS]:
        vals = values[code]
        cells = [_fmt(vals[k]) if vals[k] != 0 else "" for k, _ in leaves]
        label = (["", "合计"] if total_in_name else ["合计", ""]) if code == "total" else [code, name]
        rows.append(label + cells)
        expected.update({(code, k): vals[k] for k, _ in leaves if vals[k] != 0})
    return rows, expected, [k for k, _ in leaves]


@settings(max_examples=40, deadline=None)
@given(income_tables())
def test_income_columns_from_headers(case) -> None:  # type: ignore[no-untyped-def]
    rows, expected, keys = case
    out = read_coded("income", _grid("收入决算表", rows))
    assert _facts(out) == expected
    assert out.columns == keys  # every printed column, by its header; absent ones absent
    assert not out.warnings


def test_grouped_header_keeps_the_sub_column_as_a_part() -> None:
    rows = [
        ["科目编码", "科目名称", "本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "", "经营收入", "附属单位上缴收入", "其他收入"],
        ["", "", "", "", "", "金额", "其中：教育收费", "", "", ""],
        ["205", "教育支出", "399.00", "220.00", "", "136.00", "73.00", "", "", "43.00"],
        ["", "合计", "399.00", "220.00", "", "136.00", "73.00", "", "", "43.00"],
    ]
    got = _facts(read_coded("income", _grid("收入决算表", rows)))
    assert got[("205", "operating")] == Decimal("136.00")
    assert got[("205", "extra.其中：教育收费")] == Decimal("73.00")
    assert got[("205", "other")] == Decimal("43.00")
    assert ("205", "business") not in got


def test_one_amount_column_prints_only_the_total() -> None:
    rows = [["功能科目编码", "功能科目名称", "金额"], ["", "合计", "30.00"], ["201", "一般公共服务支出", "30.00"]]
    out = read_coded("gpb_expenditure", _grid("一般公共预算支出预算表", rows))
    assert out.columns == ["total"]  # no 基本/项目 columns: nothing to check on them
    assert _facts(out) == {("total", "total"): Decimal("30.00"), ("201", "total"): Decimal("30.00")}


def test_misaligned_header_falls_back_to_the_contract_order() -> None:
    # the header's words sit two columns right of the amounts (a converter's shift)
    rows = [
        ["项目", "", "", "", "本年支出", "", "", ""],
        ["科目代码", "科目名称", "", "", "年初结转和结余", "本年收入", "小计", ""],
        ["2120801", "征地和拆迁补偿支出", "1.00", "5.00", "4.00", "1.00", "3.00", "2.00"],
    ]
    got = _facts(read_coded("gov_fund", _grid("政府性基金预算财政拨款收入支出决算表", rows)))
    assert got[("2120801", "opening_balance")] == Decimal("1.00")
    assert got[("2120801", "expense_total")] == Decimal("4.00")
    assert got[("2120801", "closing_balance")] == Decimal("2.00")


def test_fiscal_expenditure_university_layout() -> None:
    rows = [
        ["项目", "", "", "", "本年支出", "", "", ""],
        ["科目编码", "", "", "科目名称", "合计", "基本支出", "项目支出", ""],
        ["", "", "", "", "", "", "小计", "其中：基本建设资金支出"],
        ["类", "款", "项", "", "", "", "", ""],
        ["", "", "", "合计", "30.00", "20.00", "10.00", "4.00"],
        ["206", "", "", "科学技术支出", "30.00", "20.00", "10.00", "4.00"],
        ["20602", "", "", "基础研究", "30.00", "20.00", "10.00", "4.00"],
        ["2060201", "机构运行", "20.00", "20.00", "", ""],  # continued page: no blank cells
        ["2060204", "实验室及相关设施", "10.00", "", "10.00", "4.00"],
        ["", "合计", "30.00", "20.00", "10.00", "4.00"],
    ]
    out = read_coded("fiscal_expenditure", _grid("财政拨款支出决算表", rows))
    got = _facts_last(out)
    assert out.columns == ["total", "basic", "project", "extra.其中：基本建设资金支出"]
    assert got[("2060201", "basic")] == Decimal("20.00")
    assert got[("2060204", "project")] == Decimal("10.00")
    assert got[("2060204", "extra.其中：基本建设资金支出")] == Decimal("4.00")
    assert got[("total", "total")] == Decimal("30.00")
    assert ("2060201", "project") not in got


def _facts_last(out) -> dict[tuple[str, str], Decimal]:  # type: ignore[no-untyped-def]
    """Facts by key, a key printed twice (合计 at top and bottom) keeping one value."""
    return {(f.row, f.column): f.value for f in out.facts}


def test_header_paths_resolve_merged_and_wrapped_cells() -> None:
    head = [_block(["项目", "", "本年支出", "", "", ""]), _block(["科目代码", "科目名称", "小计", "基本支出", "项目支出", "附属单位"]),
            _block(["栏次", "", "1", "2", "3", "4"]), _block(["", "", "", "", "", "上缴收入"])]
    texts = header_rows(head)
    assert len(texts) == 3  # the 栏次 line names no column
    paths = leaf_paths(texts, 6)
    assert paths[3] == ("本年支出", "基本支出")
    assert paths[5] == ("本年支出", "附属单位", "上缴收入")
    assert column_keys("gpb_expenditure", paths[2:5]) == ["total", "basic", "project"]


# ------------------------------------------------------------------ three_public

_THREE = [("total", "合计"), ("overseas", "因公出国（境）费"), ("reception", "公务接待费")]


@st.composite
def three_public_tables(draw):  # type: ignore[no-untyped-def]
    vals = {k: draw(st.sampled_from([Decimal(0), Decimal("0.54"), Decimal("3.00")])) for k in ("overseas", "vehicle_purchase", "vehicle_operation", "reception")}
    vals["vehicle"] = vals["vehicle_purchase"] + vals["vehicle_operation"]
    vals["total"] = vals["overseas"] + vals["vehicle"] + vals["reception"]
    extras = draw(st.sampled_from([[], ["会议费"], ["会议费", "培训费"]]))
    for e in extras:
        vals[f"extra.{e}"] = Decimal("7.00")
    groups: list[list[tuple[str, list[str]]]] = [  # leaves as (key, path below the top)
        [("total", ["合计", ""])],
        [("overseas", ["因公出国（境）费", ""])],
        [("vehicle", ["公务用车购置及运行维护费", "小计"]), ("vehicle_purchase", ["", "公务用车购置费"]),
         ("vehicle_operation", ["", "公务用车运行维护费"])],
        [("reception", ["公务接待费", ""])],
        *[[(f"extra.{e}", [e, ""])] for e in extras],
    ]
    groups = draw(st.permutations(groups))
    leaves = [leaf for g in groups for leaf in g]
    form = draw(st.sampled_from(["final", "both_top", "both_leaf"]))
    if form == "final":
        rows = [[p[0] for _, p in leaves], [p[1] for _, p in leaves]]
        cols = [(k, "final") for k, _ in leaves]
    elif form == "both_top":  # 预算数 {…} 决算数 {…}
        n = len(leaves)
        rows = [["预算数"] + [""] * (n - 1) + ["决算数"] + [""] * (n - 1),
                [p[0] for _, p in leaves] * 2, [p[1] for _, p in leaves] * 2]
        cols = [(k, "budget") for k, _ in leaves] + [(k, "final") for k, _ in leaves]
    else:  # each leaf split into 预算数 | 决算数
        rows = [sum(([p[0], ""] for _, p in leaves), []), sum(([p[1], ""] for _, p in leaves), []),
                ["预算数", "决算数"] * len(leaves)]
        cols = [(k, c) for k, _ in leaves for c in ("budget", "final")]
    data = [_fmt(vals[k]) if vals[k] != 0 else "" for k, _ in cols]
    rows.append(data)
    expected = {(k, c): vals[k] for k, c in cols if vals[k] != 0}
    return rows, expected


@settings(max_examples=40, deadline=None)
@given(three_public_tables())
def test_three_public_by_header_in_any_order(case) -> None:  # type: ignore[no-untyped-def]
    rows, expected = case
    out = read_three_public("three_public", _grid("财政拨款“三公”经费支出决算表", rows))
    assert out.layout == "horizontal"
    assert _facts(out) == expected


@settings(max_examples=20, deadline=None)
@given(st.permutations(["预算数", "决算数"]), st.permutations(list(range(5))), st.booleans())
def test_three_public_vertical_columns_by_header(cols, order, line_no) -> None:  # type: ignore[no-untyped-def]
    lines = [("total", "合计", "10.00", "9.00"), ("overseas", "1、因公出国（境）费", "", ""),
             ("reception", "2、公务接待费", "4.00", "3.00"), ("vehicle", "3、公务用车购置及运行费", "6.00", "6.00"),
             ("extra.会议费", "会议费", "2.00", "1.00")]
    head = ["项目", *(["行次"] if line_no else []), *cols]
    rows = [head]
    expected = {}
    for i in order:
        key, label, budget, final = lines[i]
        by = {"预算数": budget, "决算数": final}
        rows.append([label, *([str(i + 1)] if line_no else []), *(by[c] for c in cols)])
        for c, col in (("预算数", "budget"), ("决算数", "final")):
            if by[c]:
                expected[key, col] = Decimal(by[c])
    out = read_three_public("three_public", _grid("财政拨款“三公”经费支出决算表", rows))
    assert out.layout == "vertical"
    assert _facts(out) == expected


# ------------------------------------------------------------------ two-sided: 其中 rows, total labels


@settings(max_examples=30, deadline=None)
@given(
    st.sampled_from(["本年收入合计", "收入合计", "当年收入小计"]),
    st.sampled_from(["总计", "收入总计", "合计"]),
    st.sampled_from(["上年结转和结余", "年初结转和结余"]),
    st.booleans(),
)
def test_summary_parts_and_total_labels(total_label, grand_label, opening_label, split) -> None:  # type: ignore[no-untyped-def]
    rows = [["收入", "", "支出", ""], ["项目", "决算数", "项目", "决算数"]]
    if split:
        income = [("一、一般公共预算财政拨款收入", "100.00"), ("二、政府性基金预算财政拨款收入", "5.00")]
    else:
        income = [("一、财政拨款收入", "105.00"), ("其中：政府性基金预算财政拨款", "5.00")]
    income += [("二、事业收入", "20.00"), ("三、其他收入", "3.00"), ("其中：捐赠收入", "1.00"),
               (total_label, "128.00"), (opening_label, "2.00"), (grand_label, "130.00")]
    expense = [("五、教育支出", "120.00"), ("本年支出合计", "120.00"), ("年末结转和结余", "10.00"),
               ("合计" if grand_label == "合计" else "总计", "130.00")]
    for i in range(max(len(income), len(expense))):
        left = list(income[i]) if i < len(income) else ["", ""]
        right = list(expense[i - (len(income) - len(expense))]) if i >= len(income) - len(expense) else ["", ""]
        rows.append(left + right)
    got = _facts(read_two_sided("income_expense_summary", _grid("收入支出决算总表", rows), 2023))
    fiscal = {("income.gpb", "amount"): Decimal("100.00"), ("income.gov_fund", "amount"): Decimal("5.00")} if split else {
        ("income.fiscal", "amount"): Decimal("105.00"), ("income.fiscal.gov_fund", "amount"): Decimal("5.00")}
    assert got == {
        **fiscal,
        ("income.operating", "amount"): Decimal("20.00"),
        ("income.other", "amount"): Decimal("3.00"),
        ("income.other.extra.捐赠收入", "amount"): Decimal("1.00"),
        ("income.total", "amount"): Decimal("128.00"),
        ("income.opening_balance", "amount"): Decimal("2.00"),
        ("income.grand_total", "amount"): Decimal("130.00"),
        ("expense.205", "amount"): Decimal("120.00"),
        ("expense.total", "amount"): Decimal("120.00"),
        ("expense.closing_balance", "amount"): Decimal("10.00"),
        ("expense.grand_total", "amount"): Decimal("130.00"),
    }


def test_sub_columns_without_a_subtotal_are_kept_as_extras() -> None:
    # 基本支出 {人员经费, 公用经费}: no column prints 基本支出 itself, so none may be read as it
    rows = [
        ["项目", "", "本年支出合计", "基本支出", "", "项目支出"],
        ["科目代码", "科目名称", "", "人员经费", "公用经费", ""],
        ["2010101", "行政运行", "9.00", "5.00", "3.00", "1.00"],
    ]
    out = read_coded("expenditure", _grid("支出决算表", rows))
    assert out.columns == ["total", "extra.人员经费", "extra.公用经费", "project"]
    assert _facts(out) == {
        ("2010101", "total"): Decimal("9.00"), ("2010101", "extra.人员经费"): Decimal("5.00"),
        ("2010101", "extra.公用经费"): Decimal("3.00"), ("2010101", "project"): Decimal("1.00"),
    }


def test_line_number_column_is_not_an_amount() -> None:
    rows = [
        ["科目代码", "科目名称", "行次", "合计", "基本支出", "项目支出"],
        ["2010101", "行政运行", "1", "9.00", "5.00", "4.00"],
    ]
    out = read_coded("gpb_expenditure", _grid("一般公共预算财政拨款支出决算表", rows))
    assert out.columns == ["total", "basic", "project"]
    assert _facts(out) == {("2010101", "total"): Decimal("9.00"), ("2010101", "basic"): Decimal("5.00"),
                           ("2010101", "project"): Decimal("4.00")}


def test_three_public_total_including_meetings_is_an_extra() -> None:
    rows = [
        ["合计", "“三公”经费", "", "", "", "", "", "会议费", "培训费"],
        ["", "小计", "因公出国（境）费", "公务用车购置及运行维护费", "", "", "公务接待费", "", ""],
        ["", "", "", "小计", "公务用车购置费", "公务用车运行维护费", "", "", ""],
        ["2,224.43", "660.10", "106.00", "156.60", "", "156.60", "397.50", "1,282.56", "281.77"],
    ]
    got = _facts(read_three_public("three_public", _grid("“三公”经费、会议费、培训费支出预算表", rows)))
    assert got == {
        ("extra.合计", "budget"): Decimal("2224.43"), ("total", "budget"): Decimal("660.10"),
        ("overseas", "budget"): Decimal("106.00"), ("vehicle", "budget"): Decimal("156.60"),
        ("vehicle_operation", "budget"): Decimal("156.60"), ("reception", "budget"): Decimal("397.50"),
        ("extra.会议费", "budget"): Decimal("1282.56"), ("extra.培训费", "budget"): Decimal("281.77"),
    }

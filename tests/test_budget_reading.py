"""Budget tables read into facts under the budget table ids (docs/facts-additions.md, "Budget
tables"): generated grids of every shape, the two corpus budgets read consistently, and final
accounts never getting a budget id."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CORPUS, need_corpus
from juesuan.extract.budget import identify_budget_title, read_budget
from juesuan.extract.identify import identify_title
from juesuan.model import TABLE_IDS, Block, Cell, Grid, Provenance
from juesuan.money import compare
from juesuan.refdata.families import get_family
from juesuan.vocab import column_header, row_name, table_name

P = Provenance(page=1)
SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CENT = Decimal("0.01")
YUAN = Decimal("0.0001")  # 元 → 万元


def _block(texts: list[str]) -> Block:
    return Block("row", [Cell(t, P) for t in texts], P)


def _grid(title: str, rows: list[list[str]], unit: str = "万元", notes: list[str] | None = None) -> Grid:
    return Grid(title, None, unit, [], [_block(r) for r in rows], notes or [], P)


def _fmt(v: Decimal, comma: bool = True) -> str:
    return f"{v:,.2f}" if comma else f"{v:.2f}"


def _facts(out) -> dict[tuple[str, str], Decimal]:  # type: ignore[no-untyped-def]
    return {(f.row, f.column): f.value for f in out.facts}


amounts = st.integers(0, 5_000_000).map(lambda c: Decimal(c) * CENT)

# --------------------------------------------------------------------------- coded tables

CLASSES = {"201": "一般公共服务支出", "204": "公共安全支出", "208": "社会保障和就业支出", "221": "住房保障支出"}
COLUMN_HEADS = {
    "total": "合计",
    "basic": "基本支出",
    "project": "项目支出",
    "reserve": "单位预留机动经费",
    "carry_forward": "结转下年资金",
    "personnel": "人员经费",
    "public": "公用经费",
}
FUNCTION_TABLES = {
    "budget_expenditure": ("basic", "project", "reserve", "carry_forward"),
    "budget_gpb_expenditure": ("basic", "project"),
    "budget_fiscal_expenditure": ("basic", "project"),
    "budget_gov_fund": ("basic", "project"),
    "budget_soe_capital": ("basic", "project"),
}
ECONOMIC_TABLES = {"budget_gpb_basic": ("personnel", "public"), "budget_fiscal_basic": ("personnel", "public")}


@st.composite
def coded_tables(draw):  # type: ignore[no-untyped-def]
    table = draw(st.sampled_from(sorted(FUNCTION_TABLES) + sorted(ECONOMIC_TABLES)))
    economic = table in ECONOMIC_TABLES
    part_keys = (ECONOMIC_TABLES if economic else FUNCTION_TABLES)[table]
    one_column = draw(st.booleans())
    parts = [] if one_column else draw(st.lists(st.sampled_from(part_keys), min_size=2, max_size=len(part_keys), unique=True))
    columns = ["total", *parts]
    columns = draw(st.permutations(columns)) if not one_column else ["total"]
    yuan = draw(st.booleans())
    split_code = draw(st.booleans())  # 类 | 款 | 项 cells, or one code cell
    total_first = draw(st.booleans())
    levels = 2 if economic else 3
    classes = draw(st.lists(st.sampled_from(["301", "302", "303"] if economic else sorted(CLASSES)),
                            min_size=1, max_size=2, unique=True))
    leaves: list[tuple[str, dict[str, Decimal]]] = []  # the lowest-level codes and their part values
    for cls in classes:
        for k in range(1, draw(st.integers(1, 2)) + 1):
            if levels == 2:
                leaves.append((f"{cls}{k:02d}", {p: draw(amounts) for p in parts or ["total"]}))
            else:
                for i in range(1, draw(st.integers(1, 2)) + 1):
                    leaves.append((f"{cls}{k:02d}{i:02d}", {p: draw(amounts) for p in parts or ["total"]}))

    def value(code: str, col: str) -> Decimal:
        rows = [v for c, v in leaves if c.startswith(code)]
        if col == "total":
            return sum((sum(v.values(), Decimal(0)) for v in rows), Decimal(0))
        return sum((v[col] for v in rows), Decimal(0))

    codes: list[str] = []
    for leaf, _ in leaves:
        for n in range(3, len(leaf) + 1, 2):
            if leaf[:n] not in codes:
                codes.append(leaf[:n])
    ncode = levels if split_code else 1
    heads = [COLUMN_HEADS[c] if not one_column else "金额" for c in columns]
    if split_code:
        header = [["科目编码"] + [""] * (ncode - 1) + ["科目名称", *heads],
                  (["类", "款", "项"][:ncode]) + [""] * (1 + len(heads))]
    else:
        header = [["科目编码", "科目名称", *heads]]
    scale = Decimal(10000) if yuan else Decimal(1)

    def cells(code: str) -> list[str]:
        return [_fmt(value(code, c) * scale, comma=not yuan) for c in columns]

    body = []
    for code in codes:
        if split_code:
            pieces = [code[:3], code[3:5], code[5:7]][:ncode]
        else:
            pieces = [code]
        body.append([*pieces, f"名称{code}", *cells(code)])
    total_row = (["合计"] + [""] * ncode if split_code else ["", "合计"]) + [
        _fmt(sum((value(c, col) for c in classes), Decimal(0)) * scale, comma=not yuan) for col in columns]
    body = [total_row, *body] if total_first else [*body, total_row]
    want = {(code, col): value(code, col) for code in codes for col in columns}
    want.update({("total", col): sum((value(c, col) for c in classes), Decimal(0)) for col in columns})
    return table, _grid("表", header + body, "元" if yuan else "万元"), want, columns


@SETTINGS
@given(coded_tables())
def test_coded_budget_tables_read_as_generated(case) -> None:  # type: ignore[no-untyped-def]
    table, grid, want, columns = case
    out = read_budget(table, grid, 2024)
    assert _facts(out) == want
    assert sorted(out.columns or []) == sorted(columns)  # only what was printed


# --------------------------------------------------------------------------- one-row 支出预算总表


@SETTINGS
@given(cols=st.permutations(["total", "basic", "project", "reserve", "carry_forward"]), vals=st.lists(amounts, min_size=5, max_size=5))
def test_one_row_expenditure_summary_by_header(cols, vals) -> None:  # type: ignore[no-untyped-def]
    grid = _grid("支出预算总表", [[COLUMN_HEADS[c] for c in cols], [_fmt(v) for v in vals]])
    out = read_budget("budget_expenditure", grid, 2024)
    assert _facts(out) == {("total", c): v for c, v in zip(cols, vals)}
    assert sorted(out.columns or []) == sorted(cols)


# --------------------------------------------------------------------------- two-sided summaries


@st.composite
def three_group_summaries(draw):  # type: ignore[no-untyped-def]
    gpb, gov, special, other = (draw(amounts) for _ in range(4))
    carry = draw(st.one_of(st.just(None), amounts))
    classes = draw(st.lists(st.sampled_from(sorted(CLASSES)), min_size=1, max_size=3, unique=True))
    income = gpb + gov + special + other
    # split the income over the classes and over 基本/项目/预留
    cuts = sorted(draw(st.lists(st.integers(0, int(income / CENT)), min_size=len(classes) - 1, max_size=len(classes) - 1)))
    bounds = [0, *cuts, int(income / CENT)]
    by_class = [Decimal(bounds[i + 1] - bounds[i]) * CENT for i in range(len(classes))]
    basic = (income / 2).quantize(CENT)
    project = (income / 3).quantize(CENT)
    reserve = income - basic - project
    grand = income + (carry or 0)
    rows = [["收入", "", "支出", "", "", ""], ["项目名称", "金额", "功能分类", "", "支出用途", ""],
            ["", "", "功能科目名称", "金额", "项目名称", "金额"]]
    left = [("一、财政拨款", gpb + gov), ("1.一般公共预算", gpb), ("2.政府性基金预算", gov),
            ("二、财政专户管理资金", special), ("三、其他资金", other)]
    middle = [(f"{'一二三'[i]}、{CLASSES[c]}", by_class[i]) for i, c in enumerate(classes)]
    right = [("一、基本支出", basic), ("二、项目支出", project), ("三、单位预留机动经费", reserve)]
    for i in range(max(len(left), len(middle), len(right))):
        row = []
        for side in (left, middle, right):
            row += [side[i][0], _fmt(side[i][1])] if i < len(side) else ["", ""]
        rows.append(row)
    rows.append(["当年收入小计", _fmt(income), "当年支出小计", "", "", _fmt(income)])
    if carry is not None:
        rows.append(["上年结转资金", _fmt(carry), "结转下年资金", "", "", _fmt(carry)])
    rows.append(["收入合计", _fmt(grand), "支出合计", "", "", _fmt(grand)])
    want = {
        "income.fiscal": gpb + gov, "income.fiscal.gpb": gpb, "income.fiscal.gov_fund": gov,
        "income.fiscal_special": special, "income.other": other,
        **{f"expense.{c}": by_class[i] for i, c in enumerate(classes)},
        "expense.basic": basic, "expense.project": project, "expense.reserve": reserve,
        "income.total": income, "expense.total": income,
        "income.grand_total": grand, "expense.grand_total": grand,
    }
    if carry is not None:
        want.update({"income.carryover": carry, "expense.carry_forward": carry})
    return _grid("收支预算总表", rows), {(k, "amount"): v for k, v in want.items()}


@SETTINGS
@given(three_group_summaries())
def test_three_group_summary_read_as_generated(case) -> None:  # type: ignore[no-untyped-def]
    grid, want = case
    out = read_budget("budget_summary", grid, 2019)
    assert _facts(out) == want
    assert out.columns == ["amount"]


@SETTINGS
@given(vals=st.lists(amounts, min_size=3, max_size=3), yuan=st.booleans())
def test_two_group_summary_single_total_is_the_grand_total(vals, yuan) -> None:  # type: ignore[no-untyped-def]
    gpb, operating, other = vals
    total = gpb + operating + other
    scale = Decimal(10000) if yuan else Decimal(1)
    f = lambda v: _fmt(v * scale)  # noqa: E731
    rows = [["本年收入", "", "本年支出", ""], ["项目", "预算数", "项目", "预算数"],
            ["一、财政拨款收入", f(gpb), "一、公共安全支出", f(total - other)],
            ["1. 一般公共预算", f(gpb), "二、住房保障支出", f(other)],
            ["二、事业收入", f(operating), "", ""], ["三、其他收入", f(other), "", ""],
            ["收入总计", f(total), "支出总计", f(total)]]
    out = read_budget("budget_summary", _grid("2026年部门财务收支预算总表", rows, "元" if yuan else "万元"), 2026)
    assert _facts(out) == {(k, "amount"): v for k, v in {
        "income.fiscal": gpb, "income.fiscal.gpb": gpb, "income.operating": operating, "income.other": other,
        "expense.204": total - other, "expense.221": other, "income.grand_total": total, "expense.grand_total": total,
    }.items()}


@SETTINGS
@given(order=st.permutations(["total", "gpb", "gov_fund", "soe_capital"]), vals=st.lists(amounts, min_size=2, max_size=2))
def test_fiscal_summary_fund_columns_by_header(order, vals) -> None:  # type: ignore[no-untyped-def]
    heads = {"total": "合计", "gpb": "一般公共预算", "gov_fund": "政府性基金预算", "soe_capital": "国有资本经营预算"}
    a, b = vals
    by_col = {"total": a + b, "gpb": a, "gov_fund": b, "soe_capital": Decimal(0)}
    rows = [["财政拨款收入", "", "财政拨款支出", "", "", "", ""],
            ["项目", "预算数", "项目", *(heads[c] for c in order)],
            ["一、一般公共预算", _fmt(a), "一、公共安全支出", *(_fmt(by_col[c]) for c in order)],
            ["二、政府性基金预算", _fmt(b), "", "", "", "", ""],
            ["收入总计", _fmt(a + b), "支出总计", *(_fmt(by_col[c]) for c in order)]]
    out = read_budget("budget_fiscal_summary", _grid("财政拨款收支预算总表", rows), 2026)
    want = {("income.gpb", "amount"): a, ("income.gov_fund", "amount"): b, ("income.grand_total", "amount"): a + b}
    want.update({(r, c): by_col[c] for r in ("expense.204", "expense.grand_total") for c in order})
    assert _facts(out) == want
    assert set(out.columns or []) == {"amount", *order}


@SETTINGS
@given(vals=st.lists(amounts, min_size=4, max_size=4))
def test_vertical_income_list(vals) -> None:  # type: ignore[no-untyped-def]
    grant, special, business, other = vals
    gpb, others = grant + special, business + other
    rows = [["项目名称", "", "金额"], ["收入总计", "", _fmt(gpb + others)],
            ["一般公共预算资金", "小计", _fmt(gpb)], ["", "公共财政拨款(补助)资金", _fmt(grant)],
            ["", "专项收入", _fmt(special)], ["政府性基金", "小计", ""], ["其他资金", "小计", _fmt(others)],
            ["", "事业收入", ""], ["", "经营收入", _fmt(business)], ["", "其他收入", _fmt(other)],
            ["上年结转和结余资金", "小计", ""]]
    out = read_budget("budget_income", _grid("收入预算总表", rows), 2019)
    assert _facts(out) == {(k, "amount"): v for k, v in {
        "income.grand_total": gpb + others, "income.gpb": gpb, "income.gpb.extra.公共财政拨款(补助)资金": grant,
        "income.gpb.extra.专项收入": special, "income.other": others, "income.other.business": business,
        "income.other.extra.其他收入": other,
    }.items()}


# --------------------------------------------------------------------------- 三公


@SETTINGS
@given(meetings=st.booleans(), running=st.booleans(), vals=st.lists(amounts, min_size=6, max_size=6))
def test_three_public_horizontal_budget(meetings, running, vals) -> None:  # type: ignore[no-untyped-def]
    overseas, purchase, operation, reception, meeting, training = vals
    vehicle = purchase + operation
    three = overseas + vehicle + reception
    if meetings:  # 合计 | “三公”经费 {小计 …} | 会议费 | 培训费
        rows = [["合计", "“三公”经费", "", "", "", "", "", "会议费", "培训费"],
                ["", "小计", "因公出国（境）费", "公务用车购置及运行维护费", "", "", "公务接待费", "", ""],
                ["", "", "", "小计", "公务用车购置费", "公务用车运行维护费", "", "", ""],
                [_fmt(three + meeting + training), _fmt(three), _fmt(overseas), _fmt(vehicle), _fmt(purchase),
                 _fmt(operation), _fmt(reception), _fmt(meeting), _fmt(training)]]
        want = {"extra.合计": three + meeting + training, "extra.会议费": meeting, "extra.培训费": training}
    else:  # “三公”经费预算数 {合计, 因公出国, 公务接待费, 公务用车 {小计, 购置费, 运行费}} | 机关运行经费预算数
        rows = [["“三公”经费预算数", "", "", "", "", ""] + (["机关运行经费预算数"] if running else []),
                ["合计", "因公出国(境)费", "公务接待费", "公务用车购置及运行费", "", ""] + ([""] if running else []),
                ["", "", "", "小计", "购置费", "运行费"] + ([""] if running else []),
                [_fmt(three), _fmt(overseas), _fmt(reception), _fmt(vehicle), _fmt(purchase), _fmt(operation)]
                + ([_fmt(meeting)] if running else [])]
        want = {"extra.机关运行经费预算数": meeting} if running else {}
    want.update({"total": three, "overseas": overseas, "vehicle": vehicle, "vehicle_purchase": purchase,
                 "vehicle_operation": operation, "reception": reception})
    out = read_budget("budget_three_public", _grid("“三公”经费预算表", rows), 2026)
    assert _facts(out) == {(k, "budget"): v for k, v in want.items()}


@SETTINGS
@given(prior_first=st.booleans(), vals=st.lists(amounts, min_size=5, max_size=5))
def test_three_public_vertical_with_prior_year(prior_first, vals) -> None:  # type: ignore[no-untyped-def]
    overseas, purchase, operation, reception, p1 = vals
    vehicle = purchase + operation
    now = {"total": overseas + vehicle + reception, "overseas": overseas, "vehicle": vehicle,
           "vehicle_purchase": purchase, "vehicle_operation": operation, "reception": reception}
    prior = {k: v + p1 if k != "total" else v for k, v in now.items()}
    prior["vehicle"] = prior["vehicle_purchase"] + prior["vehicle_operation"]
    prior["total"] = prior["overseas"] + prior["vehicle"] + prior["reception"]
    labels = {"total": "合计", "overseas": "1.因公出国（境）费", "vehicle": "2.公务用车购置及运行维护费",
              "vehicle_purchase": "其中：公务用车购置费", "vehicle_operation": "公务用车运行维护费", "reception": "3.公务接待费"}
    heads = ["上年预算数", "本年预算数"] if prior_first else ["本年预算数", "上年预算数"]
    cols = ["prior_budget", "budget"] if prior_first else ["budget", "prior_budget"]
    src = {"prior_budget": prior, "budget": now}
    rows = [["项目", *heads]] + [[labels[k], *(_fmt(src[c][k]) for c in cols)] for k in now]
    out = read_budget("budget_three_public", _grid("“三公”经费支出预算表", rows), 2024)
    assert _facts(out) == {(k, c): src[c][k] for k in now for c in cols}


@SETTINGS
@given(prior_first=st.booleans(), horizontal=st.booleans(), vals=st.lists(amounts, min_size=8, max_size=8))
def test_three_public_columns_headed_by_year(prior_first, horizontal, vals) -> None:  # type: ignore[no-untyped-def]
    """Central and many provincial budgets head the 三公 value columns by year (2025年预算数 |
    2026年预算数): the document's year is ``budget``, the year before ``prior_budget``."""
    year = 2026
    o1, p1, r1, e1, o2, p2, r2, e2 = vals

    def three(o, p, r, e):  # type: ignore[no-untyped-def]
        return {"total": o + p + r + e, "overseas": o, "vehicle": p + r, "vehicle_purchase": p,
                "vehicle_operation": r, "reception": e}

    src = {"prior_budget": three(o1, p1, r1, e1), "budget": three(o2, p2, r2, e2)}
    cols = ["prior_budget", "budget"] if prior_first else ["budget", "prior_budget"]
    head = {"prior_budget": f"{year - 1}年预算数", "budget": f"{year}年预算数"}
    keys = ["total", "overseas", "vehicle", "vehicle_purchase", "vehicle_operation", "reception"]
    if horizontal:  # {year}年预算数 {合计, 因公出国, 公务用车 {小计, 购置费, 运行费}, 公务接待费} × 2
        rows = [sum(([head[c], "", "", "", "", ""] for c in cols), []),
                ["合计", "因公出国（境）费", "公务用车购置及运行费", "", "", "公务接待费"] * 2,
                ["", "", "小计", "购置费", "运行费", ""] * 2,
                [_fmt(src[c][k]) for c in cols for k in keys]]
    else:
        labels = {"total": "合计", "overseas": "1.因公出国（境）费", "vehicle": "2.公务用车购置及运行费",
                  "vehicle_purchase": "其中：公务用车购置费", "vehicle_operation": "公务用车运行费", "reception": "3.公务接待费"}
        rows = [["项目", *(head[c] for c in cols)]] + [[labels[k], *(_fmt(src[c][k]) for c in cols)] for k in keys]
    out = read_budget("budget_three_public", _grid("一般公共预算“三公”经费支出表", rows), year)
    assert _facts(out) == {(k, c): src[c][k] for k in keys for c in cols}


# --------------------------------------------------------------------------- 政府采购, 绩效目标


@SETTINGS
@given(vals=st.lists(st.lists(amounts, min_size=1, max_size=3), min_size=3, max_size=3), skip=st.sampled_from([None, 0, 1, 2]))
def test_procurement_classes_not_items(vals, skip) -> None:  # type: ignore[no-untyped-def]
    names = [("goods", "一、货物A", "台式计算机"), ("works", "二、工程B", "维修工程"), ("services", "三、服务C", "会议服务")]
    rows = [["采购品目大类", "专项名称", "经济科目", "采购物品名称", "采购组织形式", "总计"]]
    body, want = [], {}
    for n, ((key, label, item), items) in enumerate(zip(names, vals)):
        if n == skip:
            continue
        body.append([label, "", "", "", "", _fmt(sum(items, Decimal(0)))])
        body.append(["", "专项", "办公设备购置", "", "", _fmt(sum(items, Decimal(0)))])
        body += [["", "", "", f"{item}{i}", "分散自行组织", _fmt(v)] for i, v in enumerate(items)]
        want[key, "amount"] = sum(items, Decimal(0))
    total = sum(want.values(), Decimal(0))
    out = read_budget("budget_procurement", _grid("2019年政府采购预算表", rows + [["合计", "", "", "", "", _fmt(total)]] + body), 2019)
    want["total", "amount"] = total
    assert _facts(out) == want


@SETTINGS
@given(vals=st.lists(amounts, min_size=1, max_size=4), blocks=st.booleans())
def test_performance_targets_one_row_per_project(vals, blocks) -> None:  # type: ignore[no-untyped-def]
    if blocks:
        rows = []
        for i, v in enumerate(vals):
            rows += [["项目名称", f"某某项目{i}", "主管部门", "某某局"], ["项目资金（万元）", _fmt(v), "", ""],
                     ["年度目标", "完成某某工作", "", ""], ["产出指标", "数量指标", "培训人次", "≥100人次"]]
    else:
        rows = [["项目名称", "项目资金", "年度目标", "一级指标", "三级指标", "指标值"]]
        for i, v in enumerate(vals):
            rows += [[f"某某项目{i}", _fmt(v), "完成某某工作", "产出指标", "培训人次", "100"],
                     ["", "", "", "效益指标", "满意度", "≥90%"]]
        rows.append(["合计", _fmt(sum(vals, Decimal(0))), "", "", "", ""])
    out = read_budget("budget_performance", _grid("项目支出绩效目标表", rows), 2024)
    want = {(f"project.{i + 1}", "amount"): v for i, v in enumerate(vals)}
    if not blocks:
        want["total", "amount"] = sum(vals, Decimal(0))
    assert _facts(out) == want
    assert [out.row_labels[f"project.{i + 1}"] for i in range(len(vals))] == [f"某某项目{i}" for i in range(len(vals))]


# --------------------------------------------------------------------------- identification and names

TITLES = {
    "收支预算总表": "budget_summary",
    "部门财务收支预算总表": "budget_summary",
    "收入预算总表": "budget_income",
    "部门收入预算表": "budget_income",
    "支出预算总表": "budget_expenditure",
    "财政拨款收支预算总表": "budget_fiscal_summary",
    "财政拨款支出预算表（功能科目）": "budget_fiscal_expenditure",
    "财政拨款基本支出预算表（经济科目）": "budget_fiscal_basic",
    "一般公共预算支出预算表（功能科目）": "budget_gpb_expenditure",
    "一般公共预算支出功能分类预算表": "budget_gpb_expenditure",
    "一般公共预算基本支出预算表（经济科目）": "budget_gpb_basic",
    "一般公共预算基本支出部门预算经济分类预算表": "budget_gpb_basic",
    "财政拨款政府性基金支出预算表": "budget_gov_fund",
    "政府性基金预算支出功能分类预算表": "budget_gov_fund",
    "政府性基金支出预算表": "budget_gov_fund",
    "国有资本经营预算支出功能分类预算表": "budget_soe_capital",
    "“三公”经费、会议费、培训费支出预算表": "budget_three_public",
    "“三公”经费和机关运行经费预算表": "budget_three_public",
    "一般公共预算机关运行经费支出预算表": "budget_running_cost",
    "政府采购预算表": "budget_procurement",
    "项目支出绩效目标表": "budget_performance",
}


@settings(max_examples=40, deadline=None)
@given(title=st.sampled_from(sorted(TITLES)), year=st.sampled_from(["", "2019年", "2026年度"]),
       who=st.sampled_from(["", "部门", "单位", "区级部门"]), space=st.booleans())
def test_budget_titles_identified_and_never_final(title, year, who, space) -> None:  # type: ignore[no-untyped-def]
    printed = f"{year}{who}{title}" if not title.startswith("部门") else f"{year}{title}"
    if space:
        printed = " ".join(printed)
    assert identify_budget_title(printed) == TITLES[title]
    assert identify_title(printed) is None  # a budget table never gets a final-accounts id


def test_final_titles_get_no_budget_id() -> None:
    for t in ("收入支出决算总表", "一般公共预算财政拨款支出决算表", "财政拨款“三公”经费支出决算表", "项目支出绩效自评表",
              "一般公共预算项目支出预算表", "2026年预算情况说明"):
        assert identify_budget_title(t) is None


def test_budget_ids_registered_named_and_in_families() -> None:
    budget_ids = [t for t in TABLE_IDS if t.startswith("budget_")]
    assert len(budget_ids) == 14 and TABLE_IDS.index(budget_ids[0]) > TABLE_IDS.index("gpb_project")
    for t in budget_ids:
        assert table_name(t) != t
    for fam in ("local_budget", "budget_twelve", "budget_nine", "university_budget"):
        f = get_family(fam)
        assert f.kind == "budget" and f.required and set(f.required) <= set(budget_ids)
    assert row_name("budget_income", "income.gpb.extra.专项收入") == "专项收入"
    assert row_name("budget_performance", "project.3") == "项目3"
    assert column_header("budget_expenditure", "reserve") == "单位预留机动经费"


# --------------------------------------------------------------------------- the corpus budgets

BUDGETS = ["jiangsu-cppcc-2019-budget-tables.pdf", "shanghai-putuo-justice-2026-dept-budget.pdf"]


@pytest.fixture(scope="module")
def budget_docs():
    need_corpus()
    from juesuan.pipeline import read_document

    return {n: read_document(CORPUS / "pdf" / n) for n in BUDGETS}


def _ok(printed: Decimal, terms: list[Decimal]) -> bool:
    return compare(printed, [(1, t) for t in terms]).ok


@pytest.mark.parametrize("name", BUDGETS)
def test_corpus_budget_read_consistently(name, budget_docs) -> None:  # type: ignore[no-untyped-def]
    doc = budget_docs[name]
    assert doc.kind == "budget" and doc.family in ("budget_twelve", "budget_nine")
    ids = {t.id for t in doc.tables}
    assert ids >= set(get_family(doc.family).required)  # every printed standard table found
    assert all(f.table.startswith("budget_") for f in doc.facts) and not doc.unreadable
    cells: dict[tuple[str, str, str], Decimal] = {(f.table, f.row, f.column): f.value for f in doc.facts}
    checked = 0
    for t in doc.tables:
        facts = [f for f in doc.facts if f.table == t.id]
        rows = {f.row for f in facts}
        cols = set(t.columns or [])
        for row in rows:  # total = basic + project (+ …) where printed
            parts = [c for c in ("basic", "project", "reserve", "carry_forward", "personnel", "public") if c in cols]
            if "total" in cols and parts and (t.id, row, "total") in cells:
                assert _ok(cells[t.id, row, "total"], [cells.get((t.id, row, p), Decimal(0)) for p in parts]), (t.id, row)
                checked += 1
        codes = sorted(r for r in rows if r.isdigit())
        for col in cols:  # class = Σ 款 = Σ 项, and 合计 = Σ classes
            for parent in codes:
                kids = [cells[t.id, k, col] for k in codes if len(k) == len(parent) + 2 and k.startswith(parent)
                        and (t.id, k, col) in cells]
                if kids and (t.id, parent, col) in cells:
                    assert _ok(cells[t.id, parent, col], kids), (t.id, parent, col)
                    checked += 1
            classes = [cells[t.id, c, col] for c in codes if len(c) == 3 and (t.id, c, col) in cells]
            if classes and (t.id, "total", col) in cells:
                assert _ok(cells[t.id, "total", col], classes), (t.id, col)
    for table in ("budget_summary", "budget_fiscal_summary"):  # income = expenditure
        side = {s: cells.get((table, f"{s}.grand_total", "amount")) or cells.get((table, f"{s}.grand_total", "total"))
                for s in ("income", "expense")}
        assert side["income"] is not None and side["income"] == side["expense"], table
        # the expense side adds up by 功能分类 and by 支出用途, whichever it prints
        col = lambda r: cells.get((table, r, "amount"), cells.get((table, r, "total")))  # noqa: E731
        classes = [v for (tb, r, c), v in cells.items() if tb == table and r[8:].isdigit() and c in ("amount", "total")]
        uses = [v for r in ("expense.basic", "expense.project", "expense.reserve") if (v := col(r)) is not None]
        total = col("expense.total") or side["expense"]
        assert classes or uses
        assert all(_ok(total, group) for group in (classes, uses) if group), table
    assert checked >= 20


def test_final_accounts_get_no_budget_fact(corpus_docs) -> None:  # type: ignore[no-untyped-def]
    for doc in corpus_docs.values():
        assert doc.kind == "final" and doc.facts
        assert not any(f.table.startswith("budget_") for f in doc.facts)
        assert not any(t.id.startswith("budget_") for t in doc.tables)


def test_note_and_structure_identify_a_budget_table_without_its_title() -> None:
    from juesuan.extract.budget import identify_budget

    empty = _grid("", [["功能科目编码", "功能科目名称", "金额"], ["", "合计", ""]], notes=["注：本部门无政府性基金预算财政拨款安排的预算，故本表为空表。"])
    empty.title = None
    assert identify_budget(empty) == "budget_gov_fund"
    lost = Grid(None, None, "万元", [], [_block(["科目编码", "科目名称", "合计", "人员经费", "公用经费"]),
                                       _block(["301", "工资福利支出", "10.00", "10.00", "0.00"])], [], P, fragment=True)
    assert identify_budget(lost) == "budget_gpb_basic"
    assert identify_budget(Grid(None, None, "万元", [], lost.rows, [], P)) is None  # not a fragment: no guess


def test_budget_document_end_to_end_from_text() -> None:
    from juesuan.extract import extract
    from juesuan.ingest.text import blocks_from_text
    from juesuan.layout import build_layout
    from juesuan.model import RawDocument

    lines = ["某某市某某局", "2026年部门预算", "目录", "1. 2026年部门支出预算总表", "2. 2026年部门“三公”经费支出预算表", "",
             "2026年部门支出预算总表", "单位：元",
             "功能分类科目编码\t功能分类科目名称\t基本支出\t合计\t项目支出",
             "201\t一般公共服务支出\t200000.00\t300000.00\t100000.00",
             "20101\t人大事务\t200000.00\t300000.00\t100000.00",
             "合计\t\t200000.00\t300000.00\t100000.00", "",
             "2026年部门“三公”经费支出预算表", "单位：万元",
             "合计\t因公出国（境）费\t公务用车购置及运行维护费\t\t\t公务接待费",
             "\t\t小计\t公务用车购置费\t公务用车运行维护费\t",
             "3.00\t0.00\t2.00\t0.00\t2.00\t1.00", ""]
    raw = RawDocument(source="synthetic", format="text", blocks=blocks_from_text("\n".join(lines) + "\n"))
    doc = extract(build_layout(raw), raw.blocks)
    assert doc.kind == "budget" and doc.year == 2026
    assert [t.id for t in doc.tables] == ["budget_expenditure", "budget_three_public"]
    got = {(f.table, f.row, f.column): f.value for f in doc.facts}
    assert got["budget_expenditure", "201", "total"] == Decimal(30)  # 元 → 万元, columns by header
    assert got["budget_expenditure", "total", "basic"] == Decimal(20)
    assert got["budget_three_public", "vehicle_operation", "budget"] == Decimal(2)
    assert len(doc.toc) == 2


@SETTINGS
@given(prior_first=st.booleans(), vals=st.lists(amounts, min_size=2, max_size=2))
def test_prior_year_column_is_never_the_years_amount(prior_first, vals) -> None:  # type: ignore[no-untyped-def]
    now, before = vals
    heads = ["上年预算数", "本年预算数"] if prior_first else ["本年预算数", "上年预算数"]
    pair = [before, now] if prior_first else [now, before]
    coded = _grid("一般公共预算支出预算表", [["科目编码", "科目名称", *heads], ["201", "一般公共服务支出", *map(_fmt, pair)],
                                        ["", "合计", *map(_fmt, pair)]])
    got = _facts(read_budget("budget_gpb_expenditure", coded, 2024))
    assert got[("201", "total")] == now and got[("201", "extra.上年预算数")] == before
    summary = _grid("收支预算总表", [["项目", *heads, "项目", *heads],
                                   ["一、财政拨款", *map(_fmt, pair), "一、一般公共服务支出", *map(_fmt, pair)],
                                   ["收入总计", *map(_fmt, pair), "支出总计", *map(_fmt, pair)]])
    got = _facts(read_budget("budget_summary", summary, 2024))
    assert got[("income.grand_total", "amount")] == now and got[("expense.201", "amount")] == now
    assert got[("expense.201", "extra.上年预算数")] == before


def test_budget_families_told_apart_by_the_tables_they_print() -> None:
    from juesuan.refdata.families import detect_family

    def family(*tables: str) -> str:
        titles = [get_family("local_budget").titles[t][0] for t in tables]
        return detect_family("budget", tables=set(tables), titles=titles, text=["2026年部门预算"]).id

    eight = get_family("local_budget").required
    assert family(*eight) == "local_budget"
    assert family(*get_family("budget_twelve").required) == "budget_twelve"
    nine = get_family("budget_nine")
    assert detect_family("budget", tables=set(nine.required), titles=["2026年部门财务收支预算总表"]).id == "budget_nine"


@SETTINGS
@given(vals=st.lists(amounts, min_size=4, max_size=4), extra=st.booleans())
def test_national_summary_labels_and_unnamed_lines_kept(vals, extra) -> None:  # type: ignore[no-untyped-def]
    gpb, upper, other, carry = vals
    income = gpb + upper + other + (Decimal(1) if extra else 0)
    rows = [["收入", "", "支出", ""], ["项目", "本年预算", "项目", "本年预算"],
            ["一、一般公共预算拨款收入", _fmt(gpb), "一、一般公共服务支出", _fmt(income)],
            ["二、上级补助收入", _fmt(upper), "", ""], ["三、其他收入", _fmt(other), "", ""]]
    if extra:
        rows.append(["四、用事业基金弥补收支差额", "1.00", "", ""])
    rows += [["本年收入合计", _fmt(income), "本年支出合计", _fmt(income)],
             ["上年结转结余", _fmt(carry), "年终结转结余", _fmt(carry)],
             ["收 入 总 计", _fmt(income + carry), "支 出 总 计", _fmt(income + carry)]]
    got = _facts(read_budget("budget_summary", _grid("部门收支总表", rows), 2024))
    want = {"income.gpb": gpb, "income.upper_subsidy": upper, "income.other": other, "expense.201": income,
            "income.total": income, "expense.total": income, "income.carryover": carry, "expense.carry_forward": carry,
            "income.grand_total": income + carry, "expense.grand_total": income + carry}
    if extra:
        want["income.extra.用事业基金弥补收支差额"] = Decimal(1)
    assert got == {(k, "amount"): v for k, v in want.items()}


def test_basic_expenditure_side_by_side_groups() -> None:
    rows = [["人员经费", "", "", "公用经费", "", ""], ["科目编码", "科目名称", "金额", "科目编码", "科目名称", "金额"],
            ["301", "工资福利支出", "10.00", "302", "商品和服务支出", "5.00"],
            ["30101", "基本工资", "10.00", "30201", "办公费", "5.00"]]
    got = _facts(read_budget("budget_gpb_basic", _grid("一般公共预算基本支出预算表", rows), 2024))
    assert got == {("301", "total"): Decimal(10), ("30101", "total"): Decimal(10),
                   ("302", "total"): Decimal(5), ("30201", "total"): Decimal(5)}


@pytest.mark.parametrize("head", ["机关运行经费支出", "金额", "预算数"])
def test_running_cost_one_amount_column(head) -> None:  # type: ignore[no-untyped-def]
    rows = [["科目编码", "科目名称", head], ["", "合计", "15.00"], ["302", "商品和服务支出", "15.00"],
            ["30201", "办公费", "10.00"], ["30205", "水费", "5.00"]]
    out = read_budget("budget_running_cost", _grid("一般公共预算机关运行经费支出预算表", rows), 2024)
    assert _facts(out) == {("total", "amount"): Decimal(15), ("302", "amount"): Decimal(15),
                           ("30201", "amount"): Decimal(10), ("30205", "amount"): Decimal(5)}
    assert out.columns == ["amount"]


@SETTINGS
@given(vals=st.lists(amounts, min_size=2, max_size=2), budget=st.booleans())
def test_unnamed_empty_column_and_code_in_the_name_cell(vals, budget) -> None:  # type: ignore[no-untyped-def]
    """A borderless page's column finder may leave an empty, unnamed column between the names and
    the amounts, and put a class line's code and name together in the name column: the amounts are
    still read under their headers, and the class line by its code."""
    from juesuan.extract.coded import read_coded

    basic, project = vals
    total = basic + project
    rows = [["", "科目编码科目名称", "", "合计", "基本支出", "项目支出"],
            ["", "合计", "", _fmt(total), _fmt(basic), _fmt(project)],
            ["", "201 一般公共服务支出", "", _fmt(total), _fmt(basic), _fmt(project)],
            ["20101", "人大事务", "", _fmt(total), _fmt(basic), _fmt(project)]]
    if budget:
        out = read_budget("budget_expenditure", _grid("部门支出总表", rows), 2024)
    else:
        out = read_coded("gpb_expenditure", _grid("一般公共预算财政拨款支出决算表", rows))
    want = {(r, c): v for r in ("total", "201", "20101") for c, v in (("total", total), ("basic", basic), ("project", project))}
    assert _facts(out) == want

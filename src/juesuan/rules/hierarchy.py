"""Family HI: classification hierarchy — a parent code equals the sum of its printed children."""

from __future__ import annotations

from typing import Iterator

from .engine import Context, Identity, Rule, ex

LAW_ART5 = "《预算法实施条例》第五条：基本支出包括人员经费和公用经费。"

CODED_TABLES: dict[str, tuple[str, ...]] = {
    "income": ("total", "fiscal", "upper_subsidy", "operating", "business", "affiliate_remit", "other"),
    "expenditure": ("total", "basic", "project", "remit_upper", "business", "affiliate_subsidy"),
    "gpb_expenditure": ("total", "basic", "project"),
    "gov_fund": (
        "opening_balance", "income", "expense_total", "expense_basic", "expense_project", "closing_balance",
    ),
    "soe_capital": ("total", "basic", "project"),
    "fiscal_expenditure": ("total", "basic", "project"),
}

PERSONNEL_CLASSES = ("301", "303")
# 公用经费 per domain.md; 311 (对企业补助（基本建设）) is not part of it
PUBLIC_CLASSES = ("302", "307", "309", "310", "312", "313", "399")

_LEVEL = {3: "类", 5: "款", 7: "项"}


def _parent_sums(ctx: Context, table: str, digits: int, columns: tuple[str, ...]) -> Iterator[Identity]:
    if not ctx.has_data(table):
        return
    for code in ctx.coded_rows(table):
        if len(code) != digits:
            continue
        children = ctx.roots_under(table, code)
        if not children:
            continue
        for col in columns:
            yield Identity((table, code, col), [(1, (table, r, col)) for r in children])


def _class_sums(ctx: Context) -> Iterator[Identity]:
    for table, columns in CODED_TABLES.items():
        yield from _parent_sums(ctx, table, 3, columns)


def _item_sums(ctx: Context) -> Iterator[Identity]:
    for table, columns in CODED_TABLES.items():
        yield from _parent_sums(ctx, table, 5, columns)


def _total_sums(ctx: Context) -> Iterator[Identity]:
    for table, columns in CODED_TABLES.items():
        if not ctx.has_data(table):
            continue
        roots = ctx.roots_under(table, "")
        if not roots or not ctx.has_row(table, "total"):
            continue  # no 合计 row at all: lost in extraction rather than printed as zero
        levels = {_LEVEL.get(len(r), "") for r in roots}
        level = levels.pop() if len(levels) == 1 else "最上"
        for col in columns:
            terms = [(1, (table, r, col)) for r in roots]
            yield Identity((table, "total", col), terms, fields={"level": level}, whole=(table,))


def _basic_class_sums(ctx: Context) -> Iterator[Identity]:
    yield from _parent_sums(ctx, "gpb_basic", 3, ("amount",))


def _classes(ctx: Context, codes: tuple[str, ...]) -> list[tuple[int, tuple[str, str, str]]]:
    return [t for c in codes for t in ctx.class_terms("gpb_basic", c, "amount")]


def _part_total(ctx: Context, row: str, classes: tuple[str, ...]) -> Iterator[Identity]:
    # checks a printed 合计 line against printed codes: templates without the line exist, and a
    # table whose code rows were all lost has nothing to add up
    terms = _classes(ctx, classes)
    if ctx.has_data("gpb_basic") and ctx.has_row("gpb_basic", row) and terms:
        yield Identity(("gpb_basic", row, "amount"), terms)


def _personnel_total(ctx: Context) -> Iterator[Identity]:
    yield from _part_total(ctx, "personnel_total", PERSONNEL_CLASSES)


def _public_total(ctx: Context) -> Iterator[Identity]:
    yield from _part_total(ctx, "public_total", PUBLIC_CLASSES)


_CHILD_MSG = "{table_name}「{row_label}」行{column}：{printed} ≠ 下级科目之和 {expected}（{other}），相差 {difference}"

RULES = [
    Rule(
        id="JS-HI-001",
        title="功能分类类级科目等于所属款级科目之和",
        severity="error",
        family="HI",
        legal_basis="",
        message=_CHILD_MSG,
        doc=(
            "在按支出功能分类列示的表（收入决算表、支出决算表、一般公共预算财政拨款支出决算表、政府性基金表、"
            "国有资本经营预算表）中，每个类级科目（3位编码）的每一列应等于其下列示的款级科目（5位）之和；"
            "某款未列示而直接列示项级科目（7位）时，以项级科目代替。未列示下级科目的类不检查。"
        ),
        check=_class_sums,
        passing=(
            ex("gpb_expenditure/208/total=10.00", "gpb_expenditure/20801/total=6.00",
               "gpb_expenditure/20805/total=4.00"),
        ),
        failing=(
            ex("expenditure/208/basic=10.00", "expenditure/20801/basic=6.00", "expenditure/20805/basic=3.00"),
        ),
    ),
    Rule(
        id="JS-HI-002",
        title="功能分类款级科目等于所属项级科目之和",
        severity="error",
        family="HI",
        legal_basis="",
        message=_CHILD_MSG,
        doc=(
            "在按支出功能分类列示的表中，每个款级科目（5位编码）的每一列应等于其下列示的项级科目（7位）之和。"
            "未列示下级科目的款不检查（是否细化到项见 JS-CP-003）。"
        ),
        check=_item_sums,
        passing=(
            ex("income/20801/fiscal=6.00", "income/2080101/fiscal=5.00", "income/2080199/fiscal=1.00"),
        ),
        failing=(
            ex("gpb_expenditure/20801/project=6.00", "gpb_expenditure/2080101/project=5.00",
               "gpb_expenditure/2080199/project=2.00"),
        ),
    ),
    Rule(
        id="JS-HI-003",
        title="功能分类表合计行等于各最上级科目之和",
        severity="error",
        family="HI",
        legal_basis="",
        message="{table_name}合计行{column}：合计 {printed} ≠ 各{level}级科目之和 {expected}（{other}），相差 {difference}",
        doc=(
            "按支出功能分类列示的表，合计行每一列应等于列示的最上级科目之和：列示了类级科目时为各类之和；"
            "只列示款级或项级科目（如只列项级科目的文件）时为这些科目之和。合计行整行未印出（多为提取丢失）时不检查。"
        ),
        check=_total_sums,
        passing=(
            ex("expenditure/total/total=10.00", "expenditure/2080101/total=7.00",
               "expenditure/2101101/total=3.00", note="只列项级科目"),
        ),
        failing=(
            ex("gpb_expenditure/total/total=10.00", "gpb_expenditure/208/total=7.00",
               "gpb_expenditure/20801/total=7.00", "gpb_expenditure/210/total=2.00"),
        ),
    ),
    Rule(
        id="JS-HI-004",
        title="经济分类类级科目等于所属款级科目之和",
        severity="error",
        family="HI",
        legal_basis=LAW_ART5,
        message="{table_name}「{row_label}」：{printed} ≠ 所属款级科目之和 {expected}（{other}），相差 {difference}",
        doc=(
            "一般公共预算财政拨款基本支出决算表中，每个经济分类类级科目（如 301 工资福利支出）应等于其下"
            "列示的款级科目（301xx）之和。"
        ),
        check=_basic_class_sums,
        passing=(ex("gpb_basic/301/amount=10.00", "gpb_basic/30101/amount=4.00", "gpb_basic/30102/amount=6.00"),),
        failing=(ex("gpb_basic/302/amount=10.00", "gpb_basic/30201/amount=4.00", "gpb_basic/30217/amount=5.00"),),
    ),
    Rule(
        id="JS-HI-005",
        title="人员经费合计等于工资福利支出与对个人和家庭的补助之和",
        severity="error",
        family="HI",
        legal_basis=LAW_ART5,
        message="{table_name}：人员经费合计 {printed} ≠ {other} {expected}，相差 {difference}",
        doc=(
            "一般公共预算财政拨款基本支出决算表中，印刷的人员经费合计应等于 301 工资福利支出与 303 对个人和家庭的"
            "补助之和（未列类级科目时取其款级科目）。"
        ),
        check=_personnel_total,
        passing=(
            ex("gpb_basic/personnel_total/amount=12.00", "gpb_basic/301/amount=10.00",
               "gpb_basic/303/amount=2.00"),
        ),
        failing=(
            ex("gpb_basic/personnel_total/amount=12.00", "gpb_basic/301/amount=10.00",
               "gpb_basic/30301/amount=1.00"),
        ),
    ),
    Rule(
        id="JS-HI-006",
        title="公用经费合计等于各公用经费类级科目之和",
        severity="error",
        family="HI",
        legal_basis=LAW_ART5,
        message="{table_name}：公用经费合计 {printed} ≠ {other} {expected}，相差 {difference}",
        doc=(
            "一般公共预算财政拨款基本支出决算表中，印刷的公用经费合计应等于列示的 302 商品和服务支出、307 债务利息"
            "及费用支出、309 资本性支出（基本建设）、310 资本性支出、312 对企业补助、313 对社会保障基金补助、"
            "399 其他支出之和。"
        ),
        check=_public_total,
        passing=(
            ex("gpb_basic/public_total/amount=5.00", "gpb_basic/302/amount=4.00", "gpb_basic/310/amount=1.00"),
        ),
        failing=(ex("gpb_basic/public_total/amount=5.00", "gpb_basic/302/amount=4.00"),),
    ),
]

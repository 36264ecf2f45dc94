"""Budget identities between tables (JS-BG-020 … JS-BG-025).

A cross-table identity is checked only when both of its sides are printed: a budget table that
prints one amount column has no 基本支出 to compare, and an unprinted total is not a zero. Where a
line may stand for more than one total (本年收入合计 or 收入总计), the reading that holds is taken
(:func:`~.base.choose`).
"""

from __future__ import annotations

from typing import Iterator

from ..engine import Context, Identity, Rule, ex
from .base import (
    BUDGET_KINDS,
    FUNDS,
    LAW_BUDGET,
    LAW_BUDGET_BASIC,
    LAW_BUDGET_NOTES,
    all_printed,
    choose,
    named,
)
from .tables import CLASS_LINE, expense_columns

_B = {"kind": "budget", "year": 2026}
_S, _FS, _E = "budget_summary", "budget_fiscal_summary", "budget_expenditure"
_FUND_TABLES = {"gpb": "budget_gpb_expenditure", "gov_fund": "budget_gov_fund", "soe_capital": "budget_soe_capital"}
_RUNNING = (("budget_running_cost", "total", "amount"), ("budget_three_public", "extra.机关运行经费预算数", "budget"))
_PUBLIC_CLASSES = ("302", "307", "309", "310", "312", "313", "399")


def _pair(ctx: Context, printed, term) -> Identity | None:
    ident = Identity(printed, [(1, term)])
    return named(ctx, ident) if all_printed(ctx, ident.keys()) else None


def _first(ctx: Context, readings) -> Iterator[Identity]:
    chosen = choose(ctx, [r for r in readings if r is not None])
    if chosen is not None:
        yield chosen


def _classes(ctx: Context) -> Iterator[Identity]:
    for line in (r for r in ctx.rows(_S) if CLASS_LINE.match(r)):
        code = line[8:]
        if ctx.has_row(_E, code):
            yield from _first(ctx, [_pair(ctx, (_S, line, "amount"), (_E, code, "total"))])
    cols = expense_columns(ctx, _FS)
    for line in (r for r in ctx.rows(_FS) if CLASS_LINE.match(r)):
        code = line[8:]
        for col in cols:
            tables = ("budget_fiscal_expenditure", "budget_gpb_expenditure") if col in ("total", "amount") else (_FUND_TABLES[col],)
            yield from _first(ctx, [_pair(ctx, (_FS, line, col), (t, code, "total")) for t in tables])


def _totals(ctx: Context) -> Iterator[Identity]:
    inc = "budget_income"
    yield from _first(ctx, [_pair(ctx, (inc, "total", "total"), (_S, r, "amount")) for r in ("income.total", "income.grand_total")])
    yield from _first(ctx, [
        _pair(ctx, (inc, "income.grand_total", "amount"), (_S, r, "amount")) for r in ("income.grand_total", "income.total")
    ])
    yield from _first(ctx, [_pair(ctx, (_E, "total", "total"), (_S, r, "amount")) for r in ("expense.total", "expense.grand_total")])
    for col in ("basic", "project", "reserve", "carry_forward"):
        yield from _first(ctx, [_pair(ctx, (_E, "total", col), (_S, f"expense.{col}", "amount"))])


def _funds(ctx: Context) -> Iterator[Identity]:
    cols = expense_columns(ctx, _FS)
    for fund in FUNDS:
        table = _FUND_TABLES[fund]
        if not ctx.present(table):
            continue
        keys = [(_FS, f"income.{fund}", "amount")]
        if fund in cols:
            keys += [(_FS, r, fund) for r in ("expense.grand_total", "expense.total")]
        for key in keys:
            if not ctx.printed(key):
                continue
            ident = named(ctx, Identity(key, [(1, (table, "total", "total"))]))
            if ctx.printed((table, "total", "total")) or ctx.is_empty(table) or not ctx.has_data(table):
                yield ident
            break


def _basic(ctx: Context) -> Iterator[Identity]:
    yield from _first(ctx, [_pair(ctx, ("budget_gpb_basic", "total", "total"), ("budget_gpb_expenditure", "total", "basic"))])
    fb = ("budget_fiscal_basic", "total", "total")
    yield from _first(ctx, [_pair(ctx, fb, ("budget_fiscal_expenditure", "total", "basic"))])
    yield from _first(ctx, [_pair(ctx, fb, (_FS, "expense.basic", c)) for c in ("amount", "total")])


def _running_within_public(ctx: Context) -> Iterator[Identity]:
    run = next((k for k in _RUNNING if ctx.printed(k)), None)
    if run is None:
        return
    t = "budget_gpb_basic"
    if ctx.printed((t, "total", "public")):
        yield named(ctx, Identity((t, "total", "public"), [(1, run)], op="ge", fields={"public": "公用经费合计"}))
        return
    classes = [c for c in _PUBLIC_CLASSES if ctx.printed((t, c, "total"))]
    if classes:  # Σ public classes ≥ running cost, written as first ≥ running − the others
        first, rest = classes[0], classes[1:]
        terms = [(1, run), *((-1, (t, c, "total")) for c in rest)]
        names = "＋".join(ctx.label(t, c) for c in classes)
        yield named(ctx, Identity((t, first, "total"), terms, op="ge", fields={"public": names}))


def _running_restated(ctx: Context) -> Iterator[Identity]:
    run = ("budget_running_cost", "total", "amount")
    yield from _first(ctx, [_pair(ctx, ("budget_three_public", "extra.机关运行经费预算数", "budget"), run)])


def _rule(rid, title, check, message, doc, passing, failing, law=LAW_BUDGET, severity="error") -> Rule:
    return Rule(
        id=rid, title=title, severity=severity, family="BG", legal_basis=law, message=message, doc=doc,
        check=check, passing=passing, failing=failing, kinds=BUDGET_KINDS,
    )


def _e(*cells: str) -> object:
    return ex(*cells, meta=_B)


_MSG = "{cell} {printed} ≠ {other} {expected}，相差 {difference}"

RULES = [
    _rule(
        "JS-BG-020", "收支预算总表各类支出等于支出预算表对应类级科目", _classes, _MSG,
        "收支预算总表支出方按功能分类列示的各类支出，应等于支出预算表中同一类级科目的合计；财政拨款收支预算总表的各类"
        "支出，应等于财政拨款（或一般公共预算）支出预算表中同一类级科目的合计，分列的政府性基金、国有资本经营预算"
        "各列等于对应支出表的类级科目。两边都印出时才核对。",
        (_e("budget_summary/expense.204/amount=87.27", "budget_expenditure/204/total=87.27"),),
        (_e("budget_summary/expense.204/amount=87.27", "budget_expenditure/204/total=86.27"),),
    ),
    _rule(
        "JS-BG-021", "收入预算表、支出预算表合计等于收支预算总表的收入、支出合计", _totals, _MSG,
        "收入预算表的合计应等于收支预算总表的本年收入合计（或收入总计，按成立的读法）；支出预算表的合计应等于总表的"
        "本年支出合计（或支出总计），其基本支出、项目支出、单位预留机动经费、结转下年资金合计应等于总表支出用途的对应行。",
        (_e("budget_income/total/total=96.28", "budget_summary/income.total/amount=90.00",
            "budget_summary/income.grand_total/amount=96.28"),),
        (_e("budget_expenditure/total/basic=25.74", "budget_summary/expense.basic/amount=25.47"),),
    ),
    _rule(
        "JS-BG-022", "财政拨款收支预算总表各资金性质金额等于对应功能分类预算表合计", _funds, _MSG,
        "财政拨款收支预算总表中的一般公共预算、政府性基金预算、国有资本经营预算（收入行或支出列）应分别等于一般公共预算"
        "支出预算表、政府性基金预算支出表、国有资本经营预算支出表的合计；空表按零核对。",
        (_e("budget_fiscal_summary/income.gpb/amount=13297.11", "budget_gpb_expenditure/total/total=13297.11"),),
        (_e("budget_fiscal_summary/income.gov_fund/amount=5.00", "budget_gov_fund/total/total=4.00"),),
    ),
    _rule(
        "JS-BG-023", "基本支出经济分类预算表合计等于功能分类预算表的基本支出", _basic, _MSG,
        "一般公共预算基本支出（经济分类）预算表的合计应等于一般公共预算支出功能分类预算表的基本支出合计；财政拨款基本"
        "支出预算表的合计应等于财政拨款支出预算表的基本支出合计，及财政拨款收支预算总表的基本支出。",
        (_e("budget_gpb_basic/total/total=2574.17", "budget_gpb_expenditure/total/basic=2574.17"),),
        (_e("budget_fiscal_basic/total/total=6442.75", "budget_fiscal_summary/expense.basic/amount=6422.75"),),
        law=LAW_BUDGET_BASIC,
    ),
    _rule(
        "JS-BG-024", "机关运行经费预算超过基本支出预算表中的公用经费", _running_within_public,
        "机关运行经费 {other} 超过基本支出预算表的{public}：{cell} {printed}，比较值 {expected}，相差 {difference}；"
        "机关运行经费是行政单位和参公事业单位的日常公用经费，不应超过公用经费，请核对",
        "机关运行经费是行政单位和参照公务员法管理的事业单位使用一般公共预算财政拨款安排的基本支出中的日常公用经费，"
        "不应超过一般公共预算基本支出预算表的公用经费（机关运行经费取机关运行经费支出预算表的合计，无该表时取“三公”经费表中的机关运行经费预算数；印有公用经费列时取其合计，否则取 302、310 等公用经费类级科目之和）。"
        "部门含其他事业单位时机关运行经费可小于公用经费，因此只在超过时提示（警告）。",
        (_e("budget_running_cost/total/amount=217.83", "budget_gpb_basic/total/public=217.83"),),
        (_e("budget_running_cost/total/amount=1130.74", "budget_gpb_basic/302/total=1030.74",
            "budget_gpb_basic/310/total=50.00"),),
        law=LAW_BUDGET_NOTES, severity="warning",
    ),
    _rule(
        "JS-BG-025", "机关运行经费预算表合计与“三公”经费表中的机关运行经费不一致", _running_restated, _MSG,
        "文件同时印有一般公共预算机关运行经费支出预算表和列有机关运行经费预算数的“三公”经费表时，两处金额应相同。",
        (_e("budget_three_public/extra.机关运行经费预算数/budget=217.83", "budget_running_cost/total/amount=217.83"),),
        (_e("budget_three_public/extra.机关运行经费预算数/budget=217.83", "budget_running_cost/total/amount=271.83"),),
        law=LAW_BUDGET_NOTES,
    ),
]

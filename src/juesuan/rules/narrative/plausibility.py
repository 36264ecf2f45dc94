"""JS-NR-005: completion rates that can be computed but do not fit their amounts or their words."""

from __future__ import annotations

import re
from decimal import Decimal

from ...money import compare, compare_ratio, half_unit
from ..engine import Context
from ..link import IES, maps_to_table
from .base import (
    Analysis,
    HUNDRED,
    Item,
    ZERO,
    _amount,
    _base,
    _budget_in_sentence,
    _fact_of,
    _in_sentence,
    _line,
    _pct,
    _qual,
    _same_value,
    _stated,
    _terms,
    _value,
    _wan,
    _where,
    subject_name,
)


# --------------------------------------------------------------------------- NR-005 plausibility

_NO_BUDGET = re.compile(
    r"年初(?:未列入|未列|未安排|没有|无)(?:年初)?预算|年初无预算|无年初预算|年初预算(?:数)?(?:为|是)?[0０](?:\.0+)?万?元"
    r"|未(?:列入|纳入)年初预算(?![中内]的)"
)


def _plausibility(ctx: Context, a: Analysis) -> None:
    claims = a.doc.claims
    for i, c in enumerate(claims):
        if c.kind != "completion_pct" or c.unit != "%" or _qual(c.subject) or c.subject.startswith("raw:"):
            continue
        if i in a.linking.partial:
            continue
        fj = _in_sentence(a, i, c.subject, before=True)
        f = _wan(claims[fj]) if fj is not None else None
        bj = _budget_in_sentence(a, i, c.subject)
        b = _wan(claims[bj]) if bj is not None else None
        base = {"where": _where(c), "subject": subject_name(c.subject, a.doc.year), "printed": _pct(c.value)}
        if c.value == 0 and f is not None and f > 0 and b is None:
            least = f * HUNDRED / half_unit(c.value) if half_unit(c.value) else None
            detail = (
                f"当年支出 {_amount(f)} 万元而完成率为 {c.raw}%：完成率四舍五入为 {c.raw}% 意味着年初预算至少 "
                f"{_amount(least)} 万元；若年初未安排预算，应说明而非列示完成率"
            )
            a.items.append(Item("JS-NR-005", "warn", [i, fj], [], {**base, "detail": detail}))
            continue
        if c.value > 0 and (b is None or b == 0) and _NO_BUDGET.search(c.text.replace(" ", "")):
            detail = f"句中说明年初未安排预算，却列示完成年初预算的 {c.raw}%：年初预算为零时完成率无从计算"
            fj_ = _in_sentence(a, i, f"{c.subject}@budget_full")
            if f is not None and fj_ is not None and (full := _wan(claims[fj_])):
                r = compare_ratio(c.value, f, full)
                if r is not None and r.ok:
                    detail += f"（该比率是决算数 {_amount(f)} ÷ 全年预算 {_amount(full)}，应称“完成全年预算的”）"
            a.items.append(Item("JS-NR-005", "warn", [i] + ([fj] if fj is not None else []), [], {**base, "detail": detail}))
            continue
    _mixed_scope(ctx, a)
    _total_vs_items(ctx, a)


def _mixed_scope(ctx: Context, a: Analysis) -> None:
    """A rate whose 预算数 is one subject's budget and whose 决算数 another's (口径不一)."""
    claims = a.doc.claims
    budgets: dict[Decimal, list[int]] = {}
    for j, c in enumerate(claims):
        if c.kind == "amount" and _qual(c.subject).startswith("budget") and not c.subject.startswith(("raw:", "项目:")):
            v = _wan(c)
            if v is not None and v >= 10 and "." in c.raw:
                budgets.setdefault(v, []).append(j)
    if not budgets:
        return
    for i, c in enumerate(claims):
        if c.kind != "completion_pct":
            continue
        bj = _budget_in_sentence(a, i, c.subject)
        fj = _in_sentence(a, i, c.subject, before=True)
        if bj is None or fj is None:
            continue
        b, f = _wan(claims[bj]), _wan(claims[fj])
        if b is None or f is None:
            continue
        own = _fact_of(a, ctx, i, c.subject)
        if own and compare(f, _terms(ctx, own)).ok:
            continue  # the rate's own subject has this final amount: its scope is consistent
        if not own and maps_to_table(c.subject, a.linking.sections[i], a.doc.year or 2024):
            continue  # a subject with a definite scope (the tables are not there to confirm it)
        for j in budgets.get(b, ()):
            other = _base(claims[j].subject)
            if other == c.subject or j == bj:
                continue
            # the other subject's final amount: stated in its sentence, or its cells
            oj = _in_sentence(a, j, other)
            of = _wan(claims[oj]) if oj is not None else None
            keys = _fact_of(a, ctx, j, other) or []
            if of is None and keys:
                of = _value(ctx, keys)
            if of is None or compare(f, [(1, of)]).ok:
                continue
            what = _same_value(ctx, f, [IES, "expenditure", "fiscal_summary"], [], "expense.")
            hint = f"（{f} 与{ctx.cell_name(what)}相同）" if what is not None else ""
            r = compare_ratio(c.value, of, b)
            right = f"；按同一口径应为 {_amount(of)} ÷ {_amount(b)} ＝ {_pct(r.expected)}" if r is not None else ""
            detail = (
                f"预算数 {claims[bj].raw} 万元是「{subject_name(other, a.doc.year)}」的年初预算（{_line(claims[j])}），"
                f"其决算为 {_amount(of)} 万元；而决算数 {claims[fj].raw} 万元{hint}不是同一口径{right}"
            )
            fields = {"where": _where(c), "subject": subject_name(c.subject, a.doc.year), "printed": _pct(c.value),
                      "detail": detail}
            a.items.append(Item("JS-NR-005", "warn", [i, bj, fj, j], keys, fields))
            break


_TOTAL_SECTIONS = {
    "一般公共预算财政拨款支出": {"gpb"},
    "财政拨款支出": {"gpb", "soe", "gov_fund", "fiscal"},
}


def _total_vs_items(ctx: Context, a: Analysis) -> None:
    """An overall rate that the rates of its items cannot give (weighted mean of the items)."""
    claims = a.doc.claims
    for i, c in enumerate(claims):
        if c.kind != "completion_pct" or c.subject not in _TOTAL_SECTIONS or c.value <= 0:
            continue
        sections = _TOTAL_SECTIONS[c.subject]
        fj = _in_sentence(a, i, c.subject, before=True) or _stated(a, i, c.subject)
        total = _wan(claims[fj]) if fj is not None else None
        if total is None:
            keys = _fact_of(a, ctx, i, c.subject)
            total = _value(ctx, keys) if keys else None
        if not total or total <= 0:
            continue
        items: dict[str, tuple[Decimal, Decimal | None]] = {}  # code -> (final, budget or None)
        for j, d in enumerate(claims):
            if a.linking.sections[j] not in sections or not d.subject.startswith("func:") or _qual(d.subject):
                continue
            if j in a.linking.partial:
                continue
            code = d.subject[5:]
            if not code.isdigit() or d.kind not in ("completion_pct", "amount"):
                continue
            if d.kind == "amount":
                continue
            dj = _in_sentence(a, j, d.subject, before=True)
            if dj is None:
                continue
            f = _wan(claims[dj])
            bj = _budget_in_sentence(a, j, d.subject)
            b = _wan(claims[bj]) if bj is not None else None
            if f is None:
                continue
            if b is None and d.value > 0:
                b = f * HUNDRED / d.value
            items[code] = (f, b)
        prefixes = {o[:n] for o in items for n in (3, 5) if len(o) > n}
        codes = [k for k in items if k not in prefixes]
        if len(codes) < 2:
            continue
        f_all = sum((items[k][0] for k in codes), ZERO)
        if abs(f_all - total) > total / 100:
            continue  # the items stated do not cover the total
        known = [k for k in codes if items[k][1] is not None]
        unknown = [k for k in codes if items[k][1] is None]
        f_known = sum((items[k][0] for k in known), ZERO)
        a_known = sum((items[k][1] for k in known), ZERO)  # type: ignore[misc]
        if a_known <= 0:
            continue
        implied = f_known * HUNDRED / a_known
        if abs(implied - c.value) <= max(Decimal(2), c.value / 10):
            continue
        needed = total * HUNDRED / c.value
        detail = (
            f"按总体完成率推算年初预算约 {_amount(needed)} 万元；"
            f"各分项（{len(known)} 项）的决算数与完成率推算的年初预算合计约 {_amount(a_known)} 万元，"
            f"对应的完成率约 {_pct(implied)}"
        )
        if unknown:
            f_u = sum((items[k][0] for k in unknown), ZERO)
            detail += (
                f"；差额约 {_amount(needed - a_known)} 万元只能来自完成率为 0% 的分项"
                f"（{'、'.join(unknown)}，支出合计 {_amount(f_u)} 万元），不合常理"
            )
        fields = {"where": _where(c), "subject": subject_name(c.subject, a.doc.year), "printed": _pct(c.value),
                  "detail": detail}
        a.items.append(Item("JS-NR-005", "warn", [i], [], fields))

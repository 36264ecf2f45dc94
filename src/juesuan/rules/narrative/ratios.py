"""Percentages against the amounts they are computed from: JS-NR-002 shares, JS-NR-003 year-on-year changes, JS-NR-004 budget completion rates."""

from __future__ import annotations

from decimal import Decimal

from ...money import Comparison, compare_ratio, fmt
from ..precision import coarser_places, places_name
from ..engine import Context
from ..link import SANGONG_ROWS
from .base import (
    Analysis,
    Item,
    Key,
    ZERO,
    _add,
    _amount,
    _budget_in_section,
    _budget_in_sentence,
    _completion_ratio,
    _fact_of,
    _first_ok,
    _in_previous_sentence,
    _in_sentence,
    _pct,
    _qual,
    _share_ratio,
    _stated,
    _value,
    _wan,
    _where,
    subject_name,
)


# --------------------------------------------------------------------------- NR-002 shares


def _shares(ctx: Context, a: Analysis) -> None:
    claims = a.doc.claims
    for i, c in enumerate(claims):
        if c.kind != "share" or c.unit != "%" or not c.whole or c.whole.startswith("raw:") or i in a.linking.partial:
            continue
        subject = c.subject
        if _qual(subject) or subject.startswith("raw:"):
            continue
        # part: the amount stated in the sentence, or the subject's cells
        parts: list[tuple[Decimal, list[Key], int | None]] = []
        pj = _in_sentence(a, i, subject, before=True)
        if pj is None:
            pj = _in_sentence(a, i, subject)
        part_keys = _fact_of(a, ctx, i, subject)
        if part_keys:
            pv = _value(ctx, part_keys)
            if pv is not None:
                parts.append((pv, part_keys, None))
        if pj is not None and (pv := _wan(claims[pj])) is not None:
            parts.append((pv, [], pj))
        wholes: list[tuple[Decimal, list[Key], int | None]] = []
        whole_keys = _fact_of(a, ctx, i, c.whole)
        if whole_keys:
            wv = _value(ctx, whole_keys)
            if wv is not None:
                wholes.append((wv, whole_keys, None))
        wj = _stated(a, i, c.whole)
        if wj is not None and (wv := _wan(claims[wj])) is not None:
            wholes.append((wv, [], wj))
        if not parts and wholes and all(w == 0 for w, _, _ in wholes):
            parts.append((Decimal("0.00"), [], None))  # a part of nothing is nothing
        if not parts or not wholes:
            continue
        pairs = [(p, w) for p in parts for w in wholes]
        best = _judge_rate(a, i, pairs, _share_ratio, "占比", lambda p, w: f"{_amount(p)} ÷ {_amount(w)}")
        if best is None:
            continue
        r, keys, others, p, w = best
        if r.outcome == "mismatch":
            a.share_errors.add(i)
        fields = {
            "where": _where(c),
            "subject": subject_name(subject, a.doc.year),
            "whole": subject_name(c.whole, a.doc.year),
            "printed": _pct(r.printed),
            "part": _amount(p),
            "whole_amount": _amount(w),
            "expected": _pct(r.expected),
        }
        fields["note"] = (
            f"{fields['where']}「{fields['subject']}」占{fields['whole']}的 {fields['printed']}，"
            f"按 {fields['part']} ÷ {fields['whole_amount']} 计算为 {fields['expected']}"
        )
        _add(a, "JS-NR-002", r, [i, *others], keys, fields, pct=True)


def _rounded_rate(value: Decimal, pairs: list, judge) -> tuple[int, tuple] | None:
    """(decimals, the candidate that agrees) when the printed percentage, read at fewer decimals
    than printed (90.00 % as 90 %), agrees with one of the (numerator, denominator) ``pairs``."""
    last: list[tuple] = []

    def at(v: Decimal) -> Comparison | None:
        best = _first_ok(pairs, lambda p, w: judge(v, p, w))
        if best is None:
            return None
        last[:] = [best]
        return best[0]

    places = coarser_places(value, at)
    return None if places is None else (places, last[0])


def _judge_rate(a: Analysis, i: int, pairs: list, judge, what: str, detail) -> tuple | None:
    """The best candidate (numerator, denominator) for claim ``i``'s printed percentage, when it
    does not agree: None when one agrees exactly, or when it agrees rounded to fewer decimals than
    printed (then a JS-NR-011 warning is added, ``detail(numerator, denominator)`` its working)."""
    value = a.doc.claims[i].value
    best = _first_ok(pairs, lambda p, w: judge(value, p, w))
    if best is None or best[0].outcome == "exact":
        return None
    if best[0].outcome == "mismatch" and (got := _rounded_rate(value, pairs, judge)) is not None:
        _, _, _, p, w = got[1]
        _rounded_item(a, i, got[0], got[1], what, detail(p, w))
        return None
    return best


def _rounded_item(a: Analysis, i: int, places: int, best: tuple, what: str, detail: str) -> None:
    """JS-NR-011: the rate is right, rounded to ``places`` decimals and printed with more."""
    c = a.doc.claims[i]
    r, keys, others, _, _ = best
    fields = {
        "where": _where(c),
        "subject": subject_name(c.subject, a.doc.year),
        "what": what,
        "printed": f"{c.raw}%",
        "detail": detail,
        "expected": _pct(r.expected),
        "why": f"{what}按{places_name(places)}舍入",
    }
    a.items.append(Item("JS-NR-011", "warn", [i, *others], list(keys), fields, fmt(r.expected, 2),
                        fmt(c.value, 2), fmt(c.value - r.expected, 2)))


# --------------------------------------------------------------------------- NR-003 changes


def _changes(ctx: Context, a: Analysis) -> None:
    claims = a.doc.claims
    for i, c in enumerate(claims):
        if c.kind != "change_pct" or c.unit != "%" or c.direction not in ("increase", "decrease") or i in a.linking.partial:
            continue
        subject = c.subject
        if _qual(subject) or subject.startswith("raw:"):
            continue
        j = _in_sentence(a, i, subject, kind="change_amount", before=True)
        if j is None:
            j = _in_previous_sentence(a, i, subject, "change_amount")
        if j is None:
            continue
        x = claims[j]
        if x.direction not in ("increase", "decrease") or x.unit not in ("万元", "元", "亿元"):
            continue
        xv = _wan(x)
        if xv is None:
            continue
        if x.direction != c.direction:
            fields = {
                "where": _where(c),
                "subject": subject_name(subject, a.doc.year),
                "change": f"{'增加' if x.direction == 'increase' else '减少'} {x.raw} 万元",
                "printed": f"{'增长' if c.direction == 'increase' else '下降'} {c.raw}%",
                "expected": "",
                "current": "",
                "prior": "",
                "detail": "增减方向相反",
            }
            a.items.append(Item("JS-NR-003", "mismatch", [i, j], [], fields))
            continue
        currents: list[tuple[Decimal, list[Key], int | None]] = []
        cj = _in_sentence(a, i, subject, before=True)
        if cj is None:
            cj = _stated(a, i, subject)
        if cj is not None and (cv := _wan(claims[cj])) is not None:
            currents.append((cv, [], cj))
        keys = _fact_of(a, ctx, i, subject)
        if keys and (fv := _value(ctx, keys)) is not None:
            currents.append((fv, keys, None))
        xc = (xv, [], j)
        pairs = [(xc, cur) for cur in currents]
        change = "增加" if x.direction == "increase" else "减少"

        def working(xv2: Decimal, cur2: Decimal) -> str:
            prior2 = cur2 - xv2 if c.direction == "increase" else cur2 + xv2
            return f"{change} {x.raw} 万元、本年 {_amount(cur2)} 万元（推算上年 {_amount(prior2)} 万元）"

        best = _judge_rate(
            a, i, pairs,
            lambda v, p, w: compare_ratio(v, p, w, change=c.direction),  # type: ignore[arg-type]
            "增减幅度", working,
        )
        if best is None:
            continue
        r, ks, others, xv, cur = best
        prior = cur - xv if c.direction == "increase" else cur + xv
        fields = {
            "where": _where(c),
            "subject": subject_name(subject, a.doc.year),
            "change": f"{'增加' if x.direction == 'increase' else '减少'} {x.raw} 万元",
            "printed": f"{'增长' if c.direction == 'increase' else '下降'} {c.raw}%",
            "expected": _pct(r.expected),
            "current": _amount(cur),
            "prior": _amount(prior),
            "detail": f"本年 {_amount(cur)} 万元，推算上年 {_amount(prior)} 万元，"
            f"增减幅度应为 {_pct(r.expected)}",
        }
        fields["note"] = (
            f"{fields['where']}「{fields['subject']}」{fields['change']}、{fields['printed']}，"
            f"按本年 {fields['current']} 万元推算为 {fields['expected']}"
        )
        _add(a, "JS-NR-003", r, [i, *others], ks, fields, pct=True)



def _completion(ctx: Context, a: Analysis) -> None:
    claims = a.doc.claims
    for i, c in enumerate(claims):
        if c.kind != "completion_pct" or c.unit != "%" or i in a.linking.partial:
            continue
        subject = c.subject
        if _qual(subject) or subject.startswith("raw:"):
            continue
        fj = _in_sentence(a, i, subject, before=True)
        if fj is None:
            fj = _in_sentence(a, i, subject)
        finals: list[tuple[Decimal, list[Key], int | None]] = []
        if fj is not None and (fv := _wan(claims[fj])) is not None:
            finals.append((fv, [], fj))
        budgets: list[tuple[Decimal, list[Key], int | None]] = []
        bj = _budget_in_sentence(a, i, subject)
        if bj is not None and (bv := _wan(claims[bj])) is not None:
            budgets.append((bv, [], bj))
        if not budgets:
            bj = _budget_in_section(a, i, subject)
            if bj is not None and (bv := _wan(claims[bj])) is not None:
                budgets.append((bv, [], bj))
        if subject in SANGONG_ROWS:
            row = SANGONG_ROWS[subject]
            a.read.update((("three_public", row, "final"), ("three_public", row, "budget")))
            if not finals and ctx.present("three_public"):
                finals.append((_value(ctx, [("three_public", row, "final")]) or ZERO, [("three_public", row, "final")], None))
            if not budgets and ctx.present("three_public") and (
                ctx.printed(("three_public", row, "budget")) or not ctx.is_fragment("three_public")
            ):
                # a blank budget cell of the table is a zero (facts contract)
                key = ("three_public", row, "budget")
                budgets.append((_value(ctx, [key]) or Decimal("0.00"), [key], None))
        if not finals:
            keys = _fact_of(a, ctx, i, subject)
            if keys and budgets and (fv := _value(ctx, keys)) is not None:
                finals.append((fv, keys, None))
        if not finals and budgets:
            sj = _stated(a, i, subject)  # stated earlier in the section (… 0.54 万元。完成预算的 …)
            if sj is not None and (fv := _wan(claims[sj])) is not None:
                finals.append((fv, [], sj))
        if not finals or not budgets:
            continue
        pairs = [(f, b) for f in finals for b in budgets]
        best = _judge_rate(a, i, pairs, _completion_ratio, "完成率",
                           lambda f, b: f"决算数 {_amount(f)} ÷ 预算数 {_amount(b)}")
        if best is None:
            continue
        r, keys, others, f, b = best
        fields = {
            "where": _where(c),
            "subject": subject_name(subject, a.doc.year),
            "printed": _pct(r.printed),
            "final": _amount(f),
            "budget": _amount(b),
            "expected": _pct(r.expected),
        }
        fields["note"] = (
            f"{fields['where']}「{fields['subject']}」完成预算的 {fields['printed']}，"
            f"按 {fields['final']} ÷ {fields['budget']} 计算为 {fields['expected']}"
        )
        _add(a, "JS-NR-004", r, [i, *others], keys, fields, pct=True)

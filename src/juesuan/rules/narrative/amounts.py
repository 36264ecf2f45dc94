"""Amounts the narrative states against the tables: JS-NR-001 (a figure and its cell), JS-NR-008 (the 财政拨款 基本/项目 split) and JS-NR-007 (机关运行经费 ≤ 公用经费)."""

from __future__ import annotations

from decimal import Decimal

from ...money import Comparison, compare, compare_ge, fmt
from ..engine import Context
from ..link import IES
from ..names import table_name
from .base import (
    Analysis,
    Item,
    Key,
    ZERO,
    _FUND_SPLIT,
    _amount,
    _cell_names,
    _line,
    _same_value,
    _stated,
    _terms,
    _wan,
    _where,
    subject_name,
)


# --------------------------------------------------------------------------- NR-001 amounts


def _term_unprinted(ctx: Context, subject: str, keys: list[Key]) -> bool:
    """Whether the cells a narrative total was linked to print a row name other than its term
    (收入总计 against a row printed 合计).

    Only for the document-level totals (收入总计, 支出总计 …) whose meaning differs between template
    families; a named subject (一般公共服务支出) always has its own row.
    """
    if not subject.endswith(("总计", "合计")):
        return False
    for table, row, _column in keys:
        info = ctx.infos.get(table)
        label = (info.row_labels.get(row, "") if info else "").replace(" ", "")
        if not label or subject in label or subject[-2:] in label:
            return False  # 支出总计 against a row printed 总计 is the same term
    return True


def _amounts(ctx: Context, a: Analysis) -> None:
    claims = a.doc.claims
    for i, keys in a.linking.terms.items():
        c = claims[i]
        if c.subject in _FUND_SPLIT and len(keys) > 1:
            continue  # NR-008
        terms = _terms(ctx, keys)
        if c.kind == "count":
            if sum(t for _, t in terms) == c.value:
                continue
            result = compare(c.value, terms, unit=ZERO)
            places = 0
        else:
            v = _wan(c)
            if v is None or sum(t for _, t in terms) == v:
                continue  # the common case: the very figure of the table
            result = compare(v, terms)
            places = 2
        if result.outcome == "exact":
            continue
        hint = ""
        if result.outcome == "mismatch":
            a.amount_errors.add(i)
            tables = list(dict.fromkeys([*(k[0] for k in keys), IES, "expenditure", "fiscal_summary", "gpb_expenditure"]))
            side = keys[0][1].split(".")[0] + "." if "." in keys[0][1] else ""
            other = _same_value(ctx, result.printed, tables, keys, side)
            if other is not None and _term_unprinted(ctx, c.subject, keys):
                # the table never prints the narrative's term (a family that labels its grand total
                # 合计 and its year's total 本年收入合计): the reading that matches a printed total is it
                continue
            if other is not None:
                hint = f"；该数与{ctx.cell_name(other)}相同，可能是口径或名称有误"
        unit = c.unit if c.kind == "count" else "万元"
        fields = {
            "where": _where(c),
            "subject": subject_name(c.subject, a.doc.year),
            "printed": fmt(result.printed, places) if places else str(c.value),
            "unit": unit,
            "cell": _cell_names(ctx, keys),
            "expected": fmt(result.expected, places),
            "difference": fmt(result.difference, places),
            "tolerance": fmt(result.tolerance, 3),
            "hint": hint,
        }
        fields["note"] = (
            f"{fields['where']}「{fields['subject']}」{fields['printed']} {unit}，{fields['cell']}为 {fields['expected']}"
        )
        prev = a.items[-1] if a.items else None
        if (
            prev is not None
            and prev.rule == "JS-NR-001"
            and prev.outcome == result.outcome
            and a.sentence[prev.claims[-1]] == a.sentence[i]
            and claims[prev.claims[-1]].raw == c.raw
            and claims[prev.claims[-1]].kind == c.kind
            and prev.claims[-1] == i - 1
        ):
            # one printed number read as two subjects (收、支总计均为 …): one finding
            prev.claims.append(i)
            prev.keys.extend(keys)
            prev.fields["subject"] += "、" + fields["subject"]
            if fields["cell"] not in prev.fields["cell"].split("、"):
                prev.fields["cell"] += "、" + fields["cell"]
            if prev.fields["expected"] != fields["expected"]:
                prev.fields["expected"] += "、" + fields["expected"]
            continue
        a.items.append(
            Item("JS-NR-001", result.outcome, [i], list(keys), fields, fmt(result.expected, places),
                 fmt(result.printed, places), fmt(result.difference, places))
        )


# --------------------------------------------------------------------------- NR-008 基本/项目 split


def _fund_split(ctx: Context, a: Analysis) -> None:
    claims = a.doc.claims
    by_sentence: dict[int, list[tuple[int, Comparison, list[Key]]]] = {}
    for i, keys in a.linking.terms.items():
        c = claims[i]
        if c.subject not in _FUND_SPLIT or len(keys) < 2 or c.kind != "amount":
            continue
        v = _wan(c)
        if v is None:
            continue
        result = compare(v, _terms(ctx, keys))
        if result.outcome != "exact":
            by_sentence.setdefault(a.sentence[i], []).append((i, result, keys))
    for group in by_sentence.values():
        bad = [g for g in group if g[1].outcome == "mismatch"]
        for outcome, chosen in (("mismatch", bad), ("rounding", [g for g in group if g[1].outcome == "rounding"])):
            if not chosen:
                continue
            parts = []
            for i, result, keys in chosen:
                c = claims[i]
                terms = "＋".join(
                    f"{table_name(k[0])} {_amount(ctx.amount(k) or Decimal('0.00'))}" for k in keys
                )
                parts.append(
                    f"{subject_name(c.subject)} {c.raw} 万元，按分资金表为 {terms} ＝ {_amount(result.expected)}"
                )
            hint = ""
            if len(bad) == 2 and outcome == "mismatch":
                s = bad[0][1].difference + bad[1][1].difference
                if abs(s) <= bad[0][1].tolerance + bad[1][1].tolerance:
                    hint = "；两者之和与表一致，差额在基本支出与项目支出之间划分不同"
            i0, r0, _ = chosen[0]
            keys_all = [k for _, _, ks in chosen for k in ks]
            fields = {
                "where": _where(claims[i0]),
                "detail": "；".join(parts),
                "hint": hint,
                "printed": _amount(r0.printed),
                "expected": _amount(r0.expected),
                "difference": fmt(r0.difference, 2),
                "tolerance": fmt(r0.tolerance, 3),
            }
            fields["note"] = f"{fields['where']}{fields['detail']}"
            a.items.append(
                Item("JS-NR-008", outcome, [i for i, _, _ in chosen], keys_all, fields, fmt(r0.expected, 2),
                     fmt(r0.printed, 2), fmt(r0.difference, 2))
            )

# --------------------------------------------------------------------------- NR-007 机关运行经费


def _running_cost(ctx: Context, a: Analysis) -> None:
    claims = a.doc.claims
    for i, c in enumerate(claims):
        if c.subject != "机关运行经费" or c.kind != "amount":
            continue
        v = _wan(c)
        if v is None:
            continue
        cands: list[tuple[Decimal, list[Key], int | None]] = []
        key = ("gpb_basic", "public_total", "amount")
        a.read.add(key)
        if ctx.printed(key):
            cands.append((ctx.amount(key) or ZERO, [key], None))
        j = _stated(a, i, "公用经费")
        if j is None:
            j = next((k for k, d in enumerate(claims) if d.subject == "公用经费" and d.kind == "amount"), None)
        if j is not None and (pv := _wan(claims[j])) is not None:
            cands.append((pv, [], j))
        for pv, keys, pj in cands:
            r = compare_ge(pv, v)
            if r.outcome == "exact":
                break
            if r.outcome == "mismatch":
                fields = {
                    "where": _where(c),
                    "printed": _amount(v),
                    "public": _amount(pv),
                    "source": _cell_names(ctx, keys) if keys else f"情况说明{_line(claims[pj])}所列公用经费",  # type: ignore[index]
                    "expected": _amount(pv),
                    "difference": fmt(v - pv, 2),
                }
                a.items.append(Item("JS-NR-007", "mismatch", [i] + ([pj] if pj is not None else []), keys, fields,
                                    fmt(pv, 2), fmt(v, 2), fmt(v - pv, 2)))
                break

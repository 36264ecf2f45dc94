"""JS-NR-006: the parts the narrative lists add up to the total it states; shares of one whole to 100 %."""

from __future__ import annotations

from decimal import Decimal

from ...money import Comparison, compare, fmt, half_unit
from ..engine import Context
from .base import Analysis, HUNDRED, Item, ZERO, _qual, _wan, _where, subject_name


# --------------------------------------------------------------------------- NR-006 sums

_DECOMPOSITIONS: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    (
        "收入总计",
        ("财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入",
         "使用非财政拨款结余", "年初结转和结余"),
        True,
    ),
    ("本年收入合计", ("财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"), True),
    ("财政拨款收入", ("一般公共预算财政拨款收入", "政府性基金预算财政拨款收入", "国有资本经营预算财政拨款收入"), True),
    ("本年支出合计", ("基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"), True),
    ("支出总计", ("本年支出合计", "结余分配", "年末结转和结余"), True),
    ("财政拨款支出", ("财政拨款.基本支出", "财政拨款.项目支出"), True),
    ("一般公共预算财政拨款支出", ("一般公共预算财政拨款.基本支出", "一般公共预算财政拨款.项目支出"), True),
    ("一般公共预算财政拨款.基本支出", ("人员经费", "公用经费"), True),
    ("财政拨款.基本支出", ("人员经费", "公用经费"), True),
    ("三公.合计", ("三公.因公出国（境）费", "三公.公务用车购置及运行维护费", "三公.公务接待费"), True),
    ("三公.公务用车购置及运行维护费", ("三公.公务用车购置费", "三公.公务用车运行维护费"), True),
    ("三公.公务接待费", ("三公.公务接待费.国内", "三公.公务接待费.外事"), True),
    ("政府采购.总额", ("政府采购.货物", "政府采购.工程", "政府采购.服务"), True),
    ("政府采购.中小企业", ("政府采购.小微企业",), False),
    (
        "车辆.合计",
        tuple(f"车辆.{k}" for k in ("副部(省)级及以上领导用车", "主要负责人用车", "机要通信用车", "应急保障用车",
                                    "执法执勤用车", "特种专业技术用车", "离退休干部服务用车", "其他用车")),
        True,
    ),
)
_PERSONNEL_CLASSES = ("301", "303")
_QUALIFIED_DECOMPOSITIONS = tuple(
    (whole + q, tuple(p + q for p in parts), exhaustive)
    for q in ("", "@budget", "@budget_full")
    for whole, parts, exhaustive in _DECOMPOSITIONS
)
_NOT_ECONOMIC = ("func:", "raw:", "项目:", "三公.", "车辆.", "政府采购.", "绩效.", "设备.")


def _scope_values(a: Analysis, idx: list[int]) -> dict[str, tuple[Decimal, int]]:
    """subject (with qualifier) → (value, first claim) for amounts/counts stated once (or always
    alike) in a scope; a subject stated with different values is left out (ambiguous)."""
    out: dict[str, tuple[Decimal, int]] = {}
    bad: set[str] = set()
    for j in idx:
        c = a.doc.claims[j]
        if c.kind not in ("amount", "count") or c.subject.startswith("raw:") or j in a.linking.partial:
            continue
        v = _wan(c) if c.kind == "amount" else c.value
        if v is None:
            continue
        prev = out.get(c.subject)
        if prev is None:
            out[c.subject] = (v, j)
        elif prev[0] != v:
            bad.add(c.subject)
    for s in bad:
        out.pop(s, None)
    return out


def _sums(ctx: Context, a: Analysis) -> None:
    claims = a.doc.claims
    by_region: dict[int, list[int]] = {}
    by_section: dict[str, list[int]] = {}
    for i in range(len(claims)):
        by_region.setdefault(a.linking.regions[i], []).append(i)
        by_section.setdefault(a.linking.sections[i], []).append(i)
    seen: set[tuple] = set()
    for region, idx in by_region.items():
        if len(idx) < 2:
            continue
        values = _scope_values(a, idx)
        if len(values) >= 2:
            for whole, parts, exhaustive in _QUALIFIED_DECOMPOSITIONS:
                if whole not in values:
                    continue
                stated = [p for p in parts if p in values]
                if stated:
                    _sum_item(ctx, a, values, whole, stated, exhaustive and len(stated) == len(parts), seen)
            _econ_sums(ctx, a, values, seen)
        _share_sums(ctx, a, idx, values)
    for section, idx in by_section.items():
        if not any(claims[j].subject.startswith("func:") for j in idx):
            continue
        values = _scope_values(a, idx)
        for q in ("", "@budget", "@budget_full"):
            _func_sums(ctx, a, values, q, seen)


def _sum_item(ctx: Context, a: Analysis, values: dict[str, tuple[Decimal, int]], whole: str, parts: list[str],
              equal: bool, seen: set[tuple]) -> None:
    wv, wi = values[whole]
    involved = [wi] + [values[p][1] for p in parts]
    key = (wi, tuple(sorted(values[p][1] for p in parts)))
    if key in seen:
        return
    seen.add(key)
    if any(j in a.amount_errors for j in involved):
        return  # the wrong number is reported where it is printed (JS-NR-001)
    count = a.doc.claims[wi].kind == "count"
    terms = [(1, values[p][0]) for p in parts]
    total = sum(t for _, t in terms)
    if total == wv or (not equal and wv > total):
        return
    unit = ZERO if count else None
    r = compare(wv, terms, unit=unit)
    if not equal and r.difference >= 0:
        return  # a total not smaller than the items listed (主要包括 … lists need not be complete)
    if r.outcome == "exact":
        return
    c = a.doc.claims[wi]
    places = 0 if count else 2
    fields = {
        "where": _where(c),
        "whole": subject_name(whole, a.doc.year),
        "printed": fmt(wv, places),
        "parts": "＋".join(f"{subject_name(p, a.doc.year)} {a.doc.claims[values[p][1]].raw}" for p in parts),
        "expected": fmt(r.expected, places),
        "relation": "等于" if equal else "不小于",
        "difference": fmt(r.difference, places),
        "tolerance": fmt(r.tolerance, 3),
    }
    fields["note"] = f"{fields['where']}「{fields['whole']}」{fields['printed']}，所列分项之和为 {fields['expected']}"
    a.items.append(Item("JS-NR-006", r.outcome, involved, [], fields, fmt(r.expected, places),
                        fmt(r.printed, places), fmt(r.difference, places)))


def _econ_sums(ctx: Context, a: Analysis, values: dict[str, tuple[Decimal, int]], seen: set[tuple]) -> None:
    """Items listed under an amount: ``X/办公费`` under X; 经济分类 items under 人员经费/公用经费."""
    from ..link import _economic_code

    under: dict[str, list[str]] = {}
    for s in values:
        if "/" in s and not s.startswith(("raw:", "项目:")):
            head = s.rsplit("/", 1)[0]
            if head in values:
                under.setdefault(head, []).append(s)
        elif "@" not in s and not s.startswith(_NOT_ECONOMIC):
            code = _economic_code(s, a.doc.year or 2024)
            if code is None or len(code) != 5:
                continue
            head = "人员经费" if code[:3] in _PERSONNEL_CLASSES else "公用经费"
            if head in values:
                under.setdefault(head, []).append(s)
    for head, parts in under.items():
        _sum_item(ctx, a, values, head, parts, False, seen)


def _func_sums(ctx: Context, a: Analysis, values: dict[str, tuple[Decimal, int]], q: str, seen: set[tuple]) -> None:
    codes = [s[5:].partition("@")[0] for s in values if s.startswith("func:") and _qual(s) == q[1:] and "/" not in s]
    codes = [c for c in codes if c.isdigit()]
    if not codes:
        return
    children: dict[str, list[str]] = {}
    tops: list[str] = []
    for code in codes:
        parent = next((code[:n] for n in range(len(code) - 1, 2, -1) if code[:n] in codes), None)
        if parent is None:
            tops.append(code)
        else:
            children.setdefault(parent, []).append(code)
    for parent, kids in children.items():
        _sum_item(ctx, a, values, f"func:{parent}{q}", [f"func:{k}{q}" for k in kids], False, seen)
    for total in ("一般公共预算财政拨款支出", "国有资本经营预算财政拨款支出", "政府性基金预算财政拨款支出"):
        if total + q in values and tops:
            kids = [f"func:{k}{q}" for k in tops]
            _sum_item(ctx, a, values, total + q, kids, False, seen)
            break


def _share_sums(ctx: Context, a: Analysis, idx: list[int], values: dict[str, tuple[Decimal, int]]) -> None:
    """Shares of one whole in one region: Σ ≤ 100 %, = 100 % when the parts' amounts make the whole."""
    claims = a.doc.claims
    groups: dict[str, list[int]] = {}
    for j in idx:
        c = claims[j]
        if c.kind == "share" and c.unit == "%" and c.whole and not c.subject.startswith("raw:"):
            groups.setdefault(c.whole, [])
            if all(claims[k].subject != c.subject for k in groups[c.whole]):
                groups[c.whole].append(j)
    for whole, js in groups.items():
        if len(js) < 2:
            continue
        subjects = {claims[j].subject for j in js}
        nested = {p for w, parts, _ in _DECOMPOSITIONS if w in subjects for p in parts}
        js = [j for j in js if claims[j].subject not in nested]
        if len(js) < 2:
            continue
        if any(j in a.amount_errors or j in a.share_errors for j in js):
            continue  # a wrong share is reported where it is printed (JS-NR-002)
        total = sum((claims[j].value for j in js), ZERO)
        tol = sum((half_unit(claims[j].value) for j in js), ZERO)
        amounts = [values.get(claims[j].subject) for j in js]
        if (whole in values and values[whole][0] == 0) or (
            amounts and all(x is not None and x[0] == 0 for x in amounts)
        ):
            continue  # shares of nothing (the whole, or every part, is 0): not checked
        exhaustive = False
        if whole in values and all(x is not None for x in amounts):
            r = compare(values[whole][0], [(1, x[0]) for x in amounts])  # type: ignore[index]
            exhaustive = r.ok
        if exhaustive:
            r = compare(total, [(1, HUNDRED)], unit=None)
            r = Comparison(
                "exact" if total == HUNDRED else ("rounding" if abs(total - HUNDRED) <= tol else "mismatch"),
                HUNDRED, total, total - HUNDRED, tol,
            )
        else:
            if total <= HUNDRED:
                continue
            r = Comparison("rounding" if total - HUNDRED <= tol else "mismatch", HUNDRED, total, total - HUNDRED, tol)
        if r.outcome == "exact":
            continue
        c = claims[js[0]]
        fields = {
            "where": _where(c),
            "whole": f"占{subject_name(whole, a.doc.year)}的比例",
            "printed": fmt(total, 2) + "%",
            "parts": "＋".join(f"{subject_name(claims[j].subject, a.doc.year)} {claims[j].raw}%" for j in js),
            "expected": "100.00%",
            "relation": "等于" if exhaustive else "不大于",
            "difference": fmt(r.difference, 2),
            "tolerance": fmt(tol, 3),
        }
        fields["note"] = f"{fields['where']}{fields['whole']}之和为 {fields['printed']}，应为 100.00%"
        a.items.append(Item("JS-NR-006", r.outcome, js, [], fields, "100.00", fmt(total, 2), fmt(r.difference, 2)))

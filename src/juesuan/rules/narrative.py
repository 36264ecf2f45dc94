"""Family NR: the narrative (情况说明) against the tables, and against itself.

Every figure the narrative states (``Document.claims``, :mod:`juesuan.extract.claims`) is checked:

* an amount (or a vehicle count) against the cell it restates (:mod:`.link`) — JS-NR-001;
* a share 占…% against part ÷ whole — JS-NR-002;
* a year-on-year change: the amount x and the rate y of one sentence agree, y = x ÷ (current − x)
  after an increase, x ÷ (current + x) after a decrease — JS-NR-003;
* a budget completion rate 完成预算的 z% against the 预算数 a and 决算数 f of its sentence, z = f ÷ a
  — JS-NR-004; and whether the rate is plausible at all — JS-NR-005 (warning);
* the parts the narrative lists add up to the total it states (收入, 支出, 三公, 政府采购, 类 = Σ 项 …),
  and shares of one whole add up to 100 % — JS-NR-006;
* 机关运行经费 ≤ 公用经费 — JS-NR-007; the 财政拨款 基本/项目 split against the fund tables — JS-NR-008.

Interval semantics throughout (:mod:`juesuan.money`): a printed amount stands for ±half its last
digit, a printed percentage too; a claim that the intervals allow but the printed values do not
give exactly is a rounding note (JS-NR-009, info), never an error. Where a figure can be recomputed
both from the tables and from the narrative's own figures (the whole of a share, the current value of
a change), it is accepted when either agrees: a wrong number is reported once, where it is printed.
A document whose tables are images (no table read) is still checked against itself.

Each finding names its sentence: a :class:`~juesuan.model.CellRef` with ``table="narrative"``,
``row`` the claim's subject, ``column`` its kind, ``value`` the number as printed and the claim's
line/page, followed by the table cells it contradicts; ``Finding.sentence`` is
``{"text", "line", "page"}``.

:func:`plant_in_sentence` changes one number of one sentence of a text document (fault injection).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterator

from ..model import CellRef, Claim, Document
from ..money import Comparison, compare, compare_ge, compare_ratio, fmt, half_unit
from ..vocab import CLAIM_KIND_NAMES
from .engine import Context, Issue, Rule, ex
from .link import IES, SANGONG_ROWS, Linker, Linking, Outline, link, maps_to_table, outline_of
from .names import table_name

__all__ = ["RULES", "analysis", "plant_in_sentence", "sentence_of", "subject_name"]

Key = tuple[str, str, str]
ZERO = Decimal(0)
HUNDRED = Decimal(100)

LAW_NARRATIVE = (
    "《地方预决算公开操作规程》（财预〔2016〕143号）：部门决算应对收支增减变化、“三公”经费、机关运行经费、"
    "政府采购等作出说明，说明中的数字应与决算表一致。"
)
LAW_ART5 = "《预算法实施条例》第五条：基本支出包括人员经费和公用经费。"

KIND_NAMES = CLAIM_KIND_NAMES

_FUND_SPLIT = ("财政拨款.基本支出", "财政拨款.项目支出")


# --------------------------------------------------------------------------- names


def subject_name(subject: str, year: int | None = None) -> str:
    """A subject as a reviewer reads it: ``func:2080101`` → ``2080101 行政运行``."""
    base, _, q = subject.partition("@")
    if base.startswith("func:"):
        code = base[5:]
        name = _func_name(code, year or 2024)
        text = f"{code} {name}".strip()
    elif base.startswith("三公."):
        text = "“三公”经费" if base == "三公.合计" else base[3:]
    elif base.startswith(("raw:", "项目:")):
        text = base.split(":", 1)[1]
    elif base.startswith("一般公共预算财政拨款."):
        text = "一般公共预算财政拨款" + base.split(".", 1)[1]
    elif base.startswith("财政拨款."):
        text = "财政拨款" + base.split(".", 1)[1]
    else:
        text = base.replace(".", "")
    if q.startswith("budget"):
        text += "（全年预算）" if q == "budget_full" else "（预算）"
    return text


@functools.lru_cache(maxsize=2048)
def _func_name(code: str, year: int) -> str:
    try:
        from ..refdata import function_codes

        return function_codes(year).name(code) or ""
    except (LookupError, ValueError):
        return ""


# --------------------------------------------------------------------------- analysis


@dataclass(slots=True)
class Item:
    """One judgement: a claim (the primary one first) that a rule found wrong or rounded."""

    rule: str
    outcome: str  # "mismatch" | "rounding" | "warn"
    claims: list[int]  # indices into doc.claims; the first is the sentence the finding names
    keys: list[Key]  # the table cells involved
    fields: dict[str, str]
    expected: str | None = None
    printed: str | None = None
    difference: str | None = None


@dataclass(slots=True)
class Analysis:
    doc: Document
    linking: Linking
    outline: Outline
    linker: Linker
    sentence: list[int]  # claim index → sentence number (consecutive claims of one text)
    members: list[list[int]]  # sentence number → claim indices
    items: list[Item] = field(default_factory=list)
    amount_errors: set[int] = field(default_factory=set)  # claims NR-001 found wrong
    amounts: dict[str, list[int]] = field(default_factory=dict)  # subject → its amount claims, in order
    read: set[Key] = field(default_factory=set)  # every table cell a check compared with
    share_errors: set[int] = field(default_factory=set)  # shares NR-002 found wrong


def analysis(ctx: Context) -> Analysis:
    """The narrative judgements of a document (computed once per rule context)."""
    got = ctx.__dict__.get("_narrative")
    if got is None:
        got = _analyse(ctx)
        ctx.__dict__["_narrative"] = got
    return got


def _analyse(ctx: Context) -> Analysis:
    doc = ctx.doc
    ol = outline_of(ctx)
    linker = Linker(doc, ctx.index)
    linking = link(doc, ol, linker, copy=False)
    sentence: list[int] = []
    members: list[list[int]] = []
    prev = None
    for i, c in enumerate(doc.claims):
        if c.text != prev or not members:
            members.append([])
            prev = c.text
        members[-1].append(i)
        sentence.append(len(members) - 1)
    a = Analysis(doc, linking, ol, linker, sentence, members)
    for i, c in enumerate(doc.claims):
        if c.kind == "amount" and i not in linking.partial:
            a.amounts.setdefault(c.subject, []).append(i)
    if not doc.claims:
        return a
    for keys in linking.terms.values():
        a.read.update(keys)
    _amounts(ctx, a)
    _fund_split(ctx, a)
    _shares(ctx, a)
    _changes(ctx, a)
    _completion(ctx, a)
    _plausibility(ctx, a)
    _sums(ctx, a)
    _running_cost(ctx, a)
    return a


# --------------------------------------------------------------------------- helpers


def _value(ctx: Context, keys: list[Key]) -> Decimal | None:
    """Σ of the printed cells (a blank cell of a table the document has reads 0.00)."""
    total = None
    for k in keys:
        v = ctx.amount(k)
        if v is None:
            v = Decimal("0.00")
        total = v if total is None else total + v
    return total


def _terms(ctx: Context, keys: list[Key]) -> list[tuple[int, Decimal]]:
    return [(1, v if (v := ctx.amount(k)) is not None else Decimal("0.00")) for k in keys]


def _wan(c: Claim) -> Decimal | None:
    v = c.value_wan
    if v is None:
        return None
    if v == 0:
        return Decimal("0.00")
    return v


def _base(subject: str) -> str:
    return subject.partition("@")[0]


def _qual(subject: str) -> str:
    return subject.partition("@")[2]


def _cell_names(ctx: Context, keys: list[Key]) -> str:
    if not keys:
        return ""
    if len(keys) == 1:
        return ctx.cell_name(keys[0])
    return ctx.describe_terms([(1, k) for k in keys])


def _line(c: Claim) -> str:
    if c.prov.line is not None:
        return f"第{c.prov.line}行"
    if c.prov.page is not None:
        return f"第{c.prov.page}页"
    return ""


def _where(c: Claim) -> str:
    w = _line(c)
    return f"情况说明{w}" if w else "情况说明"


def _pct(v: Decimal | None) -> str:
    return "" if v is None else fmt(v, 2) + "%"


def _amount(v: Decimal | None) -> str:
    return "" if v is None else fmt(v, 2)


def _sentence_claims(a: Analysis, i: int) -> list[int]:
    return a.members[a.sentence[i]]


def _in_sentence(a: Analysis, i: int, subject: str, kind: str = "amount", before: bool = False) -> int | None:
    """The claim of ``subject`` and ``kind`` in claim i's sentence (the nearest one before i when
    there are several; else the first after it)."""
    found_before = None
    found_after = None
    for j in _sentence_claims(a, i):
        c = a.doc.claims[j]
        if c.subject != subject or c.kind != kind or j == i or j in a.linking.partial:
            continue
        if j < i:
            found_before = j
        elif found_after is None:
            found_after = j
    if found_before is not None:
        return found_before
    return None if before else found_after


def _in_previous_sentence(a: Analysis, i: int, subject: str, kind: str) -> int | None:
    """The last claim of the sentence before claim i's, when it is ``subject``'s ``kind`` and
    claim i's sentence states nothing else before it (``…减少 381.86 万元，下降 1.03%。下降 100%。``)."""
    n = a.sentence[i]
    if n == 0 or _sentence_claims(a, i)[0] != i:
        return None
    prev = a.members[n - 1]
    for j in reversed(prev):
        c = a.doc.claims[j]
        if c.subject == subject and c.kind == kind:
            return j
        if c.subject != subject:
            return None
    return None


def _stated(a: Analysis, i: int, subject: str) -> int | None:
    """The narrative's statement of ``subject`` (a final amount) nearest before claim i: in its
    sentence, else in its region (heading section), else earlier in the same section."""
    j = _in_sentence(a, i, subject)
    if j is not None:
        return j
    region = a.linking.regions[i]
    section = a.linking.sections[i]
    best = None
    for j in reversed(a.amounts.get(subject, ())):
        if j >= i:
            continue
        if a.linking.regions[j] == region:
            return j
        if best is None and a.linking.sections[j] == section:
            best = j
    if best is None:
        earlier = [j for j in a.amounts.get(subject, ()) if j < i]
        if earlier and len({a.doc.claims[j].value for j in earlier}) == 1:
            best = earlier[-1]  # stated elsewhere, always alike
    return best


def _fact_of(a: Analysis, ctx: Context, i: int, subject: str) -> list[Key] | None:
    keys = a.linker.subject_cells(subject, a.linking.sections[i])
    if not keys or not any(k in ctx.index or ctx.present(k[0]) for k in keys):
        return None
    a.read.update(keys)
    return keys


def _add(a: Analysis, rule: str, result: Comparison, claims: list[int], keys: list[Key], fields: dict[str, str],
         pct: bool = False) -> None:
    outcome = result.outcome
    if outcome == "exact":
        return
    fmt_v = _pct if pct else _amount
    f = dict(fields)
    f.setdefault("printed", fmt_v(result.printed))
    f.setdefault("expected", fmt_v(result.expected))
    f.setdefault("difference", fmt(result.difference, 2))
    f.setdefault("tolerance", fmt(result.tolerance, 3))
    a.items.append(
        Item(rule, outcome, claims, keys, f, fmt(result.expected, 2), fmt(result.printed, 2),
             fmt(result.difference, 2))
    )


def _same_value(ctx: Context, value: Decimal, tables: list[str], exclude: list[Key], side: str = "") -> Key | None:
    """A printed cell of ``tables`` with the same value (a hint at a mislabelled figure); one whose
    row starts with ``side`` (``expense.``) first."""
    if value == 0 or abs(value) < 1:
        return None
    by_value = ctx.__dict__.get("_narrative_values")
    if by_value is None:
        by_value = {}
        for k, f in ctx.index.items():
            if f.value >= 1:
                by_value.setdefault(f.value, []).append(k)
        ctx.__dict__["_narrative_values"] = by_value
    cands = [k for k in by_value.get(value, ()) if k not in exclude and k[0] in tables]
    if not cands:
        return None
    order = {t: n for n, t in enumerate(tables)}
    cands.sort(key=lambda k: (order[k[0]], not k[1].startswith(side) if side else False))
    return cands[0]


# --------------------------------------------------------------------------- NR-001 amounts


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
        best = _first_ok(((p, w) for p in parts for w in wholes), lambda p, w: _share_ratio(c.value, p, w))
        if best is None or best[0].outcome == "exact":
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


def _completion_ratio(printed: Decimal, final: Decimal, budget: Decimal) -> Comparison | None:
    r = compare_ratio(printed, final, budget)
    if r is None and final == 0 and budget == 0:
        # nothing budgeted, nothing spent: printed as 0 % or as 100 % (fully "completed")
        if printed in (0, 100):
            return Comparison("exact", printed, printed, ZERO, half_unit(printed))
        return Comparison("mismatch", ZERO, printed, printed, half_unit(printed))
    return r


def _share_ratio(printed: Decimal, part: Decimal, whole: Decimal) -> Comparison | None:
    r = compare_ratio(printed, part, whole)
    if r is None and part == 0 and whole == 0:
        # a share of nothing is 0 % (or left blank): any other figure is wrong
        return Comparison("mismatch", ZERO, printed, printed, half_unit(printed))
    return r


def _best(results: list) -> tuple:
    order = {"exact": 0, "rounding": 1, "mismatch": 2}
    return min(results, key=lambda x: order[x[0].outcome])


def _first_ok(pairs, judge) -> tuple | None:
    """Judge the (numerator, denominator) candidates in order; stop at the first exact one, else
    the best outcome (the first mismatch when all mismatch). Each candidate is
    ``(value, keys, claim index or None)``."""
    results = []
    for (p, pk, pj), (w, wk, wj) in pairs:
        r = judge(p, w)
        if r is None:
            continue
        item = (r, pk + wk, [x for x in (pj, wj) if x is not None], p, w)
        if r.outcome == "exact":
            return item
        results.append(item)
    return _best(results) if results else None


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
        best = _first_ok(
            ((xc, cur) for cur in currents),
            lambda p, w: compare_ratio(c.value, p, w, change=c.direction),  # type: ignore[arg-type]
        )
        if best is None or best[0].outcome == "exact":
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


# --------------------------------------------------------------------------- NR-004 completion


def _budget_in_sentence(a: Analysis, i: int, subject: str) -> int | None:
    c = a.doc.claims[i]
    full = "全年预算" in c.text or "调整后预算" in c.text
    early = "年初预算" in c.text
    cands = {q: _in_sentence(a, i, f"{subject}@{q}") for q in ("budget", "budget_full")}
    if full and not early:
        order = ("budget_full", "budget")
    else:
        order = ("budget", "budget_full")
    for q in order:
        if cands[q] is not None:
            return cands[q]
    return None


def _budget_in_section(a: Analysis, i: int, subject: str) -> int | None:
    """The budget of ``subject`` stated elsewhere in claim i's section (nearest first), when its
    sentence states none (``…完成预算的 0%`` in a summary, ``预算为 0 万元`` in the detail)."""
    section = a.linking.sections[i]
    best = None
    for q in ("budget", "budget_full"):
        for j in a.amounts.get(f"{subject}@{q}", ()):
            if a.linking.sections[j] != section:
                continue
            if best is None or abs(j - i) < abs(best - i):
                best = j
        if best is not None:
            return best
    return None


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
        best = _first_ok(((f, b) for f in finals for b in budgets), lambda f, b: _completion_ratio(c.value, f, b))
        if best is None or best[0].outcome == "exact":
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
    from .link import _economic_code

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


# --------------------------------------------------------------------------- findings


def _narrative_cell(c: Claim, year: int | None) -> CellRef:
    return CellRef(
        "narrative", c.subject, c.kind, c.raw, c.prov.page, c.prov.line, subject_name(c.subject, year),
        ref=c.prov.ref,
    )


def sentence_of(c: Claim) -> dict:
    """The ``Finding.sentence`` of a claim: its sentence, where it is printed, and the number."""
    return {"text": c.text, "line": c.prov.line, "page": c.prov.page, "number": c.raw}


def _issue(ctx: Context, a: Analysis, item: Item) -> Issue:
    claims = a.doc.claims
    primary = claims[item.claims[0]]
    cells = [_narrative_cell(claims[j], a.doc.year) for j in dict.fromkeys(item.claims)]
    cells += [ctx.cellref(k) for k in dict.fromkeys(item.keys)]
    tables = list(dict.fromkeys([*(k[0] for k in item.keys), "narrative"]))
    return Issue(
        dict(item.fields), tables, cells, row=None, expected=item.expected, printed=item.printed,
        difference=item.difference, sentence=sentence_of(primary),
    )


def _check(rule_id: str, outcome: str = "mismatch"):
    def check(ctx: Context) -> Iterator[Issue]:
        a = analysis(ctx)
        for item in a.items:
            if item.rule == rule_id and item.outcome == outcome:
                yield _issue(ctx, a, item)

    return check


def _cells_read(ctx: Context) -> set[Key]:
    return analysis(ctx).read


def _rounding(ctx: Context) -> Iterator[Issue]:
    a = analysis(ctx)
    for item in a.items:
        if item.outcome == "rounding":
            issue = _issue(ctx, a, item)
            tol = issue.fields.get("tolerance", "")
            cut = item.difference is not None and tol and abs(Decimal(item.difference)) > Decimal(tol)
            why = "是比率截断（而非四舍五入）到末位的结果" if cut else f"在四舍五入允许范围（±{tol}）之内"
            issue.fields = {**issue.fields, "rule_id": item.rule, "rule_title": _TITLES[item.rule], "why": why}
            yield issue


# --------------------------------------------------------------------------- catalog entries

_H1 = "一、收入支出决算总体情况说明"
_SUMMARY = ("income_expense_summary/income.grand_total/amount=100.00",)
_OPERATING = "income_expense_summary/income.operating/amount=25.00"


def _t(*lines: str) -> tuple[str, ...]:
    return lines


RULES = [
    Rule(
        id="JS-NR-001",
        title="情况说明中的金额与决算表不一致",
        severity="error",
        family="NR",
        legal_basis=LAW_NARRATIVE,
        message="{where}「{subject}」{printed} {unit}，与{cell}（{expected}）不符，相差 {difference}{hint}",
        doc=(
            "情况说明引用的每个金额（以及统计表中的车辆数）应与所引用的决算表单元格一致：收入总计、本年收入合计、"
            "各项收入与支出、财政拨款收支、一般公共预算财政拨款支出及其功能分类科目、人员经费与公用经费、“三公”"
            "经费（预算数对应“三公”表的预算数栏）、机关运行经费、政府采购和国有资产统计数。功能分类科目按所在段落"
            "对应一般公共预算、政府性基金或国有资本经营预算财政拨款支出决算表，其他段落对应支出决算表。差额在印刷"
            "精度（±0.005 万元）之内为尾差（JS-NR-009）。年初预算数（“三公”除外）、与上年比较的数字和功能科目下的经济"
            "分类明细，决算表不列，不在本条核对。"
        ),
        cells_read=_cells_read,
        check=_check("JS-NR-001"),
        passing=(ex(*_SUMMARY, text=_t(_H1, "收入总计 100.00 万元。")),),
        failing=(
            ex(*_SUMMARY, text=_t(_H1, "收入总计 110.00 万元。")),
            ex("three_public/total/budget=19.55", "three_public/total/final=19.55",
               text=_t("三、财政拨款“三公”经费支出决算情况说明", "“三公”经费支出 19.55 万元，三公经费预算 23.45 万元。")),
        ),
    ),
    Rule(
        id="JS-NR-002",
        title="情况说明中的占比与金额不符",
        severity="error",
        family="NR",
        legal_basis=LAW_NARRATIVE,
        message="{where}「{subject}」占{whole}的 {printed}，按 {part} ÷ {whole_amount} 计算应为 {expected}",
        doc=(
            "“占…的 z%”应等于部分 ÷ 整体：部分取句中所列金额或其决算表单元格，整体取其决算表单元格或情况说明"
            "所列的整体金额，任一组合在区间语义下成立即视为一致（金额按 ±半个末位、百分比按 ±0.005 个百分点）。"
        ),
        cells_read=_cells_read,
        check=_check("JS-NR-002"),
        passing=(ex(*_SUMMARY, _OPERATING, text=_t(_H1, "收入总计 100.00 万元，其中：事业收入 25.00 万元，占收入总计的 25.00%。")),),
        failing=(ex(*_SUMMARY, _OPERATING, text=_t(_H1, "收入总计 100.00 万元，其中：事业收入 25.00 万元，占收入总计的 52.00%。")),),
    ),
    Rule(
        id="JS-NR-003",
        title="增减额与增减幅度不一致",
        severity="error",
        family="NR",
        legal_basis=LAW_NARRATIVE,
        message="{where}「{subject}」{change}、{printed}，两者不一致：{detail}",
        doc=(
            "同一句中的增减额 x 与增减幅度 y% 应自洽：增加时 y = x ÷（本年数 − x），减少时 y = x ÷（本年数 + x），"
            "本年数取句中或本节所列金额或其决算表单元格；增减方向应一致。"
        ),
        cells_read=_cells_read,
        check=_check("JS-NR-003"),
        passing=(ex(*_SUMMARY, text=_t(_H1, "收入总计 100.00 万元，比上年增加 20.00 万元，增长 25.00%，主要原因是人员增加。")),),
        failing=(
            ex(*_SUMMARY, text=_t(_H1, "收入总计 100.00 万元，比上年增加 20.00 万元，增长 20.00%，主要原因是人员增加。")),
            ex(*_SUMMARY, text=_t(_H1, "收入总计 100.00 万元，比上年增加 20.00 万元，下降 25.00%，主要原因是人员增加。")),
        ),
    ),
    Rule(
        id="JS-NR-004",
        title="预算完成率与预算数、决算数不符",
        severity="error",
        family="NR",
        legal_basis=LAW_NARRATIVE,
        message="{where}「{subject}」完成预算的 {printed}，按决算数 {final} ÷ 预算数 {budget} 计算应为 {expected}",
        doc=(
            "“完成（年初/全年）预算的 z%”应等于同一句所列决算数 ÷ 预算数（句中“年初预算”“全年预算”各取其数）；"
            "“三公”经费句中未列预算数时取“三公”表的预算数。"
        ),
        cells_read=_cells_read,
        check=_check("JS-NR-004"),
        passing=(
            ex(text=_t("五、一般公共预算财政拨款支出决算情况说明",
                       "一般公共预算财政拨款支出年初预算为 200.00 万元，支出决算为 150.00 万元，完成年初预算的 75.00%，主要原因是项目延期。")),
        ),
        failing=(
            ex(text=_t("五、一般公共预算财政拨款支出决算情况说明",
                       "一般公共预算财政拨款支出年初预算为 200.00 万元，支出决算为 150.00 万元，完成年初预算的 85.00%，主要原因是项目延期。")),
        ),
    ),
    Rule(
        id="JS-NR-005",
        title="预算完成率不合理",
        severity="warning",
        family="NR",
        legal_basis=LAW_NARRATIVE,
        message="{where}「{subject}」完成率 {printed}：{detail}",
        doc=(
            "完成率本身虽可计算，但与其金额或说明不相称：有支出而完成率为 0%；句中说明年初未安排预算却列示完成率；"
            "预算数与决算数不是同一口径（预算数是另一科目的年初预算，决算数另有所指）；总体完成率与逐项决算数和"
            "完成率推算的结果相差悬殊（加权平均不可能得到）。这些情况需要人工核实，报告为警告。"
        ),
        cells_read=_cells_read,
        check=_check("JS-NR-005", "warn"),
        passing=(
            ex(text=_t("五、一般公共预算财政拨款支出决算情况说明",
                       "1. 住房保障支出（类）住房改革支出（款）购房补贴（项）104.30 万元，完成年初预算的 100%。")),
        ),
        failing=(
            ex(text=_t("五、一般公共预算财政拨款支出决算情况说明",
                       "1. 住房保障支出（类）住房改革支出（款）购房补贴（项）104.30 万元，完成年初预算的 100%，"
                       "主要原因是年初无预算，据实支付。")),
            ex(text=_t("五、一般公共预算财政拨款支出决算情况说明",
                       "1. 资源勘探工业信息等支出（类）工业和信息产业监管（款）工程建设及运行维护（项）1.98 万元，"
                       "完成年初预算的 0%，主要原因是机构改革。")),
        ),
    ),
    Rule(
        id="JS-NR-006",
        title="情况说明所列分项之和与合计不符",
        severity="error",
        family="NR",
        legal_basis=LAW_NARRATIVE,
        message="{where}「{whole}」{printed}，应{relation}所列分项之和 {parts} ＝ {expected}，相差 {difference}",
        doc=(
            "情况说明内部的加总：收入总计与各项收入、本年支出合计与基本/项目等支出、财政拨款支出与基本/项目支出、"
            "基本支出与人员经费/公用经费、“三公”合计与三项经费、公务用车与购置/运行、公务接待与国内/外事、政府采购"
            "总额与货物/工程/服务、车辆总数与各类车辆（分项齐全时应相等，不全时合计不应小于已列分项之和）；功能分类"
            "类级金额不小于其下所列科目之和，一般公共预算财政拨款支出不小于所列各类之和；人员经费、公用经费不小于"
            "所列经济分类明细之和；同一整体的各项占比之和不超过 100%（分项金额齐全时应为 100%）。预算数同样核对。"
            "已由 JS-NR-001 报告为与表不符的数字不再重复报告。决算表为图片而无法读取时，本条仍可核对叙述本身。"
        ),
        cells_read=_cells_read,
        check=_check("JS-NR-006"),
        passing=(
            ex(text=_t("三、财政拨款“三公”经费支出决算情况说明",
                       "“三公”经费支出 10.00 万元，其中：因公出国（境）费 0.00 万元，公务接待费 4.00 万元，"
                       "公务用车购置及运行维护费 6.00 万元。")),
        ),
        failing=(
            ex(text=_t("三、财政拨款“三公”经费支出决算情况说明",
                       "“三公”经费支出 10.00 万元，其中：因公出国（境）费 0.00 万元，公务接待费 4.00 万元，"
                       "公务用车购置及运行维护费 7.00 万元。")),
        ),
    ),
    Rule(
        id="JS-NR-007",
        title="机关运行经费大于公用经费",
        severity="error",
        family="NR",
        legal_basis=LAW_ART5,
        message="{where}机关运行经费 {printed} 万元，大于公用经费 {public} 万元（{source}）",
        doc=(
            "机关运行经费是行政单位和参照公务员法管理的事业单位一般公共预算财政拨款基本支出中的公用经费，"
            "不应大于本部门的公用经费（一般公共预算财政拨款基本支出决算表的公用经费合计，或情况说明所列公用经费）。"
        ),
        cells_read=_cells_read,
        check=_check("JS-NR-007"),
        passing=(
            ex("gpb_basic/public_total/amount=50.00",
               text=_t("五、其他重要事项的情况说明", "（一）机关运行经费支出情况", "机关运行经费支出 30.00 万元。")),
        ),
        failing=(
            ex("gpb_basic/public_total/amount=50.00",
               text=_t("五、其他重要事项的情况说明", "（一）机关运行经费支出情况", "机关运行经费支出 60.00 万元。")),
        ),
    ),
    Rule(
        id="JS-NR-008",
        title="财政拨款基本支出、项目支出与分资金决算表不符",
        severity="error",
        family="NR",
        legal_basis=LAW_ART5,
        message="{where}财政拨款基本支出、项目支出与分资金决算表不符：{detail}{hint}",
        doc=(
            "财政拨款支出中的基本支出、项目支出应等于一般公共预算、政府性基金预算、国有资本经营预算三张财政拨款"
            "支出决算表相应栏之和（文件缺少的表不计）；在一般公共预算财政拨款支出、基本支出的段落中，“财政拨款基本支出”"
            "指一般公共预算财政拨款基本支出（由 JS-NR-001 核对）。"
        ),
        cells_read=_cells_read,
        check=_check("JS-NR-008"),
        passing=(
            ex("gpb_expenditure/total/total=90.00", "gpb_expenditure/total/basic=60.00",
               "gpb_expenditure/total/project=30.00", "soe_capital/total/total=10.00", "soe_capital/total/project=10.00",
               text=_t("二、财政拨款支出决算情况说明", "财政拨款支出 100.00 万元，其中：基本支出 60.00 万元，项目支出 40.00 万元。")),
        ),
        failing=(
            ex("gpb_expenditure/total/total=90.00", "gpb_expenditure/total/basic=60.00",
               "gpb_expenditure/total/project=30.00", "soe_capital/total/total=10.00", "soe_capital/total/basic=10.00",
               text=_t("二、财政拨款支出决算情况说明", "财政拨款支出 100.00 万元，其中：基本支出 60.00 万元，项目支出 40.00 万元。")),
        ),
    ),
    Rule(
        id="JS-NR-009",
        title="情况说明数字尾差",
        severity="info",
        family="NR",
        legal_basis="",
        message="{rule_id}「{rule_title}」：{note}，{why}，属尾差",
        doc=(
            "情况说明的数字按印刷精度四舍五入：金额 v 代表 [v−0.005, v+0.005]，百分比 z% 代表 ±0.005 个百分点，"
            "比率在各金额区间的端点取到上下限。印刷值与按印刷金额计算的结果不同、但在区间之内的，报告为本条提示，"
            "并注明是哪条规则；百分比恰为比率截断（而非四舍五入）到末位的结果（99.868% 印为 99.86%）也属本条。"
            "超出区间才由该规则报告为错误。"
        ),
        cells_read=_cells_read,
        check=_rounding,
        passing=(ex(text=_t("五、一般公共预算财政拨款支出决算情况说明",
                            "一般公共预算财政拨款支出年初预算为 3.00 万元，支出决算为 1.00 万元，完成年初预算的 33.33%，主要原因是项目延期。")),),
        failing=(
            ex(text=_t("三、财政拨款“三公”经费支出决算情况说明",
                       "公务接待费 0.54 万元，比上年增加 0.23 万元，增长 75.06%，主要原因是接待增加。"),
               note="0.23 ÷ (0.54 − 0.23) = 74.19%，两个金额各 ±0.005 时可到 70.3%–78.3%"),
        ),
    ),
]

_TITLES = {r.id: r.title for r in RULES}


# --------------------------------------------------------------------------- fault injection

def _occurrence(claims: list[Claim], i: int) -> int:
    """Which printed occurrence (0-based) of its number on its line claim i is: claims reading one
    printed number as two subjects (收、支总计均为 …) share it."""
    c = claims[i]
    k = -1
    prev: Claim | None = None
    for j, d in enumerate(claims):
        if d.prov != c.prov or d.raw != c.raw or (d.unit == "%") != (c.unit == "%"):
            continue
        same = (
            prev is not None
            and prev.text == d.text
            and prev.kind == d.kind
            and prev.unit == d.unit
            and claims[j - 1] is prev
        )
        if not same:
            k += 1
        prev = d
        if j == i:
            return k
    return max(k, 0)


def _number_spans(line: str, raw: str, unit: str) -> list[tuple[int, int]]:
    """Where ``raw`` is printed on ``line``: followed by ``%`` for a percentage, not followed by
    one otherwise."""
    pattern = r"(?<![\d.,０-９第])" + re.escape(raw) + r"(?![\d０-９年月日号时岁届期版章条]|[.．]\d)"
    pct = r"\s*[%％]"
    look = f"(?={pct})" if unit == "%" else f"(?!{pct})"
    spans = [m.span() for m in re.finditer(pattern + look, line)]
    if not spans:
        spans = [m.span() for m in re.finditer(pattern, line)]
    return spans


def plant_in_line(line: str, claims: list[Claim], i: int, new_raw: str) -> str:
    """``line`` (the printed line of claim i) with claim i's number replaced by ``new_raw``."""
    c = claims[i]
    spans = _number_spans(line, c.raw, c.unit)
    if not spans:
        raise ValueError(f"{c.raw!r} not found on its line")
    same = [j for j, d in enumerate(claims) if d.prov == c.prov and d.raw == c.raw and (d.unit == "%") == (c.unit == "%")]
    if len(same) == len(spans):
        k = same.index(i)  # one printed number per claim
    else:
        k = min(_occurrence(claims, i), len(spans) - 1)
    a, b = spans[k]
    return line[:a] + new_raw + line[b:]


def plant_in_sentence(text: str, claims: list[Claim], i: int, new_raw: str) -> tuple[str, int]:
    """Fault injection on a sentence: the text of a converter-text document with the number of
    claim i (``claims`` = the document's claims, 1-based ``prov.line``) replaced by ``new_raw``.
    Returns the new text and the line changed."""
    c = claims[i]
    if c.prov.line is None:
        raise ValueError("only text documents (with line numbers) can be planted into")
    lines = text.splitlines(keepends=True)
    n = c.prov.line - 1
    body = lines[n].rstrip("\r\n")
    ending = lines[n][len(body) :]
    lines[n] = plant_in_line(body, claims, i, new_raw) + ending
    return "".join(lines), c.prov.line


def plant_in_document(doc: Document, i: int, new_raw: str) -> Document:
    """A copy of ``doc`` whose narrative block holding claim i prints ``new_raw`` instead of the
    claim's number, with the claims read again (what re-reading the planted text file gives, at the
    cost of re-reading the narrative only)."""
    from dataclasses import replace as _replace

    from ..extract.claims import extract_claims
    from ..model import Block, Cell

    c = doc.claims[i]
    for n, b in enumerate(doc.text):
        if b.prov == c.prov:
            break
    else:
        raise ValueError("the claim's block is not in the document's text")
    text = doc.text[n].cells[0].text if len(doc.text[n].cells) == 1 else doc.text[n].text
    new_text = plant_in_line(text, doc.claims, i, new_raw)
    blocks = list(doc.text)
    blocks[n] = Block(b.kind, [Cell(new_text, b.cells[0].prov if b.cells else b.prov)], b.prov)
    planted = _replace(doc, text=blocks, claims=[])
    planted.claims = extract_claims(planted)
    return planted

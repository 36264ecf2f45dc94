"""What the narrative checks share: subject names, the judgement records, and the helpers that find a claim's companions."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal

from ...model import Claim, Document
from ...money import Comparison, compare_ratio, fmt, half_unit
from ...vocab import CLAIM_KIND_NAMES
from ..engine import Context
from ..link import Linker, Linking, Outline


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
        from ...refdata import function_codes

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

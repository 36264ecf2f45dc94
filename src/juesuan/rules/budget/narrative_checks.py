"""The budget narrative's claims judged against the tables and against themselves.

:func:`analyse` reads the claims (:mod:`juesuan.extract.budget_claims`) once per document, links
each named amount to the budget cell it restates (the first candidate cell that is printed and
agrees; else the first printed one), and records one :class:`Judgement` per wrong figure. The
rules of :mod:`.narrative` turn them into findings. Interval semantics throughout
(:func:`juesuan.money.compare`, :func:`~juesuan.money.compare_ratio`): a printed amount stands for
±half its last digit, a printed percentage too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ...extract.budget_claims import budget_claims_from_blocks
from ...model import CellRef, Claim
from ...money import compare, compare_ge, compare_ratio, fmt, half_unit
from ..engine import Context, Issue, Key

HUNDRED = Decimal(100)
_FS, _S, _E = "budget_fiscal_summary", "budget_summary", "budget_expenditure"
_TP = "budget_three_public"

# subject → the cells it may restate, in order of preference
CELLS: dict[str, list[Key]] = {
    "收入预算": [(_S, "income.grand_total", "amount"), (_S, "income.total", "amount"), ("budget_income", "total", "total"),
             ("budget_income", "income.grand_total", "amount")],
    "支出预算": [(_S, "expense.grand_total", "amount"), (_S, "expense.total", "amount"), (_E, "total", "total")],
    "财政拨款收入": [(_S, "income.fiscal", "amount"), ("budget_income", "total", "fiscal"), (_FS, "income.grand_total", "amount"),
               (_FS, "income.total", "amount")],
    "一般公共预算拨款收入": [(_S, "income.fiscal.gpb", "amount"), (_FS, "income.gpb", "amount"), ("budget_income", "total", "gpb")],
    "政府性基金拨款收入": [(_S, "income.fiscal.gov_fund", "amount"), (_FS, "income.gov_fund", "amount"),
                  ("budget_income", "total", "gov_fund")],
    "国有资本经营预算拨款收入": [(_S, "income.fiscal.soe_capital", "amount"), (_FS, "income.soe_capital", "amount"),
                     ("budget_income", "total", "soe_capital")],
    "财政专户管理资金": [(_S, "income.fiscal_special", "amount"), ("budget_income", "total", "fiscal_special")],
    "事业收入": [(_S, "income.operating", "amount"), ("budget_income", "total", "operating")],
    "事业单位经营收入": [(_S, "income.business", "amount"), ("budget_income", "total", "business")],
    "其他收入": [(_S, "income.other", "amount"), ("budget_income", "total", "other")],
    "上年结转": [(_S, "income.carryover", "amount"), ("budget_income", "total", "carryover")],
    "财政拨款支出": [(_FS, "expense.grand_total", "total"), (_FS, "expense.grand_total", "amount"), (_FS, "expense.total", "total"),
               (_FS, "expense.total", "amount"), ("budget_fiscal_expenditure", "total", "total")],
    "一般公共预算拨款支出": [("budget_gpb_expenditure", "total", "total"), (_FS, "expense.grand_total", "gpb"),
                   (_FS, "expense.total", "gpb")],
    "政府性基金拨款支出": [("budget_gov_fund", "total", "total"), (_FS, "expense.grand_total", "gov_fund")],
    "国有资本经营预算拨款支出": [("budget_soe_capital", "total", "total"), (_FS, "expense.grand_total", "soe_capital")],
    "基本支出": [(_E, "total", "basic"), (_S, "expense.basic", "amount")],
    "项目支出": [(_E, "total", "project"), (_S, "expense.project", "amount")],
    "三公.合计": [(_TP, "total", "budget")],
    "三公.因公出国（境）费": [(_TP, "overseas", "budget")],
    "三公.公务用车购置及运行费": [(_TP, "vehicle", "budget")],
    "三公.公务用车购置费": [(_TP, "vehicle_purchase", "budget")],
    "三公.公务用车运行费": [(_TP, "vehicle_operation", "budget")],
    "三公.公务接待费": [(_TP, "reception", "budget")],
    "会议费": [(_TP, "extra.会议费", "budget")],
    "培训费": [(_TP, "extra.培训费", "budget")],
    "机关运行经费": [("budget_running_cost", "total", "amount"), (_TP, "extra.机关运行经费预算数", "budget")],
    "政府采购.合计": [("budget_procurement", "total", "amount")],
    "政府采购.货物": [("budget_procurement", "goods", "amount")],
    "政府采购.工程": [("budget_procurement", "works", "amount")],
    "政府采购.服务": [("budget_procurement", "services", "amount")],
    "绩效目标.资金": [("budget_performance", "total", "amount")],
}
FUNCTION_CELL_TABLES = ("budget_fiscal_expenditure", "budget_gpb_expenditure", _E)
PROJECT_TOTALS: list[Key] = [(_E, "total", "project"), (_S, "expense.project", "amount"), (_FS, "expense.project", "amount")]
PARTS = {
    "三公.合计": ("三公.因公出国（境）费", "三公.公务用车购置及运行费", "三公.公务接待费"),
    "三公.公务用车购置及运行费": ("三公.公务用车购置费", "三公.公务用车运行费"),
    "政府采购.合计": ("政府采购.货物", "政府采购.工程", "政府采购.服务"),
}
_QUALIFIERS = {"plan": "本年预算安排", "prior_exec": "上年预算执行数", "prior_budget": "上年预算数"}
_ALL_PROJECTS = ("全部项目", "所有项目", "全覆盖", "100%")


@dataclass(slots=True)
class Judgement:
    rule: str
    claims: list[int]  # the claim the finding is about first
    keys: list[Key]
    fields: dict[str, str]
    expected: str | None = None
    printed: str | None = None
    difference: str | None = None


@dataclass(slots=True)
class Analysis:
    claims: list[Claim]
    links: dict[int, Key] = field(default_factory=dict)  # claim → the cell it restates
    judgements: list[Judgement] = field(default_factory=list)
    read: set[Key] = field(default_factory=set)


def wan(c: Claim) -> Decimal | None:
    v = c.value_wan
    return None if v is None else (Decimal("0.00") if v == 0 else v)


def candidates(ctx: Context, subject: str) -> list[Key]:
    if subject.startswith("func:"):
        code = subject[5:]
        return [(t, code, "total") for t in FUNCTION_CELL_TABLES]
    return CELLS.get(subject, [])


def subject_name(ctx: Context, subject: str) -> str:
    base, _, q = subject.partition("@")
    if base.startswith("func:"):
        code = base[5:]
        label = next((n for t in FUNCTION_CELL_TABLES if (n := ctx.printed_name(t, code))), "")
        text = f"{code} {label}".strip()
    elif base.startswith("三公."):
        text = "“三公”经费" if base == "三公.合计" else base[3:]
    elif base.startswith("政府采购."):
        text = "政府采购预算" if base == "政府采购.合计" else f"政府采购{base[5:]}预算"
    elif base == "绩效目标.资金":
        text = "绩效目标涉及的项目资金"
    else:
        text = base
    return text + (f"（{_QUALIFIERS[q]}）" if q in _QUALIFIERS else "")


def narrative_cell(ctx: Context, c: Claim) -> CellRef:
    return CellRef("narrative", c.subject, c.kind, c.raw, c.prov.page, c.prov.line, subject_name(ctx, c.subject), ref=c.prov.ref)


def sentence_of(c: Claim) -> dict:
    return {"text": c.text, "line": c.prov.line, "page": c.prov.page, "number": c.raw}


def to_issue(ctx: Context, a: Analysis, j: Judgement) -> Issue:
    primary = a.claims[j.claims[0]]
    cells = [narrative_cell(ctx, a.claims[i]) for i in dict.fromkeys(j.claims)]
    cells += [ctx.cellref(k) for k in dict.fromkeys(j.keys)]
    tables = list(dict.fromkeys([*(k[0] for k in j.keys), "narrative"]))
    fields = {"where": primary.prov.describe(), "subject": subject_name(ctx, primary.subject), **j.fields}
    return Issue(fields, tables, cells, expected=j.expected, printed=j.printed, difference=j.difference,
                 sentence=sentence_of(primary))


def analyse(ctx: Context) -> Analysis:
    cached = getattr(ctx, "_budget_narrative", None)
    if cached is not None:
        return cached
    a = Analysis(budget_claims_from_blocks(ctx.doc.text, year=ctx.doc.year))
    ctx._budget_narrative = a  # type: ignore[attr-defined]
    _amounts(ctx, a)
    _plans(ctx, a)
    _changes(ctx, a)
    _years(ctx, a)
    _parts(ctx, a)
    _coverage(ctx, a)
    return a


def _link(ctx: Context, a: Analysis, i: int, c: Claim) -> tuple[Key, object] | None:
    v = wan(c)
    if v is None:
        return None
    first = None
    for key in candidates(ctx, c.subject):
        cell = ctx.amount(key)
        if cell is None:
            continue
        a.read.add(key)
        result = compare(cell, [(1, v)])
        if result.ok:
            a.links[i] = key
            return key, result
        first = first or (key, result)
    if first is not None:
        a.links[i] = first[0]
    return first


def _lead(a: Analysis, i: int, base: str) -> int | None:
    """The nearest earlier amount claim of ``base`` itself (an item's lead amount)."""
    for j in range(i - 1, max(-1, i - 12), -1):
        c = a.claims[j]
        if c.subject == base and c.kind == "amount":
            return j
    return None


def _amounts(ctx: Context, a: Analysis) -> None:
    for i, c in enumerate(a.claims):
        if c.kind != "amount":
            continue
        base, _, q = c.subject.partition("@")
        if q and not (q == "plan" and _lead(a, i, base) is None):
            continue  # a restated plan is judged against its lead (JS-BN-002); prior years have no cell
        probe = c if not q else Claim(base, c.kind, c.value, c.raw, c.unit, c.text, c.prov)
        found = _link(ctx, a, i, probe)
        if found is None or found[1].ok:
            continue
        key, r = found
        a.judgements.append(Judgement(
            "JS-BN-001", [i], [key],
            {"printed": fmt(wan(c)), "cell": ctx.cell_name(key), "expected": fmt(r.printed), "difference": fmt(-r.difference)},
            expected=fmt(r.printed), printed=fmt(wan(c)), difference=fmt(-r.difference),
        ))


def _plans(ctx: Context, a: Analysis) -> None:
    for i, c in enumerate(a.claims):
        base, _, q = c.subject.partition("@")
        if c.kind != "amount" or q != "plan" or (j := _lead(a, i, base)) is None:
            continue
        lead, plan = wan(a.claims[j]), wan(c)
        if lead is None or plan is None or compare(lead, [(1, plan)]).ok:
            continue
        key = a.links.get(j)
        where = f"，表中{ctx.cell_name(key)}为 {fmt(ctx.amount(key))}" if key is not None else ""
        a.judgements.append(Judgement(
            "JS-BN-002", [i, j], [key] if key else [],
            {"plan": fmt(plan), "lead": fmt(lead), "table": where},
            expected=fmt(lead), printed=fmt(plan), difference=fmt(plan - lead),
        ))


def _prior(a: Analysis, i: int, c: Claim) -> int | None:
    q = "@prior_exec" if "执行" in (c.whole or "") else "@prior_budget"
    for j in range(i - 1, -1, -1):
        p = a.claims[j]
        if p.text != c.text:
            break
        if p.subject == c.subject + q and p.kind == "amount":
            return j
    return None


def _current(ctx: Context, a: Analysis, i: int, c: Claim) -> tuple[Decimal, list[int], list[Key]] | None:
    """B, the budget a change is about: the linked cell, else the restated plan, else the lead amount."""
    lead = _lead(a, i, c.subject)
    if lead is not None and lead in a.links and ctx.amount(a.links[lead]) is not None:
        key = a.links[lead]
        if compare(ctx.amount(key), [(1, wan(a.claims[lead]))]).ok:  # type: ignore[list-item]
            return ctx.amount(key), [lead], [key]  # type: ignore[return-value]
    for j in range(i - 1, -1, -1):
        p = a.claims[j]
        if p.text != c.text:
            break
        if p.subject == c.subject + "@plan" and (v := wan(p)) is not None:
            return v, [j], []
    if lead is not None and (v := wan(a.claims[lead])) is not None:
        return v, [lead], []
    return None


def _changes(ctx: Context, a: Analysis) -> None:
    for i, c in enumerate(a.claims):
        if c.kind not in ("change_pct", "change_amount") or c.direction is None:
            continue
        j = _prior(a, i, c)
        cur = _current(ctx, a, i, c)
        if cur is None:
            continue
        b, b_claims, b_keys = cur
        if j is None:
            _rate_from_amount(ctx, a, i, c, b, b_claims, b_keys)
            continue
        prior = wan(a.claims[j])
        if prior is None:
            continue
        diff = b - prior
        band = half_unit(b) + half_unit(prior)
        actual = "flat" if abs(diff) <= band else ("increase" if diff > 0 else "decrease")
        fields = {"prior": fmt(prior), "current": fmt(b), "change": fmt(diff)}
        if c.direction != actual and not (c.direction == "flat" and actual == "flat"):
            if actual == "flat" and c.kind == "change_pct" and c.value == 0:
                continue
            fields.update(stated=_DIR_ZH[c.direction], actual=_DIR_ZH[actual])
            a.judgements.append(Judgement("JS-BN-004", [i, j, *b_claims], b_keys, fields, printed=_DIR_ZH[c.direction], expected=_DIR_ZH[actual]))
            continue
        if c.direction == "flat":
            continue
        signed = c.value if c.direction == "increase" else -c.value
        if c.kind == "change_pct":
            r = compare_ratio(HUNDRED + signed, b, prior)
            if r is None or r.ok:
                continue
            rate = r.expected - HUNDRED
            fields.update(rate=fmt(abs(rate)) + "%", printed_rate=fmt(c.value) + "%", what="增减率")
            a.judgements.append(Judgement("JS-BN-003", [i, j, *b_claims], b_keys, fields, expected=fmt(rate),
                                          printed=fmt(signed), difference=fmt(signed - rate)))
        else:
            r = compare(signed, [(1, b), (-1, prior)])
            if r.ok:
                continue
            fields.update(rate=fmt(abs(diff)) + " 万元", printed_rate=fmt(c.value) + " 万元", what="增减额")
            a.judgements.append(Judgement("JS-BN-003", [i, j, *b_claims], b_keys, fields, expected=fmt(diff),
                                          printed=fmt(signed), difference=fmt(signed - diff)))


_DIR_ZH = {"increase": "增加", "decrease": "减少", "flat": "持平"}


def _rate_from_amount(ctx: Context, a: Analysis, i: int, c: Claim, b: Decimal, b_claims: list[int], b_keys: list[Key]) -> None:
    """A rate printed beside its change amount (增加 x 万元，增长 y%): y = x ÷ (B ∓ x)."""
    if c.kind != "change_pct" or c.direction not in ("increase", "decrease"):
        return
    for j in range(i - 1, -1, -1):
        p = a.claims[j]
        if p.text != c.text:
            return
        if p.subject == c.subject and p.kind == "change_amount" and p.direction == c.direction and (x := wan(p)) is not None:
            r = compare_ratio(c.value, x, b, change=c.direction)  # type: ignore[arg-type]
            if r is None or r.ok:
                return
            fields = {"prior": fmt(b - x if c.direction == "increase" else b + x), "current": fmt(b), "change": fmt(x),
                      "rate": fmt(r.expected) + "%", "printed_rate": fmt(c.value) + "%", "what": "增减率"}
            a.judgements.append(Judgement("JS-BN-003", [i, j, *b_claims], b_keys, fields, expected=fmt(r.expected),
                                          printed=fmt(c.value), difference=fmt(c.value - r.expected)))
            return


def _years(ctx: Context, a: Analysis) -> None:
    year = ctx.doc.year
    for i, c in enumerate(a.claims):
        basis = c.whole or ""
        if c.kind in ("change_pct", "change_amount") and year and basis.startswith(f"{year}年") and "执行" not in basis:
            a.judgements.append(Judgement("JS-BN-005", [i], [], {"basis": basis, "year": str(year), "prior": str(year - 1)}))


def _first_amount(a: Analysis, subject: str, after: int) -> int | None:
    return next((j for j in range(after + 1, min(len(a.claims), after + 16)) if a.claims[j].subject == subject and a.claims[j].kind == "amount"), None)


def _parts(ctx: Context, a: Analysis) -> None:
    for i, c in enumerate(a.claims):
        if c.kind != "amount" or c.subject not in PARTS or (total := wan(c)) is None:
            continue
        idx = [_first_amount(a, s, i) for s in PARTS[c.subject]]
        if any(j is None for j in idx):
            continue
        values = [wan(a.claims[j]) for j in idx]  # type: ignore[index]
        r = compare(total, [(1, v) for v in values if v is not None])
        if r.ok:
            continue
        names = "＋".join(subject_name(ctx, s) for s in PARTS[c.subject])
        a.judgements.append(Judgement(
            "JS-BN-006", [i, *idx], [],  # type: ignore[list-item]
            {"total": fmt(total), "parts": names, "sum": fmt(r.expected)},
            expected=fmt(r.expected), printed=fmt(total), difference=fmt(r.difference),
        ))


def _coverage(ctx: Context, a: Analysis) -> None:
    key = next((k for k in PROJECT_TOTALS if ctx.amount(k) is not None), None)
    if key is None:
        return
    projects = ctx.amount(key)
    a.read.add(key)
    for i, c in enumerate(a.claims):
        if c.subject != "绩效目标.资金" or c.kind != "amount" or (v := wan(c)) is None:
            continue
        every = any(w in c.text for w in _ALL_PROJECTS)
        r = compare(projects, [(1, v)]) if every else compare_ge(projects, v)  # type: ignore[arg-type]
        if r.ok:
            continue
        how = "文中称全部项目均编报绩效目标，应等于" if every else "不应超过"
        a.judgements.append(Judgement(
            "JS-BN-007", [i], [key],
            {"amount": fmt(v), "how": how, "cell": ctx.cell_name(key), "projects": fmt(projects)},
            expected=fmt(projects), printed=fmt(v), difference=fmt(v - projects),  # type: ignore[operator]
        ))

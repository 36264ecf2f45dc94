"""Everything the PF rules find in one document, computed once per check."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from ...extract.perf import grade_of
from ...model import CellRef, Document, Fact
from ...money import Comparison, compare, half_unit
from ..engine import Context, Issue
from ..precision import coarser_places, places_name
from .base import (
    COARSE_ID,
    BALANCE_ID,
    DEFAULT_EXEC_WEIGHT,
    DEGREE_ID,
    DOCKED_ID,
    EXEC_ID,
    GRADE_ID,
    GRADE_THRESHOLDS,
    HUNDRED,
    INCOMPLETE_ID,
    OVER_ID,
    RATE_ID,
    ROUNDING_ID,
    SCORE_UNIT,
    SOURCES_ID,
    SUBTOTAL_ID,
    TOTAL_ID,
    WEIGHTS_ID,
    _BASIS_NAMES,
    _GRADE_WORDS,
    _OTHER_BASIS,
    _OTHER_SCORE_RULE,
    _TITLES,
    _amount,
    _as_fraction,
    _dash,
    _explained,
    _fmt,
    _pct,
    _ratio,
    _raw,
    _shown,
    perf_column_name,
    perf_row_name,
)
from .tables import _AMOUNT_SET, _Row, _View, _views


# --------------------------------------------------------------------------- analysis

_Item = tuple[str, Issue]


def _issue(
    v: _View, fields: dict[str, str], cells: list[Fact | None], expected: str | None, printed: str | None,
    difference: str | None,
) -> Issue:
    refs = [CellRef.of(c) for c in cells if c is not None]
    return Issue(fields, [v.table], refs, None, expected, printed, difference)


def _identity_issue(
    rule_id: str, v: _View, fields: dict[str, str], cells: list[Fact | None], c: Comparison, what: str,
) -> _Item:
    """An arithmetic mismatch: the rule's error, or (one unit of the last decimal) a rounding note."""
    expected, printed, diff = _fmt(c.expected), _fmt(c.printed), _fmt(c.difference)
    shown = _shown(cells[0]) if cells and cells[0] is not None else printed
    fields = {**fields, "printed": shown, "expected": expected, "difference": diff,
              "difference_abs": diff.lstrip("-"), "tolerance": _fmt(c.tolerance)}
    rid = rule_id
    if _explained(c, c.printed):
        fields.update(identity_rule=rule_id, identity_title=_TITLES[rule_id], subject=what,
                      kind="截尾" if c.difference < 0 else "进位")
        rid = ROUNDING_ID
    return rid, _issue(v, fields, cells, expected, printed, diff)


def _score_compare(score: Fact, rate: Fact, weight: Decimal) -> Comparison | None:
    """执行率得分 against 分值 × min(执行率, 100%); None when they are equal (nothing to judge)."""
    expected = weight * min(rate.value, HUNDRED) / HUNDRED
    if score.value == expected:
        return None
    tol_rate = weight * half_unit(rate.value) / HUNDRED
    return compare(score.value, [(1, expected)], unit=(half_unit(score.value) + tol_rate) / 2)


def _degree_compare(s: Fact, w: Fact, d: Fact) -> Comparison | None:
    """指标得分 against 分值 × min(完成程度, 100%); None when equal."""
    dv = d.value
    if dv >= HUNDRED:
        if s.value == w.value:
            return None
        expected = w.value
    else:
        expected = w.value * dv / HUNDRED
        if s.value == expected:
            return None
    return compare(s.value, [(1, expected)], unit=(2 * SCORE_UNIT + w.value * half_unit(d.value) / HUNDRED) / 2)


class _Table:
    """One self-evaluation table, its rows sorted by kind."""

    __slots__ = ("v", "funds", "tasks", "inds", "mgmt", "exec_rows", "degrees")

    def __init__(self, v: _View) -> None:
        self.v = v
        self.funds: list[str] = []
        self.tasks: list[str] = []
        self.inds: list[str] = []
        self.mgmt: list[str] = []
        cells = v.cells
        for row in v.order:
            c = row[0]
            if c == "i" and row.startswith("ind."):
                self.inds.append(row)
            elif c == "f" and row.startswith("funds."):
                self.funds.append(row)
            elif c == "t" and row.startswith("task."):
                self.tasks.append(row)
            elif c == "m" and row.startswith("mgmt."):
                self.mgmt.append(row)
        # scored funds/task rows: (row, score, rate, weight cell, weight, comparison or None, consistent)
        self.exec_rows: list[tuple[str, Fact, Fact, Fact | None, Decimal, Comparison | None, bool]] = []
        tw = v.get("funds.total", "weight")
        if tw is not None and _dash(tw):
            tw = None
        for row in (*self.funds, *self.tasks):
            score, rate = cells.get((row, "score")), cells.get((row, "rate"))
            if score is None or rate is None or _dash(score) or _dash(rate):
                continue
            w = cells.get((row, "weight"))
            if w is None or _dash(w):
                w = tw if row[0] == "f" else None
            weight = w.value if w is not None else DEFAULT_EXEC_WEIGHT
            c = _score_compare(score, rate, weight)
            ok = c is None or c.ok or _explained(c, score.value)
            self.exec_rows.append((row, score, rate, w, weight, c, ok))
        # indicators with 完成程度: (score, weight, degree, comparison or None, consistent)
        self.degrees: list[tuple[Fact, Fact, Fact, Comparison | None, bool]] = []
        for row in self.inds:
            d = cells.get((row, "degree"))
            if d is None:
                continue
            w, s = cells.get((row, "weight")), cells.get((row, "score"))
            if w is None or s is None or _dash(w) or _dash(s) or _dash(d):
                continue
            c = _degree_compare(s, w, d)
            self.degrees.append((s, w, d, c, c is None or c.ok or _explained(c, s.value)))

    @property
    def follows(self) -> bool:
        return all(r[-1] for r in self.exec_rows)


class _Doc:
    """Everything the PF rules find in one document (computed once per check)."""

    def __init__(self, doc: Document) -> None:
        self.items: list[_Item] = []
        views = _views(doc)
        if not views:
            return
        bases = [v.meta.rate_basis for v in views if v.meta.rate_basis]
        self.doc_basis = max(set(bases), key=bases.count) if bases else None
        self.doc_basis_n = bases.count(self.doc_basis) if bases else 0
        tables = [_Table(v) for v in views]
        n_checkable = sum(1 for t in tables if t.exec_rows)
        n_follow = sum(1 for t in tables if t.exec_rows and t.follows)
        d_total = sum(len(t.degrees) for t in tables)
        d_follow = sum(1 for t in tables for d in t.degrees if d[-1])
        for t in tables:
            self._funds(t)
            if t.exec_rows:
                self._exec_scores(t, n_checkable - 1, n_follow - (1 if t.follows else 0))
            for item in t.degrees:
                if item[3] is not None and not item[3].ok:
                    self._degree(t.v, item, d_total - 1, d_follow - (1 if item[-1] else 0))
            self._scores(t)

    # -- funds ------------------------------------------------------------------------------------

    def _basis_source(self, v: _View) -> str:
        if v.meta.rate_basis:
            return f"本表表注（“{v.meta.rate_rule}”）" if v.meta.rate_rule else "本表表注"
        if self.doc_basis:
            return f"本文件其他表格表注的口径（{self.doc_basis_n}张表注明）"
        return "默认口径"

    def _funds(self, t: _Table) -> None:
        v = t.v
        basis = v.meta.rate_basis or self.doc_basis
        want0 = basis or "budget_full"
        for row in (*t.funds, *t.tasks):
            if v.cells.get((row, "executed")) is None:
                continue
            cols = v.row(row)
            ex = cols["executed"]
            rate = cols.get("rate")
            if rate is not None and not _dash(rate):
                want = want0
                den = cols.get(want)
                if den is None or _dash(den):
                    want = _OTHER_BASIS[want]
                    den = cols.get(want)
                if den is not None and not _dash(den):
                    c = _ratio(rate, ex, den)
                    if c is not None and not c.ok and not _as_fraction(rate, ex, den):
                        if not self._coarse_rate(v, row, rate, ex, den, want, c):
                            self._rate_issue(v, row, cols, rate, ex, den, want, basis, c)
            bal = cols.get("balance")
            if bal is not None:
                self._balance(v, row, cols, bal, ex)
        # 资金总额 = Σ 资金来源
        if len(t.funds) < 2 or "funds.total" not in t.funds:
            return
        total_row = v.row("funds.total")
        has_fiscal = "funds.fiscal" in t.funds
        top = [v.row(r) for r in t.funds if r != "funds.total" and not (has_fiscal and r.startswith("funds.fiscal."))]
        for col, total in total_row.items():
            if col not in _AMOUNT_SET:
                continue
            terms = [f for r in top if (f := r.get(col)) is not None]
            if not terms or total.value == sum([f.value for f in terms]):
                continue
            if len(terms) == 1 and terms[0].label.strip().startswith("其中"):
                continue
            c = compare(_amount(total), [(1, _amount(f)) for f in terms])
            if c.ok:
                continue
            fields = v.fields(total, "funds.total")
            fields.update(column_name=perf_column_name(col),
                          other="＋".join(f"{perf_row_name(f.row, f.label)} {v.amount(f)}" for f in terms))
            self.items.append(_identity_issue(SOURCES_ID, v, fields, [total, *terms], c,
                                              f"资金总额「{perf_column_name(col)}」"))

    def _rate_issue(self, v: _View, row: str, cols: _Row, rate: Fact, ex: Fact, den: Fact, want: str,
                    basis: str | None, c: Comparison) -> None:
        alt_col = _OTHER_BASIS[want]
        alt = cols.get(alt_col)
        alt_c = _ratio(rate, ex, alt) if alt is not None and not _dash(alt) and alt.value != den.value else None
        note = ""
        if alt_c is not None and (alt_c.ok or _explained(alt_c, rate.value)):
            if basis is None:
                return  # nothing says which 预算数: the rate follows the other one
            quotient = ex.value / alt.value * HUNDRED  # type: ignore[union-attr]
            note = (f"；表中执行率与按{_BASIS_NAMES[alt_col]}计算的 {_pct(quotient)} 一致，"
                    f"疑按{_BASIS_NAMES[alt_col]}计算，与表注口径不符")
        fields = v.fields(rate, row)
        fields.update(basis_source=self._basis_source(v), basis_name=_BASIS_NAMES[want], executed=v.amount(ex),
                      denominator=v.amount(den), note=note)
        self.items.append(_identity_issue(RATE_ID, v, fields, [rate, ex, den], c, "执行率"))

    def _coarse_rate(self, v: _View, row: str, rate: Fact, ex: Fact, den: Fact, want: str, c: Comparison) -> bool:
        """JS-PF-014: a 执行率 printed 90.00 where the amounts give 89.79 — the rate rounded to a
        whole percent (or to fewer decimals than printed). Not for one unit of the last decimal
        (that is JS-PF-013)."""
        if _explained(c, rate.value):
            return False

        def at(value: Decimal) -> Comparison | None:
            coarse = Fact(rate.table, rate.row, rate.column, value, rate.raw, rate.prov, rate.label, rate.project)
            return _ratio(coarse, ex, den)

        places = coarser_places(rate.value, at)
        if places is None:
            return False
        quotient = ex.value / den.value * HUNDRED
        fields = v.fields(rate, row)
        fields.update(printed=_shown(rate), expected=_fmt(quotient), executed=v.amount(ex), denominator=v.amount(den),
                      basis_name=_BASIS_NAMES[want], why=f"执行率按{places_name(places)}舍入")
        self.items.append((COARSE_ID, _issue(v, fields, [rate, ex, den], _fmt(quotient), _fmt(rate.value),
                                             _fmt(rate.value - quotient))))
        return True

    def _balance(self, v: _View, row: str, cols: _Row, bal: Fact, ex: Fact) -> None:
        """资金结转结余 = 预算数 − 执行数 (全年预算数, or 年初预算数)."""
        dens = [f for col in ("budget_full", "budget_initial") if (f := cols.get(col)) is not None]
        if not dens or any(bal.value == d.value - ex.value for d in dens):
            return
        b, e = _amount(bal), _amount(ex)
        cs = [compare(b, [(1, _amount(d)), (-1, e)]) for d in dens]
        if any(c.ok for c in cs):
            return
        c, den = cs[0], dens[0]
        fields = v.fields(bal, row)
        fields.update(basis_name=perf_column_name(den.column), budget=v.amount(den), executed=v.amount(ex))
        self.items.append(_identity_issue(BALANCE_ID, v, fields, [bal, den, ex], c, "资金结转结余"))

    # -- execution score --------------------------------------------------------------------------

    def _exec_scores(self, t: _Table, others: int, others_follow: int) -> None:
        v = t.v
        rule = v.meta.score_rule
        if rule and not _OTHER_SCORE_RULE.search(rule):
            source = f"本表表注（“{rule}”）"
        elif others >= 2 and 2 * others_follow > others:
            source = f"本文件其他表格的计分方式（{others_follow}/{others} 张表符合）"
        else:
            return
        for row, score, rate, w, _weight, c, _ok in t.exec_rows:
            if c is None or c.ok:
                continue
            fields = v.fields(score, row)
            fields.update(score_source=source, weight=_raw(w) if w is not None else "10", rate=_pct(rate),
                          weight_note="" if w is not None else "（分值未列示，按10分计）")
            self.items.append(_identity_issue(EXEC_ID, v, fields, [score, rate, w], c, "执行率得分"))

    # -- indicators -------------------------------------------------------------------------------

    def _degree(self, v: _View, item, others: int, others_follow: int) -> None:
        s, w, d, c, _ok = item
        if others < 2 or 2 * others_follow <= others:
            return
        fields = v.fields(s, s.row)
        fields.update(weight=_raw(w), degree=_pct(d), n_follow=str(others_follow), n_other=str(others))
        rule_id = DEGREE_ID if c.difference > 0 else DOCKED_ID
        self.items.append(_identity_issue(rule_id, v, fields, [s, w, d], c, f"{perf_row_name(s.row, s.label)}得分"))

    # -- scores, weights and grade ------------------------------------------------------------------

    def _over(self, v: _View, s: Fact, w: Fact) -> None:
        c = compare(w.value, [(1, s.value)], unit=SCORE_UNIT)
        if c.ok:
            return
        diff = s.value - w.value
        fields = v.fields(s, s.row)
        fields.update(printed=_raw(s), expected=_raw(w), difference=_fmt(diff))
        self.items.append((OVER_ID, _issue(v, fields, [s, w], _fmt(w.value), _fmt(s.value), _fmt(diff))))

    def _scores(self, t: _Table) -> None:
        v = t.v
        cells = v.cells
        get = cells.get
        sw = [(get((row, "score")), get((row, "weight"))) for row in t.inds]
        ind_scores = [s for s, _ in sw if s is not None]
        ind_weights = [w for _, w in sw if w is not None]
        for s, w in sw:
            if s is not None and w is not None and s.value > w.value and not _dash(w) and not _dash(s):
                self._over(v, s, w)
        extra_scores: list[Fact] = []  # 资金管理 / 年度主要任务
        extra_weights: list[Fact] = []
        for row in t.mgmt:
            s, w = cells.get((row, "score")), cells.get((row, "weight"))
            if s is not None:
                extra_scores.append(s)
            if w is not None and not _dash(w):
                extra_weights.append(w)
                if s is not None and s.value > w.value:
                    self._over(v, s, w)
        for row in t.tasks:
            s, w = cells.get((row, "score")), cells.get((row, "weight"))
            if s is not None:
                extra_scores.append(s)
            if w is not None and not _dash(w):
                extra_weights.append(w)
        exec_score = v.get("funds.total", "score")
        if exec_score is None:
            scored = [f for r in t.funds if (f := cells.get((r, "score"))) is not None and not _dash(f)]
            exec_score = scored[0] if len(scored) == 1 else None
        total = v.get("total", "score")
        sub = v.get("indicators", "score")
        ded = v.get("deduction", "score")
        has_tasks = bool(t.tasks)

        # 分值: Σ = 总分值 (printed) or 100
        missing: Decimal | None = None  # target − Σ 分值 when they do not add up
        tw = v.get("total", "weight")
        if ind_weights and (tw is not None or total is not None):
            wcells = [*ind_weights, *extra_weights]
            ew = v.get("funds.total", "weight")
            default = ""
            wsum = sum([f.value for f in wcells])
            if ew is not None and not _dash(ew):
                wcells.append(ew)
                wsum += ew.value
            elif not has_tasks and exec_score is not None:
                wsum += DEFAULT_EXEC_WEIGHT
                default = "（执行率分值未列示，按10分计）"
            target = tw.value if tw is not None else HUNDRED
            if wsum != target:
                terms = [(1, f.value) for f in wcells]
                if default:
                    terms.append((1, DEFAULT_EXEC_WEIGHT))
                c = compare(target, terms, unit=SCORE_UNIT)
                if not c.ok:
                    missing = target - c.expected
                    fields = v.fields(tw)
                    fields.update(
                        printed=_fmt(target), expected=_fmt(c.expected), difference=_fmt(-missing),
                        target="总分值" if tw is not None else "百分制满分", default_note=default,
                        n=str(len(ind_weights)),
                    )
                    cells = [tw, *wcells] if tw is not None else wcells
                    self.items.append(
                        (WEIGHTS_ID, _issue(v, fields, cells, _fmt(c.expected), _fmt(target), _fmt(-missing)))
                    )

        # 指标自评得分小计 = Σ 指标得分
        if sub is not None and ind_scores and sub.value != sum(f.value for f in ind_scores):
            c = compare(sub.value, [(1, f.value) for f in ind_scores], unit=SCORE_UNIT)
            if not c.ok:
                fields = v.fields(sub, "indicators")
                fields.update(n=str(len(ind_scores)))
                self._sum_issue(SUBTOTAL_ID, v, fields, [sub, *ind_scores], c, "指标自评得分小计", missing)

        # 总分 = 指标得分 + 资金管理/任务得分 + 执行率得分 − 减分项
        if total is not None and (ind_scores or sub is not None):
            plain = sub.value if sub is not None else sum([f.value for f in ind_scores])
            plain += sum([f.value for f in extra_scores])
            if exec_score is not None:
                plain += exec_score.value
            if ded is not None:
                plain -= ded.value
            if total.value != plain:
                self._total(v, total, sub, ind_scores, extra_scores, exec_score, ded, has_tasks, missing)

        # 等级
        grade = v.meta.grade
        if grade and total is not None:
            want = grade_of(total.value)
            got = _GRADE_WORDS.get(grade.replace(" ", ""), grade)
            if want != got:
                fields = v.fields(total, "total")
                fields.update(score=_raw(total), expected=want, printed=grade, thresholds=GRADE_THRESHOLDS)
                self.items.append((GRADE_ID, _issue(v, fields, [total], want, grade, None)))

    def _total(self, v: _View, total: Fact, sub: Fact | None, ind_scores: list[Fact], extra_scores: list[Fact],
               exec_score: Fact | None, ded: Fact | None, has_tasks: bool, missing: Decimal | None) -> None:
        """总分 = 指标得分 + 资金管理/任务得分 + 执行率得分 − 减分项 (they do not add up exactly)."""
        parts: list[tuple[int, str]] = []
        terms: list[tuple[int, Decimal]] = []
        cells: list[Fact | None] = [total]
        if sub is not None:
            terms.append((1, sub.value))
            cells.append(sub)
            parts.append((1, f"指标自评得分小计 {_raw(sub)}"))
        else:
            terms += [(1, f.value) for f in ind_scores]
            cells += ind_scores
            parts.append((1, f"{len(ind_scores)}项指标得分"))
        if extra_scores:
            terms += [(1, f.value) for f in extra_scores]
            cells += extra_scores
            parts.append((1, "年度主要任务得分" if has_tasks else "资金管理得分"))
        if exec_score is not None:
            terms.append((1, exec_score.value))
            cells.append(exec_score)
            parts.append((1, f"执行率得分 {_raw(exec_score)}"))
        if ded is not None:
            terms.append((-1, ded.value))
            cells.append(ded)
            parts.append((-1, f"减分项 {_raw(ded)}"))
        c = compare(total.value, terms, unit=SCORE_UNIT)
        if not c.ok:
            fields = v.fields(total, "total")
            fields.update(composition="".join(
                ("" if i == 0 else ("＋" if sign > 0 else "－")) + p for i, (sign, p) in enumerate(parts)
            ))
            if not ind_scores:
                fields["empty_note"] = "（本表未列任何绩效指标）"
            self._sum_issue(TOTAL_ID, v, fields, cells, c, "总分", None if sub is not None else missing)

    def _sum_issue(self, rule_id: str, v: _View, fields: dict[str, str], cells: list[Fact | None],
                   c: Comparison, what: str, missing: Decimal | None) -> None:
        """A sum of scores that does not match: an error, unless rows the table lost (or repeated)
        can explain it (warning), or it is a truncation (info)."""
        gap = c.difference  # printed − Σ
        if missing is not None and missing != 0:
            tol = c.tolerance
            lost = missing > 0 and -tol <= gap <= missing + tol
            extra = missing < 0 and missing - tol <= gap <= tol
            if lost or extra:
                why = (f"本表各项分值合计比应有分值少 {_fmt(missing)} 分，表格可能缺行（转换时丢失或漏印）"
                       if lost else f"本表各项分值合计比应有分值多 {_fmt(-missing)} 分，表格可能有重复或多余的行")
                f2 = {**fields, "printed": _fmt(c.printed), "expected": _fmt(c.expected),
                      "difference": _fmt(gap), "identity": _TITLES[rule_id], "subject": what, "reason": why}
                self.items.append((INCOMPLETE_ID, _issue(v, f2, cells, _fmt(c.expected), _fmt(c.printed), _fmt(gap))))
                return
            note = f"（本表分值合计亦不符，相差 {_fmt(missing)} 分，但缺失或多出的行不足以解释该差额）"
        else:
            note = ""
        note = fields.pop("empty_note", "") + note
        self.items.append(_identity_issue(rule_id, v, {**fields, "weights_note": note}, cells, c, what))


def _analysis(ctx: Context) -> list[_Item]:
    got = getattr(ctx, "_pf_items", None)
    if got is None:
        got = _Doc(ctx.doc).items
        ctx._pf_items = got  # type: ignore[attr-defined]
    return got


def _checker(rule_id: str):
    def check(ctx: Context) -> Iterator[Issue]:
        for rid, issue in _analysis(ctx):
            if rid == rule_id:
                yield issue

    check.__name__ = f"check_{rule_id.replace('-', '_')}"
    return check

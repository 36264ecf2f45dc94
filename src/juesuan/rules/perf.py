"""Family PF: the performance self-evaluation tables (绩效自评表) add up.

The facts of tables ``perf_project`` / ``perf_department`` (``Fact.project`` names the
self-evaluation; :mod:`juesuan.extract.perf`) are checked table by table:

* 执行率 = 全年执行数 ÷ 预算数 on every funds and task row, the 预算数 being the one the table's note
  names (``PerfTable.rate_basis``), else the one the notes of the document's other tables name, else
  全年预算数 (年初预算数 accepted too when nothing says which);
* 执行率得分 = 分值 × min(执行率, 100%) where the table's note states that rule, or where most other
  tables of the document follow it (分值 10 when not printed); otherwise not checked;
* 资金总额 = Σ 资金来源 and 资金结转结余 = 预算数 − 执行数 on the funds rows;
* every indicator's 得分 ≤ 分值; 得分 = 分值 × 完成程度 where the table prints 完成程度 and most other
  indicators of the document are scored that way;
* 指标自评得分小计 = Σ 指标得分; 总分 = 指标得分 + 资金管理得分 + 任务得分 + 执行率得分 − 减分项;
* 分值 add up to the printed 总分值, else to 100; the grade matches the total (90–100 优, 80–90 良,
  60–80 中, below 60 差).

Values are judged by :func:`juesuan.money.compare` (interval semantics: amounts carry their printed
rounding, scores ±0.005). Beyond that, a mismatch by no more than one unit of the printed last
decimal (0.01 at most) is explained by the value having been truncated (or rounded from unrounded
inputs): it is reported under the rounding rule of the family (info), never as an error. A table
whose 分值 do not add up has lost (or repeated) rows — usually in conversion: a difference of the sum
of the indicator scores that those rows can explain (between zero and the missing 分值) is a warning,
not an error.

The values are read from ``Document.facts`` (so that fault injection by :func:`~juesuan.rules.mutate`
with ``project=`` is seen); the table's notes, grade and title from ``Document.perf``. A document
built from examples has no ``PerfTable``: the note and grade are then read from the printed row names
(``funds.total`` for the note, ``total`` for the grade: ``总分（等级：优）``).
"""

from __future__ import annotations

import re
from decimal import Decimal
from itertools import groupby
from operator import attrgetter
from typing import Any, Iterator

from ..model import CellRef, Document, Fact
from ..money import Comparison, compare, half_unit
from ..extract.perf import PERF_TABLES, grade_of
from ..vocab import PERF_COLUMN_NAMES, PERF_SOURCE_NAMES, PERF_TABLE_NAMES
from .engine import Context, Issue, Rule, ex

_SOURCE_NAMES = PERF_SOURCE_NAMES
_ROW_NAMES = {"total": "总分", "indicators": "指标自评得分小计", "deduction": "减分项"}

LAW_PERF = "《项目支出绩效评价管理办法》（财预〔2020〕10号）：单位自评的内容主要包括项目总体绩效目标、各项绩效指标完成情况以及预算执行情况。"
LAW_PERF_SCORE = (
    "《项目支出绩效评价管理办法》（财预〔2020〕10号）：单位自评指标的权重由各单位根据项目实际情况确定，"
    "原则上预算执行率和一级指标权重统一设置为：预算执行率10%、产出指标50%、效益指标30%、服务对象满意度指标10%。"
)
LAW_PERF_GRADE = (
    "《项目支出绩效评价管理办法》（财预〔2020〕10号）：绩效评价结果采取评分和评级相结合的方式，总分一般设置为"
    "100分，等级一般划分为四档：90（含）-100分为优、80（含）-90分为良、60（含）-80分为中、60分以下为差。"
)

HUNDRED = Decimal(100)
ZERO = Decimal(0)
SCORE_UNIT = Decimal("0.005")  # points: printed to 0.01 at most, integers exact
CENT = Decimal("0.01")
DEFAULT_EXEC_WEIGHT = Decimal(10)
GRADE_THRESHOLDS = "90（含）-100分为优、80（含）-90分为良、60（含）-80分为中、60分以下为差"

_DASH = frozenset({"-", "—", "——", "–", "－", "―", "--", "─"})
_AMOUNT_COLUMNS = ("budget_declared", "budget_initial", "budget_full", "executed", "balance")
_BASIS_NAMES = {"budget_full": "全年预算数", "budget_initial": "年初预算数"}
_OTHER_BASIS = {"budget_full": "budget_initial", "budget_initial": "budget_full"}
_GRADE_WORDS = {"优": "优", "优秀": "优", "良": "良", "良好": "良", "中": "中", "合格": "中", "差": "差", "较差": "差"}
_GRADE_IN_LABEL = re.compile(r"等级[:：]?\s*(优秀|良好|合格|较差|优|良|中|差)")
# a note stating another execution-score rule than 分值 × 执行率 (thresholds, bands)
_OTHER_SCORE_RULE = re.compile(r"低于|不得分|以下|以上|区间|档|扣")


def perf_table_name(table: str) -> str:
    return PERF_TABLE_NAMES.get(table, table)


def perf_column_name(column: str) -> str:
    return PERF_COLUMN_NAMES.get(column, column)


def perf_row_name(row: str, label: str = "") -> str:
    """How a reviewer names a row of a self-evaluation table."""
    if row.startswith("funds."):
        name = _SOURCE_NAMES.get(row[6:], row[6:])
        lab = label.strip().rstrip(":：").replace(" ", "")
        return lab if lab and len(lab) <= 12 and "注" not in lab else name
    if row.startswith("task."):
        return f"年度主要任务{row[5:]}" + (f"「{label}」" if label else "")
    if row.startswith("mgmt."):
        return f"资金管理{row[5:]}" + (f"「{label}」" if label else "")
    if row.startswith("ind."):
        return f"指标「{indicator_name(label)}」" if label else f"指标{row[4:]}"
    if row.startswith("budget."):
        return "部门年初预算收入" if row.endswith("income") else "部门年初预算支出"
    return _ROW_NAMES.get(row, label or row)


def indicator_name(label: str) -> str:
    """The 三级指标 name of an indicator label ``一级/二级/三级 [op unit]``."""
    name = label.rsplit(" [", 1)[0] if label.endswith("]") else label
    parts = [p for p in name.split("/") if p]
    return parts[-1] if parts else label


# --------------------------------------------------------------------------- numbers


def _fmt(value: Decimal) -> str:
    """2 decimals, or up to 4 where 2 would hide the difference (8.016, 83.8385)."""
    q2 = value.quantize(CENT)
    if q2 == value:
        s = format(q2, "f")
    else:
        q4 = value.quantize(Decimal("0.0001"))
        s = format(q4.normalize() if q4 != 0 else q4, "f")
        if "." not in s or len(s.split(".")[1]) < 2:
            s = format(q2, "f")
    return "0.00" if s in ("-0.00", "-0") else s


def _pct(f: Fact | Decimal) -> str:
    v = f.value if isinstance(f, Fact) else f
    return _fmt(v) + "%"


def _raw(f: Fact) -> str:
    return f.raw.strip() or _fmt(f.value)


_DASH_START = frozenset("-—–－―─ ")


def _shown(f: Fact) -> str:
    """A value as printed, for messages: spaces and a trailing % removed (``63.44 %`` → 63.44)."""
    s = f.raw.replace(" ", "").rstrip("%％")
    return s or _fmt(f.value)


def _dash(f: Fact) -> bool:
    """Printed as a dash (a zero fact that means 'not applicable')."""
    if f.value:
        return False
    raw = f.raw
    return bool(raw) and raw[0] in _DASH_START and raw.strip() in _DASH


def _explained(c: Comparison, printed: Decimal) -> bool:
    """A mismatch by at most one unit of the printed last decimal (≤ 0.01) beyond the band:
    the value was truncated, or rounded from unrounded inputs."""
    unit = min(2 * half_unit(printed), CENT)
    return abs(c.difference) <= c.tolerance + unit


_EXACT = Comparison("exact", ZERO, ZERO, ZERO, ZERO)  # a stand-in: "holds", nothing to report


def _amount(f: Fact) -> Decimal:
    """An amount at least at the table's precision (0.01 万元): a budget printed ``80`` is 80.00,
    not 80 ± 0.5 (amounts converted from 元 keep their finer precision)."""
    v = f.value
    exp = v.as_tuple().exponent
    return v.quantize(CENT) if isinstance(exp, int) and exp > -2 else v


def _ratio(rate: Fact, num: Fact, den: Fact) -> Comparison | None:
    """rate ≈ num ÷ den × 100, every value carrying its printed rounding (None: den is zero).

    The interval of the computed side contains num ÷ den × 100 itself, and the band of
    :func:`compare` is at least the rate's own half unit: a rate within that half unit of the
    quotient holds without computing the band (checked in floating point with a margin)."""
    r = rate.value
    hr = half_unit(r)
    fd = float(den.value)
    if fd > 0 and abs(float(r) - float(num.value) / fd * 100.0) < float(hr) * 0.999:
        return _EXACT
    n, d = _amount(num), _amount(den)
    hn, hd = half_unit(n), half_unit(d)
    if d - hd <= 0:
        if n == 0 and d == 0:  # nothing budgeted, nothing spent: printed 0% (or 100%)
            c = compare(r, [(1, ZERO)], unit=hr / 2)
            return c if not c.ok and not compare(r, [(1, HUNDRED)], unit=hr / 2).ok else _EXACT
        return None
    lo = max(n - hn, ZERO) / (d + hd) * HUNDRED
    hi = (n + hn) / (d - hd) * HUNDRED
    return compare(r, [(1, (lo + hi) / 2)], unit=(hr + (hi - lo) / 2) / 2)


def _as_fraction(rate: Fact, num: Fact, den: Fact) -> bool:
    """A rate printed as a fraction (``0.98`` for 98%, no % sign) that holds as such."""
    r = rate.value
    if "%" in rate.raw or "％" in rate.raw or not ZERO < r <= Decimal("1.5") or den.value <= 0:
        return False
    scaled = Fact(rate.table, rate.row, rate.column, r * HUNDRED, rate.raw, rate.prov, rate.label, rate.project)
    c = _ratio(scaled, num, den)
    return c is not None and c.ok


# --------------------------------------------------------------------------- the tables

_Row = dict[str, Fact]  # column -> fact


class _LabelMeta:
    """Notes and grade of a table the document has no PerfTable for (examples): from row names."""

    def __init__(self, table: str, rows: dict[str, _Row]) -> None:
        self.kind = "department" if table == "perf_department" else "project"
        self.project = ""
        self.unit = "万元"
        self.line = min((f.prov.line for r in rows.values() for f in r.values() if f.prov.line), default=0)
        self.rate_basis: str | None = None
        self.rate_rule: str | None = None
        self.score_rule: str | None = None
        self.grade: str | None = None
        note = next((f.label for f in rows.get("funds.total", {}).values() if f.label), "")
        if "执行率得分" in note:
            self.score_rule = note
        elif "执行率" in note and ("全年预算" in note or "年初预算" in note):
            self.rate_rule = note
            self.rate_basis = "budget_full" if "全年预算" in note else "budget_initial"
        m = _GRADE_IN_LABEL.search(next((f.label for f in rows.get("total", {}).values() if f.label), ""))
        if m:
            self.grade = m.group(1)


_READ_COLUMNS = (*_AMOUNT_COLUMNS, "rate", "weight", "score", "degree")
_READ = frozenset(_READ_COLUMNS)
_AMOUNT_SET = frozenset(_AMOUNT_COLUMNS)


class _View:
    """One self-evaluation table as the rules read it: its printed cells and its metadata."""

    __slots__ = ("table", "key", "cells", "order", "meta", "_rows")

    def __init__(self, table: str, key: str, cells: dict[tuple[str, str], Fact]) -> None:
        self.table = table
        self.key = key  # Fact.project
        self.cells = cells  # (row, column) -> fact
        self.order = list(dict.fromkeys([r for r, _ in cells]))  # rows in printed order
        self.meta: Any = None  # PerfTable or _LabelMeta
        self._rows: dict[str, _Row] = {}

    @property
    def rows(self) -> dict[str, _Row]:
        """row -> column -> fact for every row (built on demand: examples and _LabelMeta)."""
        return {r: self.row(r) for r in self.order}

    def row(self, row: str) -> _Row:
        got = self._rows.get(row)
        if got is None:
            cells = self.cells
            got = self._rows[row] = {c: f for c in _READ_COLUMNS if (f := cells.get((row, c))) is not None}
        return got

    @property
    def name(self) -> str:
        return self.meta.project or self.key or "（未命名）"

    def get(self, row: str, col: str) -> Fact | None:
        return self.cells.get((row, col))

    def amount(self, f: Fact) -> str:
        """An amount as printed, with the unit when the table prints 元."""
        return _raw(f) + ("元" if getattr(self.meta, "unit", "万元") == "元" else "")

    def fields(self, f: Fact | None = None, row: str | None = None) -> dict[str, str]:
        line = self.meta.line
        at = f.prov.describe() if f is not None else (f"第{line}行" if line else "")
        out = {
            "table_name": perf_table_name(self.table),
            "project": self.name,
            "where": at,
            "title_line": f"第{line}行" if line else "",
        }
        if row is not None:
            out["row_label"] = perf_row_name(row, f.label if f is not None else "")
        return out


_GROUP_KEY = attrgetter("table", "project")


def _views(doc: Document) -> list[_View]:
    facts = doc.facts
    perf = [f for f in facts if f.project]
    if not perf:  # documents built from examples: perf facts without a project name
        perf = [f for f in facts if f.table in PERF_TABLES]
        if not perf:
            return []
    groups: dict[tuple[str, str], dict[tuple[str, str], Fact]] = {}
    read = _READ
    for k, grp in groupby(perf, _GROUP_KEY):
        if k[0] not in PERF_TABLES:
            continue
        cells = {(f.row, f.column): f for f in grp if f.column in read}  # a cell is printed once
        got = groups.get(k)
        if got is None:
            groups[k] = cells
        else:  # a fact added after the others (fault injection): keep the earlier ones
            for key, f in cells.items():
                got.setdefault(key, f)
    metas = {(p.table_id, p.key): p for p in doc.perf}
    out = []
    for (t, key), cells in groups.items():
        v = _View(t, key, cells)
        meta = metas.get((t, key))
        v.meta = meta if meta is not None else _LabelMeta(t, v.rows)
        out.append(v)
    return out


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


# --------------------------------------------------------------------------- fault injection


PLANT_COLUMNS = ("executed", "budget_full", "rate", "score")


def perf_cells(doc: Document) -> list[tuple[str, str, str, str]]:
    """(project, table, row, column) of every printed 全年执行数, 全年预算数, 执行率 and 得分 cell
    (总分 included) of the self-evaluation tables: where fault injection plants wrong values."""
    return [
        (f.project, f.table, f.row, f.column)
        for f in doc.facts
        if f.table in PERF_TABLES and f.column in PLANT_COLUMNS
    ]


def caught(findings, project: str, table: str, row: str, column: str) -> bool:
    """Whether an error finding names the cell."""
    return any(
        f.severity == "error"
        and any(c.project == project and c.table == table and c.row == row and c.column == column for c in f.cells)
        for f in findings
    )


# --------------------------------------------------------------------------- the rules

RATE_ID = "JS-PF-001"
EXEC_ID = "JS-PF-002"
SOURCES_ID = "JS-PF-003"
BALANCE_ID = "JS-PF-004"
OVER_ID = "JS-PF-005"
DEGREE_ID = "JS-PF-006"
DOCKED_ID = "JS-PF-007"
SUBTOTAL_ID = "JS-PF-008"
TOTAL_ID = "JS-PF-009"
GRADE_ID = "JS-PF-010"
WEIGHTS_ID = "JS-PF-011"
INCOMPLETE_ID = "JS-PF-012"
ROUNDING_ID = "JS-PF-013"

_TITLES = {
    RATE_ID: "绩效自评表：执行率等于全年执行数除以预算数",
    EXEC_ID: "绩效自评表：执行率得分等于分值乘以执行率",
    SOURCES_ID: "绩效自评表：资金总额等于各资金来源之和",
    BALANCE_ID: "绩效自评表：资金结转结余等于预算数减执行数",
    OVER_ID: "绩效自评表：指标得分不超过分值",
    DEGREE_ID: "绩效自评表：指标得分不超过分值乘以完成程度",
    DOCKED_ID: "绩效自评表：指标得分低于完成程度对应的得分",
    SUBTOTAL_ID: "绩效自评表：指标自评得分小计等于各指标得分之和",
    TOTAL_ID: "绩效自评表：总分等于各项得分之和",
    GRADE_ID: "绩效自评表：评价等级与总分相符",
    WEIGHTS_ID: "绩效自评表：各项分值合计等于总分值",
    INCOMPLETE_ID: "绩效自评表疑似缺行或多行，得分合计无法核对",
    ROUNDING_ID: "绩效自评表数值截尾或尾差",
}

_P = "perf_project"


def _rule(rule_id: str, severity: str, legal: str, message: str, doc: str, passing, failing) -> Rule:
    return Rule(
        id=rule_id, title=_TITLES[rule_id], severity=severity, family="PF",  # type: ignore[arg-type]
        legal_basis=legal, message=message, doc=doc, check=_checker(rule_id),
        passing=tuple(passing), failing=tuple(failing),
    )


_NOTE_INITIAL = {f"{_P}/funds.total": "年度资金总额（注：执行率是执行数与年初预算数相比较）"}
_NOTE_SCORE = {f"{_P}/funds.total": "年度资金总额（注：执行率得分=分值×执行率）"}

RULES = [
    _rule(
        RATE_ID, "error", LAW_PERF,
        "{table_name}「{project}」{row_label}（{where}）：执行率印为 {printed}%，按{basis_source}应为 全年执行数 "
        "{executed} ÷ {basis_name} {denominator} = {expected}%，相差 {difference} 个百分点{note}",
        "执行率 = 全年执行数 ÷ 预算数 × 100%，逐行（资金总额、各资金来源、年度主要任务）检查。分母取本表表注"
        "（如“执行率是执行数与全年预算数相比较”）所说的预算数；本表没有表注时取本文件其他表格表注的口径；"
        "文件中均未说明时按全年预算数，也接受按年初预算数计算的结果。执行数、预算数和执行率都按印刷精度"
        "视为区间。表中执行率与另一口径一致时在消息中注明（疑按另一口径计算）。预算数为零时不检查。",
        [ex(f"{_P}/funds.total/budget_full=3455.63", f"{_P}/funds.total/executed=2192.25",
            f"{_P}/funds.total/rate=63.44"),
         ex(f"{_P}/funds.total/budget_initial=80.00", f"{_P}/funds.total/budget_full=100.00",
            f"{_P}/funds.total/executed=60.00", f"{_P}/funds.total/rate=75.00", labels=_NOTE_INITIAL,
            note="表注：执行率与年初预算数相比较")],
        [ex(f"{_P}/funds.total/budget_full=3455.63", f"{_P}/funds.total/executed=2192.25",
            f"{_P}/funds.total/rate=69.30"),
         ex(f"{_P}/funds.total/budget_initial=80.00", f"{_P}/funds.total/budget_full=100.00",
            f"{_P}/funds.total/executed=60.00", f"{_P}/funds.total/rate=60.00", labels=_NOTE_INITIAL,
            note="按全年预算数计算，与表注口径不符")],
    ),
    _rule(
        EXEC_ID, "error", LAW_PERF_SCORE,
        "{table_name}「{project}」{row_label}（{where}）：执行率得分印为 {printed}，按{score_source}"
        "（得分 = 分值 × min(执行率, 100%)）应为 {weight} × {rate} = {expected}{weight_note}，相差 {difference}",
        "执行率得分 = 分值 × min(执行率, 100%)（执行率超过100%按满分计），检查资金总额行、印有得分的资金来源行"
        "和年度主要任务行；分值未列示时按10分计。各地计分办法不一：本表表注说明了这一算法时检查；没有表注时，"
        "本文件其他表格多数（过半且至少两张）符合这一算法才检查，并在消息中注明；否则不检查。",
        [ex(f"{_P}/funds.total/weight=10", f"{_P}/funds.total/rate=63.44", f"{_P}/funds.total/score=6.34",
            labels=_NOTE_SCORE, note="表注说明执行率得分算法"),
         ex(f"{_P}/funds.total/weight=10", f"{_P}/funds.total/rate=63.44", f"{_P}/funds.total/score=7.05",
            note="无表注、无其他表格可参照：不检查")],
        [ex(f"{_P}/funds.total/weight=10", f"{_P}/funds.total/rate=63.44", f"{_P}/funds.total/score=7.05",
            labels=_NOTE_SCORE, note="10 × 63.44% = 6.34")],
    ),
    _rule(
        SOURCES_ID, "error", LAW_PERF,
        "{table_name}「{project}」（{where}）「{column_name}」：资金总额印为 {printed}，各资金来源 {other} 合计 "
        "{expected}，相差 {difference}",
        "资金总额行的年初预算数、全年预算数、全年执行数、结转结余应分别等于各资金来源行（财政拨款或其中的中央、"
        "省级、市县资金，上年结转、财政专户管理资金、单位资金、其他资金）之和。只印一个来源且标为“其中”时不检查。",
        [ex(f"{_P}/funds.total/budget_full=100.00", f"{_P}/funds.fiscal/budget_full=80.00",
            f"{_P}/funds.unit_funds/budget_full=20.00")],
        [ex(f"{_P}/funds.total/budget_full=100.00", f"{_P}/funds.fiscal/budget_full=80.00",
            f"{_P}/funds.unit_funds/budget_full=10.00")],
    ),
    _rule(
        BALANCE_ID, "error", LAW_PERF,
        "{table_name}「{project}」{row_label}（{where}）：资金结转结余印为 {printed}，{basis_name} {budget} − "
        "全年执行数 {executed} = {expected}，相差 {difference}",
        "资金结转（结余）= 全年预算数 − 全年执行数（也接受按年初预算数计算），逐行检查。",
        [ex(f"{_P}/funds.total/budget_full=100.00", f"{_P}/funds.total/executed=60.00",
            f"{_P}/funds.total/balance=40.00")],
        [ex(f"{_P}/funds.total/budget_full=100.00", f"{_P}/funds.total/executed=60.00",
            f"{_P}/funds.total/balance=30.00")],
    ),
    _rule(
        OVER_ID, "error", LAW_PERF_SCORE,
        "{table_name}「{project}」{row_label}（{where}）：得分 {printed} 超过分值 {expected}，超出 {difference}",
        "每项绩效指标（及资金管理项）的得分不能超过其分值。",
        [ex(f"{_P}/ind.1/weight=10", f"{_P}/ind.1/score=10", f"{_P}/ind.2/weight=5", f"{_P}/ind.2/score=2.5")],
        [ex(f"{_P}/ind.1/weight=10", f"{_P}/ind.1/score=12", labels={f"{_P}/ind.1": "产出指标/数量指标/培训人数"})],
    ),
    _rule(
        DEGREE_ID, "error", LAW_PERF_SCORE,
        "{table_name}「{project}」{row_label}（{where}）：完成程度 {degree}、分值 {weight}，按本文件其他指标的"
        "计分方式（得分 = 分值 × 完成程度，{n_follow}/{n_other} 项符合）最多应得 {expected}，表中得分 {printed}，"
        "高出 {difference}",
        "表中列有“完成程度”时，指标得分 = 分值 × min(完成程度, 100%)。得分高于这一数值（部分完成却得高分）"
        "无法由扣分解释，报告为错误。各地计分办法不一：只有本文件其他列有完成程度的指标多数（过半且至少两项）"
        "按此计分时才检查，消息中注明符合的项数。",
        [ex(f"{_P}/ind.1/degree=100", f"{_P}/ind.1/weight=12.5", f"{_P}/ind.1/score=12.5",
            f"{_P}/ind.2/degree=37.0", f"{_P}/ind.2/weight=12.5", f"{_P}/ind.2/score=4.625",
            f"{_P}/ind.3/degree=100", f"{_P}/ind.3/weight=10", f"{_P}/ind.3/score=10")],
        [ex(f"{_P}/ind.1/degree=100", f"{_P}/ind.1/weight=12.5", f"{_P}/ind.1/score=12.5",
            f"{_P}/ind.2/degree=37.0", f"{_P}/ind.2/weight=12.5", f"{_P}/ind.2/score=4.625",
            f"{_P}/ind.3/degree=40.0", f"{_P}/ind.3/weight=12.5", f"{_P}/ind.3/score=12.5",
            note="完成程度40%却得满分")],
    ),
    _rule(
        DOCKED_ID, "warning", LAW_PERF_SCORE,
        "{table_name}「{project}」{row_label}（{where}）：完成程度 {degree}、分值 {weight}，按本文件其他指标的"
        "计分方式（得分 = 分值 × 完成程度，{n_follow}/{n_other} 项符合）应得 {expected}，表中得分 {printed}，"
        "少 {difference_abs}；可能另有扣分（如偏差过大、目标设置不合理），请核实并在表中说明",
        "表中列有“完成程度”时，指标得分 = 分值 × min(完成程度, 100%)：完成程度100%应得满分，部分完成按比例得分。"
        "得分低于这一数值（完成程度100%却扣分，或部分完成却得0分）与表中的完成程度不一致；但评分人可能按偏差"
        "扣分等规则另行扣分，故作警告。只有本文件其他列有完成程度的指标多数（过半且至少两项）按此计分时才检查。",
        [ex(f"{_P}/ind.1/degree=100", f"{_P}/ind.1/weight=12.5", f"{_P}/ind.1/score=12.5",
            f"{_P}/ind.2/degree=37.0", f"{_P}/ind.2/weight=12.5", f"{_P}/ind.2/score=4.625",
            f"{_P}/ind.3/degree=100", f"{_P}/ind.3/weight=10", f"{_P}/ind.3/score=10")],
        [ex(f"{_P}/ind.1/degree=100", f"{_P}/ind.1/weight=12.5", f"{_P}/ind.1/score=12.5",
            f"{_P}/ind.2/degree=37.0", f"{_P}/ind.2/weight=12.5", f"{_P}/ind.2/score=4.625",
            f"{_P}/ind.3/degree=100", f"{_P}/ind.3/weight=12.5", f"{_P}/ind.3/score=7.5",
            note="完成程度100%却扣5分")],
    ),
    _rule(
        SUBTOTAL_ID, "error", LAW_PERF_SCORE,
        "{table_name}「{project}」（{where}）：指标自评得分小计印为 {printed}，{n} 项指标得分合计 {expected}，"
        "相差 {difference}{weights_note}",
        "“指标自评得分小计”应等于各项绩效指标得分之和（得分按 ±0.005 的区间比较）。表格分值合计不符、"
        "差额可由缺失或重复的行解释时，改由 JS-PF-011 作警告。",
        [ex(f"{_P}/ind.1/score=10", f"{_P}/ind.2/score=5", f"{_P}/indicators/score=15")],
        [ex(f"{_P}/ind.1/score=10", f"{_P}/ind.2/score=5", f"{_P}/indicators/score=18")],
    ),
    _rule(
        TOTAL_ID, "error", LAW_PERF_SCORE,
        "{table_name}「{project}」（{where}）：总分印为 {printed}，{composition} 合计 {expected}，相差 "
        "{difference}{weights_note}",
        "总分 = 指标得分（印有“指标自评得分小计”时取小计，否则取各指标得分之和）＋资金管理得分或年度主要任务得分"
        "＋执行率得分 − 减分项。按各指标得分求和、而表格分值合计不符且差额可由缺失或重复的行解释时，改由 "
        "JS-PF-011 作警告；按印出的小计求和时，这一行的算术与缺行无关，照常报告错误。",
        [ex(f"{_P}/ind.1/score=50", f"{_P}/ind.2/score=32.5", f"{_P}/funds.total/score=7.84",
            f"{_P}/total/score=90.34"),
         ex(f"{_P}/indicators/score=32", f"{_P}/funds.total/score=7.84", f"{_P}/deduction/score=0",
            f"{_P}/total/score=39.84")],
        [ex(f"{_P}/indicators/score=0", f"{_P}/funds.total/score=7.06", f"{_P}/deduction/score=0",
            f"{_P}/total/score=0", note="总得分0，执行率得分却为7.06")],
    ),
    _rule(
        GRADE_ID, "error", LAW_PERF_GRADE,
        "{table_name}「{project}」（{where}）：总分 {score} 对应等级「{expected}」（{thresholds}），表中评价等级"
        "印为「{printed}」",
        f"评价等级应与总分相符：{GRADE_THRESHOLDS}。",
        [ex(f"{_P}/total/score=85", labels={f"{_P}/total": "总分（等级：良）"})],
        [ex(f"{_P}/total/score=85", labels={f"{_P}/total": "总分（等级：优）"})],
    ),
    _rule(
        WEIGHTS_ID, "warning", LAW_PERF_SCORE,
        "{table_name}「{project}」（{title_line}）：{n} 项指标及执行率等各项分值合计 {expected}{default_note}，"
        "{target} {printed}，相差 {difference}",
        "各项指标、资金管理（或年度主要任务）和执行率的分值之和应等于印出的总分值，未印总分值时应为100分"
        "（执行率分值未列示时按10分计）。不符说明表格可能丢了行（转换或印制时）或本身设置有误，作警告；"
        "同一表格的得分合计检查据此降级（见 JS-PF-011）。",
        [ex(f"{_P}/ind.1/weight=50", f"{_P}/ind.2/weight=40", f"{_P}/funds.total/weight=10",
            f"{_P}/total/score=90")],
        [ex(f"{_P}/ind.1/weight=50", f"{_P}/ind.2/weight=30", f"{_P}/funds.total/weight=10",
            f"{_P}/total/score=90")],
    ),
    _rule(
        INCOMPLETE_ID, "warning", LAW_PERF_SCORE,
        "{table_name}「{project}」（{where}）：{subject}印为 {printed}，按所列各行合计 {expected}，相差 {difference}；"
        "{reason}，差额在缺失（或多出）分值的范围内，可由此解释，故作警告而非错误（{identity}）",
        "表格的分值合计不符（JS-PF-010）时，按各指标得分求和的检查（小计、总分）可能因缺行或重复行而不符：缺行时"
        "差额在 0 到缺失分值之间、多出行时在负的多出分值到 0 之间，即可由这些行解释，报告为警告；超出此范围仍由"
        "原规则报告错误。",
        [ex(f"{_P}/ind.1/weight=50", f"{_P}/ind.1/score=50", f"{_P}/ind.2/weight=40", f"{_P}/ind.2/score=40",
            f"{_P}/funds.total/weight=10", f"{_P}/funds.total/score=10", f"{_P}/total/score=100")],
        [ex(f"{_P}/ind.1/weight=50", f"{_P}/ind.1/score=50", f"{_P}/ind.2/weight=30", f"{_P}/ind.2/score=30",
            f"{_P}/funds.total/weight=10", f"{_P}/funds.total/score=10", f"{_P}/total/score=95",
            note="分值合计90，少10分；总分比得分合计多5分，可由丢失的一行解释")],
    ),
    _rule(
        ROUNDING_ID, "info", "",
        "{identity_rule}「{identity_title}」：{table_name}「{project}」（{where}）{subject}印为 {printed}，计算值 "
        "{expected}，相差 {difference}，超出四舍五入区间（±{tolerance}）但不足末位一个单位，属{kind}或尾差",
        "绩效自评表的执行率、得分常按截尾（舍去）而非四舍五入印出，或由未经舍入的金额算出。差额超出 money.compare "
        "的区间、但不超过印刷末位一个单位（最多0.01）时，不报错误，只在此作提示，并注明是哪条规则的哪个等式。",
        [ex(f"{_P}/funds.total/weight=10", f"{_P}/funds.total/rate=80.16", f"{_P}/funds.total/score=8.02",
            labels=_NOTE_SCORE)],
        [ex(f"{_P}/funds.total/weight=10", f"{_P}/funds.total/rate=80.16", f"{_P}/funds.total/score=8.01",
            labels=_NOTE_SCORE, note="10 × 80.16% = 8.016，印 8.01（截尾）")],
    ),
]

assert [r.id for r in RULES] == list(_TITLES), "rule order"

__all__ = [
    "GRADE_THRESHOLDS",
    "PERF_COLUMN_NAMES",
    "PERF_TABLES",
    "PERF_TABLE_NAMES",
    "PLANT_COLUMNS",
    "RULES",
    "caught",
    "grade_of",
    "indicator_name",
    "perf_cells",
    "perf_column_name",
    "perf_row_name",
    "perf_table_name",
]

"""Names, numbers and rule ids shared by the 绩效自评 rules."""

from __future__ import annotations

import re
from decimal import Decimal

from ...model import Fact
from ...money import Comparison, compare, fmt, half_unit, in_money_range
from ...vocab import PERF_COLUMN_NAMES, PERF_SOURCE_NAMES, PERF_TABLE_NAMES


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
    if not in_money_range(value):
        return fmt(value)  # never fails, whatever the size
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
    return v.quantize(CENT) if isinstance(exp, int) and exp > -2 and in_money_range(v) else v


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
COARSE_ID = "JS-PF-014"

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
    COARSE_ID: "绩效自评表：执行率按较少小数位舍入",
}

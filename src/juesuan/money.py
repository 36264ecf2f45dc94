"""Printed amounts: parsing, and the one place where rounding tolerance is decided.

Every printed value v with d decimals stands for the interval [v - h, v + h], h = 0.5 * 10**-d
(XBRL Calculations 1.1 semantics). An identity ``printed == Σ terms`` holds when the interval of
the computed side and the interval of the printed side intersect; a non-zero difference inside
that band is a rounding note, outside it an inconsistency. The band grows with the number of
printed terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Context, Decimal, InvalidOperation, localcontext
from typing import Iterable, Literal

ZERO = Decimal(0)

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－＋％", "0123456789.,-+%")
# dashes printed for "zero" or "not applicable"
_DASHES = {"-", "—", "——", "–", "－", "―", "─", "--", "---", "———"}
_AMOUNT_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")

# The money range: an amount has at most MAX_INTEGER_DIGITS digits before the point and
# MAX_DECIMALS after it (10**18 万元 is far beyond any budget; 20 decimals beyond any print).
# So sums of a few million of them, and their quantizing to 4 decimals, stay exact within
# Decimal's default 28-digit context; printed text outside the range is not an amount.
MAX_INTEGER_DIGITS = 18
MAX_DECIMALS = 20


def clean_amount_text(text: str) -> str:
    """Remove what is not part of a number: spaces, thousands separators, full-width forms."""
    s = text.translate(_FULLWIDTH).strip()
    s = s.replace(",", "").replace(" ", "").replace("\u3000", "").replace("\u00a0", "")
    return s


def parse_amount(text: str) -> Decimal | None:
    """The value of a printed amount cell.

    Returns None for a blank cell (no fact), Decimal(0) for a printed dash, and raises
    ValueError for text that is not an amount.
    """
    s = clean_amount_text(text)
    if s == "":
        return None
    if s in _DASHES:
        return ZERO
    if s.startswith("(") and s.endswith(")"):  # accounting negative
        s = "-" + s[1:-1]
    if not _AMOUNT_RE.match(s):
        raise ValueError(f"not an amount: {text!r}")
    whole, _, frac = s.lstrip("+-").partition(".")
    if len(whole.lstrip("0")) > MAX_INTEGER_DIGITS or len(frac) > MAX_DECIMALS:
        raise ValueError(f"not an amount (outside the money range): {text[:40]!r}")
    try:
        return Decimal(s)
    except InvalidOperation as exc:  # pragma: no cover - regex guards this
        raise ValueError(f"not an amount: {text!r}") from exc


def in_money_range(value: Decimal) -> bool:
    """True for a finite amount within the money range (see :data:`MAX_INTEGER_DIGITS`)."""
    if not value.is_finite():
        return False
    return value == 0 or value.adjusted() < MAX_INTEGER_DIGITS


def is_amount(text: str) -> bool:
    try:
        return parse_amount(text) is not None
    except ValueError:
        return False


def half_unit(value: Decimal) -> Decimal:
    """Half of the last printed digit's unit: 0.005 for '12.34', 0.5 for '12'."""
    exp = value.as_tuple().exponent
    if not isinstance(exp, int):  # NaN/Infinity never come from parse_amount
        return ZERO
    return Decimal(5).scaleb(exp - 1)


Outcome = Literal["exact", "rounding", "mismatch"]


@dataclass(frozen=True, slots=True)
class Comparison:
    """The result of comparing a printed value with a value computed from printed terms."""

    outcome: Outcome
    expected: Decimal  # the computed side
    printed: Decimal
    difference: Decimal  # printed - expected
    tolerance: Decimal  # the half-width of the band used

    @property
    def ok(self) -> bool:
        return self.outcome != "mismatch"


def compare(
    printed: Decimal,
    terms: Iterable[tuple[int, Decimal]],
    *,
    unit: Decimal | None = None,
) -> Comparison:
    """Compare ``printed`` with ``Σ sign * value`` over ``terms`` (sign is +1 or -1).

    Missing cells should be passed as Decimal(0) with the table's precision (they were printed
    blank, so they carry no rounding of their own: callers may leave them out). ``unit`` forces
    the per-value half-unit (e.g. Decimal("0.005")) when the printed precision is unknown.
    """
    expected = ZERO
    tol = half_unit(printed) if unit is None else unit
    for sign, value in terms:
        expected += value if sign > 0 else -value
        tol += half_unit(value) if unit is None else unit
    return _judge(printed, expected, tol)


def compare_ge(larger: Decimal, smaller: Decimal) -> Comparison:
    """``larger >= smaller`` under interval semantics (holds if the intervals allow it)."""
    tol = half_unit(larger) + half_unit(smaller)
    diff = larger - smaller
    if diff >= 0:
        outcome: Outcome = "exact"
    elif -diff <= tol:
        outcome = "rounding"
    else:
        outcome = "mismatch"
    return Comparison(outcome, smaller, larger, diff, tol)


def compare_ratio(
    printed_pct: Decimal,
    part: Decimal,
    whole: Decimal,
    *,
    change: Literal["increase", "decrease"] | None = None,
) -> Comparison | None:
    """A printed percentage against ``100 · part / base`` under interval semantics.

    ``base`` is ``whole`` (a share 占…%, a completion rate 完成预算的…%), or for a year-on-year
    change the prior-year value the change implies: ``whole − part`` after an increase,
    ``whole + part`` after a decrease (``part`` the change amount, ``whole`` the current value).

    ``part`` and ``whole`` stand for the intervals of their printed precision (a zero as 0.00), the
    percentage for ±half its last digit. The ratio is monotone in both amounts, so its interval is
    reached at the corners. ``exact``: the ratio of the printed amounts rounds to the printed
    percentage; ``rounding``: it does not, but some values inside the amounts' intervals give it;
    ``mismatch``: none does. A percentage that is the ratio truncated rather than rounded at its
    last digit (99.868 % printed 99.86 %, a common convention) is ``rounding`` too, never an error.
    ``expected`` is the ratio of the printed amounts, ``tolerance`` the
    largest distance from it that the intervals allow. None when the ratio is undefined (a zero
    base with a non-zero part, or a base whose interval reaches zero); 0 % of 0 is exact.
    """
    hp = half_unit(part) if part != 0 else Decimal("0.005")
    hw = half_unit(whole) if whole != 0 else Decimal("0.005")
    hz = half_unit(printed_pct)

    def base(p: Decimal, w: Decimal) -> Decimal:
        if change == "increase":
            return w - p
        if change == "decrease":
            return w + p
        return w

    hundred = Decimal(100)
    b = base(part, whole)
    if b == 0 or base(part + hp, whole - hw) <= 0:
        if part == 0 and printed_pct == 0:
            return Comparison("exact", ZERO, printed_pct, ZERO, hz)
        return None
    point = hundred * part / b
    low = hundred * max(part - hp, ZERO) / base(max(part - hp, ZERO), whole + hw)
    high = hundred * (part + hp) / base(part + hp, whole - hw)
    diff = printed_pct - point
    tol = max(point - low, high - point) + hz
    if abs(diff) <= hz:
        outcome: Outcome = "exact"
    elif printed_pct + hz >= low and printed_pct - hz <= high:
        outcome = "rounding"
    elif printed_pct <= high and printed_pct + 2 * hz > low:
        outcome = "rounding"  # the ratio cut (not rounded) at the printed digit: 99.868 → 99.86
    else:
        outcome = "mismatch"
    return Comparison(outcome, point, printed_pct, diff, tol)


def _judge(printed: Decimal, expected: Decimal, tol: Decimal) -> Comparison:
    diff = printed - expected
    if diff == 0:
        outcome: Outcome = "exact"
    elif abs(diff) <= tol:
        outcome = "rounding"
    else:
        outcome = "mismatch"
    return Comparison(outcome, expected, printed, diff, tol)


def fmt(value: Decimal | None, places: int = 2) -> str:
    """Format an amount for messages: fixed decimals, no exponent. Never fails: NaN and
    infinities print as such, and a value of any size is quantized with enough precision."""
    if value is None:
        return ""
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    if not value.is_finite():
        return "NaN" if value.is_nan() else ("-Infinity" if value < 0 else "Infinity")
    q = Decimal(1).scaleb(-places)
    digits = max(value.adjusted(), 0) + places + 2
    if digits > 400:  # no message prints 400 digits: scientific notation
        return format(value, ".6e")
    with localcontext(Context(prec=max(28, digits))):
        return format(value.quantize(q), "f")

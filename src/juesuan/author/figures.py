"""The figures the narrative prints, computed from the facts and rounded as printed.

Amounts: 0.01 万元. Percentages: 0.01 %, half up. Shares of one whole add up to 100.00 % by the
largest-remainder method (Hamilton): each share is cut to 0.01 %, and the hundredths still
missing go to the shares with the largest remainders. Changes are current minus prior, the rate
against the prior; a rate is None when the prior is zero (a growth from nothing has no rate).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Sequence

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def wan(value: Decimal) -> str:
    """An amount in 万元 as the narrative prints it: ``1234.50``."""
    return format(value.quantize(CENT, rounding=ROUND_HALF_UP), "f")


def pct(value: Decimal) -> str:
    return format(value.quantize(CENT, rounding=ROUND_HALF_UP), "f")


def rate(part: Decimal, whole: Decimal) -> Decimal | None:
    """100 · part / whole, rounded to 0.01 (None for a zero whole)."""
    if whole == 0:
        return None
    return (HUNDRED * part / whole).quantize(CENT, rounding=ROUND_HALF_UP)


def shares(parts: Sequence[Decimal], whole: Decimal | None = None) -> list[Decimal]:
    """Each part's share of ``whole`` (default: their sum), in 0.01 %, summing to 100.00 %
    when the parts make up the whole (largest remainder); all zeros for a zero whole."""
    total = sum(parts, Decimal(0)) if whole is None else whole
    if total == 0:
        return [Decimal("0.00") for _ in parts]
    given = sum(parts, Decimal(0))
    if given != total and given and abs(given - total) <= CENT / 2 * (len(parts) + 1):
        total = given  # the parts make up the whole within the tables' rounding (尾差)
    exact = [HUNDRED * p / total for p in parts]
    cut = [e.quantize(CENT, rounding=ROUND_DOWN) for e in exact]
    if given != total or any(p < 0 for p in parts):
        return [e.quantize(CENT, rounding=ROUND_HALF_UP) for e in exact]  # not a partition: plain rounding
    missing = int(((HUNDRED - sum(cut, Decimal(0))) / CENT).to_integral_value())
    order = sorted(range(len(parts)), key=lambda i: (exact[i] - cut[i], parts[i]), reverse=True)
    for i in order[:max(0, missing)]:
        cut[i] += CENT
    return cut


@dataclass(frozen=True)
class Change:
    current: Decimal
    prior: Decimal

    @property
    def delta(self) -> Decimal:
        return self.current - self.prior

    @property
    def rate(self) -> Decimal | None:
        if self.prior == 0:
            return None
        return (HUNDRED * abs(self.delta) / abs(self.prior)).quantize(CENT, rounding=ROUND_HALF_UP)

    def sentence(self, subject: str, *, reason: bool = True) -> str:
        """与上年相比，<subject>增加 x 万元，增长 y%（主要原因：＿＿）。"""
        d = self.delta.quantize(CENT, rounding=ROUND_HALF_UP)
        tail = "，主要原因：＿＿" if reason else ""
        if d == 0:
            return f"与上年相比，{subject}持平{tail}。"
        verb, rverb = ("增加", "增长") if d > 0 else ("减少", "下降")
        r = self.rate
        rate_text = f"，{rverb}{pct(r)}%" if r is not None else ""
        return f"与上年相比，{subject}{verb}{wan(abs(d))}万元{rate_text}{tail}。"

"""A printed percentage that is the computed one rounded to fewer decimals than it prints.

``90.00%`` printed where the figures give 89.79 % is not a wrong rate: it is the rate rounded to a
whole percent and printed with two zero decimals. :func:`coarser_places` finds the largest number
of decimals d, fewer than printed, such that the printed value has only zeros after d and the
value read at d decimals (``90`` ± 0.5) is the ratio of the printed figures rounded at d: the
caller's ``judge`` (:func:`juesuan.money.compare_ratio`, or the 绩效 rules' ratio) says ``exact``
for it. "Rounding" (only the figures' own rounding intervals reach it) is not enough: on small
amounts those intervals are wide, and a wrong rate would pass as a coarse one. Rules report such a
rate as a warning that says so instead of an error.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Callable

from ..money import Comparison

__all__ = ["coarser_places", "places_name"]

_NAMES = {0: "整数百分比", 1: "一位小数", 2: "两位小数", 3: "三位小数"}


def coarser_places(printed: Decimal, judge: Callable[[Decimal], Comparison | None]) -> int | None:
    """The decimals (fewer than printed) at which ``printed`` is the computed ratio rounded
    (``judge`` says exact); None if none."""
    exp = printed.as_tuple().exponent
    if not isinstance(exp, int) or exp >= 0:
        return None
    for d in range(-exp - 1, -1, -1):
        coarse = printed.quantize(Decimal(1).scaleb(-d))
        if coarse != printed:
            return None  # a non-zero digit after d: the value was printed at its own precision
        r = judge(coarse)
        if r is not None and r.outcome == "exact":
            return d
    return None


def places_name(places: int) -> str:
    """``整数百分比`` (0), ``一位小数`` (1) …"""
    return _NAMES.get(places, f"{places}位小数")

"""Heading markers of the narrative (第N部分, 一、, （一）, 1., （1）), shared by the claims reader
and the claim linker so that both see the same outline."""

from __future__ import annotations

import re

PART = re.compile(r"^第[一二三四五六七八九十\d]{1,3}部分")
L1 = re.compile(r"^[一二三四五六七八九十]{1,3}\s*[、.．]")
L2 = re.compile(r"^[（(]\s*[一二三四五六七八九十]{1,3}\s*[)）]")
L3 = re.compile(r"^[\d０-９]{1,2}\s*[、.．](?![\d０-９])")
L4 = re.compile(r"^[（(]\s*[\d０-９]{1,2}\s*[)）]")
MARKERS = (PART, L1, L2, L3, L4)

# a line that states a quantity is prose, not a heading
QUANTITY = re.compile(r"\d\s*(?:万元|亿元|元|%|％|辆|个|人次|批次)")

_CN_DIGITS = frozenset("一二三四五六七八九十")


def heading_level(t: str) -> int:
    """0 for 第N部分, 1 for 一、, 2 for （一）, 3 for 1., 4 for （1）, 9 for no marker."""
    first = t[:1]
    if first == "第":
        return 0 if PART.match(t) else 9
    if first in _CN_DIGITS:
        return 1 if L1.match(t) else 9
    if first in "（(":
        if L2.match(t):
            return 2
        return 4 if L4.match(t) else 9
    if L3.match(t):
        return 3
    return 9

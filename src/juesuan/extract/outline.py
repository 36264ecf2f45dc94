"""Heading markers of the narrative (第N部分, 一、, （一）, 1., （1）) and the sections that
headings name (``section_of``), shared by the claims reader and the claim linker so that both see
the same outline."""

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


# what a heading names (the first key it contains), in the order the keys are tried
SECTION_KEYS: tuple[tuple[str, str], ...] = (
    ("名词解释", "glossary"),
    ("三公", "three_public"),
    ("机关运行经费", "running_cost"),
    ("政府采购", "procurement"),
    ("国有资产", "assets"),
    ("资产占用", "assets"),
    ("绩效", "performance"),
    ("其他重要事项", "other"),
    ("基本支出", "gpb_basic"),
    ("政府性基金", "gov_fund"),
    ("国有资本经营", "soe"),
    ("一般公共预算", "gpb"),
    ("财政拨款收入支出决算总体", "fiscal"),
    ("财政拨款收支", "fiscal"),
    ("财政拨款", "fiscal"),
    ("收入支出决算总体", "summary"),
    ("收支决算总体", "summary"),
    ("收入支出总体", "summary"),
    ("总体情况", "summary"),
    ("收入决算", "income"),
    ("支出决算", "expenditure"),
    ("职责", "duties"),
    ("职能", "duties"),
    ("机构设置", "organisation"),
    ("单位构成", "organisation"),
    ("概况", "overview"),
    ("基本情况", "overview"),
)


def section_of(title: str, level: int = 1) -> str | None:
    """The section a heading names (``三公`` → ``three_public``), or None.

    Below level 一、 a bare ``总体情况`` is the overall part of its parent's subject, not the
    document's 收入支出总体."""
    for key, sec in SECTION_KEYS:
        if key in title:
            if key == "总体情况" and level > 1:
                continue
            return sec
    return None

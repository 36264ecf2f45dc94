"""What the document is, before anyone judges it: kind (决算 | 预算), scope (部门 | 单位), and
whether it is a blank official template or a draft.

Only headings are read — the cover, short title lines and the printed table titles — never the
narrative's sentences: final accounts print 年初预算数 columns and say "预算" everywhere, and a
budget's narrative compares with 上年决算. A heading names the kind: "2024年度部门决算",
"收入决算表" (final); "2026年区级部门预算", "收支预算总表", "一般公共预算支出预算表" (budget).

A template (or an unfinished draft) is told by its placeholders: a year printed as 20XX / XXXX
in a heading, or placeholders (XX, ××, ＿＿) on many lines. One forgotten "XX局" in a finished
document is not a template (JS-NP-008 reports it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from ..model import Block, DocumentKind, DocumentScope

__all__ = ["KindReading", "PLACEHOLDER", "placeholder_places", "read_kind"]

# a heading: short enough not to be a sentence of the narrative
_HEADING_MAX = 40
_COVER_BLOCKS = 12

_FINAL = re.compile(r"决算")
# budget headings: a table title ending in 预算表 / 预算总表 (or 预算表（功能科目）), or the
# document's own name (部门预算, 单位预算, 区级部门预算) — not 预算执行 (a final-accounts topic)
_BUDGET_TABLE = re.compile(r"预算(?:总表|表)(?:[（(][^）)]{1,12}[）)])?$")
_BUDGET_DOC = re.compile(r"(?:部门|单位)预算(?!执行|数|调整|批复)")
_SCOPE = re.compile(r"(部门|单位)(?:决算|预算)")

# two or more X / Ｘ / × standing for a name or a figure (not inside a Latin word), a year
# printed as 20XX, and blanks to fill (＿＿, ____)
PLACEHOLDER = re.compile(r"(?<![A-Za-z])[XＸ×]{2,}(?![A-Za-z])|＿{2,}|_{3,}")
_YEAR_PLACEHOLDER = re.compile(r"(?:19|20)[XＸ×]{2}\s*年|[XＸ×]{4}\s*年")
# placeholders on this many lines make the document a template (or a draft)
TEMPLATE_PLACES = 8


@dataclass(slots=True)
class KindReading:
    kind: DocumentKind
    scope: DocumentScope
    template: bool
    final_votes: int = 0
    budget_votes: int = 0
    placeholders: list[Block] = field(default_factory=list)  # the blocks holding placeholders


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _headings(blocks: list[Block]) -> Iterable[tuple[str, int]]:
    """(heading text, weight): cover lines count double."""
    n = 0
    for b in blocks:
        if b.kind != "text":
            continue
        t = _squash(b.text)
        if not t:
            continue
        n += 1
        if len(t) <= _HEADING_MAX:
            yield t, 2 if n <= _COVER_BLOCKS else 1


def _leading_title(t: str) -> str:
    """A heading without a 目录 leader and page number ("1. 2026年…预算总表………3")."""
    return re.sub(r"[.…·．]{2,}\d*$", "", t)


def _vote(t: str) -> tuple[int, int]:
    """(final, budget) votes of one heading or table title."""
    t = _leading_title(t)
    if _FINAL.search(t):
        return 1, 0
    if _BUDGET_TABLE.search(t) or _BUDGET_DOC.search(t):
        return 0, 1
    return 0, 0


def placeholder_places(blocks: Iterable[Block]) -> list[Block]:
    """The blocks (lines) holding a template placeholder, in order."""
    return [b for b in blocks if PLACEHOLDER.search(b.text)]


def read_kind(blocks: list[Block], titles: Iterable[str] = ()) -> KindReading:
    """Kind, scope and template status from the text blocks (cover, headings) and the printed
    table titles (weighted ×3: a table names its kind most reliably)."""
    final = budget = 0
    scopes = {"部门": 0, "单位": 0}
    heads = list(_headings(blocks))
    for t, w in heads:
        f, b = _vote(t)
        final += f * w
        budget += b * w
        for m in _SCOPE.finditer(t):
            scopes[m.group(1)] += w
    for title in titles:
        f, b = _vote(_squash(title))
        final += 3 * f
        budget += 3 * b
    kind: DocumentKind
    if budget > final:
        kind = "budget"
    elif final > 0:
        kind = "final"
    else:
        kind = "unknown"
    scope: DocumentScope = "unit" if scopes["单位"] > scopes["部门"] else "department"
    places = placeholder_places(blocks)
    year_placeholder = any(_YEAR_PLACEHOLDER.search(t) for t, _ in heads) or any(
        _YEAR_PLACEHOLDER.search(_squash(t)) for t in titles
    )
    draft = bool(places) and any("草稿" in t for t, w in heads if w == 2)  # a cover that says 草稿
    template = year_placeholder or len(places) >= TEMPLATE_PLACES or draft
    return KindReading(kind, scope, template, final, budget, places)

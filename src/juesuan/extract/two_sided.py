"""Two-sided summaries (收入 | 支出 halves): income_expense_summary and fiscal_summary.

Rows are named by their labels (``extract.labels``). A "其中：…" line is a part of the line above
it (``income.fiscal.gov_fund``, ``income.other.extra.捐赠收入``), never a sibling that would be
added into a total; so is an "(一)/1." line under a "一、" line. A bare 合计 is the side's 本年合计
until that is printed, and the grand total (总计) after it.
"""

from __future__ import annotations

import re

from ..model import Block, Grid
from . import labels as L
from .builder import Builder, Extracted, is_amount_cell
from .headers import header_rows, leaf_paths

_SMALL_INT = re.compile(r"^\d{1,3}$")
_TOP_ORDINAL = re.compile(r"^[一二三四五六七八九十]+[、.．]")
_SUB_ORDINAL = re.compile(r"^([（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．](?!\d))")


def _halves(head: list[Block], rows: list[Block]) -> tuple[int, int, bool, bool]:
    """(start of right half, width of left half's value part, left has 行次, right has 行次)."""
    for row in head:
        t = [c.text.replace(" ", "") for c in row.cells]
        idx = [i for i, s in enumerate(t) if s == "项目" or s.startswith("项目(") or s.startswith("项目（")]
        if len(idx) >= 2:
            right = idx[1]
            return right, right, "行次" in t[:right], "行次" in t[right:]
    # no header: find the right label column as the first non-numeric text after column 1
    votes: dict[int, int] = {}
    for row in rows:
        t = [c.text.strip() for c in row.cells]
        for i in range(2, len(t)):
            if t[i] and not is_amount_cell(t[i]):
                votes[i] = votes.get(i, 0) + 1
                break
    right = max(votes, key=votes.__getitem__) if votes else 3
    sample = [r.cells for r in rows if len(r.cells) > right + 1]
    left_no = sum(1 for c in sample if _SMALL_INT.match(c[1].text.strip())) > len(sample) // 2
    right_no = sum(1 for c in sample if _SMALL_INT.match(c[right + 1].text.strip())) > len(sample) // 2
    return right, right, left_no, right_no


def _level(label: str) -> int:
    s = re.sub(r"\s+", "", label)
    if _TOP_ORDINAL.match(s):
        return 1
    if _SUB_ORDINAL.match(s):
        return 2
    return 0


class _Side:
    """Row keys of one side, with the 其中 / sub-ordinal lines made parts of their parent."""

    def __init__(self, side: str) -> None:
        self.side = side  # "income" | "expense"
        self.parent: str | None = None
        self.parent_level = 0
        self.seen: set[str] = set()

    def key(self, label: str, base: str | None) -> str | None:
        s = L.norm_label(label)
        if not s:
            return None
        total = f"{self.side}.total"
        if (base is None and s.startswith("合计")) or (base == total and total in self.seen):
            # a second total line (当年收入小计 … 收入合计): the grand total
            base = f"{self.side}.grand_total" if total in self.seen else total
        level = _level(label)
        part = L.is_part_label(label) or (self.parent_level == 1 and level == 2)
        if part and self.parent and base not in (total, f"{self.side}.grand_total"):
            if base and base.startswith(self.parent + "."):
                key = base  # already a sub-line key (年初结转和结余 → .gpb)
            elif base:
                key = f"{self.parent}.{base.split('.')[-1]}"
            else:
                key = f"{self.parent}.extra.{s}"
            self.seen.add(key)
            return key
        if base:
            if not (self.parent and base.startswith(self.parent + ".")):
                self.parent, self.parent_level = base, level
            self.seen.add(base)
        return base


def read_two_sided(table: str, grid: Grid, year: int | None) -> Extracted:
    b = Builder(table, grid.unit)
    rows = grid.head + grid.rows
    start = 0
    for i, r in enumerate(rows):
        first = L.norm_label(r.cells[0].text) if r.cells else ""
        if first.startswith("栏次"):
            start = i + 1
        elif first in ("收入", "项目", "收入项目", "本年收入", "财政拨款收入"):
            if i < len(rows) - 1 and not any(is_amount_cell(c.text) for c in r.cells[1:]):
                start = i + 1
    head, body = rows[:start], rows[start:]
    right, _, left_no, right_no = _halves(head, body)
    classes = L.ClassLookup(year)
    expense_cols = ("amount",) if table == "income_expense_summary" else ("total", "gpb", "gov_fund", "soe_capital")
    if table == "fiscal_summary":
        expense_cols = _fund_columns(head, right + (2 if right_no else 1)) or expense_cols
    in_opening = False
    income, expense = _Side("income"), _Side("expense")
    widths: set[int] = set()
    for row in body:
        cells = row.cells
        left, rightc = cells[:right], cells[right:]
        if any(c.text.strip() for c in rightc[(2 if right_no else 1):]):
            widths.add(len(rightc) - (2 if right_no else 1))
        if left:
            label = left[0].text.strip()
            base = L.income_key(label, in_opening)
            if base == "income.opening_balance":
                in_opening = True
            elif base and not base.startswith("income.opening_balance."):
                in_opening = False
            key = income.key(label, base)
            values = left[2:] if left_no else left[1:]
            if key:
                for cell in values[:1]:
                    b.add(key, "amount", cell, label)
            elif label and any(is_amount_cell(c.text) for c in values):
                b.out.warnings.append(f"{table}: 无法识别的收入项目 {label!r}（{row.prov.describe()}）")
        if rightc:
            label = rightc[0].text.strip()
            key = expense.key(label, L.expense_key(label, classes))
            values = rightc[2:] if right_no else rightc[1:]
            if key:
                for col, cell in zip(expense_cols, values):
                    b.add(key, col, cell, label)
            elif label and any(is_amount_cell(c.text) for c in values):
                b.out.warnings.append(f"{table}: 无法识别的支出项目 {label!r}（{row.prov.describe()}）")
    printed = expense_cols[: max(widths, default=len(expense_cols))]
    b.out.columns = list(dict.fromkeys(("amount", *printed)))
    return b.out


_FUND_WORDS = (("一般公共预算", "gpb"), ("政府性基金", "gov_fund"), ("国有资本", "soe_capital"),
               ("合计", "total"), ("小计", "total"), ("总计", "total"))


def _fund_columns(head: list[Block], first: int) -> tuple[str, ...] | None:
    """fiscal_summary's expense columns named by the header (合计 | 一般公共预算 | …), in printed
    order; None when the header does not name each of them once."""
    texts = header_rows(head)
    if not texts:
        return None
    width = max(len(t) for t in texts)
    keys: list[str] = []
    for path in leaf_paths(texts, width)[first:]:
        leaf = path[-1] if path else ""
        key = next((k for w, k in _FUND_WORDS if w in leaf), None)
        if key is None:
            return None
        keys.append(key)
    return tuple(keys) if keys and len(set(keys)) == len(keys) else None

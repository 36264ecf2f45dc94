"""A budget's two-sided summaries (budget_summary, budget_fiscal_summary) and its income list.

A summary prints label/amount groups side by side: 收入 (项目 | 金额) and one or more 支出 groups —
功能分类 (功能科目名称 | 金额) and 支出用途 (项目名称 | 金额) in the three-group layout, or 支出 (项目 |
合计 | 一般公共预算 | 政府性基金预算 | 国有资本经营预算). Label columns are told from the body (text,
not amounts), value columns are named by the header; the first group is the income side. A label
whose own amount cells are blank takes the amounts of the next group when that group prints no
label on the line (a 当年支出小计 printed across the 功能分类 and 支出用途 groups). Rows are named
by the budget vocabulary (``extract.budget_labels``); a "1./（一）" line under a "一、" line, or a
"其中：" line, is a part of it (``income.fiscal.gpb``).
"""

from __future__ import annotations

from ..model import Block, Cell, Grid, Provenance
from . import labels as L
from .budget_labels import expense_key, fund_column, income_key
from .builder import Builder, Extracted, is_amount_cell
from .headers import header_rows, leaf_paths
from .two_sided import _level

_LINE_NO = ("行次", "栏次")


class BudgetSide:
    """Row keys of one side: parts made keys under their parent, a bare 合计 named by position,
    and a side that prints one total only gets it as ``grand_total`` (facts-additions.md)."""

    def __init__(self, side: str) -> None:
        self.side = side  # "income" | "expense"
        self.parent: str | None = None
        self.parent_level = 0
        self.seen: list[str] = []

    def key(self, label: str, base: str | None) -> str | None:
        s = L.norm_label(label)
        if not s:
            return None
        total, grand = f"{self.side}.total", f"{self.side}.grand_total"
        if base is None and s.startswith("合计"):
            base = grand if total in self.seen else total
        if base == total and total in self.seen:
            base = grand
        level = _level(label)
        part = L.is_part_label(label) or (self.parent_level == 1 and level == 2)
        if part and self.parent and base not in (total, grand):
            if base is None or base == self.parent or base.startswith(f"{self.side}.extra."):
                key = f"{self.parent}.extra.{s}"
            else:
                key = f"{self.parent}.{base.split('.')[-1]}"
            self.seen.append(key)
            return key
        if base:
            self.parent, self.parent_level = base, level
            self.seen.append(base)
        return base

    def one_total(self) -> bool:
        """Whether the side printed ``total`` and no ``grand_total``."""
        return f"{self.side}.total" in self.seen and f"{self.side}.grand_total" not in self.seen


def _is_text(text: str) -> bool:
    t = text.strip()
    return bool(t) and not is_amount_cell(t)


def _label_columns(body: list[Block], width: int, skip: set[int]) -> list[int]:
    """Columns printing labels (more text than amounts in the body)."""
    out = []
    for j in range(width):
        if j in skip:
            continue
        texts = sum(1 for r in body if j < len(r.cells) and _is_text(r.cells[j].text))
        amounts = sum(1 for r in body if j < len(r.cells) and is_amount_cell(r.cells[j].text))
        if texts and texts > amounts:
            out.append(j)
    return out or [0]


def _value_names(table: str, side: str, paths: list[tuple[str, ...]]) -> list[str]:
    """Keys of one group's value columns: the fund columns of budget_fiscal_summary's 支出 side when
    the header names each once, else ``amount`` for the first and ``extra.<header>`` for others."""
    leaves = [p[-1] if p else "" for p in paths]
    if table == "budget_fiscal_summary" and side == "expense" and len(paths) > 1:
        funds = [fund_column(leaf) for leaf in leaves]
        if all(funds) and len(set(funds)) == len(funds):
            return [f for f in funds if f]
    # the year's column is the first one not of the year before (上年预算数 | 本年预算数)
    first = next((i for i, leaf in enumerate(leaves) if "上年" not in leaf), 0)
    return ["amount" if i == first else f"extra.{leaf}" if leaf else "extra.?" for i, leaf in enumerate(leaves)]


def read_budget_summary(table: str, grid: Grid, year: int | None) -> Extracted:
    b = Builder(table, grid.unit)
    rows = grid.head + grid.rows
    start = next((i for i, r in enumerate(rows) if any(is_amount_cell(c.text) for c in r.cells)), len(rows))
    # a blank line printed like 合计 | | … before any amount still belongs to the body
    while start > 0 and rows[start - 1].cells and L.is_total_label(rows[start - 1].cells[0].text):
        start -= 1
    head, body = rows[:start], rows[start:]
    texts = header_rows(head)
    width = max([len(r.cells) for r in rows] + [len(t) for t in texts] + [1])
    paths = leaf_paths(texts, width) if texts else [()] * width
    line_no = {j for j, p in enumerate(paths) if p and any(w in p[-1] for w in _LINE_NO)}
    label_cols = _label_columns(body, width, line_no)
    groups: list[tuple[int, list[int]]] = []
    for n, lc in enumerate(label_cols):
        end = label_cols[n + 1] if n + 1 < len(label_cols) else width
        groups.append((lc, [j for j in range(lc + 1, end) if j not in line_no]))
    names = [_value_names(table, "income" if n == 0 else "expense", [paths[j] for j in vals])
             for n, (_, vals) in enumerate(groups)]
    classes = L.ClassLookup(year)
    income, expense = BudgetSide("income"), BudgetSide("expense")
    single = len(groups) == 1  # income lines, then expense lines, under one 项目 column
    in_expense = False
    for row in body:
        cells = row.cells
        for n, (lc, vals) in enumerate(groups):
            label = _cell(cells, lc).text.strip()
            if not label:
                continue
            values = [_cell(cells, j) for j in vals]
            if not any(c.text.strip() for c in values) and n + 1 < len(groups):
                nlc, nvals = groups[n + 1]
                if not _cell(cells, nlc).text.strip():
                    values = [_cell(cells, j) for j in nvals]  # a label printed across two groups
            side = "income" if n == 0 and not (single and in_expense) else "expense"
            if side == "income":
                base = income_key(label)
                if single and base is None and (ek := expense_key(label, classes)):
                    side, in_expense = "expense", True
                    key = expense.key(label, ek)
                else:
                    key = income.key(label, base)
            else:
                key = expense.key(label, expense_key(label, classes))
            if key is None and any(is_amount_cell(c.text) for c in values):
                key = _extra_line(income if side == "income" else expense, label)
            if key is None:
                continue
            for col, cell in zip(names[n], values):
                b.add(key, col, cell, label)
    for side in (income, expense):
        if side.one_total():  # the side's only total is its grand total (and stands for total)
            _rename(b, f"{side.side}.total", f"{side.side}.grand_total")
    printed = {c for n, (_, vals) in enumerate(groups) for c in names[n][: len(vals)]}
    b.out.columns = [c for c in ("amount", "total", "gpb", "gov_fund", "soe_capital") if c in printed] + sorted(
        c for c in printed if c.startswith("extra.")
    )
    return b.out


def _extra_line(side: BudgetSide, label: str) -> str | None:
    """A line the vocabulary does not name, kept so nothing printed is lost: a part of the line
    above it when printed as one, else ``<side>.extra.<label>`` (never a header word)."""
    s = L.norm_label(label)
    if not s or s in ("项目", "金额", "预算数", "收入", "支出") or s.startswith("栏次"):
        return None
    return side.key(label, f"{side.side}.extra.{s}")


def _cell(cells: list[Cell], j: int) -> Cell:
    return cells[j] if j < len(cells) else Cell("", Provenance())


def _rename(b: Builder, old: str, new: str) -> None:
    from dataclasses import replace

    b.out.facts = [replace(f, row=new) if f.row == old else f for f in b.out.facts]
    if old in b.out.row_labels:
        b.out.row_labels[new] = b.out.row_labels.pop(old)


# ---------------------------------------------------------------- income list (收入预算总表)


def read_income_list(table: str, grid: Grid, year: int | None) -> Extracted:
    """A vertical list of income lines: a top line in the first label column (一般公共预算资金 |
    小计 | amount), its parts in the next (| 公共财政拨款(补助)资金 | amount) or under a sub-ordinal."""
    b = Builder(table, grid.unit)
    rows = grid.head + grid.rows
    body = [r for r in rows if any(c.text.strip() for c in r.cells)]
    width = max((len(r.cells) for r in body), default=0)
    amount_cols = [j for j in range(width) if any(is_amount_cell(_cell(r.cells, j).text) for r in body)]
    if not amount_cols:
        return b.out
    first_amount = amount_cols[0]
    side = BudgetSide("income")
    for row in body:
        cells = row.cells
        labels = [(j, c.text.strip()) for j, c in enumerate(cells[:first_amount]) if _is_text(c.text)]
        values = [_cell(cells, j) for j in amount_cols]
        if not labels:
            continue
        j, label = labels[0]
        sub = next((t for k, t in labels[1:] if L.norm_label(t) not in ("小计", "合计")), None)
        if j == 0 and sub is None:
            key = side.key(label, income_key(label))
        elif j == 0:  # a top line and its first part on one line: the part's
            side.key(label, income_key(label))
            key = _part(side, sub)
            label = sub
        else:
            key = _part(side, label)
        if key is None:
            if any(is_amount_cell(c.text) for c in values):
                b.out.warnings.append(f"{table}: 无法识别的收入项目 {label!r}（{row.prov.describe()}）")
            continue
        b.add(key, "amount", values[0], label)
        for extra, cell in zip(amount_cols[1:], values[1:]):
            if cell.text.strip():
                b.out.warnings.append(f"{table}/{key}: 多出的列 {cell.text!r}（{row.prov.describe()}）")
    if side.one_total():
        _rename(b, "income.total", "income.grand_total")
    b.out.columns = ["amount"]
    b.out.layout = "list"
    return b.out


def _part(side: BudgetSide, label: str) -> str | None:
    """A line printed in the part column: a part of the current top line."""
    s = L.norm_label(label)
    if not s or side.parent is None:
        return side.key(label, income_key(label))
    base = income_key(label)
    if base in ("income.total", "income.grand_total"):
        return side.key(label, base)
    key = f"{side.parent}.extra.{s}" if base is None or base == side.parent else f"{side.parent}.{base.split('.')[-1]}"
    side.seen.append(key)
    return key

"""Budget tables of labelled lines or one row: the one-row 支出预算总表 (合计 | 基本支出 | 项目支出 | …
over one amount row), 政府采购预算表 (the 货物 / 工程 / 服务 class lines; item lines are not facts) and
项目支出绩效目标表 (one ``project.<n>`` row per project, in printed order).

Columns are named by the header (``extract.headers``), never by position; a line whose label the
vocabulary does not know is skipped (procurement items) or reported (anything else).
"""

from __future__ import annotations

from ..model import Block, Grid
from . import labels as L
from .budget_labels import procurement_key
from .builder import Builder, Extracted, is_amount_cell, is_column_numbers
from .headers import ColumnVocab, column_keys, header_rows, leaf_paths, norm

def _has_amount(row: Block) -> bool:
    return any(is_amount_cell(c.text) for c in row.cells)


def _split(rows: list[Block]) -> tuple[list[Block], list[Block]]:
    """(header rows, body rows): the body starts at the first line printing an amount or a total."""
    for i, r in enumerate(rows):
        texts = [c.text.strip() for c in r.cells]
        if is_column_numbers(texts):
            continue
        if _has_amount(r) or any(L.is_total_label(t) for t in texts if t):
            return rows[:i], rows[i:]
    return rows, []


def _paths(head: list[Block], width: int) -> list[tuple[str, ...]]:
    texts = header_rows(head)
    return leaf_paths(texts, max([width, *(len(t) for t in texts)])) if texts else [()] * width


# ---------------------------------------------------------------- one row


def read_one_row(table: str, grid: Grid, vocab: ColumnVocab) -> Extracted:
    """A table printed as one amount row under a header naming its columns: row ``total``."""
    b = Builder(table, grid.unit)
    rows = grid.head + grid.rows
    data = [r for r in rows if _has_amount(r) and not is_column_numbers([c.text.strip() for c in r.cells])]
    if not data:
        return b.out
    row = data[-1]
    idx = rows.index(row)
    paths = _paths(rows[:idx], len(row.cells))
    keys = column_keys(table, paths, vocab)
    if not any(k and not k.startswith("extra.") for k in keys):
        b.out.warnings.append(f"{table}: 表头无法对应到列（{row.prov.describe()}）")
        return b.out
    for key, cell in zip(keys, row.cells):
        if key:
            b.add("total", key, cell, "合计")
    b.out.columns = [k for k in keys[: len(row.cells)] if k]
    b.out.layout = "one_row"
    return b.out


# ---------------------------------------------------------------- 政府采购预算表

_AMOUNT_HEADS = ("总计", "合计", "金额", "预算", "小计", "资金")


def _amount_columns(paths: list[tuple[str, ...]], body: list[Block]) -> list[int]:
    """Columns printing amounts, the header's total (总计 / 合计 / 金额 / 预算金额) first."""
    width = max((len(r.cells) for r in body), default=0)
    printed = [j for j in range(width) if any(j < len(r.cells) and is_amount_cell(r.cells[j].text) for r in body)]
    named = [j for j in printed if j < len(paths) and paths[j] and any(w in paths[j][-1] for w in _AMOUNT_HEADS)]
    total = [j for j in named if any(w in paths[j][-1] for w in ("总计", "合计"))]
    first = total[:1] or named[:1] or printed[-1:]
    return first + [j for j in printed if j not in first]


def read_procurement(table: str, grid: Grid) -> Extracted:
    b = Builder(table, grid.unit)
    rows = grid.head + grid.rows
    head, body = _split(rows)
    width = max((len(r.cells) for r in rows), default=0)
    paths = _paths(head, width)
    cols = _amount_columns(paths, body)
    if not cols:
        return b.out
    keyed = 0
    for row in body:
        texts = [c.text.strip() for c in row.cells]
        label = next((t for j, t in enumerate(texts) if t and j not in cols), "")
        key = procurement_key(label)
        if key is None:
            continue  # an item line (专项, 品目, 组织形式) or a blank
        keyed += 1
        for n, j in enumerate(cols):
            if j < len(row.cells):
                col = "amount" if n == 0 else f"extra.{paths[j][-1] if j < len(paths) and paths[j] else '?'}"
                b.add(key, col, row.cells[j], label)
    if not keyed:  # the classes printed as columns: 合计 | 货物 | 工程 | 服务 over one row
        _read_class_columns(b, rows)
    b.out.columns = ["amount"] + sorted({f.column for f in b.out.facts if f.column.startswith("extra.")})
    return b.out


def _read_class_columns(b: Builder, rows: list[Block]) -> None:
    data = [r for r in rows if _has_amount(r)]
    if not data:
        return
    row = data[-1]
    paths = _paths(rows[: rows.index(row)], len(row.cells))
    for path, cell in zip(paths, row.cells):
        key = next((k for p in reversed(path) if (k := procurement_key(p))), None)
        if key:
            b.add(key, "amount", cell, path[-1])


# ---------------------------------------------------------------- 项目支出绩效目标表

_NAME_HEADS = ("项目名称", "项目（政策）名称", "项目(政策)名称", "项目")
_FUND_HEADS = ("项目资金", "预算金额", "预算数", "资金总额", "年度资金总额", "项目金额", "金额", "资金")


def _is_name_head(t: str) -> bool:
    return norm(t) in {norm(h) for h in _NAME_HEADS}


def _is_fund_head(t: str) -> bool:
    s = norm(t)
    return any(s.startswith(h) for h in _FUND_HEADS) and not is_amount_cell(t)


def read_performance(table: str, grid: Grid) -> Extracted:
    """Projects of a 绩效目标表: a list (项目名称 | … | 项目资金 …, one project a line, its indicator
    lines below with a blank name) or blocks (项目名称 | name … / 项目资金 | amount …)."""
    b = Builder(table, grid.unit)
    rows = grid.head + grid.rows
    name_col = fund_col = None
    start = 0
    for i, r in enumerate(rows):
        t = [c.text.strip() for c in r.cells]
        names = [j for j, s in enumerate(t) if _is_name_head(s)]
        funds = [j for j, s in enumerate(t) if _is_fund_head(s)]
        if names and funds and not _has_amount(r):
            name_col, fund_col, start = names[0], funds[0], i + 1
            break
    n = 0
    if name_col is not None and fund_col is not None:  # the list shape
        last = None
        for r in rows[start:]:
            cells = r.cells
            name = cells[name_col].text.strip() if name_col < len(cells) else ""
            amount = cells[fund_col] if fund_col < len(cells) else None
            if not name or amount is None or not is_amount_cell(amount.text):
                continue
            if L.is_total_label(name):
                b.add("total", "amount", amount, name)
                continue
            if (name, amount.text.strip()) == last:
                continue  # a merged cell printed again on the project's next line
            last = (name, amount.text.strip())
            n += 1
            b.add(f"project.{n}", "amount", amount, name)
    else:  # the block shape
        name: str | None = None
        for r in rows:
            cells = r.cells
            t = [c.text.strip() for c in cells]
            for j, s in enumerate(t):
                if _is_name_head(s) and j + 1 < len(t) and t[j + 1] and not is_amount_cell(t[j + 1]):
                    name = t[j + 1]
                elif _is_fund_head(s) and name:
                    amount = next((c for c in cells[j + 1 :] if is_amount_cell(c.text)), None)
                    if amount is not None:
                        n += 1
                        b.add(f"project.{n}", "amount", amount, name)
                        name = None
                        break
    b.out.columns = ["amount"]
    b.out.layout = "list"
    return b.out


__all__ = ["read_one_row", "read_performance", "read_procurement"]

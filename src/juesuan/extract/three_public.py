"""The 三公 table, vertical (项目 | 预算数 | 决算数) or horizontal (one wide row), by header text.

Horizontal: each column's header path (``extract.headers.leaf_paths``) names its row key (合计,
因公出国(境)费, 公务用车… {小计, 购置费, 运行费}, 公务接待费, in any order) and its column (预算数 /
决算数, from the path or else from the title); columns the contract does not name (会议费, 培训费,
机关运行经费, a 合计 that includes 会议费 and 培训费) are kept as ``extra.<header>`` rows. A blank
cell is just a cell without a fact: it shifts nothing. When the header names nothing, the printed
order of the national template is used, and the identities choose between the two readings.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from ..model import Block, Cell, Grid
from . import labels as L
from .builder import Builder, Extracted, is_amount_cell, is_column_numbers
from .headers import header_rows, leaf_paths, norm
from .scoring import Score, sums_to

_LABELS = {
    "total": "合计",
    "overseas": "因公出国（境）费",
    "vehicle": "公务用车购置及运行维护费",
    "vehicle_purchase": "公务用车购置费",
    "vehicle_operation": "公务用车运行维护费",
    "reception": "公务接待费",
}
_GENERIC = ("小计", "合计", "计", "金额")
_COLUMN_WORDS = ("预算数", "决算数", "预算", "决算", "全年预算数", "年初预算数")


def _column_of(text: str) -> str | None:
    if "决算" in text:
        return "final"
    if "预算" in text:
        return "budget"
    return None


@dataclass(frozen=True)
class ValueColumns:
    """What the value columns of a 三公 table are called: final accounts print 预算数 | 决算数;
    a budget prints 本年预算数 (and 上年预算数) — ``extract.budget_labels``."""

    column_of: Callable[[str], str | None]  # a header text → its value column key
    words: tuple[str, ...]  # header texts that name a value column, never a row
    default: str | None = None  # the column when the header names none (None: told by the title)
    pair: tuple[str, str] = ("budget", "final")  # two unnamed value columns, in printed order


FINAL_COLUMNS = ValueColumns(_column_of, _COLUMN_WORDS)


def _default_column(grid: Grid, rows: list[Block], vc: ValueColumns = FINAL_COLUMNS) -> str:
    """The value column when the header does not say (a one-row table of a budget or of accounts)."""
    if vc.default is not None:
        return vc.default
    header_text = "".join(c.text for r in rows for c in r.cells) + (grid.title or "")
    return "budget" if "预算" in header_text and "决算" not in header_text else "final"


def _row_key(path: tuple[str, ...], vc: ValueColumns = FINAL_COLUMNS) -> tuple[str | None, int]:
    """(row key, strength) of a horizontal column, from its path without 预算数/决算数 words."""
    parts = [p for p in path if p not in vc.words]
    if not parts:
        return None, 0
    leaf = parts[-1]
    if leaf in _GENERIC or leaf.endswith("合计"):
        for parent in reversed(parts[:-1]):
            if "三公" in parent:
                return "total", 3
            k = L.three_public_key(parent)
            if k and k != "total":
                return k, 3
        return "total", 2
    k = L.three_public_key(leaf)
    if k:
        return k, 3
    return f"extra.{leaf}", 0


def _horizontal_header(
    grid: Grid, rows: list[Block], data: Block, vc: ValueColumns = FINAL_COLUMNS
) -> list[tuple[str, str] | None] | None:
    idx = rows.index(data)
    texts = header_rows(rows[:idx])
    if not texts:
        return None
    width = max(len(data.cells), *(len(t) for t in texts))
    paths = leaf_paths(texts, width)
    named_paths = [p for p in paths[: len(data.cells)] if p]
    if len(set(named_paths)) < len(named_paths):
        return None  # two printed columns under one header: a header row was lost
    default = _default_column(grid, rows, vc)
    named: list[tuple[str | None, int, str]] = []
    for path in paths:
        key, strength = _row_key(path, vc)
        col = next((c for p in reversed(path) if (c := vc.column_of(p))), None) if path else None
        named.append((key, strength, col or default))
    if not any(k and not k.startswith("extra.") for k, _, _ in named):
        return None
    out: list[tuple[str, str] | None] = [(k, c) if k else None for k, _, c in named]
    claims: dict[tuple[str, str], list[int]] = {}
    for i, (k, s, c) in enumerate(named):
        if k and not k.startswith("extra."):
            claims.setdefault((k, c), []).append(i)
    for (k, c), idx_list in claims.items():
        if len(idx_list) < 2:
            continue
        top = max(named[i][1] for i in idx_list)
        keep = next(i for i in idx_list if named[i][1] == top)
        for i in idx_list:
            if i != keep:
                leaf = [p for p in paths[i] if p not in vc.words][-1]
                out[i] = (f"extra.{leaf}", c)
    return out


def _score(facts) -> Score:  # type: ignore[no-untyped-def]
    cells = {(f.row, f.column): f.value for f in facts}
    score = Score()
    for col in sorted({c for _, c in cells}):
        get = lambda r: cells.get((r, col))  # noqa: E731
        vehicle = get("vehicle")
        if vehicle is None and (get("vehicle_purchase") is not None or get("vehicle_operation") is not None):
            vehicle = (get("vehicle_purchase") or Decimal(0)) + (get("vehicle_operation") or Decimal(0))
        parts = [v for v in (get("overseas"), vehicle, get("reception")) if v is not None]
        for total, terms in ((get("total"), parts), (get("vehicle"), [v for v in (get("vehicle_purchase"), get("vehicle_operation")) if v is not None])):
            if total is None or not terms or (total == 0 and all(t == 0 for t in terms)):
                continue
            score += Score(1, 0) if sums_to(total, terms) else Score(0, 1)
    return score


def read_three_public(table: str, grid: Grid, vc: ValueColumns = FINAL_COLUMNS) -> Extracted:
    """Facts of a 三公 table; ``vc`` names its value columns (a budget's differ)."""
    rows = grid.head + grid.rows
    keyed = [(r, L.three_public_key(r.cells[0].text)) for r in rows if r.cells]
    if sum(1 for _, k in keyed if k) >= 2:
        return _read_vertical(table, grid, rows, keyed, vc)
    b = Builder(table, grid.unit)
    b.out.layout = "horizontal"
    data = [r for r in rows if not is_column_numbers([c.text.strip() for c in r.cells])]
    data = [r for r in data if any(is_amount_cell(c.text) for c in r.cells)]
    if not data:
        return b.out
    row = data[-1]
    header = _horizontal_header(grid, rows, row, vc)
    positional = _read_positional(table, grid, rows, row, vc)
    if header is None:
        return positional
    for spec, cell in zip(header, row.cells):
        if spec is not None:
            key, col = spec
            b.add(key, col, cell, _LABELS.get(key, key.removeprefix("extra.")))
    mine = _score(b.out.facts)
    if mine.fails and _score(positional.facts).value > mine.value:
        return positional  # the header reading breaks the identities the printed order keeps
    b.out.columns = sorted({c for s in header if s for c in (s[1],)})
    return b.out


def _read_vertical(
    table: str, grid: Grid, rows: list[Block], keyed: list[tuple[Block, str | None]], vc: ValueColumns = FINAL_COLUMNS
) -> Extracted:
    b = Builder(table, grid.unit)
    b.out.layout = "vertical"
    cols: dict[int, str] = {}
    for row in rows:
        t = [norm(c.text) for c in row.cells]
        found = {i: c for i, s in enumerate(t) if i > 0 and s and (c := vc.column_of(s)) and len(s) <= 8}
        if len(found) >= 1 and not any(is_amount_cell(x) for x in t[1:]):
            cols = found
            break
    if len(set(cols.values())) < len(cols):
        cols = {}  # e.g. 预算数 printed over two columns: fall back to the printed order
    for row, key in keyed:
        label = row.cells[0].text.strip()
        if key is None:
            s = L.norm_label(label)
            if not s or not any(is_amount_cell(c.text) for c in row.cells[1:]) or "三公" in s:
                continue
            if any(w in s for w in ("项目", "栏次", "行次", "预算", "决算")):
                continue
            key = f"extra.{s}"
        if cols:
            pairs = [(col, row.cells[i]) for i, col in sorted(cols.items()) if i < len(row.cells)]
        else:
            values: list[Cell] = list(row.cells[1:])
            if len(values) > 2:  # e.g. an extra 行次 column
                values = values[-2:]
            names = list(vc.pair) if len(values) == 2 else [_default_column(grid, rows, vc)]
            pairs = list(zip(names, values))
        for col, cell in pairs:
            b.add(key, col, cell, label)
    b.out.columns = sorted(set(cols.values())) if cols else None
    return b.out


def _alternates_budget_final(row: Block) -> bool:
    t = [c.text.replace(" ", "") for c in row.cells if c.text.strip()]
    return len(t) >= 4 and all(s == ("预算数" if i % 2 == 0 else "决算数") for i, s in enumerate(t))


def _read_positional(table: str, grid: Grid, rows: list[Block], row: Block, vc: ValueColumns = FINAL_COLUMNS) -> Extracted:
    """The national template's printed order, for a header that names nothing."""
    b = Builder(table, grid.unit)
    b.out.layout = "horizontal"
    header_text = "".join(c.text for r in rows for c in r.cells)
    interleaved = vc is FINAL_COLUMNS and any(_alternates_budget_final(r) for r in rows)
    cells = row.cells
    n = len(cells)
    if interleaved and n >= 12:  # 合计(预算 决算) 因公出国(预算 决算) …
        for i, key in enumerate(L.THREE_PUBLIC_COLUMNS):
            b.add(key, "budget", cells[2 * i], _LABELS[key])
            b.add(key, "final", cells[2 * i + 1], _LABELS[key])
        return b.out
    if n >= 12:
        groups = [(vc.pair[0], cells[0:6]), (vc.pair[1], cells[6:12])]
    elif vc.default is not None:
        groups = [(vc.default, cells[:6])]
    elif "预算" in header_text and "决算" not in header_text:
        groups = [("budget", cells[:6])]
    else:
        groups = [("final", cells[:6])]
    for col, group in groups:
        for key, cell in zip(L.THREE_PUBLIC_COLUMNS, group):
            b.add(key, col, cell, _LABELS[key])
    return b.out

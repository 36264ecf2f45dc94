"""Coded tables: 功能分类 code rows × amount columns named by the header.

income, expenditure, gpb_expenditure, soe_capital, gov_fund, and fiscal_expenditure (高等学校
财政拨款支出决算表). The code is printed in one cell, in 类/款/项 cells, or merged with the name
("2080101 行政运行"); the amount columns are named by their header paths (``extract.headers``).
When the header cannot name every printed column, or names them in a way the table's identities
contradict, the contract's column order is tried too and the identities choose (``extract.scoring``).
"""

from __future__ import annotations

import re
from collections import Counter

from ..model import Block, Cell, Grid
from ..vocab import COLUMN_ORDER
from . import labels as L
from .builder import Builder, Extracted, is_amount_cell
from .headers import ColumnVocab, column_keys, header_rows, is_label_path, leaf_paths
from .scoring import best

_CODE = re.compile(r"^\d{3}(\d{2}){0,2}$")
_CODE_AND_NAME = re.compile(r"^(\d{3}(?:\s?\d{2}){0,2})\s*([^\d\s].*)$")

# the contract's column order of the nine-table family's coded tables (juesuan.vocab)
CODED_COLUMNS: dict[str, tuple[str, ...]] = {
    t: COLUMN_ORDER[t] for t in ("income", "expenditure", "gpb_expenditure", "soe_capital", "gov_fund")
}
# additions (docs/facts-additions.md): coded tables of other template families
ADDED_CODED_COLUMNS: dict[str, tuple[str, ...]] = {
    "fiscal_expenditure": ("total", "basic", "project"),
}
ALL_CODED_COLUMNS = {**CODED_COLUMNS, **ADDED_CODED_COLUMNS}


def _code_columns(head: list[Block]) -> int:
    for row in head:
        t = [c.text.replace(" ", "") for c in row.cells]
        if "类" in t and "款" in t:
            return 3 if "项" in t else 2
    return 1


def _split_code(cells: list[Cell], ncode: int) -> tuple[str, str, int] | None:
    """(code, name, index of first amount cell) for a coded row, or None."""
    if not cells:
        return None
    if ncode > 1:
        parts = [c.text.replace(" ", "") for c in cells[:ncode]]
        if parts[0] and all(p.isdigit() for p in parts if p):
            code = "".join(parts)
            if _CODE.match(code):
                return code, cells[ncode].text.strip() if len(cells) > ncode else "", ncode + 1
    first = cells[0].text.strip()
    compact = first.replace(" ", "")
    if _CODE.match(compact):
        name = cells[1].text.strip() if len(cells) > 1 else ""
        return compact, name, 2
    m = _CODE_AND_NAME.match(first)
    if m and _CODE.match(m.group(1).replace(" ", "")):
        # code and name in one cell; the next cell is already an amount
        return m.group(1).replace(" ", ""), m.group(2).strip(), 1
    if not first and ncode == 1 and len(cells) > 2:
        # the code column empty and "201 一般公共服务支出" in the name column (a class line printed
        # indented, or a borderless page whose column finder put code and name together)
        m = _CODE_AND_NAME.match(cells[1].text.strip())
        if m and _CODE.match(m.group(1).replace(" ", "")):
            return m.group(1).replace(" ", ""), m.group(2).strip(), 2
    return None


def _row_label(cells: list[Cell], ncode: int) -> str:
    """The first printed label among the code and name cells (合计 may sit in either)."""
    for c in cells[: ncode + 1]:
        if c.text.strip():
            return L.norm_label(c.text)
    return ""


def _is_data_row(cells: list[Cell], ncode: int) -> bool:
    if _split_code(cells, ncode):
        return True
    return L.is_total_label(_row_label(cells, ncode))


def _label_end(cells: list[Cell], ncode: int) -> int:
    """Index after the 合计 label cell of a total row (the fallback start of its amounts)."""
    for i, c in enumerate(cells[: ncode + 1]):
        if c.text.strip():
            return i + 1
    return ncode + 1


def _header_keys(
    table: str, head: list[Block], first: int, width: int, body: list[tuple], vocab: ColumnVocab | None = None
) -> list[str | None] | None:
    """Keys of the amount columns first…width-1 from the header, or None when the header does not
    name every column that prints a value."""
    texts = header_rows(head)
    if not texts:
        return None
    hwidth = max([width, *(len(t) for t in texts)])
    paths = leaf_paths(texts, hwidth)[first:width]
    if not paths:
        return None
    if len(set(paths)) < len(paths):
        return None  # two columns under one header: a header row was lost
    keys = column_keys(table, paths, vocab)
    printed = {i for _, cells, _, _, f in body if f == first for i, c in enumerate(cells[first:width]) if c.text.strip()}
    for i, (path, key) in enumerate(zip(paths, keys)):
        if key is None and i in printed and not (path and ("行次" in path[-1] or "栏次" in path[-1])):
            return None  # a column the header does not name, with values in it (an unnamed empty column is skipped)
        if key is not None and is_label_path(path) and i in printed:
            return None  # the header's label columns sit over amounts: it is misaligned
    if not any(k and not k.startswith("extra.") for k in keys):
        return None
    return keys


def read_coded(table: str, grid: Grid, vocab: ColumnVocab | None = None) -> Extracted:
    """Facts of a coded table; ``vocab`` names the columns of a table outside the final accounts'
    vocabulary (budgets), else ``headers.COLUMN_WORDS`` and the contract's order do."""
    columns = vocab.order if vocab is not None else ALL_CODED_COLUMNS[table]
    rows = grid.head + grid.rows
    start = next((i for i, r in enumerate(rows) if _is_data_row(r.cells, 1)), len(rows))
    head = rows[:start]
    ncode = _code_columns(head)
    if ncode > 1:
        start = next((i for i, r in enumerate(rows) if _is_data_row(r.cells, ncode)), len(rows))
        head = rows[:start]
    # the rows: (block, cells, code, name, first amount index)
    body: list[tuple[Block, list[Cell], str, str, int]] = []
    skipped: list[str] = []
    firsts: Counter[tuple[int, int]] = Counter()  # (width, first) of coded rows
    for row in rows[start:]:
        cells = row.cells
        parsed = _split_code(cells, ncode)
        if parsed is None:
            label = _row_label(cells, ncode)
            if not L.is_total_label(label):
                if any(is_amount_cell(c.text) for c in cells[1:]) and label:
                    skipped.append(f"{table}: 无法识别的行 {label!r}（{row.prov.describe()}）")
                continue
            body.append((row, cells, "total", label, -1))
            continue
        code, name, first = parsed
        firsts[len(cells), first] += 1
        body.append((row, cells, code, name, first))
    by_width: dict[int, int] = {}
    for (w, f), _ in firsts.most_common():
        by_width.setdefault(w, f)
    main_first = Counter({f: n for (w, f), n in firsts.items()}).most_common(1)
    total_first = main_first[0][0] if main_first else ncode + 1
    # a 合计 row printed before the coded rows, whose amount cells hold header words: header band
    band: list[Block] = []
    resolved: list[tuple[Block, list[Cell], str, str, int]] = []
    for row, cells, code, name, first in body:
        if first < 0:
            first = by_width.get(len(cells), total_first if len(cells) >= total_first else _label_end(cells, ncode))
            if not resolved or all(r[2] == "total" for r in resolved):
                if any(c.text.strip() and not is_amount_cell(c.text) for c in cells[first:]):
                    band.append(row)
        resolved.append((row, cells, code, name, first))
    width = max((len(c) for _, c, _, _, f in resolved if f == total_first), default=total_first)
    header = _header_keys(table, head + band, total_first, width, resolved, vocab)
    positional: list[str | None] = list(columns[: max(0, width - total_first)])

    candidates: list[tuple[str, list[str | None]]] = []
    if header is not None:
        candidates.append(("header", header))
    if header is None or header[: len(positional)] != positional:
        candidates.append(("position", positional))
    readings = {name: _read_rows(table, grid, resolved, keys) for name, keys in candidates}
    if len(readings) > 1:
        parts = vocab.row_parts if vocab is not None else None
        choice, _ = best([(n, readings[n].facts, [k for k in keys if k]) for n, keys in candidates], table, parts)
    else:
        choice = candidates[0][0]
    out = readings[choice]
    keys = dict(candidates)[choice]
    out.columns = [k for k in keys if k]
    out.warnings[:0] = skipped
    return out


def _read_rows(table: str, grid: Grid, body: list[tuple], keys: list[str | None]) -> Extracted:
    b = Builder(table, grid.unit)
    for row, cells, code, name, first in body:
        amounts = cells[first:]
        for key, cell in zip(keys, amounts):
            if key:
                b.add(code, key, cell, name)
        extra = [c for c in amounts[len(keys) :] if c.text.strip()]
        if extra:
            b.out.warnings.append(f"{table}/{code}: 多出的列 {[c.text for c in extra]}（{row.prov.describe()}）")
    return b.out


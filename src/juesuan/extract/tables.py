"""Grid → facts, one reader per table shape.

Shapes: coded (function-code rows × amount columns), two-sided (收入 | 支出 halves), gpb_basic
(side-by-side groups of code/name/amount), three_public (vertical list or one wide row),
disclosure_stats (labelled lines). Each reader returns facts and the printed row labels, and
collects what it could not read as warnings rather than failing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..model import Block, Cell, Fact, Grid
from ..money import clean_amount_text, parse_amount
from . import labels as L

_CODE = re.compile(r"^\d{3}(\d{2}){0,2}$")
_CODE_AND_NAME = re.compile(r"^(\d{3}(?:\s?\d{2}){0,2})\s*([^\d\s].*)$")
_SMALL_INT = re.compile(r"^\d{1,3}$")

CODED_COLUMNS: dict[str, tuple[str, ...]] = {
    "income": ("total", "fiscal", "upper_subsidy", "operating", "business", "affiliate_remit", "other"),
    "expenditure": ("total", "basic", "project", "remit_upper", "business", "affiliate_subsidy"),
    "gpb_expenditure": ("total", "basic", "project"),
    "soe_capital": ("total", "basic", "project"),
    "gov_fund": (
        "opening_balance",
        "income",
        "expense_total",
        "expense_basic",
        "expense_project",
        "closing_balance",
    ),
}

# header words → column key, per table (first match wins, so order matters)
_HEADER_WORDS: dict[str, tuple[tuple[str, str], ...]] = {
    "income": (
        ("财政拨款", "fiscal"),
        ("上级补助", "upper_subsidy"),
        ("事业收入", "operating"),
        ("经营收入", "business"),
        ("附属单位", "affiliate_remit"),
        ("其他收入", "other"),
        ("合计", "total"),
    ),
    "expenditure": (
        ("基本支出", "basic"),
        ("项目支出", "project"),
        ("上缴上级", "remit_upper"),
        ("经营支出", "business"),
        ("附属单位", "affiliate_subsidy"),
        ("合计", "total"),
    ),
    "gpb_expenditure": (("基本支出", "basic"), ("项目支出", "project"), ("小计", "total"), ("合计", "total")),
    "soe_capital": (
        # some regions print it as a 收入支出 table shaped like gov_fund (added columns)
        ("年初", "opening_balance"),
        ("年末", "closing_balance"),
        ("本年收入", "income"),
        ("基本支出", "basic"),
        ("项目支出", "project"),
        ("小计", "total"),
        ("合计", "total"),
    ),
    "gov_fund": (
        ("年初", "opening_balance"),
        ("年末", "closing_balance"),
        ("本年收入", "income"),
        ("基本支出", "expense_basic"),
        ("项目支出", "expense_project"),
        ("小计", "expense_total"),
        ("合计", "expense_total"),
    ),
}


@dataclass
class Extracted:
    facts: list[Fact] = field(default_factory=list)
    row_labels: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    layout: str | None = None
    columns: list[str] | None = None  # column keys the header names (None: header not read)


class _Builder:
    """Turns cells into facts for one table, applying the unit factor."""

    def __init__(self, table: str, unit: str | None) -> None:
        self.table = table
        self.out = Extracted()
        self.factor = {"元": Decimal("0.0001"), "千元": Decimal("0.1"), "亿元": Decimal(10000)}.get(
            unit or "万元", Decimal(1)
        )

    def add(self, row: str, column: str, cell: Cell, label: str = "", *, count: bool = False) -> None:
        try:
            value = parse_amount(cell.text)
        except ValueError:
            if not any(ch.isdigit() for ch in cell.text):
                return  # a header word printed in a value column (empty tables): not a value
            self.out.warnings.append(
                f"{self.table}/{row}/{column}: 无法识别的数值 {cell.text!r}（{cell.prov.describe()}）"
            )
            return
        if value is None:
            return
        if not count and self.factor != 1:
            value = value * self.factor
        raw = cell.text.strip()
        self.out.facts.append(Fact(self.table, row, column, value, raw, cell.prov, label))
        if label and row not in self.out.row_labels:
            self.out.row_labels[row] = label


def _is_amount_cell(text: str) -> bool:
    s = clean_amount_text(text)
    if not s:
        return False
    try:
        return parse_amount(text) is not None
    except ValueError:
        return False


# ---------------------------------------------------------------------------- coded tables


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
    return None


def _header_map(table: str, head: list[Block], first_amount: int, width: int) -> list[str] | None:
    """Column keys from the header text, if it names every amount column exactly once."""
    words = _HEADER_WORDS[table]
    keys: list[str] = []
    for col in range(first_amount, width):
        text = "".join(
            row.cells[col].text.replace(" ", "") for row in head if col < len(row.cells)
        )
        key = next((k for w, k in words if w in text), None)
        if key is None:
            return None
        keys.append(key)
    if len(set(keys)) != len(keys):
        return None
    return keys


def _row_label(cells: list[Cell], ncode: int) -> str:
    """The first printed label among the code and name cells (合计 may sit in either)."""
    for c in cells[: ncode + 1]:
        if c.text.strip():
            return L.norm_label(c.text)
    return ""


def _is_total_label(label: str) -> bool:
    return label.startswith("合计") or label == "总计"


def _is_data_row(cells: list[Cell], ncode: int) -> bool:
    if _split_code(cells, ncode):
        return True
    return _is_total_label(_row_label(cells, ncode))


def read_coded(table: str, grid: Grid) -> Extracted:
    b = _Builder(table, grid.unit)
    columns = CODED_COLUMNS[table]
    rows = grid.head + grid.rows
    start = next((i for i, r in enumerate(rows) if _is_data_row(r.cells, 1)), len(rows))
    head = rows[:start]
    ncode = _code_columns(head)
    if ncode > 1:
        start = next((i for i, r in enumerate(rows) if _is_data_row(r.cells, ncode)), len(rows))
        head = rows[:start]
    # where amounts start on coded rows (after the code and name cells, or right after a merged
    # "2080101 行政运行" cell): the 合计 row uses the same position
    firsts = [p[2] for r in rows[start:] if (p := _split_code(r.cells, ncode))]
    total_first = max(set(firsts), key=firsts.count) if firsts else ncode + 1
    keys_by_width: dict[tuple[int, int], list[str]] = {}
    for row in rows[start:]:
        cells = row.cells
        parsed = _split_code(cells, ncode)
        if parsed is None:
            label = _row_label(cells, ncode)
            if not _is_total_label(label):
                if any(_is_amount_cell(c.text) for c in cells[1:]) and label:
                    b.out.warnings.append(f"{table}: 无法识别的行 {label!r}（{row.prov.describe()}）")
                continue
            # 合计 row: label in the code or name cells, then amounts
            code, name = "total", label
            first = total_first
        else:
            code, name, first = parsed
        width = len(cells)
        keys = keys_by_width.get((width, first))
        if keys is None:
            keys = _header_map(table, head, first, width)
            if keys is None and any(c.text and not _is_amount_cell(c.text) for c in cells[first:]):
                # a sub-header printed in the same band as this (empty) 合计 row
                keys = _header_map(table, head + [row], first, width)
            keys = keys or list(columns[: max(0, width - first)])
            keys_by_width[width, first] = keys
        for key, cell in zip(keys, cells[first:]):
            b.add(code, key, cell, name)
        extra = [c for c in cells[first + len(keys) :] if c.text.strip()]
        if extra:
            b.out.warnings.append(f"{table}/{code}: 多出的列 {[c.text for c in extra]}（{row.prov.describe()}）")
    return b.out


# ---------------------------------------------------------------------------- two-sided


def _halves(head: list[Block], rows: list[Block]) -> tuple[int, int, bool, bool]:
    """(start of right half, width of left half's value part, left has 行次, right has 行次)."""
    for row in head:
        t = [c.text.replace(" ", "") for c in row.cells]
        idx = [i for i, s in enumerate(t) if s == "项目"]
        if len(idx) >= 2:
            right = idx[1]
            return right, right, "行次" in t[: right], "行次" in t[right:]
    # no header: find the right label column as the first non-numeric text after column 1
    votes: dict[int, int] = {}
    for row in rows:
        t = [c.text.strip() for c in row.cells]
        for i in range(2, len(t)):
            if t[i] and not _is_amount_cell(t[i]):
                votes[i] = votes.get(i, 0) + 1
                break
    right = max(votes, key=votes.__getitem__) if votes else 3
    sample = [r.cells for r in rows if len(r.cells) > right + 1]
    left_no = sum(1 for c in sample if _SMALL_INT.match(c[1].text.strip())) > len(sample) // 2
    right_no = sum(1 for c in sample if _SMALL_INT.match(c[right + 1].text.strip())) > len(sample) // 2
    return right, right, left_no, right_no


def read_two_sided(table: str, grid: Grid, year: int | None) -> Extracted:
    b = _Builder(table, grid.unit)
    rows = grid.head + grid.rows
    start = 0
    for i, r in enumerate(rows):
        first = L.norm_label(r.cells[0].text) if r.cells else ""
        if first in ("收入", "项目", "栏次", "收入项目") or first.startswith("栏次"):
            start = i + 1
    head, body = rows[:start], rows[start:]
    right, _, left_no, right_no = _halves(head, body)
    classes = L.ClassLookup(year)
    expense_cols = ("amount",) if table == "income_expense_summary" else ("total", "gpb", "gov_fund", "soe_capital")
    in_opening = False
    for row in body:
        cells = row.cells
        left, rightc = cells[:right], cells[right:]
        if left:
            label = left[0].text.strip()
            key = L.income_key(label, in_opening)
            if key == "income.opening_balance":
                in_opening = True
            elif key and not key.startswith("income.opening_balance."):
                in_opening = False
            values = left[2:] if left_no else left[1:]
            if key:
                for cell in values[:1]:
                    b.add(key, "amount", cell, label)
            elif label and any(_is_amount_cell(c.text) for c in values):
                b.out.warnings.append(f"{table}: 无法识别的收入项目 {label!r}（{row.prov.describe()}）")
        if rightc:
            label = rightc[0].text.strip()
            key = L.expense_key(label, classes)
            values = rightc[2:] if right_no else rightc[1:]
            if key:
                for col, cell in zip(expense_cols, values):
                    b.add(key, col, cell, label)
            elif label and any(_is_amount_cell(c.text) for c in values):
                b.out.warnings.append(f"{table}: 无法识别的支出项目 {label!r}（{row.prov.describe()}）")
    return b.out


# ---------------------------------------------------------------------------- gpb_basic


_GROUP_HEAD = ("代码", "编码", "经济分类")


def _groups(head: list[Block], width: int) -> tuple[list[int], int]:
    """Start column of each (code…, name, amount) group, and the group width (3, or 4 when the
    code is printed in 类 and 款 columns)."""
    for row in head:
        t = [c.text.replace(" ", "") for c in row.cells]
        starts = [i for i, s in enumerate(t) if any(w in s for w in _GROUP_HEAD)]
        if len(starts) >= 2:
            return starts, starts[1] - starts[0]
        if len(starts) == 1 and width >= 6:
            return list(range(starts[0], width - 2, 3)), 3
    return list(range(0, width - 2, 3)), 3


def _is_econ_code_row(row: Block) -> bool:
    first = row.cells[0].text.replace(" ", "") if row.cells else ""
    return first.isdigit() and 3 <= len(first) <= 5


def read_gpb_basic(table: str, grid: Grid, year: int | None) -> Extracted:
    from ..refdata import economic_codes

    econ = economic_codes(year or 2024)
    b = _Builder(table, grid.unit)
    rows = grid.head + grid.rows
    start = next((i for i, r in enumerate(rows) if _is_econ_code_row(r)), len(rows))
    head, body = rows[:start], rows[start:]
    width = max((len(r.cells) for r in body), default=0)
    groups, gw = _groups(head, width)
    for row in body:
        cells = row.cells
        texts = [c.text.strip() for c in cells]
        joined = "".join(texts)
        if "经费合计" in joined or "经费小计" in joined:
            _read_basic_totals(b, cells)
            continue
        for g in groups:
            if g + gw - 1 >= len(cells):
                continue
            if gw >= 4:  # 类 | 款 | 名称 | 决算数
                code_text = (texts[g] + texts[g + 1]).replace(" ", "")
                name, amount = texts[g + 2], cells[g + 3]
            else:
                code_text = texts[g].replace(" ", "")
                name, amount = texts[g + 1], cells[g + 2]
            if not code_text:
                if amount.text.strip():
                    b.out.warnings.append(f"{table}: 缺少科目代码 {name!r}（{row.prov.describe()}）")
                continue
            if not code_text.isdigit():
                continue
            code = code_text
            known = econ.get(code)
            if len(code) not in (3, 5) or (known is None and len(code) != 3):
                restored = econ.restore(code, name)
                if restored:
                    code = restored
                else:
                    b.out.warnings.append(
                        f"{table}: 科目代码 {code_text} {name} 无法还原（{row.prov.describe()}）"
                    )
                    continue
            b.add(code, "amount", amount, name)
    return b.out


def _read_basic_totals(b: _Builder, cells: list[Cell]) -> None:
    """The 人员经费合计 … 公用经费合计 … line: each label takes the next amount after it."""
    label_at: list[tuple[int, str]] = []
    for i, c in enumerate(cells):
        s = c.text.replace(" ", "")
        if "人员经费" in s:
            label_at.append((i, "personnel_total"))
        elif "公用经费" in s:
            label_at.append((i, "public_total"))
    for n, (i, key) in enumerate(label_at):
        end = label_at[n + 1][0] if n + 1 < len(label_at) else len(cells)
        amounts = [c for c in cells[i + 1 : end] if _is_amount_cell(c.text)]
        if amounts:
            b.add(key, "amount", amounts[-1], cells[i].text.strip())


# ---------------------------------------------------------------------------- three_public


def _is_column_numbers(texts: list[str]) -> bool:
    nums = [t for t in texts if t]
    return len(nums) >= 3 and all(t.isdigit() for t in nums) and [int(t) for t in nums] == list(
        range(int(nums[0]), int(nums[0]) + len(nums))
    )


def read_three_public(table: str, grid: Grid) -> Extracted:
    b = _Builder(table, grid.unit)
    rows = grid.head + grid.rows
    keyed = [(r, L.three_public_key(r.cells[0].text)) for r in rows if r.cells]
    vertical = sum(1 for _, k in keyed if k) >= 2
    if vertical:
        b.out.layout = "vertical"
        cols = ["budget", "final"]
        for row in rows:
            t = [c.text.replace(" ", "") for c in row.cells]
            if "预算数" in t and "决算数" in t and t.index("预算数") > t.index("决算数"):
                cols = ["final", "budget"]
        for row, key in keyed:
            if key is None:
                continue
            values = [c for c in row.cells[1:]]
            if len(values) > 2:  # e.g. an extra 行次 column
                values = values[-2:]
            for col, cell in zip(cols, values):
                b.add(key, col, cell, row.cells[0].text.strip())
        return b.out
    b.out.layout = "horizontal"
    data = [r for r in rows if not _is_column_numbers([c.text.strip() for c in r.cells])]
    data = [r for r in data if any(_is_amount_cell(c.text) for c in r.cells)]
    header_text = "".join(c.text for r in rows for c in r.cells)
    interleaved = any(_alternates_budget_final(r) for r in rows)
    for row in data[-1:]:
        cells = row.cells
        n = len(cells)
        if interleaved and n >= 12:  # 合计(预算 决算) 因公出国(预算 决算) …
            for i, key in enumerate(L.THREE_PUBLIC_COLUMNS):
                b.add(key, "budget", cells[2 * i], _THREE_LABELS[key])
                b.add(key, "final", cells[2 * i + 1], _THREE_LABELS[key])
            continue
        if n >= 12:
            groups = [("budget", cells[0:6]), ("final", cells[6:12])]
        elif "预算" in header_text and "决算" not in header_text:
            groups = [("budget", cells[:6])]
        else:
            groups = [("final", cells[:6])]
        for col, group in groups:
            for key, cell in zip(L.THREE_PUBLIC_COLUMNS, group):
                b.add(key, col, cell, _THREE_LABELS[key])
    return b.out


def _alternates_budget_final(row: Block) -> bool:
    t = [c.text.replace(" ", "") for c in row.cells if c.text.strip()]
    return len(t) >= 4 and all(s == ("预算数" if i % 2 == 0 else "决算数") for i, s in enumerate(t))


_THREE_LABELS = {
    "total": "合计",
    "overseas": "因公出国（境）费",
    "vehicle": "公务用车购置及运行维护费",
    "vehicle_purchase": "公务用车购置费",
    "vehicle_operation": "公务用车运行维护费",
    "reception": "公务接待费",
}


# ---------------------------------------------------------------------------- disclosure_stats


def read_disclosure_stats(table: str, grid: Grid) -> Extracted:
    b = _Builder(table, grid.unit)
    section = ""
    for row in grid.head + grid.rows:
        cells = row.cells
        if not cells:
            continue
        label = cells[0].text.strip()
        section = L.stats_section(label, section)
        key = L.stats_key(label, section)
        if key is None:
            continue
        values = [c for c in cells[1:] if c.text.strip()]
        if not values:
            continue
        value = cells[-1] if cells[-1].text.strip() else None
        if value is None:
            continue
        if len(values) == 1 and len(cells) > 2 and values[0] is not cells[-1]:
            continue  # only the 行次 was printed
        count = key.startswith("vehicles.")
        b.add(key, "value", value, label, count=count)
    return b.out

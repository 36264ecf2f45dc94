"""gpb_basic: side-by-side groups of 经济分类 code, name and amount (人员经费 | 公用经费)."""

from __future__ import annotations

from ..model import Block, Cell, Grid
from .builder import Builder, Extracted, is_amount_cell

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
    b = Builder(table, grid.unit)
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
    b.out.columns = ["amount"]
    return b.out


def _read_basic_totals(b: Builder, cells: list[Cell]) -> None:
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
        amounts = [c for c in cells[i + 1 : end] if is_amount_cell(c.text)]
        if amounts:
            b.add(key, "amount", amounts[-1], cells[i].text.strip())

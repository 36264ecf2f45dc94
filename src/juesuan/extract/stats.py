"""disclosure_stats: 部门决算公开相关信息统计表, labelled lines (采购, 机关运行经费, 车辆, 设备)."""

from __future__ import annotations

from ..model import Grid
from . import labels as L
from .builder import Builder, Extracted


def read_disclosure_stats(table: str, grid: Grid) -> Extracted:
    b = Builder(table, grid.unit)
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
    b.out.columns = ["value"]
    return b.out

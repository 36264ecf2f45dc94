"""Fault injection into the self-evaluation tables: which cells, and whether a plant was caught."""

from __future__ import annotations


from ...extract.perf import PERF_TABLES
from ...model import Document


# --------------------------------------------------------------------------- fault injection


PLANT_COLUMNS = ("executed", "budget_full", "rate", "score")


def perf_cells(doc: Document) -> list[tuple[str, str, str, str]]:
    """(project, table, row, column) of every printed 全年执行数, 全年预算数, 执行率 and 得分 cell
    (总分 included) of the self-evaluation tables: where fault injection plants wrong values."""
    return [
        (f.project, f.table, f.row, f.column)
        for f in doc.facts
        if f.table in PERF_TABLES and f.column in PLANT_COLUMNS
    ]


def caught(findings, project: str, table: str, row: str, column: str) -> bool:
    """Whether an error finding names the cell."""
    return any(
        f.severity == "error"
        and any(c.project == project and c.table == table and c.row == row and c.column == column for c in f.cells)
        for f in findings
    )

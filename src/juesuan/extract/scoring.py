"""Let the accounting identities choose between candidate readings of a table.

Where a table can be read more than one way (which column is which, whether a 合计 is the year's
total or the grand total, whether a column is 行次), each candidate reading is scored by how many
of the table's own identities it satisfies — row totals (合计 = Σ parts), class = Σ 款 = Σ 项, and
the 合计 row = Σ classes — and the best is kept. The tolerance is juesuan.money's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from ..model import Fact
from ..money import compare

# a row's total column and the parts that add up to it, per coded table
ROW_PARTS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "income": (("total", ("fiscal", "upper_subsidy", "operating", "business", "affiliate_remit", "other")),),
    "expenditure": (("total", ("basic", "project", "remit_upper", "business", "affiliate_subsidy")),),
    "gpb_expenditure": (("total", ("basic", "project")),),
    "fiscal_expenditure": (("total", ("basic", "project")),),
    "soe_capital": (("total", ("basic", "project")),),
    "gov_fund": (("expense_total", ("expense_basic", "expense_project")),),
}


@dataclass(frozen=True)
class Score:
    holds: int = 0
    fails: int = 0

    @property
    def value(self) -> int:
        return self.holds - 2 * self.fails

    def __add__(self, other: "Score") -> "Score":
        return Score(self.holds + other.holds, self.fails + other.fails)


def _judge(printed: Decimal | None, terms: list[Decimal]) -> Score:
    if printed is None or not terms:
        return Score()
    if printed == 0 and all(t == 0 for t in terms):
        return Score()  # all zero: says nothing about the reading
    ok = compare(printed, [(1, t) for t in terms]).ok
    return Score(1, 0) if ok else Score(0, 1)


def score_coded(
    table: str,
    facts: Iterable[Fact],
    columns: Iterable[str] | None = None,
    parts: tuple[tuple[str, tuple[str, ...]], ...] | None = None,
) -> Score:
    """How many row, hierarchy and column-sum identities a coded table's reading satisfies.
    ``columns``: the column keys the reading says the table prints; a row identity over a column
    it does not print is not judged (as the rules skip it). ``parts``: the row identities of a table
    outside ``ROW_PARTS`` (budgets)."""
    printed_cols = set(columns) if columns is not None else None
    cells: dict[tuple[str, str], Decimal] = {}
    rows: list[str] = []
    columns: list[str] = []
    for f in facts:
        if (f.row, f.column) not in cells:
            cells[f.row, f.column] = f.value
        if f.row not in rows:
            rows.append(f.row)
        if f.column not in columns:
            columns.append(f.column)
    score = Score()
    for row in rows:
        for total, terms in parts if parts is not None else ROW_PARTS.get(table, ()):
            if printed_cols is not None and not printed_cols.issuperset((total, *terms)):
                continue
            printed = [cells[row, p] for p in terms if (row, p) in cells]
            if printed:
                score += _judge(cells.get((row, total)), printed)
    codes = [r for r in rows if r.isdigit()]
    code_set = set(codes)
    for col in columns:
        if col.startswith("extra."):
            continue
        for parent in codes:
            kids = [r for r in codes if len(r) == len(parent) + 2 and r.startswith(parent)]
            vals = [cells[k, col] for k in kids if (k, col) in cells]
            if vals:
                score += _judge(cells.get((parent, col)), vals)
        classes = [cells[r, col] for r in code_set if len(r) == 3 and (r, col) in cells]
        if classes:
            score += _judge(cells.get(("total", col)), classes)
    return score


def best(
    candidates: list[tuple[str, list[Fact], list[str]]],
    table: str,
    parts: tuple[tuple[str, tuple[str, ...]], ...] | None = None,
) -> tuple[str, Score]:
    """The name of the best-scoring candidate reading (name, facts, printed columns) and its score.
    The first candidate is the preferred one (the header's): it is kept unless it breaks an
    identity and another scores better."""
    scored = [(name, score_coded(table, facts, cols, parts)) for name, facts, cols in candidates]
    if not scored[0][1].fails:
        return scored[0]
    return max(scored, key=lambda s: s[1].value)  # max keeps the first of equals


def sums_to(total: Decimal | None, parts: list[Decimal]) -> bool:
    """Whether printed ``parts`` add up to ``total`` (interval semantics)."""
    return total is not None and bool(parts) and compare(total, [(1, p) for p in parts]).ok

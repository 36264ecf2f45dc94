"""What every table reader returns, and the one place cells become facts (unit factor applied)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..model import UNIT_FACTORS, Cell, Fact
from ..money import clean_amount_text, parse_amount

_FACTORS = UNIT_FACTORS


@dataclass
class Extracted:
    facts: list[Fact] = field(default_factory=list)
    row_labels: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    layout: str | None = None
    columns: list[str] | None = None  # column keys the header names (None: header not read)


class Builder:
    """Turns cells into facts for one table, applying the unit factor."""

    def __init__(self, table: str, unit: str | None) -> None:
        self.table = table
        self.out = Extracted()
        self.factor = _FACTORS.get(unit or "万元", Decimal(1))

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


def is_amount_cell(text: str) -> bool:
    s = clean_amount_text(text)
    if not s:
        return False
    try:
        return parse_amount(text) is not None
    except ValueError:
        return False


def is_column_numbers(texts: list[str]) -> bool:
    """A 栏次 line: consecutive small integers (1 2 3 …) in the non-blank cells."""
    nums = [t.strip() for t in texts if t.strip()]
    return (
        len(nums) >= 3
        and all(t.isdigit() and len(t) <= 3 for t in nums)
        and [int(t) for t in nums] == list(range(int(nums[0]), int(nums[0]) + len(nums)))
    )

"""Fault injection: plant one wrong value in a parsed document."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from decimal import Decimal

from ..model import Document, Fact, Provenance, format_decimal

_STEPS = (Decimal("1.00"), Decimal("10.00"), Decimal("100.00"))


@dataclass(frozen=True, slots=True)
class Mutation:
    """Where a value was planted, and what it replaced."""

    table: str
    row: str
    column: str
    old_value: Decimal | None  # None: the cell was not printed (the fact was added)
    new_value: Decimal
    old_raw: str | None
    new_raw: str
    prov: Provenance
    project: str = ""  # perf_* tables: the self-evaluation (Fact.project) the cell belongs to

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.table, self.row, self.column)

    def describe(self) -> str:
        old = self.old_raw if self.old_raw is not None else "（空白）"
        where = f"{self.project}:" if self.project else ""
        return f"{where}{self.table}/{self.row}/{self.column}（{self.prov.describe()}）：{old} → {self.new_raw}"


def _raw(value: Decimal, like: str | None) -> str:
    """Print ``value`` the way the replaced cell was printed (thousands separators or not)."""
    if like and "," in like:
        return format(value, ",f")
    return format_decimal(value)


def mutate(
    doc: Document,
    table: str,
    row: str,
    column: str,
    new_value: Decimal | None = None,
    *,
    delta: Decimal | int | str | None = None,
    rng: random.Random | None = None,
    project: str | None = None,
) -> tuple[Document, Mutation]:
    """A copy of ``doc`` with the value of one cell replaced.

    Give ``new_value``, or ``delta`` (added to the printed value); with neither, ``rng`` picks a
    change of ±1, ±10 or ±100. A cell that was not printed is added. Raises ValueError when the
    new value equals the printed one (nothing would be planted).

    ``project`` picks the self-evaluation table of a ``perf_*`` cell (``Fact.project``): the same
    (table, row, column) occurs once per project. Without it, the first fact with the key is used.
    """
    facts = list(doc.facts)
    key = (table, row, column)
    if project is None:
        pos = next((i for i, f in enumerate(facts) if f.key == key), None)
    else:
        pos = next((i for i, f in enumerate(facts) if f.key == key and f.project == project), None)
    old = facts[pos] if pos is not None else None
    if new_value is None:
        if delta is None:
            rng = rng or random.Random()
            delta = rng.choice((1, -1)) * rng.choice(_STEPS)
        new_value = (old.value if old else Decimal("0.00")) + Decimal(delta)
    if old is not None and new_value == old.value:
        raise ValueError(f"{table}/{row}/{column}: planted value equals the printed {old.raw}")
    raw = _raw(new_value, old.raw if old else None)
    if old is not None:
        facts[pos] = replace(old, value=new_value, raw=raw)
        prov = old.prov
    else:
        info = doc.table(table)
        label = info.row_labels.get(row, "") if info else ""
        prov = Provenance(ref="planted")
        facts.append(Fact(table, row, column, new_value, raw, prov, label, project or ""))
    mutation = Mutation(
        table, row, column, old.value if old else None, new_value, old.raw if old else None, raw, prov,
        project or "",
    )
    return replace(doc, facts=facts, tables=list(doc.tables)), mutation

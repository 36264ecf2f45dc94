"""One self-evaluation table as the rules read it (its printed cells and metadata)."""

from __future__ import annotations

from itertools import groupby
from operator import attrgetter
from typing import Any

from ...extract.perf import PERF_TABLES
from ...model import Document, Fact
from .base import _AMOUNT_COLUMNS, _GRADE_IN_LABEL, _raw, perf_row_name, perf_table_name


# --------------------------------------------------------------------------- the tables

_Row = dict[str, Fact]  # column -> fact


class _LabelMeta:
    """Notes and grade of a table the document has no PerfTable for (examples): from row names."""

    def __init__(self, table: str, rows: dict[str, _Row]) -> None:
        self.kind = "department" if table == "perf_department" else "project"
        self.project = ""
        self.unit = "万元"
        self.line = min((f.prov.line for r in rows.values() for f in r.values() if f.prov.line), default=0)
        self.rate_basis: str | None = None
        self.rate_rule: str | None = None
        self.score_rule: str | None = None
        self.grade: str | None = None
        note = next((f.label for f in rows.get("funds.total", {}).values() if f.label), "")
        if "执行率得分" in note:
            self.score_rule = note
        elif "执行率" in note and ("全年预算" in note or "年初预算" in note):
            self.rate_rule = note
            self.rate_basis = "budget_full" if "全年预算" in note else "budget_initial"
        m = _GRADE_IN_LABEL.search(next((f.label for f in rows.get("total", {}).values() if f.label), ""))
        if m:
            self.grade = m.group(1)


_READ_COLUMNS = (*_AMOUNT_COLUMNS, "rate", "weight", "score", "degree")
_READ = frozenset(_READ_COLUMNS)
_AMOUNT_SET = frozenset(_AMOUNT_COLUMNS)


class _View:
    """One self-evaluation table as the rules read it: its printed cells and its metadata."""

    __slots__ = ("table", "key", "cells", "order", "meta", "_rows")

    def __init__(self, table: str, key: str, cells: dict[tuple[str, str], Fact]) -> None:
        self.table = table
        self.key = key  # Fact.project
        self.cells = cells  # (row, column) -> fact
        self.order = list(dict.fromkeys([r for r, _ in cells]))  # rows in printed order
        self.meta: Any = None  # PerfTable or _LabelMeta
        self._rows: dict[str, _Row] = {}

    @property
    def rows(self) -> dict[str, _Row]:
        """row -> column -> fact for every row (built on demand: examples and _LabelMeta)."""
        return {r: self.row(r) for r in self.order}

    def row(self, row: str) -> _Row:
        got = self._rows.get(row)
        if got is None:
            cells = self.cells
            got = self._rows[row] = {c: f for c in _READ_COLUMNS if (f := cells.get((row, c))) is not None}
        return got

    @property
    def name(self) -> str:
        return self.meta.project or self.key or "（未命名）"

    def get(self, row: str, col: str) -> Fact | None:
        return self.cells.get((row, col))

    def amount(self, f: Fact) -> str:
        """An amount as printed, with the unit when the table prints 元."""
        return _raw(f) + ("元" if getattr(self.meta, "unit", "万元") == "元" else "")

    def fields(self, f: Fact | None = None, row: str | None = None) -> dict[str, str]:
        line = self.meta.line
        at = f.prov.describe() if f is not None else (f"第{line}行" if line else "")
        out = {
            "table_name": perf_table_name(self.table),
            "project": self.name,
            "where": at,
            "title_line": f"第{line}行" if line else "",
        }
        if row is not None:
            out["row_label"] = perf_row_name(row, f.label if f is not None else "")
        return out


_GROUP_KEY = attrgetter("table", "project")


def _views(doc: Document) -> list[_View]:
    facts = doc.facts
    perf = [f for f in facts if f.project]
    if not perf:  # documents built from examples: perf facts without a project name
        perf = [f for f in facts if f.table in PERF_TABLES]
        if not perf:
            return []
    groups: dict[tuple[str, str], dict[tuple[str, str], Fact]] = {}
    read = _READ
    for k, grp in groupby(perf, _GROUP_KEY):
        if k[0] not in PERF_TABLES:
            continue
        cells = {(f.row, f.column): f for f in grp if f.column in read}  # a cell is printed once
        got = groups.get(k)
        if got is None:
            groups[k] = cells
        else:  # a fact added after the others (fault injection): keep the earlier ones
            for key, f in cells.items():
                got.setdefault(key, f)
    metas = {(p.table_id, p.key): p for p in doc.perf}
    out = []
    for (t, key), cells in groups.items():
        v = _View(t, key, cells)
        meta = metas.get((t, key))
        v.meta = meta if meta is not None else _LabelMeta(t, v.rows)
        out.append(v)
    return out

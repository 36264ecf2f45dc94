"""The authoring input: facts keyed by (table, row, column), with their printed text.

Read from a facts CSV (header ``table,row,column,value``; extra columns ignored, a UTF-8 BOM
allowed), from a filled template workbook (:mod:`.workbook_in`), or from a parsed
:class:`~juesuan.model.Document` (a prior year's disclosure).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..ingest.errors import InputError
from ..model import Document, Fact, Provenance, TableInfo
from ..vocab import TABLE_NAMES_ZH

Key = tuple[str, str, str]

REQUIRED_HEADER = ("table", "row", "column", "value")


@dataclass
class FactSet:
    """Facts of one document: value (Decimal, 万元 for amounts) and label (the row's printed name)."""

    values: dict[Key, Decimal] = field(default_factory=dict)
    labels: dict[tuple[str, str], str] = field(default_factory=dict)  # (table, row) -> printed name
    department: str | None = None
    year: int | None = None

    def get(self, table: str, row: str, column: str) -> Decimal | None:
        return self.values.get((table, row, column))

    def zero(self, table: str, row: str, column: str) -> Decimal:
        """The value, a missing fact counting as zero (the facts contract)."""
        return self.values.get((table, row, column), Decimal(0))

    def tables(self) -> set[str]:
        return {k[0] for k in self.values}

    def rows(self, table: str) -> list[str]:
        seen: dict[str, None] = {}
        for t, r, _ in self.values:
            if t == table:
                seen.setdefault(r, None)
        return list(seen)

    def has_row(self, table: str, row: str) -> bool:
        return any(t == table and r == row for t, r, _ in self.values)

    def to_document(self, source: str = "input", family: str | None = None) -> Document:
        """A :class:`Document` holding these facts (for the rule engine)."""
        facts = [
            Fact(table=t, row=r, column=c, value=v, raw=format_value(v), prov=Provenance(ref=f"{t}/{r}/{c}"),
                 label=self.labels.get((t, r), ""))
            for (t, r, c), v in self.values.items()
        ]
        tables = [
            TableInfo(id=t, title=TABLE_NAMES_ZH.get(t, t), number=None, unit="万元", prov=Provenance())
            for t in sorted(self.tables())
        ]
        return Document(source=source, format="facts", department=self.department, year=self.year,
                        unit="万元", tables=tables, facts=facts, family=family)


def format_value(value: Decimal) -> str:
    """The value as a table prints it: 0.01 万元 (two decimals) unless it carries more."""
    exp = value.as_tuple().exponent
    if isinstance(exp, int) and exp >= -2:
        return f"{value.quantize(Decimal('0.01')):,.2f}".replace(",", "")
    return format(value, "f")


def parse_value(text: str) -> Decimal | None:
    t = text.strip().replace(",", "").replace("，", "")
    if t in ("", ):
        return None
    if t in ("-", "—", "——", "－"):
        return Decimal(0)
    try:
        return Decimal(t)
    except InvalidOperation:
        return None


def read_facts_csv(path: str | Path) -> FactSet:
    """Facts from a CSV with header ``table,row,column,value`` (more columns are ignored)."""
    p = Path(path)
    try:
        text = p.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{p.name}: 无法读取 ({e})") from e
    reader = csv.DictReader(io.StringIO(text))
    missing = [h for h in REQUIRED_HEADER if h not in (reader.fieldnames or ())]
    if missing:
        raise InputError(f"{p.name}: CSV 缺少列 {', '.join(missing)}（需要表头 table,row,column,value）")
    fs = FactSet()
    for n, rec in enumerate(reader, start=2):
        value = parse_value(rec.get("value") or "")
        if value is None:
            if (rec.get("value") or "").strip():
                raise InputError(f"{p.name}: 第{n}行的数值无法读取：{rec.get('value')!r}")
            continue
        table, row, column = (rec.get(k, "").strip() for k in ("table", "row", "column"))
        if not (table and row and column) or table.startswith("perf_"):
            continue  # 绩效自评表 facts are not authored
        fs.values[(table, row, column)] = value
        label = (rec.get("label") or "").strip()
        if label:
            fs.labels.setdefault((table, row), label)
    return fs


def from_document(doc: Document) -> FactSet:
    """The facts of a parsed disclosure (a prior year's, for the 上年 comparisons)."""
    fs = FactSet(department=doc.department, year=doc.year)
    for f in doc.facts:
        if f.table.startswith("perf_"):
            continue
        fs.values.setdefault(f.key, f.value)
        if f.label:
            fs.labels.setdefault((f.table, f.row), f.label)
    return fs

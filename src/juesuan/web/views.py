"""What the pages show, computed from store records: table grids with marked cells, metric rows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..model import SEVERITY_ORDER, TABLE_IDS, TABLE_NAMES_ZH, CellRef, Document, Fact, Finding
from ..report.common import COLUMN_ORDER, SEVERITIES, SEVERITY_ZH, GridRow
from ..report.common import COLUMN_NAMES_ZH as COLUMN_NAMES
from ..report.common import ROW_NAMES_ZH as ROW_NAMES
from ..store.records import Figures


# Pseudo-tables findings name that are not tables of the document.
NOT_TABLES: dict[str, str] = {"narrative": "情况说明"}


def table_name(table_id: str) -> str:
    return TABLE_NAMES_ZH.get(table_id) or NOT_TABLES.get(table_id) or table_id


def column_name(table_id: str, column: str) -> str:
    if table_id == "expenditure" and column == "business":
        return "经营支出"
    return COLUMN_NAMES.get(column, column)


def severity_name(sev: str) -> str:
    return SEVERITY_ZH.get(sev, sev)


def location(page: int | None, line: int | None) -> str:
    parts = []
    if page is not None:
        parts.append(f"第{page}页")
    if line is not None:
        parts.append(f"第{line}行")
    return " ".join(parts)


def amount(value: Decimal | None) -> str:
    """Display form: thousands separators, decimals as stored; "—" for missing."""
    if value is None:
        return "—"
    s = format(value, ",f")
    return "0" if s in ("-0", "-0.0") else s


_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_.\-]")


def cell_id(table: str, row: str, column: str) -> str:
    return "cell-" + "-".join(_ID_UNSAFE.sub("_", p) for p in (table, row, column))


def worse(a: str | None, b: str) -> str:
    if a is None:
        return b
    return a if SEVERITY_ORDER.get(a, 9) <= SEVERITY_ORDER.get(b, 9) else b


@dataclass(slots=True)
class GridCell:
    id: str
    value: str
    fact: Fact | None
    severity: str | None = None
    findings: list[int] = field(default_factory=list)
    tip: str = ""


@dataclass(slots=True)
class Grid:
    id: str
    name: str
    title: str | None
    number: str | None
    unit: str | None
    where: str
    found: bool
    empty: bool
    fragment: bool
    notes: list[str]
    column_names: list[str]
    rows: list[GridRow]


@dataclass(slots=True)
class CellLink:
    href: str | None
    table: str
    row: str
    label: str
    column: str
    value: str
    where: str


@dataclass(slots=True)
class FindingView:
    number: int
    finding: Finding
    severity_name: str
    table_names: list[str]
    cells: list[CellLink]


def build_grids(doc: Document, findings: list[Finding]) -> list[Grid]:
    """Each table as rows × columns; cells that findings name get the worst severity and numbers."""
    marks: dict[tuple[str, str, str], tuple[str, list[int]]] = {}
    named: dict[tuple[str, str, str], CellRef] = {}
    for n, f in enumerate(findings, start=1):
        for c in f.cells:
            if c.table in NOT_TABLES:  # a narrative sentence: shown with its finding, not as a grid
                continue
            k = (c.table, c.row, c.column)
            sev, nums = marks.get(k, (f.severity, []))
            if n not in nums:
                nums.append(n)
            marks[k] = (worse(sev, f.severity), nums)
            named.setdefault(k, c)
    infos = {t.id: t for t in doc.tables}
    order = [t.id for t in doc.tables]
    extra = {f.table for f in doc.facts if not f.project} | {k[0] for k in named}
    order += [t for t in TABLE_IDS if t in extra and t not in order]
    order += sorted(t for t in extra if t not in order)
    grids = []
    for tid in dict.fromkeys(order):
        info = infos.get(tid)
        facts = [f for f in doc.facts if f.table == tid and not f.project]
        by_key = {(f.row, f.column): f for f in facts}
        labels = dict(info.row_labels) if info else {}
        for f in facts:
            if f.label:
                labels.setdefault(f.row, f.label)
        for (t, r, _), c in named.items():
            if t == tid and c.label:
                labels.setdefault(r, c.label)
        rows = list(dict.fromkeys([f.row for f in facts]))
        rows += [r for r in (info.row_labels if info else {}) if r not in rows]
        rows += [r for (t, r, _) in named if t == tid and r not in rows]
        present = list(dict.fromkeys([f.column for f in facts] + [c for (t, _, c) in named if t == tid]))
        canon = COLUMN_ORDER.get(tid, ())
        columns = [c for c in canon if c in present] + [c for c in present if c not in canon]
        grid_rows = []
        for r in rows:
            cells: list[GridCell | None] = []
            for col in columns:
                fact = by_key.get((r, col))
                mark = marks.get((tid, r, col))
                if fact is None and mark is None:
                    cells.append(None)
                    continue
                if fact is not None:
                    shown = amount(fact.value)
                    tip = f"列示：{fact.raw}"
                    loc = location(fact.prov.page, fact.prov.line)
                    if loc:
                        tip += f" · {loc}"
                else:
                    shown = named[(tid, r, col)].value or "（空）"
                    tip = "文件未列示此单元格"
                gc = GridCell(cell_id(tid, r, col), shown, fact, tip=tip)
                if mark is not None:
                    gc.severity, gc.findings = mark[0], list(mark[1])
                cells.append(gc)
            grid_rows.append(GridRow(r, labels.get(r) or ROW_NAMES.get(r, ""), cells))
        grids.append(
            Grid(
                id=tid,
                name=table_name(tid),
                title=info.title if info else None,
                number=info.number if info else None,
                unit=(info.unit if info else None) or doc.unit,
                where=location(info.prov.page, info.prov.line) if info else "",
                found=info is not None,
                empty=bool(info.empty) if info else False,
                fragment=bool(info.fragment) if info else False,
                notes=list(info.notes) if info else [],
                column_names=[column_name(tid, c) for c in columns],
                rows=grid_rows,
            )
        )
    return grids


def finding_views(doc: Document, findings: list[Finding], grids: list[Grid]) -> list[FindingView]:
    targets = {c.id for g in grids for r in g.rows for c in r.cells if c is not None}
    labels: dict[tuple[str, str], str] = {}
    for t in doc.tables:
        for row, lab in t.row_labels.items():
            if lab:
                labels.setdefault((t.id, row), lab)
    for f in doc.facts:
        if f.label:
            labels.setdefault((f.table, f.row), f.label)
    out = []
    for n, f in enumerate(findings, start=1):
        links = []
        for c in f.cells:
            cid = cell_id(c.table, c.row, c.column)
            links.append(
                CellLink(
                    href=f"#{cid}" if cid in targets else None,
                    table=table_name(c.table),
                    row=c.row,
                    label=c.label or labels.get((c.table, c.row)) or ROW_NAMES.get(c.row, ""),
                    column=column_name(c.table, c.column),
                    value=c.value if c.value != "" else "（空）",
                    where=location(c.page, c.line),
                )
            )
        out.append(FindingView(n, f, severity_name(f.severity), [table_name(t) for t in f.tables], links))
    return out


# --------------------------------------------------------------------------- metrics

METRICS: tuple[tuple[str, str], ...] = (
    ("income_total", "本年收入合计"),
    ("expense_total", "本年支出合计"),
    ("basic", "基本支出"),
    ("project", "项目支出"),
    ("3p.total", "“三公”经费合计"),
    ("3p.overseas", "　因公出国（境）费"),
    ("3p.vehicle", "　公务用车购置及运行维护费"),
    ("3p.vehicle_purchase", "　　公务用车购置费"),
    ("3p.vehicle_operation", "　　公务用车运行维护费"),
    ("3p.reception", "　公务接待费"),
    ("running_cost", "机关运行经费"),
)


@dataclass(slots=True)
class MetricCell:
    value: Decimal | None
    text: str
    change: str = ""  # "+12.3%" vs the previous column
    trend: str = ""  # "up" | "down" | "same" | "new" | "gone" | ""
    big: bool = False  # changed by 10% or more


@dataclass(slots=True)
class MetricRow:
    key: str
    name: str
    cells: list[MetricCell]
    group: str = ""


def _change(prev: Decimal | None, cur: Decimal | None) -> tuple[str, str, bool]:
    if prev is None and cur is None:
        return "", "", False
    if prev is None:
        return "新增", "new", True
    if cur is None:
        return "未列示", "gone", True
    if cur == prev:
        return "持平", "same", False
    diff = cur - prev
    sign = "+" if diff > 0 else "−"
    trend = "up" if diff > 0 else "down"
    if prev == 0:
        return f"{sign}{amount(abs(diff))}", trend, True
    pct = (diff / abs(prev) * 100).quantize(Decimal("0.1"))
    return f"{sign}{abs(pct)}%", trend, abs(pct) >= 10


def metric_rows(figs: list[Figures], *, changes: bool) -> list[MetricRow]:
    """Rows of headline figures, one column per Figures; ``changes``: compare with the column before."""
    keys: list[tuple[str, str, str]] = [(k, n, "") for k, n in METRICS]
    codes: dict[str, str] = {}
    for f in figs:
        for fa in f.by_function:
            codes.setdefault(fa.code, fa.name)
    keys += [(f"fn.{c}", f"{c} {codes[c]}", "fn") for c in sorted(codes)]
    rows = []
    for key, name, group in keys:
        cells = []
        prev: Decimal | None = None
        for i, f in enumerate(figs):
            v = f.metric(key)
            cell = MetricCell(v, amount(v))
            if changes and i > 0:
                cell.change, cell.trend, cell.big = _change(prev, v)
            cells.append(cell)
            prev = v
        if any(c.value is not None for c in cells):
            rows.append(MetricRow(key, name, cells, group))
    return rows

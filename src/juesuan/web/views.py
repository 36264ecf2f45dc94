"""What the pages show, computed from store records: table grids with marked cells, metric rows."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..model import CheckResult, Document, Finding
from ..report.common import SEVERITIES, TableGrid, format_amount, row_labels, severity_name, table_name
from ..report.common import build_grids as report_grids
from ..report.html import FindingView
from ..report.html import finding_views as report_finding_views
from ..store.records import Figures

__all__ = ["SEVERITIES", "build_grids", "finding_views", "metric_rows", "severity_name", "table_name"]


def amount(value: Decimal | None) -> str:
    """Display form: thousands separators, decimals as stored; "—" for missing."""
    return "—" if value is None else format_amount(value)


def build_grids(doc: Document, findings: list[Finding]) -> list[TableGrid]:
    """Each table as rows × columns with the cells findings name marked: the reports' grids."""
    return report_grids(CheckResult(doc, findings), findings)


def finding_views(doc: Document, findings: list[Finding], grids: list[TableGrid]) -> list[FindingView]:
    """The findings as the HTML report shows them, linked to the page's table grids."""
    return report_finding_views(findings, grids, row_labels(doc))


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

"""What the pages show, computed from store records: table grids with marked cells, metric rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from decimal import Decimal

from ..model import CheckResult, Document, Finding
from ..report.common import (
    NARRATIVE,
    SEVERITIES,
    TableGrid,
    format_amount,
    row_labels,
    severity_name,
    sentence_number,
    severity_rank,
    table_name,
    to_decimal,
)
from ..report.common import build_grids as report_grids
from ..report.html import FindingView
from ..report.html import finding_views as report_finding_views
from ..report.perf import PerfSection, build_perf_sections
from ..store.records import Figures

__all__ = [
    "SEVERITIES",
    "build_grids",
    "build_perf",
    "cell_marks",
    "finding_page",
    "finding_views",
    "gone_views",
    "is_narrative",
    "is_rounding",
    "metric_rows",
    "review_views",
    "sentence_number",
    "series_rows",
    "severity_name",
    "shown_code",
    "table_name",
]

# Families whose findings are about what the narrative says: the table cells they name are the
# reference the sentence is checked against, not the wrong value.
NARRATIVE_FAMILIES = frozenset(("NR", "NP", "BN"))
ROUNDING_FAMILIES = frozenset(("RD",))


def _rounding_rules() -> frozenset[str]:
    """The rounding-note rules (尾差) outside family RD: the 绩效 tables' and the narrative's."""
    ids = {"JS-NR-009"}  # the narrative's 尾差 note (juesuan.rules.narrative.catalog)
    try:
        from ..rules.perf.base import ROUNDING_ID

        ids.add(ROUNDING_ID)
    except ImportError:  # pragma: no cover
        pass
    return frozenset(ids)


ROUNDING_RULES = _rounding_rules()


def amount(value: Decimal | None) -> str:
    """Display form: thousands separators, decimals as stored; "—" for missing."""
    return "—" if value is None else format_amount(value)


def build_grids(doc: Document, findings: list[Finding]) -> list[TableGrid]:
    """Each table as rows × columns with the cells findings name marked: the reports' grids."""
    return report_grids(CheckResult(doc, findings), findings)


def build_perf(doc: Document, findings: list[Finding]) -> list[PerfSection]:
    """The 绩效自评 tables, one section per project, with the cells findings name marked."""
    return build_perf_sections(CheckResult(doc, findings), findings)


def finding_views(
    doc: Document, findings: list[Finding], grids: list[TableGrid], perf: list[PerfSection] | None = None
) -> list[FindingView]:
    """The findings as the HTML report shows them (the sentence's number marked where it stands
    alone, :func:`~juesuan.report.common.sentence_number`), linked to the page's table grids and
    绩效 sections."""
    views = report_finding_views(findings, grids, row_labels(doc), perf)
    for v in views:  # a row key is shown only when it is a printed classification code
        for c in v.cells:
            if c.row and not c.row.isdigit():
                c.row = ""
    return views


def _family(f: Finding) -> str:
    if f.family:
        return f.family
    parts = f.rule.split("-")
    return parts[1] if len(parts) >= 3 else ""


def is_narrative(f: Finding) -> bool:
    """A finding about what the narrative says (its sentence is what is wrong)."""
    return _family(f) in NARRATIVE_FAMILIES


def is_rounding(f: Finding) -> bool:
    """A rounding note (尾差, severity info): shown collapsed."""
    return f.severity == "info" and (_family(f) in ROUNDING_FAMILIES or f.rule in ROUNDING_RULES)


def shown_code(row_key: str) -> str:
    """The row's code as printed (a classification code), "" for the contract's internal row keys."""
    return row_key if row_key.isdigit() else ""


def _blamed(f: Finding) -> set[tuple[str, str, str, str]]:
    """The cells a finding says are wrong: none for a narrative finding; else the cells printing
    the value the finding calls wrong (its ``printed``), or all its table cells when none does."""
    if is_narrative(f):
        return set()
    cells = [c for c in f.cells if c.table != NARRATIVE]
    printed = to_decimal(f.printed)
    if printed is not None:
        hit = [c for c in cells if (to_decimal(c.value) or Decimal(0)) == printed]
        if hit:
            cells = hit
    return {(c.table, c.row, c.column, c.project) for c in cells}


@dataclass(slots=True)
class CellMark:
    """How the page paints a cell: ``paint`` is a severity when a finding names the cell as the
    wrong value, "ref" when findings name it only as a reference (the figure a sentence or a total
    is checked against); ``blamed`` the numbers of the findings that call it wrong."""

    paint: str
    blamed: set[int]


def cell_marks(
    findings: list[Finding], grids: list[TableGrid], perf: list[PerfSection] | None = None
) -> dict[str, CellMark]:
    """cell id -> its :class:`CellMark`, for every cell a finding names."""
    blamed = [_blamed(f) for f in findings]
    out: dict[str, CellMark] = {}
    cells: list[Any] = [c for g in grids for r in g.rows for c in r.cells if c is not None]
    cells += [c for s in perf or [] for b in s.blocks for r in b.rows for c in r.cells if c is not None]
    for c in cells:
        if not c.findings:
            continue
        key = (c.table, c.row, c.column, getattr(c, "project", ""))
        worst: str | None = None
        numbers: set[int] = set()
        for n in c.findings:
            f = findings[n - 1]
            if key in blamed[n - 1]:
                numbers.add(n)
                if worst is None or severity_rank(f.severity) < severity_rank(worst):
                    worst = f.severity
        out[c.id] = CellMark(worst or "ref", numbers)
    return out


def finding_page(f: Finding) -> int | None:
    """The source page a finding is best seen on: its sentence's, else its first located cell's."""
    if f.sentence and f.sentence.get("page"):
        return int(f.sentence["page"])
    for c in f.cells:
        if c.page:
            return c.page
    return None


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


# --------------------------------------------------------------------------- reviews


@dataclass(slots=True)
class ReviewView:
    """A finding's review decision as the document page shows it."""

    fingerprint: str
    status: str = "open"
    status_name: str = "待核"
    comment: str | None = None
    reply: str | None = None
    user_name: str | None = None
    carried_from: int | None = None


REVIEW_STATUS_NAMES: dict[str, str] = {"open": "待核", "confirmed": "确认问题", "dismissed": "非问题", "fixed": "已整改"}


def review_views(store: Any, document_id: int, views: list[FindingView]) -> dict[int, ReviewView]:
    """Finding number -> its fingerprint and review decision (from the store's ``review_map`` when
    it has one; every finding open otherwise)."""
    from ..rules.fingerprint import fingerprint

    decided: dict[str, Any] = {}
    fn = getattr(store, "review_map", None)
    if callable(fn):
        try:
            decided = fn(document_id)
        except KeyError:
            decided = {}
    out: dict[int, ReviewView] = {}
    for v in views:
        fp = fingerprint(v.finding)
        rv = ReviewView(fp)
        d = decided.get(fp)
        if d is not None:
            rv.status = getattr(d, "status", "open") or "open"
            rv.comment = getattr(d, "comment", None)
            rv.reply = getattr(d, "reply", None)
            rv.user_name = getattr(d, "user_name", None)
            rv.carried_from = getattr(d, "carried_from", None)
        rv.status_name = REVIEW_STATUS_NAMES.get(rv.status, rv.status)
        out[v.number] = rv
    return out


@dataclass(slots=True)
class GoneView:
    """A finding of the previous version that this version no longer has (已整改), with the
    decision it last had there."""

    fingerprint: str
    rule: str
    severity: str
    severity_name: str
    title: str
    message: str
    tables: str  # the tables' Chinese names
    last_status: str  # the previous version's status key ("open" when never decided)
    last_status_name: str
    comment: str | None
    reply: str | None
    user_name: str | None
    from_document: int | None


def gone_views(store: Any, document_id: int) -> list[GoneView]:
    """The previous version's findings gone from this one (``Store.reviews`` entries with
    ``gone=True``), errors first."""
    fn = getattr(store, "reviews", None)
    if not callable(fn):
        return []
    try:
        entries = [r for r in fn(document_id) if r.gone]
    except KeyError:
        return []
    out = []
    for r in sorted(entries, key=lambda r: severity_rank(r.finding.severity)):
        f = r.finding
        last = r.previous_status or "open"
        out.append(GoneView(
            r.fingerprint, f.rule, f.severity, severity_name(f.severity), f.title, f.message,
            "、".join(dict.fromkeys(table_name(t) for t in (f.tables or [c.table for c in f.cells]))),
            last, REVIEW_STATUS_NAMES.get(last, last), r.comment, r.reply, r.user_name, r.carried_from,
        ))  # fmt: skip
    return out


# --------------------------------------------------------------------------- a department's two series


KIND_NAMES: dict[str, str] = {"budget": "预算", "final": "决算"}
STATUS_NAMES: dict[str, str] = {"new": "未审", "in_review": "审核中", "returned": "退回整改", "approved": "通过"}


@dataclass(slots=True)
class SeriesColumn:
    year: int | None
    kind: str
    document_id: int  # the latest version
    head: str  # "2024 年 决算"
    versions: int


@dataclass(slots=True)
class VersionRow:
    document_id: int
    number: int  # 1, 2, … in upload order
    latest: bool
    status: str
    status_name: str
    file_name: str | None
    ingested_at: Any
    errors: int | None
    warnings: int | None
    infos: int | None


@dataclass(slots=True)
class VersionGroup:
    year: int | None
    kind: str
    kind_name: str
    versions: list[VersionRow]


@dataclass(slots=True)
class SeriesTable:
    columns: list[SeriesColumn]
    rows: list[MetricRow]
    groups: list[VersionGroup]


def series_rows(docs: list[Any], series: dict[int, Any]) -> tuple[SeriesTable, list[int | None], dict[tuple, list[int]]]:
    """A department's documents as two series per year (预算, 决算 side by side): the latest
    version's totals and findings per column, and every version listed per year and kind.
    Returns the table, the years (oldest first) and the version ids per (year, kind), newest
    group first."""
    by_id = {d.id: d for d in docs}
    groups: dict[tuple[int | None, str], list[int]] = {}
    for d in sorted(docs, key=lambda x: x.id):
        kind = series[d.id].kind if d.id in series else "final"
        groups.setdefault((d.year, kind), []).append(d.id)
    kind_order = {"budget": 0, "final": 1}
    keys = sorted(groups, key=lambda k: (k[0] is None, k[0] or 0, kind_order.get(k[1], 2)))
    columns = []
    for year, kind in keys:
        ids = groups[(year, kind)]
        head = f"{year} 年 {KIND_NAMES.get(kind, kind)}" if year else f"年度未识别 {KIND_NAMES.get(kind, kind)}"
        columns.append(SeriesColumn(year, kind, ids[-1], head, len(ids)))

    def count_cell(v: int | None) -> MetricCell:
        return MetricCell(None, "—" if v is None else str(v))

    rows = [
        MetricRow("income_total", "本年收入合计（万元）",
                  [MetricCell(series[c.document_id].income_total, amount(series[c.document_id].income_total))
                   for c in columns]),
        MetricRow("expense_total", "本年支出合计（万元）",
                  [MetricCell(series[c.document_id].expense_total, amount(series[c.document_id].expense_total))
                   for c in columns]),
        MetricRow("errors", "错误", [count_cell(by_id[c.document_id].errors) for c in columns]),
        MetricRow("warnings", "警告", [count_cell(by_id[c.document_id].warnings) for c in columns]),
        MetricRow("infos", "提示", [count_cell(by_id[c.document_id].infos) for c in columns]),
        MetricRow("versions", "版本数", [MetricCell(None, str(c.versions)) for c in columns]),
        MetricRow("status", "最新版本状态",
                  [MetricCell(None, STATUS_NAMES.get(series[c.document_id].status, series[c.document_id].status))
                   for c in columns]),
    ]  # fmt: skip
    version_groups = []
    for year, kind in reversed(keys):
        ids = groups[(year, kind)]
        vrows = []
        for n, i in enumerate(ids, 1):
            d = by_id[i]
            st = series[i].status if i in series else "new"
            vrows.append(VersionRow(i, n, n == len(ids), st, STATUS_NAMES.get(st, st), d.file_name,
                                    d.ingested_at, d.errors, d.warnings, d.infos))  # fmt: skip
        version_groups.append(VersionGroup(year, kind, KIND_NAMES.get(kind, kind), vrows))
    years = list(dict.fromkeys(k[0] for k in keys))
    versions = {k: groups[k] for k in reversed(keys)}
    return SeriesTable(columns, rows, version_groups), years, versions

"""The typed objects that flow between pipeline stages.

ingest  -> RawDocument (blocks with provenance)
layout  -> Layout (table grids + narrative blocks)
extract -> Document (metadata, tables found, facts)
rules   -> CheckResult (findings)

Everything here is a plain dataclass; no stage imports another stage's internals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

# --------------------------------------------------------------------------- provenance


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where something was read: 1-based line (text sources) and/or page, box, sheet cell."""

    line: int | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    ref: str | None = None  # e.g. "Sheet1!C7" or "table 3, row 4" for DOCX/XLSX/HTML

    def describe(self) -> str:
        parts = []
        if self.page is not None:
            parts.append(f"第{self.page}页")
        if self.line is not None:
            parts.append(f"第{self.line}行")
        if self.ref:
            parts.append(self.ref)
        return " ".join(parts) or "位置未知"


# --------------------------------------------------------------------------- ingest


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    prov: Provenance


@dataclass(slots=True)
class Block:
    """One line of the source, split into cells.

    A converter-text line with tabs, a PDF table row rebuilt from geometry, a DOCX/XLSX/HTML
    table row: ``kind == "row"`` with one cell per column (empty strings for empty cells).
    A line of prose or a heading: ``kind == "text"`` with a single cell.
    """

    kind: Literal["row", "text"]
    cells: list[Cell]
    prov: Provenance

    @property
    def text(self) -> str:
        return "\t".join(c.text for c in self.cells)

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


@dataclass(slots=True)
class RawDocument:
    """What an ingest reader hands to layout."""

    source: str
    format: str  # "text", "pdf", "docx", "xlsx", "xls", "html"
    blocks: list[Block]
    pages: int | None = None
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- layout


@dataclass(slots=True)
class Grid:
    """A table as printed: the lines around it and its body rows."""

    title: str | None
    number: str | None  # e.g. "公开07表"
    unit: str | None  # e.g. "万元", "元"
    head: list[Block]  # header rows (column titles, 栏次)
    rows: list[Block]  # body rows
    notes: list[str]  # 注：… / 说明：… lines following the table
    prov: Provenance  # where the table (its title, or first row) starts
    fragment: bool = False  # title/header lost in extraction


@dataclass(slots=True)
class Layout:
    source: str
    format: str
    pages: int | None
    grids: list[Grid]
    text: list[Block]  # all non-table blocks in order (narrative, headings, TOC)
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- extract

TABLE_IDS: tuple[str, ...] = (
    "income_expense_summary",
    "income",
    "expenditure",
    "fiscal_summary",
    "gpb_expenditure",
    "gpb_basic",
    "gov_fund",
    "soe_capital",
    "three_public",
    "disclosure_stats",
    # additions (contract v1, adding only): tables of other template families
    "fiscal_expenditure",  # 财政拨款支出决算表 (高等学校 four tables: all 财政拨款, not split by fund)
    "gpb_project",  # 一般公共预算财政拨款项目支出决算表 (central departments)
    # budget tables (docs/facts-additions.md, "Budget tables"): a budget's own ids, never a final's
    "budget_summary",
    "budget_income",
    "budget_expenditure",
    "budget_fiscal_summary",
    "budget_fiscal_expenditure",
    "budget_gpb_expenditure",
    "budget_gov_fund",
    "budget_soe_capital",
    "budget_gpb_basic",
    "budget_fiscal_basic",
    "budget_three_public",
    "budget_running_cost",
    "budget_procurement",
    "budget_performance",
)

# The nine tables every local department must publish (disclosure_stats is regional). Which
# tables a document must have depends on its template family (extract.family).
STANDARD_TABLES: tuple[str, ...] = TABLE_IDS[:9]

TABLE_NAMES_ZH: dict[str, str] = {
    "income_expense_summary": "收入支出决算总表",
    "income": "收入决算表",
    "expenditure": "支出决算表",
    "fiscal_summary": "财政拨款收入支出决算总表",
    "gpb_expenditure": "一般公共预算财政拨款支出决算表",
    "gpb_basic": "一般公共预算财政拨款基本支出决算表",
    "gov_fund": "政府性基金预算财政拨款收入支出决算表",
    "soe_capital": "国有资本经营预算财政拨款支出决算表",
    "three_public": "财政拨款“三公”经费支出决算表",
    "disclosure_stats": "部门决算公开相关信息统计表",
    "fiscal_expenditure": "财政拨款支出决算表",
    "gpb_project": "一般公共预算财政拨款项目支出决算表",
    "budget_summary": "收支预算总表",
    "budget_income": "收入预算表",
    "budget_expenditure": "支出预算表",
    "budget_fiscal_summary": "财政拨款收支预算总表",
    "budget_fiscal_expenditure": "财政拨款支出预算表",
    "budget_gpb_expenditure": "一般公共预算支出预算表",
    "budget_gov_fund": "政府性基金预算支出预算表",
    "budget_soe_capital": "国有资本经营预算支出预算表",
    "budget_gpb_basic": "一般公共预算基本支出预算表",
    "budget_fiscal_basic": "财政拨款基本支出预算表",
    "budget_three_public": "“三公”经费支出预算表",
    "budget_running_cost": "机关运行经费支出预算表",
    "budget_procurement": "政府采购预算表",
    "budget_performance": "项目支出绩效目标表",
}

DocumentKind = Literal["final", "budget", "unknown"]
DocumentScope = Literal["department", "unit"]


@dataclass(frozen=True, slots=True)
class Fact:
    """One printed table cell (facts contract v1)."""

    table: str
    row: str
    column: str
    value: Decimal  # in 万元 for amounts (converted if the table printed 元)
    raw: str  # the cell text as printed
    prov: Provenance
    label: str = ""  # the row's printed name (科目名称 / 项目), for reports
    project: str = ""  # perf_* tables only: which self-evaluation (project name) the fact is from

    @property
    def value_str(self) -> str:
        return format_decimal(self.value)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.table, self.row, self.column)


def format_decimal(value: Decimal) -> str:
    """Decimal as a plain string, never in exponent notation."""
    s = format(value, "f")
    return "0" if s in ("-0", "-0.0") else s


@dataclass(slots=True)
class TableInfo:
    """A table found in the document."""

    id: str
    title: str | None  # printed title (None when lost in extraction)
    number: str | None  # printed number, e.g. "公开09表"
    unit: str | None
    prov: Provenance
    empty: bool = False  # printed with no data (only a 合计 row and/or a note)
    fragment: bool = False  # recognised from a fragment (title/header lost)
    notes: list[str] = field(default_factory=list)
    row_labels: dict[str, str] = field(default_factory=dict)  # row key -> printed name
    layout: str | None = None  # e.g. "vertical"/"horizontal" for three_public
    # column keys the table's header names (None: not known, every column of the contract may be
    # printed). A key missing from a known list is an absent column: no rule reads it.
    columns: list[str] | None = None
    # why the table, though printed, could not be read reliably (None when it was)
    unread: str | None = None


@dataclass(slots=True)
class Document:
    """A parsed disclosure: metadata, the tables found, and their facts."""

    source: str
    format: str
    department: str | None
    year: int | None
    unit: str
    tables: list[TableInfo]
    facts: list[Fact]
    pages: int | None = None
    toc: list[str] = field(default_factory=list)  # table titles named in the table of contents
    text: list[Block] = field(default_factory=list)  # narrative blocks, for the narrative stage
    claims: list["Claim"] = field(default_factory=list)  # quantitative statements of the narrative
    perf: list[Any] = field(default_factory=list)  # extract.perf.PerfTable: 绩效自评表 attachments
    unreadable: list[str] = field(default_factory=list)  # what could not be read, and why
    warnings: list[str] = field(default_factory=list)
    kind: DocumentKind = "final"  # 决算 | 预算 | not told
    scope: DocumentScope = "department"  # 部门 (consolidated) | 单位 (one unit)
    family: str | None = None  # template-family id (refdata/data/families.json), None if not told
    template: bool = False  # an official template or a draft (XX placeholders, no figures)

    def table(self, table_id: str) -> TableInfo | None:
        for t in self.tables:
            if t.id == table_id:
                return t
        return None

    def facts_of(self, table_id: str) -> list[Fact]:
        return [f for f in self.facts if f.table == table_id]

    def index(self) -> dict[tuple[str, str, str], Fact]:
        """Facts of the standard tables by (table, row, column)."""
        return {f.key: f for f in self.facts if not f.project}


ClaimKind = Literal[
    "amount", "share", "change_amount", "change_pct", "completion_pct", "count", "other_pct"
]


@dataclass(frozen=True, slots=True)
class Claim:
    """A figure the narrative states (情况说明): what it is about, what kind, and where."""

    subject: str  # canonical subject, e.g. "收入总计", "财政拨款收入", "expense.208", "三公.公务接待费"
    kind: ClaimKind
    value: Decimal  # as printed, without thousands separators (sign from 增加/减少 kept apart)
    raw: str  # the number as printed
    unit: str  # "万元", "元", "%", "辆", "人次", "个", …
    text: str  # the sentence it was read from
    prov: Provenance
    direction: str | None = None  # "increase" | "decrease" | "flat" for change claims
    whole: str | None = None  # for shares: the subject of the whole (占…的)
    fact: tuple[str, str, str] | None = None  # the (table, row, column) it restates, once linked

    @property
    def value_wan(self) -> Decimal | None:
        """Amounts in 万元 (None for percentages and counts)."""
        if self.unit == "万元":
            return self.value
        if self.unit == "元":
            return self.value / 10000
        if self.unit == "亿元":
            return self.value * 10000
        return None


# --------------------------------------------------------------------------- rules

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True, slots=True)
class CellRef:
    """A printed cell that takes part in a finding."""

    table: str
    row: str
    column: str
    value: str  # as printed ("" for a missing cell, treated as zero)
    page: int | None = None
    line: int | None = None
    label: str = ""
    project: str = ""  # perf_* tables only: the self-evaluation the cell belongs to (Fact.project)
    ref: str | None = None  # sheet cell / DOCX table position, where there are no lines or pages
    unit: str = ""  # the printed unit when it is not 万元 ("元", "千元"): ``value`` is then in that unit

    @classmethod
    def of(cls, fact: Fact) -> "CellRef":
        p = fact.prov
        return cls(
            fact.table, fact.row, fact.column, fact.raw, p.page, p.line, fact.label, fact.project, p.ref,
            printed_unit(fact),
        )


# the factor from a printed unit to 万元 (extract.builder applies it to every fact of a table)
UNIT_FACTORS: dict[str, Decimal] = {"元": Decimal("0.0001"), "千元": Decimal("0.1"), "亿元": Decimal(10000)}


def printed_unit(fact: Fact) -> str:
    """The unit a fact was printed in when it was converted to 万元 (元 tables), else ""."""
    from .money import parse_amount

    try:
        printed = parse_amount(fact.raw)
    except ValueError:
        return ""
    if printed is None or printed == 0 or printed == fact.value:
        return ""
    ratio = fact.value / printed
    return next((u for u, f in UNIT_FACTORS.items() if f == ratio), "")


@dataclass(slots=True)
class Finding:
    rule: str
    severity: Severity
    title: str
    message: str
    tables: list[str]
    cells: list[CellRef] = field(default_factory=list)
    expected: str | None = None
    printed: str | None = None
    difference: str | None = None
    family: str = ""
    sentence: dict | None = None  # families NR/NP: the narrative sentence {text, line, page}


@dataclass(slots=True)
class CheckResult:
    document: Document
    findings: list[Finding]

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

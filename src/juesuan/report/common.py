"""What every report format shares: Chinese names, ordering, cell ids, value formatting."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from juesuan.model import (
    SEVERITY_ORDER,
    TABLE_IDS,
    TABLE_NAMES_ZH,
    CellRef,
    CheckResult,
    Document,
    Fact,
    Finding,
)
from juesuan.extract.perf import PERF_TABLES
from juesuan.vocab import CLAIM_KIND_NAMES, COLUMN_ORDER, PERF_COLUMN_NAMES, PERF_TABLE_NAMES, ROW_NAMES, column_header

SEVERITIES: tuple[str, ...] = ("error", "warning", "info")

SEVERITY_ZH: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}

# The names of the facts contract's keys live in juesuan.vocab (shared with the rules' messages).
ROW_NAMES_ZH = ROW_NAMES

# A flat header per column key, for views that show one table's columns without its id (the web
# app); generic words first, then each key's header in the first table that has it.
COLUMN_NAMES_ZH: dict[str, str] = {"total": "合计", "amount": "金额", "value": "数值"}
for _table, _columns in COLUMN_ORDER.items():
    for _column in _columns:
        COLUMN_NAMES_ZH.setdefault(_column, column_header(_table, _column))


# Findings of families NR/NP name narrative sentences with cells of this pseudo-table: row = the
# claim's subject, column = its kind, value = the number as printed (never a table grid).
NARRATIVE = "narrative"
NARRATIVE_COLUMNS_ZH: dict[str, str] = {
    **CLAIM_KIND_NAMES,
    "missing": "缺少",
    "entry": "目录条目",
    "part": "正文部分",
}


# The self-evaluation tables (绩效自评表): one per project, facts carry Fact.project.
_PERF_ROW_NAMES = {"total": "总分", "indicators": "指标自评得分小计", "deduction": "减分项", "funds.total": "资金总额"}


def report_title(doc: Document) -> str:
    """The report's title, by what the document is: 部门决算 / 单位预算 / … 检查报告."""
    what = {"budget": "预算", "final": "决算"}.get(doc.kind, "决算")
    who = "单位" if doc.scope == "unit" else "部门"
    return f"{who}{what}检查报告"


def table_name(table_id: str) -> str:
    if table_id == NARRATIVE:
        return "情况说明"
    return TABLE_NAMES_ZH.get(table_id) or PERF_TABLE_NAMES.get(table_id, table_id)


def column_name(table_id: str, column: str) -> str:
    if table_id == NARRATIVE:
        return NARRATIVE_COLUMNS_ZH.get(column, column)
    if table_id in PERF_TABLES:
        return PERF_COLUMN_NAMES.get(column, column)
    return column_header(table_id, column)


def perf_slug(project: str) -> str:
    """A short stable id for a project name (ids and anchors must be ASCII)."""
    return hashlib.sha1(project.encode("utf-8")).hexdigest()[:8]


def sentence_number(text: str, number: str) -> tuple[str, str, str]:
    """``text`` split around ``number`` where it stands as a number of its own: the 0 of "收入 0
    万元", never the 0 inside "2024", "10.5" or "1,203"; the first occurrence when it never stands
    alone; ``(text, "", "")`` when it is not there at all. Every report and the web page mark a
    sentence's number with this one helper."""
    if not number:
        return text, "", ""
    alone = re.compile(r"(?<!\d)(?<!\d[.,])" + re.escape(number) + r"(?!\d)(?![.,]\d)")
    m = alone.search(text)
    pos = m.start() if m else text.find(number)
    if pos < 0:
        return text, "", ""
    return text[:pos], number, text[pos + len(number) :]


def sentence_parts(sentence: dict | None) -> tuple[str, str, str] | None:
    """A finding's sentence split around its number (:func:`sentence_number`): (before, number,
    after); None without a sentence."""
    if not sentence or not sentence.get("text"):
        return None
    return sentence_number(str(sentence["text"]), str(sentence.get("number") or ""))


def severity_name(severity: str) -> str:
    return SEVERITY_ZH.get(severity, severity)


def severity_rank(severity: str) -> int:
    return SEVERITY_ORDER.get(severity, len(SEVERITY_ORDER))


def worse(a: str, b: str) -> str:
    return a if severity_rank(a) <= severity_rank(b) else b


def ordered_findings(result: CheckResult) -> list[Finding]:
    """Findings by severity (errors first), otherwise in the order the rules gave them."""
    return sorted(result.findings, key=lambda f: severity_rank(f.severity))


_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_.\-]")


def cell_id(table: str, row: str, column: str, project: str = "") -> str:
    """The HTML id of a table cell: ``cell-<table>-<row>-<column>``; a self-evaluation table's
    cell carries its project: ``cell-<table>-<project slug>-<row>-<column>``."""
    parts = (table, perf_slug(project), row, column) if project else (table, row, column)
    return "cell-" + "-".join(_ID_UNSAFE.sub("_", part) for part in parts)


def location(page: int | None, line: int | None, ref: str | None = None) -> str:
    parts = []
    if page is not None:
        parts.append(f"第{page}页")
    if line is not None:
        parts.append(f"第{line}行")
    if ref:
        parts.append(ref)
    return " ".join(parts)


def format_amount(value: Decimal) -> str:
    """A value for display: thousands separators, the decimals as printed, never exponent."""
    s = format(value, ",f")
    return "0" if s in ("-0", "-0.0") else s


def to_decimal(text: str | None) -> Decimal | None:
    """A finding's expected/printed/difference string as a number, when it is one."""
    if text is None:
        return None
    s = text.replace(",", "").replace(" ", "").strip()
    if not s:
        return None
    try:
        d = Decimal(s)
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def cell_value_text(cell: CellRef) -> str:
    if cell.value == "":
        return "（空）"
    return f"{cell.value} {cell.unit}" if cell.unit else cell.value


def present_tables(doc: Document) -> list[str]:
    return [t.id for t in doc.tables]


def missing_standard_tables(doc: Document) -> list[str]:
    """Tables the document's template family requires that are neither read nor printed-unread."""
    from ..refdata.families import required_tables

    found = {t.id for t in doc.tables} | {u.split("（", 1)[0] for u in doc.unreadable}
    return [t for t in required_tables(doc.family) if t not in found]


# --------------------------------------------------------------------------- table grids


@dataclass(slots=True)
class GridCell:
    table: str
    row: str
    column: str
    fact: Fact | None  # None: a cell that a finding names but the document left blank
    value: str  # shown text
    severity: str | None = None  # worst severity of the findings naming it
    findings: list[int] = field(default_factory=list)  # 1-based finding numbers

    @property
    def id(self) -> str:
        return cell_id(self.table, self.row, self.column)

    @property
    def tip(self) -> str:
        """A hover text: the cell as printed and where, or that the document left it blank."""
        if self.fact is None:
            return "文件未列示此单元格"
        loc = location(self.fact.prov.page, self.fact.prov.line, self.fact.prov.ref)
        return f"列示：{self.fact.raw}" + (f" · {loc}" if loc else "")


@dataclass(slots=True)
class GridRow:
    key: str
    label: str
    cells: list[GridCell | None]

    @property
    def level(self) -> int:
        """Indent of a coded row: 类 (3 digits) 0, 款 (5) 1, 项 (7) 2."""
        return max(0, (len(self.key) - 3) // 2) if self.key.isdigit() else 0

    @property
    def is_total(self) -> bool:
        return self.key == "total" or self.key.endswith(("_total", ".total", ".grand_total"))


@dataclass(slots=True)
class TableGrid:
    id: str
    name: str
    title: str | None
    number: str | None
    unit: str | None
    page: int | None
    line: int | None
    empty: bool
    fragment: bool
    found: bool  # False: only findings name it, the document has no such table
    notes: list[str]
    columns: list[str]
    column_names: list[str]
    rows: list[GridRow]

    @property
    def where(self) -> str:
        return location(self.page, self.line)


def _merge_order(primary: list[str], secondary: list[str]) -> list[str]:
    """``primary`` in order, with the keys only ``secondary`` has placed after their predecessor."""
    out = list(primary)
    seen = set(out)
    prev: str | None = None
    for key in secondary:
        if key not in seen:
            pos = out.index(prev) + 1 if prev is not None else 0
            out.insert(pos, key)
            seen.add(key)
        prev = key
    return out


def finding_marks(findings: list[Finding]) -> dict[tuple[str, str, str], tuple[str, list[int]]]:
    """For each cell named by a finding: its worst severity and the finding numbers (1-based)."""
    marks: dict[tuple[str, str, str], tuple[str, list[int]]] = {}
    for n, f in enumerate(findings, start=1):
        for c in f.cells:
            key = (c.table, c.row, c.column)
            sev, nums = marks.get(key, (f.severity, []))
            if n not in nums:
                nums.append(n)
            marks[key] = (worse(sev, f.severity), nums)
    return marks


def build_grids(result: CheckResult, findings: list[Finding] | None = None) -> list[TableGrid]:
    """Every table of the document as rows × columns, with the cells findings name marked.

    ``findings`` must be the list whose 1-based positions the report uses as finding numbers
    (default: :func:`ordered_findings`). Tables and cells that findings name but the document
    lacks are added, so that every cell link has a target.
    """
    doc = result.document
    findings = ordered_findings(result) if findings is None else findings
    marks = finding_marks(findings)
    infos = {t.id: t for t in doc.tables}

    table_ids = [t.id for t in doc.tables]
    # the self-evaluation tables repeat per project: they get sections of their own (report.perf)
    extra = {f.table for f in doc.facts if f.table not in PERF_TABLES} | {
        c.table for f in findings for c in f.cells if c.table != NARRATIVE and c.table not in PERF_TABLES
    }
    known = [t for t in TABLE_IDS if t in extra and t not in table_ids]
    unknown = sorted(t for t in extra if t not in table_ids and t not in TABLE_IDS)
    table_ids += known + unknown

    grids = []
    for tid in dict.fromkeys(table_ids):
        info = infos.get(tid)
        facts = doc.facts_of(tid)
        by_key = {(f.row, f.column): f for f in facts}
        cells_named = [(c.row, c.column, c) for f in findings for c in f.cells if c.table == tid]

        labels: dict[str, str] = {}
        if info is not None:
            labels.update(info.row_labels)
        for f in facts:
            if f.label and f.row not in labels:
                labels[f.row] = f.label
        for _, _, c in cells_named:
            if c.label and c.row not in labels:
                labels[c.row] = c.label

        fact_rows = list(dict.fromkeys(f.row for f in facts))
        label_rows = list(info.row_labels) if info is not None else []
        rows = _merge_order(fact_rows, label_rows)
        rows += [r for r in dict.fromkeys(r for r, _, _ in cells_named) if r not in rows]

        present = list(dict.fromkeys([f.column for f in facts] + [c for _, c, _ in cells_named]))
        canon = COLUMN_ORDER.get(tid, ())
        columns = [c for c in canon if c in present] + [c for c in present if c not in canon]

        cellref_by_key = {(r, c): ref for r, c, ref in cells_named}
        grid_rows = []
        for r in rows:
            gcells: list[GridCell | None] = []
            for col in columns:
                fact = by_key.get((r, col))
                mark = marks.get((tid, r, col))
                if fact is None and mark is None:
                    gcells.append(None)
                    continue
                if fact is not None:
                    shown = format_amount(fact.value)
                else:
                    shown = cellref_by_key[(r, col)].value or "（空）"
                gc = GridCell(tid, r, col, fact, shown)
                if mark is not None:
                    gc.severity, gc.findings = mark[0], list(mark[1])
                gcells.append(gc)
            grid_rows.append(GridRow(r, labels.get(r) or ROW_NAMES_ZH.get(r, ""), gcells))

        grids.append(
            TableGrid(
                id=tid,
                name=table_name(tid),
                title=info.title if info else None,
                number=info.number if info else None,
                unit=(info.unit if info else None) or doc.unit,
                page=info.prov.page if info else None,
                line=info.prov.line if info else None,
                empty=info.empty if info else False,
                fragment=info.fragment if info else False,
                found=info is not None,
                notes=list(info.notes) if info else [],
                columns=columns,
                column_names=[column_name(tid, c) for c in columns],
                rows=grid_rows,
            )
        )
    return grids


def row_labels(doc: Document) -> dict[tuple[str, str], str]:
    """(table, row) -> printed row name, from the tables' labels and then the facts'."""
    out: dict[tuple[str, str], str] = {}
    for t in doc.tables:
        for row, label in t.row_labels.items():
            if label:
                out.setdefault((t.id, row), label)
    for f in doc.facts:
        if f.label:
            out.setdefault((f.table, f.row), f.label)
    return out


def perf_row_label(row: str, label: str) -> str:
    """A self-evaluation table's row as a reviewer names it (资金总额, the indicator's name, 总分)."""
    label = label.strip().rstrip(":：")
    if row in _PERF_ROW_NAMES and (row != "funds.total" or not label or len(label) > 12):
        return _PERF_ROW_NAMES[row]
    if row.startswith("ind.") and label:
        name = label.rsplit(" [", 1)[0] if label.endswith("]") else label
        return "指标「" + (name.split("/")[-1] or name) + "」"
    return label or row


def cell_row_label(cell: CellRef, labels: dict[tuple[str, str], str]) -> str:
    """The printed name of a cell's row: its own label, the document's, or a fallback."""
    if cell.table in PERF_TABLES:
        return perf_row_label(cell.row, cell.label)
    return cell.label or labels.get((cell.table, cell.row)) or ROW_NAMES_ZH.get(cell.row, "")


def cell_table_name(cell: CellRef) -> str:
    """The cell's table, with the project for a self-evaluation table: 项目支出绩效自评表「…」."""
    name = table_name(cell.table)
    return f"{name}「{cell.project}」" if cell.project else name


def cell_row_text(cell: CellRef, labels: dict[tuple[str, str], str]) -> str:
    """Like :func:`row_text` for a finding's cell (no row key for a self-evaluation table)."""
    label = cell_row_label(cell, labels)
    return label if cell.table in PERF_TABLES else row_text(cell.row, label)


def row_text(row: str, label: str) -> str:
    """``208 社会保障和就业支出``: the key, then the label unless the label already starts with it."""
    if not label:
        return row
    if ":" in row or not row.isascii():
        return label  # a narrative subject (情况说明 cells): the label is its readable form
    return label if label.startswith(row) else f"{row} {label}"


def describe_cell(cell: CellRef, labels: dict[tuple[str, str], str]) -> str:
    """``收入决算表 / 208 社会保障和就业支出 / 合计 = 123.45``."""
    row = cell_row_text(cell, labels)
    return (
        f"{cell_table_name(cell)} / {row} / {column_name(cell.table, cell.column)}"
        f" = {cell_value_text(cell)}"
    )

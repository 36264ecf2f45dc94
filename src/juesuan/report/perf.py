"""The self-evaluation tables (绩效自评表) in the reports: one section per project.

Each section holds up to three small tables built from the document's facts (so that the values
shown are the values checked) and its ``PerfTable`` (names, target and actual texts, grade):

* 资金 — funds rows (资金总额, each source) and 年度主要任务 rows: 目标申报数 … 执行率, 分值, 得分;
* 指标 — 资金管理 items and indicators: 一级/二级/三级指标, 指标值, 实际完成值, 完成程度, 分值, 得分, 偏差度;
* 得分 — 指标自评得分小计, 减分项, 总分 (分值 and 得分) and the grade.

Cells are identified like the standard tables' cells, with the project in the id
(:func:`juesuan.report.common.cell_id`), and marked with the worst severity of the findings naming
them. A cell a finding names that the document did not print is added (shown blank), so that
every finding link has a target.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from juesuan.extract.perf import FUNDS_COLUMNS, PERF_TABLES
from juesuan.model import CheckResult, Fact, Finding
from juesuan.vocab import PERF_COLUMN_NAMES, PERF_SOURCE_NAMES, PERF_TABLE_NAMES

from .common import cell_id, format_amount, perf_slug, worse

IND_COLUMNS = ("degree", "weight", "score", "deviation")
SCORE_COLUMNS = ("weight", "score")
_PERCENT = frozenset(("rate", "degree"))
_SCORE_ROWS = ("indicators", "deduction", "total")
_SCORE_NAMES = {"indicators": "指标自评得分小计", "deduction": "减分项", "total": "总分"}
_SOURCE_NAMES = {f"funds.{k}": v for k, v in PERF_SOURCE_NAMES.items()}


@dataclass(slots=True)
class PerfCell:
    project: str
    table: str
    row: str
    column: str
    fact: Fact | None  # None: a cell a finding names that the document left blank
    value: str  # shown text
    severity: str | None = None
    findings: list[int] = field(default_factory=list)

    @property
    def id(self) -> str:
        return cell_id(self.table, self.row, self.column, self.project)


@dataclass(slots=True)
class PerfRow:
    key: str
    label: str
    cells: list[PerfCell | None]
    texts: list[str] = field(default_factory=list)  # indicator: 一级, 二级, 三级, 指标值, 实际完成值
    is_total: bool = False


@dataclass(slots=True)
class PerfBlock:
    """One of the section's tables: 资金, 指标 or 得分."""

    name: str
    text_headers: list[str]
    columns: list[str]
    column_names: list[str]
    rows: list[PerfRow]


@dataclass(slots=True)
class PerfSection:
    project: str  # Fact.project (unique in the document)
    table: str  # perf_project / perf_department
    name: str  # the project name as printed
    kind_name: str
    title: str
    department: str
    implementer: str
    line: int | None
    page: int | None
    unit: str
    grade: str | None
    readable: bool
    notes: list[str]
    blocks: list[PerfBlock]
    severity: str | None = None  # worst severity of the findings on it
    findings: list[int] = field(default_factory=list)
    total: str | None = None  # 总分 as printed

    @property
    def slug(self) -> str:
        return perf_slug(self.project)

    @property
    def anchor(self) -> str:
        return f"perf-{self.table}-{self.slug}"


def perf_marks(findings: list[Finding]) -> dict[tuple[str, str, str, str], tuple[str, list[int]]]:
    """For each perf cell named by a finding, (project, table, row, column): worst severity and
    the 1-based finding numbers."""
    marks: dict[tuple[str, str, str, str], tuple[str, list[int]]] = {}
    for n, f in enumerate(findings, start=1):
        for c in f.cells:
            if c.table not in PERF_TABLES:
                continue
            key = (c.project, c.table, c.row, c.column)
            sev, nums = marks.get(key, (f.severity, []))
            if n not in nums:
                nums.append(n)
            marks[key] = (worse(sev, f.severity), nums)
    return marks


_DASHES = frozenset(("-", "—", "——", "–", "－", "―", "--"))


def _shown(f: Fact) -> str:
    if not f.value and f.raw.strip() in _DASHES:
        return "—"  # printed as a dash: not applicable
    text = format_amount(f.value)
    return text + "%" if f.column in _PERCENT else text


def _row_order(row: str) -> tuple[int, int, str]:
    head, _, tail = row.partition(".")
    if head == "budget":  # 部门年初预算收入 / 支出金额
        return (-1, 0 if tail == "income" else 1, row)
    if head == "funds":
        return (0, 0 if tail == "total" else 1, row)
    if head in ("task", "mgmt", "ind"):
        return ({"task": 1, "mgmt": 2, "ind": 3}[head], int(tail) if tail.isdigit() else 10**6, row)
    return (4, _SCORE_ROWS.index(row) if row in _SCORE_ROWS else 9, row)


def _label(row: str, label: str) -> str:
    if row.startswith("funds."):
        lab = label.strip().rstrip(":：").replace(" ", "")
        return lab if lab and len(lab) <= 12 else _SOURCE_NAMES.get(row, row)
    if row.startswith("task."):
        return label or f"年度主要任务{row[5:]}"
    if row.startswith("mgmt."):
        return label or f"资金管理{row[5:]}"
    if row in _SCORE_NAMES:
        return _SCORE_NAMES[row]
    return label or row


def build_perf_sections(result: CheckResult, findings: list[Finding]) -> list[PerfSection]:
    """Every self-evaluation table of the document (and any a finding names), as sections."""
    doc = result.document
    marks = perf_marks(findings)
    facts: dict[tuple[str, str], dict[tuple[str, str], Fact]] = {}
    for f in doc.facts:
        if f.table in PERF_TABLES:
            facts.setdefault((f.table, f.project), {}).setdefault((f.row, f.column), f)
    named: dict[tuple[str, str], dict[tuple[str, str], Any]] = {}
    for f in findings:
        for c in f.cells:
            if c.table in PERF_TABLES:
                named.setdefault((c.table, c.project), {}).setdefault((c.row, c.column), c)
    metas = {(p.table_id, p.key or p.project): p for p in doc.perf}
    keys = list(dict.fromkeys([*metas, *facts, *named]))
    sections = []
    for table, project in keys:
        meta = metas.get((table, project))
        cells = facts.get((table, project), {})
        if meta is None and not cells and (table, project) not in named:
            continue
        sections.append(_section(table, project, meta, cells, named.get((table, project), {}), marks))
    for n, f in enumerate(findings, start=1):
        for s in sections:
            if any(c.table == s.table and c.project == s.project for c in f.cells) and n not in s.findings:
                s.findings.append(n)
                s.severity = f.severity if s.severity is None else worse(s.severity, f.severity)
    return sections


def _section(table, project, meta, cells, named, marks) -> PerfSection:
    rows: dict[str, dict[str, Fact | None]] = {}
    labels: dict[str, str] = {}
    for (row, col), f in cells.items():
        rows.setdefault(row, {})[col] = f
        if f.label and row not in labels:
            labels[row] = f.label
    for (row, col), c in named.items():
        rows.setdefault(row, {}).setdefault(col, None)
        if c.label and row not in labels:
            labels[row] = c.label
    indicators = {i.n: i for i in (meta.indicators if meta is not None else [])}

    def cell(row: str, col: str) -> PerfCell | None:
        if col not in rows.get(row, {}):
            return None
        f = rows[row][col]
        c = named.get((row, col))
        shown = _shown(f) if f is not None else ((c.value if c is not None else "") or "（空）")
        pc = PerfCell(project, table, row, col, f, shown)
        mark = marks.get((project, table, row, col))
        if mark is not None:
            pc.severity, pc.findings = mark[0], list(mark[1])
        return pc

    def block(name: str, keys: list[str], order: tuple[str, ...], text_headers: list[str] | None = None) -> PerfBlock | None:
        if not keys:
            return None
        present = {c for r in keys for c in rows[r]}
        columns = [c for c in order if c in present] + sorted(present - set(order) - {"target", "actual", "target_initial"})
        out = []
        for r in keys:
            texts: list[str] = []
            if text_headers is not None:
                ind = indicators.get(int(r[4:])) if r.startswith("ind.") and r[4:].isdigit() else None
                if ind is not None:
                    texts = [ind.level1, ind.level2, ind.level3, ind.target_text, ind.actual_text]
                else:
                    label = labels.get(r, "")
                    texts = ["资金管理" if r.startswith("mgmt.") else "", "", label or r, "", ""]
            out.append(PerfRow(r, _label(r, labels.get(r, "")), [cell(r, c) for c in columns], texts,
                               r in ("funds.total", "total")))
        return PerfBlock(name, text_headers or [], columns, [PERF_COLUMN_NAMES.get(c, c) for c in columns], out)

    ordered = sorted(rows, key=_row_order)
    funds = [r for r in ordered if r.startswith(("funds.", "task."))]
    inds = [r for r in ordered if r.startswith(("mgmt.", "ind."))]
    scores = [r for r in ordered if not r.startswith(("funds.", "task.", "mgmt.", "ind.", "budget."))]
    budget = [r for r in ordered if r.startswith("budget.")]
    blocks = [
        b for b in (
            block("资金", budget + funds, FUNDS_COLUMNS),
            block("绩效指标", inds, IND_COLUMNS, ["一级指标", "二级指标", "三级指标", "指标值", "实际完成值"]),
            block("得分", scores, SCORE_COLUMNS),
        ) if b is not None
    ]
    total = rows.get("total", {}).get("score")
    kind_name = PERF_TABLE_NAMES.get(table, table)
    first = min((f.prov for f in cells.values() if f.prov.line is not None or f.prov.page is not None),
                key=lambda p: (p.page or 0, p.line or 0), default=None)
    return PerfSection(
        project=project,
        table=table,
        name=(meta.project if meta is not None and meta.project else project) or "（未命名）",
        kind_name=kind_name,
        title=meta.title if meta is not None else kind_name,
        department=meta.department if meta is not None else "",
        implementer=meta.implementer if meta is not None else "",
        line=meta.line if meta is not None and meta.line else (first.line if first else None),
        page=first.page if first else None,
        unit=meta.unit if meta is not None else "万元",
        grade=meta.grade if meta is not None else None,
        readable=meta.readable if meta is not None else True,
        notes=list(meta.notes) if meta is not None else [],
        blocks=blocks,
        total=format_amount(total.value) if total is not None else None,
    )


def perf_summary(result: CheckResult) -> list[dict[str, Any]]:
    """The self-evaluation tables for the JSON report: project, kind, line, total, grade."""
    out = []
    facts = {(f.table, f.project, f.row, f.column): f for f in result.document.facts if f.table in PERF_TABLES}
    for p in result.document.perf:
        key = p.key or p.project
        total = facts.get((p.table_id, key, "total", "score"))
        out.append({
            "project": key,
            "table": p.table_id,
            "name": p.project,
            "title": p.title,
            "department": p.department,
            "implementer": p.implementer,
            "line": p.line,
            "readable": p.readable,
            "total": format(total.value, "f") if total is not None else None,
            "grade": p.grade,
            "findings": sum(
                1 for f in result.findings if any(c.table == p.table_id and c.project == key for c in f.cells)
            ),
        })
    return out

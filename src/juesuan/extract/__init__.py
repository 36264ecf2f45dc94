"""Extract: table grids → canonical facts and document metadata (facts contract v1)."""

from __future__ import annotations

import re
from collections import Counter

from ..model import Block, Document, Fact, Grid, Layout, TableInfo, TABLE_IDS
from . import tables as T
from ..refdata.families import detect_family
from .budget import identify_budget, identify_budget_title, read_budget
from .identify import identify_note, identify_structure, identify_title
from .kind import read_kind
from .perf import extract_perf

_DEPT = re.compile(
    r"^(?:部门|单位|部门名称|单位名称|预算单位|填报单位|编制单位|预算主管部门|主管部门|编制部门|填报部门)[:：]\s*"
    r"(\S.*?)\s*(\d{4}\s*年度?)?$"
)
# a caption line that also carries the amount unit: "单位名称：某某大学    单位：万元"
_DEPT_TAIL = re.compile(r"\s+(?:金额)?单位[:：].*$|\t.*$")
_YEAR = re.compile(r"(20\d{2})\s*年度?(?:部门)?决算")
# budgets: "2026年区级部门预算", "2019年部门预算", "2019年政府采购预算表" (headings only)
_BUDGET_YEAR = re.compile(r"(20\d{2})\s*年度?[^\d年]{0,20}?预算(?!执行)")
_YEAR_LINE = re.compile(r"^(20\d{2})\s*年度?$")
_ORG_END = re.compile(r"(局|委|院|中心|办|厅|部|会|所|站|队|馆|处|室|社|校|团|司|府|署|台|园|场|库|盟|联|大学)$")
_UNIT_VALUE = re.compile(r"^(人民币)?(万元|元|千元|亿元)")
_COVER = re.compile(r"^(.{4,40}?)(20\d{2})年度?(?:区级|市级|省级|县级)?(?:部门|单位)(?:决算|预算)")
_TOC_TRAIL = re.compile(r"[.…·．\s\d]+$")
_LEADING_ORDINAL = re.compile(r"^[（(]?[一二三四五六七八九十]+[)）、.．]\s*")


def _captions(blocks: list[Block]) -> list[tuple[str, str]]:
    """(caption, the next text line) for every text line, and for every table-row cell that reads
    like a caption ("单位名称：某某大学" printed inside a table's header row)."""
    out: list[tuple[str, str]] = []
    pending: list[int] = []  # captions waiting for their next text line
    for b in blocks:
        if b.kind == "text":
            t = b.text.strip()
            for j in pending:
                out[j] = (out[j][0], t)
            pending = [len(out)]
            out.append((t, ""))
        else:
            out.extend((c.text.strip(), "") for c in b.cells if _DEPT.match(c.text.strip()))
    return out


def _department(blocks: list[Block]) -> str | None:
    """The department from captions (部门：, 单位名称：, 预算主管部门：, 编制部门： …), else the cover."""
    votes: Counter[str] = Counter()
    for t, nxt in _captions(blocks):
        m = _DEPT.match(_DEPT_TAIL.sub("", t))
        if not m:
            continue
        name = m.group(1).strip()
        if _UNIT_VALUE.match(name):
            continue  # 单位：万元 is the amount unit, not the department
        if not _ORG_END.search(name) and len(nxt) <= 20 and _ORG_END.search(nxt):
            name += nxt
        votes[name] += 1
    if votes:
        return votes.most_common(1)[0][0]
    lines = [t for b in blocks if b.kind == "text" and (t := b.text.strip())][:20]
    for t in lines:  # cover: "XX局2024年度部门决算"
        m = _COVER.match(t.replace(" ", ""))
        if m and _ORG_END.search(m.group(1)):
            return m.group(1)
    for t in lines:  # cover: "XX局" then "2024年度部门决算"
        if 4 <= len(t) <= 40 and _ORG_END.search(t) and "决算" not in t and "目录" not in t and "预算" not in t:
            return t
    return None


def _year(blocks: list[Block], kind: str = "final") -> int | None:
    votes: Counter[int] = Counter()
    for b in blocks:
        t = b.text.replace(" ", "")
        for m in _YEAR.finditer(t):
            votes[int(m.group(1))] += 2
        if kind == "budget" and len(t) <= 40:  # a budget names its year in headings and titles
            for m in _BUDGET_YEAR.finditer(t):
                votes[int(m.group(1))] += 2
        m2 = _YEAR_LINE.match(t)
        if m2:
            votes[int(m2.group(1))] += 1
    return votes.most_common(1)[0][0] if votes else None


def _toc(blocks: list[Block], first_table_block: Block | None, kind: str = "final") -> list[str]:
    """Table titles named before the first table (the 目录)."""
    names = identify_budget_title if kind == "budget" else identify_title
    out: list[str] = []
    for b in blocks:
        if b is first_table_block:
            break
        t = b.cells[0].text.strip() if b.cells else ""
        t = _LEADING_ORDINAL.sub("", _TOC_TRAIL.sub("", t))
        if names(t) and t not in out and len(t) <= 40:
            out.append(t)
    return out


def _identify(grid: Grid) -> str | None:
    if grid.title:
        tid = identify_title(grid.title)
        if tid:
            return tid
        if "自评" in grid.title or "绩效" in grid.title:
            return None
    return identify_note(grid.notes) or (identify_structure(grid) if grid.fragment else None)


def extract(layout: Layout, blocks: list[Block] | None = None) -> Document:
    """Facts and metadata from a layout. ``blocks`` (all ingest blocks) feed the metadata."""
    all_blocks = blocks if blocks is not None else layout.text
    text_blocks = [b for b in all_blocks if b.kind == "text"]
    what = read_kind(text_blocks, [g.title for g in layout.grids if g.title])
    year = _year(text_blocks, what.kind)
    department = _department(all_blocks)
    tables: list[TableInfo] = []
    facts: list[Fact] = []
    warnings = list(layout.warnings)
    unreadable: list[str] = []
    seen: set[str] = set()
    first_block: Block | None = None  # the first row of the first standard table
    for grid in layout.grids:
        # a budget's tables get budget ids, a final's never do, whatever their parallel structure
        tid = identify_budget(grid) if what.kind == "budget" else _identify(grid)
        if tid is None:
            continue
        if tid in seen:
            warnings.append(f"{tid}: 重复出现的表格（{grid.prov.describe()}），已忽略")
            continue
        try:
            got = read_budget(tid, grid, year) if what.kind == "budget" else _read(tid, grid, year)
        except Exception as exc:  # one unreadable table must not lose the others
            unreadable.append(f"{tid}（{grid.title or '标题缺失'}，{grid.prov.describe()}）：{exc}")
            continue
        seen.add(tid)
        if grid.rows and (first_block is None or _before(grid.rows[0], first_block, all_blocks)):
            first_block = grid.rows[0]
        info = TableInfo(
            id=tid,
            title=grid.title,
            number=grid.number,
            unit=grid.unit,
            prov=grid.prov,
            empty=all(f.value == 0 for f in got.facts),
            fragment=grid.fragment,
            notes=list(grid.notes),
            row_labels=got.row_labels,
            layout=got.layout,
            columns=got.columns,
        )
        if not got.facts and not _looks_empty(grid):
            unreadable.append(f"{tid}（{grid.title or '标题缺失'}，{grid.prov.describe()}）：未读出任何数值")
        tables.append(info)
        facts.extend(got.facts)
        warnings.extend(got.warnings)
    tables.sort(key=lambda t: TABLE_IDS.index(t.id))
    perf_tables: list = []
    if blocks is not None:  # the self-evaluations are read from the raw rows, not the grids
        perf_facts, perf_tables = extract_perf(blocks)
        facts.extend(perf_facts)
    if first_block is not None:  # the title line before it is not part of the 目录 either
        first_block = _title_block(all_blocks, first_block, what.kind)
    family = detect_family(
        what.kind,
        tables={t.id for t in tables} | {_unread_table(u) for u in unreadable},
        titles=[g.title for g in layout.grids if g.title],
        department=department,
        text=[b.text for b in text_blocks[:60]],
    )
    return Document(
        source=layout.source,
        format=layout.format,
        department=department,
        year=year,
        unit="万元",
        tables=tables,
        facts=facts,
        pages=layout.pages,
        toc=_toc(all_blocks, first_block, what.kind),
        text=[b for b in layout.text if b.kind == "text"],
        unreadable=unreadable,
        warnings=warnings,
        perf=perf_tables,
        kind=what.kind,
        scope=what.scope,
        family=family.id if family else None,
        template=what.template,
    )


_UNREAD_ID = re.compile(r"^([a-z_]+)（")


def _unread_table(entry: str) -> str:
    """The table id a ``Document.unreadable`` entry is about ("" when it names none)."""
    m = _UNREAD_ID.match(entry)
    return m.group(1) if m else ""


def _before(a: Block, b: Block, blocks: list[Block]) -> bool:
    """Whether block ``a`` comes before ``b`` (grids are in document order, so this is rare)."""
    pa, pb = a.prov, b.prov
    if pa.line is not None and pb.line is not None:
        return pa.line < pb.line
    if pa.page is not None and pb.page is not None and pa.page != pb.page:
        return pa.page < pb.page
    return False


def _title_block(blocks: list[Block], first_row: Block, kind: str = "final") -> Block:
    """The text block just before a table's first row that names a table, else the row."""
    names = identify_budget_title if kind == "budget" else identify_title
    for i, b in enumerate(blocks):
        if b is first_row:
            for j in range(i - 1, max(-1, i - 8), -1):
                if blocks[j].kind == "text" and names(blocks[j].text):
                    return blocks[j]
            return first_row
    return first_row


def _looks_empty(grid: Grid) -> bool:
    notes = "".join(grid.notes)
    return "无数据" in notes or "为空" in notes or "没有" in notes or len(grid.rows) <= 5


def _read(tid: str, grid: Grid, year: int | None) -> T.Extracted:
    if tid in T.ALL_CODED_COLUMNS:  # incl. fiscal_expenditure (高等学校 财政拨款支出决算表)
        return T.read_coded(tid, grid)
    if tid in ("income_expense_summary", "fiscal_summary"):
        return T.read_two_sided(tid, grid, year)
    if tid == "gpb_basic":
        return T.read_gpb_basic(tid, grid, year)
    if tid == "three_public":
        return T.read_three_public(tid, grid)
    if tid == "disclosure_stats":
        return T.read_disclosure_stats(tid, grid)
    raise ValueError(f"no reader for {tid}")  # pragma: no cover


__all__ = ["extract"]

"""Claim → fact linking: which printed table cell each figure of the narrative restates.

    >>> from juesuan.rules.link import link, link_claims
    >>> linked = link_claims(doc)          # the claims, ``.fact`` set where a cell was found
    >>> result = link(doc)                 # the same, with the reasons and the summed terms
    >>> result.reasons[i]                  # why claim i (an index into doc.claims) is not linked
    >>> result.terms[i]                    # every cell claim i restates (a sum: 机关运行经费 …)

``link_claims(doc)`` returns ``doc.claims`` in order, each a copy with ``Claim.fact`` set to the
``(table, row, column)`` it restates, or left ``None``. :func:`link` returns a :class:`Linking`
holding those claims plus, by claim index, the ``reasons`` a claim is not linked (a short Chinese
phrase) and the ``terms`` it is linked to: one key, or several when the narrative states a sum of
printed cells (财政拨款收入 = 一般公共预算 + 政府性基金 + 国有资本经营 on the summary table;
机关运行经费 = 行政单位 + 参公事业单位 on the statistics table; a 类 the table prints only through
its 项). For a sum ``fact`` is the first term.

Which cell (facts.md keys):

* summary lines → ``income_expense_summary`` (收入总计 ``income.grand_total``, 本年收入合计
  ``income.total``, 事业收入 ``income.operating`` …); 基本支出/项目支出/… → ``expenditure``
  ``total/basic`` …; 财政拨款收入 → ``fiscal_summary income.total`` or the three fund lines of the
  summary table; 财政拨款支出 → ``fiscal_summary expense.total/total``;
* ``一般公共预算财政拨款…`` → ``gpb_expenditure total/*``; 人员经费/公用经费 → ``gpb_basic``
  ``personnel_total``/``public_total``; 经济分类 items → their ``gpb_basic`` code (refdata);
* ``func:<code>`` → ``gpb_expenditure <code>/total`` when the sentence is in the 一般公共预算 section,
  ``soe_capital`` in the 国有资本经营 section (and for every code of 类 223), ``gov_fund`` in the
  政府性基金 section, ``fiscal_summary`` for a 类 in the 财政拨款 section, else ``expenditure``;
* ``三公.*`` → ``three_public`` (``final``; a 预算 amount → ``budget``); 机关运行经费, 政府采购.*,
  车辆.*, 设备 → ``disclosure_stats``.

Never linked: a 预算 amount other than 三公 (no table prints budgets), year-on-year changes,
shares and rates (they are checked against the linked amounts, not restated cells), 三公 counts
(团组, 人次, 批次, 保有量: no table), an economic item of a function or of all-funds 基本支出
(``func:2080109/办公费``), ``raw:`` subjects, 绩效 and 项目 figures.

A cell is taken when printed; a blank cell of a table the document has (not a fragment) is a zero
(facts contract); a row missing from a fragment is unknown, and the claim is left unlinked.

The outline (:func:`outline`) gives every narrative block its part (概况 / 情况说明 / 名词解释 …),
its section (``gpb``, ``three_public`` …) and a region number (changes at each heading of level
一、 or （一）); the narrative and prose rules share it.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Iterable

from ..extract.outline import MARKERS, QUANTITY, heading_level, section_of
from ..model import Block, Claim, Document, Provenance

__all__ = [
    "Heading",
    "Linker",
    "Linking",
    "Outline",
    "link",
    "link_claims",
    "linkable",
    "maps_to_table",
    "outline",
    "outline_of",
    "section_of",
]

Key = tuple[str, str, str]

IES = "income_expense_summary"
FS = "fiscal_summary"

# --------------------------------------------------------------------------- outline

_LEAD = "-*#>•· \t\u3000"
_BARE = re.compile(r"^(?:名词解释|附件\d*[：:]?|情况说明|目录|部门决算情况说明)$")
_WS = re.compile(r"\s+")
_LEADER = re.compile(r"[.…·．]{3,}\s*\d*\s*$|\s+\d{1,3}$")

def _part_kind(title: str) -> str:
    if "名词解释" in title:
        return "glossary"
    if title.startswith("附件") or "附件" in title[:6]:
        return "attachment"
    if "情况说明" in title:
        return "narrative"
    if "决算表" in title or "报表" in title:
        return "tables"
    if "概况" in title or "基本情况" in title:
        return "overview"
    return "narrative"


_level = heading_level


def _marker(t: str) -> str:
    for rx in MARKERS:
        m = rx.match(t)
        if m:
            return _WS.sub("", m.group())
    return ""


@dataclass(frozen=True, slots=True)
class Heading:
    index: int  # block index in doc.text
    level: int  # 0 part (第N部分 or a bare part title), 1 一、, 2 （一）, 3 1., 4 （1）
    marker: str  # 第一部分 / 一、 / （一） … ("" for a bare title)
    title: str  # the text after the marker, whitespace removed, page number/leaders dropped
    raw: str  # the line as printed
    prov: Provenance
    part: str  # the part it belongs to: front/overview/narrative/glossary/tables/attachment
    section: str | None  # what its title names (section_of)
    toc: bool  # an entry of the table of contents


@dataclass(slots=True)
class Outline:
    headings: list[Heading]  # body headings (not the table of contents), in order
    toc: list[Heading]  # entries of the table of contents
    marks: list[int]  # block indices where part/section/region change (ascending, first 0)
    states: list[tuple[str, str, int]]  # (part, section, region) from each mark on
    blocks: list[Block]
    _ids: dict[int, int] = field(default_factory=dict)  # id(block.prov) → block index
    _provs: dict[Provenance, int] | None = None

    def index_of(self, prov: Provenance) -> int | None:
        """The index of the block printed at ``prov`` (a claim's provenance)."""
        i = self._ids.get(id(prov))
        if i is not None:
            return i
        if self._provs is None:
            self._provs = {}
            for n, b in enumerate(self.blocks):
                self._provs.setdefault(b.prov, n)
        return self._provs.get(prov)

    def state(self, i: int | None) -> tuple[str, str, int]:
        """(part, section, region) of block i (("narrative", "other", -1) when unknown)."""
        if i is None:
            return ("narrative", "other", -1)
        return self.states[bisect_right(self.marks, i) - 1]

    def section_at(self, prov: Provenance) -> str:
        return self.state(self.index_of(prov))[1]

    def region_at(self, prov: Provenance) -> int:
        return self.state(self.index_of(prov))[2]

    def part_at(self, prov: Provenance) -> str:
        return self.state(self.index_of(prov))[0]


def _block_text(b: Block) -> str:
    cells = b.cells
    if len(cells) == 1:
        return cells[0].text
    return "".join(c.text for c in cells) if b.kind == "row" else "\t".join(c.text for c in cells)


# a heading starts with one of these (after markup); anything else is a heading only if it is a
# bare part title
_MARKER_START = frozenset("第一二三四五六七八九十（(0123456789０１２３４５６７８９")
_BARE_START = frozenset("名附情目部")


def _is_heading(t: str, level: int) -> bool:
    if level == 9:
        return bool(_BARE.match(_WS.sub("", t)))
    if QUANTITY.search(t):
        return False
    limit = 60 if level <= 2 else 30
    return len(t) <= limit or len(_WS.sub("", t)) <= limit


def outline(doc: Document) -> Outline:
    """The document's narrative outline."""
    return _outline(doc.text)


def outline_of(ctx) -> Outline:  # ctx: rules.engine.Context
    """The outline of a rule context's document, computed once per context."""
    got = ctx.__dict__.get("_outline")
    if got is None:
        got = ctx.__dict__["_outline"] = _outline(ctx.doc.text)
    return got


def _strip(text: str) -> str:
    return text.strip().lstrip(_LEAD).strip()


def _classify(t: str) -> tuple[int, bool]:
    """(level, is a heading) of a stripped line."""
    first = t[:1]
    if first in _MARKER_START:
        level = _level(t)
        if level == 9:
            return 9, False
        heading = _is_heading(t, level)
    elif first in _BARE_START and len(t) <= 12:
        level = 9
        heading = _is_heading(t, level)
    else:
        return 9, False
    if heading and level == 9:
        level = 0  # a bare part title (名词解释, 附件 …)
    return level, heading


def _title(t: str) -> tuple[str, str]:
    marker = _marker(t)
    body = t[len(marker) :] if marker else t
    return marker, _WS.sub("", _LEADER.sub("", body)).strip()


def _toc_range(blocks: list[Block]) -> tuple[int, int]:
    """[start, end) of the table of contents in ``blocks`` (0, 0 when there is none).

    It starts at a 目录 line and ends where the body begins: a part title the contents already
    listed, a paragraph, or a figure. A "contents" that lists a single part and no page numbers
    was the body itself (its lines were lost in conversion): then there is none."""
    start = -1
    for i, b in enumerate(blocks):
        t = _strip(_block_text(b))
        if t[:1] == "目" and _WS.sub("", t) in ("目录", "目次"):
            start = i
            break
    if start < 0:
        return 0, 0
    titles: list[str] = []
    paged = False
    end = len(blocks)
    for i in range(start + 1, len(blocks)):
        raw = _block_text(blocks[i])
        t = _strip(raw)
        if not t:
            continue
        level, heading = _classify(t)
        tn = _WS.sub("", t)
        if heading:
            _, title = _title(t)
            if level == 0 and title in titles:
                end = i
                break
            if level == 0:
                titles.append(title)
            if _LEADER.search(t):
                paged = True
            continue
        if len(tn) > 40 or QUANTITY.search(tn) or not heading:
            end = i
            break
    if len(titles) <= 1 and not paged:
        return start, start + 1  # only the 目录 line itself
    return start, end


_SKIM = frozenset({"tables", "attachment"})
_PART_START = frozenset("第名附情目部")
_CANDIDATE_START = _MARKER_START | _BARE_START
_LEAD_ALL = _LEAD + "\u3000"


def _outline(blocks: list[Block]) -> Outline:
    headings: list[Heading] = []
    toc: list[Heading] = []
    marks: list[int] = [0]
    states: list[tuple[str, str, int]] = [("front", "other", 0)]
    ids: dict[int, int] = {}
    toc_start, toc_end = _toc_range(blocks)
    part = "front"
    toc_part = "front"
    sec1: str | None = None
    sec2: str | None = None
    sec3: str | None = None
    region = 0
    for i, b in enumerate(blocks):
        prov = b.prov
        ids[id(prov)] = i
        cells = b.cells
        text = cells[0].text if len(cells) == 1 else _block_text(b)
        t = text.lstrip(_LEAD_ALL)
        first = t[:1]
        if first not in _CANDIDATE_START or (part in _SKIM and first not in _PART_START):
            if toc_start <= i < toc_end and (marks[-1] != toc_start or states[-1][0] != "toc"):
                marks.append(i)
                states.append(("toc", "other", region))
            continue
        t = t.strip()
        level, heading = _classify(t)
        if toc_start <= i < toc_end:
            if i == toc_start or marks[-1] != toc_start:
                if marks[-1] == i:
                    states[-1] = ("toc", "other", region)
                else:
                    marks.append(i)
                    states.append(("toc", "other", region))
            if heading and i > toc_start:
                marker, title = _title(t)
                if level == 0:
                    toc_part = _part_kind(title)
                toc.append(Heading(i, level, marker, title, text, prov, toc_part, section_of(title, level), True))
            continue
        if i == toc_end and toc_end > toc_start and not heading:
            marks.append(i)
            states.append((part, sec3 or sec2 or sec1 or ("glossary" if part == "glossary" else "other"), region))
        if not heading:
            continue
        marker, title = _title(t)
        sec = section_of(title, level)
        if level == 0:
            part = _part_kind(title)
            sec1, sec2, sec3 = sec if part != "glossary" else "glossary", None, None
            region += 1
        elif level == 1:
            sec1, sec2, sec3 = sec or ("glossary" if part == "glossary" else "other"), None, None
            region += 1
        elif level == 2:
            sec2, sec3 = sec, None
            region += 1
        elif part == "narrative":
            sec3 = sec
        headings.append(Heading(i, level, marker, title, text, prov, part, sec, False))
        state = (part, sec3 or sec2 or sec1 or ("glossary" if part == "glossary" else "other"), region)
        if marks[-1] == i:
            states[-1] = state
        else:
            marks.append(i)
            states.append(state)
    return Outline(headings, toc, marks, states, blocks, ids)


# --------------------------------------------------------------------------- the cells of a subject

_SUMMARY: dict[str, tuple[tuple[Key, ...], ...]] = {
    "收入总计": (((IES, "income.grand_total", "amount"),),),
    "支出总计": (((IES, "expense.grand_total", "amount"),),),
    "本年收入合计": (((IES, "income.total", "amount"),), (("income", "total", "total"),)),
    "本年支出合计": (((IES, "expense.total", "amount"),), (("expenditure", "total", "total"),)),
    "财政拨款收入": (
        ((FS, "income.total", "amount"),),
        ((IES, "income.gpb", "amount"), (IES, "income.gov_fund", "amount"), (IES, "income.soe_capital", "amount")),
        (("income", "total", "fiscal"),),
    ),
    "一般公共预算财政拨款收入": (((IES, "income.gpb", "amount"),), ((FS, "income.gpb", "amount"),)),
    "政府性基金预算财政拨款收入": (((IES, "income.gov_fund", "amount"),), ((FS, "income.gov_fund", "amount"),)),
    "国有资本经营预算财政拨款收入": (
        ((IES, "income.soe_capital", "amount"),),
        ((FS, "income.soe_capital", "amount"),),
    ),
    "上级补助收入": (((IES, "income.upper_subsidy", "amount"),), (("income", "total", "upper_subsidy"),)),
    "事业收入": (((IES, "income.operating", "amount"),), (("income", "total", "operating"),)),
    "经营收入": (((IES, "income.business", "amount"),), (("income", "total", "business"),)),
    "附属单位上缴收入": (((IES, "income.affiliate_remit", "amount"),), (("income", "total", "affiliate_remit"),)),
    "其他收入": (((IES, "income.other", "amount"),), (("income", "total", "other"),)),
    "使用非财政拨款结余": (((IES, "income.use_non_fiscal_balance", "amount"),),),
    "年初结转和结余": (((IES, "income.opening_balance", "amount"),),),
    "基本支出": ((("expenditure", "total", "basic"),),),
    "项目支出": ((("expenditure", "total", "project"),),),
    "上缴上级支出": ((("expenditure", "total", "remit_upper"),),),
    "经营支出": ((("expenditure", "total", "business"),),),
    "对附属单位补助支出": ((("expenditure", "total", "affiliate_subsidy"),),),
    "结余分配": (((IES, "expense.balance_distribution", "amount"),),),
    "年末结转和结余": (((IES, "expense.closing_balance", "amount"),),),
    # fund scopes
    "财政拨款.收入总计": (((FS, "income.grand_total", "amount"),),),
    "财政拨款.支出总计": (((FS, "expense.grand_total", "total"),),),
    "财政拨款支出": (
        ((FS, "expense.total", "total"),),
        (("gpb_expenditure", "total", "total"), ("gov_fund", "total", "expense_total"), ("soe_capital", "total", "total")),
    ),
    "财政拨款.年初结转和结余": (((FS, "income.opening_balance", "amount"),),),
    "财政拨款.年末结转和结余": (((FS, "expense.closing_balance", "total"),),),
    "财政拨款.基本支出": (
        (("gpb_expenditure", "total", "basic"), ("gov_fund", "total", "expense_basic"), ("soe_capital", "total", "basic")),
    ),
    "财政拨款.项目支出": (
        (("gpb_expenditure", "total", "project"), ("gov_fund", "total", "expense_project"), ("soe_capital", "total", "project")),
    ),
    "一般公共预算财政拨款支出": ((("gpb_expenditure", "total", "total"),), ((FS, "expense.total", "gpb"),)),
    "一般公共预算财政拨款.基本支出": (
        (("gpb_expenditure", "total", "basic"),),
        (("gpb_basic", "personnel_total", "amount"), ("gpb_basic", "public_total", "amount")),
    ),
    "一般公共预算财政拨款.项目支出": ((("gpb_expenditure", "total", "project"),),),
    "政府性基金预算财政拨款支出": ((("gov_fund", "total", "expense_total"),), ((FS, "expense.total", "gov_fund"),)),
    "国有资本经营预算财政拨款支出": ((("soe_capital", "total", "total"),), ((FS, "expense.total", "soe_capital"),)),
    "人员经费": ((("gpb_basic", "personnel_total", "amount"),),),
    "公用经费": ((("gpb_basic", "public_total", "amount"),),),
    # 其他重要事项
    "机关运行经费": (
        (("disclosure_stats", "running_cost.admin", "value"), ("disclosure_stats", "running_cost.civil_servant_mgmt", "value")),
    ),
    "政府采购.总额": ((("disclosure_stats", "procurement.total", "value"),),),
    "政府采购.货物": ((("disclosure_stats", "procurement.goods", "value"),),),
    "政府采购.工程": ((("disclosure_stats", "procurement.works", "value"),),),
    "政府采购.服务": ((("disclosure_stats", "procurement.services", "value"),),),
    "车辆.合计": ((("disclosure_stats", "vehicles.total", "value"),),),
    "设备.单价100万元以上": ((("disclosure_stats", "equipment_over_1m", "value"),),),
}

VEHICLE_ROWS: dict[str, str] = {
    "副部(省)级及以上领导用车": "vehicles.ministerial",
    "主要负责人用车": "vehicles.principal",
    "机要通信用车": "vehicles.confidential",
    "应急保障用车": "vehicles.emergency",
    "执法执勤用车": "vehicles.law_enforcement",
    "特种专业技术用车": "vehicles.special",
    "离退休干部服务用车": "vehicles.retiree",
    "其他用车": "vehicles.other",
}
for _kind, _row in VEHICLE_ROWS.items():
    _SUMMARY[f"车辆.{_kind}"] = ((("disclosure_stats", _row, "value"),),)

SANGONG_ROWS: dict[str, str] = {
    "三公.合计": "total",
    "三公.因公出国（境）费": "overseas",
    "三公.公务用车购置及运行维护费": "vehicle",
    "三公.公务用车购置费": "vehicle_purchase",
    "三公.公务用车运行维护费": "vehicle_operation",
    "三公.公务接待费": "reception",
}

_GPB_BASIC_CLASSES = ("301", "302", "303", "307", "309", "310", "312", "313", "399")
_GPB_SECTIONS = frozenset({"gpb", "gpb_basic"})


@dataclass(slots=True)
class Linking:
    """Claims with ``fact`` set; by claim index: the terms linked, or why not linked."""

    claims: list[Claim]
    terms: dict[int, list[Key]] = field(default_factory=dict)
    reasons: dict[int, str] = field(default_factory=dict)
    sections: list[str] = field(default_factory=list)  # per claim
    regions: list[int] = field(default_factory=list)  # per claim
    partial: set[int] = field(default_factory=set)  # func claims whose 项 name was not resolved

    def linked(self) -> list[int]:
        return sorted(self.terms)


def link_claims(doc: Document) -> list[Claim]:
    """``doc.claims`` with ``Claim.fact`` set to the cell each restates (None where none)."""
    return link(doc).claims


def maps_to_table(subject: str, section: str = "other", year: int = 2024) -> bool:
    """Whether a final amount of ``subject`` is something a standard table prints."""
    return _alternatives_of(subject, "amount", True, section, year) is not None


def linkable(claim: Claim) -> bool:
    """Whether a claim restates a table cell at all (kind and subject), table present or not."""
    return _alternatives(claim, "other") is not None if claim.kind in ("amount", "count") else False


class _Index:
    """What the linker needs to know of the document's tables."""

    def __init__(self, doc: Document, facts: dict | None = None) -> None:
        self.facts = doc.index() if facts is None else facts
        self.present: set[str] = {t.id for t in doc.tables} | {k[0] for k in self.facts}
        self.fragment: set[str] = {t.id for t in doc.tables if t.fragment}
        self.rows: dict[str, set[str]] = {}
        for t, r, _ in self.facts:
            self.rows.setdefault(t, set()).add(r)
        for t in doc.tables:
            self.rows.setdefault(t.id, set()).update(t.row_labels)

    def printed(self, key: Key) -> bool:
        return key in self.facts

    def zero_ok(self, key: Key) -> bool:
        """A key not printed that reads as zero: table present, not a fragment (or the row printed)."""
        t = key[0]
        if t not in self.present:
            return False
        return t not in self.fragment or key[1] in self.rows.get(t, ())

    def descendants(self, table: str, code: str, column: str) -> list[Key]:
        """The nearest printed rows below ``code`` (a table printing only 项-level rows)."""
        rows = self.rows.get(table, set())
        below = sorted(r for r in rows if r.isdigit() and r.startswith(code) and len(r) > len(code))
        out: list[str] = []
        for r in below:
            if not any(r.startswith(o) for o in out):
                out.append(r)
        return [(table, r, column) for r in out]


def _func_alternatives(code: str, section: str) -> tuple[tuple[Key, ...], ...]:
    klass = len(code) == 3
    if code.startswith("223") or section == "soe":
        alts: list[tuple[Key, ...]] = [(("soe_capital", code, "total"),)]
        if klass:
            alts.append(((FS, f"expense.{code}", "soe_capital"),))
        return tuple(alts)
    if section == "gov_fund":
        alts = [(("gov_fund", code, "expense_total"),)]
        if klass:
            alts.append(((FS, f"expense.{code}", "gov_fund"),))
        return tuple(alts)
    if section in _GPB_SECTIONS:
        alts = [(("gpb_expenditure", code, "total"),)]
        if klass:
            alts.append(((FS, f"expense.{code}", "gpb"),))
        return tuple(alts)
    if section == "fiscal":
        if klass:
            return (((FS, f"expense.{code}", "total"),), (("gpb_expenditure", code, "total"),))
        return ((("gpb_expenditure", code, "total"),),)
    alts = [(("expenditure", code, "total"),)]
    if klass:
        alts.append(((IES, f"expense.{code}", "amount"),))
    return tuple(alts)


@functools.lru_cache(maxsize=512)
def _economic_code(name: str, year: int) -> str | None:
    from ..refdata import economic_codes

    try:
        table = economic_codes(year)
    except (LookupError, ValueError):
        return None
    found = [c.code for c in table.find_by_name(name) if c.code[:3] in _GPB_BASIC_CLASSES]
    if not found:
        return None
    return min(found, key=len)


def _alternatives(claim: Claim, section: str, year: int = 2024) -> tuple[tuple[Key, ...], ...] | None:
    """The cells (alternatives, each a sum of keys) a claim may restate; None: none can."""
    return _alternatives_of(claim.subject, claim.kind, claim.value_wan is not None, section, year)


@functools.lru_cache(maxsize=8192)
def _alternatives_of(
    subject: str, kind: str, money: bool, section: str, year: int
) -> tuple[tuple[Key, ...], ...] | None:
    base, _, qualifier = subject.partition("@")
    if kind == "count":
        if base.startswith("车辆.") or base.startswith("设备."):
            return _SUMMARY.get(base)
        return None
    if kind != "amount" or not money:
        return None
    if base in SANGONG_ROWS:
        column = "final" if not qualifier else ("budget" if qualifier.startswith("budget") else "")
        if not column:
            return None
        return ((("three_public", SANGONG_ROWS[base], column),),)
    if qualifier:
        return None  # a budget amount: no table prints budgets (other than 三公)
    if base in _SUMMARY:
        return _SUMMARY[base]
    if base.startswith("func:"):
        code = base[5:]
        if code.isdigit():
            return _func_alternatives(code, section)
        return None
    if "/" in base or ":" in base or "." in base:
        return None
    code = _economic_code(base, year)
    if code is not None:
        return ((("gpb_basic", code, "amount"),),)
    return None


def _choose(alts: Iterable[tuple[Key, ...]], idx: _Index, claim_wan_zero: bool) -> tuple[list[Key] | None, str]:
    first = alts[0]  # type: ignore[index]
    if len(first) == 1 and first[0] in idx.facts:
        return [first[0]], ""  # the common case: one printed cell
    # a sum over fund tables: a table the document lacks adds nothing (the completeness rules
    # report it missing) as long as another term's table is there
    alts = [
        tuple(k for k in alt if k[0] in idx.present)
        if len(alt) > 1 and any(k[0] in idx.present for k in alt)
        else alt
        for alt in alts
    ]
    # 1. every term printed
    for alt in alts:
        if all(idx.printed(k) for k in alt):
            return list(alt), ""
    # 2. a coded row the table prints only through its descendants
    for alt in alts:
        if len(alt) == 1 and alt[0][1].isdigit() and alt[0][0] in idx.present:
            t, code, col = alt[0]
            if code in idx.rows.get(t, ()):
                continue
            kids = idx.descendants(t, code, col)
            if kids and all(idx.printed(k) or idx.zero_ok(k) for k in kids):
                return kids, ""
    # 3. some terms printed, the others blank in tables the document has
    for alt in alts:
        if any(idx.printed(k) for k in alt) and all(idx.printed(k) or idx.zero_ok(k) for k in alt):
            return [k for k in alt if idx.printed(k) or k[0] in idx.present], ""
    # 4. nothing printed: a blank cell of a table the document has (a zero)
    for alt in alts:
        if all(idx.zero_ok(k) for k in alt) and any(k[0] in idx.present for k in alt):
            if alt[0][1].isdigit() and alt[0][1] not in idx.rows.get(alt[0][0], ()) and not claim_wan_zero:
                continue  # a code the table does not print at all, for a non-zero figure
            return [k for k in alt if k[0] in idx.present], ""
    tables = {k[0] for alt in alts for k in alt}
    if not tables & idx.present:
        from ..model import TABLE_NAMES_ZH

        names = "、".join(dict.fromkeys(TABLE_NAMES_ZH.get(k[0], k[0]) for k in alts[0]))
        return None, f"文件中没有{names}"
    if tables & idx.fragment:
        return None, "表格残缺，该行未能读取"
    return None, "表中没有对应的行"


class Linker:
    """Finds the cells of a subject in one document (used by :func:`link` and the rules)."""

    def __init__(self, doc: Document, facts: dict | None = None) -> None:
        self.doc = doc
        self.index = _Index(doc, facts)
        self.year = doc.year or 2024
        self._cache: dict[tuple[str, str, str, bool], tuple[list[Key] | None, str]] = {}
        self._subjects: dict[tuple[str, str], list[Key] | None] = {}

    def cells(self, claim: Claim, section: str) -> tuple[list[Key] | None, str]:
        """The keys ``claim`` restates (a sum when several), or None and the reason."""
        if (
            claim.subject in ("财政拨款.基本支出", "财政拨款.项目支出")
            and section in _GPB_SECTIONS
            and claim.kind == "amount"
        ):
            # in the 一般公共预算 sections a bare 财政拨款 means the 一般公共预算 one
            claim = replace(claim, subject="一般公共预算" + claim.subject)
        key = (claim.subject, claim.kind, section, claim.value == 0)
        got = self._cache.get(key)
        if got is None:
            alts = _alternatives(claim, section, self.year)
            got = (None, _why_not(claim)) if alts is None else _choose(alts, self.index, claim.value == 0)
            self._cache[key] = got
        return got

    def subject_cells(self, subject: str, section: str) -> list[Key] | None:
        """The cells of the final amount of ``subject`` (e.g. the whole of a share)."""
        got = self._subjects.get((subject, section), _MISSING)
        if got is _MISSING:
            pseudo = Claim(subject, "amount", Decimal(1), "1", "万元", "", Provenance())
            got = self._subjects[subject, section] = self.cells(pseudo, section)[0]
        return got  # type: ignore[return-value]


_MISSING = object()


def link(doc: Document, ol: Outline | None = None, linker: Linker | None = None, *, copy: bool = True) -> Linking:
    """Link every claim of ``doc`` (see the module docstring). With ``copy=False`` the returned
    ``claims`` are ``doc.claims`` themselves (``fact`` not set): for callers that read ``terms``."""
    ol = outline(doc) if ol is None else ol
    linker = Linker(doc) if linker is None else linker
    out = Linking(claims=[] if copy else list(doc.claims))
    partial = _partial_functions(doc, ol)
    out.partial = partial
    for i, c in enumerate(doc.claims):
        _, section, region = ol.state(ol.index_of(c.prov))
        out.sections.append(section)
        out.regions.append(region)
        if i in partial:
            out.reasons[i] = "项级科目名称未能识别（只识别到类/款）"
            if copy:
                out.claims.append(c if c.fact is None else replace(c, fact=None))
            continue
        keys, reason = linker.cells(c, section)
        if keys:
            out.terms[i] = keys
            if copy:
                out.claims.append(replace(c, fact=keys[0]))
        else:
            out.reasons[i] = reason
            if copy:
                out.claims.append(c if c.fact is None else replace(c, fact=None))
    return out


_ITEM_MARK = re.compile(r"[（(]\s*项\s*[)）]")


def _partial_functions(doc: Document, ol: Outline) -> set[int]:
    """Claims on a 类/款 code printed in a paragraph that names a 项 (…（项）) none of whose
    claims reached 项 level: the 项's name is not in the reference table (renamed, or cut by the
    converter), and the figure belongs to the 项, not to its 款."""
    out: set[int] = set()
    by_block: dict[int, list[int]] = {}
    for i, c in enumerate(doc.claims):
        if c.subject.startswith("func:"):
            b = ol.index_of(c.prov)
            if b is not None:
                by_block.setdefault(b, []).append(i)
    for b, idx in by_block.items():
        codes = [doc.claims[i].subject[5:].partition("@")[0].partition("/")[0] for i in idx]
        short = [i for i, code in zip(idx, codes) if len(code) in (3, 5)]
        if not short:
            continue
        text = _block_text(ol.blocks[b])
        if b > 0 and not _ITEM_START.match(text.lstrip(_LEAD_ALL)):
            text = _block_text(ol.blocks[b - 1]) + text
        if not _ITEM_MARK.search(text):
            continue
        for i, code in zip(idx, codes):
            if len(code) in (3, 5) and not any(len(o) == 7 and o.startswith(code) for o in codes):
                out.add(i)
    return out


_ITEM_START = re.compile(r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[、.．]|[（(]\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[)）]")


def _why_not(c: Claim) -> str:
    s = c.subject
    if c.kind not in ("amount", "count"):
        return {
            "share": "占比：按所链接金额核对，不对应单元格",
            "change_amount": "与上年比较：表中无上年数",
            "change_pct": "与上年比较：表中无上年数",
            "completion_pct": "预算完成率：按同句预算数与决算数核对",
            "other_pct": "百分比：不对应单元格",
        }.get(c.kind, "不对应单元格")
    if s.startswith("raw:"):
        return "主语未识别"
    if "@budget" in s:
        return "预算数：决算表不列预算（“三公”除外）"
    if s.startswith("三公."):
        if c.kind == "amount":
            return "国内、外事公务接待费：“三公”表不分列"
        return "“三公”数量（团组、人次、车辆、批次）：决算表不列"
    if s.startswith(("项目:", "绩效.")):
        return "绩效：不对应决算表单元格"
    if "/" in s:
        return "功能科目或全部资金基本支出下的经济分类明细：决算表不列"
    if s.startswith("政府采购."):
        return "授予中小企业/小微企业金额：统计表不列"
    return "无对应的表格单元格"

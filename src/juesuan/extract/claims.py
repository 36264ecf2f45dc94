"""Claims: the figures the narrative (概况 / 情况说明 / 其他重要事项) states.

``extract_claims(doc)`` reads ``doc.text`` (the narrative blocks, in order) and returns one
:class:`~juesuan.model.Claim` per quantitative statement: amounts, shares (占…%), changes
(增加/减少 x 万元, 增长/下降 y%, 持平), budget completion (完成年初预算的 z%), counts (团组, 人次,
辆, 个 …) and other percentages.  Subjects are canonical strings (see
:mod:`juesuan.extract.subjects`).

How it reads:

1. Lines are classified: part headings (第N部分 …) switch reading on or off (名词解释, 附件 and
   the 决算表 part are skipped), numbered headings (一、 （一） 1. （1） 项目一：) set the section
   (三公, 政府采购, …) and reset the context; watermarks, page numbers and TOC leaders are dropped.
2. A sentence broken over lines by the converter is joined (a line that does not end in
   。；：！？ continues on the next one, unless the next one starts a numbered item).
3. Each paragraph is normalised (full-width digits and signs folded, whitespace and quotes
   dropped) with a map back to the printed text, cut into sentences (。！？) and clauses
   (，；：、), and read left to right: subject mentions, numbers with their units, 其中/包括
   (which make the current subject the *head* that a bare 占 refers to) and 持平/一致.
4. A number takes the subject mentioned closest before it in its clause; with none, the
   subject carried from earlier in the sentence/paragraph (when the words before it are only
   年初预算为 / 支出决算 / 比上年 …), or ``raw:<words>`` when other words name something the
   vocabulary does not know.

Provenance: the line (and page) where the number itself is printed; ``text`` is the whole
sentence as printed.  Years, dates, codes, list numbers, 第N部分 and table numbers never make
claims; printed zeros do.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Sequence

from ..model import Block, Cell, Claim, Document, Provenance
from . import subjects as S
from .outline import PART, QUANTITY, heading_level, section_of

__all__ = ["extract_claims", "extract_claims_from_blocks", "claims_from_text"]

# --------------------------------------------------------------------------- normal form

_TRANS = {ord(a): b for a, b in zip("０１２３４５６７８９", "0123456789")}
_TRANS.update(
    {
        ord("．"): ".",
        ord("％"): "%",
        ord("﹪"): "%",
        ord("("): "（",
        ord(")"): "）",
        ord(":"): "：",
        ord(";"): "；",
        ord("!"): "！",
        ord("?"): "？",
        ord("*"): " ",
        ord("“"): " ",
        ord("”"): " ",
        ord('"'): " ",
        ord("‘"): " ",
        ord("’"): " ",
        ord("「"): " ",
        ord("」"): " ",
        ord("『"): " ",
        ord("』"): " ",
    }
)
_WS = re.compile(r"\s+")
_TRANS_RX = re.compile("[" + re.escape("".join(chr(k) for k in _TRANS)) + "]")


_FW_THOUSANDS = re.compile(r"(?<=[０-９])[，,](?=[０-９]{3}(?![０-９]))")


def _fold(text: str) -> str:
    """Apply the one-to-one character folding (cheap when there is nothing to fold)."""
    if "，" in text and _FW_THOUSANDS.search(text):  # ２１，７２３．６６
        text = _FW_THOUSANDS.sub(",", text)
    return _TRANS_RX.sub(lambda m: _TRANS[ord(m.group())], text)


def _normalise(text: str) -> tuple[str, list[int], list[int]]:
    """Normal form of ``text`` and a segment map (norm starts, orig starts)."""
    t = _fold(text)
    out: list[str] = []
    nstarts: list[int] = []
    ostarts: list[int] = []
    pos = 0
    n = 0
    for m in _WS.finditer(t):
        a, b = m.span()
        # keep a space between a digit/point and a digit: "1. 98" is a list item and a number
        if a > 0 and b < len(t) and (t[a - 1].isdigit() or t[a - 1] == ".") and t[b].isdigit():
            continue
        if a > pos:
            nstarts.append(n)
            ostarts.append(pos)
            out.append(t[pos:a])
            n += a - pos
        pos = b
    if pos < len(t):
        nstarts.append(n)
        ostarts.append(pos)
        out.append(t[pos:])
    return "".join(out), nstarts, ostarts


# --------------------------------------------------------------------------- line classes

_PROJECT = re.compile(r"^项目[一二三四五六七八九十百零\d]{1,4}[：:]\s*(?P<name>.+?)[。.]?$")
_LEAD_CHARS = "-*#>•· \t\u3000"
_CLOSERS = " \t\u3000）)”」'\"*"
_BARE_TITLE = re.compile(r"^(?:名词解释|附件\d*[：:]?|情况说明|目录)$")
_TOC_LEADER = re.compile(r"[.…·．]{4,}\s*\d*\s*$")
_PAGE_NO = re.compile(r"^[-—–\s]*(?:第?\s*\d+\s*页?(?:\s*/\s*共?\s*\d+\s*页?)?)[-—–\s]*$")
_TERMINAL = "。；：！？!?;:"
_LIST_MARK = re.compile(r"^(?:\d{1,2}[.、．]|（\d{1,2}）|[一二三四五六七八九十]{1,3}、|（[一二三四五六七八九十]{1,3}）)")
_FUNC_MARK = re.compile(r"[（(][类款项][)）]")

# the claims reader groups 部门职责 and 机构设置 under the overview, and reads no 名词解释
_CLAIM_SECTION = {"duties": "overview", "organisation": "overview", "glossary": None}


def _section_of(text: str) -> str | None:
    sec = section_of(text)
    return _CLAIM_SECTION.get(sec, sec) if sec is not None else None


def _level(t: str) -> int:
    """Marker level of a line: 0 part, 1 一、, 2 （一）, 3 1., 4 （1）, 5 项目一：, 9 none."""
    level = heading_level(t)
    if level == 9 and _PROJECT.match(t):
        return 5
    return level


# --------------------------------------------------------------------------- sentence grammar

_NUM = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?)")
_UNIT = re.compile(
    r"万元|亿元|元|万(?=[（，。；、：）]|$)|%|个百分点|人次|批次|团组|台（套）|台套|辆|个|人|台|套|家|项|名|户|分|次"
)
_MONEY = {"万元": "万元", "亿元": "亿元", "元": "元", "万": "万元"}
_COUNT_UNITS = {"人次", "批次", "团组", "台（套）", "台套", "辆", "个", "人", "台", "套", "家", "项", "名", "户", "次", "分"}
_NOT_A_QUANTITY_AFTER = set("年月日号时岁届期版章条")
_THRESHOLD = re.compile(r"(?:（含）)?(?:及)?以[上下]")

_CHANGE = re.compile(
    r"(?P<v>增加|增长|上升|提高|上涨|增幅|减少|下降|降低|减幅|下滑|缩减|压减|节约|节省|回落|增|减)"
    r"(?:了)?(?:（[^）]{1,6}）)?(?:为|约|达到?|幅度为|比例为)?$"
)
_INCREASE = {"增加", "增长", "上升", "提高", "上涨", "增幅", "增"}
_COMPLETION = re.compile(
    r"(?:完成(?:了)?(?:年初|全年|调整后)?(?:预算|预算数)?(?:的)?"
    r"|(?:为|占)(?:年初|全年|调整后)?预算数?的"
    r"|(?:预算)?执行率(?:为|达到?|是)?"
    r"|完成率(?:为|达到?|是)?)$"
)
_SHARE = re.compile(r"占(?:比)?(?:(?P<w>[^占，；：、。]{1,40}?)的)?(?:比例|比重)?(?:为|是|达到?|约)?$")
_HEAD_TRIGGER = re.compile(r"其中|具体包括|主要包括|包括|主要用于以下方面|以下方面|主要用于|决算中|分别是|主要是")
_WATERMARK = re.compile(r"^[^\d]*[\u4e00-\u9fff]{2}[^\d]*$")
_YOY_OPENER = re.compile(r"^(?:与|较|比|同)(?:上一?年度?|去年|20\d\d年度?)")
_SENT_END = re.compile(r"[。！？]+|$")
_ONLY_PUNCT = re.compile(r"[：，。；\s]*")
_KIND_TAIL = re.compile(r"(?:占|完成|比上年度?|较上年度?|与上年相比).*$")
_FOLLOWING = re.compile(r"[^，；：、。！？,（]{1,16}")
_INTEREST = re.compile(r"\d|持平|相同|一致|无差异|无变化|（[类款项]）|其中|包括|决算中|以下方面|：$")
_ANY_FIGURE = re.compile(r"\d|持平|相同|一致|无差异|无变化")
_PAREN = re.compile(r"（[^（）]*）")
_ENUM_END = re.compile(r"等(?:支出|费用|方面|项目|开支)?(?=[，；。、])")
_FLAT = re.compile(r"(?:基本)?(?:持平|相同|一致|无差异|无变化|没有变化|未发生变化)")
_YOY = re.compile(r"上年|上一年|去年|同期|20\d\d年度?相比|比20\d\d年|较20\d\d年|与20\d\d年")
_SEP = re.compile(r"[，；：、。！？,]")

_GENERIC = re.compile(
    r"^(?:(?:19|20)\d\d年(?:度|末|底|期末|初)?|截至|截止|\d{1,2}月\d{1,2}日|\d{1,2}月"
    r"|其中|包括|主要是|主要包括|具体包括|合计|共计|共|累计|总计为|为|是|达到|达|约|计|有|的|了|和|及|各|均|分别"
    r"|年初预算数|年初预算|全年预算数|全年预算|调整后预算数?|预算数|预算|支出决算数|支出决算|决算数|决算支出|决算"
    r"|全年执行数|执行数|预算执行率|执行率|完成率|实际完成|实际支出|实际|完成|本年度|本年|今年|当年|全年|年初|年末|期末|年度|本部门|本单位|我部门|我单位"
    r"|(?:与|较|比|同)(?:上一?年?度?|去年|同期)(?:决算|预算)?(?:相比)?|上一?年度?|同比"
    r"|比\d{4}年度?|较\d{4}年度?|与\d{4}年度?相比|相比"
    r"|支出|收入|金额|总额|资金|经费|数额|数|费用|占|占比|比例|比重"
    r"|增加|减少|增长|下降|降低|上升|提高|增|减|（[^）]{0,6}）)*$"
)
_LEADING_GENERIC = re.compile(
    r"^(?:(?:19|20)\d\d年(?:度|末|底|期末|初)?|截至|截止|\d{1,2}月\d{1,2}日|其中|包括|主要是|主要包括|共计|共|累计|合计"
    r"|主要原因[是为：]?|原因[是为：]?|由于|因为|因|为|是|的|和|及|本年度|本年|今年|当年|全年)+"
)
_TRAILING_GENERIC = re.compile(r"(?:为|是|共|共计|累计|合计|达到|达|约|计|的|了|增加|减少|增长|下降|降低)+$")

_BUDGET_MARK = re.compile(r"全年预算|调整后?预算|预算")
_FINAL_MARK = re.compile(r"决算|执行数|实际")


# --------------------------------------------------------------------------- paragraphs


@dataclass(slots=True)
class _Para:
    orig: str
    blocks: list[Block]
    starts: list[int]  # orig offset where each block's text begins
    norm: str = ""
    nstarts: list[int] = field(default_factory=list)
    ostarts: list[int] = field(default_factory=list)
    sentences: dict[tuple[int, int], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.norm, self.nstarts, self.ostarts = _normalise(self.orig)

    def o(self, n: int) -> int:
        """Orig offset of norm offset ``n``."""
        i = bisect_right(self.nstarts, n) - 1
        if i < 0:
            return 0
        return self.ostarts[i] + (n - self.nstarts[i])

    def prov(self, n: int) -> Provenance:
        b = self.blocks[max(0, bisect_right(self.starts, self.o(n)) - 1)]
        return b.prov


@dataclass(slots=True)
class _State:
    year: int
    section: str = "other"
    phead: tuple[str, ...] | None = None  # head persisting across paragraphs (…其中：)
    item: tuple[str, ...] | None = None  # the running subject, carried into unnumbered paragraphs
    topic: tuple[str, ...] | None = None  # the first subject of the current paragraph
    project: str | None = None
    out: list[Claim] = field(default_factory=list)


# --------------------------------------------------------------------------- public API


def extract_claims(doc: Document) -> list[Claim]:
    """Quantitative claims of the narrative of ``doc`` (its ``text`` blocks), in order."""
    return extract_claims_from_blocks(doc.text, year=doc.year)


def claims_from_text(text: str, year: int | None = None) -> list[Claim]:
    """Claims of a plain narrative text (one line per block, 1-based line numbers)."""
    blocks = [
        Block("text", [Cell(line, Provenance(line=i))], Provenance(line=i))
        for i, line in enumerate(text.splitlines(), 1)
        if line.strip()
    ]
    return extract_claims_from_blocks(blocks, year=year)


def extract_claims_from_blocks(blocks: Sequence[Block], year: int | None = None) -> list[Claim]:
    st = _State(year=year or 2024)
    lines = [(b, "".join(b.texts).strip() if b.kind == "row" else b.text.strip()) for b in blocks]
    counts = Counter(t for _, t in lines if t and len(t) <= 15)
    reading = True
    toc: set[str] | None = None  # part titles listed by the table of contents, while in it
    seen_toc = False
    para: list[tuple[Block, str]] = []
    marked = [False]  # the paragraph being gathered starts with a list marker
    prev_open = False  # previous content line did not end a sentence

    def flush() -> None:
        if para:
            _read_paragraph(para, st, marked[0])
            para.clear()

    for block, text in lines:
        t = text.lstrip(_LEAD_CHARS)
        if not t:
            continue
        short = len(t) <= 15
        if short and counts[text] >= 3 and _WATERMARK.match(text):
            continue  # watermark / running header
        if short and _PAGE_NO.match(t) and not (prev_open and t.isdigit()):
            continue  # a page number (a bare integer inside a sentence is kept)
        if ("..." in t or "…" in t or "··" in t or "．．" in t) and _TOC_LEADER.search(t):
            continue
        level = _level(t)
        if toc is not None:  # inside the 目录: entries name parts, they do not switch them
            tn = _WS.sub("", _fold(t))
            if level == 0 and tn in toc or (level == 9 and len(tn) > 30) or QUANTITY.search(tn):
                toc = None  # the body begins
                reading = True
            else:
                if level == 0:
                    toc.add(tn)
                continue
        if level == 9 and not short and not reading:
            continue
        tn = _WS.sub("", _fold(t)) if (level < 9 or short) else ""
        if tn == "目录" and not seen_toc:
            flush()
            toc, seen_toc = set(), True
            continue
        # ---- part headings and bare part titles switch reading on/off
        if level == 0 or (short and _BARE_TITLE.match(tn)):
            flush()
            prev_open = False
            st.phead, st.project, st.item = None, None, None
            title = PART.sub("", tn)
            if "名词解释" in title or title.startswith("附件") or (
                ("决算表" in title or "报表" in title) and "情况说明" not in title
            ):
                reading = False
            else:
                reading = True
                st.section = _section_of(title) or "other"
            continue
        if level in (1, 2) and "名词解释" in tn:
            flush()
            reading = False
            continue
        if not reading:
            if level in (1, 2) and ("情况说明" in tn or "其他重要事项" in tn):
                reading = True
            else:
                continue
        if level < 9 and (
            not QUANTITY.search(tn)
            and not _FUNC_MARK.search(tn)
            and len(tn) <= (50 if level <= 2 or level == 5 else 30)
        ):  # a heading
            flush()
            prev_open = False
            st.phead, st.item = None, None
            if level == 5:
                m = _PROJECT.match(t)
                name = _WS.sub("", m.group("name")) if m else tn
                st.project = "项目:" + name.rstrip("。.；;")
                continue
            sec = _section_of(tn)
            if level <= 1:
                st.section = sec or "other"
                st.project = None
            elif level == 2:
                st.project = None
                if sec:
                    st.section = sec
            elif sec:
                st.section = sec
            continue
        if level < 9 or not prev_open:
            flush()
            marked[0] = level < 9
            if level <= 2:
                st.phead = None
        para.append((block, text))
        last = t.rstrip(_CLOSERS)
        prev_open = not (last and last[-1] in _TERMINAL)
    flush()
    return st.out


# --------------------------------------------------------------------------- reading


def _read_paragraph(lines: list[tuple[Block, str]], st: _State, marked: bool) -> None:
    starts: list[int] = []
    parts: list[str] = []
    pos = 0
    for _, text in lines:
        starts.append(pos)
        parts.append(text)
        pos += len(text)
    p = _Para("".join(parts), [b for b, _ in lines], starts)
    s = p.norm
    if not s:
        return
    if not _ANY_FIGURE.search(s) and not s.endswith("："):
        return  # prose without figures (职责, 原因 …) says nothing we read
    parent = st.phead or ((st.project,) if st.project else None)
    cur: tuple[str, ...] | None
    if marked or not st.item:
        cur = parent
    elif parent and _YOY_OPENER.match(s):
        cur = parent  # 与上年相比，… after a list speaks of the list's head
    else:
        cur = st.item  # a paragraph continuing an item (PDF lines ending in 。/：)
    head: tuple[str, ...] | None = parent
    st.topic = None
    begin = 0
    n = len(s)
    for m in _SENT_END.finditer(s):
        end = m.end()
        if end <= begin:
            continue
        last = end >= n
        cur, head = _read_sentence(p, begin, end, st, cur, head, last)
        begin = end
        if last:
            break
    st.item = _unscore(cur)


def _read_sentence(
    p: _Para,
    base: int,
    end: int,
    st: _State,
    cur: tuple[str, ...] | None,
    head: tuple[str, ...] | None,
    last_sentence: bool,
) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    s = p.norm[base:end]
    if not _INTEREST.search(s):
        return cur, head  # no figure, no 持平, no subject-setting phrase
    sec = st.section
    year = st.year
    mentions = S.find_mentions(s, sec, year)
    spans = [(m.start, m.end) for m in mentions]
    span_starts = [x for x, _ in spans]
    span_ends = [y for _, y in spans]

    # clause boundaries (a comma between digits is a thousands separator; 收、支总计 is one name)
    inner: set[int] = set()
    for x, y in spans:
        if s.find("、", x, y) >= 0:
            inner.update(m.start() for m in _SEP.finditer(s, x, y))
    seps = [
        m.start()
        for m in _SEP.finditer(s)
        if m.start() not in inner
        and not (
            m.group() == ","
            and 0 < m.start() < len(s) - 1
            and s[m.start() - 1].isdigit()
            and s[m.start() + 1].isdigit()
        )
    ]

    def clause_of(pos: int) -> int:
        return bisect_right(seps, pos - 1)  # index of the clause containing pos

    def clause_start(pos: int) -> int:
        i = clause_of(pos)
        return seps[i - 1] + 1 if i > 0 else 0

    # numbers
    nums = []
    for m in _NUM.finditer(s):
        a, b = m.span()
        if spans:
            i = bisect_right(span_starts, a) - 1
            if i >= 0 and a < span_ends[i]:
                continue
        if a > 0 and s[a - 1] == "第":
            continue
        if b < len(s) and s[b] in _NOT_A_QUANTITY_AFTER:
            continue
        u = _UNIT.match(s, b)
        unit = u.group() if u else ""
        ub = u.end() if u else b
        if unit == "分" and sec != "performance" and "得分" not in s[max(0, a - 8) : a]:
            unit, ub = "", b
        if unit and _THRESHOLD.match(s, ub) and unit in _MONEY:
            continue
        nums.append((a, b, unit, ub))

    # which clauses hold a figure (a mention in a figure-less clause after 其中/包括 is a list item)
    figure_clauses = {clause_of(a) for a, *_ in nums}
    flats = [m for m in _FLAT.finditer(s)]
    figure_clauses |= {clause_of(m.start()) for m in flats}

    # a parenthesis without a figure is an aside: its names are not the subject
    quiet = (
        [
            pm.span()
            for pm in _PAREN.finditer(s)
            if not any(pm.start() < a < pm.end() for a, *_ in nums)
        ]
        if "（" in s
        else []
    )

    events: list[tuple[int, int, object]] = []
    for mt in mentions:
        if quiet and any(x <= mt.start and mt.end <= y for x, y in quiet):
            continue
        events.append((mt.start, 1, mt))
    for m in _ENUM_END.finditer(s):
        events.append((m.start(), 0, m))
    for m in _HEAD_TRIGGER.finditer(s):
        events.append((m.start(), 0, m))
    for nm in nums:
        events.append((nm[0], 2, nm))
    for fm in flats:
        if quiet and any(x <= fm.start() < y for x, y in quiet):
            continue
        events.append((fm.start(), 3, fm))
    events.sort(key=lambda e: (e[0], e[1]))

    scope: str | None = None
    trigger_seen = False
    mention_clause = -1  # clause index of the latest mention
    mention_end = 0
    for pos, kind, obj in events:
        if kind == 1:  # mention
            mt = obj  # type: ignore[assignment]
            cs = clause_start(mt.start)
            if "占" in s[cs : mt.start]:
                continue  # the whole of a share
            ci = clause_of(mt.start)
            if ci not in figure_clauses:
                if trigger_seen:
                    continue  # an item of an enumeration (主要包括：A、B、C)
                if not _GENERIC.match(_LIST_MARK.sub("", s[cs : mt.start])):
                    continue  # a name inside a description (用于…的项目支出)
            subs = _resolve(mt.entry, st, head, scope)
            if mt.entry.scope:
                scope = mt.entry.scope
            cur = subs
            if st.topic is None:
                st.topic = subs
            mention_clause = ci
            mention_end = mt.end
        elif kind == 0:  # 其中 / 包括 … or the 等 that ends an enumeration
            m = obj  # type: ignore[assignment]
            if m.group().startswith("等"):
                if trigger_seen and head:
                    cur = head
                continue
            trigger_seen = True
            if cur:
                head = cur
                rest = s[m.end() :]
                if last_sentence and _ONLY_PUNCT.fullmatch(rest):
                    # "…。其中：" heads the list with the paragraph's topic
                    st.phead = st.topic if (m.start() == 0 and st.topic) else head
        elif kind == 2:  # a number
            a, b, unit, ub = obj  # type: ignore[misc]
            cs = clause_start(a)
            in_clause = clause_of(a) == mention_clause
            pre = s[cs:a]
            gap = s[max(cs, mention_end) if in_clause else cs : a]
            _emit_number(p, base, s, a, b, unit, ub, pre, gap, in_clause, cur, head, st)
        else:  # 持平 / 一致
            m = obj  # type: ignore[assignment]
            if not cur:
                continue
            ce = seps[clause_of(m.start())] if clause_of(m.start()) < len(seps) else len(s)
            clause = s[clause_start(m.start()) : ce + 1]
            if "预算" in clause:
                suffix = "@vs_budget"
            elif _YOY.search(s[: m.end()]) or _YOY.search(clause):
                suffix = ""
            else:
                continue
            for subj in cur:
                if subj.startswith("raw:"):
                    continue
                _add_claim(
                    st, p, base, s, m.start(), m.end(), subj + suffix, "change_amount",
                    Decimal(0), m.group(), "万元", direction="flat",
                )
    return cur, head


def _resolve(
    entry: S.Entry, st: _State, head: tuple[str, ...] | None, scope: str | None
) -> tuple[str, ...]:
    if entry.cls == "project":
        return (st.project,) if st.project else entry.subjects
    if entry.cls == "score":
        return (st.project + "/得分",) if st.project else entry.subjects
    if entry.cls == "econ":
        h = head[0] if head else None
        if h and h.startswith("三公.") and entry.subjects[0] in _SANGONG_OF_ECON:
            return (_SANGONG_OF_ECON[entry.subjects[0]],)
        if h is None or h in S.GPB_BASIC_FAMILY or S.is_economic(h):
            return entry.subjects
        prefix = h.split("/")[0]
        if prefix in S.GPB_BASIC_FAMILY:
            return entry.subjects
        return tuple(f"{prefix}/{x}" for x in entry.subjects)
    if scope is None and head:
        scope = _scope_of(head[0])
    if scope:
        return tuple(f"{scope}.{x}" if x in S.SCOPABLE else x for x in entry.subjects)
    return entry.subjects


_SANGONG_OF_ECON = {
    "公务接待费": "三公.公务接待费",
    "公务用车运行维护费": "三公.公务用车运行维护费",
    "因公出国（境）费用": "三公.因公出国（境）费",
    "公务用车购置": "三公.公务用车购置费",
}


def _scope_of(subject: str) -> str | None:
    if subject.endswith("收入"):
        return None
    for sc in ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款", "财政拨款"):
        if subject.startswith(sc):
            return sc
    return None


def _emit_number(
    p: _Para,
    base: int,
    s: str,
    a: int,
    b: int,
    unit: str,
    ub: int,
    pre: str,
    gap: str,
    in_clause: bool,
    cur: tuple[str, ...] | None,
    head: tuple[str, ...] | None,
    st: _State,
) -> None:
    raw_num = s[a:b]
    try:
        value = Decimal(raw_num.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex only takes digits
        return
    direction = None
    whole = None
    sm = None
    if unit in ("%", "个百分点"):
        if unit == "%" and _COMPLETION.search(pre[-20:]):
            kind = "completion_pct"
        elif unit == "%" and (sm := _SHARE.search(pre[-60:])):
            kind = "share"
            w = sm.group("w")
            if w:
                whole = w  # resolved below, once the subject is known
            elif head:
                whole = head[0]
        elif cm := _CHANGE.search(pre[-16:]):
            kind = "change_pct"
            direction = "increase" if cm.group("v") in _INCREASE else "decrease"
        else:
            kind = "other_pct"
        unit_out = "%" if unit == "%" else unit
    elif unit in _MONEY:
        unit_out = _MONEY[unit]
        if cm := _CHANGE.search(pre[-16:]):
            kind = "change_amount"
            direction = "increase" if cm.group("v") in _INCREASE else "decrease"
        else:
            kind = "amount"
    elif unit in _COUNT_UNITS:
        kind = "count"
        unit_out = "台(套)" if unit in ("台（套）", "台套") else unit
    else:  # a bare number: only after 增长/下降 (a percentage whose % was left out)
        cm = _CHANGE.search(pre[-16:])
        if not cm:
            return
        kind = "change_pct"
        direction = "increase" if cm.group("v") in _INCREASE else "decrease"
        unit_out = ""

    subjects: tuple[str, ...] | None
    if kind != "count":
        cur = _unscore(cur)
    if kind == "count":
        subjects = _count_subject(s, a, ub, unit_out, pre, in_clause, cur, st)
    elif in_clause and cur:
        subjects = cur
    else:
        subjects = _carry_or_raw(s, a, ub, pre, cur)

    if kind == "share" and whole is not None and whole == (sm.group("w") if sm else None):
        sec = "procurement" if subjects and subjects[0].startswith("政府采购") else st.section
        whole = S.resolve_whole(whole, sec, st.year)
    qualifier = ""
    if kind == "amount" and not (subjects and subjects[0].startswith("raw:")):
        bm = list(_BUDGET_MARK.finditer(gap))
        if bm:
            fm = list(_FINAL_MARK.finditer(gap))
            last_b = bm[-1]
            if not fm or fm[-1].start() < last_b.start():
                qualifier = "@budget_full" if last_b.group() != "预算" else "@budget"
    if kind == "share" and whole is not None and subjects and whole == subjects[0]:
        whole = None
    for subj in subjects or ("raw:",):
        q = qualifier if not subj.startswith("raw:") else ""
        _add_claim(
            st, p, base, s, a, b, subj + q, kind, value, raw_num, unit_out,
            direction=direction, whole=whole,
        )


def _unscore(cur: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """A score (自评得分) is said once; what follows speaks of the project again."""
    if cur and cur[0].endswith("/得分"):
        return (cur[0][: -len("/得分")],)
    if cur and cur[0] == "绩效.得分":
        return None
    return cur


def _carry_or_raw(
    s: str, a: int, ub: int, pre: str, cur: tuple[str, ...] | None
) -> tuple[str, ...]:
    if _GENERIC.match(pre):
        if cur:
            return cur
        return ("raw:" + (_following(s, ub) or pre),)
    words = _TRAILING_GENERIC.sub("", _LEADING_GENERIC.sub("", pre))
    # a kind word (占 / 完成…的 / 比上年增加) left at the end is not a name
    words = _KIND_TAIL.sub("", words)
    if not words or _GENERIC.match(words):
        if cur:
            return cur
        return ("raw:" + (_following(s, ub) or pre),)
    return ("raw:" + words,)


def _following(s: str, ub: int) -> str:
    m = _FOLLOWING.match(s, ub)
    return m.group() if m else ""


_SG_ITEM = re.compile(r"出国|接待")


def _count_subject(
    s: str,
    a: int,
    ub: int,
    unit: str,
    pre: str,
    in_clause: bool,
    cur: tuple[str, ...] | None,
    st: _State,
) -> tuple[str, ...]:
    sec = st.section
    c = cur[0] if cur else ""
    sent_pre = s[:a]
    if unit == "分":
        if in_clause and cur:
            return cur
        return ((st.project + "/得分") if st.project else "绩效.得分",)
    if sec == "three_public" or c.startswith("三公.") or "公务用车" in pre:
        got = _sangong_count(unit, pre, sent_pre, c)
        if got:
            return (got,)
    if sec == "performance" and unit == "个" and "项目" in pre:
        return ("绩效.自评项目数",)
    if in_clause and cur and not c.startswith("raw:"):
        return cur
    words = _TRAILING_GENERIC.sub("", _LEADING_GENERIC.sub("", pre))
    if words and not _GENERIC.match(words):
        return ("raw:" + words,)
    follow = _following(s, ub)
    if follow:
        return ("raw:" + follow,)
    if cur and not (sec == "assets" and unit in ("辆", "台", "台(套)", "套")):
        return cur
    return ("raw:" + pre,)


def _sangong_count(unit: str, pre: str, sent_pre: str, c: str) -> str | None:
    if unit in ("辆", "台", "台(套)", "套"):
        for text in (pre, sent_pre):
            if "保有" in text:
                return "三公.保有量"
            if "购置" in text or "购买" in text:
                return "三公.购置车辆数"
        return None
    if "出国" in pre:
        item = "出国"
    elif "接待" in pre or "来访" in pre or "来宾" in pre:
        item = "接待"
    elif "出国" in c:
        item = "出国"
    elif "接待" in c:
        item = "接待"
    else:
        found = _SG_ITEM.findall(sent_pre)
        item = found[-1] if found else ""
    if item == "出国":
        if unit in ("个", "团组", "批次"):
            return "三公.团组"
        if unit in ("人次", "人", "名"):
            return "三公.人次"
        return None
    if item != "接待":
        return None
    suffix = ""
    if c.endswith(".国内"):
        suffix = ".国内"
    elif c.endswith(".外事"):
        suffix = ".外事"
    else:
        dom = sent_pre.rfind("国内")
        foreign = max(sent_pre.rfind(x) for x in ("外事", "外宾", "国（境）外", "境外"))
        if dom > foreign:
            suffix = ".国内"
        elif foreign > dom:
            suffix = ".外事"
    if unit in ("个", "团组", "批次", "次"):
        return "三公.接待批次" + suffix
    if unit in ("人次", "人", "名"):
        return "三公.接待人次" + suffix
    return None


def _add_claim(
    st: _State,
    p: _Para,
    base: int,
    s: str,
    a: int,
    b: int,
    subject: str,
    kind: str,
    value: Decimal,
    raw: str,
    unit: str,
    *,
    direction: str | None = None,
    whole: str | None = None,
) -> None:
    na, nb = base + a, base + b
    oa = p.o(na)
    ob = p.o(nb - 1) + 1
    raw_printed = p.orig[oa:ob] if ob > oa else raw
    # the sentence as printed
    key = (base, len(s))
    text = p.sentences.get(key)
    if text is None:
        sent_a = p.o(base)
        end = base + len(s)
        sent_b = p.o(end - 1) + 1 if end > base else sent_a
        text = p.sentences[key] = p.orig[sent_a:sent_b].strip()
    st.out.append(
        Claim(
            subject=subject,
            kind=kind,  # type: ignore[arg-type]
            value=value,
            raw=raw_printed,
            unit=unit,
            text=text,
            prov=p.prov(na),
            direction=direction,
            whole=whole,
        )
    )

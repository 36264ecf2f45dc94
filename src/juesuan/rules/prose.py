"""Family NP: completeness of the prose — what the 情况说明 must say, and that it explains itself.

* JS-NP-001: the required parts are there — 部门职责, 机构设置/决算单位构成, 收入支出决算总体情况,
  收入, 支出, 财政拨款收入支出总体情况, 一般公共预算财政拨款支出 (总体, 结构, 具体), 基本支出,
  “三公”经费, 机关运行经费, 政府采购, 国有资产占用, 预算绩效, 名词解释;
* JS-NP-002: the 三公 explanation gives 出国团组/人次, 购置车辆数/保有量, 接待批次/人次;
* JS-NP-003: the 政府采购 explanation gives the amount awarded to 中小企业 and its share;
* JS-NP-004 (warning): every change on last year and every budget deviation of 10 % or more is
  followed by its reason (主要原因 …), not left bare or answered with a placeholder (无, XXX);
* JS-NP-005 (warning): the table of contents and the body agree (a part or section the contents
  list is in the body, a part of the body is in the contents).

Regions word these differently (one document has separate 收入/支出 sections, another puts them
under 收入支出决算总体情况 as (一) 收入总计 … (二) 支出总计 …); a part counts as present when a
heading names it *or* the narrative states its figures (the claims of :mod:`juesuan.extract.claims`).
A part without a table in the document (narrative-only documents) is judged the same way.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Callable, Iterator

from ..model import CellRef, Claim, Provenance
from ..refdata import families
from .engine import Context, Issue, Rule, ex
from .link import Heading, Outline, outline_of

__all__ = ["RULES", "LAW_143", "place", "text_after", "topics_found"]

LAW_143 = (
    "《地方预决算公开操作规程》（财预〔2016〕143号）：部门决算应公开部门职责、机构设置、收支增减变化、"
    "机关运行经费、政府采购（含授予中小企业合同金额及占比）、国有资产占用、绩效评价结果等情况，并对专业性"
    "较强的名词进行解释；“三公”经费应说明增减变化原因及因公出国（境）团组和人次、公务用车购置数和保有量、"
    "国内公务接待批次和人次等。"
)

# --------------------------------------------------------------------------- what is there


class _Prose:
    """The document's outline and claims, indexed for the prose rules."""

    def __init__(self, ctx: Context) -> None:
        doc = ctx.doc
        self.doc = doc
        self.outline: Outline = outline_of(ctx)
        self.headings = [h for h in self.outline.headings if h.part != "tables"]
        from .narrative import analysis

        self.sections: list[str] = analysis(ctx).linking.sections
        self.subjects: dict[str, list[int]] = {}
        for i, c in enumerate(doc.claims):
            self.subjects.setdefault(c.subject, []).append(i)
        self.heading_sections = {h.section for h in self.headings if h.section and h.part != "glossary"}
        self.narrative = any(h.part == "narrative" for h in self.outline.headings) or bool(doc.claims)

    def has_heading(self, *words: str, section: str | None = None) -> bool:
        for h in self.headings:
            if section is not None and h.section != section:
                continue
            if all(w in h.title for w in words):
                return True
        return False

    def claims_of(self, subject: str, kind: str | None = None) -> list[Claim]:
        return [
            self.doc.claims[i]
            for i in self.subjects.get(subject, ())
            if kind is None or self.doc.claims[i].kind == kind
        ]

    def any_claim(self, pred: Callable[[Claim, str], bool]) -> bool:
        return any(pred(c, s) for c, s in zip(self.doc.claims, self.sections))


def _prose(ctx: Context) -> _Prose:
    got = ctx.__dict__.get("_prose")
    if got is None:
        got = ctx.__dict__["_prose"] = _Prose(ctx)
    return got


def _amount(p: _Prose, *subjects: str) -> bool:
    return any(p.claims_of(s, "amount") for s in subjects)


_GPB_SECTIONS = {"gpb", "gpb_basic"}

# (key, name, test)
_TOPICS: tuple[tuple[str, str, Callable[[_Prose], bool]], ...] = (
    ("duties", "部门职责", lambda p: "duties" in p.heading_sections),
    ("organisation", "机构设置（决算单位构成）", lambda p: "organisation" in p.heading_sections),
    (
        "summary",
        "收入支出决算总体情况",
        lambda p: "summary" in p.heading_sections or _amount(p, "收入总计", "支出总计", "本年收入合计", "本年支出合计"),
    ),
    (
        "income",
        "收入决算情况",
        lambda p: "income" in p.heading_sections
        or _amount(p, "本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "其他收入"),
    ),
    (
        "expenditure",
        "支出决算情况",
        lambda p: "expenditure" in p.heading_sections or _amount(p, "本年支出合计", "基本支出", "项目支出"),
    ),
    (
        "fiscal",
        "财政拨款收入支出决算总体情况",
        lambda p: "fiscal" in p.heading_sections
        or _amount(p, "财政拨款支出", "财政拨款.收入总计", "财政拨款.支出总计"),
    ),
    ("gpb_total", "一般公共预算财政拨款支出总体情况", lambda p: _amount(p, "一般公共预算财政拨款支出")),
    (
        "gpb_structure",
        "一般公共预算财政拨款支出结构情况（按功能分类）",
        lambda p: p.has_heading("结构", section="gpb")
        or p.any_claim(lambda c, s: s in _GPB_SECTIONS and c.subject.startswith("func:") and c.kind in ("amount", "share")),
    ),
    (
        "gpb_detail",
        "一般公共预算财政拨款支出具体情况（决算数与预算数对比）",
        lambda p: p.has_heading("具体", section="gpb")
        or p.any_claim(
            lambda c, s: s in _GPB_SECTIONS
            and c.subject.startswith("func:")
            and (c.kind == "completion_pct" or "@budget" in c.subject or len(c.subject.partition("@")[0]) == 12)
        ),
    ),
    (
        "basic",
        "一般公共预算财政拨款基本支出情况（人员经费、公用经费）",
        lambda p: "gpb_basic" in p.heading_sections or (_amount(p, "人员经费") and _amount(p, "公用经费")),
    ),
    (
        "three_public",
        "财政拨款“三公”经费支出情况",
        lambda p: "three_public" in p.heading_sections or any(s.startswith("三公.") for s in p.subjects),
    ),
    ("running_cost", "机关运行经费支出情况", lambda p: "running_cost" in p.heading_sections or _amount(p, "机关运行经费")),
    (
        "procurement",
        "政府采购支出情况",
        lambda p: "procurement" in p.heading_sections or any(s.startswith("政府采购.") for s in p.subjects),
    ),
    (
        "assets",
        "国有资产占用情况",
        lambda p: "assets" in p.heading_sections or any(s.startswith(("车辆.", "设备.")) for s in p.subjects),
    ),
    (
        "performance",
        "预算绩效情况",
        lambda p: "performance" in p.heading_sections or any(s.startswith(("绩效.", "项目:")) for s in p.subjects),
    ),
    ("glossary", "名词解释", lambda p: any(h.part == "glossary" or "名词解释" in h.title for h in p.outline.headings)),
)


def topics_found(ctx: Context) -> dict[str, bool]:
    """Which required parts the narrative has (key → found)."""
    p = _prose(ctx)
    return {key: test(p) for key, _, test in _TOPICS}


def _family_topics(family_id: str | None) -> tuple[str, ...]:
    """The parts the document's template family requires (empty: all of ``_TOPICS``)."""
    if not family_id:
        return ()
    try:
        return families.get_family(family_id).narrative_topics
    except KeyError:
        return ()


def _narrative_ref(title: str) -> CellRef:
    return CellRef("narrative", title, "missing", "", label=title)


def _missing_topics(ctx: Context) -> Iterator[Issue]:
    p = _prose(ctx)
    if not p.narrative:
        return  # no narrative read at all (a tables-only file): nothing to judge
    wanted = _family_topics(ctx.doc.family)
    for key, name, test in _TOPICS:
        if (not wanted or key in wanted) and not test(p):
            yield Issue({"item": name}, ["narrative"], [_narrative_ref(name)], row=key)


# --------------------------------------------------------------------------- 三公 and 政府采购 details

# (what, subjects that give it, the amounts whose being zero excuses its absence)
_SANGONG_COUNTS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("因公出国（境）团组数", ("三公.团组",), ("三公.因公出国（境）费",)),
    ("因公出国（境）人次", ("三公.人次",), ("三公.因公出国（境）费",)),
    ("公务用车购置数", ("三公.购置车辆数",), ("三公.公务用车购置费", "三公.公务用车购置及运行维护费")),
    ("公务用车保有量", ("三公.保有量",), ("三公.公务用车运行维护费", "三公.公务用车购置及运行维护费")),
    ("公务接待批次", ("三公.接待批次", "三公.接待批次.国内", "三公.接待批次.外事"), ("三公.公务接待费",)),
    ("公务接待人次", ("三公.接待人次", "三公.接待人次.国内", "三公.接待人次.外事"), ("三公.公务接待费",)),
)
_NO_SANGONG = re.compile(r"(?:无|没有|未发生)[^，。；]{0,12}“?三公”?经费[^，。；]{0,10}(?:支出|开支)")


def _zero_amount(p: _Prose, subject: str) -> bool:
    got = p.claims_of(subject, "amount")
    return bool(got) and all(c.value == 0 for c in got)


def _section_text(p: _Prose, section: str) -> str:
    """The text of the blocks in ``section`` (runs of the outline's marks)."""
    ol = p.outline
    bounds = [*ol.marks[1:], len(ol.blocks)]
    out = []
    for start, end, st in zip(ol.marks, bounds, ol.states):
        if st[1] == section:
            out.extend(b.cells[0].text for b in ol.blocks[start:end] if b.cells)
    return "".join(out)


def _sangong_details(ctx: Context) -> Iterator[Issue]:
    if ctx.doc.template:  # a draft: the counts are placeholders, reported once (JS-KD-002)
        return
    p = _prose(ctx)
    if not any(s.startswith("三公.") for s in p.subjects) and "three_public" not in p.heading_sections:
        return
    if _NO_SANGONG.search(_section_text(p, "three_public").replace(" ", "")) and not any(
        c.value != 0 for s in p.subjects if s.startswith("三公.") for c in p.claims_of(s, "amount")
    ):
        return  # 本年度无“三公”经费支出: nothing to count
    missing = [
        what
        for what, subjects, excuses in _SANGONG_COUNTS
        if not any(s in p.subjects for s in subjects) and not any(_zero_amount(p, x) for x in excuses)
    ]
    if missing:
        yield Issue(
            {"missing": "、".join(missing)}, ["narrative", "three_public"], [_narrative_ref("“三公”经费")],
            row="three_public",
        )


_SME = re.compile(r"中小企业|小微企业")


def _procurement_sme(ctx: Context) -> tuple[bool, bool, bool]:
    """(procurement stated, an amount awarded to SMEs stated, its share stated)."""
    p = _prose(ctx)
    stated = any(s.startswith("政府采购.") for s in p.subjects) or "procurement" in p.heading_sections
    amount = share = False
    for c, sec in zip(p.doc.claims, p.sections):
        sme = c.subject.startswith("政府采购.中小企业") or c.subject.startswith("政府采购.小微企业") or (
            sec == "procurement" and c.subject.startswith("raw:") and bool(_SME.search(c.text))
        )
        if not sme:
            continue
        if c.kind == "amount":
            amount = True
        elif c.kind in ("share", "other_pct"):
            share = True
    return stated, amount, share


def _procurement_none(p: _Prose) -> bool:
    totals = p.claims_of("政府采购.总额", "amount")
    return bool(totals) and all(c.value == 0 for c in totals)


def _procurement_amount(ctx: Context) -> Iterator[Issue]:
    if ctx.doc.template:  # a draft: the amount is a placeholder, reported once (JS-KD-002)
        return
    stated, amount, _ = _procurement_sme(ctx)
    if stated and not amount and not _procurement_none(_prose(ctx)):
        yield Issue({"missing": "授予中小企业合同金额"}, ["narrative"], [_narrative_ref("政府采购")], row="procurement")


def _procurement_share(ctx: Context) -> Iterator[Issue]:
    stated, amount, share = _procurement_sme(ctx)
    if stated and amount and not share and not _procurement_none(_prose(ctx)):
        yield Issue(
            {"missing": "授予中小企业合同金额占政府采购支出总额的比例"}, ["narrative"],
            [_narrative_ref("政府采购")], row="procurement",
        )


# --------------------------------------------------------------------------- reasons

_REASON = re.compile(r"原因|由于|因为|主要是|主要系|系因|受[^，。；]{0,16}影响|导致|(?<![原公])因(?![公此而])")
_PLACEHOLDER = re.compile(
    r"(?:主要)?原因(?:是|为|如下)?[：:]?\s*(?:无|暂无|XXX+|xxx+|＊+|\*+|…+|\.{3,}|略|（\s*）|\(\s*\))?\s*(?:[。；;，,]|$)"
)
_LIST_FOLLOWS = re.compile(r"(?:其中|具体如下|如下|具体情况如下|分别是)[：:]?\s*$")
_LIST_STARTS = re.compile(r"\s*(?:其中|具体如下|具体情况如下|分别是|明细如下)")
_SENT_END = re.compile(r"[。！？]")
_DEVIATION = 10  # percentage points from 100 % that call for an explanation


def _windows(p: _Prose) -> Callable[[Claim], str]:
    """The text after a claim's sentence: up to two further sentences of the same region."""
    ol = p.outline
    blocks = ol.blocks
    cache: dict[int, str] = {}

    def after(c: Claim) -> str:
        i = ol.index_of(c.prov)
        if i is None:
            return ""
        key = id(c.text) ^ i
        if key in cache:
            return cache[key]
        region = ol.state(i)[2]
        parts: list[str] = []
        n = 0
        for j in range(i, min(len(blocks), i + 8)):
            if ol.state(j)[2] != region:
                break
            parts.append("".join(cell.text for cell in blocks[j].cells))
            n += len(parts[-1])
            if n > 600:
                break
        text = "".join(parts)
        pos = text.find(c.text)
        if pos < 0:
            head = c.text[-12:]
            pos = text.find(head)
            end = pos + len(head) if pos >= 0 else -1
        else:
            end = pos + len(c.text)
        if end < 0:
            out = ""
        else:
            rest = text[end:]
            cut = 0
            for _ in range(2):
                m = _SENT_END.search(rest, cut)
                if not m:
                    cut = len(rest)
                    break
                cut = m.end()
            out = rest[:cut]
        cache[key] = out
        return out

    return after


def _reason_of(sentence_rest: str, after: str) -> tuple[bool, bool]:
    """(a reason is given, the reason is a placeholder)."""
    text = sentence_rest + after
    m = _REASON.search(text)
    if not m:
        return False, False
    ph = _PLACEHOLDER.search(text, max(0, m.start() - 2))
    placeholder = bool(ph) and ph.start() <= m.end() + 2
    return True, placeholder


def _rest_of_sentence(c: Claim) -> str:
    pos = c.text.find(c.raw)
    return c.text[pos + len(c.raw) :] if pos >= 0 else c.text


def _unexplained(ctx: Context) -> Iterator[Issue]:
    p = _prose(ctx)
    claims = p.doc.claims
    after = _windows(p)
    done: set[tuple[str, str]] = set()
    for i, c in enumerate(claims):
        if p.sections[i] in ("performance", "overview", "duties", "organisation", "glossary"):
            continue
        subject = c.subject
        if subject.startswith(("raw:", "项目:", "绩效.")):
            continue
        if c.kind in ("change_amount", "change_pct"):
            if c.direction not in ("increase", "decrease") or c.value == 0 or "@" in subject:
                continue
            what = "与上年相比的增减变化"
        elif c.kind == "completion_pct" and c.unit == "%":
            if abs(c.value - 100) < _DEVIATION:
                continue
            if c.value == 0 and all(d.value == 0 for d in claims if d.text == c.text and d.kind == "amount"):
                continue  # nothing budgeted, nothing spent
            what = "决算数与预算数的差异"
        else:
            continue
        key = (c.text, what)
        if key in done:
            continue
        rest = _rest_of_sentence(c)
        following = after(c)
        if _LIST_FOLLOWS.search(c.text) or _LIST_STARTS.match(following):
            done.add(key)
            continue  # the items listed next carry the explanation
        given, placeholder = _reason_of(rest, following)
        if given and not placeholder:
            continue
        done.add(key)
        problem = "原因只以占位文字作答" if placeholder else "未说明原因"
        yield Issue(
            {"where": _where(c), "subject": _name(subject), "what": what, "figure": c.raw + ("%" if c.unit == "%" else c.unit),
             "problem": problem},
            ["narrative"],
            [CellRef("narrative", subject, c.kind, c.raw, c.prov.page, c.prov.line, _name(subject))],
            row=subject,
            sentence={"text": c.text, "line": c.prov.line, "page": c.prov.page, "number": c.raw},
        )


def place(prov: Provenance) -> str:
    """Where a sentence is printed, for a message: 情况说明第N行 (text) or 第N页 (PDF)."""
    if prov.line is not None:
        return f"情况说明第{prov.line}行"
    if prov.page is not None:
        return f"情况说明第{prov.page}页"
    return "情况说明"


def _where(c: Claim) -> str:
    return place(c.prov)


def text_after(ctx: Context) -> Callable[[Claim], str]:
    """The text after a claim's sentence: up to two further sentences of its region."""
    return _windows(_prose(ctx))


def _name(subject: str) -> str:
    from .narrative import subject_name

    return subject_name(subject)


# --------------------------------------------------------------------------- table of contents


def _similar(a: str, b: str) -> bool:
    if not a or not b:
        return False
    if a == b or a in b or b in a:
        return True
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.6


def _matches(entry: Heading, body: Heading) -> bool:
    if entry.level != body.level:
        return False
    if entry.marker and body.marker and entry.marker != body.marker:
        return False
    if entry.level == 0 and entry.part == body.part and entry.part != "narrative":
        return True
    if entry.section and entry.section == body.section and entry.level > 0:
        return True
    return _similar(entry.title, body.title)


def _toc(ctx: Context) -> Iterator[Issue]:
    p = _prose(ctx)
    ol = p.outline
    entries = [h for h in ol.toc if h.level <= 1 and h.part != "tables"]
    parts_listed = [h for h in ol.toc if h.level == 0]
    if len(parts_listed) < 2:
        return  # no usable table of contents
    body = [h for h in ol.headings if h.level <= 1]
    for e in entries:
        if e.level == 1 and e.part == "tables":
            continue
        if not any(_matches(e, b) for b in body):
            yield Issue(
                {"problem": f"目录列示「{e.marker}{e.title}」，正文中未找到对应的部分或章节"},
                ["narrative"],
                [CellRef("narrative", e.marker + e.title, "entry", e.marker + e.title, e.prov.page, e.prov.line, "目录")],
                row=e.title,
            )
    for b in body:
        if b.level != 0 or not b.marker:
            continue
        if not any(_matches(e, b) for e in parts_listed):
            yield Issue(
                {"problem": f"正文「{b.marker}{b.title}」未列入目录"},
                ["narrative"],
                [CellRef("narrative", b.marker + b.title, "part", b.marker + b.title, b.prov.page, b.prov.line, "正文")],
                row=b.title,
            )


# --------------------------------------------------------------------------- catalog entries

_FULL = (
    "第一部分 概况",
    "一、部门职责",
    "负责全区人力资源和社会保障工作。",
    "二、机构设置",
    "本部门下属单位 2 个。",
    "第二部分 部门决算情况说明",
    "一、收入支出决算总体情况说明",
    "2024 年度收入总计 100.00 万元，支出总计 100.00 万元。",
    "二、收入决算情况说明",
    "2024 年度收入合计 100.00 万元，其中：财政拨款收入 100.00 万元，占 100.00%。",
    "三、支出决算情况说明",
    "2024 年度支出合计 100.00 万元，其中：基本支出 60.00 万元，占 60.00%；项目支出 40.00 万元，占 40.00%。",
    "四、财政拨款收入支出决算总体情况说明",
    "2024 年度财政拨款收、支总计均为 100.00 万元。",
    "五、一般公共预算财政拨款支出决算情况说明",
    "（一）总体情况",
    "2024 年度一般公共预算财政拨款支出 100.00 万元。",
    "（二）结构情况",
    "社会保障和就业（类）支出 100.00 万元，占 100.00%。",
    "（三）具体情况",
    "社会保障和就业支出（类）人力资源和社会保障管理事务（款）行政运行（项）。年初预算为 100.00 万元，支出决算为 100.00 万元，完成年初预算的 100.00%。",
    "六、一般公共预算财政拨款基本支出决算情况说明",
    "2024 年度一般公共预算财政拨款基本支出 60.00 万元。其中：人员经费 50.00 万元；公用经费 10.00 万元。",
    "七、财政拨款“三公”经费支出决算情况说明",
    "因公出国（境）费 0.00 万元，全年因公出国（境）团组 0 个，累计 0 人次。公务用车购置费 0.00 万元，购置车辆 0 辆；"
    "公务用车运行维护费 1.00 万元，公务用车保有量 1 辆。公务接待费 1.00 万元，共接待 2 批次、10 人次。",
    "八、机关运行经费支出情况说明",
    "2024 年度机关运行经费支出 10.00 万元。",
    "九、政府采购支出情况说明",
    "2024 年度政府采购支出总额 5.00 万元。授予中小企业合同金额 5.00 万元，占政府采购支出总额的 100.00%。",
    "十、国有资产占用情况说明",
    "2024 年期末，共有车辆 1 辆。",
    "十一、预算绩效情况说明",
    "本部门对 3 个项目开展了绩效自评。",
    "第三部分 名词解释",
    "一、基本支出：指保障机构正常运转的支出。",
)


def _without(*dropped: str) -> tuple[str, ...]:
    out = []
    skip = False
    for line in _FULL:
        if line in dropped:
            skip = True
            continue
        if skip and (line[:1] in "一二三四五六七八九十第" and ("、" in line[:4] or "部分" in line[:5])):
            skip = False
        if not skip:
            out.append(line)
    return tuple(out)


RULES = [
    Rule(
        id="JS-NP-001",
        title="情况说明缺少必备内容",
        severity="error",
        family="NP",
        legal_basis=LAW_143,
        message="情况说明未包含「{item}」",
        doc=(
            "部门决算应说明：部门职责、机构设置（决算单位构成）、收入支出决算总体情况、收入决算情况、支出决算情况、"
            "财政拨款收入支出决算总体情况、一般公共预算财政拨款支出的总体、结构（按功能分类）和具体情况（决算数与"
            "预算数对比）、基本支出（人员经费、公用经费）、“三公”经费、机关运行经费、政府采购、国有资产占用、预算绩效，"
            "以及名词解释。各地写法不一：某部分有标题点名，或情况说明列出了该部分的数字（例如在“收入支出决算总体情况”"
            "下分列收入、支出的构成），即视为已说明。未读到任何说明文字的文件（只有表格）不检查。"
        ),
        check=_missing_topics,
        passing=(ex(text=_FULL),),
        failing=(ex(text=_without("十、国有资产占用情况说明")), ex(text=_without("第三部分 名词解释"))),
    ),
    Rule(
        id="JS-NP-002",
        title="“三公”经费说明缺少团组、车辆或接待数量",
        severity="error",
        family="NP",
        legal_basis=LAW_143,
        message="“三公”经费说明未列明{missing}",
        doc=(
            "“三公”经费说明应列出因公出国（境）团组数和人次、公务用车购置数和保有量、公务接待批次和人次（国内、"
            "外事分列的均可）。某项经费说明为 0 万元且未列数量的，视为无此项活动，不报告。"
        ),
        check=_sangong_details,
        passing=(ex(text=_FULL),),
        failing=(
            ex(text=("七、财政拨款“三公”经费支出决算情况说明",
                     "公务用车运行维护费 1.00 万元。公务接待费 1.00 万元，共接待 2 批次、10 人次。"
                     "因公出国（境）费 0.00 万元。")),
        ),
    ),
    Rule(
        id="JS-NP-003",
        title="政府采购说明未列授予中小企业合同金额",
        severity="error",
        family="NP",
        legal_basis=LAW_143,
        message="政府采购说明未列明{missing}",
        doc=(
            "政府采购支出情况应说明采购总额、货物/工程/服务采购额，以及授予中小企业的合同金额（“由中小企业供应商"
            "中标或成交的采购金额”等写法均可）。采购总额为 0 的不报告。占比见 JS-NP-006。"
        ),
        check=_procurement_amount,
        passing=(ex(text=_FULL),),
        failing=(ex(text=("九、政府采购支出情况说明", "2024 年度政府采购支出总额 5.00 万元，其中：政府采购货物支出 5.00 万元。")),),
    ),
    Rule(
        id="JS-NP-004",
        title="增减变化或预算差异未说明原因",
        severity="warning",
        family="NP",
        legal_basis=LAW_143,
        message="{where}「{subject}」{what}（{figure}）{problem}",
        doc=(
            "与上年相比的每一项增减变化，以及决算数与预算数相差 10% 以上（完成率低于 90% 或高于 110%）的，都应在同一句"
            "或紧随的两句内说明原因（“主要原因”“由于”“主要是”……）；只写“无”“XXX”等占位文字视为未说明。句末以"
            "“其中：”引出分项的，由分项说明。持平、无支出的不要求说明。同一文件中的多处合并为一条，逐一列出各处"
            "（每处的句子位置都保留在单元格中）。"
        ),
        check=_unexplained,
        group=True,
        passing=(
            ex(text=("一、收入支出决算总体情况说明",
                     "收入总计 100.00 万元，比上年增加 20.00 万元，增长 25.00%。主要原因是人员增加。")),
        ),
        failing=(
            ex(text=("一、收入支出决算总体情况说明", "收入总计 100.00 万元，比上年增加 20.00 万元，增长 25.00%。")),
            ex(text=("一、收入支出决算总体情况说明",
                     "收入总计 100.00 万元，比上年增加 20.00 万元，增长 25.00%，主要原因：无。")),
        ),
    ),
    Rule(
        id="JS-NP-005",
        title="目录与正文不一致",
        severity="warning",
        family="NP",
        legal_basis="",
        message="{problem}",
        doc=(
            "目录列出的各部分和情况说明各节应在正文中出现（标题文字可略有出入：按编号、所指内容和文字相似度比对），"
            "正文的各部分也应列入目录。决算表是否齐全由 JS-CP-001/002 检查。目录只列一个部分（多为转换时丢失）的不检查。"
        ),
        check=_toc,
        passing=(
            ex(text=("目录", "第一部分 概况", "第二部分 部门决算情况说明", "第三部分 名词解释", *_FULL)),
        ),
        failing=(
            ex(text=("目录", "第一部分 概况", "第二部分 部门决算情况说明", "第三部分 名词解释", "第四部分 附件",
                     *_FULL)),
        ),
    ),
    Rule(
        id="JS-NP-006",
        title="政府采购说明未列中小企业合同金额占比",
        severity="warning",
        family="NP",
        legal_basis=LAW_143,
        message="政府采购说明列出了中小企业合同金额，但未列明{missing}",
        doc=(
            "列出授予中小企业合同金额的，还应列出其占政府采购支出总额的比例。有些地区的模板只列金额（比例可由金额"
            "算出），故报告为警告。采购总额为 0 的不报告。"
        ),
        check=_procurement_share,
        passing=(ex(text=_FULL),),
        failing=(
            ex(text=("九、政府采购支出情况说明",
                     "2024 年度政府采购支出总额 5.00 万元。授予中小企业合同金额 5.00 万元。")),
        ),
    ),
]

"""Statements that contradict their own figures or the document: comparison words, years and
template placeholders.

* JS-NR-010: after "年初预算为 X 万元，支出决算为 Y 万元", the words "决算数大于/小于/等于预算数"
  (or "预算数大于决算数", "决算数与预算数持平/一致") say the opposite of what X and Y show;
* JS-NP-007: a year printed where the document's own year belongs — "XXXX年度部门决算" in a title
  or heading, "截至XXXX年12月31日" in the 国有资产 statement — is not the document's year;
* JS-NP-008: template placeholders left in the text (上海市XX局, ××万元, XXX).

(Items numbered out of order — 2、 before 1、 — are not checked: lists run on inside paragraphs
and attachments, and converter text loses items, so a rule raised more false alarms than finds.)

Interval semantics as everywhere (:mod:`juesuan.money`): "决算数大于预算数" is contradicted only
when Y is below X by more than the two figures' rounding allows, "等于/持平" only when they differ
by more than that. "基本持平" is a judgement, not a comparison, and is not checked.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterator

from ..model import Block, CellRef, Claim, Provenance
from ..money import fmt, half_unit
from .engine import Context, Issue, Rule, ex
from .prose import place, text_after

__all__ = ["RULES"]

LAW_ACCURATE = (
    "《地方预决算公开操作规程》（财预〔2016〕143号）第四条：预决算公开应当坚持真实、准确、完整、及时；"
    "《预算法》第十四条：经本级政府财政部门批复的部门决算，应当在批复后二十日内由各部门向社会公开，"
    "并对部门预算、决算中机关运行经费的安排、使用情况等重要事项作出说明。"
)

# --------------------------------------------------------------------------- JS-NR-010

_GREATER = ("大于", "高于", "超过", "多于", "超出")
_LESS = ("小于", "低于", "少于", "不足")
_COMPARE = re.compile(
    r"(?P<a>决算数?|预算数?)(?:比|较)?(?P<w>大于|高于|超过|多于|超出|小于|低于|少于|不足|等于)(?:年初)?(?P<b>预算数?|决算数?)"
    r"|决算数?与(?:年初)?预算数?(?P<flat>持平|一致|相等|相同)"
)
# where the next item or the next budget/final pair starts: its words are not about this pair
_NEXT_ITEM = re.compile(
    r"\d{1,2}[、．.](?!\d)|[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}、|年初预算|预算数?为"
)
_WORD = {"increase": "大于", "decrease": "小于", "flat": "等于"}


def _stated(m: re.Match[str]) -> str | None:
    """The direction of final against budget that a comparison phrase states."""
    if m.group("flat"):
        return "flat"
    a, w, b = m.group("a"), m.group("w"), m.group("b")
    if a[:2] == b[:2]:
        return None  # 决算数大于决算数: not a comparison of the two
    final_first = a.startswith("决算")
    if w in _GREATER:
        return "increase" if final_first else "decrease"
    if w in _LESS:
        return "decrease" if final_first else "increase"
    return "flat"


def _pairs(claims: list[Claim]) -> Iterator[tuple[Claim, Claim]]:
    """(budget, final) amounts of one subject stated in one sentence, the sentence's only pair."""
    by_sentence: dict[tuple[str, Provenance], list[Claim]] = defaultdict(list)
    for c in claims:
        if c.kind == "amount" and c.value_wan is not None:
            by_sentence[(c.text, c.prov)].append(c)
    for group in by_sentence.values():
        budgets = {c.subject[: -len("@budget")]: c for c in group if c.subject.endswith("@budget")}
        finals = {c.subject: c for c in group if "@" not in c.subject}
        both = [s for s in budgets if s in finals]
        if len(both) == 1:
            yield budgets[both[0]], finals[both[0]]


def _comparison_words(ctx: Context) -> Iterator[Issue]:
    from .narrative import subject_name

    after = text_after(ctx)
    for budget, final in _pairs(ctx.doc.claims):
        pos = final.text.rfind(final.raw)
        following = final.text[pos + len(final.raw) :] + after(final)
        cut = _NEXT_ITEM.search(following)
        m = _COMPARE.search(following[: cut.start()] if cut else following)
        if not m:
            continue
        stated = _stated(m)
        x, y = budget.value_wan, final.value_wan
        assert x is not None and y is not None  # (_pairs keeps amounts in money units only)
        slack = half_unit(budget.value) + half_unit(final.value)
        diff = y - x
        if stated == "increase":
            wrong = diff <= -slack if slack else diff <= 0
        elif stated == "decrease":
            wrong = diff >= slack if slack else diff >= 0
        elif stated == "flat":
            wrong = abs(diff) > slack
        else:
            continue
        if not wrong:
            continue
        actual = "increase" if diff > 0 else "decrease" if diff < 0 else "flat"
        name = subject_name(final.subject)
        yield Issue(
            {
                "where": place(final.prov),
                "subject": name,
                "budget": budget.raw,
                "final": final.raw,
                "actual": _WORD[actual],
                "phrase": m.group(),
            },
            ["narrative"],
            [
                CellRef("narrative", budget.subject, "amount", budget.raw, budget.prov.page, budget.prov.line, name + "（年初预算）"),
                CellRef("narrative", final.subject, "amount", final.raw, final.prov.page, final.prov.line, name + "（决算）"),
            ],
            row=final.subject,
            expected=f"决算数{_WORD[actual]}预算数",
            printed=m.group(),
            difference=fmt(diff),
            sentence={"text": final.text, "line": final.prov.line, "page": final.prov.page, "number": final.raw},
        )


# --------------------------------------------------------------------------- JS-NP-007 / 008


def _text_blocks(ctx: Context) -> Iterator[tuple[Block, str]]:
    for b in ctx.doc.text:
        text = "".join(c.text for c in b.cells)
        if text:
            yield b, text


_OWN_YEAR = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*年度?\s*部门决算"
    r"|截[至止]\s*(?P<y2>(?:19|20)\d{2})\s*年\s*12\s*月\s*31\s*日"
)


def _wrong_year(ctx: Context) -> Iterator[Issue]:
    year = ctx.doc.year
    if year is None:
        return
    for b, text in _text_blocks(ctx):
        for m in _OWN_YEAR.finditer(text):
            printed = int(m.group("y") or m.group("y2"))
            if printed == year:
                continue
            quote = text[max(0, m.start() - 12) : m.end() + 4].strip()
            yield Issue(
                {"where": place(b.prov), "quote": quote, "printed": str(printed), "year": str(year)},
                ["narrative"],
                [CellRef("narrative", "year", "year", str(printed), b.prov.page, b.prov.line, "年度")],
                row="year",
                expected=str(year),
                printed=str(printed),
                sentence={"text": text, "line": b.prov.line, "page": b.prov.page, "number": str(printed)},
            )


# two or more X / Ｘ / × standing for a name or figure the template left unfilled; not inside a
# Latin word; a reason answered with XXX is JS-NP-004's
_PLACEHOLDER = re.compile(r"(?<![A-Za-z])[XＸ×]{2,}(?![A-Za-z])")
_REASON_BEFORE = re.compile(r"原因(?:是|为|如下)?[：:]?\s*$")


def _placeholders(ctx: Context) -> Iterator[Issue]:
    if ctx.doc.template:
        return  # a template or draft: one finding for the whole document (JS-KD-002)
    for b, text in _text_blocks(ctx):
        for m in _PLACEHOLDER.finditer(text):
            if _REASON_BEFORE.search(text[: m.start()]):
                continue
            quote = text[max(0, m.start() - 10) : m.end() + 6].strip()
            yield Issue(
                {"where": place(b.prov), "quote": quote, "placeholder": m.group()},
                ["narrative"],
                [CellRef("narrative", "placeholder", "text", m.group(), b.prov.page, b.prov.line, "占位文字")],
                row="placeholder",
                sentence={"text": text, "line": b.prov.line, "page": b.prov.page, "number": m.group()},
            )


# --------------------------------------------------------------------------- catalog

_ITEM = "1、一般公共服务支出（类）财政事务（款）行政运行（项）。年初预算为 100.00 万元，支出决算为 90.00 万元。"

RULES = [
    Rule(
        id="JS-NR-010",
        title="决算数与预算数的比较表述与数字相反",
        severity="error",
        family="NR",
        legal_basis=LAW_ACCURATE,
        message="{where}「{subject}」年初预算 {budget} 万元、决算 {final} 万元，决算数{actual}预算数，说明却写“{phrase}”",
        doc=(
            "“年初预算为 X 万元，支出决算为 Y 万元”之后（同一句或随后两句内、下一项之前）写“决算数大于/小于/等于预算数”"
            "（或“预算数大于决算数”“决算数与预算数持平/一致”）的，应与 X、Y 的大小一致；按区间语义，两数之差在印刷精度"
            "之内的不判为相反。“基本持平”是判断而非比较，不检查。"
        ),
        check=_comparison_words,
        passing=(
            ex(text=("（三）具体情况", _ITEM + "决算数小于预算数的主要原因是项目调减。")),
            ex(text=("（三）具体情况", _ITEM.replace("90.00", "100.00") + "决算数与预算数持平。")),
        ),
        failing=(
            ex(text=("（三）具体情况", _ITEM + "决算数大于预算数的主要原因是项目调减。")),
            ex(text=("（三）具体情况", _ITEM + "决算数等于预算数。")),
        ),
    ),
    Rule(
        id="JS-NP-007",
        title="说明中的年度与决算年度不符",
        severity="error",
        family="NP",
        legal_basis=LAW_ACCURATE,
        message="{where}写“{quote}”，其中 {printed} 年与本决算的年度（{year} 年度）不符",
        doc=(
            "本决算年度的写法只在两处核对：标题或说明中的“XXXX年度部门决算”，国有资产说明中的“截至XXXX年12月31日”。"
            "与上年比较的年份（“与2023年度相比”）不在此列。决算年度取全文年度写法的多数。"
        ),
        check=_wrong_year,
        passing=(ex(text=("第二部分 2024 年度部门决算情况说明", "截至 2024 年 12 月 31 日，共有车辆 1 辆。")),),
        failing=(
            ex(text=("第二部分 2023 年度部门决算情况说明", "2024 年度收入总计 100.00 万元。")),
            ex(text=("十、国有资产占用情况说明", "截至 2023 年 12 月 31 日，共有车辆 1 辆。")),
        ),
    ),
    Rule(
        id="JS-NP-008",
        title="模板占位文字未替换",
        severity="error",
        family="NP",
        legal_basis=LAW_ACCURATE,
        message="{where}仍有占位文字“{placeholder}”：“{quote}”",
        doc=(
            "公开文本中不应留有模板的占位文字：连续两个以上的 X、Ｘ 或 ×（“上海市普陀区XX局”“××万元”）。"
            "“主要原因：XXX”这类以占位文字作答的原因由 JS-NP-004 报告，本条不重复。整份文件是模板或草稿"
            "（extract.kind）时由 JS-KD-002 报告一次，本条不逐处报告。"
        ),
        check=_placeholders,
        passing=(ex(text=("第二部分 上海市普陀区财政局 2024 年度部门决算表", "共有 X 光机 1 台。")),),
        failing=(
            ex(text=("第二部分 上海市普陀区XX局 2024 年度部门决算表",)),
            ex(text=("一、收入支出决算总体情况说明", "2024 年度收入总计××万元。")),
        ),
    ),
]

"""Family KD (文件类型): what the document is decides what may be checked (extract.kind).

* JS-KD-001: a budget (预算) is not final accounts: an info says once that the document was checked
  as a budget — the budget rules (:mod:`.budget`, families BG/BN) and the kind-neutral rules
  (``Rule.kinds``) apply, the final-accounts rules do not.
* JS-KD-002: a blank official template or an unfinished draft (a year printed 20XX, placeholders
  on many lines) gets one finding listing the places, not one per placeholder (JS-NP-008 stays
  silent on it).
"""

from __future__ import annotations

from typing import Iterator

from ..extract.kind import PLACEHOLDER, placeholder_places
from ..model import CellRef
from .engine import Context, Issue, Rule, ex
from .prose import place

__all__ = ["ALL_KINDS", "RULES"]

ALL_KINDS = ("final", "budget", "unknown")

LAW_KIND = (
    "《预算法》第十四条：经本级政府财政部门批复的部门预算、决算及报表，应当在批复后二十日内由各部门向社会公开；"
    "《地方预决算公开操作规程》（财预〔2016〕143号）对部门预算与部门决算分别规定公开内容。"
)
LAW_TEMPLATE = (
    "《地方预决算公开操作规程》（财预〔2016〕143号）第四条：预决算公开应当坚持真实、准确、完整、及时。"
)

_KIND_ZH = {"budget": "预算", "final": "决算", "unknown": "未识别类型"}
_PLACES_SHOWN = 10


def _budget(ctx: Context) -> Iterator[Issue]:
    doc = ctx.doc
    if doc.kind != "budget":
        return
    scope = "单位" if doc.scope == "unit" else "部门"
    yield Issue(
        {"kind": f"{scope}{_KIND_ZH[doc.kind]}", "year": f"{doc.year} 年" if doc.year else "年度未识别"},
        ["narrative"],
        row="kind",
    )


def _template(ctx: Context) -> Iterator[Issue]:
    doc = ctx.doc
    if not doc.template:
        return
    blocks = placeholder_places(doc.text)
    where: list[str] = []
    for b in blocks:
        w = place(b.prov)
        if w not in where:
            where.append(w)
    shown = "、".join(where[:_PLACES_SHOWN]) + (f"等 {len(where)} 处" if len(where) > _PLACES_SHOWN else "")
    first = next((b for b in blocks), None)
    example = ""
    if first is not None:
        text = first.text
        m = PLACEHOLDER.search(text)
        assert m is not None  # placeholder_places keeps only blocks holding one
        example = text[max(0, m.start() - 10) : m.end() + 6].strip()
    yield Issue(
        {"count": str(len(blocks)), "places": shown or "表格标题或封面", "example": example or "—"},
        ["narrative"],
        [
            CellRef("narrative", "placeholder", "text", m.group(), b.prov.page, b.prov.line, "占位文字")
            for b in blocks[:_PLACES_SHOWN]
            if (m := PLACEHOLDER.search(b.text))
        ],
        row="placeholder",
    )


_TEMPLATE_TEXT = tuple(
    f"{i}、20XX年度XX支出XX万元，比上年增加XX万元。" for i in range(1, 9)
)

RULES = [
    Rule(
        id="JS-KD-001",
        title="预算文件：按部门预算规则检查",
        severity="info",
        family="KD",
        legal_basis=LAW_KIND,
        message="本文件是{kind}（{year}），按预算检查：适用预算表与预算说明规则（JS-BG、JS-BN）和与文件类型无关的规则，不适用决算规则",
        doc=(
            "文件类型由封面、标题和表格标题判断（“部门预算”“收支预算总表”“一般公共预算支出预算表”为预算，"
            "“部门决算”“收入决算表”为决算；正文中的“年初预算数”“预算”等字样不计）。预算的表格与决算平行，但没有"
            "决算数、完成预算%，与上年预算或上年执行数比较：预算表读作 budget_* 表，按预算表规则（JS-BG）和预算说明"
            "规则（JS-BN）检查，另执行与文件类型无关的规则（行内运算、科目层级、尾差、科目名称、占位文字）；决算规则"
            "不适用。本条为提示，说明检查所依据的文件类型。"
        ),
        check=_budget,
        passing=(ex("income/total/total=1.00"),),
        failing=(ex(meta={"kind": "budget", "year": 2026}),),
        kinds=("budget",),
    ),
    Rule(
        id="JS-KD-002",
        title="文件为未填写完成的模板或草稿",
        severity="warning",
        family="KD",
        legal_basis=LAW_TEMPLATE,
        message="本文件是未填写完成的模板或草稿：{count} 处占位文字（{places}），例如“{example}”；占位文字不逐处报告",
        doc=(
            "标题或封面中的年度印作 20XX、XXXX 年，或 8 行以上留有占位文字（XX、××、＿＿）的文件是模板或草稿："
            "报告一次并列出位置，JS-NP-008 不再逐处报告。定稿中偶然遗留的一两处占位文字仍由 JS-NP-008 逐处报告。"
        ),
        check=_template,
        passing=(ex(text=("一、收入支出决算总体情况说明", "2024 年度收入总计 100.00 万元。")),),
        failing=(ex(text=_TEMPLATE_TEXT, meta={"template": True}),),
        kinds=ALL_KINDS,
    ),
]

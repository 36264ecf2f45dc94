"""JS-CO-001: the narrative's 上年 figures against the department's stored final accounts of the
year before.

"比上年增加 X 万元" about a subject whose current amount the tables print (收入总计, 基本支出,
一般公共预算财政拨款支出, 三公 items …: the cell the narrative linker finds, :mod:`juesuan.rules.link`)
implies last year's amount: current − X after an increase, current + X after a decrease, current
when 持平. "上年决算数为 Y" (上年 just before the number) states it. Either is compared with the
same cell of the department's stored final document of the year before (same printed department
name and scope; the latest stored version), under the interval semantics of :mod:`juesuan.money`.
Nothing is said when no such document is stored, or when it does not print that cell.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterator

from ...model import CellRef, Claim, Document
from ...money import compare, fmt
from ..engine import Issue, ex
from ..link import Linker, outline
from .base import CorpusRule, Peers, amounts, cex, latest, other_cell, precise, same_series

LAW = "《地方预决算公开操作规程》（财预〔2016〕143号）第四条：预决算公开应当坚持真实、准确、完整、及时。"

# 上年(度)(决算数/支出/收入)(为/是) immediately before the number
_PRIOR_BEFORE = re.compile(r"(?:上年|上一年|上年度)(?:决算数?|决算支出|支出|收入|数)?(?:为|是|共)?\s*$")
_CLAUSE = re.compile(r"[，,；;。：:]")


def _prior_stated(c: Claim) -> bool:
    """``c`` (an amount) is last year's figure: 上年 just before its number in the sentence."""
    text = c.text
    if c.kind != "amount" or not c.raw or text.count(c.raw) != 1:
        return False
    before = text[: text.index(c.raw)]
    cut = max((m.end() for m in _CLAUSE.finditer(before)), default=0)
    return bool(_PRIOR_BEFORE.search(before[cut:][-16:]))


def _sentence(c: Claim) -> dict:
    return {"text": c.text, "line": c.prov.line, "page": c.prov.page, "number": c.raw}


def _check(doc: Document, peers: Peers) -> Iterator[Issue]:
    if doc.year is None or not doc.claims or doc.kind == "budget":
        return
    prior = latest(same_series(doc, peers, year=doc.year - 1, kind="final"))
    if prior is None:
        return
    before = peers.load(prior)
    old = amounts(before)
    now = amounts(doc)
    ol = outline(doc)
    linker = Linker(doc)
    seen: set[tuple] = set()
    for c in doc.claims:
        if c.subject.startswith("raw:") or "@" in c.subject:
            continue
        stated = _prior_stated(c)
        if not stated and c.kind != "change_amount":
            continue
        value = c.value_wan
        if value is None:
            continue
        _, section, _ = ol.state(ol.index_of(c.prov))
        keys = linker.subject_cells(c.subject, section)
        if not keys or not all(k in old for k in keys):
            continue  # last year's document does not print it
        prior_terms = [(1, precise(old[k].value)) for k in keys]
        prior_value = sum((v for _, v in prior_terms), Decimal(0))
        if stated:
            implied_terms = [(1, value)]
            how = f"情况说明所述上年数 {fmt(value)}"
        else:
            if not all(k in now for k in keys):
                continue
            current = sum((precise(now[k].value) for k in keys), Decimal(0))
            sign = {"increase": -1, "decrease": 1, "flat": 0}.get(c.direction or "")
            if sign is None:
                continue
            implied_terms = [(1, precise(now[k].value)) for k in keys] + ([(sign, value)] if sign else [])
            word = {"increase": "增加", "decrease": "减少", "flat": "持平"}[c.direction or "flat"]
            how = (f"本年 {fmt(current)} {word} {fmt(value)} 推算上年为 "
                   f"{fmt(current + sign * value)}")  # fmt: skip
        # last year's printed cells against the implied value, both sides intervals: the first
        # printed cell = implied − the other printed cells
        result = compare(prior_terms[0][1], [*implied_terms, *((-1, v) for _, v in prior_terms[1:])])
        implied = sum((sg * v for sg, v in implied_terms), Decimal(0))
        if result.ok:
            continue
        key = (c.subject, c.prov.line, c.prov.page, c.kind)
        if key in seen:
            continue
        seen.add(key)
        yield Issue(
            {
                "subject": c.subject.replace(".", "·"),
                "how": how,
                "prior_year": str(doc.year - 1),
                "prior_file": prior.file_name or f"#{prior.id}",
                "printed": fmt(prior_value),
                "difference": fmt(prior_value - implied),
            },
            sorted({k[0] for k in keys}),
            [other_cell(old[k], prior) for k in keys] + [CellRef.of(now[k]) for k in keys if k in now],
            row=keys[0][1],
            expected=fmt(implied),
            printed=fmt(prior_value),
            difference=fmt(prior_value - implied),
            sentence=_sentence(c),
        )


_PRIOR_2023 = {"department": "示例部门", "year": 2023}
_NOW = {"department": "示例部门", "year": 2024}

RULE = CorpusRule(
    id="JS-CO-001",
    title="情况说明的上年数与上年决算不符",
    severity="warning",
    legal_basis=LAW,
    message="{how}，与库中{prior_year}年决算（{prior_file}）所列「{subject}」{printed} 相差 {difference}",
    doc=(
        "情况说明中“比上年增加/减少 X 万元”“持平”所说的科目（收入总计、基本支出、一般公共预算财政拨款支出、“三公”经费各项等，按情况说明与表格的对应找到本年表中的单元格）"
        "推算出上年数：增加时为本年数减 X，减少时为本年数加 X，持平时等于本年数；“上年决算数为 Y”直接给出上年数。"
        "与库中同一部门（名称相同、同为部门或单位）上一年度决算的同一单元格比较（区间语义，最近入库的版本）；"
        "库中没有上年决算或上年决算没有该单元格时不检查。上年数可能因口径调整而重述，故为警告。"
    ),
    check=_check,
    passing=(
        cex(
            ex("income_expense_summary/income.grand_total/amount=120.00",
               text=("2024年度收入总计120.00万元，与上年相比增加20.00万元。",), meta=_NOW),
            ex("income_expense_summary/income.grand_total/amount=100.00", meta=_PRIOR_2023),
        ),
        cex(
            ex("income_expense_summary/income.grand_total/amount=120.00",
               text=("2024年度收入总计120.00万元，与上年相比增加20.00万元。",), meta=_NOW),
            note="上年决算未入库：不检查",
        ),
    ),
    failing=(
        cex(
            ex("income_expense_summary/income.grand_total/amount=120.00",
               text=("2024年度收入总计120.00万元，与上年相比增加20.00万元。",), meta=_NOW),
            ex("income_expense_summary/income.grand_total/amount=90.00", meta=_PRIOR_2023),
        ),
    ),
)

RULES = (RULE,)

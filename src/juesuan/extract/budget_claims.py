"""Claims of a budget's 编制说明: the figures it states, read into :class:`~juesuan.model.Claim`s.

A budget narrative (部门预算编制说明, 其他相关情况说明) states the year's income and expenditure budget
and their parts, each 功能分类 item it spends on ("公共安全支出（204类）司法（06款）行政运行（01项）
1672.67万元 … 2025年当年预算执行数为1690.69万元，2026年预算安排1672.67万元，比2025年预算执行数减少
1.07%"), the 三公 经费, 机关运行经费, 政府采购 and 绩效目标 figures. Subjects:

* named amounts: ``收入预算``, ``支出预算``, ``财政拨款收入``, ``事业收入`` …, ``三公.合计``,
  ``三公.公务接待费`` …, ``机关运行经费``, ``政府采购.合计`` / ``.货物`` / ``.工程`` / ``.服务``,
  ``绩效目标.资金`` (and the count ``绩效目标.项目数``);
* a 功能分类 item: ``func:<code>`` (its lead amount); within its paragraph ``func:<code>@plan`` (the
  "预算安排 B" restated), ``func:<code>@prior_exec`` (上年预算执行数), ``func:<code>@prior_budget``
  (上年预算数) — the same qualifiers apply to a named subject;
* a change (比…增加/减少/持平): kind ``change_amount`` or ``change_pct`` of the subject it is about,
  ``direction`` increase/decrease/flat, and ``whole`` the basis as printed ("2025年预算执行数",
  "上年预算"), whose year the rules compare with the budget's own.

A number takes the subject named closest before it in its clause (clauses end at ，；：、), or the
item its paragraph is about; a number with neither is not a claim. Lines broken by a converter are
joined first. Numbers are read as printed (万元, 元, 亿元 kept in ``unit``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Sequence

from ..model import Block, Claim, Document, Provenance

__all__ = ["budget_claims_from_blocks", "budget_claims_from_text", "extract_budget_claims"]

_FOLD = str.maketrans({
    **{chr(0xFF10 + i): str(i) for i in range(10)},
    "．": ".", "％": "%", "﹪": "%", "(": "（", ")": "）", ":": "：", ";": "；", ",": "，",
    "“": "", "”": "", '"': "", "‘": "", "’": "", "「": "", "」": "",
})
_TERMINAL = "。；！？："
_STARTS_ITEM = re.compile(r"^(?:\d{1,2}(?:、|\.(?!\d))|（\d{1,2}）|[一二三四五六七八九十]{1,3}、|（[一二三四五六七八九十]{1,3}）)")
_NUM = r"(\d+(?:，\d{3})*(?:\.\d+)?)"
_NUMBER = re.compile(_NUM + r"(万元|亿元|元|%|个)")
_CLAUSE_END = "，；：、。！？"

_CHANGE = re.compile(
    r"(?:比|较|与|同)(?P<basis>(?:\d{4}年|上年|上一年度?|去年)?(?:当年)?(?:年初)?(?:预算执行数|执行数|预算数|预算)?)"
    r"(?:相比|比较)?(?P<dir>增加|增长|减少|下降|降低|基本持平|持平|一致|相同)"
    r"(?:" + _NUM + r"(?P<unit>万元|元|%))?"
)
_CHANGE_MORE = re.compile(r"^(?:同比)?(?P<dir>增加|增长|减少|下降|降低)" + _NUM + r"(?P<unit>万元|元|%)")
_DIRECTION = {"增加": "increase", "增长": "increase", "减少": "decrease", "下降": "decrease", "降低": "decrease"}
_ITEM = re.compile(
    r"（(?P<c1>\d{3})类）(?:[^，。；（）\d]*（(?P<c2>\d{2})款）)?(?:[^，。；（）\d]*（(?P<c3>\d{2})项）)?[^，。；（）\d]{0,6}"
    + _NUM + r"(?P<unit>万元|元|亿元)"
)
_ITEM_CODE = re.compile(r"（(?P<code>\d{3}|\d{5}|\d{7})）[^，。；（）\d]{0,30}?" + _NUM + r"(?P<unit>万元|元|亿元)")
_YEAR = re.compile(r"(\d{4})年")

_WHOLE = r"(?:(?<![\u4e00-\u9fff])|(?<=[局委办院厅会心门位馆所站队校处室部府年]))"
# subject vocabulary: (pattern, subject), longer names first
_VOCAB: list[tuple[str, str]] = [
    (r"一般公共预算(?:财政)?拨款收入|一般公共预算收入", "一般公共预算拨款收入"),
    (r"政府性基金(?:预算)?(?:财政)?拨款收入|政府性基金(?:预算)?收入", "政府性基金拨款收入"),
    (r"国有资本经营预算(?:财政)?拨款收入|国有资本经营预算收入", "国有资本经营预算拨款收入"),
    (r"财政拨款收入", "财政拨款收入"),
    (r"财政专户管理资金(?:收入)?", "财政专户管理资金"),
    (r"事业单位经营收入|经营收入", "事业单位经营收入"),
    (r"事业收入", "事业收入"),
    (r"其他收入", "其他收入"),
    (r"上年结转(?:和结余)?(?:资金|收入)?", "上年结转"),
    (r"一般公共预算(?:财政)?拨款支出|一般公共预算支出", "一般公共预算拨款支出"),
    (r"政府性基金(?:预算)?(?:财政)?拨款支出|政府性基金预算支出", "政府性基金拨款支出"),
    (r"国有资本经营预算(?:财政)?拨款支出|国有资本经营预算支出", "国有资本经营预算拨款支出"),
    (r"财政拨款支出", "财政拨款支出"),
    # the whole budget, named after the body ("…局收入预算") or alone, never a class ("公共安全支出预算")
    (_WHOLE + r"(?:收入预算|预算收入|收入总预算)", "收入预算"),
    (_WHOLE + r"(?:支出预算|预算支出|支出总预算)", "支出预算"),
    (r"基本支出", "基本支出"),
    (r"项目支出", "项目支出"),
    (r"三公经费", "三公.合计"),
    (r"因公出国（境）费|因公出国费", "三公.因公出国（境）费"),
    (r"公务用车购置及运行(?:维护)?费", "三公.公务用车购置及运行费"),
    (r"公务用车购置费", "三公.公务用车购置费"),
    (r"公务用车运行(?:维护)?费", "三公.公务用车运行费"),
    (r"公务接待费", "三公.公务接待费"),
    (r"会议费", "会议费"),
    (r"培训费", "培训费"),
    (r"机关运行经费", "机关运行经费"),
    (r"政府采购货物(?:类)?(?:采购)?预算|货物类?采购预算", "政府采购.货物"),
    (r"政府采购工程(?:类)?(?:采购)?预算|工程类?采购预算", "政府采购.工程"),
    (r"政府采购服务(?:类)?(?:采购)?预算|服务类?采购预算", "政府采购.服务"),
    (r"政府采购预算(?:总额|合计)?", "政府采购.合计"),
    (r"涉及(?:项目)?(?:预算)?资金|项目预算资金", "绩效目标.资金"),
]
# a 政府采购 part named bare after the total ("其中：货物10万元，工程0万元，服务20万元")
_PROCUREMENT_PART = re.compile(r"(货物|工程|服务)类?(?:采购)?(?:预算)?(?:为|是)?$")
_MENTION = re.compile("|".join(f"(?P<v{i}>{p})" for i, (p, _) in enumerate(_VOCAB)))
_PERF_COUNT = re.compile(r"绩效目标的?项目(?:共)?" + _NUM + "个")


@dataclass
class _Para:
    text: str  # folded, whitespace removed
    blocks: list[Block]
    where: list[int]  # char index → index into blocks

    def prov(self, pos: int) -> Provenance:
        return self.blocks[self.where[min(pos, len(self.where) - 1)]].prov


def extract_budget_claims(doc: Document) -> list[Claim]:
    return budget_claims_from_blocks(doc.text, year=doc.year)


def budget_claims_from_text(text: str, year: int | None = None) -> list[Claim]:
    from ..model import Cell

    blocks = [Block("text", [Cell(line, Provenance(line=n))], Provenance(line=n)) for n, line in enumerate(text.splitlines(), 1)]
    return budget_claims_from_blocks(blocks, year=year)


def budget_claims_from_blocks(blocks: Sequence[Block], year: int | None = None) -> list[Claim]:
    claims: list[Claim] = []
    item: str | None = None
    for para in _paragraphs(blocks):
        # an item's context runs on to the paragraphs after it, until the next numbered line or heading
        if _STARTS_ITEM.match(para.text) or len(para.text) < 30 and para.text[-1] not in _TERMINAL:
            item = None
        item = _read_paragraph(para, year, claims, item)
    return claims


def _paragraphs(blocks: Sequence[Block]) -> list[_Para]:
    out: list[_Para] = []
    open_para: _Para | None = None
    for b in blocks:
        text = "".join(b.text.translate(_FOLD).split())
        if not text:
            continue
        if open_para is not None and open_para.text[-1] not in _TERMINAL and not _STARTS_ITEM.match(text):
            open_para.blocks.append(b)
            open_para.where.extend([len(open_para.blocks) - 1] * len(text))
            open_para.text += text
            continue
        open_para = _Para(text, [b], [0] * len(text))
        out.append(open_para)
    return out


def _value(raw: str) -> Decimal | None:
    try:
        return Decimal(raw.replace("，", ""))
    except InvalidOperation:
        return None


def _item_subject(text: str) -> tuple[str, re.Match] | None:
    m = _ITEM.search(text)
    if m:
        return "func:" + m.group("c1") + (m.group("c2") or "") + ((m.group("c3") or "") if m.group("c2") else ""), m
    m = _ITEM_CODE.search(text)
    return ("func:" + m.group("code"), m) if m else None


def _read_paragraph(para: _Para, year: int | None, claims: list[Claim], item: str | None) -> str | None:
    carried: str | None = None  # the subject a sentence leaves to the next ("0.83万元。与上年持平")
    for m in re.finditer(r"[^。！？]+[。！？]?", para.text):
        sentence, offset = m.group(), m.start()
        skip = 0
        if (found := _item_subject(sentence)) is not None:
            item, im = found
            g = im.re.groups - 1  # the amount: the group before the unit
            raw = im.group(g)
            if (v := _value(raw)) is not None:
                claims.append(Claim(item, "amount", v, raw, im.group("unit"), sentence, para.prov(offset + im.start(g))))
            skip = im.end()
        carried = _read_sentence(para, sentence, offset, year, claims, item, skip, carried)
    return item


def _qualifier(clause: str, year: int | None) -> str:
    """What an unnamed amount of an item is: the prior year's execution or budget, or the plan."""
    ym = _YEAR.search(clause)
    y = int(ym.group(1)) if ym else None
    if "执行" in clause:
        return "@prior_exec"
    if y is not None and year is not None and y < year or "上年" in clause:
        return "@prior_budget"
    return "@plan"


def _read_sentence(
    para: _Para, sentence: str, offset: int, year: int | None, claims: list[Claim], item: str | None,
    skip_until: int, carried: str | None,
) -> str | None:
    last: str | None = carried  # the subject the sentence is about so far
    last_change: tuple[str, str] | None = None  # (subject, basis) of the previous change clause
    for cm in re.finditer(r"[^" + _CLAUSE_END + r"]+[" + _CLAUSE_END + r"]?", sentence):
        clause, cstart = cm.group(), cm.start()
        if cm.end() <= skip_until:
            last = item
            continue
        change = _CHANGE.search(clause)
        mentions = [(mm.end(), _VOCAB[int(mm.lastgroup[1:])][1]) for mm in _MENTION.finditer(clause)]
        if change is not None:
            subject = next((s for e, s in reversed(mentions) if e <= change.start()), None) or last or item
            if subject is None:
                continue
            base = subject.split("@")[0]
            basis = change.group("basis") or ""
            direction = _DIRECTION.get(change.group("dir"), "flat")
            raw = change.group(3) or ""
            unit = change.group("unit") or ("万元" if direction == "flat" else "")
            if direction == "flat" and not raw:
                at = offset + cstart + change.start("dir")
                claims.append(Claim(base, "change_amount", Decimal(0), "持平", "万元", sentence, para.prov(at), "flat", basis))
            elif raw and (v := _value(raw)) is not None:
                kind = "change_pct" if unit == "%" else "change_amount"
                at = offset + cstart + change.start(3)
                claims.append(Claim(base, kind, v, raw, unit, sentence, para.prov(at), direction, basis))
            last_change = (base, basis)
            # an amount named before the change in the same clause ("收入9628.22万元比上年增加…")
            clause = clause[: change.start()]
        elif last_change is not None and (more := _CHANGE_MORE.match(clause)):
            v = _value(more.group(2))
            if v is not None:
                kind = "change_pct" if more.group("unit") == "%" else "change_amount"
                at = offset + cstart + more.start(2)
                claims.append(Claim(last_change[0], kind, v, more.group(2), more.group("unit"), sentence,
                                    para.prov(at), _DIRECTION[more.group("dir")], last_change[1]))
            continue
        else:
            last_change = None
        for nm in _NUMBER.finditer(clause):
            raw, unit = nm.group(1), nm.group(2)
            if cstart + nm.start() < skip_until:
                continue  # the item's lead amount, read already
            if unit == "个":
                if (pm := _PERF_COUNT.search(clause)) and pm.group(1) == raw:
                    at = offset + cstart + nm.start()
                    claims.append(Claim("绩效目标.项目数", "count", _value(raw) or Decimal(0), raw, "个", sentence, para.prov(at)))
                continue
            if unit == "%":
                continue
            named = next((s for e, s in reversed(mentions) if e <= nm.start()), None)
            if named == "绩效目标.资金" and "绩效" not in sentence:
                named = None
            if named is not None:
                subject = named
                before = clause[: nm.start()]
                if _YEAR.search(before) and ("执行" in before or (year and any(int(y) < year for y in _YEAR.findall(before)))):
                    subject = named + _qualifier(before, year)
            elif last is not None and last.startswith("政府采购") and (part := _PROCUREMENT_PART.search(clause[: nm.start()])):
                subject = f"政府采购.{part.group(1)}"  # "政府采购预算30万元，其中：货物10万元，工程0万元…"
            elif item is not None or last is not None:
                subject = (item or last or "").split("@")[0] + _qualifier(clause[: nm.start()], year)
            else:
                continue
            v = _value(raw)
            if v is None:
                continue
            claims.append(Claim(subject, "amount", v, raw, unit, sentence, para.prov(offset + cstart + nm.start())))
            last = subject.split("@")[0]
        if mentions and last is None:
            last = mentions[-1][1]
    return last

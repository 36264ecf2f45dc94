"""Completeness of a budget (JS-BG-030, JS-BG-031, JS-BN-008): the tables its template family must
publish, and the parts of its 编制说明.

The family's ``required`` tables and ``narrative_topics`` are data (``refdata/data/families.json``,
read through :mod:`juesuan.refdata.families`). A table printed empty with its note is published; a
table neither printed nor read is missing. A budget of which no table at all was read (tables
published as images, or a layout the reader does not know) gets one warning instead of a finding per
table.
"""

from __future__ import annotations

import re
from typing import Iterator

from ...refdata.families import get_family
from ..engine import Context, Issue, Rule, ex
from .base import BUDGET_KINDS, LAW_BUDGET, LAW_BUDGET_NOTES, budget_table_name

DEFAULT_BUDGET_FAMILY = "local_budget"

# 编制说明 parts (《地方预决算公开操作规程》 on 部门预算): topic key → (name, words that show it)
TOPICS: dict[str, tuple[str, re.Pattern[str]]] = {
    "three_public": ("“三公”经费预算情况", re.compile(r"三公")),
    "running_cost": ("机关运行经费预算", re.compile(r"机关运行经费")),
    "procurement": ("政府采购预算情况", re.compile(r"政府采购")),
    "performance": ("绩效目标设置情况", re.compile(r"绩效目标|预算绩效")),
    "assets": ("国有资产占有使用情况", re.compile(r"国有资产|资产占[有用]|车辆")),
}
DEFAULT_TOPICS = ("running_cost", "procurement", "performance", "assets")
# a table's title or a table-of-contents line, not a part of the 说明
_TITLE = re.compile(r"^.{0,40}表(?:（[^）]*）)?[.…·\d]*$")


def _family(ctx: Context):
    for fid in (ctx.doc.family, DEFAULT_BUDGET_FAMILY):
        try:
            fam = get_family(fid) if fid else None
        except KeyError:
            continue
        if fam is not None and fam.kind == "budget":
            return fam
    return None


def _budget_tables(ctx: Context) -> list[str]:
    return [t.id for t in ctx.doc.tables if t.id.startswith("budget_")]


def _missing(ctx: Context) -> Iterator[Issue]:
    fam = _family(ctx)
    if fam is None or not _budget_tables(ctx):
        return
    for table in fam.required:
        if not ctx.present(table):
            yield Issue(
                {"table_name": budget_table_name(table), "family": fam.name, "count": str(len(fam.required))},
                [table], row=table,
            )


def _none_read(ctx: Context) -> Iterator[Issue]:
    fam = _family(ctx)
    if fam is not None and fam.required and not _budget_tables(ctx):
        names = "、".join(budget_table_name(t) for t in fam.required)
        yield Issue({"family": fam.name, "tables": names}, ["narrative"], row="tables")


def _topics(ctx: Context) -> Iterator[Issue]:
    fam = _family(ctx)
    wanted = [t for t in (fam.narrative_topics if fam and fam.narrative_topics else DEFAULT_TOPICS) if t in TOPICS]
    text = "\n".join(b.text for b in ctx.doc.text if not _TITLE.search("".join(b.text.split())))
    missing = [TOPICS[t][0] for t in wanted if not TOPICS[t][1].search(text)]
    if missing:
        yield Issue({"topics": "、".join(missing), "count": str(len(missing))}, ["narrative"], row="topics")


def _rule(rid, title, severity, family, message, doc, check, passing, failing, law) -> Rule:
    return Rule(
        id=rid, title=title, severity=severity, family=family, legal_basis=law, message=message, doc=doc,
        check=check, passing=passing, failing=failing, kinds=BUDGET_KINDS,
    )


_B = {"kind": "budget", "year": 2026, "family": "local_budget"}
_LOCAL = (
    "budget_summary", "budget_income", "budget_expenditure", "budget_fiscal_summary", "budget_gpb_expenditure",
    "budget_gpb_basic", "budget_three_public", "budget_gov_fund",
)
_NOTES = ("机关运行经费预算为217.83万元。", "政府采购预算1486.42万元。", "编报绩效目标的项目20个。", "国有资产占有使用情况：车辆3辆。")

RULES = [
    _rule(
        "JS-BG-030", "缺少应公开的预算表", "error", "BG",
        "未找到{table_name}；{family}的{count}张预算表均应公开，无数据的表应以空表公开并说明",
        "应公开的预算表取决于文件所属的模板族（refdata/data/families.json 的 required，见 docs/families.md）。"
        "以空表公开并注明无数据的表视为已公开；文件中一张预算表都未读出时只由 JS-BG-031 报告一次。",
        _missing,
        (ex(tables=_LOCAL, meta=_B),),
        (ex(tables=_LOCAL[:-1], meta=_B),),
        LAW_BUDGET,
    ),
    _rule(
        "JS-BG-031", "未读出任何预算表", "warning", "BG",
        "未能从文件中读出任何预算表（{family}应公开：{tables}）：表格可能以图片印刷，或版式未能识别，请人工核对",
        "预算文件中一张预算表都未读出时报告一次（而不是逐表报告缺失）：表格可能以图片印刷、另册公开或版式未能识别。",
        _none_read,
        (ex(tables=("budget_summary",), meta=_B),),
        (ex(meta=_B),),
        LAW_BUDGET,
    ),
    _rule(
        "JS-BN-008", "预算编制说明缺少应说明的事项", "warning", "BN",
        "编制说明中未见{topics}（{count}项）",
        "部门预算的说明应包括机关运行经费、政府采购、绩效目标、国有资产占有使用等情况（模板族的 narrative_topics 可另行"
        "规定）。按说明文字中是否出现相应事项判断；只公开预算表、未附编制说明的文件也会报告。",
        _topics,
        (ex(text=_NOTES, meta=_B),),
        (ex(text=_NOTES[:2], meta=_B),),
        LAW_BUDGET_NOTES,
    ),
]

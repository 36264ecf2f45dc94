"""The whole authored document, in the family's order, as a list of parts:

cover → 目录 → 第一部分 部门概况 (placeholders) → 第二部分 情况说明 → 第三部分 名词解释 (terms
and the classification codes used) → 第四部分 决算表 (every table of the family, numbered
公开01表…, an empty table printed with its note 本表无数据).
"""

from __future__ import annotations

from ..refdata import function_codes
from ..refdata.families import DEFAULT_FAMILY, get_family
from .factset import FactSet
from .layouts import CODED_TABLES, TITLES, printed_table
from .narrative import narrative
from .parts import Heading, PageBreak, Para, Part, TableBlock

PLACEHOLDER = "＿＿"

TERMS = [
    ("财政拨款收入", "指单位从同级财政部门取得的财政预算资金。"),
    ("上级补助收入", "指单位从主管部门和上级单位取得的非财政性补助收入。"),
    ("事业收入", "指事业单位开展专业业务活动及辅助活动所取得的收入。"),
    ("经营收入", "指事业单位在专业业务活动及辅助活动之外开展非独立核算经营活动取得的收入。"),
    ("附属单位上缴收入", "指单位附属的独立核算单位按照规定上缴的收入。"),
    ("其他收入", "指除上述收入以外的各项收入。"),
    ("使用非财政拨款结余", "指事业单位按照预算管理要求使用非财政拨款结余弥补收支差额的金额。"),
    ("年初结转和结余", "指以前年度尚未完成、结转到本年按有关规定继续使用的资金。"),
    ("基本支出", "指保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。"),
    ("项目支出", "指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。"),
    ("上缴上级支出", "指事业单位按照财政部门和主管部门的规定上缴上级单位的支出。"),
    ("经营支出", "指事业单位在专业业务活动及辅助活动之外开展非独立核算经营活动发生的支出。"),
    ("对附属单位补助支出", "指事业单位用财政补助收入之外的收入对附属单位补助发生的支出。"),
    ("年末结转和结余", "指单位按有关规定结转到下年或以后年度继续使用的资金。"),
    ("“三公”经费", "指用财政拨款安排的因公出国（境）费、公务用车购置及运行维护费和公务接待费。"),
    ("机关运行经费", "指为保障行政单位（含参照公务员法管理的事业单位）运行，用于购买货物和服务等的各项公用经费。"),
]
_LEVEL = {3: "类", 5: "款", 7: "项"}


def family_tables(family_id: str, fs: FactSet) -> list[str]:
    fam = get_family(family_id)
    return list(fam.required) + [t for t in fam.optional if t in fs.tables()]


def glossary(fs: FactSet, year: int, tables: list[str]) -> list[str]:
    fc = function_codes(year)
    lines = [f"{name}：{text}" for name, text in TERMS]
    codes = sorted({r for t in tables if t in CODED_TABLES for r in fs.rows(t) if r.isdigit()})
    for code in codes:
        name = fc.name(code)
        if not name:
            continue
        parent = fc.name(code[:3]) if len(code) > 3 else ""
        where = f"，属{parent}" if parent and len(code) > 3 else ""
        lines.append(f"{name}（{_LEVEL.get(len(code), '')}）：支出功能分类科目{code}{where}。")
    return [f"{n}.{line}" for n, line in enumerate(lines, start=1)]


def build(fs: FactSet, *, department: str, year: int, family: str = DEFAULT_FAMILY,
          prior: FactSet | None = None) -> list[Part]:
    tables = family_tables(family, fs)
    numbers = {t: f"公开{i:02d}表" for i, t in enumerate(tables, start=1)}
    kind_title = f"{year}年度部门决算"
    parts: list[Part] = [Heading(department, 0), Heading(kind_title, 0), Para("（草稿：＿＿处待填写后定稿）", "cover"), PageBreak()]
    parts.append(Heading("目录", 1))
    toc = ["第一部分 部门概况", "一、主要职能", "二、机构设置", f"第二部分 {year}年度部门决算情况说明",
           "第三部分 名词解释", f"第四部分 {year}年度部门决算表"]
    toc += [f"{numbers[t]} {TITLES.get(t, t)}" for t in tables]
    parts += [Para(line, "toc") for line in toc]
    parts.append(PageBreak())
    parts += [Heading("第一部分 部门概况", 1), Heading("一、主要职能", 2), Para(f"主要职能：{PLACEHOLDER}"),
              Heading("二、机构设置", 2), Para(f"机构设置：{PLACEHOLDER}"), PageBreak()]
    parts.append(Heading(f"第二部分 {year}年度部门决算情况说明", 1))
    parts += narrative(fs, year, prior, tuple(tables))
    parts += [PageBreak(), Heading("第三部分 名词解释", 1)]
    parts += [Para(line) for line in glossary(fs, year, tables)]
    parts += [PageBreak(), Heading(f"第四部分 {year}年度部门决算表", 1)]
    for t in tables:
        parts.append(TableBlock(printed_table(fs, t, numbers[t], year), department, year))
        parts.append(PageBreak())
    return parts[:-1]

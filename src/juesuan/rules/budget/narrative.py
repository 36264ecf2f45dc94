"""Family BN: the budget narrative (编制说明) against the budget tables and against itself
(JS-BN-001 … JS-BN-007). The judgements are made once per document by
:func:`.narrative_checks.analyse`; each rule reports its own."""

from __future__ import annotations

from typing import Iterator

from ..engine import Context, Issue, Key, Rule, ex
from .base import BUDGET_KINDS, LAW_BUDGET_NOTES, LAW_BUDGET_THREE
from .narrative_checks import analyse, to_issue

_B = {"kind": "budget", "year": 2026}


def _issues(rule_id: str):
    def check(ctx: Context) -> Iterator[Issue]:
        if ctx.doc.kind != "budget":
            return
        a = analyse(ctx)
        for j in a.judgements:
            if j.rule == rule_id:
                yield to_issue(ctx, a, j)

    return check


def _read(ctx: Context) -> set[Key]:
    if ctx.doc.kind != "budget":
        return set()
    a = analyse(ctx)
    return {*a.read, *a.links.values()}


def _rule(rid, title, message, doc, passing, failing, severity="error", law=LAW_BUDGET_NOTES, group=False) -> Rule:
    return Rule(
        id=rid, title=title, severity=severity, family="BN", legal_basis=law, message=message, doc=doc,
        check=_issues(rid), passing=passing, failing=failing, cells_read=_read, kinds=BUDGET_KINDS, group=group,
    )


def _e(*cells: str, text: tuple[str, ...]) -> object:
    return ex(*cells, text=text, meta=_B)


_ITEM = "1、公共安全支出（204类）司法（06款）行政运行（01项）{lead}万元。主要用于：行政单位的基本支出。"
_EXEC = "2025年当年预算执行数为{prior}万元，2026年预算安排{plan}万元，比2025年预算执行数{dir}{rate}%。"
_CELL = "budget_gpb_expenditure/2040601/total=1672.67"


def _item(lead="1672.67", prior="1690.69", plan="1672.67", dir="减少", rate="1.07") -> tuple[str, ...]:
    return (_ITEM.format(lead=lead), _EXEC.format(prior=prior, plan=plan, dir=dir, rate=rate))


RULES = [
    _rule(
        "JS-BN-001", "预算说明中的金额与预算表不符",
        "{where}：{subject} {printed} 万元，与{cell} {expected} 不符，相差 {difference}",
        "编制说明中引用的预算金额（收入预算、支出预算及其构成，功能分类各项“（204类）…（06款）…（01项）X万元”，"
        "“三公”经费及其各项，机关运行经费，政府采购预算及其货物、工程、服务，绩效目标涉及的项目资金）应与预算表"
        "中对应单元格一致；一个金额可能对应多张表时（如功能分类项目可对应财政拨款、一般公共预算或部门支出预算表），"
        "任一张表相符即可。金额按其印刷精度比较（±末位一半）。",
        (_e(_CELL, text=_item()),
         _e("budget_three_public/total/budget=10.81", text=("2026年“三公”经费预算数为10.81万元，比2025年预算持平。",))),
        (_e(_CELL, text=_item(lead="1627.67", plan="1627.67", rate="3.73")),
         _e("budget_procurement/total/amount=1486.42", text=("2026年本部门政府采购预算1468.42万元。",))),
    ),
    _rule(
        "JS-BN-002", "预算说明中同一科目前后两处本年预算数不一致",
        "{where}：{subject}写作“预算安排 {plan} 万元”，与该项开头的 {lead} 万元不一致{table}",
        "编制说明对功能分类项目先列本年预算数，再在执行数比较中复述“本年预算安排 B 万元”；两处应相同（并与预算表一致）。",
        (_e(_CELL, text=_item()),),
        (_e("budget_gpb_expenditure/2210201/total=208.80", text=(
            "12、住房保障支出（221类）住房改革支出（02款）住房公积金（01项）208.8万元。",
            "2025年当年预算执行数为198.34万元，2026年预算安排201.50万元，比2025年预算执行数增加5.27%。")),),
    ),
    _rule(
        "JS-BN-003", "预算说明中的增减率（增减额）与金额不符",
        "{where}：{subject}{what}印为 {printed_rate}，按上年 {prior} 与本年 {current} 计算应为 {rate}",
        "编制说明中“比上年预算（执行数）增加/减少 y%”按 (本年 − 上年) ÷ 上年 由说明所列金额重新计算（本年数取预算表"
        "单元格，未能对应时取说明中的金额）；增减额按 本年 − 上年 计算；只列增减额和增减率时，y = x ÷ (本年 ∓ x)。"
        "百分比按 ±末位一半、金额按其印刷精度的区间判断，区间内的差异不报告。",
        (_e(_CELL, text=_item()), _e("budget_gpb_expenditure/2080501/total=57.804", text=(
            "7、社会保障和就业支出（208类）行政事业单位养老支出（05款）行政单位离退休（01项）57.8万元。",
            "2025年当年预算执行数为59.11万元，2026年预算安排57.8万元，比2025年预算执行数减少2.21%。"))),
        (_e(_CELL, text=_item(rate="1.09")), _e(text=("2026年收入预算110.00万元，比2025年预算增加10.00万元，增长11.00%。",))),
    ),
    _rule(
        "JS-BN-004", "预算说明中的增减方向与金额相反",
        "{where}：{subject}印为比上年{stated}，但按上年 {prior} 与本年 {current} 计算为{actual}（{change}）",
        "编制说明写“增加”而本年数小于上年数（或相反、或写“持平”而两者不同）时报告；上年数多为笔误，须核对原稿。",
        (_e(_CELL, text=_item()),),
        (_e("budget_gpb_expenditure/2040699/total=3845.49", text=(
            "6、公共安全支出（204类）司法（06款）其他司法支出（99项）3845.49万元。",
            "2025年当年预算执行数为43269.3万元，2026年预算安排3845.49万元，比2025年预算执行数增加17.62%。")),),
    ),
    _rule(
        "JS-BN-005", "预算说明的比较基期与本预算年度相同",
        "{where}：{subject}的比较基期印为“{basis}”，与本预算年度 {year} 年相同，应为 {prior} 年（上年）预算",
        "预算说明与上年预算（或上年执行数）比较；“比2026年预算增加”出现在2026年预算中，比较的年份写成了本年，"
        "多为模板年份未更新。每份文件合并为一条。",
        (_e(text=("2026年收入预算110.00万元，比2025年预算增加10.00万元。",)),),
        (_e(text=("2026年收入预算110.00万元，比2026年预算增加10.00万元。",)),),
        severity="warning", group=True,
    ),
    _rule(
        "JS-BN-006", "预算说明中各分项之和不等于所述合计",
        "{where}：{subject} {total} 万元 ≠ {parts} {sum} 万元",
        "编制说明同时列出合计与全部分项时，分项之和应等于合计：“三公”经费 = 因公出国（境）费 + 公务用车购置及运行费 + "
        "公务接待费，公务用车购置及运行费 = 购置费 + 运行费，政府采购预算 = 货物 + 工程 + 服务。",
        (_e(text=("2026年本部门政府采购预算1486.42万元，其中：政府采购货物预算3.66万元、政府采购工程预算36.44万元、"
                  "政府采购服务预算1446.32万元。",)),),
        (_e(text=("2026年“三公”经费预算数为10.81万元。其中：（一）因公出国（境）费0万元；（二）公务用车购置及运行费9.98万元；"
                  "（三）公务接待费0.38万元。",)),),
        law=LAW_BUDGET_THREE,
    ),
    _rule(
        "JS-BN-007", "绩效目标涉及的项目资金与项目支出预算不符",
        "{where}：编报绩效目标的项目资金 {amount} 万元{how}项目支出预算 {projects} 万元（{cell}）",
        "编制说明所述编报绩效目标的项目涉及资金不应超过项目支出预算（支出预算表的项目支出合计，或收支预算总表的项目"
        "支出）；说明称全部项目均编报时应相等。",
        (_e("budget_expenditure/total/project=7054.05", text=("编报绩效目标的项目20个，涉及项目预算资金7054.05万元。",)),),
        (_e("budget_expenditure/total/project=7054.05", text=("编报绩效目标的项目20个，涉及项目预算资金7504.05万元。",)),),
    ),
]

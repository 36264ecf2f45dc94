"""The catalog entries of family NR (narrative against the tables) and their check functions."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from ..engine import Context, Issue, Rule, ex
from .analysis import _issue, analysis
from .base import Key, LAW_ART5, LAW_NARRATIVE


def _check(rule_id: str, outcome: str = "mismatch"):
    def check(ctx: Context) -> Iterator[Issue]:
        a = analysis(ctx)
        for item in a.items:
            if item.rule == rule_id and item.outcome == outcome:
                yield _issue(ctx, a, item)

    return check


def _cells_read(ctx: Context) -> set[Key]:
    return analysis(ctx).read


def _rounding(ctx: Context) -> Iterator[Issue]:
    a = analysis(ctx)
    for item in a.items:
        if item.outcome == "rounding":
            issue = _issue(ctx, a, item)
            tol = issue.fields.get("tolerance", "")
            cut = item.difference is not None and tol and abs(Decimal(item.difference)) > Decimal(tol)
            why = "是比率截断（而非四舍五入）到末位的结果" if cut else f"在四舍五入允许范围（±{tol}）之内"
            issue.fields = {**issue.fields, "rule_id": item.rule, "rule_title": _TITLES[item.rule], "why": why}
            yield issue

# --------------------------------------------------------------------------- catalog entries

_H1 = "一、收入支出决算总体情况说明"
_SUMMARY = ("income_expense_summary/income.grand_total/amount=100.00",)
_OPERATING = "income_expense_summary/income.operating/amount=25.00"
_YEAR_TOTAL = "income_expense_summary/income.total/amount=90.00"
_TOTAL_LABELS = {"income_expense_summary/income.total": "本年收入合计"}


def _t(*lines: str) -> tuple[str, ...]:
    return lines


RULES = [
    Rule(
        id="JS-NR-001",
        title="情况说明中的金额与决算表不一致",
        severity="error",
        family="NR",
        legal_basis=LAW_NARRATIVE,
        message="{where}「{subject}」{printed} {unit}，与{cell}（{expected}）不符，相差 {difference}{hint}",
        doc=(
            "情况说明引用的每个金额（以及统计表中的车辆数）应与所引用的决算表单元格一致：收入总计、本年收入合计、"
            "各项收入与支出、财政拨款收支、一般公共预算财政拨款支出及其功能分类科目、人员经费与公用经费、“三公”"
            "经费（预算数对应“三公”表的预算数栏）、机关运行经费、政府采购和国有资产统计数。功能分类科目按所在段落"
            "对应一般公共预算、政府性基金或国有资本经营预算财政拨款支出决算表，其他段落对应支出决算表。差额在印刷"
            "精度（±0.005 万元）之内为尾差（JS-NR-009）。年初预算数（“三公”除外）、与上年比较的数字和功能科目下的经济"
            "分类明细，决算表不列，不在本条核对。"
        ),
        cells_read=_cells_read,
        check=_check("JS-NR-001"),
        passing=(
            ex(*_SUMMARY, text=_t(_H1, "收入总计 100.00 万元。")),
            # a family that prints its grand total as 合计: 收入总计 names the year's 本年收入合计
            ex(*_SUMMARY, _YEAR_TOTAL, labels={**_TOTAL_LABELS, "income_expense_summary/income.grand_total": "合计"},
               text=_t(_H1, "收入总计 90.00 万元。")),
        ),
        failing=(
            ex(*_SUMMARY, text=_t(_H1, "收入总计 110.00 万元。")),
            # the table prints 总计: quoting the year's total under that name is the error
            ex(*_SUMMARY, _YEAR_TOTAL, labels={**_TOTAL_LABELS, "income_expense_summary/income.grand_total": "总计"},
               text=_t(_H1, "收入总计 90.00 万元。")),
            ex("three_public/total/budget=19.55", "three_public/total/final=19.55",
               text=_t("三、财政拨款“三公”经费支出决算情况说明", "“三公”经费支出 19.55 万元，三公经费预算 23.45 万元。")),
        ),
    ),
    Rule(
        id="JS-NR-002",
        title="情况说明中的占比与金额不符",
        severity="error",
        family="NR",
        legal_basis=LAW_NARRATIVE,
        message="{where}「{subject}」占{whole}的 {printed}，按 {part} ÷ {whole_amount} 计算应为 {expected}",
        doc=(
            "“占…的 z%”应等于部分 ÷ 整体：部分取句中所列金额或其决算表单元格，整体取其决算表单元格或情况说明"
            "所列的整体金额，任一组合在区间语义下成立即视为一致（金额按 ±半个末位、百分比按 ±0.005 个百分点）。"
        ),
        cells_read=_cells_read,
        check=_check("JS-NR-002"),
        passing=(ex(*_SUMMARY, _OPERATING, text=_t(_H1, "收入总计 100.00 万元，其中：事业收入 25.00 万元，占收入总计的 25.00%。")),),
        failing=(ex(*_SUMMARY, _OPERATING, text=_t(_H1, "收入总计 100.00 万元，其中：事业收入 25.00 万元，占收入总计的 52.00%。")),),
    ),
    Rule(
        id="JS-NR-003",
        title="增减额与增减幅度不一致",
        severity="error",
        family="NR",
        legal_basis=LAW_NARRATIVE,
        message="{where}「{subject}」{change}、{printed}，两者不一致：{detail}",
        doc=(
            "同一句中的增减额 x 与增减幅度 y% 应自洽：增加时 y = x ÷（本年数 − x），减少时 y = x ÷（本年数 + x），"
            "本年数取句中或本节所列金额或其决算表单元格；增减方向应一致。"
        ),
        cells_read=_cells_read,
        check=_check("JS-NR-003"),
        passing=(ex(*_SUMMARY, text=_t(_H1, "收入总计 100.00 万元，比上年增加 20.00 万元，增长 25.00%，主要原因是人员增加。")),),
        failing=(
            ex(*_SUMMARY, text=_t(_H1, "收入总计 100.00 万元，比上年增加 20.00 万元，增长 20.00%，主要原因是人员增加。")),
            ex(*_SUMMARY, text=_t(_H1, "收入总计 100.00 万元，比上年增加 20.00 万元，下降 25.00%，主要原因是人员增加。")),
        ),
    ),
    Rule(
        id="JS-NR-004",
        title="预算完成率与预算数、决算数不符",
        severity="error",
        family="NR",
        legal_basis=LAW_NARRATIVE,
        message="{where}「{subject}」完成预算的 {printed}，按决算数 {final} ÷ 预算数 {budget} 计算应为 {expected}",
        doc=(
            "“完成（年初/全年）预算的 z%”应等于同一句所列决算数 ÷ 预算数（句中“年初预算”“全年预算”各取其数）；"
            "“三公”经费句中未列预算数时取“三公”表的预算数。"
        ),
        cells_read=_cells_read,
        check=_check("JS-NR-004"),
        passing=(
            ex(text=_t("五、一般公共预算财政拨款支出决算情况说明",
                       "一般公共预算财政拨款支出年初预算为 200.00 万元，支出决算为 150.00 万元，完成年初预算的 75.00%，主要原因是项目延期。")),
        ),
        failing=(
            ex(text=_t("五、一般公共预算财政拨款支出决算情况说明",
                       "一般公共预算财政拨款支出年初预算为 200.00 万元，支出决算为 150.00 万元，完成年初预算的 85.00%，主要原因是项目延期。")),
        ),
    ),
    Rule(
        id="JS-NR-005",
        title="预算完成率不合理",
        severity="warning",
        family="NR",
        legal_basis=LAW_NARRATIVE,
        message="{where}「{subject}」完成率 {printed}：{detail}",
        doc=(
            "完成率本身虽可计算，但与其金额或说明不相称：有支出而完成率为 0%；句中说明年初未安排预算却列示完成率；"
            "预算数与决算数不是同一口径（预算数是另一科目的年初预算，决算数另有所指）；总体完成率与逐项决算数和"
            "完成率推算的结果相差悬殊（加权平均不可能得到）。这些情况需要人工核实，报告为警告。"
        ),
        cells_read=_cells_read,
        check=_check("JS-NR-005", "warn"),
        passing=(
            ex(text=_t("五、一般公共预算财政拨款支出决算情况说明",
                       "1. 住房保障支出（类）住房改革支出（款）购房补贴（项）104.30 万元，完成年初预算的 100%。")),
        ),
        failing=(
            ex(text=_t("五、一般公共预算财政拨款支出决算情况说明",
                       "1. 住房保障支出（类）住房改革支出（款）购房补贴（项）104.30 万元，完成年初预算的 100%，"
                       "主要原因是年初无预算，据实支付。")),
            ex(text=_t("五、一般公共预算财政拨款支出决算情况说明",
                       "1. 资源勘探工业信息等支出（类）工业和信息产业监管（款）工程建设及运行维护（项）1.98 万元，"
                       "完成年初预算的 0%，主要原因是机构改革。")),
        ),
    ),
    Rule(
        id="JS-NR-006",
        title="情况说明所列分项之和与合计不符",
        severity="error",
        family="NR",
        legal_basis=LAW_NARRATIVE,
        message="{where}「{whole}」{printed}，应{relation}所列分项之和 {parts} ＝ {expected}，相差 {difference}",
        doc=(
            "情况说明内部的加总：收入总计与各项收入、本年支出合计与基本/项目等支出、财政拨款支出与基本/项目支出、"
            "基本支出与人员经费/公用经费、“三公”合计与三项经费、公务用车与购置/运行、公务接待与国内/外事、政府采购"
            "总额与货物/工程/服务、车辆总数与各类车辆（分项齐全时应相等，不全时合计不应小于已列分项之和）；功能分类"
            "类级金额不小于其下所列科目之和，一般公共预算财政拨款支出不小于所列各类之和；人员经费、公用经费不小于"
            "所列经济分类明细之和；同一整体的各项占比之和不超过 100%（分项金额齐全时应为 100%）。预算数同样核对。"
            "已由 JS-NR-001 报告为与表不符的数字不再重复报告。决算表为图片而无法读取时，本条仍可核对叙述本身。"
        ),
        cells_read=_cells_read,
        check=_check("JS-NR-006"),
        passing=(
            ex(text=_t("三、财政拨款“三公”经费支出决算情况说明",
                       "“三公”经费支出 10.00 万元，其中：因公出国（境）费 0.00 万元，公务接待费 4.00 万元，"
                       "公务用车购置及运行维护费 6.00 万元。")),
        ),
        failing=(
            ex(text=_t("三、财政拨款“三公”经费支出决算情况说明",
                       "“三公”经费支出 10.00 万元，其中：因公出国（境）费 0.00 万元，公务接待费 4.00 万元，"
                       "公务用车购置及运行维护费 7.00 万元。")),
        ),
    ),
    Rule(
        id="JS-NR-007",
        title="机关运行经费大于公用经费",
        severity="error",
        family="NR",
        legal_basis=LAW_ART5,
        message="{where}机关运行经费 {printed} 万元，大于公用经费 {public} 万元（{source}）",
        doc=(
            "机关运行经费是行政单位和参照公务员法管理的事业单位一般公共预算财政拨款基本支出中的公用经费，"
            "不应大于本部门的公用经费（一般公共预算财政拨款基本支出决算表的公用经费合计，或情况说明所列公用经费）。"
        ),
        cells_read=_cells_read,
        check=_check("JS-NR-007"),
        passing=(
            ex("gpb_basic/public_total/amount=50.00",
               text=_t("五、其他重要事项的情况说明", "（一）机关运行经费支出情况", "机关运行经费支出 30.00 万元。")),
        ),
        failing=(
            ex("gpb_basic/public_total/amount=50.00",
               text=_t("五、其他重要事项的情况说明", "（一）机关运行经费支出情况", "机关运行经费支出 60.00 万元。")),
        ),
    ),
    Rule(
        id="JS-NR-008",
        title="财政拨款基本支出、项目支出与分资金决算表不符",
        severity="error",
        family="NR",
        legal_basis=LAW_ART5,
        message="{where}财政拨款基本支出、项目支出与分资金决算表不符：{detail}{hint}",
        doc=(
            "财政拨款支出中的基本支出、项目支出应等于一般公共预算、政府性基金预算、国有资本经营预算三张财政拨款"
            "支出决算表相应栏之和（文件缺少的表不计）；在一般公共预算财政拨款支出、基本支出的段落中，“财政拨款基本支出”"
            "指一般公共预算财政拨款基本支出（由 JS-NR-001 核对）。"
        ),
        cells_read=_cells_read,
        check=_check("JS-NR-008"),
        passing=(
            ex("gpb_expenditure/total/total=90.00", "gpb_expenditure/total/basic=60.00",
               "gpb_expenditure/total/project=30.00", "soe_capital/total/total=10.00", "soe_capital/total/project=10.00",
               text=_t("二、财政拨款支出决算情况说明", "财政拨款支出 100.00 万元，其中：基本支出 60.00 万元，项目支出 40.00 万元。")),
        ),
        failing=(
            ex("gpb_expenditure/total/total=90.00", "gpb_expenditure/total/basic=60.00",
               "gpb_expenditure/total/project=30.00", "soe_capital/total/total=10.00", "soe_capital/total/basic=10.00",
               text=_t("二、财政拨款支出决算情况说明", "财政拨款支出 100.00 万元，其中：基本支出 60.00 万元，项目支出 40.00 万元。")),
        ),
    ),
    Rule(
        id="JS-NR-009",
        title="情况说明数字尾差",
        severity="info",
        family="NR",
        legal_basis="",
        message="{rule_id}「{rule_title}」：{note}，{why}，属尾差",
        doc=(
            "情况说明的数字按印刷精度四舍五入：金额 v 代表 [v−0.005, v+0.005]，百分比 z% 代表 ±0.005 个百分点，"
            "比率在各金额区间的端点取到上下限。印刷值与按印刷金额计算的结果不同、但在区间之内的，报告为本条提示，"
            "并注明是哪条规则；百分比恰为比率截断（而非四舍五入）到末位的结果（99.868% 印为 99.86%）也属本条。"
            "超出区间才由该规则报告为错误。"
        ),
        cells_read=_cells_read,
        check=_rounding,
        passing=(ex(text=_t("五、一般公共预算财政拨款支出决算情况说明",
                            "一般公共预算财政拨款支出年初预算为 3.00 万元，支出决算为 1.00 万元，完成年初预算的 33.33%，主要原因是项目延期。")),),
        failing=(
            ex(text=_t("三、财政拨款“三公”经费支出决算情况说明",
                       "公务接待费 0.54 万元，比上年增加 0.23 万元，增长 75.06%，主要原因是接待增加。"),
               note="0.23 ÷ (0.54 − 0.23) = 74.19%，两个金额各 ±0.005 时可到 70.3%–78.3%"),
        ),
    ),
    Rule(
        id="JS-NR-011",
        title="情况说明中的百分比按较少小数位舍入",
        severity="warning",
        family="NR",
        legal_basis=LAW_NARRATIVE,
        message="{where}「{subject}」{what}印为 {printed}，按 {detail} 计算为 {expected}：{why}后按两位小数印出，请核实",
        doc=(
            "占比、增减幅度、完成率印为 90.00% 而按金额计算为 89.79%：按两位小数不符，但若把印刷值读作较少的小数位"
            "（90% 代表 [89.5%, 90.5%]）则相符——这是比率先舍入到整数百分比（或一位小数）、再补零印出的结果，"
            "不是错误的数字，报告为警告并说明“完成率按整数百分比舍入”。只有印刷值在较少小数位之后全为 0 时才这样"
            "读；区间语义同 juesuan.money（金额 ±半个末位）。按较少小数位仍不符的，由 JS-NR-002/003/004 报告为错误。"
        ),
        cells_read=_cells_read,
        check=_check("JS-NR-011", "warn"),
        passing=(
            ex(text=_t("五、一般公共预算财政拨款支出决算情况说明",
                       "一般公共预算财政拨款支出年初预算为 200.00 万元，支出决算为 179.58 万元，完成年初预算的 89.79%，主要原因是项目延期。")),
        ),
        failing=(
            ex(text=_t("五、一般公共预算财政拨款支出决算情况说明",
                       "一般公共预算财政拨款支出年初预算为 200.00 万元，支出决算为 179.58 万元，完成年初预算的 90.00%，主要原因是项目延期。"),
               note="179.58 ÷ 200.00 = 89.79%，按整数百分比舍入为 90%"),
        ),
    ),
]

_TITLES = {r.id: r.title for r in RULES}

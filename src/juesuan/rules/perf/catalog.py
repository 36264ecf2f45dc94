"""The catalog entries of family PF."""

from __future__ import annotations


from ..engine import Rule, ex
from .analysis import _checker
from .base import (
    COARSE_ID,
    BALANCE_ID,
    DEGREE_ID,
    DOCKED_ID,
    EXEC_ID,
    GRADE_ID,
    GRADE_THRESHOLDS,
    INCOMPLETE_ID,
    LAW_PERF,
    LAW_PERF_GRADE,
    LAW_PERF_SCORE,
    OVER_ID,
    RATE_ID,
    ROUNDING_ID,
    SOURCES_ID,
    SUBTOTAL_ID,
    TOTAL_ID,
    WEIGHTS_ID,
    _TITLES,
)


_P = "perf_project"


def _rule(rule_id: str, severity: str, legal: str, message: str, doc: str, passing, failing) -> Rule:
    return Rule(
        id=rule_id, title=_TITLES[rule_id], severity=severity, family="PF",  # type: ignore[arg-type]
        legal_basis=legal, message=message, doc=doc, check=_checker(rule_id),
        passing=tuple(passing), failing=tuple(failing),
    )


_NOTE_INITIAL = {f"{_P}/funds.total": "年度资金总额（注：执行率是执行数与年初预算数相比较）"}
_NOTE_SCORE = {f"{_P}/funds.total": "年度资金总额（注：执行率得分=分值×执行率）"}

RULES = [
    _rule(
        RATE_ID, "error", LAW_PERF,
        "{table_name}「{project}」{row_label}（{where}）：执行率印为 {printed}%，按{basis_source}应为 全年执行数 "
        "{executed} ÷ {basis_name} {denominator} = {expected}%，相差 {difference} 个百分点{note}",
        "执行率 = 全年执行数 ÷ 预算数 × 100%，逐行（资金总额、各资金来源、年度主要任务）检查。分母取本表表注"
        "（如“执行率是执行数与全年预算数相比较”）所说的预算数；本表没有表注时取本文件其他表格表注的口径；"
        "文件中均未说明时按全年预算数，也接受按年初预算数计算的结果。执行数、预算数和执行率都按印刷精度"
        "视为区间。表中执行率与另一口径一致时在消息中注明（疑按另一口径计算）。预算数为零时不检查。",
        [ex(f"{_P}/funds.total/budget_full=3455.63", f"{_P}/funds.total/executed=2192.25",
            f"{_P}/funds.total/rate=63.44"),
         ex(f"{_P}/funds.total/budget_initial=80.00", f"{_P}/funds.total/budget_full=100.00",
            f"{_P}/funds.total/executed=60.00", f"{_P}/funds.total/rate=75.00", labels=_NOTE_INITIAL,
            note="表注：执行率与年初预算数相比较")],
        [ex(f"{_P}/funds.total/budget_full=3455.63", f"{_P}/funds.total/executed=2192.25",
            f"{_P}/funds.total/rate=69.30"),
         ex(f"{_P}/funds.total/budget_initial=80.00", f"{_P}/funds.total/budget_full=100.00",
            f"{_P}/funds.total/executed=60.00", f"{_P}/funds.total/rate=60.00", labels=_NOTE_INITIAL,
            note="按全年预算数计算，与表注口径不符")],
    ),
    _rule(
        EXEC_ID, "error", LAW_PERF_SCORE,
        "{table_name}「{project}」{row_label}（{where}）：执行率得分印为 {printed}，按{score_source}"
        "（得分 = 分值 × min(执行率, 100%)）应为 {weight} × {rate} = {expected}{weight_note}，相差 {difference}",
        "执行率得分 = 分值 × min(执行率, 100%)（执行率超过100%按满分计），检查资金总额行、印有得分的资金来源行"
        "和年度主要任务行；分值未列示时按10分计。各地计分办法不一：本表表注说明了这一算法时检查；没有表注时，"
        "本文件其他表格多数（过半且至少两张）符合这一算法才检查，并在消息中注明；否则不检查。",
        [ex(f"{_P}/funds.total/weight=10", f"{_P}/funds.total/rate=63.44", f"{_P}/funds.total/score=6.34",
            labels=_NOTE_SCORE, note="表注说明执行率得分算法"),
         ex(f"{_P}/funds.total/weight=10", f"{_P}/funds.total/rate=63.44", f"{_P}/funds.total/score=7.05",
            note="无表注、无其他表格可参照：不检查")],
        [ex(f"{_P}/funds.total/weight=10", f"{_P}/funds.total/rate=63.44", f"{_P}/funds.total/score=7.05",
            labels=_NOTE_SCORE, note="10 × 63.44% = 6.34")],
    ),
    _rule(
        SOURCES_ID, "error", LAW_PERF,
        "{table_name}「{project}」（{where}）「{column_name}」：资金总额印为 {printed}，各资金来源 {other} 合计 "
        "{expected}，相差 {difference}",
        "资金总额行的年初预算数、全年预算数、全年执行数、结转结余应分别等于各资金来源行（财政拨款或其中的中央、"
        "省级、市县资金，上年结转、财政专户管理资金、单位资金、其他资金）之和。只印一个来源且标为“其中”时不检查。",
        [ex(f"{_P}/funds.total/budget_full=100.00", f"{_P}/funds.fiscal/budget_full=80.00",
            f"{_P}/funds.unit_funds/budget_full=20.00")],
        [ex(f"{_P}/funds.total/budget_full=100.00", f"{_P}/funds.fiscal/budget_full=80.00",
            f"{_P}/funds.unit_funds/budget_full=10.00")],
    ),
    _rule(
        BALANCE_ID, "error", LAW_PERF,
        "{table_name}「{project}」{row_label}（{where}）：资金结转结余印为 {printed}，{basis_name} {budget} − "
        "全年执行数 {executed} = {expected}，相差 {difference}",
        "资金结转（结余）= 全年预算数 − 全年执行数（也接受按年初预算数计算），逐行检查。",
        [ex(f"{_P}/funds.total/budget_full=100.00", f"{_P}/funds.total/executed=60.00",
            f"{_P}/funds.total/balance=40.00")],
        [ex(f"{_P}/funds.total/budget_full=100.00", f"{_P}/funds.total/executed=60.00",
            f"{_P}/funds.total/balance=30.00")],
    ),
    _rule(
        OVER_ID, "error", LAW_PERF_SCORE,
        "{table_name}「{project}」{row_label}（{where}）：得分 {printed} 超过分值 {expected}，超出 {difference}",
        "每项绩效指标（及资金管理项）的得分不能超过其分值。",
        [ex(f"{_P}/ind.1/weight=10", f"{_P}/ind.1/score=10", f"{_P}/ind.2/weight=5", f"{_P}/ind.2/score=2.5")],
        [ex(f"{_P}/ind.1/weight=10", f"{_P}/ind.1/score=12", labels={f"{_P}/ind.1": "产出指标/数量指标/培训人数"})],
    ),
    _rule(
        DEGREE_ID, "error", LAW_PERF_SCORE,
        "{table_name}「{project}」{row_label}（{where}）：完成程度 {degree}、分值 {weight}，按本文件其他指标的"
        "计分方式（得分 = 分值 × 完成程度，{n_follow}/{n_other} 项符合）最多应得 {expected}，表中得分 {printed}，"
        "高出 {difference}",
        "表中列有“完成程度”时，指标得分 = 分值 × min(完成程度, 100%)。得分高于这一数值（部分完成却得高分）"
        "无法由扣分解释，报告为错误。各地计分办法不一：只有本文件其他列有完成程度的指标多数（过半且至少两项）"
        "按此计分时才检查，消息中注明符合的项数。",
        [ex(f"{_P}/ind.1/degree=100", f"{_P}/ind.1/weight=12.5", f"{_P}/ind.1/score=12.5",
            f"{_P}/ind.2/degree=37.0", f"{_P}/ind.2/weight=12.5", f"{_P}/ind.2/score=4.625",
            f"{_P}/ind.3/degree=100", f"{_P}/ind.3/weight=10", f"{_P}/ind.3/score=10")],
        [ex(f"{_P}/ind.1/degree=100", f"{_P}/ind.1/weight=12.5", f"{_P}/ind.1/score=12.5",
            f"{_P}/ind.2/degree=37.0", f"{_P}/ind.2/weight=12.5", f"{_P}/ind.2/score=4.625",
            f"{_P}/ind.3/degree=40.0", f"{_P}/ind.3/weight=12.5", f"{_P}/ind.3/score=12.5",
            note="完成程度40%却得满分")],
    ),
    _rule(
        DOCKED_ID, "warning", LAW_PERF_SCORE,
        "{table_name}「{project}」{row_label}（{where}）：完成程度 {degree}、分值 {weight}，按本文件其他指标的"
        "计分方式（得分 = 分值 × 完成程度，{n_follow}/{n_other} 项符合）应得 {expected}，表中得分 {printed}，"
        "少 {difference_abs}；可能另有扣分（如偏差过大、目标设置不合理），请核实并在表中说明",
        "表中列有“完成程度”时，指标得分 = 分值 × min(完成程度, 100%)：完成程度100%应得满分，部分完成按比例得分。"
        "得分低于这一数值（完成程度100%却扣分，或部分完成却得0分）与表中的完成程度不一致；但评分人可能按偏差"
        "扣分等规则另行扣分，故作警告。只有本文件其他列有完成程度的指标多数（过半且至少两项）按此计分时才检查。",
        [ex(f"{_P}/ind.1/degree=100", f"{_P}/ind.1/weight=12.5", f"{_P}/ind.1/score=12.5",
            f"{_P}/ind.2/degree=37.0", f"{_P}/ind.2/weight=12.5", f"{_P}/ind.2/score=4.625",
            f"{_P}/ind.3/degree=100", f"{_P}/ind.3/weight=10", f"{_P}/ind.3/score=10")],
        [ex(f"{_P}/ind.1/degree=100", f"{_P}/ind.1/weight=12.5", f"{_P}/ind.1/score=12.5",
            f"{_P}/ind.2/degree=37.0", f"{_P}/ind.2/weight=12.5", f"{_P}/ind.2/score=4.625",
            f"{_P}/ind.3/degree=100", f"{_P}/ind.3/weight=12.5", f"{_P}/ind.3/score=7.5",
            note="完成程度100%却扣5分")],
    ),
    _rule(
        SUBTOTAL_ID, "error", LAW_PERF_SCORE,
        "{table_name}「{project}」（{where}）：指标自评得分小计印为 {printed}，{n} 项指标得分合计 {expected}，"
        "相差 {difference}{weights_note}",
        "“指标自评得分小计”应等于各项绩效指标得分之和（得分按 ±0.005 的区间比较）。表格分值合计不符、"
        "差额可由缺失或重复的行解释时，改由 JS-PF-011 作警告。",
        [ex(f"{_P}/ind.1/score=10", f"{_P}/ind.2/score=5", f"{_P}/indicators/score=15")],
        [ex(f"{_P}/ind.1/score=10", f"{_P}/ind.2/score=5", f"{_P}/indicators/score=18")],
    ),
    _rule(
        TOTAL_ID, "error", LAW_PERF_SCORE,
        "{table_name}「{project}」（{where}）：总分印为 {printed}，{composition} 合计 {expected}，相差 "
        "{difference}{weights_note}",
        "总分 = 指标得分（印有“指标自评得分小计”时取小计，否则取各指标得分之和）＋资金管理得分或年度主要任务得分"
        "＋执行率得分 − 减分项。按各指标得分求和、而表格分值合计不符且差额可由缺失或重复的行解释时，改由 "
        "JS-PF-011 作警告；按印出的小计求和时，这一行的算术与缺行无关，照常报告错误。",
        [ex(f"{_P}/ind.1/score=50", f"{_P}/ind.2/score=32.5", f"{_P}/funds.total/score=7.84",
            f"{_P}/total/score=90.34"),
         ex(f"{_P}/indicators/score=32", f"{_P}/funds.total/score=7.84", f"{_P}/deduction/score=0",
            f"{_P}/total/score=39.84")],
        [ex(f"{_P}/indicators/score=0", f"{_P}/funds.total/score=7.06", f"{_P}/deduction/score=0",
            f"{_P}/total/score=0", note="总得分0，执行率得分却为7.06")],
    ),
    _rule(
        GRADE_ID, "error", LAW_PERF_GRADE,
        "{table_name}「{project}」（{where}）：总分 {score} 对应等级「{expected}」（{thresholds}），表中评价等级"
        "印为「{printed}」",
        f"评价等级应与总分相符：{GRADE_THRESHOLDS}。",
        [ex(f"{_P}/total/score=85", labels={f"{_P}/total": "总分（等级：良）"})],
        [ex(f"{_P}/total/score=85", labels={f"{_P}/total": "总分（等级：优）"})],
    ),
    _rule(
        WEIGHTS_ID, "warning", LAW_PERF_SCORE,
        "{table_name}「{project}」（{title_line}）：{n} 项指标及执行率等各项分值合计 {expected}{default_note}，"
        "{target} {printed}，相差 {difference}",
        "各项指标、资金管理（或年度主要任务）和执行率的分值之和应等于印出的总分值，未印总分值时应为100分"
        "（执行率分值未列示时按10分计）。不符说明表格可能丢了行（转换或印制时）或本身设置有误，作警告；"
        "同一表格的得分合计检查据此降级（见 JS-PF-011）。",
        [ex(f"{_P}/ind.1/weight=50", f"{_P}/ind.2/weight=40", f"{_P}/funds.total/weight=10",
            f"{_P}/total/score=90")],
        [ex(f"{_P}/ind.1/weight=50", f"{_P}/ind.2/weight=30", f"{_P}/funds.total/weight=10",
            f"{_P}/total/score=90")],
    ),
    _rule(
        INCOMPLETE_ID, "warning", LAW_PERF_SCORE,
        "{table_name}「{project}」（{where}）：{subject}印为 {printed}，按所列各行合计 {expected}，相差 {difference}；"
        "{reason}，差额在缺失（或多出）分值的范围内，可由此解释，故作警告而非错误（{identity}）",
        "表格的分值合计不符（JS-PF-010）时，按各指标得分求和的检查（小计、总分）可能因缺行或重复行而不符：缺行时"
        "差额在 0 到缺失分值之间、多出行时在负的多出分值到 0 之间，即可由这些行解释，报告为警告；超出此范围仍由"
        "原规则报告错误。",
        [ex(f"{_P}/ind.1/weight=50", f"{_P}/ind.1/score=50", f"{_P}/ind.2/weight=40", f"{_P}/ind.2/score=40",
            f"{_P}/funds.total/weight=10", f"{_P}/funds.total/score=10", f"{_P}/total/score=100")],
        [ex(f"{_P}/ind.1/weight=50", f"{_P}/ind.1/score=50", f"{_P}/ind.2/weight=30", f"{_P}/ind.2/score=30",
            f"{_P}/funds.total/weight=10", f"{_P}/funds.total/score=10", f"{_P}/total/score=95",
            note="分值合计90，少10分；总分比得分合计多5分，可由丢失的一行解释")],
    ),
    _rule(
        ROUNDING_ID, "info", "",
        "{identity_rule}「{identity_title}」：{table_name}「{project}」（{where}）{subject}印为 {printed}，计算值 "
        "{expected}，相差 {difference}，超出四舍五入区间（±{tolerance}）但不足末位一个单位，属{kind}或尾差",
        "绩效自评表的执行率、得分常按截尾（舍去）而非四舍五入印出，或由未经舍入的金额算出。差额超出 money.compare "
        "的区间、但不超过印刷末位一个单位（最多0.01）时，不报错误，只在此作提示，并注明是哪条规则的哪个等式。",
        [ex(f"{_P}/funds.total/weight=10", f"{_P}/funds.total/rate=80.16", f"{_P}/funds.total/score=8.02",
            labels=_NOTE_SCORE)],
        [ex(f"{_P}/funds.total/weight=10", f"{_P}/funds.total/rate=80.16", f"{_P}/funds.total/score=8.01",
            labels=_NOTE_SCORE, note="10 × 80.16% = 8.016，印 8.01（截尾）")],
    ),
    _rule(
        COARSE_ID, "warning", LAW_PERF,
        "{table_name}「{project}」{row_label}（{where}）：执行率印为 {printed}%，按 全年执行数 {executed} ÷ "
        "{basis_name} {denominator} 计算为 {expected}%：{why}后补零印出，请核实",
        "执行率印为 90.00% 而按金额计算为 89.79%：按两位小数不符（JS-PF-001），但把印刷值读作较少的小数位"
        "（90% 代表 [89.5%, 90.5%]）则相符——这是执行率先按整数百分比（或一位小数）舍入、再补零印出的结果，不是"
        "错误的数，报告为警告并说明“执行率按整数百分比舍入”。只有印刷值在较少小数位之后全为 0 时才这样读，区间"
        "语义同 juesuan.money；按较少小数位仍不符的，仍由 JS-PF-001 报告为错误。",
        [ex(f"{_P}/funds.total/budget_full=200.00", f"{_P}/funds.total/executed=179.58",
            f"{_P}/funds.total/rate=89.79")],
        [ex(f"{_P}/funds.total/budget_full=200.00", f"{_P}/funds.total/executed=179.58",
            f"{_P}/funds.total/rate=90.00", note="179.58 ÷ 200.00 = 89.79%，按整数百分比舍入为 90%")],
    ),
]

assert [r.id for r in RULES] == list(_TITLES), "rule order"

"""Narrative claims (情况说明): patterns, subjects, and the hand-made answer keys of the corpus."""

from __future__ import annotations

import csv
import re
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from juesuan.extract.claims import claims_from_text, extract_claims, extract_claims_from_blocks
from juesuan.extract.subjects import SUBJECTS, VEHICLE_KINDS, find_mentions
from juesuan.model import Block, Cell, Claim, Document, Provenance

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"
EXPECTED = Path(__file__).resolve().parent / "expected"
DOCS = (
    "henan-anyang-beiguan-hrss-2024",
    "liaoning-fushun-hrss-2024",
    "shanxi-jincheng-hrss-2024",
)


# --------------------------------------------------------------------------- helpers


def claims(text: str) -> list[Claim]:
    return claims_from_text(text)


def facts(text: str) -> list[tuple[str, str, str]]:
    """(subject, kind, value) of every claim, in order."""
    return [(c.subject, c.kind, str(c.value)) for c in claims(text)]


def find(cs: list[Claim], subject: str, kind: str) -> Claim:
    got = [c for c in cs if c.subject == subject and c.kind == kind]
    assert got, f"no {kind} claim on {subject}: {[(c.subject, c.kind, str(c.value)) for c in cs]}"
    return got[0]


# --------------------------------------------------------------------------- domain.md patterns


def test_income_line_with_share_of_the_grand_total():
    cs = claims("(一) 收入总计 21797.98 万元，包括：\n1. 财政拨款收入 21723.66 万元，占收入总计的 99.66%。")
    assert find(cs, "收入总计", "amount").value == Decimal("21797.98")
    assert find(cs, "财政拨款收入", "amount").value == Decimal("21723.66")
    share = find(cs, "财政拨款收入", "share")
    assert (share.value, share.unit, share.whole) == (Decimal("99.66"), "%", "收入总计")


def test_year_on_year_change_amount_and_percentage():
    cs = claims("与上年相比，今年收入总计增加 252.75 万元，增长 1.17%，主要原因：2023 年市级人才专项资金结转。")
    amt = find(cs, "收入总计", "change_amount")
    pct = find(cs, "收入总计", "change_pct")
    assert (amt.value, amt.unit, amt.direction) == (Decimal("252.75"), "万元", "increase")
    assert (pct.value, pct.unit, pct.direction) == (Decimal("1.17"), "%", "increase")
    assert len(cs) == 2  # 2023 年 is not a claim


def test_decrease_verbs():
    cs = claims("公务用车购置及运行费比上年减少 2.31 万元，降低 10.83%。机关运行经费下降（增长）27.78%。")
    assert find(cs, "三公.公务用车购置及运行维护费", "change_amount").direction == "decrease"
    assert find(cs, "三公.公务用车购置及运行维护费", "change_pct").direction == "decrease"
    # a template left unfilled (下降（增长）): the first verb is taken, the text keeps the rest
    assert find(cs, "机关运行经费", "change_pct").direction == "decrease"


def test_function_subject_by_name_with_completion():
    cs = claims(
        "社会保障和就业支出（类）人力资源和社会保障管理事务（款）行政运行（项）798.39 万元，"
        "主要是人员工资、公用经费等支出，完成年初预算的 106.23%。"
    )
    assert facts_of(cs) == [
        ("func:2080101", "amount", "798.39"),
        ("func:2080101", "completion_pct", "106.23"),
    ]


def facts_of(cs: list[Claim]) -> list[tuple[str, str, str]]:
    return [(c.subject, c.kind, str(c.value)) for c in cs]


def test_function_subject_by_code():
    assert facts("社会保障和就业208（类）01（款）01（项）: 支出决算为357.26万元。") == [
        ("func:2080101", "amount", "357.26")
    ]
    assert facts("社会保障和就业208（类）05（款）: 支出决算为12.00万元。") == [
        ("func:20805", "amount", "12.00")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "社会保障和就业支出（类）1606.03万元，占78.84%。",
        "社会保障和就业（类）支出 1606.03 万元，占 78.84%。",
        "社会保障和就业支出(类)1,606.03万元，占比78.84%。",
        "2. 社会保障和就业支出 1606.03 万元，具体包括：",
    ],
)
def test_function_class_alone(text):
    cs = claims(text)
    assert find(cs, "func:208", "amount").value == Decimal("1606.03")


def test_function_names_half_width_parentheses_and_cut_by_the_converter():
    cs = claims(
        "(12) 社会保障和就业支出(类)就业补助(款)其他就业\n"
        "补助支出（项）10048.79万元，主要是就业补助资金等支出，完成年初预算的132.96%。"
    )
    assert facts_of(cs) == [
        ("func:2080799", "amount", "10048.79"),
        ("func:2080799", "completion_pct", "132.96"),
    ]
    assert cs[0].prov.line == 2  # the line the number is printed on


def test_sangong_reception_and_vehicle_counts():
    cs = claims("2024 年国内公务接待累计 5 批次、22 人、0.54 万元；公务用车保有量 18 辆。")
    assert facts_of(cs) == [
        ("三公.接待批次.国内", "count", "5"),
        ("三公.接待人次.国内", "count", "22"),
        ("三公.公务接待费.国内", "amount", "0.54"),
        ("三公.保有量", "count", "18"),
    ]
    assert [c.unit for c in cs] == ["批次", "人", "万元", "辆"]


# --------------------------------------------------------------------------- variants


def test_full_width_digits_and_separators():
    cs = claims("财政拨款收入２１，７２３．６６万元，占收入总计的９９．６６％。")
    amt = find(cs, "财政拨款收入", "amount")
    assert amt.value == Decimal("21723.66")
    assert amt.raw == "２１，７２３．６６"  # as printed
    assert find(cs, "财政拨款收入", "share").value == Decimal("99.66")


def test_thousands_separators_are_dropped_from_the_value_only():
    c = find(claims("2024年度收入合计37,257.44万元。"), "本年收入合计", "amount")
    assert (c.value, c.raw) == (Decimal("37257.44"), "37,257.44")


def test_yuan_and_wanyuan():
    yuan = find(claims("办公费 59,300.00 元。"), "办公费", "amount")
    wan = find(claims("办公费 5.93 万元。"), "办公费", "amount")
    assert (yuan.unit, wan.unit) == ("元", "万元")
    assert yuan.value_wan == wan.value_wan == Decimal("5.93")
    # 万 without 元 (a typo seen in Shanghai documents) is still 万元
    assert find(claims("国内公务接待支出 0.39 万（含外宾接待支出 0.00 万元）。"), "三公.公务接待费.国内", "amount").unit == "万元"


@pytest.mark.parametrize(
    "text,subject",
    [
        ("与上年相比，机关运行经费持平。", "机关运行经费"),
        ("与上年相比，今年结转结余持平，主要原因：当期结余上缴。", "年末结转和结余"),
        ("因公出国（境）费支出0万元，与上年相同，主要原因是：本年度无此项支出。", "三公.因公出国（境）费"),
        ("其中：因公出国（境）费支出与上一年度持平。", "三公.因公出国（境）费"),
    ],
)
def test_flat_year_on_year(text, subject):
    c = find(claims(text), subject, "change_amount")
    assert (c.value, c.direction) == (Decimal(0), "flat")


@pytest.mark.parametrize(
    "text",
    [
        "年初预算为 90.3 万元，支出决算为 87.78 万元，完成年初预算的 97.21%。决算数与年初预算数基本持平。",
        "年初预算为 10.00 万元，支出决算为 10.00 万元。决算数同预算数持平。",
        "预算为 0 万元，支出决算为 0 万元，完成预算的 0%。决算数与年初预算数一致。",
        "预算为 0 万元，支出决算为 0 万元。与年初预算无差异。",
    ],
)
def test_flat_against_the_budget(text):
    cs = claims("5. 社会保障和就业支出(类)行政事业单位养老支出(款)机关事业单位基本养老保险缴费支出(项)。" + text)
    c = find(cs, "func:2080505@vs_budget", "change_amount")
    assert (c.value, c.direction) == (Decimal(0), "flat")


def test_flat_statements_that_are_no_claims():
    # 一致 with a table sum, 持平 with nothing named
    assert facts(
        "2024年机关运行经费支出 110.47 万元（与部门决算中财政拨款基本支出中公用经费之和一致），比上年减少 9.94 万元。"
    ) == [("机关运行经费", "amount", "110.47"), ("机关运行经费", "change_amount", "9.94")]
    assert facts("由于系统原因，将决算数定为预算数，所以持平。") == []


def test_implicit_subject_and_whole_inside_a_sentence():
    cs = claims("2024 年度支出合计 2192.25 万元，其中：基本支出 950.16 万元，占 43.34%；项目支出 1242.08 万元，占 56.66%；经营支出 0 万元，占 0%。")
    assert facts_of(cs) == [
        ("本年支出合计", "amount", "2192.25"),
        ("基本支出", "amount", "950.16"),
        ("基本支出", "share", "43.34"),
        ("项目支出", "amount", "1242.08"),
        ("项目支出", "share", "56.66"),
        ("经营支出", "amount", "0"),
        ("经营支出", "share", "0"),
    ]
    assert {c.whole for c in cs if c.kind == "share"} == {"本年支出合计"}


def test_head_set_at_the_end_of_a_line_carries_to_the_list_below():
    cs = claims("2024年度收入合计37,257.44万元，其中：\n财政拨款收入36,563.69万元，占比98.14%；\n其他收入405.42万元，占比1.09%。")
    assert [c.whole for c in cs if c.kind == "share"] == ["本年收入合计", "本年收入合计"]
    assert [c.prov.line for c in cs] == [1, 2, 2, 3, 3]


def test_share_of_sangong_total_after_决算中():
    cs = claims("2024 年度“三公”经费财政拨款支出决算中，因公出国（境）费支出决算 0 万元，完成预算的 0%，占 0%；公务接待费支出决算 0 万元，占 0%。")
    assert [(c.subject, c.kind, c.whole) for c in cs if c.kind == "share"] == [
        ("三公.因公出国（境）费", "share", "三公.合计"),
        ("三公.公务接待费", "share", "三公.合计"),
    ]
    assert find(cs, "三公.因公出国（境）费", "completion_pct").value == 0


def test_compound_subject_收支总计():
    cs = claims("2024 年度收、支总计均为 2192.25 万元。与上年度相比，收、支总计各减少 91.98 万元，减少 4.03%。")
    assert facts_of(cs) == [
        ("收入总计", "amount", "2192.25"),
        ("支出总计", "amount", "2192.25"),
        ("收入总计", "change_amount", "91.98"),
        ("支出总计", "change_amount", "91.98"),
        ("收入总计", "change_pct", "4.03"),
        ("支出总计", "change_pct", "4.03"),
    ]


def test_fund_scope_of_basic_and_project_expenditure():
    cs = claims(
        "2024 年度财政拨款支出 21723.66 万元，其中：基本支出 9635.87 万元，项目支出 12087.79 万元。"
        "与年初预算相比，2024 年度财政拨款支出完成年初预算的 14.58%，其中：基本支出完成年初预算的 101.77%。"
    )
    assert facts_of(cs) == [
        ("财政拨款支出", "amount", "21723.66"),
        ("财政拨款.基本支出", "amount", "9635.87"),
        ("财政拨款.项目支出", "amount", "12087.79"),
        ("财政拨款支出", "completion_pct", "14.58"),
        ("财政拨款.基本支出", "completion_pct", "101.77"),
    ]
    assert facts("2024年度财政拨款收入总计36,563.69万元，支出总计36,563.69万元。") == [
        ("财政拨款.收入总计", "amount", "36563.69"),
        ("财政拨款.支出总计", "amount", "36563.69"),
    ]
    assert facts("2024 年度一般公共预算财政拨款基本支出 950.16 万元。其中：人员经费 929.87 万元；公用经费 20.29 万元。") == [
        ("一般公共预算财政拨款.基本支出", "amount", "950.16"),
        ("人员经费", "amount", "929.87"),
        ("公用经费", "amount", "20.29"),
    ]


def test_economic_items_are_scoped_by_what_they_break_down():
    assert facts("人员经费10,589.15万元，主要包括基本工资3,137.74万元，津贴补贴547.93万元。")[1:] == [
        ("基本工资", "amount", "3137.74"),
        ("津贴补贴", "amount", "547.93"),
    ]
    cs = claims(
        "（4）社会保障和就业支出（类）人力资源和社会保障管理事务（款）社会保险经办机构（项）181.88 万元，"
        "主要是办公费 59.3 万元，电费 64.08 万元，维修费 20.49 万元等支出，完成年初预算的 44.05%。"
    )
    assert facts_of(cs) == [
        ("func:2080109", "amount", "181.88"),
        ("func:2080109/办公费", "amount", "59.3"),
        ("func:2080109/电费", "amount", "64.08"),
        ("func:2080109/维修（护）费", "amount", "20.49"),
        ("func:2080109", "completion_pct", "44.05"),  # after 等支出 the item speaks again
    ]
    assert facts("1. 基本支出 9678.44 万元。主要是日常支出，其中：商品和服务支出 1108.07 万元。")[1] == (
        "基本支出/商品和服务支出",
        "amount",
        "1108.07",
    )


def test_enumerated_names_without_figures_are_not_subjects():
    assert facts(
        "（1）教育支出（类）职业教育（款）中等职业教育（项）2828.23 万元，主要是工资福利支出、商品服务等支出，完成年初预算的 92.69%。"
    ) == [("func:2050302", "amount", "2828.23"), ("func:2050302", "completion_pct", "92.69")]
    assert facts(
        "住房保障支出年初预算971.65万元，支出决算956.07万元，完成年初预算的98.40%，用于住房公积金缴费支出。较上年决算增加95.75万元，增长11.13%。"
    )[-2:] == [("func:221", "change_amount", "95.75"), ("func:221", "change_pct", "11.13")]


def test_budget_qualifiers():
    cs = claims(
        "2024 年度一般公共预算财政拨款支出年初预算为 2551.24 万元，支出决算为 2037.14 万元，完成年初预算的 79.85%。"
        "“三公”经费财政拨款支出全年预算2.28万元，支出决算2.28万元。"
    )
    assert facts_of(cs) == [
        ("一般公共预算财政拨款支出@budget", "amount", "2551.24"),
        ("一般公共预算财政拨款支出", "amount", "2037.14"),
        ("一般公共预算财政拨款支出", "completion_pct", "79.85"),
        ("三公.合计@budget_full", "amount", "2.28"),
        ("三公.合计", "amount", "2.28"),
    ]


def test_item_heading_then_figures_in_the_next_sentence():
    cs = claims(
        "1. 科学技术支出（类）其他科学技术支出（款）其他科学技术支出（项）。年初预算为 430 万元，"
        "支出决算为 285.25 万元，完成年初预算的 66.34%。"
    )
    assert facts_of(cs) == [
        ("func:2069999@budget", "amount", "430"),
        ("func:2069999", "amount", "285.25"),
        ("func:2069999", "completion_pct", "66.34"),
    ]


def test_procurement():
    cs = claims(
        "2024年度政府采购支出总额1,864.59万元，其中：政府采购货物支出903.33万元、政府采购工程支出61.39万元、"
        "政府采购服务支出899.87万元。授予中小企业合同金额1,863.39万元，占政府采购支出总额的99.94%，其中：授予小微企业合同金额"
        " 0 万元，占授予中小企业合同金额的 0%；货物采购授予中小企业合同金额占货物支出金额的 0%。"
    )
    assert facts_of(cs) == [
        ("政府采购.总额", "amount", "1864.59"),
        ("政府采购.货物", "amount", "903.33"),
        ("政府采购.工程", "amount", "61.39"),
        ("政府采购.服务", "amount", "899.87"),
        ("政府采购.中小企业", "amount", "1863.39"),
        ("政府采购.中小企业", "share", "99.94"),
        ("政府采购.小微企业", "amount", "0"),
        ("政府采购.小微企业", "share", "0"),
        ("政府采购.货物.中小企业", "share", "0"),
    ]
    assert [c.whole for c in cs if c.kind == "share"] == ["政府采购.总额", "政府采购.中小企业", "政府采购.货物"]


def test_vehicles_and_equipment():
    cs = claims(
        "十二、国有资产占用情况说明\n"
        "截至 2024 年 12 月 31 日，共有车辆 23 辆，其中：副省级以上领导干部用车 0 辆，主要领导干部用车 0 辆，"
        "机要通信用车 7 辆，应急保障车 3 辆，离退休干部用车 5 辆，其他用车 8 辆；"
        "单价 100 万元（含）以上设备（不含车辆）0 台（套）。"
    )
    assert facts_of(cs) == [
        ("车辆.合计", "count", "23"),
        ("车辆.副部(省)级及以上领导用车", "count", "0"),
        ("车辆.主要负责人用车", "count", "0"),
        ("车辆.机要通信用车", "count", "7"),
        ("车辆.应急保障用车", "count", "3"),
        ("车辆.离退休干部服务用车", "count", "5"),
        ("车辆.其他用车", "count", "8"),
        ("设备.单价100万元以上", "count", "0"),
    ]
    assert cs[-1].unit == "台(套)"
    assert set(VEHICLE_KINDS) >= {s.split(".", 1)[1] for s, *_ in facts_of(cs)[1:-1]}


def test_sangong_section_counts():
    cs = claims(
        "九、财政拨款“三公”经费支出决算情况说明\n"
        "1、因公出国（境）费支出0万元，出国（境）团组共0个，0人次。\n"
        "2、公务用车购置支出0万元，使用财政拨款共购置公务用车0辆。\n"
        "3、公务用车运行维护费支出1.18万元，使用财政拨款负担的公务用车保有量共2辆。\n"
        "4、公务接待费支出1.09万元，共接待8批次，43人次。国内接待费1.09万元，共接待8批次，43人次，"
        "其中外事接待费0万元，共接待0批次，0人次。"
    )
    assert facts_of(cs) == [
        ("三公.因公出国（境）费", "amount", "0"),
        ("三公.团组", "count", "0"),
        ("三公.人次", "count", "0"),
        ("三公.公务用车购置费", "amount", "0"),
        ("三公.购置车辆数", "count", "0"),
        ("三公.公务用车运行维护费", "amount", "1.18"),
        ("三公.保有量", "count", "2"),
        ("三公.公务接待费", "amount", "1.09"),
        ("三公.接待批次", "count", "8"),
        ("三公.接待人次", "count", "43"),
        ("三公.公务接待费.国内", "amount", "1.09"),
        ("三公.接待批次.国内", "count", "8"),
        ("三公.接待人次.国内", "count", "43"),
        ("三公.公务接待费.外事", "amount", "0"),
        ("三公.接待批次.外事", "count", "0"),
        ("三公.接待人次.外事", "count", "0"),
    ]


def test_economic_names_outside_the_sangong_section_are_gpb_basic_items():
    cs = claims("六、一般公共预算财政拨款基本支出决算情况说明\n公用经费1,055.20万元，主要包括办公费113.61万元，公务接待费1.09万元，公务用车运行维护费1.18万元。")
    assert [c.subject for c in cs] == ["公用经费", "办公费", "公务接待费", "公务用车运行维护费"]


def test_printed_zeros_are_claims():
    assert facts("上级补助收入 0.00 万元，占收入总计的 0.00%。当年购置公务用车 0 辆。自评的项目 0 个。") == [
        ("上级补助收入", "amount", "0.00"),
        ("上级补助收入", "share", "0.00"),
        ("三公.购置车辆数", "count", "0"),
        ("raw:自评的项目", "count", "0"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "截至2024年12月31日，本部门无车辆。",
        "第三部分 2024 年度部门决算情况说明",
        "公开08表",
        "社会保障和就业208（类）01（款）01（项）",
        "1. 财政拨款收入：指单位从同级财政部门取得的财政预算资金。",
        "（2）2023 年部分项目资金结转至 2024 年支付。",
        "根据财预〔2016〕143号文件，于2025年9月20日前公开。",
        "单价100万元（含）以上设备情况见附表。",
        "二〇二五年九月",
    ],
)
def test_years_dates_codes_list_numbers_are_not_claims(text):
    assert facts(text) == []


def test_missing_percent_sign_is_kept_with_an_empty_unit():
    cs = claims("与 2023 年度相比，一般公共预算财政拨款支出增加 1193.20 万元，增长 13.95。")
    pct = find(cs, "一般公共预算财政拨款支出", "change_pct")
    assert (pct.value, pct.unit, pct.direction) == (Decimal("13.95"), "", "increase")


def test_sentence_broken_over_lines_pdf_style():
    cs = claims(
        "   上海市普陀区规划和自然资源局 2024 年度收入支出总计\n"
        "9859.38 万元。与 2023 年度相比，收入支出总计增加 1062.85\n"
        "万元，增长 12.08%。主要原因：项目支出增加，较上一度增加\n"
        "1133.95 万元。\n"
    )
    assert facts_of(cs) == [
        ("收入总计", "amount", "9859.38"),
        ("支出总计", "amount", "9859.38"),
        ("收入总计", "change_amount", "1062.85"),
        ("支出总计", "change_amount", "1062.85"),
        ("收入总计", "change_pct", "12.08"),
        ("支出总计", "change_pct", "12.08"),
        ("项目支出", "change_amount", "1133.95"),
    ]
    assert [c.prov.line for c in cs] == [2, 2, 2, 2, 3, 3, 4]
    assert cs[0].text == "上海市普陀区规划和自然资源局 2024 年度收入支出总计9859.38 万元。"


def test_glossary_annex_and_tables_part_are_skipped():
    text = (
        "第二部分 2024 年度部门决算表\n"
        "说明：本表金额 12.00 万元为示例。\n"
        "第三部分 2024 年度部门决算情况说明\n"
        "一、收入支出决算总体情况说明\n"
        "2024 年度收入总计 100.00 万元。\n"
        "第四部分 名词解释\n"
        "一、财政拨款收入：指单位取得的 50 万元以上的资金。\n"
        "十二、国有资产：车辆 3 辆。\n"
        "第五部分 附件\n"
        "项目资金 20 万元。\n"
    )
    assert facts(text) == [("收入总计", "amount", "100.00")]


def test_table_of_contents_does_not_switch_reading_off():
    text = (
        "目 录\n第一部分 概况\n第四部分 名词解释\n第五部分 附件\n"
        "一、部门职责\n（一）负责全市就业工作，拟订统筹城乡的就业发展规划和政策，完善公共就业服务体系。\n"
        "三、收入支出决算总体情况\n2024 年度收、支总计均为 2192.25 万元。\n"
    )
    assert facts(text) == [("收入总计", "amount", "2192.25"), ("支出总计", "amount", "2192.25")]


def test_watermarks_do_not_break_a_sentence():
    text = "仅供内部审核\n仅供内部审核\n2024年度收入总计37,940.09万元，\n仅供内部审核\n支出总计37,940.09万元。"
    assert facts(text) == [("收入总计", "amount", "37940.09"), ("支出总计", "amount", "37940.09")]


def test_reason_figures_get_raw_subjects():
    cs = claims(
        "（14）社会保障和就业支出（类）其他社会保障和就业支出（款）其他社会保障和就业支出（项）502.00万元，"
        "完成年初预算的170.57%，主要原因是2023年破产困难国有企业财政负担人员类支出294.3万元未支付，"
        "2024年预算的294.3万元，实际支付207.7万元，剩余86.6万元未支付。"
    )
    assert facts_of(cs) == [
        ("func:2089999", "amount", "502.00"),
        ("func:2089999", "completion_pct", "170.57"),
        ("raw:破产困难国有企业财政负担人员类支出", "amount", "294.3"),
        ("func:2089999@budget", "amount", "294.3"),
        ("raw:实际支付", "amount", "207.7"),
        ("raw:剩余", "amount", "86.6"),
    ]


def test_performance_projects_and_scores():
    cs = claims(
        "十三、预算绩效情况说明\n"
        "我部门 2024 年度整体支出预算总额 2551.24 万元，决算总额 2192.25 万元，执行率为 85.93%。\n"
        "项目一：北关区事业单位招聘项目\n"
        "项目资金年初预算数 80 万元，全年预算数为 100 万元，决算数 0 万元，自评得分 80 分。\n"
        "成本指标：年初预算为 80 万元，实际完成 0 万元。\n"
    )
    assert facts_of(cs) == [
        ("绩效.整体支出@budget", "amount", "2551.24"),
        ("绩效.整体支出", "amount", "2192.25"),
        ("绩效.整体支出", "completion_pct", "85.93"),
        ("项目:北关区事业单位招聘项目@budget", "amount", "80"),
        ("项目:北关区事业单位招聘项目@budget_full", "amount", "100"),
        ("项目:北关区事业单位招聘项目", "amount", "0"),
        ("项目:北关区事业单位招聘项目/得分", "count", "80"),
        ("项目:北关区事业单位招聘项目@budget", "amount", "80"),
        ("项目:北关区事业单位招聘项目", "amount", "0"),
    ]
    assert find(cs, "项目:北关区事业单位招聘项目/得分", "count").unit == "分"


def test_other_percentages():
    cs = claims("十三、预算绩效情况说明\n共涉及预算支出项目 37 个，自评覆盖率（开展绩效自评的项目数/年初批复绩效目标的项目数）达到 100%。")
    assert facts_of(cs) == [("绩效.自评项目数", "count", "37"), ("绩效.自评覆盖率", "other_pct", "100")]


def test_claims_keep_sentence_text_and_page():
    blocks = [
        Block("text", [Cell("2024 年度机关运行经费支出 20.29 万元，", Provenance(page=7))], Provenance(page=7)),
        Block("text", [Cell("比 2023 年度减少 3.49 万元。", Provenance(page=8))], Provenance(page=8)),
    ]
    cs = extract_claims_from_blocks(blocks, year=2024)
    assert [(c.subject, c.kind, c.prov.page) for c in cs] == [
        ("机关运行经费", "amount", 7),
        ("机关运行经费", "change_amount", 8),
    ]
    assert cs[1].text == "2024 年度机关运行经费支出 20.29 万元，比 2023 年度减少 3.49 万元。"


def test_extract_claims_reads_document_text():
    doc = Document(
        source="x.txt", format="text", department=None, year=None, unit="万元", tables=[], facts=[],
        text=[Block("text", [Cell("本年收入合计 9746.50 万元。", Provenance(line=3))], Provenance(line=3))],
    )
    (c,) = extract_claims(doc)
    assert (c.subject, c.value, c.prov.line) == ("本年收入合计", Decimal("9746.50"), 3)


def test_vocabulary_is_canonical():
    assert {"收入总计", "本年收入合计", "支出总计", "三公.合计", "政府采购.中小企业", "机关运行经费"} <= set(SUBJECTS)
    assert [m.entry.subjects for m in find_mentions("上年结转和结余", "summary")] == [("年初结转和结余",)]


# --------------------------------------------------------------------------- corpus answer keys

def _key(name: str) -> list[tuple[str, str, Decimal, str, int]]:
    with (EXPECTED / f"{name}.claims.csv").open(encoding="utf-8") as fh:
        return [
            (r["subject"], r["kind"], Decimal(r["value"]), r["unit"], int(r["line"]))
            for r in csv.DictReader(fh)
        ]


def _match_key(subject: str, kind: str, value: Decimal, line: int | None) -> tuple:
    # raw subjects are words as printed: any raw subject matches a raw subject
    return ("raw:" if subject.startswith("raw:") else subject, kind, value, line)


@pytest.fixture(scope="module")
def corpus():
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS} (the shared/ directory beside the checkout)")
    from juesuan.pipeline import read_document

    return {name: read_document(CORPUS / f"{name}.txt") for name in DOCS if (CORPUS / f"{name}.txt").exists()}


@pytest.mark.parametrize("name", DOCS)
def test_answer_key_recall_and_precision(corpus, name, capsys):
    if name not in corpus:
        pytest.skip(f"{name}.txt not in the corpus")
    key = _key(name)
    got = extract_claims(corpus[name])
    want = Counter(_match_key(s, k, v, line) for s, k, v, _u, line in key)
    have = Counter(_match_key(c.subject, c.kind, c.value, c.prov.line) for c in got)
    hit = sum((want & have).values())
    recall, precision = hit / sum(want.values()), hit / max(1, sum(have.values()))
    with capsys.disabled():
        print(f"\n{name}: key {len(key)}, extracted {len(got)}, recall {recall:.3f}, precision {precision:.3f}")
    assert recall >= 0.95, sorted(want - have)
    assert precision >= 0.90, sorted(have - want)
    # units agree with the key wherever the claim matched
    units = {(_match_key(s, k, v, line)): u for s, k, v, u, line in key}
    wrong = [
        (c.subject, c.kind, c.value, c.unit)
        for c in got
        if _match_key(c.subject, c.kind, c.value, c.prov.line) in units
        and units[_match_key(c.subject, c.kind, c.value, c.prov.line)] != c.unit
    ]
    assert not wrong


@pytest.mark.parametrize("name", DOCS)
def test_no_years_dates_or_codes_in_the_corpus_claims(corpus, name):
    if name not in corpus:
        pytest.skip(f"{name}.txt not in the corpus")
    lines = (CORPUS / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    for c in extract_claims(corpus[name]):
        if c.direction == "flat":
            assert c.raw in lines[c.prov.line - 1]
            continue
        line = lines[c.prov.line - 1]
        assert c.raw in line, (c, line)
        assert c.unit or c.kind == "change_pct", c
        units = {"台(套)": ("台（套）", "台(套)")}.get(c.unit, (c.unit,))
        # somewhere on its line the number is printed followed by its unit, never by 年/月/日/（类）/表
        afters = [
            line[m.end() :].lstrip()
            for m in re.finditer(rf"(?<![\d.,]){re.escape(c.raw)}(?![\d.])", line)
        ]
        assert afters, (c.raw, line)
        ok = [a for a in afters if a[:1] not in ("年", "月", "日", "（", "(", "表")]
        assert ok, (c.raw, line)
        if c.unit:
            assert any(a.startswith(u) for a in ok for u in units) or any(a == "万" for a in ok), (
                c.raw,
                c.unit,
                line,
            )


def test_extraction_is_fast(corpus):
    if not corpus:
        pytest.skip("no corpus document")
    doc = max(corpus.values(), key=lambda d: sum(len(b.text) for b in d.text))
    extract_claims(doc)  # warm the caches (regexes, reference tables)
    best = min(_timed(extract_claims, doc) for _ in range(5))
    assert best < 0.1, f"{best * 1000:.1f} ms"


def _timed(fn, *args) -> float:
    t = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t

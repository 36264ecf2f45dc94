"""Know what the document is before judging it: kind (决算 | 预算), scope (部门 | 单位), template
family, template/draft status — and what the checker does with each."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from juesuan.extract import extract
from juesuan.extract.identify import identify_title, is_budget_title
from juesuan.extract.kind import TEMPLATE_PLACES, read_kind
from juesuan.ingest.text import blocks_from_text
from juesuan.layout import build_layout
from juesuan.model import Block, Cell, Document, Provenance, RawDocument, TableInfo
from juesuan.refdata.families import detect_family, families, get_family, required_tables
from juesuan.report.json import to_json_dict
from juesuan.rules import check
from juesuan.rules.catalog import CATALOG, applies


ORGS = ["某某市某某局", "某某省某某厅", "某某区某某委员会", "某某大学", "中共某某县委某某部"]
FINAL_TITLES = ["收入支出决算总表", "收入决算表", "支出决算表", "财政拨款收入支出决算总表",
                "一般公共预算财政拨款支出决算表", "政府性基金预算财政拨款收入支出决算表"]
BUDGET_TITLES = ["收支预算总表", "收入预算表", "支出预算总表", "财政拨款收支预算总表",
                 "一般公共预算支出预算表", "财政拨款支出预算表（功能科目）",
                 "一般公共预算基本支出预算表（经济科目）", "“三公”经费支出预算表", "政府采购预算表"]
# what final accounts say about budgets in their sentences (must not make them budgets)
FINAL_SENTENCES = [
    "2024年度一般公共预算财政拨款支出年初预算为100.00万元，支出决算为90.00万元，完成年初预算的90.00%。",
    "本部门2024年度部门预算安排的项目均已完成，决算数小于预算数的主要原因是项目调减。",
    "“三公”经费财政拨款支出预算为10.00万元，支出决算为8.00万元。",
]
BUDGET_SENTENCES = [
    "2026年收入预算100.00万元，比2025年预算增加5.00万元，2025年决算数为90.00万元。",
    "2026年“三公”经费预算数为10.81万元，与上年预算持平。",
]


def _blocks(lines: list[str]) -> list[Block]:
    return [Block("text", [Cell(t, Provenance(line=i))], Provenance(line=i)) for i, t in enumerate(lines, 1)]


def document_lines(kind: str = "final", org: str = "某某市某某局", year: int = 2024) -> list[str]:
    """A small disclosure in the converter-text style: cover, two tables, a note each."""
    word = "决算" if kind == "final" else "预算"
    cover = [org, f"{year}年度部门{word}", ""]
    gpb = [
        f"一般公共预算财政拨款支出{word}表", "公开05表", f"部门：{org}", "金额单位：万元",
        "科目编码\t科目名称\t合计\t基本支出\t项目支出",
        "合计\t\t30.00\t20.00\t10.00",
        "201\t一般公共服务支出\t30.00\t20.00\t10.00",
        "20101\t人大事务\t30.00\t20.00\t10.00",
        "2010101\t行政运行\t30.00\t20.00\t10.00",
        "注：本表反映部门本年度一般公共预算财政拨款支出情况。", "",
    ]
    three = [
        f"财政拨款“三公”经费支出{word}表", "公开09表", f"部门：{org}", "金额单位：万元",
        "合计\t因公出国（境）费\t公务用车购置及运行维护费\t\t\t公务接待费",
        "\t\t小计\t公务用车购置费\t公务用车运行维护费\t",
        "3.00\t0.00\t2.00\t0.00\t2.00\t1.00",
        "注：本表反映部门本年度财政拨款“三公”经费支出情况。", "",
    ]
    return cover + gpb + three


def parse_text(text: str) -> Document:
    raw = RawDocument(source="synthetic", format="text", blocks=blocks_from_text(text))
    return extract(build_layout(raw), raw.blocks)


# --------------------------------------------------------------------------- kind and scope


@settings(max_examples=40, deadline=None)
@given(
    org=st.sampled_from(ORGS),
    year=st.integers(2015, 2026),
    scope=st.sampled_from(["部门", "单位"]),
    kind=st.sampled_from(["final", "budget"]),
    level=st.sampled_from(["", "区级", "市级"]),
    spaced=st.booleans(),
    titles=st.data(),
)
def test_kind_and_scope_from_cover_and_titles(org, year, scope, kind, level, spaced, titles):
    word = "决算" if kind == "final" else "预算"
    cover = f"{org}{year}年度{scope}决算" if kind == "final" else f"{org}{year}年{level}{scope}预算"
    if spaced:
        cover = " ".join(cover)
    pool = FINAL_TITLES if kind == "final" else BUDGET_TITLES
    chosen = titles.draw(st.lists(st.sampled_from(pool), min_size=0, max_size=4, unique=True))
    # the narrative mentions the other kind's words all the time: sentences never vote
    sentences = FINAL_SENTENCES if kind == "final" else BUDGET_SENTENCES
    lines = [cover, "目录", *chosen, *sentences, f"{year}年{word}情况说明" if kind == "final" else f"{scope}预算编制说明"]
    got = read_kind(_blocks(lines), chosen)
    assert got.kind == kind, (lines, got)
    assert got.scope == ("unit" if scope == "单位" else "department")
    assert not got.template


def test_kind_from_table_titles_alone():
    assert read_kind(_blocks(["目录"]), ["收支预算总表", "一般公共预算支出预算表"]).kind == "budget"
    assert read_kind(_blocks(["目录"]), ["收入决算表", "支出决算表"]).kind == "final"
    # nothing names the kind: not told (judged as final accounts by the checker)
    assert read_kind(_blocks(["目录", "收入表"]), ["收入表"]).kind == "unknown"


def test_final_accounts_titles_naming_budget_funds_stay_final():
    for t in ("政府性基金预算财政拨款收入支出决算表", "一般公共预算财政拨款基本支出决算表",
              "国有资本经营预算财政拨款支出决算表"):
        assert not is_budget_title(t)
        assert identify_title(t) is not None
    for t in BUDGET_TITLES + ["2026年部门财务收支预算总表", "2019年政府采购预算表"]:
        assert is_budget_title(t), t
        assert identify_title(t) is None, t  # never mapped onto a final-accounts table id


def test_identify_new_family_tables():
    assert identify_title("表 4：高等学校财政拨款支出决算表") == "fiscal_expenditure"
    assert identify_title("高等学校收支决算总表") == "income_expense_summary"
    assert identify_title("高等学校收入决算表") == "income"
    assert identify_title("一般公共预算财政拨款项目支出决算表") == "gpb_project"
    assert identify_title("一般公共预算财政拨款支出决算表") == "gpb_expenditure"
    assert identify_title("项目支出绩效自评表") is None


# --------------------------------------------------------------------------- template


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(0, 20),
    ph=st.sampled_from(["XX", "××", "ＸＸ", "XXX", "＿＿", "____"]),
    year_ph=st.booleans(),
)
def test_template_detection(n, ph, year_ph):
    cover = "XX局20XX年度部门决算" if year_ph else "某某局2024年度部门决算"
    lines = [cover, *(f"{i}、{ph}支出{ph}万元，主要用于{ph}。" for i in range(n)), "收入决算表"]
    got = read_kind(_blocks(lines), ["收入决算表"])
    places = n + (1 if year_ph else 0)
    assert got.template == (year_ph or places >= TEMPLATE_PLACES), (n, ph, year_ph)
    assert got.kind == "final"


def test_latin_words_and_single_slip_are_not_templates():
    lines = ["某某局2024年度部门决算", "购置 X 光机 1 台，XML 接口改造。", "第二部分 上海市普陀区XX局 2024 年度部门决算表"]
    assert not read_kind(_blocks(lines)).template


# --------------------------------------------------------------------------- families


def test_families_are_data_with_required_sets():
    ids = {f.id for f in families()}
    assert {"local_nine", "central_department", "university_four", "local_budget"} <= ids
    assert len(get_family("local_nine").required) == 9
    assert "gpb_project" in get_family("central_department").required
    assert get_family("university_four").required == (
        "income_expense_summary", "income", "expenditure", "fiscal_expenditure")
    assert get_family("local_budget").kind == "budget" and get_family("local_budget").budget_titles
    assert required_tables(None) == get_family("local_nine").required
    for f in families():  # every required table has a known id
        from juesuan.model import TABLE_IDS

        assert set(f.required) <= set(TABLE_IDS), f.id


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_family_detection(data):
    nine = list(get_family("local_nine").required)
    uni = list(get_family("university_four").required)
    which = data.draw(st.sampled_from(["local", "central", "university"]))
    if which == "local":
        tables = data.draw(st.lists(st.sampled_from(nine), min_size=5, unique=True))
        titles, dep, expect = ["收入决算表"], data.draw(st.sampled_from(ORGS[:3])), "local_nine"
    elif which == "central":
        tables = [*data.draw(st.lists(st.sampled_from(nine), min_size=3, unique=True)), "gpb_project"]
        titles, dep, expect = ["一般公共预算财政拨款项目支出决算表"], "某某部", "central_department"
    else:
        tables = data.draw(st.lists(st.sampled_from(uni), min_size=1, unique=True))
        titles = data.draw(st.lists(st.sampled_from(["高等学校收入决算表", "高等学校支出决算表"]), min_size=0, max_size=2))
        dep = data.draw(st.sampled_from(["某某大学", "某某学院", "某某局"]))
        if not titles and "fiscal_expenditure" not in tables and not dep.endswith(("大学", "学院")):
            dep = "某某大学"  # nothing would mark it a university
        expect = "university_four"
    # a sentence about 高校毕业生 (every 人社局 says it) is not a university marker
    text = ["做好高校毕业生等重点群体就业工作，全年城镇新增就业1000人，完成年度目标任务的100%。"]
    got = detect_family("final", tables=tables, titles=titles, department=dep, text=text)
    assert got is not None and got.id == expect, (tables, titles, dep, got)
    assert detect_family("budget", titles=["收支预算总表"]).kind == "budget"


# --------------------------------------------------------------------------- whole documents


def test_generated_final_document_is_final_local_nine():
    doc = parse_text("\n".join(document_lines()) + "\n")
    assert doc.tables, "the generated document's tables are read"
    assert (doc.kind, doc.scope, doc.family, doc.template) == ("final", "department", "local_nine", False)
    assert doc.department == "某某市某某局" and doc.year == 2024


def _budget_text(year: int) -> str:
    return "\n".join(document_lines("budget", year=year)) + "\n"


def test_budget_gets_one_warning_and_no_final_accounts_rule():
    for year in (2019, 2024, 2026):
        doc = parse_text(_budget_text(year))
        assert doc.kind == "budget" and doc.year == year and doc.department == "某某市某某局"
        # budget tables are read under budget ids only, never as final-accounts tables (issue 15)
        assert doc.tables and all(t.id.startswith("budget_") for t in doc.tables)
        assert doc.facts and all(f.table.startswith("budget_") for f in doc.facts)
        findings = check(doc).findings
        kd = [f for f in findings if f.rule == "JS-KD-001"]
        assert len(kd) == 1 and kd[0].severity == "info" and "预算" in kd[0].message
        # the rest are budget rules (issue 15): this two-table budget lacks tables and a 说明
        assert {f.rule[:5] for f in findings} <= {"JS-KD", "JS-BG", "JS-BN"}, [(f.rule, f.message) for f in findings]
        assert not [f for f in findings if f.rule.startswith("JS-BG") and f.rule != "JS-BG-030"]
    final_only = [r for r in CATALOG if r.kinds == ("final",)]
    assert final_only and not any(applies(r, doc) for r in final_only)
    assert all(applies(r, doc) for r in CATALOG if r.family in ("AR", "HI", "RD"))


def test_budget_arithmetic_rules_are_kind_neutral_but_summary_rules_are_not():
    budget = Document("b", "text", "某局", 2026, "万元", [], [], kind="budget")
    by_family = {r.family: r for r in CATALOG}
    assert applies(by_family["AR"], budget) and applies(by_family["HI"], budget)
    assert not applies(by_family["SB"], budget) and not applies(by_family["XT"], budget)
    assert not applies(by_family["NR"], budget) and not applies(by_family["PF"], budget)


def test_template_gets_one_finding_listing_places_not_one_per_placeholder():
    lines = document_lines()
    lines[:2] = ["XX局", "20XX年度部门决算"]
    lines += ["", "第二部分 情况说明"] + [f"{i}、XX支出XX万元，比上年增加XX万元，主要原因是XX。" for i in range(1, 31)]
    doc = parse_text("\n".join(lines) + "\n")
    assert doc.template and doc.kind == "final"
    findings = check(doc).findings
    tpl = [f for f in findings if f.rule == "JS-KD-002"]
    assert len(tpl) == 1, [f.message for f in tpl]
    count = re.search(r"(\d+) 处占位文字", tpl[0].message)
    assert count and int(count.group(1)) >= 30, tpl[0].message
    assert "等 " in tpl[0].message  # more places than shown: the count is said
    assert not [f for f in findings if f.rule == "JS-NP-008"]


def test_single_placeholder_in_finished_document_is_still_reported_per_place():
    lines = document_lines() + ["", "第二部分 上海市普陀区XX局 2024 年度部门决算情况说明"]
    doc = parse_text("\n".join(lines) + "\n")
    assert not doc.template
    rules = [f.rule for f in check(doc).findings]
    assert rules.count("JS-NP-008") == 1 and "JS-KD-002" not in rules


# --------------------------------------------------------------------------- completeness per family


def _doc(tables: list[str], **kw) -> Document:
    infos = [TableInfo(t, None, None, "万元", Provenance(page=1)) for t in tables]
    return Document("d", "pdf", "某某大学", 2023, "万元", infos, [], **kw)


def test_university_family_requires_its_four_tables_only():
    four = list(get_family("university_four").required)
    doc = _doc(four, family="university_four")
    assert not [f for f in check(doc).findings if f.rule in ("JS-CP-001", "JS-CP-002")]
    doc = _doc(four[:3], family="university_four")
    missing = [f for f in check(doc).findings if f.rule == "JS-CP-002"]
    assert [f.tables for f in missing] == [["fiscal_expenditure"]]
    assert "高等学校" in missing[0].message and "4张" in missing[0].message
    # the same four tables judged as the local nine: five missing
    doc = _doc(four[:3])
    assert len([f for f in check(doc).findings if f.rule == "JS-CP-002"]) == 6


def test_central_family_requires_the_project_table():
    nine = list(get_family("local_nine").required)
    doc = _doc(nine, family="central_department")
    assert [f.tables for f in check(doc).findings if f.rule == "JS-CP-002"] == [["gpb_project"]]


def test_printed_but_unread_table_is_unread_never_missing():
    four = list(get_family("university_four").required)
    doc = _doc(four[:3], family="university_four",
               unreadable=["fiscal_expenditure（表 4：高等学校财政拨款支出决算表，第14页）：表头无法识别"])
    findings = check(doc).findings
    assert not [f for f in findings if f.rule in ("JS-CP-001", "JS-CP-002")]
    unread = [f for f in findings if f.rule == "JS-CP-005"]
    assert len(unread) == 1 and "表头无法识别" in unread[0].message and "第14页" in unread[0].message
    # TableInfo.unread: a table read but marked unreliable
    doc = _doc(four, family="university_four")
    doc.tables[1].unread = "表头无法对应到列"
    unread = [f for f in check(doc).findings if f.rule == "JS-CP-005"]
    assert len(unread) == 1 and "表头无法对应到列" in unread[0].message
    assert to_json_dict(check(doc))["summary"]["tables_missing"] == []


def test_json_shows_kind_family_template_scope():
    doc = parse_text(_budget_text(2026))
    d = to_json_dict(check(doc))["document"]
    assert (d["kind"], d["family"], d["template"], d["scope"]) == ("budget", "local_budget", False, "department")


def test_family_narrative_topics_limit_np001():
    """A 高等学校 document is not asked for the nine-table family's 一般公共预算/三公 narrative parts."""
    from juesuan.refdata import families
    from juesuan.rules.prose import _family_topics

    uni = families.get_family("university_four")
    assert "summary" in uni.narrative_topics and "three_public" not in uni.narrative_topics
    assert _family_topics("university_four") == uni.narrative_topics
    assert _family_topics("local_nine") == ()  # every topic
    assert _family_topics(None) == () and _family_topics("no-such-family") == ()

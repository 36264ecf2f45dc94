"""Reports of ``juesuan check``: JSON contract, text, Markdown, HTML, XLSX, terminal."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from html.parser import HTMLParser
from io import BytesIO, StringIO

import pytest
from openpyxl import load_workbook
from rich.console import Console

from juesuan.model import (
    CellRef,
    CheckResult,
    Document,
    Fact,
    Finding,
    Provenance,
    TableInfo,
)
from juesuan.report import FORMATS, print_rich, render, to_json_dict
from juesuan.report.common import build_grids, cell_id
from juesuan.report.markdown import md_block, md_code, md_escape
from juesuan.report.xlsx import sheet_title

HOSTILE = "<script>alert(1)</script>"


def fact(
    table: str, row: str, column: str, value: str, page: int, line: int, label: str = ""
) -> Fact:
    return Fact(table, row, column, Decimal(value), value, Provenance(line=line, page=page), label)


def sample_result(department: str = "测试市人力资源和社会保障局") -> CheckResult:
    """Two tables, a few facts, findings of each severity pointing at cells."""
    summary = TableInfo(
        id="income_expense_summary",
        title="收入支出决算总表",
        number="公开01表",
        unit="万元",
        prov=Provenance(page=3, line=40),
        row_labels={
            "income.gpb": "一般公共预算财政拨款收入",
            "income.operating": "事业收入",  # printed blank: label only, no fact
            "income.total": "本年收入合计",
            "expense.208": "社会保障和就业支出",
            "expense.total": "本年支出合计",
        },
    )
    three = TableInfo(
        id="three_public",
        title="财政拨款“三公”经费支出决算表",
        number="公开07表",
        unit="万元",
        prov=Provenance(page=9, line=210),
        row_labels={"total": "合计", "overseas": "因公出国(境)费", "reception": "公务接待费"},
        layout="vertical",
    )
    facts = [
        fact(
            "income_expense_summary",
            "income.gpb",
            "amount",
            "120.00",
            3,
            44,
            "一般公共预算财政拨款收入",
        ),
        fact("income_expense_summary", "income.total", "amount", "100.00", 3, 46, "本年收入合计"),
        fact(
            "income_expense_summary", "expense.208", "amount", "99.99", 3, 47, "社会保障和就业支出"
        ),
        fact("income_expense_summary", "expense.total", "amount", "100.00", 3, 48, "本年支出合计"),
        fact("three_public", "total", "budget", "10.00", 9, 214, "合计"),
        fact("three_public", "total", "final", "8.50", 9, 214, "合计"),
        fact("three_public", "overseas", "budget", "4.00", 9, 215, "因公出国(境)费"),
        fact("three_public", "overseas", "final", "3.25", 9, 215, "因公出国(境)费"),
        fact("three_public", "reception", "final", "1.25", 9, 217, "公务接待费"),
    ]
    doc = Document(
        source="samples/demo-2024.txt",
        format="text",
        department=department,
        year=2024,
        unit="万元",
        tables=[summary, three],
        facts=facts,
        pages=12,
    )
    idx = doc.index()
    total = CellRef.of(idx[("income_expense_summary", "income.total", "amount")])
    gpb = CellRef.of(idx[("income_expense_summary", "income.gpb", "amount")])
    findings = [
        Finding(
            rule="three_public.total",
            severity="warning",
            title="“三公”经费合计与分项之和不符",
            message="三公经费决算数合计 8.50 万元，分项之和 4.50 万元。",
            tables=["three_public"],
            cells=[
                CellRef.of(idx[("three_public", "total", "final")]),
                CellRef.of(idx[("three_public", "overseas", "final")]),
                CellRef.of(idx[("three_public", "reception", "final")]),
                CellRef("three_public", "reception", "budget", "", 9, 217, "公务接待费"),
            ],
            expected="4.50",
            printed="8.50",
            difference="4.00",
            family="arithmetic",
        ),
        Finding(
            rule="summary.income_total",
            severity="error",
            title="本年收入合计不等于各项收入之和",
            message="本年收入合计 100.00 万元，各项收入之和 120.00 万元。",
            tables=["income_expense_summary"],
            cells=[total, gpb],
            expected="120.00",
            printed="100.00",
            difference="-20.00",
            family="summary",
        ),
        Finding(
            rule="summary.expense_total.rounding",
            severity="info",
            title="支出合计存在尾差",
            message="本年支出合计与各类支出之和相差 0.01 万元，在舍入误差范围内。",
            tables=["income_expense_summary"],
            cells=[
                CellRef.of(idx[("income_expense_summary", "expense.total", "amount")]),
                CellRef.of(idx[("income_expense_summary", "expense.208", "amount")]),
                total,  # also in the error: the cell's worst severity is error
            ],
            expected="99.99",
            printed="100.00",
            difference="0.01",
        ),
        Finding(
            rule="completeness.tables",
            severity="error",
            title="缺少政府性基金预算财政拨款收入支出决算表",
            message="公开目录列出该表，正文未见。",
            tables=["gov_fund"],
        ),
    ]
    return CheckResult(doc, findings)


# --------------------------------------------------------------------------- JSON


def test_json_contract_field_names_and_values() -> None:
    d = to_json_dict(sample_result())
    assert {"department", "year", "source"} <= set(d["document"])
    assert d["document"]["department"] == "测试市人力资源和社会保障局"
    assert d["document"]["year"] == 2024
    assert d["document"]["source"] == "demo-2024.txt"  # the file name only, never its folders
    assert d["schema_version"] == "2"

    assert {"errors", "warnings", "info", "tables_found"} <= set(d["summary"])
    assert (d["summary"]["errors"], d["summary"]["warnings"], d["summary"]["info"]) == (2, 1, 1)
    assert d["summary"]["tables_found"] == ["income_expense_summary", "three_public"]
    assert "gov_fund" in d["summary"]["tables_missing"]

    finding_keys = {
        "rule",
        "severity",
        "title",
        "message",
        "tables",
        "cells",
        "expected",
        "printed",
        "difference",
    }
    for f in d["findings"]:
        assert finding_keys <= set(f)
        assert f["severity"] in ("error", "warning", "info")
        for c in f["cells"]:
            assert {"table", "row", "column", "value", "page", "line"} <= set(c)
    # errors first, then warnings, then info; rule order kept within a severity
    assert [f["rule"] for f in d["findings"]] == [
        "summary.income_total",
        "completeness.tables",
        "three_public.total",
        "summary.expense_total.rounding",
    ]
    err = d["findings"][0]
    assert err["tables"] == ["income_expense_summary"]
    assert err["cells"][0] == {
        "table": "income_expense_summary",
        "row": "income.total",
        "column": "amount",
        "value": "100.00",
        "raw": "100.00",
        "page": 3,
        "line": 46,
        "ref": None,
        "label": "本年收入合计",
        "column_name": "金额",
    }
    assert (err["expected"], err["printed"], err["difference"]) == ("120.00", "100.00", "-20.00")
    missing_cell = d["findings"][2]["cells"][3]
    assert missing_cell["value"] == "" and missing_cell["column"] == "budget"


def test_json_render_is_the_dict_and_keeps_chinese() -> None:
    result = sample_result()
    text = render(result, "json")
    assert isinstance(text, str)
    assert json.loads(text) == to_json_dict(result)
    assert "本年收入合计" in text  # not \\u escapes


def test_unknown_format_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown report format"):
        render(sample_result(), "pdf")


def test_every_format_renders_without_findings_and_without_metadata() -> None:
    result = sample_result()
    result.findings = []
    result.document.department = None
    result.document.year = None
    for fmt in FORMATS:
        out = render(result, fmt)
        assert out, fmt
        if fmt in ("text", "md", "html"):
            assert "未发现问题" in out
    assert to_json_dict(result)["summary"]["errors"] == 0


# --------------------------------------------------------------------------- text, terminal


def test_text_report_lists_findings_with_cells_and_positions() -> None:
    out = render(sample_result(), "text")
    assert isinstance(out, str)
    assert "\x1b[" not in out
    assert "错误 2，警告 1，提示 1" in out
    assert "1. [错误] summary.income_total" in out
    assert "收入支出决算总表 / income.total 本年收入合计 / 金额 = 100.00  （第3页 第46行）" in out
    assert "涉及的表：政府性基金预算财政拨款收入支出决算表" in out


def test_print_rich_counts_findings_and_does_not_interpret_markup() -> None:
    result = sample_result(department="[bold red]某局[/] :smile:")
    result.findings[0].message = "合计 [link=http://x]点此[/link]"
    console = Console(file=StringIO(), width=120, record=True, color_system="truecolor")
    print_rich(result, console)
    out = console.export_text()
    assert "[bold red]某局[/] :smile:" in out
    assert "[link=http://x]点此[/link]" in out
    assert "错误 2" in out and "警告 1" in out and "提示 1" in out
    assert "summary.income_total" in out and "three_public.total" in out
    assert "第3页 第46行" in out
    assert "财政拨款“三公”经费支出决算表 / reception 公务接待费 / 预算数 = （空）" in out
    # errors come before warnings and info
    assert (
        out.index("summary.income_total")
        < out.index("three_public.total")
        < out.index("summary.expense_total.rounding")
    )


# --------------------------------------------------------------------------- Markdown


def test_markdown_structure() -> None:
    out = render(sample_result(), "md")
    assert isinstance(out, str)
    first = out.splitlines()[0]
    assert first.startswith("# ") and "测试市人力资源和社会保障局" in first and "2024" in first
    assert "- 来源文件：demo-2024.txt" in out
    assert "| 错误 | 2 |" in out and "| 警告 | 1 |" in out and "| 提示 | 1 |" in out
    assert out.index("## 错误（2）") < out.index("## 警告（1）") < out.index("## 提示（1）")
    assert "### 1. `summary.income_total` 本年收入合计不等于各项收入之和" in out
    assert "- 期望值：120.00；列示值：100.00；差额：-20.00" in out
    assert "| 收入支出决算总表 | income.total 本年收入合计 | 金额 | 100.00 | 第3页 第46行 |" in out


def test_markdown_escapes_document_text() -> None:
    result = sample_result(department="A|B *局* " + HOSTILE)
    result.findings[0].message = "1. 合计 | [链接](http://x) `代码`\n# 标题"
    out = render(result, "md")
    assert isinstance(out, str)
    assert "A\\|B \\*局\\* \\<script\\>alert(1)\\</script\\>" in out
    assert "<script>" not in out
    assert "1\\. 合计 \\| \\[链接\\](http://x) \\`代码\\` \\# 标题" in out
    # every table line keeps its column count: no stray unescaped pipes from text
    for line in out.splitlines():
        if line.startswith("| 收入支出决算总表"):
            assert len(re.findall(r"(?<!\\)\|", line)) == 6


def test_md_escape_helpers() -> None:
    assert md_escape("a_b|c") == "a\\_b\\|c"
    assert md_escape("x\n\n y") == "x y"
    assert md_block("- item") == "\\- item"
    assert md_block("3) x") == "3\\) x"
    assert md_block("+ x") == "\\+ x"
    assert md_block("普通文字 a+b=c") == "普通文字 a+b=c"
    assert md_code("a_b") == "`a_b`"
    assert md_code("x`y") == "``x`y``"
    assert md_code("`y") == "`` `y ``"


# --------------------------------------------------------------------------- HTML


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: dict[str, dict[str, str | None]] = {}
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if a.get("id"):
            self.ids[a["id"] or ""] = {"tag": tag, **a}
        if a.get("href"):
            self.hrefs.append(a["href"] or "")
        if a.get("src"):
            self.srcs.append(a["src"] or "")


def _parse(html: str) -> _Collect:
    p = _Collect()
    p.feed(html)
    return p


def test_html_escapes_hostile_document_text() -> None:
    result = sample_result(department=HOSTILE)
    result.document.source = '"><img src=x onerror=alert(2)>.pdf'
    result.findings[0].message = HOSTILE
    result.findings[0].title = "<b>粗</b>"
    result.document.tables[0].row_labels["income.total"] = "<i onmouseover=alert(3)>合计</i>"
    result.document.warnings.append("<svg onload=alert(4)>")
    out = render(result, "html")
    assert isinstance(out, str)
    assert "<script>alert(1)" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "<img src=x" not in out and "&lt;img src=x onerror=alert(2)&gt;" in out
    assert "<b>粗</b>" not in out and "&lt;b&gt;粗&lt;/b&gt;" in out
    assert "<i onmouseover" not in out and "<svg onload" not in out
    p = _parse(out)
    assert [t for t, _ in p.tags].count("script") == 1  # only the report's own script
    assert not p.srcs  # no <img>, no external script


def test_html_is_self_contained_chinese_and_has_the_parts() -> None:
    out = render(sample_result(), "html")
    assert isinstance(out, str)
    assert '<html lang="zh-CN">' in out
    assert "<style>" in out and ".grid td.hl-error" in out  # inline CSS
    assert "addEventListener" in out  # inline JS
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", out)
    assert "<link" not in out and "@import" not in out
    for text in ("单位", "年度", "来源文件", "demo-2024.txt", "测试市人力资源和社会保障局"):
        assert text in out
    for header in ("金额", "预算数", "决算数", "代码", "项目"):
        assert f">{header}</th>" in out
    p = _parse(out)
    assert {a.get("value") for t, a in p.tags if t == "input" and a.get("type") == "checkbox"} == {
        "error",
        "warning",
        "info",
    }
    assert "filter-table" in p.ids
    # expected / printed / difference of a finding
    assert "期望值" in out and "列示值" in out and "-20.00" in out


def test_html_finding_links_target_highlighted_cells_and_back() -> None:
    out = render(sample_result(), "html")
    assert isinstance(out, str)
    p = _parse(out)
    target = cell_id("income_expense_summary", "income.total", "amount")
    assert target == "cell-income_expense_summary-income.total-amount"
    assert f"#{target}" in p.hrefs
    cell = p.ids[target]
    assert cell["tag"] == "td"
    classes = (cell.get("class") or "").split()
    assert "hl" in classes and "hl-error" in classes  # worst of error and info
    # every in-page link has a target
    for href in p.hrefs:
        assert href.startswith("#") and href[1:] in p.ids, href
    # the highlighted cell links back to both findings naming it (1: the error, 4: the info)
    cell_html = out[out.index(f'id="{target}"') :].split("</td>", 1)[0]
    assert 'href="#finding-1"' in cell_html and 'href="#finding-4"' in cell_html
    # info-only cell, warning cell, and the cell a finding names that the document left blank
    info_cell = p.ids[cell_id("income_expense_summary", "expense.208", "amount")]
    assert "hl-info" in (info_cell.get("class") or "")
    blank = p.ids[cell_id("three_public", "reception", "budget")]
    assert "hl-warning" in (blank.get("class") or "") and "missing" in (blank.get("class") or "")
    # an unflagged cell has an id but no highlight
    plain = p.ids[cell_id("three_public", "overseas", "budget")]
    assert "hl" not in (plain.get("class") or "").split()
    # findings carry severity and tables for the filters
    f2 = p.ids["finding-2"]
    assert f2["data-severity"] == "error" and f2["data-tables"] == "gov_fund"


def test_html_table_rows_in_document_order_with_labels() -> None:
    out = render(sample_result(), "html")
    assert isinstance(out, str)
    section = out[
        out.index('id="table-income_expense_summary"') : out.index('id="table-three_public"')
    ]
    labels = re.findall(r'<td class="label">([^<]*)</td>', section)
    assert labels == [
        "一般公共预算财政拨款收入",
        "事业收入",
        "本年收入合计",
        "社会保障和就业支出",
        "本年支出合计",
    ]
    assert "120.00" in section and "公开01表" in section


# --------------------------------------------------------------------------- grids


def test_grids_order_rows_columns_and_add_named_blank_cells() -> None:
    result = sample_result()
    grids = {g.id: g for g in build_grids(result)}
    summary = grids["income_expense_summary"]
    assert [r.key for r in summary.rows] == [
        "income.gpb",
        "income.operating",
        "income.total",
        "expense.208",
        "expense.total",
    ]
    assert summary.column_names == ["金额"]
    three = grids["three_public"]
    assert three.columns == ["budget", "final"]
    assert three.column_names == ["预算数", "决算数"]
    reception = next(r for r in three.rows if r.key == "reception")
    blank = reception.cells[0]
    assert blank is not None and blank.fact is None and blank.severity == "warning"
    assert "gov_fund" not in grids  # named by a finding's tables, but no cells: nothing to show


def test_grid_for_a_table_only_cells_name() -> None:
    result = sample_result()
    result.findings.append(
        Finding(
            "x.y",
            "warning",
            "t",
            "m",
            ["gpb_basic"],
            [CellRef("gpb_basic", "30217", "amount", "", None, None)],
        )
    )
    grids = {g.id: g for g in build_grids(result)}
    assert not grids["gpb_basic"].found
    out = render(result, "html")
    assert isinstance(out, str)
    assert 'id="cell-gpb_basic-30217-amount"' in out and "文件中未识别到此表" in out


# --------------------------------------------------------------------------- XLSX


def test_xlsx_round_trips() -> None:
    """问题清单 first (issue 13's hand-back columns), then the tables as printed: ``01 …``."""
    result = sample_result()
    data = render(result, "xlsx")
    assert isinstance(data, bytes)
    wb = load_workbook(BytesIO(data))
    assert wb.sheetnames[:3] == ["问题清单", "01 收入支出决算总表", "02 财政拨款“三公”经费支出决算表"]
    assert wb.sheetnames[-1] == "文档信息"

    ws = wb["问题清单"]
    header = [c.value for c in ws[1]][:11]
    assert header == ["序号", "严重程度", "规则", "表", "行", "列", "页码", "原文", "期望值", "列示值", "差额"]
    assert ws.freeze_panes == "C2"
    assert ws.max_row == 1 + len(result.findings)  # one row per finding
    row = [c.value for c in ws[2]]
    assert row[0] == 1 and row[1] == "错误" and row[2] == "summary.income_total"
    assert row[3] == "收入支出决算总表"  # both cells in one table: named once
    assert row[4] == "本年收入合计\n一般公共预算财政拨款收入"  # printed names, never a row key
    assert row[5] == "金额\n金额"
    assert row[6] == 3 and row[7] == "100.00\n120.00"
    assert (row[8], row[9], row[10]) == (120.0, 100.0, -20.0)
    assert ws.cell(row=2, column=9).number_format == "#,##0.00"
    assert ws.cell(row=2, column=1).hyperlink is not None
    assert ws.cell(row=3, column=4).value == "政府性基金预算财政拨款收入支出决算表"

    ts = wb["02 财政拨款“三公”经费支出决算表"]
    assert ts.cell(row=1, column=1).value == "财政拨款“三公”经费支出决算表"
    assert [c.value for c in ts[3]] == ["项目", "预算数", "决算数"]
    assert ts.freeze_panes == "A4"
    assert ts.column_dimensions["A"].width >= 10
    values = {
        (r[0].value, ts.cell(row=3, column=i + 1).value): c.value
        for r in ts.iter_rows(min_row=4)
        for i, c in enumerate(r)
    }
    assert values[("合计", "决算数")] == 8.5 and isinstance(values[("合计", "决算数")], float)
    assert values[("因公出国(境)费", "预算数")] == 4.0
    assert values[("公务接待费", "预算数")] == "（空）"
    total_final = ts.cell(row=4, column=3)
    assert total_final.value == 8.5 and total_final.fill.fgColor.rgb.endswith("FEF0C7")
    assert total_final.comment is not None and "three_public.total" in total_final.comment.text
    assert ts.cell(row=5, column=2).fill.fill_type is None  # overseas budget: not flagged

    es = wb["01 收入支出决算总表"]
    assert [c.value for c in es[3]][:3] == ["收入", None, "支出"]  # the two sides side by side
    total = next(r for r in es.iter_rows(min_row=5) if r[0].value == "本年收入合计")
    assert total[1].value == 100.0 and total[1].fill.fgColor.rgb.endswith("FEE4E2")
    assert total[2].value == "本年支出合计" and total[3].value == 100.0


def test_xlsx_keeps_hostile_text_as_text() -> None:
    result = sample_result(department='=HYPERLINK("http://x","点")')
    result.findings[1].message = "=1+1\x07"  # a formula and a control character
    data = render(result, "xlsx")
    assert isinstance(data, bytes)
    wb = load_workbook(BytesIO(data))
    ws = wb["问题清单"]
    msg = ws.cell(row=2, column=12)
    assert msg.value == "=1+1" and msg.data_type == "s" and msg.quotePrefix
    doc = wb["文档信息"]
    assert (
        doc.cell(row=2, column=2).value.startswith("=HYPERLINK")
        and doc.cell(row=2, column=2).data_type == "s"
        and doc.cell(row=2, column=2).quotePrefix
    )
    assert not ws.cell(row=2, column=1).quotePrefix  # ordinary text: no prefix


def test_sheet_title_is_valid_and_unique() -> None:
    taken: set[str] = {"findings"}
    t = sheet_title("a[b]:c*d?e/f\\g" + "x" * 40, taken)
    assert len(t) <= 31 and not re.search(r"[\[\]:*?/\\]", t)
    assert sheet_title("Findings", taken) == "Findings_2"
    assert sheet_title("", taken) == "sheet"


def test_report_title_follows_the_document_kind_and_scope():
    """A budget is not reported as a 决算 check; a unit's document is a 单位 one."""
    from dataclasses import replace

    from juesuan.model import Document
    from juesuan.report.common import report_title

    doc = Document(source="x.pdf", format="pdf", department="某局", year=2026, unit="万元", tables=[], facts=[])
    assert report_title(doc) == "部门决算检查报告"
    assert report_title(replace(doc, kind="budget")) == "部门预算检查报告"
    assert report_title(replace(doc, kind="budget", scope="unit")) == "单位预算检查报告"
    assert report_title(replace(doc, kind="unknown")) == "部门决算检查报告"

"""The workbench pages: the work queue's store queries, how cells are painted, and the pages.

The queue is checked against generated sets of documents (departments, years, kinds, error
counts) on SQLite and PostgreSQL: every filter, sort and page must agree with the same selection
done in Python.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import re
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st_
from test_store import db_url, hand_document, pg_server  # noqa: F401  (fixtures)

from juesuan.model import CellRef, CheckResult, Finding
from juesuan.store import open_store, region_of
from juesuan.store.queue import QueueQuery, queue_page, series_figures

DEPARTMENTS = ("河南省安阳市财政局", "辽宁省抚顺市教育局", "辽宁省抚顺市民政局", "上海市普陀区司法局")
Spec = list[tuple[int, int, str, int, int]]  # (department index, year, kind, errors, warnings)

spec_strategy = st_.lists(
    st_.tuples(
        st_.integers(0, len(DEPARTMENTS) - 1),
        st_.sampled_from((2023, 2024)),
        st_.sampled_from(("final", "budget")),
        st_.integers(0, 3),
        st_.integers(0, 2),
    ),
    min_size=1,
    max_size=7,
)


def _findings(doc, errors: int, warnings: int) -> list[Finding]:  # type: ignore[no-untyped-def]
    cell = next(f for f in doc.facts if f.table == "expenditure")
    out = [
        Finding(f"T-AR-00{i % 2 + 1}", "error", f"测试错误 {i}", "不平衡", ["expenditure"], [CellRef.of(cell)],
                "1.00", cell.raw, "0.01", family="AR")
        for i in range(errors)
    ]  # fmt: skip
    out += [Finding("T-XT-001", "warning", "测试警告", "提示", ["expenditure"], family="XT") for _ in range(warnings)]
    return out


def _fill(st, spec: Spec) -> list[int]:  # type: ignore[no-untyped-def]
    ids = []
    for n, (dep, year, kind, errors, warnings) in enumerate(spec):
        doc = hand_document(DEPARTMENTS[dep], year)
        doc.kind = kind  # type: ignore[assignment]
        doc.source = f"doc-{n}.txt"
        sha = hashlib.sha256(f"{n}-{spec}".encode()).hexdigest()
        o = st.ingest_document(doc, sha, result=CheckResult(doc, _findings(doc, errors, warnings)))
        ids.append(o.document_id)
    return ids


def _check_queue(st, spec: Spec, ids: list[int]) -> None:  # type: ignore[no-untyped-def]
    by_id = dict(zip(ids, spec))

    def expect(pred) -> set[int]:  # type: ignore[no-untyped-def]
        return {i for i, s in by_id.items() if pred(s)}

    def got(q: QueueQuery) -> set[int]:
        page = queue_page(st, q)
        assert page.total == len(page.items)
        return {i.document.id for i in page.items}

    every = queue_page(st, QueueQuery(limit=500))
    assert every.total == len(spec) and {i.document.id for i in every.items} == set(ids)
    for kind in ("final", "budget"):
        assert got(QueueQuery(kind=kind, limit=500)) == expect(lambda s: s[2] == kind)
        assert all(i.kind == kind for i in queue_page(st, QueueQuery(kind=kind)).items)
    assert got(QueueQuery(has_errors=True, limit=500)) == expect(lambda s: s[3] > 0)
    assert got(QueueQuery(has_errors=False, limit=500)) == expect(lambda s: s[3] == 0)
    assert got(QueueQuery(year=2023, limit=500)) == expect(lambda s: s[1] == 2023)
    assert got(QueueQuery(search="抚顺", limit=500)) == expect(lambda s: "抚顺" in DEPARTMENTS[s[0]])
    assert got(QueueQuery(search="教育局", kind="final", limit=500)) == expect(
        lambda s: "教育局" in DEPARTMENTS[s[0]] and s[2] == "final"
    )
    assert got(QueueQuery(search="%", limit=500)) == set()  # a LIKE wildcard is a character
    # sorted by errors, most first, then fewest first
    down = [i.document.errors for i in queue_page(st, QueueQuery(sort="errors", limit=500)).items]
    assert down == sorted(down, reverse=True)
    up = [i.document.errors for i in queue_page(st, QueueQuery(sort="errors", descending=False, limit=500)).items]
    assert up == sorted(up)
    newest = [i.document.id for i in queue_page(st, QueueQuery(limit=500)).items]
    assert newest == sorted(ids, reverse=True)  # by date: the newest upload first
    # pages of two: every document exactly once
    seen: list[int] = []
    offset = 0
    while True:
        page = queue_page(st, QueueQuery(limit=2, offset=offset))
        seen += [i.document.id for i in page.items]
        if not page.has_next:
            break
        offset += 2
    assert sorted(seen) == sorted(ids)
    # totals across the filtered queue
    q = QueueQuery(has_errors=True)
    page = queue_page(st, q)
    chosen = expect(lambda s: s[3] > 0)
    assert sum(t.findings for t in page.by_rule if t.severity == "error") == sum(by_id[i][3] for i in chosen)
    assert sum(t.findings for t in page.by_rule if t.severity == "warning") == sum(by_id[i][4] for i in chosen)
    assert sum(t.documents for t in page.by_region) == len(chosen)
    regions: dict[str, int] = {}
    for i in chosen:
        r = region_of(DEPARTMENTS[by_id[i][0]]).region or ""
        regions[r] = regions.get(r, 0) + by_id[i][3]
    assert {t.region: t.errors for t in page.by_region} == regions


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=spec_strategy)
def test_queue_matches_python_selection(spec: Spec) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        st = open_store(f"sqlite:///{Path(tmp) / 'q.db'}", checker=None, rules_version="t-1")
        try:
            _check_queue(st, spec, _fill(st, spec))
        finally:
            st.close()


def test_queue_on_each_backend(db_url: str) -> None:  # noqa: F811
    spec: Spec = [(0, 2024, "final", 2, 1), (0, 2024, "budget", 0, 0), (1, 2023, "final", 0, 2),
                  (2, 2024, "final", 3, 0), (3, 2024, "budget", 1, 1)]  # fmt: skip
    st = open_store(db_url, checker=None, rules_version="t-1")
    try:
        ids = _fill(st, spec)
        _check_queue(st, spec, ids)
        figs = series_figures(st, ids)
        assert [figs[i].kind for i in ids] == [s[2] for s in spec]
        assert figs[ids[0]].income_total == Decimal("100.00") and figs[ids[0]].expense_total == Decimal("90.50")
    finally:
        st.close()


# --------------------------------------------------------------------------- which cells are painted


def _grid_for(findings: list[Finding]):  # type: ignore[no-untyped-def]
    from juesuan.web.views import build_grids, cell_marks

    doc = hand_document()
    grids = build_grids(doc, findings)
    return doc, grids, cell_marks(findings, grids)


amount = st_.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2)


@settings(max_examples=25, deadline=None)
@given(wrong=amount, family=st_.sampled_from(("NR", "NP", "BN")))
def test_narrative_finding_never_paints_the_table_cell(wrong: Decimal, family: str) -> None:
    from juesuan.report.common import cell_id

    doc = hand_document()
    cell = next(f for f in doc.facts if f.table == "expenditure" and f.row == "total" and f.column == "total")
    f = Finding(
        f"JS-{family}-001", "error", "情况说明中的金额与决算表不一致", "不符", ["expenditure", "narrative"],
        [CellRef("narrative", "支出合计", "amount", str(wrong), 2, 5, "支出合计"), CellRef.of(cell)],
        expected=cell.raw, printed=str(wrong), difference="1", family=family,
        sentence={"text": f"本年支出合计{wrong}万元。", "number": str(wrong), "page": 2, "line": 5},
    )  # fmt: skip
    _, _, marks = _grid_for([f])
    mark = marks[cell_id("expenditure", "total", "total")]
    assert mark.paint == "ref" and not mark.blamed


@settings(max_examples=25, deadline=None)
@given(severity=st_.sampled_from(("error", "warning")), total_is_wrong=st_.booleans())
def test_identity_finding_paints_only_the_printed_value(severity: str, total_is_wrong: bool) -> None:
    from juesuan.report.common import cell_id

    doc = hand_document()
    facts = {(f.row, f.column): f for f in doc.facts if f.table == "expenditure"}
    total, basic = facts[("total", "total")], facts[("total", "basic")]
    wrong, right = (total, basic) if total_is_wrong else (basic, total)
    f = Finding("JS-AR-001", severity, "合计等于基本支出加项目支出", "不平衡", ["expenditure"],
                [CellRef.of(total), CellRef.of(basic)], expected="1.00", printed=wrong.raw, difference="1",
                family="AR")  # fmt: skip
    _, _, marks = _grid_for([f])
    assert marks[cell_id("expenditure", wrong.row, wrong.column)].paint == severity
    assert marks[cell_id("expenditure", right.row, right.column)].paint == "ref"


def test_shown_code_and_finding_cells_hide_internal_keys() -> None:
    from juesuan.web.views import build_grids, finding_views, shown_code

    assert shown_code("2080101") == "2080101" and shown_code("income.gpb") == "" and shown_code("total") == ""
    doc = hand_document()
    summary = next(f for f in doc.facts if f.table == "income_expense_summary" and f.row == "income.total")
    f = Finding("JS-SB-001", "error", "总表不平衡", "不平衡", ["income_expense_summary"], [CellRef.of(summary)],
                printed=summary.raw, family="SB")  # fmt: skip
    grids = build_grids(doc, [f])
    views = finding_views(doc, [f], grids)
    assert views[0].cells[0].row == "" and views[0].cells[0].label


# --------------------------------------------------------------------------- the pages


def _visible_text(page_html: str) -> str:
    body = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page_html)
    body = re.sub(r"(?s)<[^>]+>", " ", body)  # attributes (ids, hrefs, titles) are not visible text
    return html_lib.unescape(body)


INTERNAL_KEY = re.compile(
    r"(?<![\w/.-])(?:income|expense|budget|gpb|fiscal|gov_fund|soe_capital|three_public|perf|narrative)"
    r"(?:[._][a-z0-9_]+)+(?![\w/-])"
)


@pytest.fixture
def web(tmp_path: Path):  # type: ignore[no-untyped-def]
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from juesuan.web import create_app

    st = open_store(f"sqlite:///{tmp_path / 'w.db'}", checker=None, rules_version="w-1")
    client = TestClient(create_app(store=st, upload_dir=tmp_path / "uploads"), headers={"Origin": "http://testserver"})
    yield client, st
    client.close()
    st.close()


def _printed(doc):  # type: ignore[no-untyped-def]
    """The hand-made document with Chinese printed titles, as a real one has."""
    from juesuan.report.common import table_name

    for t in doc.tables:
        t.title = table_name(t.id)
    return doc


def _store_pair(st) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """A department's final accounts (two versions) and budget of one year; returns their ids."""
    doc = _printed(hand_document("河南省安阳市财政局", 2024))
    facts = {(f.table, f.row, f.column): f for f in doc.facts}
    total = facts[("expenditure", "total", "total")]
    basic = facts[("expenditure", "total", "basic")]
    summary = facts[("income_expense_summary", "income.total", "amount")]
    findings = [
        Finding("JS-AR-001", "error", "合计等于基本支出加项目支出", "不平衡", ["expenditure"],
                [CellRef.of(total), CellRef.of(basic)], "1.00", total.raw, "0.01", family="AR"),
        Finding("JS-NR-001", "error", "情况说明中的金额与决算表不一致", "不符", ["income_expense_summary", "narrative"],
                [CellRef("narrative", "收入合计", "amount", "99.00", 2, 5, "收入合计"), CellRef.of(summary)],
                summary.raw, "99.00", "-1.00", family="NR",
                sentence={"text": "本年收入合计99.00万元。", "number": "99.00", "page": 2, "line": 5}),
        Finding("JS-RD-001", "info", "尾差", "尾差 0.01", ["income_expense_summary"], [CellRef.of(summary)],
                "100.01", summary.raw, "0.01", family="RD"),
    ]  # fmt: skip
    v1 = st.ingest_document(doc, "a" * 64, file_name="v1.txt", result=CheckResult(doc, findings)).document_id
    v2 = st.ingest_document(doc, "b" * 64, file_name="v2.txt", result=CheckResult(doc, findings[1:])).document_id
    budget = _printed(hand_document("河南省安阳市财政局", 2024))
    budget.kind = "budget"  # type: ignore[assignment]
    b = st.ingest_document(budget, "c" * 64, file_name="budget.txt", result=CheckResult(budget, [])).document_id
    return v1, v2, b


def test_document_page_paints_reviews_and_hides_keys(web) -> None:  # type: ignore[no-untyped-def]
    client, st = web
    v1, _, b = _store_pair(st)
    r = client.get(f"/documents/{v1}")
    assert r.status_code == 200
    page = r.text
    assert "部门决算" in re.search(r"<title>(.*?)</title>", page).group(1)  # type: ignore[union-attr]
    assert 'id="doc-kind">部门决算<' in page
    assert "部门预算" in client.get(f"/documents/{b}").text
    # the identity error paints the printed total, not the part; the narrative error paints no cell
    assert re.search(r'<td id="cell-expenditure-total-total" class="num hl hl-error"', page)
    assert re.search(r'<td id="cell-expenditure-total-basic" class="num hl-ref"', page)
    summary_td = re.search(r'<td id="cell-income_expense_summary-income\.total-amount" class="([^"]*)"', page)
    assert summary_td and "hl-error" not in summary_td.group(1)
    assert '<mark class="num-mark">99.00</mark>' in page  # the sentence's number is what is marked
    # the rounding note is collapsed; the others are not
    assert re.search(r'class="finding sev-info rounding"[^>]*>\s*<details class="rounding-note">', page)
    assert page.count("<details class=\"rounding-note\" open") == 0
    # sticky header rows
    css = client.get("/static/app.css").text
    assert re.search(r"table\.grid thead th \{[^}]*position: sticky", css)
    # every finding open (no review store decisions yet), shown with its status
    assert page.count('class="review review-open"') == 3
    leaks = INTERNAL_KEY.findall(_visible_text(page))
    assert not leaks, leaks[:10]


def test_queue_page_filters_and_totals(web) -> None:  # type: ignore[no-untyped-def]
    client, st = web
    _store_pair(st)
    home = client.get("/").text
    assert "上传预决算公开文件" in home and home.count("<tr data-id=") == 3
    budget_only = client.get("/", params={"kind": "budget"}).text
    assert budget_only.count("<tr data-id=") == 1 and 'data-kind="budget"' in budget_only
    with_errors = client.get("/", params={"errors": "1", "sort": "errors"}).text
    assert with_errors.count("<tr data-id=") == 2
    assert 'id="totals-rule"' in with_errors and "JS-AR-001" in with_errors
    nothing = client.get("/", params={"q": "不存在的部门"}).text
    assert "没有符合条件的文档" in nothing
    paged = client.get("/", params={"per": "2"}).text
    assert paged.count("<tr data-id=") == 2 and 'id="page-next"' in paged and "per=2" in paged
    assert client.get("/", params={"per": "0"}).status_code == 422
    assert client.get("/", params={"year": "abc", "kind": "x", "sort": "y"}).status_code == 200  # ignored


def test_department_page_two_series_and_changes(web) -> None:  # type: ignore[no-untyped-def]
    client, st = web
    v1, v2, b = _store_pair(st)
    dep = st.document(v1).department_id
    page = client.get(f"/departments/{dep}").text
    heads = re.findall(r'<th class="num series-(\w+)" data-kind="\w+"><a href="/documents/(\d+)">([^<]+)</a>', page)
    assert [(k, int(i)) for k, i, _ in heads] == [("budget", b), ("final", v2)]  # the latest version
    assert all(h.startswith("2024") for _, _, h in heads)
    assert page.count("第 1 版") >= 2 and "第 2 版" in page
    if hasattr(st, "version_diff"):
        assert 'id="changes"' in page
        fixed = re.search(r'id="diff-fixed">(.*?)</div>', page, re.S).group(1)  # type: ignore[union-attr]
        assert "JS-AR-001" in fixed  # gone from version 2


@settings(max_examples=40, deadline=None)
@given(year=st_.integers(2015, 2030), value=st_.integers(0, 9999), decimals=st_.sampled_from(("", ".5", ".25")))
def test_sentence_number_marks_the_figure_not_a_digit_of_the_year(year: int, value: int, decimals: str) -> None:
    from juesuan.web.views import sentence_number

    number = f"{value}{decimals}"
    assume(number != str(year))  # the same figure twice: either is right
    text = f"{year} 年度收入总计 {number} 万元。"
    before, got, after = sentence_number(text, number)
    assert got == number and before == f"{year} 年度收入总计 " and after == " 万元。"


def test_rounding_notes_of_every_family_are_collapsed() -> None:
    from juesuan.web.views import is_narrative, is_rounding

    def f(rule: str, family: str, severity: str = "info") -> Finding:
        return Finding(rule, severity, "尾差", "", [], family=family)  # type: ignore[arg-type]

    assert is_rounding(f("JS-RD-001", "RD")) and is_rounding(f("JS-NR-009", "NR"))
    assert not is_rounding(f("JS-NR-001", "NR", "error")) and not is_rounding(f("JS-AR-001", "AR", "error"))
    assert is_narrative(f("JS-NR-009", "NR")) and is_narrative(f("JS-BN-001", "")) and not is_narrative(f("JS-RD-001", "RD"))


@settings(max_examples=40, deadline=None)
@given(
    value=st_.integers(0, 99),
    around=st_.sampled_from(("2024 年度", "较上年增长 10.5%，", "共 1,203 人，", "第三项，", "")),
)
def test_every_report_marks_a_sentences_figure_where_it_stands_alone(value: int, around: str) -> None:
    """The HTML report and the web page share one helper: a figure "0" is never marked inside
    "2024", "10.5" or "1,203" printed before it."""
    from juesuan.model import CellRef, CheckResult, Document
    from juesuan.report import render
    from juesuan.report import common
    from juesuan.report.common import sentence_parts
    from juesuan.web import views

    number = str(value)
    text = f"{around}本年收入总计 {number} 万元。"
    assert sentence_parts({"text": text, "number": number}) == (f"{around}本年收入总计 ", number, " 万元。")
    assert views.sentence_number is common.sentence_number  # one helper, not two copies
    doc = Document(source="t.txt", format="text", department="测试单位", year=2024, unit="万元", tables=[], facts=[])
    f = Finding("JS-NR-001", "error", "情况说明与表不符", "", ["narrative"],  # type: ignore[arg-type]
                cells=[CellRef("narrative", "收入总计", "amount", number, 1, 1, "收入总计")], family="NR")  # fmt: skip
    f.sentence = {"text": text, "number": number, "line": 1}  # type: ignore[attr-defined]
    html = str(render(CheckResult(doc, [f]), "html"))
    assert f'{around}本年收入总计 <mark class="num-mark">{number}</mark> 万元。' in html


def test_sentence_number_falls_back_to_the_first_occurrence_and_to_none() -> None:
    from juesuan.report.common import sentence_number

    assert sentence_number("2024年", "0") == ("2", "0", "24年")  # never alone: the first occurrence
    assert sentence_number("收入 5 万元", "7") == ("收入 5 万元", "", "")
    assert sentence_number("收入 5 万元", "") == ("收入 5 万元", "", "")
    assert sentence_number("0.5 与 0", "0") == ("0.5 与 ", "0", "")

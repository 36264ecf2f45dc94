"""DOCX / XLSX / XLS / HTML readers.

The main test renders each corpus text document into every office format (tests/render_office.py)
and checks that the pipeline reads back exactly the facts it reads from the text. The rest are
small hand-made files: merged cells, number formats, charsets, preamble rows, bad input.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import struct
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from juesuan.ingest import read_raw, sniff
from juesuan.ingest.errors import InputError
from juesuan.ingest.html import blocks_from_html
from juesuan.ingest.xlsx import format_number
from juesuan.pipeline import read_document

sys.path.insert(0, str(Path(__file__).resolve().parent))
import render_office as R  # noqa: E402

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"
TEXTS = sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []
VARIANTS = ("docx", "xlsx", "xlsx-sheets", "xls", "xls-sheets", "html")
NO_CORPUS = "../shared/corpus (the converter-text corpus) is not present beside the project checkout"

FactKey = tuple[str, str, str, Decimal, str]


def need_corpus() -> None:
    if not TEXTS:
        pytest.skip(NO_CORPUS)


def document_of(raw):  # type: ignore[no-untyped-def]
    """read_document's result from blocks already read (to look at both without reading twice)."""
    from juesuan.extract import extract
    from juesuan.layout import build_layout

    return extract(build_layout(raw), raw.blocks)


def fact_set(doc) -> set[FactKey]:  # type: ignore[no-untyped-def]
    """(table, row, column, value, project): project is "" except for self-evaluation facts."""
    return {(f.table, f.row, f.column, Decimal(f.value), f.project) for f in doc.facts}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, corpus_docs):
    """Every corpus document rendered once: {(stem, variant): path}, and its text parse
    (``corpus_docs``, the session-wide parse of the corpus texts from conftest)."""
    need_corpus()
    out = tmp_path_factory.mktemp("office")
    files: dict[tuple[str, str], Path] = {}
    for txt in TEXTS:
        for variant, path in R.render_all(txt, out).items():
            files[(txt.stem, variant)] = path
    return files, corpus_docs


def _block_view(raw) -> list[tuple[str, list[str], str | None, list[str | None]]]:  # type: ignore[no-untyped-def]
    """Each block's kind, texts, provenance and cells' provenance: what two readers must agree on."""
    return [(b.kind, b.texts, b.prov.ref, [c.prov.ref for c in b.cells]) for b in raw.blocks]


def _compare(stem: str, variant: str, want: set[FactKey], got: set[FactKey]) -> tuple[float, float]:
    tp = len(want & got)
    precision = tp / len(got) if got else 1.0
    recall = tp / len(want) if want else 1.0
    if want != got:
        print(f"\n{stem} [{variant}] precision {precision:.4f} recall {recall:.4f}")
        for f in sorted(want - got)[:40]:
            print("  missing", f)
        for f in sorted(got - want)[:40]:
            print("  extra  ", f)
    return precision, recall


# --------------------------------------------------------------------------- round trip


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("stem", [p.stem for p in TEXTS] or [pytest.param("-", marks=pytest.mark.skip(NO_CORPUS))])
def test_round_trip_same_facts_as_text(rendered, stem, variant):
    files, baseline = rendered
    base = baseline[stem]
    doc = read_document(files[(stem, variant)])
    assert doc.format == variant.split("-")[0]
    precision, recall = _compare(stem, variant, fact_set(base), fact_set(doc))
    assert precision >= 0.995 and recall >= 0.995, (precision, recall)
    # the same tables, titles, numbers, units and notes; the same document metadata
    meta = lambda d: [(t.id, t.title, t.number, t.unit, t.empty, tuple(t.notes)) for t in d.tables]  # noqa: E731
    assert meta(doc) == meta(base)
    assert (doc.department, doc.year) == (base.department, base.year)
    claims = lambda d: sorted((c.subject, c.kind, c.value) for c in d.claims)  # noqa: E731
    assert claims(doc) == claims(base)
    # every fact says where it was read: a table cell or row (DOCX/HTML), a sheet cell or row (XLSX)
    pattern = r"^表\d+ 第\d+行( 第\d+列)?$" if variant in ("docx", "html") else r"^[^!]+![A-Z]+\d+(:[A-Z]+\d+)?$"
    assert all(re.match(pattern, f.prov.ref or "") for f in doc.facts)


def _three_public_doc(baseline) -> Path:  # type: ignore[no-untyped-def]
    """The corpus document whose 三公 table is the 12-column layout with the most non-zero cells."""
    need_corpus()
    found = []
    for txt in TEXTS:
        lines = txt.read_text(encoding="utf-8").splitlines()
        if any(line.startswith("预算数\t\t\t\t\t\t决算数") for line in lines):
            nonzero = sum(1 for f in baseline[txt.stem].facts_of("three_public") if f.value)
            found.append((nonzero, txt))
    if not found:
        pytest.skip("no corpus document prints the 12-column 三公 table")
    return max(found, key=lambda x: x[0])[1]


def _merged_three_public_xlsx(rendered, tmp_path: Path) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    """The XLSX rendering of the 三公 document with its header cells merged, and its text."""
    from openpyxl import load_workbook

    files, baseline = rendered
    txt = _three_public_doc(baseline)
    wb = load_workbook(files[(txt.stem, "xlsx")])
    ws = wb.active
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "预算数")
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)  # 预算数 over 6 columns
    ws.merge_cells(start_row=row, start_column=7, end_row=row, end_column=12)
    ws.merge_cells(start_row=row + 1, start_column=3, end_row=row + 1, end_column=5)  # 公务用车… over 3
    ws.merge_cells(start_row=row + 1, start_column=1, end_row=row + 2, end_column=1)  # 合计 over 2 rows
    merged = tmp_path / "merged.xlsx"
    wb.save(merged)
    return merged, txt


def test_xlsx_merged_header_cells(rendered, tmp_path):
    files, baseline = rendered
    merged, txt = _merged_three_public_xlsx(rendered, tmp_path)
    raw = read_raw(merged)
    header = next(b for b in raw.blocks if b.kind == "row" and b.texts[0] == "预算数")
    assert header.texts[:7] == ["预算数", "", "", "", "", "", "决算数"]  # text only in the top-left cell
    doc = document_of(raw)
    assert fact_set(doc) == fact_set(baseline[txt.stem])
    assert any(f.value for f in doc.facts_of("three_public"))


def test_xls_merged_header_cells(rendered, tmp_path):
    files, baseline = rendered
    merged, txt = _merged_three_public_xlsx(rendered, tmp_path)
    xls = R.xlsx_to_xls(merged, tmp_path / "merged.xls")
    raw = read_raw(xls)
    assert raw.format == "xls"
    header = next(b for b in raw.blocks if b.kind == "row" and b.texts[0] == "预算数")
    assert header.texts == ["预算数"] + [""] * 5 + ["决算数"] + [""] * 5  # text only in the top-left cell
    assert _block_view(raw) == _block_view(read_raw(merged))
    doc = document_of(raw)
    assert fact_set(doc) == fact_set(baseline[txt.stem])
    assert any(f.value for f in doc.facts_of("three_public"))


def test_docx_merged_header_cells(rendered, tmp_path):
    import docx

    files, baseline = rendered
    txt = _three_public_doc(baseline)
    document = docx.Document(str(files[(txt.stem, "docx")]))
    table = next(t for t in document.tables if t._tbl.xpath("./w:tr[1]/w:tc[1]//w:t[.='预算数']"))
    table.cell(0, 0).merge(table.cell(0, 5))  # gridSpan 6
    table.cell(0, 6).merge(table.cell(0, 11))
    table.cell(1, 2).merge(table.cell(1, 4))
    table.cell(1, 0).merge(table.cell(2, 0))  # vMerge
    merged = tmp_path / "merged.docx"
    document.save(str(merged))
    raw = read_raw(merged)
    rows = [b for b in raw.blocks if b.kind == "row"]
    i = next(k for k, b in enumerate(rows) if b.texts[0] == "预算数")
    assert rows[i].texts == ["预算数"] + [""] * 5 + ["决算数"] + [""] * 5
    second = rows[i + 1].texts
    assert second[0] == "合计" and second[2].startswith("公务用车购置") and second[3:5] == ["", ""]
    assert rows[i + 2].texts[0] == ""  # vertically merged continuation
    assert fact_set(document_of(raw)) == fact_set(baseline[txt.stem])


# --------------------------------------------------------------------------- DOCX


def _docx(path: Path, build) -> Path:  # type: ignore[no-untyped-def]
    import docx

    document = docx.Document()
    build(document)
    document.save(str(path))
    return path


def test_docx_order_merges_and_provenance(tmp_path):
    def build(d):  # type: ignore[no-untyped-def]
        d.add_paragraph("收入决算表")
        d.add_paragraph("")
        d.add_paragraph("公开02表")
        t = d.add_table(rows=3, cols=4)
        t.cell(0, 0).merge(t.cell(0, 1)).text = "项目"
        t.cell(0, 2).text = "合计"
        t.cell(0, 3).text = "财政拨款"
        t.cell(1, 0).merge(t.cell(2, 0)).text = "208"
        t.cell(1, 1).text = "社会保障和就业支出"
        t.cell(1, 2).text = "1.00"
        d.add_paragraph("注：本表反映…\n第二行")

    raw = read_raw(_docx(tmp_path / "a.docx", build))
    assert raw.format == "docx"
    assert [(b.kind, b.texts) for b in raw.blocks] == [
        ("text", ["收入决算表"]),
        ("text", ["公开02表"]),
        ("row", ["项目", "", "合计", "财政拨款"]),
        ("row", ["208", "社会保障和就业支出", "1.00", ""]),
        ("text", ["注：本表反映…"]),
        ("text", ["第二行"]),
    ]
    assert raw.blocks[0].prov.ref == "段落 1"
    assert raw.blocks[1].prov.ref == "段落 3"  # the empty paragraph counts
    assert raw.blocks[2].prov.ref == "表1 第1行"
    assert raw.blocks[3].cells[2].prov.ref == "表1 第2行 第3列"
    assert raw.blocks[4].prov.ref == "段落 4"


def test_docx_preamble_rows_become_text(tmp_path):
    def build(d):  # type: ignore[no-untyped-def]
        t = d.add_table(rows=3, cols=3)
        t.cell(0, 0).merge(t.cell(0, 2)).text = "收入决算表"
        t.cell(1, 0).text = "部门：某某局"
        t.cell(1, 2).text = "单位：万元"
        t.cell(2, 0).text = "合计"
        t.cell(2, 2).text = "5.00"

    raw = read_raw(_docx(tmp_path / "p.docx", build))
    assert [(b.kind, b.text) for b in raw.blocks] == [
        ("row", "收入决算表\t\t"),  # a title row: layout turns it into the table title
        ("text", "部门：某某局"),
        ("text", "单位：万元"),
        ("row", "合计\t\t5.00"),
    ]


def test_docx_without_tables_is_input_error(tmp_path):
    path = _docx(tmp_path / "prose.docx", lambda d: (d.add_paragraph("第一部分 概况"), d.add_paragraph("本部门职责……")))
    raw = read_raw(path)
    assert [b.text for b in raw.blocks] == ["第一部分 概况", "本部门职责……"]
    with pytest.raises(InputError, match="未找到可识别的决算表格"):
        read_document(path)


# --------------------------------------------------------------------------- XLSX


@pytest.mark.parametrize(
    "value, fmt, text",
    [
        (1234.5, "0.00", "1234.50"),
        (1234.5, "#,##0.00", "1,234.50"),
        (21302.345, "#,##0.00_ ", "21,302.35"),
        (0.1 + 0.2, "General", "0.3"),
        (0.1 + 0.2, "0.00", "0.30"),
        (12, "General", "12"),
        (12.0, "General", "12"),
        (2080101, "General", "2080101"),
        (12, "0.00", "12.00"),
        (0.1234, "0.00%", "12.34%"),
        (-5, "#,##0.00;(#,##0.00)", "(5.00)"),
        (-5, "#,##0.00;[Red]-#,##0.00", "-5.00"),
        (-5.5, "0.00", "-5.50"),
        (0, '0.00;-0.00;"-"', "-"),
        (0, '_ * #,##0.00_ ;_ * -#,##0.00_ ;_ * "-"??_ ;_ @_ ', "-"),
        (-1234.5, '_ * #,##0.00_ ;_ * -#,##0.00_ ;_ * "-"??_ ;_ @_ ', "-1,234.50"),
        (1234.5, '_ * #,##0.00_ ;_ * -#,##0.00_ ;_ * "-"??_ ;_ @_ ', "1,234.50"),
        (1e20, "General", "100000000000000000000"),
        (1234.56, '#,##0.00"万元"', "1,234.56"),
        (12.5, "0", "13"),
        (1, "00", "01"),
        (1234567.891, "#,##0.000", "1,234,567.891"),
    ],
)
def test_xlsx_number_formats(value, fmt, text):
    assert format_number(value, fmt) == text


# the blocks of the one-sheet workbook both Excel tests write (.xlsx with openpyxl, .xls with xlwt)
SHEET1_BLOCKS = [
    ("text", "Sheet1"),
    ("text", "一般公共预算财政拨款支出决算表"),
    ("text", "公开05表"),
    ("text", "部门：某某局"),
    ("text", "单位：万元"),
    ("row", "项目\t\t本年支出\t\t"),  # the merged range C4:E4 carries the row to column E
    ("row", "科目代码\t科目名称\t小计\t基本支出\t项目支出"),
    ("row", "合计\t\t1,234.50\t1,000.00\t234.50"),
    ("row", "一、分组\t\t\t\t"),  # a section line between table rows
    ("row", "208\t社会保障和就业支出\t1,234.50\t1,000.00\t234.50"),
    ("text", "注：本表反映…"),
]


def test_xlsx_rows_text_lines_merges_and_refs(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws["A1"] = "一般公共预算财政拨款支出决算表"
    ws.merge_cells("A1:E1")
    ws["E2"] = "公开05表"
    ws["A3"] = "部门：某某局"
    ws["E3"] = "单位：万元"
    ws.append(["项目", None, "本年支出", None, None])
    ws.merge_cells("A4:B4")
    ws.merge_cells("C4:E4")
    ws.append(["科目代码", "科目名称", "小计", "基本支出", "项目支出"])
    ws.append(["合计", None, 1234.5, 1000, 234.5])
    ws.append(["一、分组", None, None, None, None])  # a section line between table rows
    ws.append([208, "社会保障和就业支出", 1234.5, 1000, 234.5])
    ws.append(["注：本表反映…"])
    for row in ws.iter_rows(min_row=6, max_row=8, min_col=3, max_col=5):
        for c in row:
            c.number_format = "#,##0.00"
    wb.save(tmp_path / "t.xlsx")
    raw = read_raw(tmp_path / "t.xlsx")
    assert raw.format == "xlsx"
    got = [(b.kind, b.text) for b in raw.blocks]
    assert got == SHEET1_BLOCKS
    row = next(b for b in raw.blocks if b.text.startswith("208"))
    assert row.cells[2].prov.ref == "Sheet1!C8"
    assert row.prov.ref == "Sheet1!A8:E8"
    doc = read_document(tmp_path / "t.xlsx")
    facts = {(f.row, f.column): f.value for f in doc.facts}
    assert facts[("total", "total")] == Decimal("1234.50")
    assert facts[("208", "basic")] == Decimal("1000.00")


def test_xlsx_several_sheets_and_hidden(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "封面"
    wb.active["A1"] = "2024年度部门决算"
    ws = wb.create_sheet("表1")
    ws.append(["项目", "金额"])
    ws.append(["合计", 1])
    hidden = wb.create_sheet("辅助")
    hidden["A1"] = "x"
    hidden.sheet_state = "hidden"
    wb.save(tmp_path / "s.xlsx")
    raw = read_raw(tmp_path / "s.xlsx")
    assert [b.text for b in raw.blocks] == ["封面", "2024年度部门决算", "表1", "项目\t金额", "合计\t1"]
    assert any("辅助" in w for w in raw.warnings)


def test_xlsx_formula_cached_values(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["a", 1.5, 2.25, "=B1+C1"])  # openpyxl writes no cached value
    wb.save(tmp_path / "f.xlsx")
    raw = read_raw(tmp_path / "f.xlsx")
    assert raw.blocks[1].texts == ["a", "1.5", "2.25"]  # the formula cell reads as blank
    assert any("公式" in w for w in raw.warnings)


def test_xlsx_empty_workbook(tmp_path):
    from openpyxl import Workbook

    Workbook().save(tmp_path / "empty.xlsx")
    with pytest.raises(InputError, match="工作簿为空"):
        read_raw(tmp_path / "empty.xlsx")


# --------------------------------------------------------------------------- XLS


def _xls(path: Path, build) -> Path:  # type: ignore[no-untyped-def]
    """A legacy .xls written by xlwt: ``build(workbook)`` adds the sheets."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    build(book)
    book.save(str(path))
    return path


def _fmt(num_format: str):  # type: ignore[no-untyped-def]
    import xlwt

    return xlwt.easyxf(num_format_str=num_format)


@pytest.mark.parametrize("layout", ["xlsx", "xlsx-sheets"])
def test_xls_same_blocks_as_xlsx(rendered, layout):
    """Every corpus rendering gives the same blocks (texts, provenance) from .xls as from .xlsx."""
    files, _ = rendered
    for txt in TEXTS:
        xlsx = read_raw(files[(txt.stem, layout)])
        xls = read_raw(files[(txt.stem, layout.replace("xlsx", "xls"))])
        assert (xls.format, xlsx.format) == ("xls", "xlsx")
        assert _block_view(xls) == _block_view(xlsx), txt.stem
        assert xls.warnings == xlsx.warnings


def test_xls_rows_text_lines_merges_and_refs(tmp_path):
    """The .xls twin of test_xlsx_rows_text_lines_merges_and_refs, written by xlwt directly."""

    def build(book):  # type: ignore[no-untyped-def]
        ws = book.add_sheet("Sheet1")
        money = _fmt("#,##0.00")
        ws.write_merge(0, 0, 0, 4, "一般公共预算财政拨款支出决算表")
        ws.write(1, 4, "公开05表")
        ws.write(2, 0, "部门：某某局")
        ws.write(2, 4, "单位：万元")
        ws.write_merge(3, 3, 0, 1, "项目")
        ws.write_merge(3, 3, 2, 4, "本年支出")
        for c, text in enumerate(["科目代码", "科目名称", "小计", "基本支出", "项目支出"]):
            ws.write(4, c, text)
        ws.write(5, 0, "合计")
        ws.write(6, 0, "一、分组")  # a section line between table rows
        ws.write(7, 0, 208)
        ws.write(7, 1, "社会保障和就业支出")
        for r in (5, 7):
            for c, value in ((2, 1234.5), (3, 1000), (4, 234.5)):
                ws.write(r, c, value, money)
        ws.write(8, 0, "注：本表反映…")

    path = _xls(tmp_path / "t.xls", build)
    raw = read_raw(path)
    assert raw.format == "xls"
    assert [(b.kind, b.text) for b in raw.blocks] == SHEET1_BLOCKS
    row = next(b for b in raw.blocks if b.text.startswith("208"))
    assert row.cells[2].prov.ref == "Sheet1!C8"
    assert row.prov.ref == "Sheet1!A8:E8"
    doc = read_document(path)
    assert doc.format == "xls"
    facts = {(f.row, f.column): f.value for f in doc.facts}
    assert facts[("total", "total")] == Decimal("1234.50")
    assert facts[("208", "basic")] == Decimal("1000.00")


def test_xls_merged_range_widens_its_table(tmp_path):
    """A merged header widens its table to the sheet's last column with content, not beyond (a
    merge past every filled column adds only empty cells; one across all 16,384 columns must not
    make every row 16,384 cells wide)."""
    from openpyxl import Workbook

    def build(book):  # type: ignore[no-untyped-def]
        ws = book.add_sheet("表")
        ws.write_merge(2, 2, 0, 1, "项目")  # A3:B3
        ws.write_merge(2, 3, 2, 3, "金额")  # C3:D4, two rows
        ws.write(4, 0, "合计")
        ws.write(4, 2, 1)

        ws.write(5, 3, "注")  # D6: the sheet's last filled column is D

    raw = read_raw(_xls(tmp_path / "m.xls", build))
    assert [(b.kind, b.texts, b.prov.ref) for b in raw.blocks[1:3]] == [
        ("row", ["项目", "", "金额", ""], "表!A3:D3"),
        ("row", ["合计", "", "1", ""], "表!A5:D5"),
    ]
    wb = Workbook()
    ws = wb.active
    ws.title = "表"
    ws["A3"], ws["C3"], ws["A5"], ws["C5"], ws["D6"] = "项目", "金额", "合计", 1, "注"
    ws.merge_cells("A3:B3")
    ws.merge_cells("C3:D4")
    wb.save(tmp_path / "m.xlsx")
    assert _block_view(raw) == _block_view(read_raw(tmp_path / "m.xlsx"))


def test_full_width_merge_widens_only_to_the_last_filled_column(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws["A1"], ws["A3"], ws["B3"], ws["A4"], ws["B4"] = "标题", "项目", "金额", "合计", 1
    for r in range(1, 40):
        ws.merge_cells(f"A{r * 2 + 5}:XFD{r * 2 + 5}")  # full-width merged rows
        ws[f"A{r * 2 + 5}"] = f"第{r}行"
        ws[f"B{r * 2 + 6}"] = r
    ws.merge_cells("A1:XFD1")
    wb.save(tmp_path / "wide.xlsx")
    raw = read_raw(tmp_path / "wide.xlsx")
    assert max(len(b.cells) for b in raw.blocks) == 2


XLS_FORMATS = [
    (1234.5, "0.00", "1234.50"),  # built-in format 2
    (1234.5, "#,##0.00", "1,234.50"),  # built-in format 4
    (21302.345, "#,##0.00_ ", "21,302.35"),  # a FORMAT record of the workbook
    (0.1 + 0.2, "General", "0.3"),
    (0.1 + 0.2, "0.00", "0.30"),
    (12, "General", "12"),
    (2080101, "General", "2080101"),
    (0.1234, "0.00%", "12.34%"),
    (-5, "_(#,##0.00_);(#,##0.00)", "(5.00)"),
    (0, '_(* #,##0.00_);_(* (#,##0.00);_(* "-"??_);_(@_)', "-"),
    (-1234.5, '_ * #,##0.00_ ;_ * -#,##0.00_ ;_ * "-"??_ ;_ @_ ', "-1,234.50"),
    (12.5, "0", "13"),
    (1, "00", "01"),
    (1234567.891, "#,##0.000", "1,234,567.891"),
]


def test_xls_number_formats(tmp_path):
    """Numbers print through the cell's number format, built-in or the workbook's own."""

    def build(book):  # type: ignore[no-untyped-def]
        ws = book.add_sheet("数字")
        for r, (value, fmt, _) in enumerate(XLS_FORMATS):
            ws.write(r, 0, f"第{r + 1}项")
            ws.write(r, 1, value, _fmt(fmt))

    raw = read_raw(_xls(tmp_path / "n.xls", build))
    rows = [b for b in raw.blocks if b.kind == "row"]
    assert [b.texts for b in rows] == [[f"第{r + 1}项", text] for r, (_, _, text) in enumerate(XLS_FORMATS)]


def test_xls_dates_booleans_and_error_cells(tmp_path):
    """Dates print as the .xlsx reader prints them; booleans as TRUE/FALSE; error cells are empty."""
    from openpyxl import Workbook

    cells = [
        (dt.datetime(2024, 12, 31), "yyyy-mm-dd"),
        (dt.datetime(2024, 12, 31, 8, 30), "yyyy-mm-dd hh:mm:ss"),
        (dt.time(8, 30), "hh:mm"),
        (True, "General"),
        (False, "General"),
    ]

    def build(book):  # type: ignore[no-untyped-def]
        ws = book.add_sheet("Sheet1")
        ws.write(0, 0, "时间")
        for c, (value, fmt) in enumerate(cells, start=1):
            ws.write(0, c, value, _fmt(fmt))
        ws.write(1, 0, "合计")
        ws.row(1).set_cell_error(1, "#DIV/0!")
        ws.write(1, 2, 1.5)

    raw = read_raw(_xls(tmp_path / "d.xls", build))
    assert [b.texts for b in raw.blocks if b.kind == "row"] == [
        ["时间", "2024-12-31", "2024-12-31 08:30:00", "08:30:00", "TRUE", "FALSE"],
        ["合计", "", "1.5", "", "", ""],
    ]
    wb = Workbook()
    ws = wb.active
    ws.cell(1, 1, "时间")
    for c, (value, fmt) in enumerate(cells, start=2):
        ws.cell(1, c, value).number_format = fmt
    wb.save(tmp_path / "d.xlsx")
    assert read_raw(tmp_path / "d.xlsx").blocks[1].texts == raw.blocks[1].texts


def test_xls_several_sheets_and_hidden(tmp_path):
    def build(book):  # type: ignore[no-untyped-def]
        book.add_sheet("封面").write(0, 0, "2024年度部门决算")
        ws = book.add_sheet("表1")
        ws.write(0, 0, "项目")
        ws.write(0, 1, "金额")
        ws.write(1, 0, "合计")
        ws.write(1, 1, 1)
        hidden = book.add_sheet("辅助")
        hidden.write(0, 0, "x")
        hidden.visibility = 1
        very_hidden = book.add_sheet("宏")
        very_hidden.write(0, 0, "y")
        very_hidden.visibility = 2

    raw = read_raw(_xls(tmp_path / "s.xls", build))
    assert [b.text for b in raw.blocks] == ["封面", "2024年度部门决算", "表1", "项目\t金额", "合计\t1"]
    assert raw.warnings == [
        "隐藏的工作表“辅助”未读取 (hidden sheet skipped)",
        "隐藏的工作表“宏”未读取 (hidden sheet skipped)",
    ]


@pytest.mark.parametrize("content", ["no-cells", "blank-and-error-cells"])
def test_xls_empty_workbook(tmp_path, content):
    def build(book):  # type: ignore[no-untyped-def]
        ws = book.add_sheet("Sheet1")
        if content == "blank-and-error-cells":
            ws.write(0, 0, "", _fmt("0.00"))  # a formatted blank cell
            ws.row(1).set_cell_error(1, "#REF!")

    with pytest.raises(InputError, match="工作簿为空") as info:
        read_raw(_xls(tmp_path / "empty.xls", build))
    assert "\n" not in str(info.value)


def _xls_bytes(tmp_path: Path) -> bytes:
    return _xls(tmp_path / "good.xls", lambda b: b.add_sheet("Sheet1").write(0, 0, "收入决算表")).read_bytes()


def _encrypted(data: bytes) -> bytes:
    """The workbook with its second BIFF record (INTERFACEHDR) turned into FILEPASS: encrypted."""
    out = bytearray(data)
    sector = 1 << struct.unpack_from("<H", data, 30)[0]
    first = struct.unpack_from("<i", data, R.ole_entries(data)["Workbook"] + 116)[0]
    record = 512 + first * sector + 20  # after BOF (4-byte header + 16 bytes)
    assert struct.unpack_from("<H", out, record)[0] == 0x00E1
    struct.pack_into("<H", out, record, 0x002F)
    return bytes(out)


@pytest.mark.parametrize(
    "kind, message",
    [
        ("random", "不是有效的 XLS 文件：文件已损坏或被截断"),
        ("truncated", "不是有效的 XLS 文件：文件已损坏或被截断"),
        ("encrypted", "工作簿已加密"),
    ],
)
def test_corrupt_xls_is_one_line_input_error(tmp_path, kind, message):
    good = _xls_bytes(tmp_path)
    path = tmp_path / "bad.xls"
    if kind == "random":
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(4096))
    elif kind == "truncated":
        path.write_bytes(good[:1500])
    else:
        path.write_bytes(_encrypted(good))
    with pytest.raises(InputError) as info:
        read_document(path)
    text = str(info.value)
    assert "\n" not in text and text.startswith("bad.xls: ") and message in text


def test_xls_with_overlapping_sectors_is_read_with_warning(tmp_path):
    """Some export tools write .xls files whose streams share sectors; Excel opens them, so do we."""
    data = bytearray(_xls_bytes(tmp_path))
    entries = R.ole_entries(bytes(data))
    first = struct.unpack_from("<i", data, entries["Workbook"] + 116)[0]
    struct.pack_into("<ii", data, entries["Root Entry"] + 116, first, 64)  # the mini stream overlaps it
    path = tmp_path / "overlap.xls"
    path.write_bytes(bytes(data))
    raw = read_raw(path)
    assert [b.text for b in raw.blocks] == ["Sheet1", "收入决算表"]
    assert any("OLE2 结构不规范" in w for w in raw.warnings)


def test_ole_files_are_told_apart_by_content(tmp_path):
    """A workbook is read whatever its suffix; a Word .doc (or other OLE2 file) is refused."""
    good = _xls_bytes(tmp_path)
    as_doc = tmp_path / "收入表.doc"
    as_doc.write_bytes(good)
    assert sniff(as_doc) == "xls"
    assert [b.text for b in read_raw(as_doc).blocks] == ["Sheet1", "收入决算表"]
    word = tmp_path / "legacy.xls"
    word.write_bytes(R.rename_ole_stream(good, "Workbook", "WordDocument"))
    assert sniff(word) == "doc"
    with pytest.raises(InputError, match=r"^legacy\.xls: 旧版 Word 格式 \(\.doc\) 请先另存为 \.docx"):
        read_raw(word)
    other = tmp_path / "deck.ppt"
    other.write_bytes(R.rename_ole_stream(good, "Workbook", "PowerPoint Document"))
    assert sniff(other) == "ole"
    with pytest.raises(InputError, match="不支持的旧版 Office 格式"):
        read_raw(other)
    secret = tmp_path / "secret.xlsx"  # a password-protected .xlsx is an OLE2 file
    secret.write_bytes(R.rename_ole_stream(good, "Workbook", "EncryptedPackage"))
    assert sniff(secret) == "encrypted"
    with pytest.raises(InputError, match=r"^secret\.xlsx: 文件已加密"):
        read_raw(secret)
    garbage = tmp_path / "old.doc"  # an unreadable OLE2 directory: the suffix decides
    garbage.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    assert sniff(garbage) == "doc"


# --------------------------------------------------------------------------- HTML


def test_html_colspan_rowspan_entities_and_text():
    html = """<html><head><title>t</title><style>p{color:red}</style>
    <script>var x = "<table><tr><td>no</td></tr></table>";</script></head><body>
    <h1>收入决算表</h1><div>公开02表<br>单位：万元</div>
    <table>
      <tr><th colspan="2">项目</th><th rowspan="2">合计</th><th>财政&nbsp;拨款</th></tr>
      <tr><td>科目代码</td><td>科目名称</td><td>1</td></tr>
      <tr><td>208</td><td>社会保障&amp;就业</td><td>1,234.50</td><td>
          <p>1234.50</p></td></tr>
      <tr><td rowspan="2">209</td><td>a</td>
      <tr><td>b</td><td>2</td></tr>
    </table>
    <p>注：本表反映&hellip;</p></body></html>"""
    blocks = blocks_from_html(html)
    assert [(b.kind, b.texts) for b in blocks] == [
        ("text", ["收入决算表"]),
        ("text", ["公开02表"]),
        ("text", ["单位：万元"]),
        ("row", ["项目", "", "合计", "财政 拨款"]),
        ("row", ["科目代码", "科目名称", "", "1"]),
        ("row", ["208", "社会保障&就业", "1,234.50", "1234.50"]),
        ("row", ["209", "a", "", ""]),
        ("row", ["", "b", "2", ""]),
        ("text", ["注：本表反映…"]),
    ]
    assert blocks[5].prov.ref == "表1 第3行" and blocks[5].cells[1].prov.ref == "表1 第3行 第2列"
    assert blocks[0].prov.ref == "段落 1"


def test_html_layout_table_and_omitted_end_tags():
    """A table that holds a table is page layout: its cells are content, the inner one is data."""
    html = """<html><head><meta charset="utf-8"><body>
    <table width="960"><tr><td><img src="logo.png"><td>首页 &gt; 信息公开
    <tr><td colspan="2"><h2>收入决算表</h2><p>公开02表<p>单位：万元
      <table border="1"><thead><tr><th>项目<th>合计</thead>
        <tbody><tr><td>合计<td>1.00<tr><td>208<td>1.00</tbody></table>
      <p>注：本表反映…</td></tr></table><p>版权所有"""
    got = [(b.kind, b.text) for b in blocks_from_html(html)]
    assert got == [
        ("text", "首页 > 信息公开"),
        ("text", "收入决算表"),
        ("text", "公开02表"),
        ("text", "单位：万元"),
        ("row", "项目\t合计"),
        ("row", "合计\t1.00"),
        ("row", "208\t1.00"),
        ("text", "注：本表反映…"),
        ("text", "版权所有"),
    ]


@pytest.mark.parametrize("declared", ['<meta charset="gb2312">', '<meta http-equiv="Content-Type" content="text/html; charset=GBK">', ""])
def test_html_charsets(tmp_path, declared):
    body = f"<html><head>{declared}</head><body><p>部门：某某局</p><table><tr><td>合计</td><td>1.00</td></tr></table></body></html>"
    path = tmp_path / "g.html"
    path.write_bytes(body.encode("gb18030"))
    raw = read_raw(path)
    assert raw.format == "html"
    assert [b.text for b in raw.blocks] == ["部门：某某局", "合计\t1.00"]


def test_html_round_trip_in_gb18030(rendered, tmp_path):
    need_corpus()
    files, baseline = rendered
    txt = TEXTS[0]
    path = R.render_html(R.load_parts(txt), tmp_path / "gb.htm", encoding="gb18030")
    assert fact_set(read_document(path)) == fact_set(baseline[txt.stem])


# --------------------------------------------------------------------------- bad input


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
@pytest.mark.parametrize("kind", ["not-office-zip", "truncated", "broken-xml"])
def test_corrupt_office_file_is_one_line_input_error(tmp_path, suffix, kind):
    path = tmp_path / f"bad{suffix}"
    if kind == "not-office-zip":
        _zip(path, {"hello.txt": b"hello"})
    elif kind == "truncated":
        good = tmp_path / f"good{suffix}"
        if suffix == ".docx":
            _docx(good, lambda d: d.add_paragraph("收入决算表"))
        else:
            from openpyxl import Workbook

            wb = Workbook()
            wb.active["A1"] = "收入决算表"
            wb.save(good)
        path.write_bytes(good.read_bytes()[:300])
    else:
        part = "word/document.xml" if suffix == ".docx" else "xl/workbook.xml"
        _zip(path, {"[Content_Types].xml": b"<Types", part: b"<<<"})
    with pytest.raises(InputError) as info:
        read_document(path)
    message = str(info.value)
    assert "\n" not in message and path.name in message


# --------------------------------------------------------------------------- CLI


def test_cli_parse_office_formats(rendered):
    """``juesuan parse`` reads each office format (in-process: a subprocess costs ~1 s each)."""
    import csv
    import io

    from typer.testing import CliRunner

    from juesuan.cli import app

    files, baseline = rendered
    stem = min(TEXTS, key=lambda p: p.stat().st_size).stem
    for variant in ("docx", "xlsx", "xls", "html"):
        result = CliRunner().invoke(app, ["parse", "--format", "csv", str(files[(stem, variant)])])
        assert result.exit_code == 0, result.output
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        got = {(r["table"], r["row"], r["column"], Decimal(r["value"]), r.get("project") or "") for r in rows}
        assert got == fact_set(baseline[stem]), variant


def test_office_package_read_by_content_not_suffix(rendered, tmp_path):
    """Web sites serve .xlsx workbooks as .xls and .docx files under other names: the package's
    main part decides the reader; a zip that is neither is refused in one line."""
    files, baseline = rendered
    stem = min(TEXTS, key=lambda p: p.stat().st_size).stem
    for variant, alias, kind in (("xlsx", "表.xls", "xlsx"), ("docx", "说明.doc", "docx"), ("xlsx", "data.zip", "xlsx")):
        copy = tmp_path / alias
        copy.write_bytes(files[(stem, variant)].read_bytes())
        assert sniff(copy) == kind
        assert fact_set(read_document(copy)) == fact_set(baseline[stem]), alias
    other = tmp_path / "other.xlsx"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("readme.txt", "not a workbook")
    assert sniff(other) == "xlsx"  # by suffix: the reader says what is wrong
    with pytest.raises(InputError, match="XLSX"):
        read_document(other)


def test_cli_corrupt_office_file_exit_2(tmp_path):
    from typer.testing import CliRunner

    from juesuan.cli import app

    result = CliRunner().invoke(app, ["parse", str(_zip(tmp_path / "bad.xlsx", {"x": b"y"}))])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "bad.xlsx" in lines[0] and "不是有效的 XLSX 文件" in lines[0], result.output


@pytest.mark.parametrize(
    "name, message",
    [("bad.xls", "不是有效的 XLS 文件"), ("legacy.doc", "旧版 Word 格式 (.doc) 请先另存为 .docx")],
)
def test_cli_legacy_office_file_exit_2(tmp_path, name, message):
    """A damaged .xls and a Word .doc each give exit code 2 and one line saying why."""
    from typer.testing import CliRunner

    from juesuan.cli import app

    path = tmp_path / name
    if name == "bad.xls":
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(2048))
    else:
        path.write_bytes(R.rename_ole_stream(_xls_bytes(tmp_path), "Workbook", "WordDocument"))
    result = CliRunner().invoke(app, ["parse", str(path)])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and name in lines[0] and message in lines[0], result.output

"""The hand-back package: the 问题清单 workbook, the annotated source PDF, page images (issue 13).

On the altered corpus PDF (planted errors) and on PDFs generated from the text corpus
(tests/render_pdf.py, portrait and ``/Rotate 90`` pages), plus generated two-sided tables.
"""

from __future__ import annotations

import re
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from openpyxl import load_workbook

from juesuan.model import CellRef, CheckResult, Document, Fact, Finding, Provenance, TableInfo
from juesuan.report import render
from juesuan.report.issue_list import DECISIONS, ISSUE_HEADER

CORPUS = Path("/work/shared/corpus")
if not CORPUS.is_dir():  # CI: shared/ beside the clone
    CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
ALTERED = CORPUS / "pdf" / "shanghai-putuo-finance-2024-altered.pdf"
TEXT = CORPUS / "henan-anyang-beiguan-hrss-2024.txt"

# a contract key (income.gpb, func:201, 三公.合计@budget), a bare key or an English severity
KEY = re.compile(r"\b(error|warning|info|narrative|total|amount|grand_total)\b|[a-z]+[._][a-z0-9_]+|[a-z]+:\d+|@[a-z]+")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


@pytest.fixture(scope="module")
def altered() -> CheckResult:
    if not ALTERED.is_file():
        pytest.skip("corpus not available")
    from juesuan.pipeline import read_document
    from juesuan.rules import check

    return check(read_document(ALTERED))


# --------------------------------------------------------------------------- 问题清单 workbook


def test_issue_sheet_is_chinese_numbers_and_print_ready(altered: CheckResult) -> None:
    wb = load_workbook(BytesIO(render(altered, "xlsx")))
    names = wb.sheetnames
    assert names[0] == "问题清单" and names[-1] == "文档信息"
    tables = [n for n in names if re.match(r"^\d\d ", n)]
    assert tables and [int(n[:2]) for n in tables] == list(range(1, len(tables) + 1))
    assert tables[0] == "01 收入支出决算总表"
    ws = wb["问题清单"]
    assert tuple(c.value for c in ws[1]) == ISSUE_HEADER
    assert ws.max_row == 1 + len(altered.findings)
    assert [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)] == list(range(1, len(altered.findings) + 1))
    for row in ws.iter_rows(min_row=1):
        for c in row:
            if isinstance(c.value, str):
                assert not KEY.search(c.value), (c.coordinate, c.value)
    assert {ws.cell(row=r, column=2).value for r in range(2, ws.max_row + 1)} <= {"错误", "警告", "提示"}
    from juesuan.report.common import ordered_findings, to_decimal

    filled = []
    for r, f in enumerate(ordered_findings(altered), start=2):
        for col, text in ((9, f.expected), (10, f.printed), (11, f.difference)):
            cell = ws.cell(row=r, column=col)
            if to_decimal(text) is not None:  # a number is a number, never its text
                assert isinstance(cell.value, (int, float)) and cell.value == pytest.approx(float(to_decimal(text)))
                filled.append(cell)
            elif text:
                assert cell.value == text  # 决算数小于预算数: the words as written
    assert filled and all(c.number_format.startswith("#,##0.00") for c in filled)
    # the planted 收入支出总计 0 万元: expected 2995.39, printed 0, difference -2995.39
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=10).value == 0)
    assert ws.cell(row=row, column=9).value == pytest.approx(2995.39)
    assert ws.cell(row=row, column=7).value is not None
    assert "收入支出总计" in ws.cell(row=row, column=8).value
    assert ws.cell(row=row, column=13).value is None and ws.cell(row=row, column=14).value is None
    assert ws.freeze_panes == "C2" and ws.auto_filter.ref == f"A1:N{ws.max_row}"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$1:$1"
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists and all(d in lists[0].formula1 for d in DECISIONS) and "M2" in str(lists[0].sqref)
    assert ws.column_dimensions["L"].width >= 40 and ws.cell(row=2, column=12).alignment.wrap_text
    for name in tables:
        ts = wb[name]
        assert ts.page_setup.orientation == "landscape" and ts.print_title_rows


def test_table_sheet_marks_a_finding_cell_with_its_message(altered: CheckResult) -> None:
    wb = load_workbook(BytesIO(render(altered, "xlsx")))
    ws = wb["问题清单"]
    linked = [ws.cell(row=r, column=1) for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).hyperlink]
    assert linked
    for link in linked:
        sheet, ref = link.hyperlink.location.rsplit("!", 1)
        cell = wb[sheet.strip("'")][ref]
        assert isinstance(cell.value, (int, float)) or cell.value == "（空）"
        assert cell.fill.fill_type == "solid" and cell.comment is not None
        message = ws.cell(row=link.row, column=12).value
        assert message in cell.comment.text


def _summary_doc(income: list[Decimal], expense: list[Decimal]) -> CheckResult:
    tid = "income_expense_summary"
    facts, labels = [], {}
    for side, values, names in (("income", income, "收入"), ("expense", expense, "支出")):
        for i, v in enumerate(values):
            row = f"{side}.{['gpb', 'operating', 'other', 'upper_subsidy'][i]}" if side == "income" else f"{side}.{201 + i}"
            labels[row] = f"{names}项目{i + 1}"
            facts.append(Fact(tid, row, "amount", v, f"{v:,}", Provenance(page=1, line=10 + i), labels[row]))
        total = sum(values, Decimal(0))
        labels[f"{side}.total"] = f"本年{names}合计"
        facts.append(Fact(tid, f"{side}.total", "amount", total, f"{total:,}", Provenance(page=1, line=30), labels[f"{side}.total"]))
        facts.append(Fact(tid, f"{side}.grand_total", "amount", total, f"{total:,}", Provenance(page=1, line=32), "总计"))
    info = TableInfo(tid, "收入支出决算总表", "公开01表", "万元", Provenance(page=1, line=5), row_labels=labels)
    doc = Document("t.pdf", "pdf", "某局", 2024, "万元", [info], facts)
    bad = CellRef.of(facts[-1])
    f = Finding("JS-XX-001", "error", "总计不符", "「总计」不符", [tid], [bad], "1.00", "2.00", "-1.00")
    return CheckResult(doc, [f])


amounts = hs.decimals(min_value=0, max_value=99999, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(income=hs.lists(amounts, min_size=1, max_size=4), expense=hs.lists(amounts, min_size=1, max_size=9))
def test_two_sided_table_is_laid_out_side_by_side(income: list[Decimal], expense: list[Decimal]) -> None:
    result = _summary_doc(income, expense)
    wb = load_workbook(BytesIO(render(result, "xlsx")))
    ws = wb["01 收入支出决算总表"]
    assert ws.cell(row=3, column=1).value == "收入" and ws.cell(row=3, column=3).value == "支出"
    assert [ws.cell(row=4, column=c).value for c in range(1, 5)] == ["项目", "金额", "项目", "金额"]
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    left = [r[1] for r in rows if r[1] is not None]
    right = [r[3] for r in rows if r[3] is not None]
    assert len(left) == len(income) + 2 and len(right) == len(expense) + 2
    assert all(isinstance(v, (int, float)) for v in left + right)
    assert [float(v) for v in income] == left[: len(income)]
    assert [float(v) for v in expense] == right[: len(expense)]
    totals = [r for r in rows if r[0] == "本年收入合计"]
    assert len(totals) == 1 and totals[0][2] == "本年支出合计"  # 合计 rows aligned across the sides
    assert rows[-1][0] == "总计" and rows[-1][2] == "总计"
    marked = ws.cell(row=4 + len(rows), column=4)
    assert marked.fill.fill_type == "solid" and "「总计」不符" in marked.comment.text
    assert ws.freeze_panes == "A5"


# --------------------------------------------------------------------------- annotated PDF


def _annotations(data: bytes) -> list[tuple[int, list[float], str]]:
    import pikepdf

    out = []
    with pikepdf.open(BytesIO(data)) as pdf:
        for i, page in enumerate(pdf.pages, start=1):
            for a in page.obj.get("/Annots", []):
                if a.get("/Subtype") == "/Highlight":
                    out.append((i, [float(x) for x in a.QuadPoints], str(a.Contents)))
    return out


def _quad_texts(data: bytes, annots: list[tuple[int, list[float], str]]) -> list[tuple[str, str]]:
    """The text PDFium finds under each quad of each annotation, with the annotation's note."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    out = []
    try:
        for page_no, quads, note in annots:
            tp = doc[page_no - 1].get_textpage()
            for k in range(0, len(quads), 8):
                xs, ys = quads[k : k + 8 : 2], quads[k + 1 : k + 8 : 2]
                out.append((tp.get_text_bounded(min(xs), min(ys), max(xs), max(ys)), note))
            tp.close()
    finally:
        doc.close()
    return out


def _check_annotated(source: Path, result: CheckResult) -> None:
    import pypdfium2 as pdfium

    from juesuan.report.annotate import annotate_pdf

    a = annotate_pdf(source, result)
    src = pdfium.PdfDocument(str(source))
    n_source = len(src)
    src.close()
    out = pdfium.PdfDocument(a.data)
    assert len(out) == n_source + a.summary_pages and a.summary_pages >= 1
    summary = out[0].get_textpage().get_text_range()
    out.close()
    annots = _annotations(a.data)
    assert len(annots) == a.annotations == sum(len(m.boxes) for m in a.marks)
    assert all(p > a.summary_pages for p, _, _ in annots)
    with_boxes = [m for m in a.marks if m.boxes]
    assert with_boxes
    assert "检查发现汇总" in _squash(summary)
    for m in a.marks:
        if not m.boxes:
            assert m.finding.rule in summary
    values = {_squash(c.value) for m in a.marks for c in m.finding.cells if c.value}
    sentences = [_squash(str(m.finding.sentence.get("text"))) for m in a.marks if m.finding.sentence]
    texts = _quad_texts(a.data, annots)
    assert texts
    for text, note in texts:
        t = _squash(text)
        assert t, note
        assert t in values or any(v and v in t for v in values) or any(t in s or s in t for s in sentences), (t, note)
    table_quads = [t for t, _ in texts if _squash(t) in values]
    assert table_quads  # cells' printed values under their highlights


def test_annotated_altered_pdf(altered: CheckResult) -> None:
    _check_annotated(ALTERED, altered)
    from juesuan.report.annotate import annotate_pdf

    a = annotate_pdf(ALTERED, altered)
    notes = [note for _, _, note in _annotations(a.data)]
    assert any("2995.39" in n and "错误" in n for n in notes)
    assert not any(KEY.search(n.split("\n", 1)[0].split(" ", 3)[-1]) for n in notes)


@pytest.mark.parametrize("orientation", ["portrait", "rotated"])
def test_annotated_generated_pdf(tmp_path: Path, orientation: str) -> None:
    pytest.importorskip("reportlab")
    if not TEXT.is_file():
        pytest.skip("corpus not available")
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    import render_pdf as R

    from juesuan.pipeline import read_document
    from juesuan.rules import check

    pdf = R.render_pdf(TEXT, tmp_path / "t.pdf", "ruled", orientation=orientation)
    result = check(read_document(pdf))
    _check_annotated(pdf, result)


def test_cli_pdf_format_annotates_a_pdf_input(tmp_path: Path) -> None:
    if not ALTERED.is_file():
        pytest.skip("corpus not available")
    from typer.testing import CliRunner

    from juesuan.cli import app

    out = tmp_path / "a.pdf"
    r = CliRunner().invoke(app, ["check", str(ALTERED), "--format", "pdf", "-o", str(out), "--fail-on", "never"])
    assert r.exit_code == 0, r.output
    assert out.read_bytes().startswith(b"%PDF") and _annotations(out.read_bytes())


# --------------------------------------------------------------------------- page images


def _red_share(png: bytes, box: tuple[float, float, float, float], scale: float) -> float:
    from PIL import Image

    im = Image.open(BytesIO(png)).convert("RGB")
    x0, y0, x1, y1 = (int(v * scale) for v in box)
    pixels = [im.getpixel((x, y)) for x in range(x0 - 3, x1 + 4) for y in (y0 - 3, y1 + 3)]
    return sum(1 for r, g, b in pixels if r > 180 and g < 110 and b < 110) / len(pixels)


def test_render_page_draws_the_boxes(altered: CheckResult) -> None:
    from PIL import Image

    from juesuan.report.page_image import PageOutOfRange, render_page

    fact = next(f for f in altered.document.facts if f.prov.bbox is not None)
    png = render_page(ALTERED, fact.prov.page, [fact.prov.bbox], scale=1.5)
    im = Image.open(BytesIO(png))
    assert im.format == "PNG" and im.width > 500
    assert _red_share(png, fact.prov.bbox, 1.5) > 0.5
    plain = render_page(ALTERED, fact.prov.page, [], scale=1.5)
    assert _red_share(plain, fact.prov.bbox, 1.5) < 0.1
    with pytest.raises(PageOutOfRange):
        render_page(ALTERED, 999, [])


def _stored(st, uploads: Path, source: Path) -> int:  # type: ignore[no-untyped-def]
    """``source`` kept as the web app keeps an upload (``<sha256><suffix>``), read and stored."""
    import hashlib
    import shutil

    uploads.mkdir(parents=True, exist_ok=True)
    kept = uploads / f"{hashlib.sha256(source.read_bytes()).hexdigest()}{source.suffix}"
    shutil.copyfile(source, kept)
    return st.ingest_path(kept, file_name=source.name).document_id


def test_page_image_route(tmp_path: Path, altered: CheckResult, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from juesuan.report.annotate import locate
    from juesuan.rules.fingerprint import fingerprint
    from juesuan.store import open_store
    from juesuan.web import create_app

    monkeypatch.delenv("JUESUAN_TOKEN", raising=False)
    st = open_store(f"sqlite:///{tmp_path / 'w.db'}")
    try:
        c = TestClient(create_app(store=st, upload_dir=tmp_path / "up"), headers={"Origin": "http://testserver"})
        doc_id = _stored(st, tmp_path / "up", ALTERED)
        mark = next(m for m in locate(altered) if m.boxes and all(x.table != "narrative" for x in m.finding.cells))
        page = min(mark.boxes)
        fp = fingerprint(mark.finding)
        r = c.get(f"/documents/{doc_id}/page/{page}.png", params={"finding": fp, "scale": 1.5})
        assert r.status_code == 200 and r.headers["content-type"] == "image/png"
        assert int(r.headers["x-juesuan-boxes"]) >= 1
        assert _red_share(r.content, mark.boxes[page][0], 1.5) > 0.5
        assert c.get(f"/documents/{doc_id}/page/{page}.png").headers["x-juesuan-boxes"] == "0"
        assert c.get(f"/documents/{doc_id}/page/999.png").status_code == 404
        assert c.get(f"/documents/{doc_id}/page/1.png", params={"scale": 40}).status_code == 422
        assert c.get(f"/documents/{doc_id}/page/1.png", params={"finding": "../x"}).status_code == 422
        assert c.get("/documents/999/page/1.png").status_code == 404
        text_id = _stored(st, tmp_path / "up", TEXT)
        assert c.get(f"/documents/{text_id}/page/1.png").status_code == 404  # PDF only
    finally:
        st.close()

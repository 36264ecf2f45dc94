"""OCR of pages without a text layer (``juesuan[ocr]``: RapidOCR on ONNX Runtime).

The geometry tests (ruling lines from a raster, OCR boxes → characters → table rows) need only
numpy and run whenever it is installed; the test that really runs OCR is marked ``ocr`` and
skips with a reason when the extra is not installed. It OCRs ONE table page (~10 s): a page of
a real text-layer PDF rasterized at 200 dpi into an image-only PDF, whose rows and facts must
equal what the text layer gives for that page.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from juesuan.ingest.pdf import OCR_WARNING, SCAN_WARNING, read_pdf

sys.path.insert(0, str(Path(__file__).resolve().parent))

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FINANCE = SHARED / "corpus" / "pdf" / "shanghai-putuo-finance-2024.pdf"


def _ocr_installed() -> bool:
    from juesuan.ingest import ocr

    return ocr.available()


needs_ocr = pytest.mark.skipif(
    not _ocr_installed(), reason="OCR extra not installed: pip install 'juesuan[ocr]' (rapidocr_onnxruntime)"
)
np = pytest.importorskip("numpy", reason="numpy (part of the OCR extra) is not installed")


# --------------------------------------------------------------------------- geometry (no OCR)


def _grid_image(xs_pt, ys_pt, scale=200 / 72, size=(595, 842), thick=2):
    """A white page with a ruled grid (rules at the given points), as a grayscale array."""
    h, w = int(size[1] * scale), int(size[0] * scale)
    img = np.full((h, w), 255, dtype=np.uint8)
    x0, x1 = int(xs_pt[0] * scale), int(xs_pt[-1] * scale)
    y0, y1 = int(ys_pt[0] * scale), int(ys_pt[-1] * scale)
    for y in ys_pt:
        yy = int(y * scale)
        img[yy : yy + thick, x0 : x1 + thick] = 0
    for x in xs_pt:
        xx = int(x * scale)
        img[y0 : y1 + thick, xx : xx + thick] = 0
    return img


def test_raster_rules_find_the_grid():
    from juesuan.ingest.ocr import raster_rules
    from juesuan.layout.pdf_grids import find_grids, merge_segments

    xs, ys = [50, 200, 300, 450], [100, 120, 140, 160, 180]
    scale = 200 / 72
    img = _grid_image(xs, ys, scale)
    hs, vs = raster_rules(img, scale)
    grids = find_grids(merge_segments(hs), merge_segments(vs))
    assert len(grids) == 1
    g = grids[0]
    assert len(g.xs) == 4 and len(g.ys) == 5
    assert all(abs(a - b) < 1.5 for a, b in zip(g.xs, xs))
    assert all(abs(a - b) < 1.5 for a, b in zip(g.ys, ys))


def test_raster_rules_ignore_strokes_inside_text_boxes():
    from juesuan.ingest.ocr import raster_rules
    from juesuan.layout.pdf_grids import merge_segments

    scale = 200 / 72
    img = np.full((400, 800), 255, dtype=np.uint8)
    img[100:103, 100:300] = 0  # a long dash "——" inside a recognised text box
    img[60:140, 500:502] = 0  # a tall vertical stroke inside another box
    img[300:302, 50:750] = 0  # a real rule, outside any box
    boxes = [(90.0, 85.0, 310.0, 118.0), (480.0, 55.0, 520.0, 145.0)]
    hs, vs = raster_rules(img, scale, boxes)
    merged = merge_segments(hs)
    assert len(merged) == 1 and abs(merged[0][0] - 301 / scale) < 1
    assert vs == []


def test_raster_rules_bridge_one_pixel_breaks_and_skip_short_marks():
    from juesuan.ingest.ocr import raster_rules

    scale = 200 / 72
    img = np.full((300, 900), 255, dtype=np.uint8)
    img[150, 40:860] = 0
    img[150, 400] = 255  # a broken pixel in a scanned rule
    img[50:55, 40:60] = 0  # a speck
    hs, vs = raster_rules(img, scale)
    assert len(hs) == 1 and abs(hs[0][1] - 40 / scale) < 0.5 and abs(hs[0][2] - 860 / scale) < 0.5
    assert vs == []


def _fake_ocr_line(text, x0, y0, char_w, h):
    """One RapidOCR result line with per-character boxes (as ``return_word_box=True`` gives)."""
    quads, words = [], []
    x = x0
    for ch in text:
        w = char_w if ord(ch) > 0x2E7F else char_w / 2
        quads.append([[x, y0], [x + w * 0.9, y0], [x + w * 0.9, y0 + h], [x, y0 + h]])
        words.append(ch)
        x += w
    quad = [[x0, y0], [x, y0], [x, y0 + h], [x0, y0 + h]]
    return [quad, text, 0.99, quads, words]


def test_chars_from_ocr_make_text_layer_tuples():
    from juesuan.ingest.ocr import chars_from_ocr
    from juesuan.layout.pdf_lines import make_line

    scale = 200 / 72
    result = [_fake_ocr_line("合计2,946.25", 100, 200, 30, 34)]
    chars, boxes = chars_from_ocr(result, scale)
    assert len(chars) == len("合计2,946.25") and boxes == [(100.0, 200.0, 100 + 2 * 30 + 8 * 15.0, 234.0)]
    x0, top, x1, bot, cy, em, ch = chars[0]
    assert ch == "合" and abs(x0 - 100 / scale) < 0.01 and abs(cy - 217 / scale) < 0.01
    assert abs(em - 34 / 1.12 / scale) < 0.01 and abs((bot - top) - em) < 0.01
    # the slivers the recogniser leaves between glyphs are closed: no spaces inside the amount
    assert make_line(list(chars)).text == "合计2,946.25"
    assert chars_from_ocr(None, scale) == ([], [])


def test_ocr_boxes_rebuild_a_ruled_table_like_the_text_layer():
    """Fake OCR output + a raster grid → the same rows the text layer path makes."""
    from juesuan.ingest.ocr import chars_from_ocr, raster_rules
    from juesuan.ingest.pdf import _assemble, _Page, layout_page

    scale = 200 / 72
    xs, ys = [50, 250, 350, 500], [100, 120, 140, 160]
    img = _grid_image(xs, ys, scale)
    cells = [
        ("项目", 60, 104), ("决算数", 260, 104), ("备注", 360, 104),
        ("一、财政拨款收入", 60, 124), ("2,940.05", 280, 124),
        ("合计", 60, 144), ("2,946.25", 280, 144), ("无", 360, 144),
    ]
    result = [_fake_ocr_line(t, x * scale, y * scale, 11 * scale, 12.5 * scale) for t, x, y in cells]
    chars, boxes = chars_from_ocr(result, scale)
    hs, vs = raster_rules(img, scale, boxes)
    pg = layout_page(_Page(no=3, width=595, height=842), chars, hs, vs)
    blocks = _assemble([pg])
    assert [b.texts for b in blocks] == [
        ["项目", "决算数", "备注"],
        ["一、财政拨款收入", "2,940.05", ""],
        ["合计", "2,946.25", "无"],
    ]
    assert all(b.kind == "row" and b.prov.page == 3 for b in blocks)
    empty = blocks[1].cells[2].prov.bbox  # an empty cell carries the grid cell's box, in points
    assert abs(empty[0] - 350) < 1.5 and abs(empty[2] - 500) < 1.5


# --------------------------------------------------------------------------- read_pdf on scans


def _image_pdf(tmp_path: Path) -> Path:
    from PIL import Image

    p = tmp_path / "blank-scan.pdf"
    Image.new("L", (400, 560), 255).save(p, "PDF", resolution=72.0)
    return p


def test_scan_without_ocr_extra_warns_with_page(tmp_path):
    pytest.importorskip("PIL")
    doc = read_pdf(_image_pdf(tmp_path), ocr=False)
    assert doc.warnings == [SCAN_WARNING.format(page=1)] == ["第1页为扫描页，需安装 juesuan[ocr] 以识别"]
    assert doc.blocks == []


@needs_ocr
def test_blank_scan_is_ocred_to_nothing(tmp_path):
    pytest.importorskip("PIL")
    doc = read_pdf(_image_pdf(tmp_path))
    assert doc.warnings == [OCR_WARNING.format(page=1)] and doc.blocks == []


@pytest.mark.ocr
@needs_ocr
def test_ocr_table_page_equals_text_layer(tmp_path):
    """收入支出决算总表 of a real PDF, rasterized at 200 dpi: OCR gives the text layer's rows,
    and its facts are those of the text layer."""
    if not FINANCE.is_file():
        pytest.skip("../shared/corpus/pdf is not present beside the project checkout")
    import render_pdf

    from juesuan.pipeline import read_document

    scan = render_pdf.rasterize_pdf(FINANCE, tmp_path / "scan-p6.pdf", pages=[6])
    raw = read_pdf(scan)
    assert raw.warnings == ["第1页由OCR识别"]
    text_rows = [b.texts for b in read_pdf(FINANCE).blocks if b.kind == "row" and b.prov.page == 6]
    ocr_rows = [b.texts for b in raw.blocks if b.kind == "row"]
    assert ocr_rows == text_rows
    assert all(c.prov.page == 1 and c.prov.bbox for b in raw.blocks for c in b.cells)
    key = lambda f: (f.table, f.row, f.column, f.value)  # noqa: E731
    want = {key(f) for f in read_document(FINANCE).facts if f.prov.page == 6}
    got = {key(f) for f in read_document(scan, require_tables=False).facts}
    tp = len(want & got)
    assert want and tp / len(got) >= 0.98 and tp / len(want) >= 0.98, (sorted(want - got), sorted(got - want))


def test_amount_short_of_its_columns_decimals_is_warned():
    """OCR that drops a digit (2250.88 read as 2250.8) is pointed out on its page; a column of
    mixed decimals, a text-layer page and a short column are not judged."""
    from juesuan.ingest.pdf import SHORT_DECIMALS_WARNING, short_decimals
    from juesuan.model import Block, Cell, Provenance

    def row(page: int, *texts: str) -> Block:
        prov = Provenance(page=page)
        return Block("row", [Cell(t, prov) for t in texts], prov)

    blocks = [
        row(3, "21202", "城乡社区规划与管理", "2,250.8", "1.00"),
        row(3, "2120201", "行政运行", "1,250.88", "1.0"),
        row(3, "2120299", "其他支出", "1,000.00", "12"),
        row(3, "合计", "", "2,250.88", "3.50"),
        row(4, "212", "城乡社区支出", "2,250.8", "1.00"),  # a page with a text layer
        row(4, "21202", "城乡社区规划与管理", "1.00", "2.00"),
        row(4, "合计", "", "3.00", "4.00"),
    ]
    assert short_decimals(blocks, {3}) == [
        SHORT_DECIMALS_WARNING.format(page=3, text="2,250.8", got=1, want=2),
    ]
    assert short_decimals(blocks, set()) == []
    assert short_decimals(blocks[:2], {3}) == []  # two amounts: no column to judge by

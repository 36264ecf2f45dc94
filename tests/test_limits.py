"""Resource limits (``juesuan.limits``): configuration, messages, and the readers honouring them
in-process (the subprocess harness with memory limits is ``tests/test_fuzz.py``)."""

from __future__ import annotations

import os
import time
import zipfile
from decimal import Context, Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from juesuan.ingest import read_raw
from juesuan.ingest.errors import InputError, LimitExceeded, read_bounded, require_regular_file
from juesuan.ingest.package import merged_area
from juesuan.limits import CellBudget, Limits, current, env_name, time_limit, using
from juesuan.money import fmt, in_money_range, parse_amount

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def test_limits_from_environment():
    lim = Limits.from_env({"JUESUAN_MAX_SHEETS": "12", "JUESUAN_MAX_ROWS": "0", "JUESUAN_MAX_CELLS": "x",
                           "JUESUAN_MAX_PAGES": "-3", "JUESUAN_MAX_TEXT_BYTES": "1_000"})
    assert lim.sheets == 12 and lim.rows == 0 and lim.text_bytes == 1000
    assert lim.cells == Limits().cells and lim.pages == Limits().pages  # invalid values ignored
    assert not lim.exceeded("rows", 10**12)  # 0: no limit
    assert lim.exceeded("sheets", 13) and not lim.exceeded("sheets", 12)
    assert env_name("merged_cells") == "JUESUAN_MAX_MERGED_CELLS"


def test_limit_message_is_one_line_naming_the_limit_and_its_variable():
    with pytest.raises(LimitExceeded) as info:
        Limits(sheets=3).check("sheets", 4, "a.xlsx")
    msg = str(info.value)
    assert "\n" not in msg and msg.startswith("a.xlsx: ")
    assert "JUESUAN_MAX_SHEETS" in msg and "sheets" in msg and "工作表数" in msg
    assert isinstance(info.value, InputError)  # the CLI's exit 2
    assert (info.value.name, info.value.limit, info.value.value) == ("sheets", 3, 4)


def test_using_restores_the_limits():
    before = current()
    with using(Limits(rows=5)) as lim:
        assert current().rows == 5 and lim.rows == 5
    assert current() is before


def test_cell_budget():
    budget = CellBudget(Limits(cells=10), "x")
    budget.add(10)
    with pytest.raises(LimitExceeded):
        budget.add(1)


def test_time_limit():
    started = time.monotonic()
    with pytest.raises(LimitExceeded) as info:
        with time_limit(1, "slow.txt"):
            while True:
                time.sleep(0.01)
    assert info.value.name == "seconds" and time.monotonic() - started < 5
    with time_limit(5):
        pass  # disarmed on exit: no alarm later
    time.sleep(0.01)


@pytest.mark.parametrize("kind", ["fifo", "dir", "device"])
def test_not_a_regular_file_is_refused_before_opening(tmp_path, kind):
    if kind == "fifo":
        path = tmp_path / "p.txt"
        os.mkfifo(path)  # opening it for reading would block forever
    elif kind == "dir":
        path = tmp_path / "d.pdf"
        path.mkdir()
    else:
        path = Path("/dev/zero")
    with pytest.raises(InputError) as info:
        read_raw(path)
    assert "普通文件" in str(info.value) or "目录" in str(info.value)
    with pytest.raises(InputError):
        require_regular_file(path)


def test_read_bounded_reads_at_most_limit_plus_one(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 5000)
    with using(Limits(text_bytes=4096)):
        with pytest.raises(LimitExceeded) as info:
            read_bounded(path, "text_bytes")
        assert "JUESUAN_MAX_TEXT_BYTES" in str(info.value)
    with using(Limits(text_bytes=5000)):
        assert len(read_bounded(path, "text_bytes")) == 5000


def test_merged_area_is_computed_from_the_corners():
    started = time.perf_counter()
    assert merged_area("A1:XFD1048576") == (16384 * 1048576, 16384)
    assert merged_area("$B$2:C3") == (4, 3)
    assert merged_area("C3:B2") == (4, 3)
    assert merged_area("nonsense") is None
    assert time.perf_counter() - started < 0.01


def _docx(path: Path, body: str) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'))
        zf.writestr("_rels/.rels", (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/></Relationships>'))
        zf.writestr("word/document.xml", f'<?xml version="1.0"?><w:document {W}><w:body>{body}</w:body></w:document>')
    return path


@settings(max_examples=15, deadline=None)
@given(before=st.integers(0, 10**9), span=st.integers(0, 10**9), rows=st.integers(1, 5))
def test_docx_spans_are_counted_not_expanded(tmp_path_factory, before, span, rows):
    tr = (f'<w:tr><w:trPr><w:gridBefore w:val="{before}"/></w:trPr><w:tc><w:tcPr><w:gridSpan w:val="{span}"/>'
          "</w:tcPr><w:p><w:r><w:t>项目</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>1.00</w:t></w:r></w:p></w:tc></w:tr>")
    path = _docx(tmp_path_factory.mktemp("d") / "t.docx", "<w:tbl>" + tr * rows + "</w:tbl>")
    started = time.perf_counter()
    width = before + max(1, span) + 1
    try:
        raw = read_raw(path)
    except LimitExceeded as exc:
        assert exc.name in ("columns", "merged_cells", "cells")
        assert width > 2000  # only refused for a really wide row
    else:
        assert all(len(b.cells) == width for b in raw.blocks if b.kind == "row")
    assert time.perf_counter() - started < 5


def test_html_deeper_than_recursion_is_walked(tmp_path):
    depth = 30_000  # far past Python's recursion limit
    html = "<html><body>" + "<div><span>" * depth + "收入" + "</span></div>" * depth + "<table><tr><td>项目</td><td>1.00</td></tr></table></body></html>"
    path = tmp_path / "deep.html"
    path.write_text(html, encoding="utf-8")
    with using(Limits(html_depth=0)):
        raw = read_raw(path)
    assert [b.text for b in raw.blocks if b.kind == "text"] == ["收入"]
    assert [b.texts for b in raw.blocks if b.kind == "row"] == [["项目", "1.00"]]
    with using(Limits(html_depth=1000)), pytest.raises(LimitExceeded) as info:
        read_raw(path)
    assert info.value.name == "html_depth"


def test_xlsx_sheet_count_and_rows_limits(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "收入决算表"
    for i in range(5):
        ws = wb.create_sheet(f"S{i}")
        for r in range(1, 30):
            ws.cell(r, 1, r)
    wb.save(tmp_path / "w.xlsx")
    with using(Limits(sheets=4)), pytest.raises(LimitExceeded) as info:
        read_raw(tmp_path / "w.xlsx")
    assert info.value.name == "sheets"
    with using(Limits(rows=20)), pytest.raises(LimitExceeded) as info:
        read_raw(tmp_path / "w.xlsx")
    assert info.value.name == "rows"
    assert read_raw(tmp_path / "w.xlsx").format == "xlsx"


def test_zip_part_past_the_limit_is_refused_without_reading_it_whole(tmp_path):
    path = tmp_path / "bomb.docx"
    _docx(path, "<w:p><w:r><w:t>收入</w:t></w:r></w:p>" + " " * 3_000_000)
    with using(Limits(part_bytes=1_000_000)), pytest.raises(LimitExceeded) as info:
        read_raw(path)
    assert info.value.name == "part_bytes" and "JUESUAN_MAX_PART_BYTES" in str(info.value)


# --------------------------------------------------------------------------- the money range


@settings(max_examples=200, deadline=None)
@given(st.decimals(allow_nan=True, allow_infinity=True), st.integers(0, 6))
def test_fmt_never_fails(value, places):
    text = fmt(value, places)
    assert isinstance(text, str) and text
    if value.is_finite() and abs(value) < Decimal(10) ** 30:
        assert Decimal(text) == value.quantize(Decimal(1).scaleb(-places), context=Context(prec=100))


def test_amounts_outside_the_money_range_are_not_amounts():
    for text in ["1" * 19, "1" * 29 + ".00", "1" + "0" * 300, "0." + "1" * 21, "NaN", "Infinity", "1e300"]:
        with pytest.raises(ValueError):
            parse_amount(text)
    assert parse_amount("9" * 18 + ".25") == Decimal("9" * 18 + ".25")
    assert parse_amount("000000000000000000001.5") == Decimal("1.5")
    assert in_money_range(Decimal("1e17")) and not in_money_range(Decimal("1e18"))
    assert not in_money_range(Decimal("NaN")) and not in_money_range(Decimal("-Infinity"))


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10**40), 10**40)),
    st.sampled_from(["0.00", "#,##0.00", "0." + "0" * 30, "0." + "0" * 45 + "%", "#,##0,,", "#,##0" + "," * 20,
                     "0.00;(0.00)", "00", "General", "0.00E+00", '"x"', "0%"]),
)
def test_xlsx_number_formatting_never_fails(value, number_format):
    from juesuan.ingest.xlsx import format_number

    assert isinstance(format_number(value, number_format), str)


def test_time_limit_survives_a_reader_that_swallows_exceptions():
    started = time.monotonic()
    with pytest.raises(LimitExceeded):
        with time_limit(1, "x"):
            for _ in range(400):  # a reader catching every exception, for up to 4 s
                try:
                    time.sleep(0.01)
                except Exception:
                    pass
            raise InputError("x: 文件已损坏")  # what the reader reports in the end
    assert time.monotonic() - started < 6


def test_elements_are_counted_before_a_tree_is_built(tmp_path):
    path = _docx(tmp_path / "many.docx", "<w:p><w:r><w:t>收入</w:t></w:r></w:p>" * 5000)
    with using(Limits(elements=10_000)), pytest.raises(LimitExceeded) as info:
        read_raw(path)
    assert info.value.name == "elements"
    assert len(read_raw(path).blocks) == 5000


def test_ocr_pages_and_seconds_limits_refuse_the_scan(monkeypatch):
    """A scan with more pages than the OCR limit is refused before any OCR runs; a slow OCR stops
    at the time limit; a failing page is a warning without Python's exception text."""
    import dataclasses
    import time as _time
    from types import SimpleNamespace

    import pytest

    from juesuan import limits as L
    from juesuan.ingest import ocr as ocr_mod
    from juesuan.ingest.errors import LimitExceeded
    from juesuan.ingest.pdf_scan import _read_scans

    calls: list[int] = []

    def fake_ocr(_doc, index):
        calls.append(index)
        raise ValueError("engine broke")

    monkeypatch.setattr(ocr_mod, "available", lambda: True)
    monkeypatch.setattr(ocr_mod, "ocr_pdf_page", fake_ocr)
    pages = [SimpleNamespace(no=i + 1) for i in range(5)]
    try:
        L.use(dataclasses.replace(L.Limits(), ocr_pages=3))
        with pytest.raises(LimitExceeded) as err:
            _read_scans(None, list(pages), [0, 1, 2, 3, 4], [], None)
        assert err.value.name == "ocr_pages" and calls == []
        L.use(dataclasses.replace(L.Limits(), ocr_pages=10))
        warnings: list[str] = []
        _read_scans(None, list(pages), [0, 1], warnings, None)
        assert calls == [0, 1] and all("ValueError" not in w and "第" in w for w in warnings)
        L.use(dataclasses.replace(L.Limits(), ocr_seconds=1))
        clock = iter([0.0, 5.0, 10.0, 15.0])
        monkeypatch.setattr(_time, "monotonic", lambda: next(clock))
        with pytest.raises(LimitExceeded) as err:
            _read_scans(None, list(pages), [0, 1], [], None)
        assert err.value.name == "ocr_seconds"
    finally:
        L.use(None)

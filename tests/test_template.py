"""The input workbook: one sheet per table of the family, formulas for totals, LibreOffice
recalculation gives the sums, and a filled workbook is read back as facts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from juesuan.author.layouts import TITLES
from juesuan.author.workbook import read_workbook, write_template
from juesuan.refdata.families import get_family


@pytest.mark.parametrize("family", ["local_nine", "university_four", "central_department"])
def test_one_sheet_per_table_of_the_family_and_formulas(family, tmp_path):
    path = tmp_path / "t.xlsx"
    write_template(path, year=2024, family=family)
    wb = load_workbook(path)
    fam = get_family(family)
    assert {TITLES[t][:31] for t in fam.required} <= set(wb.sheetnames)
    assert "说明" in wb.sheetnames and "代码表" in wb.sheetnames
    ws = wb[TITLES["income"][:31]] if "income" in fam.required else None
    if ws is not None:
        assert str(ws["D3"].value).startswith("=SUMPRODUCT")
        assert ws["B4"].fill.fgColor.rgb.endswith("FFF2CC")
        assert ws.data_validations.dataValidation


def _calc_installed() -> bool:
    exe = shutil.which("soffice")
    return bool(exe) and any(Path(exe).resolve().parent.glob("libsclo.so"))


@pytest.mark.skipif(not _calc_installed(), reason="LibreOffice Calc (libreoffice-calc-nogui) not installed")
def test_libreoffice_recalculates_the_totals_and_the_filled_workbook_reads_back(tmp_path):
    from juesuan.author.pdf_out import convert

    path = tmp_path / "t.xlsx"
    write_template(path, year=2024)
    wb = load_workbook(path)
    ws = wb[TITLES["income"]]
    rows = [("208", "10.25"), ("20801", "10.25"), ("2080101", "10.25"), ("221", "3.50"), ("22102", "3.50"), ("2210201", "3.50")]
    for r, (code, value) in enumerate(rows, start=4):
        ws.cell(r, 2, code)
        ws.cell(r, 4, float(value))
        ws.cell(r, 5, float(value))
    tp = wb[TITLES["three_public"]]
    keys = {tp.cell(r, 1).value: r for r in range(3, tp.max_row + 1)}
    for key, v in (("overseas", 1.0), ("reception", 2.25), ("vehicle_purchase", 0.0), ("vehicle_operation", 4.5)):
        tp.cell(keys[key], 4, v)
    wb.save(path)
    out = tmp_path / "recalc"
    out.mkdir()
    recalculated = convert(path, "xlsx", out)
    values = load_workbook(recalculated, data_only=True)
    assert round(values[TITLES["income"]]["D3"].value, 2) == 13.75  # 合计 = Σ 类
    assert round(values[TITLES["three_public"]].cell(keys["total"], 4).value, 2) == 7.75
    fs = read_workbook(recalculated)
    assert str(fs.values[("income", "total", "total")]) == "13.75"
    assert str(fs.values[("income", "2080101", "fiscal")]) == "10.25"
    assert str(fs.values[("three_public", "vehicle", "final")]) == "4.50"


def test_filled_leaf_cells_read_back_as_facts(tmp_path):
    path = tmp_path / "t.xlsx"
    write_template(path, year=2024)
    wb = load_workbook(path)
    ws = wb[TITLES["expenditure"]]
    ws.cell(4, 2, "2080101")
    ws.cell(4, 4, 12.3)
    ws.cell(4, 5, "1,234.56")
    wb.save(path)
    fs = read_workbook(path)
    assert fs.values[("expenditure", "2080101", "total")] == fs.values[("expenditure", "2080101", "total")].quantize(1 / __import__("decimal").Decimal(100))
    assert str(fs.values[("expenditure", "2080101", "total")]) == "12.30"
    assert str(fs.values[("expenditure", "2080101", "basic")]) == "1234.56"

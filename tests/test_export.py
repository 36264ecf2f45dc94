"""Exports of stored facts and findings: CSV (BOM), XLSX, Parquet, Frictionless data package."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from test_store import HOSTILE, fake_check, hand_document

from juesuan.export import FACT_FIELDS, FINDING_FIELDS, ExportError, export
from juesuan.store import Store, open_store


@pytest.fixture
def filled(tmp_path: Path):  # type: ignore[no-untyped-def]
    st = open_store(f"sqlite:///{tmp_path / 'x.db'}", checker=fake_check, rules_version="t1")
    values = {
        ("expenditure", "total", "total"): "90.50",
        ("expenditure", "208", "total"): "0.000123",  # a value converted from 元: six decimals
        ("expenditure", "20801", "total"): "-3.5",
        ("three_public", "reception", "final"): "1.25",
    }
    st.ingest_document(hand_document("测试市财政局", 2024, values=values), "a" * 64, file_name="a.txt")
    doc = hand_document(HOSTILE, 2023)
    doc.facts[0] = type(doc.facts[0])(
        doc.facts[0].table, doc.facts[0].row, doc.facts[0].column, doc.facts[0].value,
        "=HYPERLINK(\"http://x\")", doc.facts[0].prov, "=1+1",
    )  # fmt: skip
    st.ingest_document(doc, "b" * 64, file_name="b.txt")
    yield st
    st.close()


def _facts_total(st: Store) -> int:
    return len(st.facts())


def test_csv_is_utf8_with_bom_and_exact(filled: Store, tmp_path: Path) -> None:
    out = tmp_path / "f.csv"
    n = export(filled, "facts", "csv", out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert n == len(rows) == _facts_total(filled)
    assert list(rows[0]) == [f.name for f in FACT_FIELDS]
    values = {(r["table"], r["row"], r["column"]): r["value"] for r in rows if r["department"] == "测试市财政局"}
    assert values[("expenditure", "208", "total")] == "0.000123"
    assert values[("expenditure", "20801", "total")] == "-3.5"
    assert any(r["department"] == HOSTILE for r in rows)

    fout = tmp_path / "g.csv"
    m = export(filled, "findings", "csv", fout)
    frows = list(csv.DictReader(io.StringIO(fout.read_bytes().decode("utf-8-sig"))))
    assert m == len(frows) == 6 and list(frows[0]) == [f.name for f in FINDING_FIELDS]
    cells = json.loads(frows[0]["cells"])
    assert cells[0]["table"] == "expenditure" and frows[0]["rules_version"] == "t1"


def test_xlsx(filled: Store, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "f.xlsx"
    n = export(filled, "facts", "xlsx", out)
    ws = load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "文档编号" and len(rows) - 1 == n == _facts_total(filled)
    header = [f.name for f in FACT_FIELDS]
    vi, ri, li = header.index("value"), header.index("raw"), header.index("label")
    assert any(r[vi] == pytest.approx(0.000123) for r in rows[1:])
    # document text that looks like a formula stays text
    hostile = [r for r in rows[1:] if r[ri] == "=HYPERLINK(\"http://x\")"]
    assert hostile and hostile[0][li] == "=1+1"
    assert all(c.data_type == "s" for c in ws[2 + rows[1:].index(hostile[0])] if isinstance(c.value, str))

    fout = tmp_path / "g.xlsx"
    assert export(filled, "findings", "xlsx", fout) == 6


def test_xlsx_row_limit(filled: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import juesuan.export as ex

    monkeypatch.setattr(ex, "XLSX_MAX_ROWS", 3)
    with pytest.raises(ExportError, match="XLSX"):
        export(filled, "facts", "xlsx", tmp_path / "big.xlsx")
    assert not (tmp_path / "big.xlsx").exists()


def test_parquet_keeps_decimals_exact(filled: Store, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = tmp_path / "f.parquet"
    n = export(filled, "facts", "parquet", out)
    t = pq.read_table(out)
    assert t.num_rows == n == _facts_total(filled)
    assert t.schema.field("value").type == pa.decimal128(38, 6)
    got = {
        (r["department"], r["table"], r["row"], r["column"]): r["value"] for r in t.to_pylist()
    }
    assert got[("测试市财政局", "expenditure", "208", "total")] == Decimal("0.000123")
    assert got[("测试市财政局", "expenditure", "20801", "total")] == Decimal("-3.5")
    for st_fact in filled.facts():
        assert any(v == st_fact.value for k, v in got.items() if k[1:] == (st_fact.table, st_fact.row, st_fact.column))

    fout = tmp_path / "g.parquet"
    assert export(filled, "findings", "parquet", fout) == 6
    ft = pq.read_table(fout)
    assert json.loads(ft.column("cells")[0].as_py())[0]["table"] == "expenditure"


def test_datapackage_validates_with_frictionless(filled: Store, tmp_path: Path) -> None:
    frictionless = pytest.importorskip("frictionless", reason="frictionless not installed")
    for what in ("facts", "findings"):
        out = tmp_path / f"dp-{what}"
        n = export(filled, what, "datapackage", out)
        assert n > 0
        desc = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
        assert [r["name"] for r in desc["resources"]] == ["documents", what]
        assert not (out / f"{what}.csv").read_bytes().startswith(b"\xef\xbb\xbf")
        report = frictionless.validate(str(out / "datapackage.json"))
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
        pkg = frictionless.Package(str(out / "datapackage.json"))
        rows = pkg.get_resource(what).read_rows()
        assert len(rows) == n
        if what == "facts":
            assert any(r["value"] == Decimal("0.000123") for r in rows)


def test_unknown_export_is_refused(filled: Store, tmp_path: Path) -> None:
    with pytest.raises(ExportError):
        export(filled, "facts", "ods", tmp_path / "x.ods")
    with pytest.raises(ExportError):
        export(filled, "claims", "csv", tmp_path / "x.csv")


def test_export_of_one_document(filled: Store, tmp_path: Path) -> None:
    first = filled.documents(department="测试市财政局")[0]
    out = tmp_path / "one.csv"
    n = export(filled, "facts", "csv", out, document_id=first.id)
    assert n == len(filled.facts(first.id))


def test_csv_neutralises_formulas_in_text_but_not_numbers(filled: Store, tmp_path: Path) -> None:
    out = tmp_path / "f.csv"
    export(filled, "facts", "csv", out)
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    hostile = [r for r in rows if r["label"].endswith("=1+1")]
    assert hostile and hostile[0]["label"] == "'=1+1" and hostile[0]["raw"] == "'=HYPERLINK(\"http://x\")"
    assert any(r["value"] == "-3.5" for r in rows)  # a negative number is data, not a formula
    assert not any(r[k].startswith(("=", "+", "@")) for r in rows for k in r)


def test_xlsx_export_has_chinese_headers_formats_widths_and_quote_prefix(filled: Store, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "f.xlsx"
    export(filled, "facts", "xlsx", out)
    ws = load_workbook(out)["数据"]
    header = [c.value for c in ws[1]]
    assert header == [f.title for f in FACT_FIELDS] and ws.freeze_panes == "A2"
    names = [f.name for f in FACT_FIELDS]
    assert ws.column_dimensions["F"].width >= 10  # set, not the default
    vcol = names.index("value") + 1
    numbers = [ws.cell(row=r, column=vcol) for r in range(2, ws.max_row + 1)]
    assert all(c.number_format.startswith("#,##0.") for c in numbers if isinstance(c.value, float))
    lcol = names.index("label") + 1
    labels = [ws.cell(row=r, column=lcol) for r in range(2, ws.max_row + 1)]
    assert any(c.value == "=1+1" and c.quotePrefix and c.data_type == "s" for c in labels)
    assert not any(c.quotePrefix for c in labels if c.value and not c.value.startswith("="))


def test_datapackage_keeps_text_exactly(filled: Store, tmp_path: Path) -> None:
    out = tmp_path / "dp"
    export(filled, "facts", "datapackage", out)
    rows = list(csv.DictReader(io.StringIO((out / "facts.csv").read_text(encoding="utf-8"))))
    assert any(r["label"] == "=1+1" for r in rows)


def test_web_download_writer_has_a_bom_and_neutralises(filled: Store) -> None:
    from juesuan.export import csv_bytes

    data = csv_bytes(filled.iter_fact_rows(), FACT_FIELDS)
    assert data.startswith(b"\xef\xbb\xbf") and b"'=1+1" in data

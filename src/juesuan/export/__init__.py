"""Export stored facts or findings: CSV (UTF-8 with BOM), XLSX, Parquet, Frictionless data package.

    from juesuan.store import open_store
    from juesuan.export import export

    export(open_store("sqlite:///juesuan.db"), "facts", "parquet", "facts.parquet")

Amounts stay exact: CSV and the data package carry the decimal string, Parquet a decimal128
column whose scale fits every value, XLSX a number (the workbook stores doubles) with the printed
text beside it.

Text meant for spreadsheets is neutralised: a CSV text cell that Excel/WPS would run as a formula
(``= + - @``, tab, CR; numbers excepted) gets a leading ``'``, and an XLSX text cell is stored as
text with Excel's quote prefix (its value unchanged). The data package, for programs, keeps the
text exactly.
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from ..model import format_decimal
from ..safe_output import csv_text, encodable, is_formula_like

if TYPE_CHECKING:  # pragma: no cover
    from ..store import Store

WHATS: tuple[str, ...] = ("facts", "findings")
FORMATS: tuple[str, ...] = ("csv", "xlsx", "parquet", "datapackage")
XLSX_MAX_ROWS = 1_048_575  # one row is the header


class ExportError(Exception):
    """The export cannot be written as asked (too many rows for XLSX, unknown format, …)."""


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    type: str  # Frictionless type: integer, number, string, array
    title: str
    description: str = ""


DOCUMENT_FIELDS: tuple[Field, ...] = (
    Field("id", "integer", "文档编号"),
    Field("sha256", "string", "源文件 SHA-256"),
    Field("file_name", "string", "文件名"),
    Field("format", "string", "格式"),
    Field("pages", "integer", "页数"),
    Field("department", "string", "部门（单位）"),
    Field("region", "string", "地区"),
    Field("level", "string", "级次"),
    Field("year", "integer", "年度"),
    Field("kind", "string", "文件类型", "final (决算) | budget (预算)"),
    Field("scope", "string", "范围", "department (部门) | unit (单位)"),
    Field("family", "string", "模板类别"),
    Field("status", "string", "审核状态", "new | in_review | returned | approved"),
    Field("unit", "string", "金额单位"),
    Field("ingested_at", "string", "入库时间"),
    Field("parser_version", "string", "解析程序版本"),
)

FACT_FIELDS: tuple[Field, ...] = (
    Field("document_id", "integer", "文档编号"),
    Field("sha256", "string", "源文件 SHA-256"),
    Field("department", "string", "部门（单位）"),
    Field("year", "integer", "年度"),
    Field("kind", "string", "文件类型", "final (决算) | budget (预算)"),
    Field("table", "string", "表", "canonical table id (facts contract v1)"),
    Field("row", "string", "行", "canonical row key"),
    Field("column", "string", "列", "canonical column key"),
    Field("value", "number", "数值", "exact decimal, 万元 for amounts"),
    Field("raw", "string", "印制文本"),
    Field("label", "string", "项目名称"),
    Field("project", "string", "绩效项目"),
    Field("level", "string", "科目级次", "类/款/项 for classification-coded rows"),
    Field("page", "integer", "页"),
    Field("line", "integer", "行号"),
    Field("ref", "string", "单元格位置", "sheet cell or DOCX table position (XLSX/DOCX sources)"),
)

FINDING_FIELDS: tuple[Field, ...] = (
    Field("document_id", "integer", "文档编号"),
    Field("sha256", "string", "源文件 SHA-256"),
    Field("department", "string", "部门（单位）"),
    Field("year", "integer", "年度"),
    Field("kind", "string", "文件类型", "final (决算) | budget (预算)"),
    Field("rules_version", "string", "规则版本"),
    Field("rule", "string", "规则"),
    Field("severity", "string", "严重程度"),
    Field("family", "string", "规则类别"),
    Field("title", "string", "标题"),
    Field("message", "string", "说明"),
    Field("tables", "string", "涉及的表", "space-separated table ids"),
    Field("expected", "string", "期望值"),
    Field("printed", "string", "列示值"),
    Field("difference", "string", "差额"),
    Field("cells", "array", "涉及的单元格", "JSON array of {table,row,column,value,page,line,label,project,ref}"),
    Field("extra", "object", "其他", "JSON object: further finding fields, e.g. the narrative sentence"),
)


def fields_of(what: str) -> tuple[Field, ...]:
    if what == "facts":
        return FACT_FIELDS
    if what == "findings":
        return FINDING_FIELDS
    raise ExportError(f"无法导出 {what!r}：只能导出 facts（数据）或 findings（检查发现）")


def _rows(store: "Store", what: str, document_id: int | None, all_versions: bool) -> Iterator[dict[str, Any]]:
    if what == "facts":
        return store.iter_fact_rows(document_id)
    return store.iter_finding_rows(document_id, all_versions=all_versions)


def text_cell(name: str, value: Any, *, spreadsheet: bool = True) -> str:
    """A value as CSV text: decimals exact, cells as JSON, None as empty.

    ``spreadsheet``: neutralise text a spreadsheet would run as a formula (see :func:`csv_text`);
    False keeps the text exactly (the data package, read by programs).
    """
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, (bool, int)):
        return str(value)
    if name in ("cells", "extra") or isinstance(value, (list, dict)):
        return encodable(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    return csv_text(str(value)) if spreadsheet else encodable(str(value))


def write_csv(
    rows: Iterable[dict[str, Any]], fields: tuple[Field, ...], fh: io.TextIOBase, *, spreadsheet: bool = True
) -> int:
    w = csv.writer(fh, lineterminator="\r\n")
    w.writerow([f.name for f in fields])
    n = 0
    for r in rows:
        w.writerow([text_cell(f.name, r.get(f.name), spreadsheet=spreadsheet) for f in fields])
        n += 1
    return n


def csv_bytes(rows: Iterable[dict[str, Any]], fields: tuple[Field, ...], *, bom: bool = True) -> bytes:
    """The rows as CSV, UTF-8 with BOM (what the web app's downloads send)."""
    buf = io.StringIO()
    write_csv(rows, fields, buf)
    return buf.getvalue().encode("utf-8-sig" if bom else "utf-8")


def _export_csv(rows: Iterable[dict[str, Any]], fields: tuple[Field, ...], out: Path) -> int:
    with out.open("w", encoding="utf-8-sig", newline="") as fh:  # BOM: Excel opens it as UTF-8
        return write_csv(rows, fields, fh)


def _export_xlsx(
    rows: Iterable[dict[str, Any]], fields: tuple[Field, ...], out: Path, sheet: str
) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    for i, f in enumerate(fields, start=1):  # write-only: widths before the first row
        ws.column_dimensions[get_column_letter(i)].width = _XLSX_WIDTHS.get(f.name, 14)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="E4E7EC")
    centre = Alignment(horizontal="center", vertical="center")
    header = []
    for f in fields:
        c = WriteOnlyCell(ws, value=f.title)
        c.font, c.fill, c.alignment = bold, fill, centre
        header.append(c)
    ws.freeze_panes = "A2"
    ws.append(header)
    n = 0
    for r in rows:
        n += 1
        cells = []
        for f in fields:
            v = r.get(f.name)
            if isinstance(v, Decimal):
                exp = v.as_tuple().exponent
                places = max(2, -exp) if isinstance(exp, int) else 2
                c = WriteOnlyCell(ws, value=float(v))  # the workbook stores doubles
                c.number_format = "#,##0." + "0" * places
            elif isinstance(v, int) and not isinstance(v, bool):
                c = WriteOnlyCell(ws, value=v)
            elif v is None:
                c = WriteOnlyCell(ws, value=None)
            else:
                text = ILLEGAL_CHARACTERS_RE.sub("", text_cell(f.name, v, spreadsheet=False))
                c = WriteOnlyCell(ws, value=text)
                c.data_type = "s"  # document text is never a formula, even if it starts with '='
                if is_formula_like(text):
                    c.quotePrefix = True  # and stays text when a reviewer edits the cell
            cells.append(c)
        ws.append(cells)
    wb.save(out)
    return n


# column widths (characters; a CJK character counts two) of the XLSX export
_XLSX_WIDTHS: dict[str, float] = {
    "document_id": 10, "id": 10, "sha256": 18, "department": 30, "year": 8, "table": 22, "row": 16,
    "column": 16, "value": 16, "raw": 16, "label": 36, "project": 30, "level": 10, "page": 6,
    "line": 8, "ref": 12, "rules_version": 12, "rule": 26, "severity": 10, "family": 10,
    "title": 36, "message": 60, "tables": 24, "expected": 14, "printed": 14, "difference": 14,
    "cells": 40, "extra": 30,
}


def _decimal_scale(values: Iterable[Decimal | None]) -> int:
    scale = 2
    for v in values:
        if v is not None:
            exp = v.as_tuple().exponent
            if isinstance(exp, int):
                scale = max(scale, -exp)
    return scale


def _arrow_schema(fields: tuple[Field, ...], scale: int):  # type: ignore[no-untyped-def]
    import pyarrow as pa

    types = {"integer": pa.int64(), "string": pa.string()}
    out = []
    for f in fields:
        if f.type == "number":
            t = pa.decimal128(38, scale)
        elif f.type in ("array", "object"):
            t = pa.string()  # JSON text
        else:
            t = types[f.type]
        out.append(pa.field(f.name, t, metadata={"title": f.title, "description": f.description}))
    return pa.schema(out)


def _export_parquet(
    make_rows: Callable[[], Iterator[dict[str, Any]]], fields: tuple[Field, ...], out: Path
) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    numeric = [f.name for f in fields if f.type == "number"]
    # a first pass finds the scale that holds every value exactly
    scale = _decimal_scale(r[name] for r in make_rows() for name in numeric) if numeric else 2
    schema = _arrow_schema(fields, scale)
    quantum = Decimal(1).scaleb(-scale)
    n = 0
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        batch: dict[str, list[Any]] = {f.name: [] for f in fields}

        def flush() -> None:
            if batch[fields[0].name]:
                writer.write_table(pa.table(batch, schema=schema))
                for v in batch.values():
                    v.clear()

        for r in make_rows():
            for f in fields:
                v = r.get(f.name)
                if f.type == "number" and v is not None:
                    v = v.quantize(quantum)
                elif f.type in ("array", "object") and v is not None:
                    v = text_cell(f.name, v)
                batch[f.name].append(v)
            n += 1
            if n % 50_000 == 0:
                flush()
        flush()
    return n


def _document_rows(store: "Store", document_id: int | None) -> list[dict[str, Any]]:
    docs = store.documents() if document_id is None else [d for d in [store.document(document_id)] if d]
    return [
        {
            "id": d.id,
            "sha256": d.sha256,
            "file_name": d.file_name,
            "format": d.format,
            "pages": d.pages,
            "department": d.department,
            "region": d.region,
            "level": d.level,
            "year": d.year,
            "kind": d.kind,
            "scope": d.scope,
            "family": d.family,
            "status": d.status,
            "unit": d.unit,
            "ingested_at": d.ingested_at.isoformat() if d.ingested_at else None,
            "parser_version": d.parser_version,
        }
        for d in sorted(docs, key=lambda d: d.id)
    ]


def _table_schema(fields: tuple[Field, ...]) -> dict[str, Any]:
    out = []
    for f in fields:
        d: dict[str, Any] = {"name": f.name, "type": f.type, "title": f.title}
        if f.description:
            d["description"] = f.description
        out.append(d)
    return {"fields": out, "missingValues": [""]}


def _export_datapackage(
    store: "Store",
    what: str,
    rows: Iterable[dict[str, Any]],
    fields: tuple[Field, ...],
    out: Path,
    document_id: int | None,
) -> int:
    """A directory with datapackage.json, documents.csv and <what>.csv (UTF-8, no BOM)."""
    from .. import __version__

    out.mkdir(parents=True, exist_ok=True)
    with (out / f"{what}.csv").open("w", encoding="utf-8", newline="") as fh:
        n = write_csv(rows, fields, fh, spreadsheet=False)
    docs = _document_rows(store, document_id)
    with (out / "documents.csv").open("w", encoding="utf-8", newline="") as fh:
        write_csv(docs, DOCUMENT_FIELDS, fh, spreadsheet=False)
    doc_schema = _table_schema(DOCUMENT_FIELDS)
    doc_schema["primaryKey"] = ["id"]
    main_schema = _table_schema(fields)
    main_schema["foreignKeys"] = [
        {"fields": ["document_id"], "reference": {"resource": "documents", "fields": ["id"]}}
    ]
    package = {
        "name": f"juesuan-{what}",
        "title": f"部门决算公开 {'数据' if what == 'facts' else '检查发现'}（juesuan 导出）",
        "description": "Exported by juesuan from its store; facts follow the facts contract v1.",
        "version": __version__,
        "resources": [
            {
                "name": "documents",
                "path": "documents.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": doc_schema,
            },
            {
                "name": what,
                "path": f"{what}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": main_schema,
            },
        ],
    }
    (out / "datapackage.json").write_text(
        json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return n


def export(
    store: "Store",
    what: str,
    fmt: str,
    out: str | os.PathLike[str],
    *,
    document_id: int | None = None,
    all_versions: bool = False,
) -> int:
    """Write ``what`` (facts|findings) in ``fmt`` (csv|xlsx|parquet|datapackage) to ``out``.

    ``out`` is a file, or for ``datapackage`` a directory. Returns the number of rows written.
    Findings are those of each document's latest check unless ``all_versions``.
    """
    fields = fields_of(what)
    fmt = fmt.lower()
    path = Path(out)
    if fmt != "datapackage":
        path.parent.mkdir(parents=True, exist_ok=True)

    def rows() -> Iterator[dict[str, Any]]:
        return _rows(store, what, document_id, all_versions)

    if fmt == "csv":
        return _export_csv(rows(), fields, path)
    if fmt == "xlsx":
        if what == "facts":
            count = store.count_facts(document_id)
        else:
            count = len(store.findings(document_id, all_versions=all_versions))
        if count > XLSX_MAX_ROWS:
            raise ExportError(
                f"XLSX 最多 {XLSX_MAX_ROWS} 行数据，本次有 {count} 行；请用 csv/parquet/datapackage 或 --document 按文档导出"
            )
        return _export_xlsx(rows(), fields, path, "数据" if what == "facts" else "检查发现")
    if fmt == "parquet":
        return _export_parquet(rows, fields, path)
    if fmt == "datapackage":
        return _export_datapackage(store, what, rows(), fields, path, document_id)
    raise ExportError(f"不支持的导出格式 {fmt!r}：可用 {', '.join(FORMATS)}")


__all__ = [
    "DOCUMENT_FIELDS",
    "ExportError",
    "FACT_FIELDS",
    "FINDING_FIELDS",
    "FORMATS",
    "WHATS",
    "csv_bytes",
    "text_cell",
    "write_csv",
    "export",
    "fields_of",
]

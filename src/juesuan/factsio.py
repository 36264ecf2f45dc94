"""The facts contract's output forms: JSON (document → tables → facts) and CSV.

CSV text cells are neutralised for spreadsheets (a label printed as ``=100%`` is written ``'=100%``);
numbers are written as they are. Files get a UTF-8 BOM (:data:`CSV_BOM`) from whoever writes them,
so that Excel on Chinese Windows opens them as UTF-8. The document is named by its file name only.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Iterable

from .model import Claim, Document, Fact, TableInfo, format_decimal
from .safe_output import csv_text, file_name

# Version of the JSON layout of ``parse`` (the facts contract v1, extended only by adding keys).
SCHEMA_VERSION = "1.1"
CSV_BOM = "\ufeff"

CSV_HEADER = ("table", "row", "column", "value", "line", "page", "raw", "label", "project", "ref")


def fact_dict(f: Fact) -> dict[str, Any]:
    return {
        "table": f.table,
        "row": f.row,
        "column": f.column,
        "value": f.value_str,
        "line": f.prov.line,
        "page": f.prov.page,
        "raw": f.raw,
        "label": f.label,
        "project": f.project,
        "ref": f.prov.ref,
    }


def table_dict(t: TableInfo, facts: list[Fact]) -> dict[str, Any]:
    return {
        "id": t.id,
        "title": t.title,
        "number": t.number,
        "unit": t.unit,
        "line": t.prov.line,
        "page": t.prov.page,
        "empty": t.empty,
        "fragment": t.fragment,
        "layout": t.layout,
        "notes": t.notes,
        "facts": [fact_dict(f) for f in facts],
    }


def document_meta(doc: Document) -> dict[str, Any]:
    return {
        "source": file_name(doc.source),
        "format": doc.format,
        "department": doc.department,
        "year": doc.year,
        "kind": doc.kind,
        "scope": doc.scope,
        "family": doc.family,
        "template": doc.template,
        "unit": doc.unit,
        "pages": doc.pages,
        "tables": [
            {"id": t.id, "title": t.title, "number": t.number, "line": t.prov.line, "page": t.prov.page}
            for t in doc.tables
        ],
        "toc": doc.toc,
        "unreadable": doc.unreadable,
        "warnings": doc.warnings,
    }


def to_json_dict(doc: Document) -> dict[str, Any]:
    by_table: dict[str, list[Fact]] = {}
    for f in doc.facts:
        by_table.setdefault(f.table, []).append(f)
    return {
        "schema_version": SCHEMA_VERSION,
        "document": document_meta(doc),
        "tables": [table_dict(t, by_table.get(t.id, [])) for t in doc.tables],
        "perf": [perf_dict(p) for p in doc.perf],
    }


def perf_dict(p: Any) -> dict[str, Any]:
    """A 绩效自评表 (extract.perf.PerfTable) with its facts."""
    return {
        "id": p.table_id,
        "kind": p.kind,
        "title": p.title,
        "project": p.key or p.project,
        "department": p.department,
        "implementer": p.implementer,
        "line": p.line,
        "grade": p.grade,
        "readable": p.readable,
        "texts": p.texts,
        "facts": [fact_dict(f) for f in p.facts],
    }


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    return csv_text(value) if isinstance(value, str) else value


def _csv(header: tuple[str, ...], records: Iterable[dict[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for d in records:
        w.writerow([_csv_cell(d[k]) for k in header])
    return buf.getvalue()


def to_csv(doc: Document) -> str:
    return _csv(CSV_HEADER, map(fact_dict, doc.facts))


CLAIMS_HEADER = ("subject", "kind", "value", "unit", "line", "page", "text", "direction", "whole", "raw")


def claim_dict(c: Claim) -> dict[str, Any]:
    return {
        "subject": c.subject,
        "kind": c.kind,
        "value": format_decimal(c.value),
        "unit": c.unit,
        "line": c.prov.line,
        "page": c.prov.page,
        "text": c.text,
        "direction": c.direction,
        "whole": c.whole,
        "raw": c.raw,
    }


def claims_to_csv(doc: Document) -> str:
    return _csv(CLAIMS_HEADER, map(claim_dict, doc.claims))


def claims_to_json_dict(doc: Document) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "document": document_meta(doc),
        "claims": [claim_dict(c) for c in doc.claims],
    }

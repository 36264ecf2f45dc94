"""The findings as CSV, one row per cell a finding names (or one row for a finding without cells).

Keys are the JSON contract's (English); text cells are neutralised for spreadsheets; whoever writes
the file adds the UTF-8 BOM (``juesuan check -o findings.csv`` does).
"""

from __future__ import annotations

import csv
import io

from juesuan.model import CheckResult

from ..safe_output import csv_text, file_name
from .common import cell_row_label, column_name, ordered_findings, row_labels, severity_name, table_name
from .json import plain_amount

CSV_HEADER: tuple[str, ...] = (
    "source", "rule", "severity", "severity_name", "title", "message", "table", "table_name", "row",
    "label", "column", "column_name", "value", "raw", "page", "line", "ref", "project",
    "expected", "printed", "difference",
)  # fmt: skip


def render_csv(result: CheckResult) -> str:
    doc = result.document
    labels = row_labels(doc)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_HEADER)
    source = file_name(doc.source)
    for f in ordered_findings(result):
        head = [source, f.rule, f.severity, severity_name(f.severity), f.title, f.message]
        tail = [plain_amount(f.expected), plain_amount(f.printed), plain_amount(f.difference)]
        cells = [
            [c.table, table_name(c.table), c.row, cell_row_label(c, labels), c.column,
             column_name(c.table, c.column), plain_amount(c.value), c.value, c.page, c.line, c.ref, c.project]
            for c in f.cells
        ] or [[" ".join(f.tables), "、".join(table_name(t) for t in f.tables)] + [None] * 10]  # fmt: skip
        for cell in cells:
            w.writerow([_cell(v) for v in head + cell + tail])
    return buf.getvalue()


def _cell(value: object) -> object:
    if value is None:
        return ""
    return csv_text(value) if isinstance(value, str) else value

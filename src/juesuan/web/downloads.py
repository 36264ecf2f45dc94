"""Downloads: a document's XLSX/HTML report and facts CSV, and every document's facts or findings.

CSV is UTF-8 with BOM, and text cells go through the shared writers of :mod:`juesuan.export`
(formula-like text such as ``=HYPERLINK(…)`` is neutralised there); the XLSX report writes
document text as strings (:mod:`juesuan.report.xlsx`).
"""

from __future__ import annotations

import csv
import io
from typing import Iterator
from urllib.parse import quote

from fastapi import FastAPI, Path
from fastapi.responses import Response, StreamingResponse

from .context import WebContext, http_error, log
from .settings import MAX_ID

REPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}
CSV_TYPE = "text/csv; charset=utf-8"


def content_disposition(ascii_name: str, name: str) -> str:
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def register(app: FastAPI, ctx: WebContext) -> None:
    st = ctx.store

    def report(document_id: int, fmt: str) -> Response:
        d = ctx.document_or_404(document_id)
        from ..report import render

        try:
            data = render(st.load_result(document_id), fmt)
        except Exception:  # noqa: BLE001 - a clear message, the details in the log
            log.exception("rendering the %s report of document %s failed", fmt, document_id)
            raise http_error(422, f"无法为编号 {document_id} 的文档生成 {fmt.upper()} 报告。") from None
        name = f"{d.department or 'document'}-{d.year or ''}-检查报告.{fmt}"
        return Response(
            data,
            media_type=REPORT_TYPES[fmt],
            headers={"Content-Disposition": content_disposition(f"juesuan-report-{document_id}.{fmt}", name)},
        )

    @app.get("/documents/{document_id}/report.xlsx", include_in_schema=False)
    def report_xlsx(document_id: int = Path(ge=1, le=MAX_ID)) -> Response:
        return report(document_id, "xlsx")

    @app.get("/documents/{document_id}/report.html", include_in_schema=False)
    def report_html(document_id: int = Path(ge=1, le=MAX_ID)) -> Response:
        return report(document_id, "html")

    @app.get("/documents/{document_id}/facts.csv", include_in_schema=False)
    def facts_csv(document_id: int = Path(ge=1, le=MAX_ID)) -> Response:
        d = ctx.document_or_404(document_id)
        from ..export import FACT_FIELDS, csv_bytes

        data = csv_bytes(st.iter_fact_rows(document_id), FACT_FIELDS)
        name = f"{d.department or 'document'}-{d.year or ''}-facts.csv"
        return Response(
            data,
            media_type=CSV_TYPE,
            headers={"Content-Disposition": content_disposition(f"juesuan-facts-{document_id}.csv", name)},
        )

    @app.get("/exports/{what}.csv", include_in_schema=False)
    def export_all(what: str) -> Response:
        """Every document's facts (or latest findings) as one CSV, streamed."""
        from ..export import FACT_FIELDS, FINDING_FIELDS, text_cell

        if what not in ("facts", "findings"):
            raise http_error(404, "只能导出 facts 或 findings。")
        fields = FACT_FIELDS if what == "facts" else FINDING_FIELDS

        def stream() -> Iterator[bytes]:
            rows = st.iter_fact_rows() if what == "facts" else st.iter_finding_rows()
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\r\n")
            buf.write("\ufeff")
            w.writerow([f.name for f in fields])
            for i, r in enumerate(rows, start=1):
                w.writerow([text_cell(f.name, r.get(f.name)) for f in fields])  # neutralises formulas
                if i % 5000 == 0:
                    yield buf.getvalue().encode("utf-8")
                    buf.seek(0)
                    buf.truncate()
            yield buf.getvalue().encode("utf-8")

        return StreamingResponse(
            stream(),
            media_type=CSV_TYPE,
            headers={"Content-Disposition": content_disposition(f"juesuan-{what}.csv", f"juesuan-{what}.csv")},
        )


__all__ = ["content_disposition", "register"]

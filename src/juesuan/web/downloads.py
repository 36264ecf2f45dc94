"""Downloads: a document's XLSX/HTML report, its annotated PDF and facts CSV, and every document's
facts or findings.

The XLSX report's 问题清单 carries the review decisions (处理意见 = status and comment, 部门回复 =
the department's reply) from :meth:`~juesuan.store.Store.review_map`; the command line's leaves
them empty. ``/documents/{id}/annotated.pdf`` is the uploaded PDF with each finding highlighted
(:mod:`juesuan.report.annotate`), read again in the worker for the boxes the store does not keep
(:func:`.page_images.reread_result`); 404 for a document not read from a kept PDF upload. Every
per-document download has the document page's checks (:func:`.auth.require_document`).

CSV is UTF-8 with BOM, and text cells go through the shared writers of :mod:`juesuan.export`
(formula-like text such as ``=HYPERLINK(…)`` is neutralised there); the XLSX report writes
document text as strings (:mod:`juesuan.report.xlsx`).
"""

from __future__ import annotations

import csv
import io
from typing import Iterator
from urllib.parse import quote

from pathlib import Path as FilePath

from fastapi import FastAPI, Path, Request
from fastapi.responses import Response, StreamingResponse

from .auth import require_document
from .context import WebContext, http_error, log
from .settings import MAX_ID

REPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}
PDF_TYPE = "application/pdf"
CSV_TYPE = "text/csv; charset=utf-8"


def content_disposition(ascii_name: str, name: str) -> str:
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def kept_pdf(ctx: WebContext, d) -> FilePath | None:  # type: ignore[no-untyped-def]
    """The kept upload of a document read from a PDF, or None (another format, or not kept)."""
    path = ctx.uploads / f"{d.sha256}.pdf"
    return path if d.format == "pdf" and path.is_file() else None


def register(app: FastAPI, ctx: WebContext) -> None:
    st = ctx.store

    def reviews_of(document_id: int) -> dict:
        fn = getattr(st, "review_map", None)
        try:
            return fn(document_id) if callable(fn) else {}
        except KeyError:
            return {}

    def report(request: Request, document_id: int, fmt: str) -> Response:
        _, d = require_document(ctx, request, document_id)
        from ..report import render

        try:
            result = st.load_result(document_id)
            if fmt == "xlsx":
                from ..report.xlsx import render_xlsx

                data: str | bytes = render_xlsx(result, reviews_of(document_id))
            else:
                data = render(result, fmt)
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
    def report_xlsx(request: Request, document_id: int = Path(ge=1, le=MAX_ID)) -> Response:
        return report(request, document_id, "xlsx")

    @app.get("/documents/{document_id}/report.html", include_in_schema=False)
    def report_html(request: Request, document_id: int = Path(ge=1, le=MAX_ID)) -> Response:
        return report(request, document_id, "html")

    @app.get("/documents/{document_id}/annotated.pdf", include_in_schema=False)
    def annotated_pdf(request: Request, document_id: int = Path(ge=1, le=MAX_ID)) -> Response:
        """The uploaded PDF with each finding's cells highlighted and a summary page in front."""
        _, d = require_document(ctx, request, document_id)
        path = kept_pdf(ctx, d)
        if path is None:
            raise http_error(404, "此文档不是 PDF，或原文件未保存，无法生成标注 PDF；请下载检查报告。")
        from ..report.annotate import annotate_pdf
        from .page_images import reread_result

        result = reread_result(ctx, d.sha256, path, d.file_name or path.name)
        if result is None:
            raise http_error(422, f"无法再次读取编号 {document_id} 的原文件，未能生成标注 PDF。")
        try:
            data = annotate_pdf(path, result).data
        except Exception:  # noqa: BLE001 - a clear message, the details in the log
            log.exception("annotating document %s failed", document_id)
            raise http_error(422, f"无法为编号 {document_id} 的文档生成标注 PDF。") from None
        name = f"{d.department or 'document'}-{d.year or ''}-标注.pdf"
        return Response(
            data,
            media_type=PDF_TYPE,
            headers={"Content-Disposition": content_disposition(f"juesuan-annotated-{document_id}.pdf", name)},
        )

    @app.get("/documents/{document_id}/facts.csv", include_in_schema=False)
    def facts_csv(request: Request, document_id: int = Path(ge=1, le=MAX_ID)) -> Response:
        _, d = require_document(ctx, request, document_id)
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


__all__ = ["content_disposition", "kept_pdf", "register"]

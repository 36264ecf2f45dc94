"""``GET /documents/{id}/page/{n}.png?finding=<fingerprint>``: a page of the uploaded PDF as an
image, the cells (and sentence) of one finding boxed in red.

Only for documents read from a PDF whose upload is kept (``<uploads>/<sha256>.pdf``); anything
else is 404. The page number is checked against the PDF, the scale is limited to 0.5–4 pixels per
point. The store keeps no boxes, so the first request for a document reads and checks the upload
again in the worker process (the same caps as an upload) and keeps its findings' boxes by
fingerprint for the next requests (a few documents at a time); a fingerprint that the current
rules no longer produce gives the page without boxes. The annotated PDF download
(:mod:`.downloads`) uses the same reading again (:func:`reread_result`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path as FilePath

from fastapi import FastAPI, Path, Query
from fastapi.responses import Response

from ..model import CheckResult
from ..report.annotate import Box
from .context import WebContext, http_error, log
from .settings import MAX_ID

MAX_PAGE = 10_000
CACHED_DOCUMENTS = 8
PNG = "image/png"

class _Reread:
    """One document read and checked again: its result, and its findings' boxes once asked for."""

    __slots__ = ("result", "boxes")

    def __init__(self, result: "CheckResult | None") -> None:
        self.result = result
        self.boxes: dict[str, dict[int, list[Box]]] | None = None


_cache: "OrderedDict[str, _Reread]" = OrderedDict()
_lock = threading.Lock()


def _read_again(ctx: WebContext, path: FilePath, shown: str) -> "CheckResult | None":
    """The upload read and checked again in the worker (the same caps as an upload)."""
    from . import worker

    checker = ctx.store.checker if ctx.store.rules_version is not None else None
    s = ctx.settings
    limits = worker.JobLimits(s.worker_memory_bytes, s.worker_seconds, s.max_pages)
    if not ctx.reading_slots.acquire(timeout=s.worker_seconds if s.worker_seconds > 0 else None):
        raise http_error(503, "服务器正忙，请稍后再试。", headers={"Retry-After": "30"})
    try:
        job = worker.run_job(path, shown, checker, limits)
    finally:
        ctx.reading_slots.release()
    if job.kind != worker.OK or job.result is None:
        log.warning("reading %s again failed (%s)", shown, job.kind)
        return None
    return job.result


def _entry(ctx: WebContext, sha: str, path: FilePath, shown: str) -> _Reread:
    with _lock:
        if sha in _cache:
            _cache.move_to_end(sha)
            return _cache[sha]
    entry = _Reread(_read_again(ctx, path, shown))
    with _lock:
        _cache[sha] = entry
        while len(_cache) > CACHED_DOCUMENTS:
            _cache.popitem(last=False)
    return entry


def reread_result(ctx: WebContext, sha: str, path: FilePath, shown: str) -> "CheckResult | None":
    """The kept upload ``path`` (of content ``sha``) read and checked again, with the boxes of
    its facts (the store keeps none); kept for the next requests. None when reading failed."""
    return _entry(ctx, sha, path, shown).result


def finding_boxes(ctx: WebContext, sha: str, path: FilePath, shown: str) -> dict[str, dict[int, list[Box]]]:
    """Fingerprint → the finding's boxes by page, as the annotated PDF draws them."""
    from ..report.annotate import locate, shown_boxes
    from ..report.common import ordered_findings
    from ..rules.fingerprint import fingerprint

    entry = _entry(ctx, sha, path, shown)
    if entry.boxes is None:
        found: dict[str, dict[int, list[Box]]] = {}
        if entry.result is not None:
            marks = locate(entry.result, ordered_findings(entry.result))
            boxes = shown_boxes(path, marks)
            found = {fingerprint(m.finding): boxes.get(m.number, {}) for m in marks}
        entry.boxes = found
    return entry.boxes


def register(app: FastAPI, ctx: WebContext) -> None:
    from ..report.page_image import DEFAULT_SCALE, MAX_SCALE, MIN_SCALE, PageOutOfRange, render_page

    @app.get("/documents/{document_id}/page/{page}.png", include_in_schema=False)
    def page_png(
        document_id: int = Path(ge=1, le=MAX_ID),
        page: int = Path(ge=1, le=MAX_PAGE),
        finding: str | None = Query(None, min_length=1, max_length=32, pattern="^[0-9a-f]+$"),
        scale: float = Query(DEFAULT_SCALE, ge=MIN_SCALE, le=MAX_SCALE),
    ) -> Response:
        d = ctx.document_or_404(document_id)
        path = ctx.uploads / f"{d.sha256}.pdf"
        if d.format != "pdf" or not path.is_file():
            raise http_error(404, "此文档不是 PDF，或原文件未保存，无法显示原文页面。")
        if d.pages is not None and page > d.pages:
            raise http_error(404, f"此文档只有 {d.pages} 页。")
        boxes: list[Box] = []
        if finding:
            by_page = finding_boxes(ctx, d.sha256, path, d.file_name or path.name).get(finding, {})
            boxes = by_page.get(page, [])
        try:
            png = render_page(path, page, boxes, scale)
        except PageOutOfRange:
            raise http_error(404, "此文档没有这一页。") from None
        return Response(
            png,
            media_type=PNG,
            headers={"Cache-Control": "private, max-age=300", "X-Juesuan-Boxes": str(len(boxes))},
        )


__all__ = ["finding_boxes", "register", "reread_result"]

"""The workbench's HTML forms: a decision or a reply on a finding, a document's status, the audit page.

Each form post is one :func:`.auth.require` call (401 without a session, 403 without the right
role or the CSRF token, 404 for another department's document) and answers with a redirect back
to the document page (303), so a reload does not post again.
"""

from __future__ import annotations

from fastapi import FastAPI, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..store.queue import STATUSES
from ..store.review import REVIEW_STATUSES
from .auth import require, require_document, visible_department
from .context import WebContext, http_error
from .settings import MAX_ID

FINGERPRINT = Path(pattern="^[0-9a-f]{16}$")
DETAIL_NAMES = {
    "fingerprint": "发现",
    "status": "结论",
    "comment": "意见",
    "reply": "回复",
    "from": "原状态",
    "to": "新状态",
    "file_name": "文件",
    "created": "新入库",
    "sha256": "SHA-256",
}


def register(app: FastAPI, ctx: WebContext) -> None:
    st = ctx.store

    def back(document_id: int, fingerprint: str | None = None) -> Response:
        anchor = f"#review-{fingerprint}" if fingerprint else ""
        return RedirectResponse(f"/documents/{document_id}{anchor}", status_code=303)

    @app.post("/documents/{document_id}/findings/{fingerprint}/review", include_in_schema=False)
    def review_form(
        request: Request,
        document_id: int = Path(ge=1, le=MAX_ID),
        fingerprint: str = FINGERPRINT,
        status: str = Form(..., max_length=20),
        comment: str = Form("", max_length=4000),
        csrf_token: str | None = Form(None),
    ) -> Response:
        user, _ = require_document(ctx, request, document_id, "review", form_csrf=csrf_token)
        if status not in REVIEW_STATUSES:
            raise http_error(422, "审核结论须为 待核、确认问题、非问题 或 已整改。")
        try:
            st.review(document_id, fingerprint, status, comment, user=user)
        except KeyError:
            raise http_error(404, f"文档 {document_id} 没有这个发现。") from None
        return back(document_id, fingerprint)

    @app.post("/documents/{document_id}/findings/{fingerprint}/reply", include_in_schema=False)
    def reply_form(
        request: Request,
        document_id: int = Path(ge=1, le=MAX_ID),
        fingerprint: str = FINGERPRINT,
        reply: str = Form("", max_length=4000),
        csrf_token: str | None = Form(None),
    ) -> Response:
        user, _ = require_document(ctx, request, document_id, "reply", form_csrf=csrf_token)
        try:
            st.reply(document_id, fingerprint, reply, user=user)
        except KeyError:
            raise http_error(404, f"文档 {document_id} 没有这个发现。") from None
        return back(document_id, fingerprint)

    @app.post("/documents/{document_id}/status", include_in_schema=False)
    def status_form(
        request: Request,
        document_id: int = Path(ge=1, le=MAX_ID),
        status: str = Form(..., max_length=20),
        comment: str = Form("", max_length=2000),
        csrf_token: str | None = Form(None),
    ) -> Response:
        user, _ = require_document(ctx, request, document_id, "status", form_csrf=csrf_token)
        if status not in STATUSES:
            raise http_error(422, "状态须为 未审、审核中、退回整改 或 通过。")
        st.set_status(document_id, status, user=user, comment=comment or None)
        return back(document_id)

    @app.get("/audit", response_class=HTMLResponse, include_in_schema=False)
    def audit_page(
        request: Request,
        document_id: int | None = Query(None, ge=1, le=MAX_ID),
        user: str = Query("", max_length=100),
    ) -> HTMLResponse:
        require(ctx, request, "read")
        if document_id is not None:
            require_document(ctx, request, document_id)
        entries = st.audit(document_id=document_id, department_id=visible_department(request), user=user or None)
        return ctx.page(request, "audit.html.j2", title="审计日志", entries=entries,
                        detail_names=DETAIL_NAMES, status_names={**STATUSES, **REVIEW_STATUSES})  # fmt: skip


__all__ = ["register"]

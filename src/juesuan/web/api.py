"""The JSON API under /api (documented at /docs and /redoc). Amounts are exact decimal strings."""

from __future__ import annotations

from typing import Any, Optional

from fastapi import FastAPI, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse

from . import api_models as M
from .auth import after_upload, current_user, require, require_document, visible_department
from .context import WebContext, http_error, valid_department_keys
from .pages import split_values
from .security import CSRF_COOKIE, csrf_token_valid, new_csrf_token
from .settings import MAX_ID, MAX_OFFSET
from .uploads import do_upload, upload_jobs_response
from .views import table_name
from ..store.versions import finding_fingerprint

DOCUMENT_ID = Path(ge=1, le=MAX_ID, description="文档编号")
FINGERPRINT = Path(pattern="^[0-9a-f]{16}$", description="发现的标识（fingerprint，16 位十六进制）")


def review_fields(fingerprint: str, r: Any) -> dict[str, Any]:
    """A finding's review decision as the API shows it (status open when none)."""
    return {
        "fingerprint": fingerprint,
        "status": r.status if r else "open",
        "comment": r.comment if r else None,
        "reply": r.reply if r else None,
        "reviewed_by": r.user_name if r else None,
        "reviewed_at": r.decided_at.isoformat() if r and r.decided_at else None,
        "carried_from": r.carried_from if r else None,
        "gone": bool(r and r.gone),
        "previous_status": getattr(r, "previous_status", None) if r else None,
    }
YEAR = Query(None, ge=1, le=9999, description="年度")


def register(app: FastAPI, ctx: WebContext) -> None:
    st = ctx.store

    @app.get("/api/documents", response_model=list[M.DocumentOut], tags=["documents"], summary="文档列表")
    def api_documents(
        request: Request,
        department: Optional[str] = Query(None, description="部门全称"),
        year: Optional[int] = YEAR,
        limit: int = Query(1000, ge=1, le=10000),
        offset: int = Query(0, ge=0, le=MAX_OFFSET),
    ) -> Any:
        require(ctx, request, "read")
        own = visible_department(request)  # a department user: its own documents only
        if own is not None:
            docs = st.documents(department=own, year=year, limit=limit, offset=offset)
            if department:
                docs = [d for d in docs if d.department == department]
            return [d.to_dict() for d in docs]
        return [d.to_dict() for d in st.documents(department=department, year=year, limit=limit, offset=offset)]

    @app.get("/api/documents/{document_id}", response_model=M.DocumentDetailOut, tags=["documents"], summary="一个文档")
    def api_document(request: Request, document_id: int = DOCUMENT_ID) -> Any:
        _, d = require_document(ctx, request, document_id)
        doc = st.load_document(document_id)
        out = d.to_dict()
        out["checks"] = st.checks(document_id)
        out["tables"] = [
            {"id": t.id, "name": table_name(t.id), "title": t.title, "number": t.number,
             "page": t.prov.page, "line": t.prov.line}
            for t in doc.tables
        ]  # fmt: skip
        return out

    @app.get(
        "/api/documents/{document_id}/facts",
        response_model=list[M.FactOut],
        tags=["documents"],
        summary="文档的数据单元格（facts）",
    )
    def api_facts(
        request: Request,
        document_id: int = DOCUMENT_ID,
        table: Optional[str] = Query(None, description="表 id，如 expenditure"),
        level: Optional[str] = Query(None, description="科目级次：类、款 或 项"),
        row_prefix: Optional[str] = Query(None, description="行键前缀，如 208"),
        column: Optional[str] = Query(None, description="列键，如 total"),
    ) -> Any:
        require_document(ctx, request, document_id)
        try:
            facts = st.facts(document_id, table=table or None, level=level or None,
                             row_prefix=row_prefix or None, column=column or None)  # fmt: skip
        except ValueError:
            raise http_error(400, f"未知的科目级次 {level!r}：请用 类、款 或 项。") from None
        return [f.to_dict() for f in facts]

    @app.get(
        "/api/documents/{document_id}/findings",
        response_model=list[M.FindingOut],
        tags=["documents"],
        summary="文档的检查发现",
    )
    def api_findings(
        request: Request,
        document_id: int = DOCUMENT_ID,
        severity: list[str] = Query(default=[], description="error / warning / info"),
        table: Optional[str] = Query(None, description="只看涉及此表的发现"),
        rules_version: Optional[str] = Query(None, description="规则版本（默认最近一次检查）"),
        all_versions: bool = Query(False, description="返回所有规则版本的发现"),
        gone: bool = Query(True, description="也列出上一版本有、本版本已没有的发现（gone=true，状态 fixed）"),
    ) -> Any:
        """Each finding with its ``fingerprint`` and review decision (``status``, ``comment``,
        ``reply``): its own, or carried from an earlier version of the same department-year-kind."""
        require_document(ctx, request, document_id)
        found = st.findings(document_id, rules_version=rules_version, all_versions=all_versions,
                            severity=severity or None, table=table or None)  # fmt: skip
        reviews = st.reviews(document_id)
        by_fp = {r.fingerprint: r for r in reviews}
        out = []
        for f in found:
            fp = finding_fingerprint(f)
            out.append({**f.to_dict(), **review_fields(fp, by_fp.get(fp))})
        if gone and rules_version is None and not all_versions:
            for r in reviews:
                if r.gone and (not severity or r.finding.severity in severity):
                    out.append({**r.finding.to_dict(), **review_fields(r.fingerprint, r)})
        return out

    @app.post(
        "/api/documents/{document_id}/findings/{fingerprint}/review",
        response_model=M.ReviewOut,
        tags=["review"],
        summary="审核决定：确认问题 / 非问题 / 已整改 / 待核",
        description="审核人或管理员。浏览器会话须带 X-CSRF-Token；令牌（Bearer）不需要。",
    )
    def api_review(
        request: Request, body: M.ReviewIn, document_id: int = DOCUMENT_ID, fingerprint: str = FINGERPRINT
    ) -> Any:
        user, _ = require_document(ctx, request, document_id, "review")
        try:
            st.review(document_id, fingerprint, body.status, body.comment, user=user)
        except KeyError:
            raise http_error(404, f"文档 {document_id} 没有标识为 {fingerprint} 的发现。") from None
        return st.review_map(document_id)[fingerprint].to_dict()

    @app.post(
        "/api/documents/{document_id}/findings/{fingerprint}/reply",
        response_model=M.ReviewOut,
        tags=["review"],
        summary="部门回复",
        description="部门用户（本部门文档）或管理员。",
    )
    def api_reply(
        request: Request, body: M.ReplyIn, document_id: int = DOCUMENT_ID, fingerprint: str = FINGERPRINT
    ) -> Any:
        user, _ = require_document(ctx, request, document_id, "reply")
        try:
            st.reply(document_id, fingerprint, body.reply, user=user)
        except KeyError:
            raise http_error(404, f"文档 {document_id} 没有标识为 {fingerprint} 的发现。") from None
        return st.review_map(document_id)[fingerprint].to_dict()

    @app.post(
        "/api/documents/{document_id}/status",
        response_model=M.DocumentStatusOut,
        tags=["review"],
        summary="文档状态：未审 / 审核中 / 退回整改 / 通过",
    )
    def api_status(request: Request, body: M.StatusIn, document_id: int = DOCUMENT_ID) -> Any:
        user, _ = require_document(ctx, request, document_id, "status")
        st.set_status(document_id, body.status, user=user, comment=body.comment)
        return {"document_id": document_id, "status": st.document_status(document_id)}

    @app.get(
        "/api/documents/{document_id}/versions",
        response_model=list[M.VersionOut],
        tags=["review"],
        summary="同一部门、年度、类型的各版本",
    )
    def api_versions(request: Request, document_id: int = DOCUMENT_ID) -> Any:
        require_document(ctx, request, document_id)
        return [v.to_dict() for v in st.versions(document_id)]

    @app.get("/api/audit", response_model=list[M.AuditOut], tags=["review"], summary="审计日志")
    def api_audit(
        request: Request,
        document_id: Optional[int] = Query(None, ge=1, le=MAX_ID),
        user: Optional[str] = Query(None, max_length=100, description="用户名"),
        action: Optional[str] = Query(None, max_length=40),
        limit: int = Query(200, ge=1, le=1000),
        offset: int = Query(0, ge=0, le=MAX_OFFSET),
    ) -> Any:
        """Uploads, decisions, replies and status changes, newest first. A department user sees
        those about its own department's documents only."""
        require(ctx, request, "read")
        if document_id is not None:
            require_document(ctx, request, document_id)
        entries = st.audit(document_id=document_id, department_id=visible_department(request),
                           user=user, action=action, limit=limit, offset=offset)  # fmt: skip
        return [e.to_dict() for e in entries]

    @app.get("/api/me", tags=["review"], summary="当前用户")
    def api_me(request: Request) -> Any:
        u = current_user(request)
        return {"user": None if u is None else u.to_dict()}

    @app.get("/api/departments", response_model=list[M.DepartmentOut], tags=["compare"], summary="部门列表")
    def api_departments(request: Request) -> Any:
        own = visible_department(request)  # a department user: its own department only
        return [d.to_dict() for d in st.departments() if own is None or d.id == own]

    @app.get("/api/compare", response_model=M.CompareOut, tags=["compare"], summary="部门比较")
    def api_compare(
        departments: list[str] = Query(..., description="部门全称或编号；可重复，或用逗号分隔"),
        year: Optional[int] = Query(None, ge=1, le=9999, description="年度（默认各部门最近年度）"),
    ) -> Any:
        wanted = valid_department_keys(split_values(departments))
        if not wanted:
            raise http_error(400, "请至少指定一个部门。")
        return st.compare(wanted, year).to_dict()

    @app.get("/api/csrf-token", tags=["documents"], summary="CSRF 令牌")
    def api_csrf_token(request: Request) -> Any:
        """For a client that sends no Origin/Referer (curl, scripts) and no bearer token: send this
        value as header ``X-CSRF-Token`` with ``POST /api/documents``. Another site cannot read it."""
        cookie = request.cookies.get(CSRF_COOKIE)
        token = cookie if csrf_token_valid(ctx.settings.secret, cookie) else new_csrf_token(ctx.settings.secret)
        return {"csrf_token": token, "header": "X-CSRF-Token"}

    @app.post(
        "/api/documents",
        response_model=M.IngestOut,
        tags=["documents"],
        summary="上传文档（排队读取和检查）",
        description="multipart/form-data，字段 file（可重复；也可是装有文档的 ZIP）。配置了 JUESUAN_TOKEN（非回环地址上必须配置）时需 "
        "Authorization: Bearer <JUESUAN_TOKEN>。没有 Origin/Referer 的请求须带令牌或 X-CSRF-Token。"
        "建立用户后（juesuan user add）须有登录会话或个人令牌（juesuan token create，Authorization: Bearer …），"
        "否则 401；部门用户只能上传本部门的文档（否则 403）。"
        "默认立即返回 202 和 {\"job\": …, \"jobs\": […], \"batch\": …}，用 GET /api/jobs/{id} 查看进度；"
        "?wait=1（一个文件）时等处理完成：返回文档（含 id），已存在（同一 SHA-256）时 200 和 status=exists，否则 201；"
        "无法读取时 400，超出读取限制时 422。",
        status_code=201,
    )
    def api_upload(
        request: Request,
        file: list[UploadFile] = File(...),
        token_field: Optional[str] = Form(None, alias="token"),
        csrf_field: Optional[str] = Form(None, alias="csrf_token"),
        wait: int = Query(0, ge=0, le=1, description="1：等读取和检查完成，返回文档（否则立即返回任务）"),
    ) -> Any:
        if not wait:  # queued: {"job": …} (and every job of a zip or several files)
            return upload_jobs_response(ctx, request, file, token_field, csrf_field)
        if len(file) != 1:
            raise http_error(400, "wait=1 时一次只能上传一个文件（ZIP 或多个文件请不带 wait，按任务查看）。")
        outcome = do_upload(ctx, request, file[0], token_field, csrf_field)
        after_upload(ctx, request, outcome.document_id, outcome.created)
        return JSONResponse({**outcome.to_dict(), "id": outcome.document_id}, status_code=201 if outcome.created else 200)


__all__ = ["register"]

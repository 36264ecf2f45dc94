"""The JSON API under /api (documented at /docs and /redoc). Amounts are exact decimal strings."""

from __future__ import annotations

from typing import Any, Optional

from fastapi import FastAPI, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse

from . import api_models as M
from .context import WebContext, http_error, valid_department_keys
from .pages import split_values
from .security import CSRF_COOKIE, csrf_token_valid, new_csrf_token
from .settings import MAX_ID, MAX_OFFSET
from .uploads import do_upload
from .views import table_name

DOCUMENT_ID = Path(ge=1, le=MAX_ID, description="文档编号")
YEAR = Query(None, ge=1, le=9999, description="年度")


def register(app: FastAPI, ctx: WebContext) -> None:
    st = ctx.store

    @app.get("/api/documents", response_model=list[M.DocumentOut], tags=["documents"], summary="文档列表")
    def api_documents(
        department: Optional[str] = Query(None, description="部门全称"),
        year: Optional[int] = YEAR,
        limit: int = Query(1000, ge=1, le=10000),
        offset: int = Query(0, ge=0, le=MAX_OFFSET),
    ) -> Any:
        return [d.to_dict() for d in st.documents(department=department, year=year, limit=limit, offset=offset)]

    @app.get("/api/documents/{document_id}", response_model=M.DocumentDetailOut, tags=["documents"], summary="一个文档")
    def api_document(document_id: int = DOCUMENT_ID) -> Any:
        d = ctx.document_or_404(document_id)
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
        document_id: int = DOCUMENT_ID,
        table: Optional[str] = Query(None, description="表 id，如 expenditure"),
        level: Optional[str] = Query(None, description="科目级次：类、款 或 项"),
        row_prefix: Optional[str] = Query(None, description="行键前缀，如 208"),
        column: Optional[str] = Query(None, description="列键，如 total"),
    ) -> Any:
        ctx.document_or_404(document_id)
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
        document_id: int = DOCUMENT_ID,
        severity: list[str] = Query(default=[], description="error / warning / info"),
        table: Optional[str] = Query(None, description="只看涉及此表的发现"),
        rules_version: Optional[str] = Query(None, description="规则版本（默认最近一次检查）"),
        all_versions: bool = Query(False, description="返回所有规则版本的发现"),
    ) -> Any:
        ctx.document_or_404(document_id)
        found = st.findings(document_id, rules_version=rules_version, all_versions=all_versions,
                            severity=severity or None, table=table or None)  # fmt: skip
        return [f.to_dict() for f in found]

    @app.get("/api/departments", response_model=list[M.DepartmentOut], tags=["compare"], summary="部门列表")
    def api_departments() -> Any:
        return [d.to_dict() for d in st.departments()]

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
        summary="上传并检查一个文档",
        description="multipart/form-data，字段 file。配置了 JUESUAN_TOKEN（非回环地址上必须配置）时需 "
        "Authorization: Bearer <JUESUAN_TOKEN>。没有 Origin/Referer 的请求须带令牌或 X-CSRF-Token。"
        "已存在（同一 SHA-256）时返回 200 和 status=exists，否则 201；超出读取限制时 422。",
        status_code=201,
    )
    def api_upload(
        request: Request,
        file: UploadFile = File(...),
        token_field: Optional[str] = Form(None, alias="token"),
        csrf_field: Optional[str] = Form(None, alias="csrf_token"),
    ) -> Any:
        outcome = do_upload(ctx, request, file, token_field, csrf_field)
        return JSONResponse(outcome.to_dict(), status_code=201 if outcome.created else 200)


__all__ = ["register"]

"""The web app: upload, document view, department view, comparison, downloads, JSON API.

Server-rendered with Jinja2 (autoescape on), ECharts served from /static, no CDN for the app's
pages. Safety:

* every text from a document is escaped (autoescape; JSON for charts goes through ``tojson``);
* uploads are stored as ``<sha256>.<suffix>`` under the upload directory, the suffix taken from a
  fixed list; the user's file name is only ever stored as text;
* upload size (default 50 MB) and page (default 500) limits; a body over the size limit is cut off
  while it is received;
* when the server is bound to anything but loopback (or a token is given), the write endpoints
  need the token: header ``Authorization: Bearer <token>`` or form field ``token``;
* cross-site form posts are refused (Origin must match Host), and on loopback the Host header
  must name the loopback (no DNS rebinding);
* a Content-Security-Policy allows only the app's own scripts.
"""

from __future__ import annotations

import hmac
import io
import ipaddress
import os
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, File, Form, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..ingest.errors import InputError
from ..store import Store, open_store
from . import api_models as M
from .views import (
    SEVERITIES,
    build_grids,
    finding_views,
    metric_rows,
    severity_name,
    table_name,
)

STATIC = Path(__file__).resolve().parent / "static"
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_PAGES = 500

# Accepted upload suffixes → the suffix the stored file gets (fixed strings only).
SUFFIXES: dict[str, str] = {
    ".pdf": ".pdf",
    ".docx": ".docx",
    ".xlsx": ".xlsx",
    ".xls": ".xls",
    ".txt": ".txt",
    ".text": ".txt",
    ".md": ".md",
}
_MAGIC: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    # an OLE2 compound file (the reader checks it holds a workbook), or an .xlsx saved as .xls
    ".xls": (b"\xd0\xcf\x11\xe0", b"PK\x03\x04"),
}

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)

ERROR_TITLES = {
    400: "请求有误",
    401: "需要令牌",
    403: "禁止访问",
    404: "未找到",
    405: "不支持的请求方法",
    413: "文件过大",
    415: "不支持的文件类型",
    500: "服务器内部错误",
}


def is_loopback(host: str) -> bool:
    h = host.strip("[]")
    if h == "localhost":
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


class _TooLarge(Exception):
    pass


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes (413), by Content-Length or while receiving."""

    def __init__(self, app: Any, limit: int, render_error: Any) -> None:
        self.app, self.limit, self.render_error = app, limit, render_error

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await self._reject(scope, receive, send)
            return
        seen = 0
        started = False

        async def counting_receive() -> dict:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge()
            return message

        async def tracking_send(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._reject(scope, receive, send)

    async def _reject(self, scope: dict, receive: Any, send: Any) -> None:
        mb = self.limit / (1024 * 1024)
        response = self.render_error(scope.get("path", ""), 413, f"上传的文件超过 {mb:g} MB 的上限。")
        response.headers["Connection"] = "close"
        await response(scope, receive, send)


def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("juesuan.web", "templates"),
        autoescape=True,  # every template is HTML
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        version=__version__,
        severity_name=severity_name,
        table_name=table_name,
        SEVERITIES=SEVERITIES,
    )
    return env


def _clean_name(name: str | None) -> str:
    """The user's file name as display text only: last path part, no control characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return base[:200] or "upload"


def _content_disposition(ascii_name: str, name: str) -> str:
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def create_app(
    store_url: str | None = None,
    token: str | None = None,
    *,
    host: str = "127.0.0.1",
    upload_dir: str | os.PathLike[str] | None = None,
    max_upload_bytes: int = MAX_UPLOAD_BYTES,
    max_pages: int = MAX_PAGES,
    store: Store | None = None,
) -> FastAPI:
    """The FastAPI app over the store at ``store_url`` (default ``$JUESUAN_DB`` / sqlite:///juesuan.db).

    ``host`` is the address the server binds to: on anything but loopback the write endpoints
    need ``token`` (default ``$JUESUAN_TOKEN``); a token given explicitly is required everywhere.
    Uploaded files are kept as ``<sha256>.<suffix>`` in ``upload_dir`` (default
    ``$JUESUAN_UPLOADS`` or ``juesuan-uploads`` beside the working directory).
    """
    st = store if store is not None else open_store(store_url)
    loopback = is_loopback(host)
    require_token = token is not None or not loopback
    if token is None and require_token:
        token = os.environ.get("JUESUAN_TOKEN") or None
    uploads = Path(upload_dir or os.environ.get("JUESUAN_UPLOADS") or "juesuan-uploads").resolve()
    env = _env()

    app = FastAPI(
        title="juesuan",
        version=__version__,
        description=(
            "部门决算公开：读取、检查与比较。JSON API 的金额均为精确的十进制字符串（万元）。\n\n"
            "Department final-accounts disclosures: stored documents, facts, findings, comparison."
        ),
        openapi_tags=[
            {"name": "documents", "description": "文档、数据单元格（facts）与检查发现"},
            {"name": "compare", "description": "部门之间的比较"},
        ],
    )
    app.state.store = st
    app.state.uploads = uploads
    app.state.require_token = require_token
    app.state.max_upload_bytes = max_upload_bytes
    app.state.max_pages = max_pages

    # ------------------------------------------------------------------ rendering helpers

    def page(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        ctx.setdefault("title", "")
        html = env.get_template(name).render(request=request, path=request.url.path, **ctx)
        return HTMLResponse(html, status_code=status)

    def error_response(path: str, status: int, message: str) -> Response:
        if path.startswith("/api/"):
            return JSONResponse({"detail": message}, status_code=status)
        html = env.get_template("error.html.j2").render(
            path=path,
            title=ERROR_TITLES.get(status, "出错了"),
            status=status,
            heading=ERROR_TITLES.get(status, "出错了"),
            message=message,
        )
        return HTMLResponse(html, status_code=status)

    app.state.error_response = error_response

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else None
        messages = {
            404: "找不到这个页面或记录。",
            405: "此地址不支持该请求方法。",
        }
        msg = detail if detail and detail not in ("Not Found", "Method Not Allowed") else None
        resp = error_response(request.url.path, exc.status_code, msg or messages.get(exc.status_code, "请求无法完成。"))
        if exc.headers:
            resp.headers.update(exc.headers)
        return resp

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for e in exc.errors():
            loc = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "path", "body"))
            parts.append(f"参数 {loc or '?'} 无效")
        return error_response(request.url.path, 400, "；".join(parts) or "请求参数无效。")

    @app.exception_handler(Exception)
    async def _internal_error(request: Request, exc: Exception) -> Response:  # pragma: no cover
        return error_response(request.url.path, 500, f"处理请求时出错（{type(exc).__name__}）。")

    def http_error(status: int, message: str) -> StarletteHTTPException:
        return StarletteHTTPException(status_code=status, detail=message)

    # ------------------------------------------------------------------ middleware

    allowed_hosts = {"127.0.0.1", "localhost", "::1", "testserver"}

    @app.middleware("http")
    async def _headers_and_origin(request: Request, call_next: Any) -> Response:
        if loopback:  # a loopback server answers only to loopback names (no DNS rebinding)
            try:
                hostname = urlsplit("//" + request.headers.get("host", "")).hostname
            except ValueError:
                hostname = None
            if hostname not in allowed_hosts:
                return error_response(request.url.path, 400, "无效的 Host 请求头。")
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            origin = request.headers.get("origin")
            if origin and origin != "null":
                if urlsplit(origin).netloc.lower() != request.headers.get("host", "").lower():
                    return error_response(request.url.path, 403, "拒绝跨站提交（Origin 与 Host 不符）。")
            elif origin == "null":
                return error_response(request.url.path, 403, "拒绝跨站提交。")
        response: Response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not request.url.path.startswith(("/docs", "/redoc")):
            response.headers.setdefault("Content-Security-Policy", CSP)
            response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    app.add_middleware(BodyLimit, limit=max_upload_bytes, render_error=error_response)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    # ------------------------------------------------------------------ auth

    def check_token(request: Request, form_token: str | None) -> None:
        if not require_token:
            return
        if not token:
            raise http_error(403, "服务器未设置 JUESUAN_TOKEN，不接受写入。")
        given = form_token or ""
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            given = auth[7:].strip()
        if not given or not hmac.compare_digest(given.encode(), token.encode()):
            raise StarletteHTTPException(
                401, "需要有效的令牌（Authorization: Bearer … 或表单字段 token）。",
                headers={"WWW-Authenticate": "Bearer"},
            )

    # ------------------------------------------------------------------ upload

    def _save_upload(file: UploadFile) -> tuple[Path, str, str]:
        """Copy the upload to the upload dir as <sha256><suffix>; returns (path, sha, shown name)."""
        import hashlib

        shown = _clean_name(file.filename)
        suffix = SUFFIXES.get(Path(shown).suffix.lower())
        if suffix is None:
            raise http_error(415, "只接受 PDF、DOCX、XLSX、XLS 或文本（.txt/.md）文件。")
        uploads.mkdir(parents=True, exist_ok=True)
        h = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=uploads, prefix=".upload-", suffix=".part")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                head = b""
                while chunk := file.file.read(1024 * 1024):
                    if not head:
                        head = chunk[:8]
                    size += len(chunk)
                    if size > max_upload_bytes:
                        raise http_error(413, f"上传的文件超过 {max_upload_bytes / 1048576:g} MB 的上限。")
                    h.update(chunk)
                    out.write(chunk)
            if size == 0:
                raise http_error(400, "上传的文件是空的。")
            magic = _MAGIC.get(suffix)
            if magic and not head.startswith(magic):
                raise http_error(400, f"文件内容与扩展名 {suffix} 不符。")
            sha = h.hexdigest()
            final = uploads / f"{sha}{suffix}"
            os.replace(tmp, final)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return final, sha, shown

    def _pdf_pages(path: Path) -> int | None:
        try:
            import pypdfium2 as pdfium
        except ImportError:  # pragma: no cover
            return None
        try:
            pdf = pdfium.PdfDocument(str(path))
        except Exception:
            raise http_error(400, "PDF 文件无法打开（已损坏或加密）。") from None
        try:
            return len(pdf)
        finally:
            pdf.close()

    def do_upload(request: Request, file: UploadFile, form_token: str | None):  # type: ignore[no-untyped-def]
        check_token(request, form_token)
        path, sha, shown = _save_upload(file)
        existing = st.document_id_by_sha(sha)
        if existing is not None:
            return st.ingest_path(path, file_name=shown)  # "exists", nothing is read again
        try:
            if path.suffix == ".pdf":
                pages = _pdf_pages(path)
                if pages is not None and pages > max_pages:
                    raise http_error(413, f"PDF 共 {pages} 页，超过 {max_pages} 页的上限。")
            return st.ingest_path(path, file_name=shown, max_pages=max_pages)
        except InputError as exc:
            path.unlink(missing_ok=True)
            # the reader names the stored file; show the user's name instead
            raise http_error(400, f"无法读取「{shown}」：{str(exc).replace(path.name, '').lstrip(': ')}") from None
        except BaseException:
            if st.document_id_by_sha(sha) is None:
                path.unlink(missing_ok=True)
            raise

    # ------------------------------------------------------------------ pages

    def _doc_or_404(document_id: int):  # type: ignore[no-untyped-def]
        d = st.document(document_id)
        if d is None:
            raise http_error(404, f"没有编号为 {document_id} 的文档。")
        return d

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request, offset: int = Query(0, ge=0)) -> HTMLResponse:
        limit = 100
        docs = st.documents(limit=limit, offset=offset)
        total = st.count_documents()
        return page(
            request,
            "index.html.j2",
            docs=docs,
            total=total,
            offset=offset,
            limit=limit,
            require_token=require_token,
            max_mb=max_upload_bytes / 1048576,
            max_pages=max_pages,
        )

    @app.post("/upload", include_in_schema=False)
    def upload_form(
        request: Request,
        file: UploadFile = File(...),
        token_field: Optional[str] = Form(None, alias="token"),
    ) -> Response:
        outcome = do_upload(request, file, token_field)
        url = f"/documents/{outcome.document_id}"
        if outcome.status == "exists":
            url += "?existing=1"
        return RedirectResponse(url, status_code=303)

    @app.get("/documents/{document_id}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(
        request: Request,
        document_id: int,
        severity: list[str] = Query(default=[]),
        table: str = "",
        version: str = "",
        existing: int = 0,
    ) -> HTMLResponse:
        d = _doc_or_404(document_id)
        checks = st.checks(document_id)
        versions = [c["rules_version"] for c in checks]
        chosen = version if version in versions else (d.rules_version or "")
        doc = st.load_document(document_id)
        stored = st.findings(document_id, rules_version=chosen) if chosen else []
        all_findings = [f.to_finding() for f in stored]
        order = {s: i for i, s in enumerate(SEVERITIES)}
        all_findings.sort(key=lambda f: order.get(f.severity, 9))
        counts = {s: sum(1 for f in all_findings if f.severity == s) for s in SEVERITIES}
        wanted = [s for s in severity if s in SEVERITIES] or list(SEVERITIES)
        shown = [
            f
            for f in all_findings
            if f.severity in wanted
            and (not table or table in f.tables or any(c.table == table for c in f.cells))
        ]
        grids = build_grids(doc, shown)
        views = finding_views(doc, shown, grids)
        finding_tables = list(dict.fromkeys(t for f in all_findings for t in f.tables))
        projects: dict[str, set[str]] = {}
        for f in doc.facts:
            if f.project:
                projects.setdefault(f.table, set()).add(f.project)
        project_facts = sum(1 for f in doc.facts if f.project)
        return page(
            request,
            "document.html.j2",
            title=f"{d.department or '文档'} {d.year or ''}",
            d=d,
            doc=doc,
            checks=checks,
            chosen_version=chosen,
            counts=counts,
            wanted=wanted,
            table_filter=table,
            finding_tables=finding_tables,
            findings=views,
            total_findings=len(all_findings),
            grids=grids,
            existing=bool(existing),
            project_tables=sorted((t, len(ps)) for t, ps in projects.items()),
            project_facts=project_facts,
        )

    @app.get("/departments", response_class=HTMLResponse, include_in_schema=False)
    def departments_page(request: Request) -> HTMLResponse:
        return page(request, "departments.html.j2", title="部门", departments=st.departments())

    @app.get("/departments/{department_id}", response_class=HTMLResponse, include_in_schema=False)
    def department_page(request: Request, department_id: int) -> HTMLResponse:
        info = st.department(department_id)
        if info is None:
            raise http_error(404, f"没有编号为 {department_id} 的部门。")
        figs = st.department_years(department_id)
        return page(
            request,
            "department.html.j2",
            title=info.name,
            info=info,
            figs=figs,
            rows=metric_rows(figs, changes=True),
        )

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare_page(
        request: Request,
        departments: list[str] = Query(default=[]),
        year: Optional[str] = None,
    ) -> HTMLResponse:
        year_n = int(year) if year and year.isdigit() else None
        wanted = _split(departments)
        all_deps = st.departments()
        result = st.compare(wanted, year_n) if wanted else None
        chart: dict[str, Any] = {}
        if result is not None and result.rows:
            chart = {
                "departments": [r.department or f"#{r.document_id}" for r in result.rows],
                "basic": [_num(r.basic) for r in result.rows],
                "project": [_num(r.project) for r in result.rows],
                "treemap": [
                    {
                        "name": r.department or f"#{r.document_id}",
                        "children": [
                            {"name": f"{fa.code} {fa.name}", "value": _num(fa.amount)}
                            for fa in r.by_function
                            if fa.amount > 0
                        ],
                    }
                    for r in result.rows
                ],
            }
        return page(
            request,
            "compare.html.j2",
            title="部门比较",
            all_departments=all_deps[:1000],
            more_departments=max(0, len(all_deps) - 1000),
            selected=set(wanted),
            years=st.years(),
            year=year_n,
            result=result,
            rows=metric_rows(result.rows, changes=False) if result else [],
            chart=chart,
        )

    @app.get("/downloads", response_class=HTMLResponse, include_in_schema=False)
    def downloads_page(request: Request, offset: int = Query(0, ge=0)) -> HTMLResponse:
        limit = 200
        return page(
            request,
            "downloads.html.j2",
            title="下载",
            docs=st.documents(limit=limit, offset=offset),
            total=st.count_documents(),
            offset=offset,
            limit=limit,
        )

    # ------------------------------------------------------------------ downloads

    _REPORT_TYPES = {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "html": "text/html; charset=utf-8",
    }

    def _report(document_id: int, fmt: str) -> Response:
        d = _doc_or_404(document_id)
        from ..report import render

        data = render(st.load_result(document_id), fmt)
        name = f"{d.department or 'document'}-{d.year or ''}-检查报告.{fmt}"
        return Response(
            data,
            media_type=_REPORT_TYPES[fmt],
            headers={"Content-Disposition": _content_disposition(f"juesuan-report-{document_id}.{fmt}", name)},
        )

    @app.get("/documents/{document_id}/report.xlsx", include_in_schema=False)
    def report_xlsx(document_id: int) -> Response:
        return _report(document_id, "xlsx")

    @app.get("/documents/{document_id}/report.html", include_in_schema=False)
    def report_html(document_id: int) -> Response:
        return _report(document_id, "html")

    @app.get("/documents/{document_id}/facts.csv", include_in_schema=False)
    def facts_csv(document_id: int) -> Response:
        d = _doc_or_404(document_id)
        from ..export import FACT_FIELDS, csv_bytes

        data = csv_bytes(st.iter_fact_rows(document_id), FACT_FIELDS)
        name = f"{d.department or 'document'}-{d.year or ''}-facts.csv"
        return Response(
            data,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": _content_disposition(f"juesuan-facts-{document_id}.csv", name)},
        )

    @app.get("/exports/{what}.csv", include_in_schema=False)
    def export_all(what: str) -> Response:
        """Every document's facts (or latest findings) as one CSV, streamed."""
        import csv

        from ..export import FACT_FIELDS, FINDING_FIELDS, text_cell

        if what not in ("facts", "findings"):
            raise http_error(404, "只能导出 facts 或 findings。")
        fields = FACT_FIELDS if what == "facts" else FINDING_FIELDS

        def stream():  # type: ignore[no-untyped-def]
            rows = st.iter_fact_rows() if what == "facts" else st.iter_finding_rows()
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\r\n")
            buf.write("\ufeff")
            w.writerow([f.name for f in fields])
            for i, r in enumerate(rows, start=1):
                w.writerow([text_cell(f.name, r.get(f.name)) for f in fields])
                if i % 5000 == 0:
                    yield buf.getvalue().encode("utf-8")
                    buf.seek(0)
                    buf.truncate()
            yield buf.getvalue().encode("utf-8")

        return StreamingResponse(
            stream(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": _content_disposition(f"juesuan-{what}.csv", f"juesuan-{what}.csv")},
        )

    # ------------------------------------------------------------------ JSON API

    @app.get("/api/documents", response_model=list[M.DocumentOut], tags=["documents"], summary="文档列表")
    def api_documents(
        department: Optional[str] = Query(None, description="部门全称"),
        year: Optional[int] = Query(None, description="年度"),
        limit: int = Query(1000, ge=1, le=10000),
        offset: int = Query(0, ge=0),
    ) -> Any:
        return [d.to_dict() for d in st.documents(department=department, year=year, limit=limit, offset=offset)]

    @app.get("/api/documents/{document_id}", response_model=M.DocumentDetailOut, tags=["documents"], summary="一个文档")
    def api_document(document_id: int) -> Any:
        d = _doc_or_404(document_id)
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
        document_id: int,
        table: Optional[str] = Query(None, description="表 id，如 expenditure"),
        level: Optional[str] = Query(None, description="科目级次：类、款 或 项"),
        row_prefix: Optional[str] = Query(None, description="行键前缀，如 208"),
        column: Optional[str] = Query(None, description="列键，如 total"),
    ) -> Any:
        _doc_or_404(document_id)
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
        document_id: int,
        severity: list[str] = Query(default=[], description="error / warning / info"),
        table: Optional[str] = Query(None, description="只看涉及此表的发现"),
        rules_version: Optional[str] = Query(None, description="规则版本（默认最近一次检查）"),
        all_versions: bool = Query(False, description="返回所有规则版本的发现"),
    ) -> Any:
        _doc_or_404(document_id)
        found = st.findings(document_id, rules_version=rules_version, all_versions=all_versions,
                            severity=severity or None, table=table or None)  # fmt: skip
        return [f.to_dict() for f in found]

    @app.get("/api/departments", response_model=list[M.DepartmentOut], tags=["compare"], summary="部门列表")
    def api_departments() -> Any:
        return [d.to_dict() for d in st.departments()]

    @app.get("/api/compare", response_model=M.CompareOut, tags=["compare"], summary="部门比较")
    def api_compare(
        departments: list[str] = Query(..., description="部门全称或编号；可重复，或用逗号分隔"),
        year: Optional[int] = Query(None, description="年度（默认各部门最近年度）"),
    ) -> Any:
        wanted = _split(departments)
        if not wanted:
            raise http_error(400, "请至少指定一个部门。")
        return st.compare(wanted, year).to_dict()

    @app.post(
        "/api/documents",
        response_model=M.IngestOut,
        tags=["documents"],
        summary="上传并检查一个文档",
        description="multipart/form-data，字段 file；非回环地址上需 Authorization: Bearer <JUESUAN_TOKEN>。"
        "已存在（同一 SHA-256）时返回 200 和 status=exists，否则 201。",
        status_code=201,
    )
    def api_upload(
        request: Request,
        file: UploadFile = File(...),
        token_field: Optional[str] = Form(None, alias="token"),
    ) -> Any:
        outcome = do_upload(request, file, token_field)
        return JSONResponse(outcome.to_dict(), status_code=201 if outcome.created else 200)

    return app


def _split(values: list[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        for part in re.split(r"[,，]", v):
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return out


def _num(v: Any) -> Any:
    """A Decimal for a chart (JSON number); charts are display only."""
    return None if v is None else float(v)


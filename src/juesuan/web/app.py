"""The web app: upload, document view, department view, comparison, downloads, JSON API, /docs.

Server-rendered with Jinja2 (autoescape on); ECharts, Swagger UI and ReDoc are served from
/static (vendored, see ``static/VENDORED.md``), so nothing loads from another origin. The app is
put together here from its parts:

* :mod:`.pages` — the HTML pages; :mod:`.api` — the JSON API; :mod:`.downloads` — reports and
  CSV; :mod:`.docs` — /docs and /redoc;
* :mod:`.uploads` and :mod:`.worker` — an upload is stored as ``<sha256>.<suffix>`` and read and
  checked in a child process with a memory cap and a time limit (no upload can grow the server);
* :mod:`.security` — security headers on every response, Host and cross-site checks, CSRF
  tokens, the body-size cap, the client address (proxy headers only from
  ``forwarded_allow_ips``);
* :mod:`.settings` — the limits and options (:class:`~.settings.WebSettings`).

The token rule: when a token is configured (argument or ``$JUESUAN_TOKEN``) every write needs it,
loopback included; a server bound to anything but loopback refuses writes without one; a loopback
server without a token accepts writes only from loopback clients (not through an untrusted proxy).
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..store import Store, open_store
from . import api, auth, docs, downloads, jobs, page_images, pages, review_forms
from .context import WebContext, log, template_env
from .security import BodyLimit, SecurityMiddleware, is_loopback
from .settings import MIB, WebSettings, parse_networks

STATIC = Path(__file__).resolve().parent / "static"
MAX_UPLOAD_BYTES = WebSettings.max_upload_bytes
MAX_PAGES = WebSettings.max_pages

NOT_FOUND_TEXT = {404: "找不到这个页面或记录。", 405: "此地址不支持该请求方法。"}


def create_app(
    store_url: str | None = None,
    token: str | None = None,
    *,
    host: str = "127.0.0.1",
    upload_dir: str | os.PathLike[str] | None = None,
    max_upload_bytes: int | None = None,
    max_pages: int | None = None,
    worker_memory_mb: int | None = None,
    worker_seconds: float | None = None,
    forwarded_allow_ips: str | list[str] | tuple[str, ...] | None = None,
    settings: WebSettings | None = None,
    store: Store | None = None,
) -> FastAPI:
    """The FastAPI app over the store at ``store_url`` (default ``$JUESUAN_DB`` / sqlite:///juesuan.db).

    ``host`` is the address the server binds to. ``token`` defaults to ``$JUESUAN_TOKEN``.
    Uploaded files are kept as ``<sha256>.<suffix>`` in ``upload_dir`` (default
    ``$JUESUAN_UPLOADS`` or ``juesuan-uploads`` beside the working directory). The other keyword
    arguments override :class:`WebSettings` (defaults from the environment).
    """
    s = settings if settings is not None else WebSettings.from_env()
    changes: dict[str, Any] = {}
    if max_upload_bytes is not None:
        changes["max_upload_bytes"] = max_upload_bytes
    if max_pages is not None:
        changes["max_pages"] = max_pages
    if worker_memory_mb is not None:
        changes["worker_memory_bytes"] = int(worker_memory_mb * MIB)
    if worker_seconds is not None:
        changes["worker_seconds"] = float(worker_seconds)
    if forwarded_allow_ips is not None:
        changes["forwarded_allow_ips"] = parse_networks(forwarded_allow_ips)
    if changes:
        s = dataclasses.replace(s, **changes)

    st = store if store is not None else open_store(store_url)
    if token is None:
        token = os.environ.get("JUESUAN_TOKEN") or None
    uploads = Path(upload_dir or os.environ.get("JUESUAN_UPLOADS") or "juesuan-uploads").resolve()
    ctx = WebContext(store=st, settings=s, uploads=uploads, token=token, loopback=is_loopback(host), env=template_env())

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
        docs_url=None,  # served by .docs from vendored files
        redoc_url=None,
    )
    app.state.context = ctx
    app.state.store = st
    app.state.uploads = uploads
    app.state.settings = s
    app.state.require_token = ctx.require_token
    app.state.error_response = ctx.error_response

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else None
        msg = detail if detail and detail not in ("Not Found", "Method Not Allowed") else None
        text = msg or NOT_FOUND_TEXT.get(exc.status_code, "请求无法完成。")
        resp = ctx.error_response(request.url.path, exc.status_code, text)
        if exc.headers:
            resp.headers.update(exc.headers)
        return resp

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for e in exc.errors():
            loc = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "path", "body"))
            parts.append(f"参数 {loc or '?'} 无效")
        return ctx.error_response(request.url.path, 422, "；".join(dict.fromkeys(parts)) or "请求参数无效。")

    @app.exception_handler(Exception)
    async def _internal_error(request: Request, exc: Exception) -> Response:
        log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
        return ctx.error_response(request.url.path, 500, "处理请求时出现内部错误，已记录在服务器日志中。")

    # the body cap inside, the security middleware outside it (so a 413 carries the headers too)
    app.add_middleware(auth.AuthMiddleware, ctx=ctx)  # users and sessions, innermost (see .auth)
    app.add_middleware(BodyLimit, limit=s.max_upload_bytes, render_error=ctx.error_response)
    app.add_middleware(SecurityMiddleware, settings=s, loopback=ctx.loopback, render_error=ctx.error_response)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    pages.register(app, ctx)
    downloads.register(app, ctx)
    page_images.register(app, ctx)
    api.register(app, ctx)
    jobs.register(app, ctx)  # the upload queue: /jobs, /api/jobs; starts the worker pool
    auth.register(app, ctx)
    review_forms.register(app, ctx)
    docs.register(app)
    return app


__all__ = ["create_app", "is_loopback"]

"""What every route of the web app shares: the store, the settings, templates, errors, write checks."""

from __future__ import annotations

import dataclasses
import hmac
import ipaddress
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..store import Store
from .security import (
    CSRF_COOKIE,
    add_security_headers,
    client_address,
    csrf_token_valid,
    is_loopback,
    new_csrf_token,
)
from .settings import MAX_ID, WebSettings
from .views import SEVERITIES, severity_name, table_name

log = logging.getLogger("juesuan.web")

ERROR_TITLES = {
    400: "请求有误",
    401: "需要令牌",
    403: "禁止访问",
    404: "未找到",
    405: "不支持的请求方法",
    413: "文件过大",
    415: "不支持的文件类型",
    422: "无法处理",
    500: "服务器内部错误",
    503: "服务器正忙",
}


def template_env() -> Environment:
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


def http_error(status: int, message: str, headers: dict[str, str] | None = None) -> StarletteHTTPException:
    return StarletteHTTPException(status_code=status, detail=message, headers=headers)


@dataclass
class WebContext:
    store: Store
    settings: WebSettings
    uploads: Path
    token: str | None
    loopback: bool
    env: Environment
    reading_slots: threading.BoundedSemaphore = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        # at most max_workers reading processes at once: the memory cap times this bounds the total
        self.reading_slots = threading.BoundedSemaphore(max(1, self.settings.max_workers))

    @property
    def require_token(self) -> bool:
        """Writes need the token: whenever one is configured, and always off loopback."""
        return bool(self.token) or not self.loopback

    # ------------------------------------------------------------------ rendering

    def page(self, request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        ctx.setdefault("title", "")
        cookie = request.cookies.get(CSRF_COOKIE)
        token = cookie if csrf_token_valid(self.settings.secret, cookie) else new_csrf_token(self.settings.secret)
        html = self.env.get_template(name).render(request=request, path=request.url.path, csrf_token=token, **ctx)
        response = HTMLResponse(html, status_code=status)
        if token != cookie:
            response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", path="/")
        return response

    def has_template(self, name: str) -> bool:
        """Whether the app has the template ``name`` (optional partials other parts supply)."""
        from jinja2 import TemplateNotFound

        try:
            self.env.get_template(name)
        except TemplateNotFound:
            return False
        return True

    def error_response(self, path: str, status: int, message: str) -> Response:
        response: Response
        if path.startswith("/api/"):
            response = JSONResponse({"detail": message}, status_code=status)
        else:
            html = self.env.get_template("error.html.j2").render(
                path=path,
                title=ERROR_TITLES.get(status, "出错了"),
                status=status,
                heading=ERROR_TITLES.get(status, "出错了"),
                message=message,
                csrf_token="",
            )
            response = HTMLResponse(html, status_code=status)
        add_security_headers(response.headers)
        return response

    # ------------------------------------------------------------------ records

    def document_or_404(self, document_id: int):  # type: ignore[no-untyped-def]
        d = self.store.document(document_id)
        if d is None:
            raise http_error(404, f"没有编号为 {document_id} 的文档。")
        return d

    # ------------------------------------------------------------------ writes

    def check_write(self, request: Request, form_token: str | None, form_csrf: str | None) -> None:
        """The token rule, then the CSRF rule (for a POST that named neither Origin nor Referer).
        Once the store has users: a signed-in user allowed to upload instead (:mod:`.auth`)."""
        from .auth import require_user, users_mode

        if users_mode(self):
            require_user(self, request, "upload", form_csrf=form_csrf)
            return
        bearer = self._bearer(request)
        if self.require_token:
            if not self.token:
                raise http_error(403, "服务器未设置 JUESUAN_TOKEN，不接受写入。")
            given = bearer or form_token or ""
            if not given or not hmac.compare_digest(given.encode(), self.token.encode()):
                raise http_error(
                    401,
                    "需要有效的令牌（Authorization: Bearer … 或表单字段 token）。",
                    headers={"WWW-Authenticate": "Bearer"},
                )
        else:
            address, known = client_address(request.scope, self.settings)
            if not known or not is_local_client(address):
                raise http_error(
                    403,
                    "此请求经代理转发或来自其他主机：请设置 JUESUAN_TOKEN 后携带令牌写入"
                    "（可信代理用 --forwarded-allow-ips 指定）。",
                )
        state = request.scope.get("state") or {}
        if state.get("csrf_required"):
            bearer_ok = bool(self.token and bearer and hmac.compare_digest(bearer.encode(), self.token.encode()))
            header = request.headers.get("x-csrf-token")
            cookie = request.cookies.get(CSRF_COOKIE)
            form_ok = bool(form_csrf and cookie and hmac.compare_digest(form_csrf, cookie))
            secret = self.settings.secret
            if not (
                bearer_ok
                or (header and csrf_token_valid(secret, header))
                or (form_ok and csrf_token_valid(secret, form_csrf))
            ):
                raise http_error(403, ("拒绝提交：请求没有 Origin/Referer，也没有有效的 CSRF 令牌。请从本站页面提交；脚本请带 "
                     "Authorization: Bearer 令牌，或先取 /api/csrf-token 再带 X-CSRF-Token 请求头。"))

    @staticmethod
    def _bearer(request: Request) -> str:
        auth = request.headers.get("authorization", "")
        return auth[7:].strip() if auth.lower().startswith("bearer ") else ""


def is_local_client(address: str | None) -> bool:
    """A loopback address, or no network address at all (a Unix socket; Starlette's test client)."""
    if not address:
        return True
    try:
        ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return address == "localhost" or address == "testclient"
    return is_loopback(address)


def valid_department_keys(values: list[str]) -> list[str]:
    """Department names or ids as given; an id must be a plain positive 64-bit integer (else 422)."""
    for v in values:
        if v.isdigit() and not (v.isascii() and len(v) <= 10 and 1 <= int(v) <= MAX_ID):
            raise http_error(422, f"部门编号 {v[:30]} 无效：须为 1 到 {MAX_ID} 之间的整数。")
    return values


__all__ = ["ERROR_TITLES", "WebContext", "http_error", "template_env", "valid_department_keys"]

"""Who is asking: users, browser sessions, API tokens, roles and CSRF for the web workbench.

Two modes:

* **open mode** — the store has no users: everything works as before (the JUESUAN_TOKEN rule of
  :meth:`.context.WebContext.check_write`; a loopback server without a token accepts writes from
  loopback clients);
* **users mode** — once any user exists (``juesuan user add …``): every page and API call needs a
  signed-in user — a browser session (cookie ``juesuan_session``, random id, HttpOnly,
  SameSite=Lax, only its sha256 stored) or ``Authorization: Bearer <personal token>``
  (``juesuan token create NAME``). Without one, a page GET is sent to ``/login`` and anything else
  gets 401. A state-changing request of a browser session must carry its CSRF token (form field
  ``csrf_token`` matching the ``juesuan_csrf`` cookie, or header ``X-CSRF-Token``), else 403;
  bearer-token requests need none. The shared JUESUAN_TOKEN is not accepted in users mode.

Roles (see :data:`juesuan.store.users.PERMISSIONS`): admin all; reviewer reads, uploads, decides
and sets a document's status; department reads and uploads its own department's documents and
replies (部门回复) — another department's document, department page or audit entries are 404 to
it; viewer reads.

For routes: one call per route, ``user = require(ctx, request, "review")`` (actions: read,
upload, reply, review, status, admin) — it raises 401/403, returns the :class:`User` (None in open
mode) and, for writes in open mode, applies the old token rule. ``current_user(request)`` reads
the user the middleware resolved; ``visible_department(request)`` is the department id a list must
be limited to (None: all). Uploads: the queue's hook (:func:`install_job_hook`) records each
finished upload in the audit log with the user who queued it, and refuses (403, forgetting a new
document) a department user's upload of another department's document.
"""

from __future__ import annotations

import hmac
import re
from typing import Any
from urllib.parse import parse_qs, quote

from fastapi import FastAPI, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ..store.users import User
from .context import WebContext, http_error
from .security import CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER, UNSAFE_METHODS, csrf_token_valid

SESSION_COOKIE = "juesuan_session"
SESSION_SECONDS = 7 * 24 * 3600

# reachable without signing in (users mode)
PUBLIC_PREFIXES = ("/static/", "/login", "/docs", "/redoc", "/openapi.json", "/api/csrf-token", "/favicon")
# a department user gets 404 for these: other departments' data in bulk
DEPARTMENT_FORBIDDEN = re.compile(r"^/(?:api/)?(?:compare|exports)(?:/|$|\.)")
DOCUMENT_PATH = re.compile(r"^/(?:api/)?documents/(\d{1,18})(?:/|$)")
DEPARTMENT_PATH = re.compile(r"^/(?:api/)?departments/(\d{1,18})(?:/|$)")
FORM_TYPES = ("application/x-www-form-urlencoded",)
MAX_FORM_BYTES = 256 * 1024


# ---------------------------------------------------------------------- who is asking


def users_mode(ctx: WebContext) -> bool:
    """True once the store has any user (then every request must be signed in). Users are never
    deleted, so a True answer is kept; a False one is asked again on every request."""
    if getattr(ctx, "_users_mode", False):
        return True
    on = ctx.store.has_users()
    if on:
        ctx._users_mode = True  # type: ignore[attr-defined]
    return on


def _bearer(headers: dict[bytes, bytes]) -> str:
    auth = headers.get(b"authorization", b"").decode("latin-1")
    return auth[7:].strip() if auth.lower().startswith("bearer ") else ""


def _cookies(headers: dict[bytes, bytes]) -> dict[str, str]:
    from http.cookies import SimpleCookie

    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get(b"cookie", b"").decode("latin-1"))
    except Exception:
        return {}
    return {k: v.value for k, v in jar.items()}


def resolve_user(ctx: WebContext, headers: dict[bytes, bytes]) -> tuple[User | None, str | None]:
    """(the user, "token" | "session") from the bearer token or the session cookie."""
    bearer = _bearer(headers)
    if bearer:
        user = ctx.store.user_by_token(bearer)
        return (user, "token") if user else (None, None)
    sid = _cookies(headers).get(SESSION_COOKIE)
    if sid:
        user = ctx.store.user_by_session(sid)
        if user:
            return user, "session"
    return None, None


def current_user(request: Request) -> User | None:
    """The signed-in user (None: nobody, or open mode)."""
    return (request.scope.get("state") or {}).get("user")


def visible_department(request: Request) -> int | None:
    """The only department whose documents the user may see, or None for all."""
    user = current_user(request)
    if user is not None and user.role == "department":
        return user.department_id if user.department_id is not None else -1
    return None


# ---------------------------------------------------------------------- CSRF


def _csrf_ok(secret: bytes, cookies: dict[str, str], header: str, field: str | None) -> bool:
    if header and csrf_token_valid(secret, header):
        return True
    cookie = cookies.get(CSRF_COOKIE, "")
    return bool(
        field and cookie and hmac.compare_digest(field.encode(), cookie.encode()) and csrf_token_valid(secret, field)
    )


# ---------------------------------------------------------------------- the middleware


class AuthMiddleware:
    """Pure ASGI, inside :class:`.security.SecurityMiddleware`: resolves the user of every request
    into ``scope["state"]`` and, in users mode, refuses what the user may not do: no user → a
    redirect to /login (page GETs) or 401; another department's document → 404; a browser-session
    write without its CSRF token → 403 (multipart bodies are checked by :func:`require`)."""

    def __init__(self, app: Any, *, ctx: WebContext) -> None:
        self.app, self.ctx = app, ctx

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        ctx = self.ctx
        state = scope.setdefault("state", {})
        on = await run_in_threadpool(users_mode, ctx)
        state["users_mode"] = on
        if not on:
            state["user"] = None
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        user, via = await run_in_threadpool(resolve_user, ctx, headers)
        state["user"], state["auth_via"] = user, via
        path: str = scope.get("path", "")
        method: str = scope["method"]
        public = any(path == p.rstrip("/") or path.startswith(p) for p in PUBLIC_PREFIXES)
        if user is None and not public:
            if method in ("GET", "HEAD") and not path.startswith("/api/"):
                target = scope.get("path", "/")
                if scope.get("query_string"):
                    target += "?" + scope["query_string"].decode("latin-1")
                await RedirectResponse("/login?next=" + quote(target, safe=""), status_code=303)(scope, receive, send)
                return
            await self._refuse(scope, receive, send, 401, "需要登录或有效的令牌（Authorization: Bearer …）。")
            return
        if user is not None and user.role == "department":
            hidden = await run_in_threadpool(self._hidden_from, user, path)
            if hidden:
                await self._refuse(scope, receive, send, 404, "找不到这个页面或记录。")
                return
        if method in UNSAFE_METHODS and via != "token":
            receive, verdict = await self._check_csrf(scope, receive, headers)
            if verdict is False:
                await self._refuse(scope, receive, send, 403, "拒绝提交：缺少有效的 CSRF 令牌，请从本站页面重新提交。")
                return
            state["csrf_checked"] = verdict is True
        await self.app(scope, receive, send)

    def _hidden_from(self, user: User, path: str) -> bool:
        if DEPARTMENT_FORBIDDEN.match(path):
            return True
        m = DOCUMENT_PATH.match(path)
        if m:
            d = self.ctx.store.document(int(m.group(1)))
            return d is None or not user.sees_department(d.department_id)
        m = DEPARTMENT_PATH.match(path)
        if m:
            return not user.sees_department(int(m.group(1)))
        return False

    async def _check_csrf(self, scope: dict, receive: Any, headers: dict[bytes, bytes]) -> tuple[Any, bool | None]:
        """(receive to pass on, True ok / False refused / None: left to the route — multipart)."""
        secret = self.ctx.settings.secret
        cookies = _cookies(headers)
        header = headers.get(CSRF_HEADER.encode(), b"").decode("latin-1").strip()
        if header and csrf_token_valid(secret, header):
            return receive, True
        ctype = headers.get(b"content-type", b"").decode("latin-1").split(";")[0].strip().lower()
        if ctype.startswith("multipart/"):
            return receive, None
        if ctype not in FORM_TYPES:
            return receive, False
        body = b""
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return receive, False
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > MAX_FORM_BYTES:
                return receive, False
        field = (parse_qs(body.decode("latin-1"), max_num_fields=200).get(CSRF_FIELD) or [""])[0]
        done = False

        async def replay() -> dict:
            nonlocal done
            if not done:
                done = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return replay, _csrf_ok(secret, cookies, "", field)

    async def _refuse(self, scope: dict, receive: Any, send: Any, status: int, text: str) -> None:
        response = self.ctx.error_response(scope.get("path", ""), status, text)
        if status == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        await response(scope, receive, send)


# ---------------------------------------------------------------------- per route


ACTION_NAMES = {
    "read": "查看",
    "upload": "上传",
    "reply": "回复",
    "review": "审核",
    "status": "设置状态",
    "admin": "管理",
}


def require(
    ctx: WebContext,
    request: Request,
    action: str,
    *,
    form_csrf: str | None = None,
    form_token: str | None = None,
) -> User | None:
    """The user who may do ``action``, or an HTTPException (401 nobody, 403 not allowed or no
    CSRF token). In open mode: None, after the old token rule for writes."""
    state = request.scope.get("state") or {}
    on = state.get("users_mode")
    if on is None:
        on = users_mode(ctx)
    if not on:
        if action != "read":
            ctx.check_write(request, form_token, form_csrf)
        return None
    return require_user(ctx, request, action, form_csrf=form_csrf)


def require_user(ctx: WebContext, request: Request, action: str, *, form_csrf: str | None = None) -> User:
    """Users mode: the signed-in user allowed to ``action`` (see :func:`require`)."""
    state = request.scope.get("state") or {}
    user = state.get("user") if "user" in state else resolve_user(ctx, _raw_headers(request))[0]
    if user is None:
        raise http_error(401, "需要登录或有效的令牌（Authorization: Bearer …）。", headers={"WWW-Authenticate": "Bearer"})
    if not user.can(action):
        raise http_error(403, f"{user.role_name}用户「{user.name}」无权{ACTION_NAMES.get(action, action)}。")
    if action != "read" and request.method in UNSAFE_METHODS and state.get("auth_via") != "token":
        if not state.get("csrf_checked"):
            header = request.headers.get(CSRF_HEADER, "")
            if not _csrf_ok(ctx.settings.secret, dict(request.cookies), header, form_csrf):
                raise http_error(403, "拒绝提交：缺少有效的 CSRF 令牌，请从本站页面重新提交。")
    return user


def require_document(ctx: WebContext, request: Request, document_id: int, action: str = "read", **kw: Any):  # type: ignore[no-untyped-def]
    """:func:`require` and the document (404 if absent or another department's)."""
    user = require(ctx, request, action, **kw)
    d = ctx.document_or_404(document_id)
    if user is not None and not user.sees_department(d.department_id):
        raise http_error(404, f"没有编号为 {document_id} 的文档。")
    return user, d


def _raw_headers(request: Request) -> dict[bytes, bytes]:
    return dict(request.scope.get("headers") or [])


def check_upload_department(ctx: WebContext, user: User | None, document_id: int, created: bool) -> None:
    """Refuse (403) a department user's upload of another department's document; a document this
    upload created is removed again."""
    d = ctx.store.document(document_id)
    if user is None or d is None or user.sees_department(d.department_id):
        return
    if created:
        ctx.store.delete_document(document_id)
    raise http_error(403, f"部门用户只能上传本部门（{user.department or '未指定'}）的文档；此文件属于「{d.department or '未识别部门'}」。")


def record_upload(ctx: WebContext, user: User | None, document_id: int, created: bool, file_name: str | None = None) -> None:
    """A finished upload: the department check, then its entry in the audit log."""
    check_upload_department(ctx, user, document_id, created)
    d = ctx.store.document(document_id)
    if d is not None:
        ctx.store.log_action(
            user, "upload", document_id,
            {"file_name": file_name or d.file_name, "created": created, "sha256": d.sha256},
        )  # fmt: skip


def after_upload(ctx: WebContext, request: Request, document_id: int, created: bool) -> None:
    """For a route that waited for its upload: the department check again (the job's hook did it
    and wrote the audit entry; see :func:`install_job_hook`)."""
    check_upload_department(ctx, current_user(request), document_id, created)


def install_job_hook(ctx: WebContext) -> None:
    """Have the upload queue (:mod:`.jobs`) call :func:`record_upload` for each finished job, with
    the user who queued it (an HTTPException from the hook fails the job with that reason)."""
    before = getattr(ctx, "after_job", None)

    def after_job(job: Any, outcome: Any) -> None:
        if before is not None:
            before(job, outcome)
        if job is None or outcome is None:
            return
        user_id = getattr(job, "user_id", None)
        user = ctx.store.user(int(user_id)) if user_id else None
        record_upload(ctx, user, outcome.document_id, bool(outcome.created), getattr(job, "file_name", None))

    ctx.after_job = after_job  # type: ignore[attr-defined]


# ---------------------------------------------------------------------- login / logout


def _safe_next(target: str | None) -> str:
    """Only a local path (no scheme, no host, no //)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target[:2000]


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def register(app: FastAPI, ctx: WebContext) -> None:
    """/login (GET form, POST) and /logout (POST); the upload queue's audit hook."""
    install_job_hook(ctx)

    @app.get("/login", include_in_schema=False)
    def login_page(request: Request, next: str = Query("/", max_length=2000)) -> Response:
        return ctx.page(request, "login.html.j2", title="登录", next=_safe_next(next), error="",
                        user=current_user(request), users_mode=users_mode(ctx))  # fmt: skip

    @app.post("/login", include_in_schema=False)
    def login(
        request: Request,
        name: str = Form("", max_length=100),
        password: str = Form("", max_length=1000),
        next: str = Form("/", max_length=2000),
        csrf_token: str | None = Form(None),
    ) -> Response:
        if not _csrf_ok(ctx.settings.secret, dict(request.cookies), request.headers.get(CSRF_HEADER, ""), csrf_token):
            raise http_error(403, "拒绝提交：缺少有效的 CSRF 令牌，请从本站页面重新提交。")
        user = ctx.store.authenticate(name, password)
        if user is None:
            return ctx.page(request, "login.html.j2", status=401, title="登录", next=_safe_next(next),
                            error="用户名或密码不对。", user=None, users_mode=users_mode(ctx))  # fmt: skip
        old = request.cookies.get(SESSION_COOKIE)
        if old:
            ctx.store.end_session(old)
        sid = ctx.store.create_session(user.id)
        ctx.store.log_action(user, "login")
        response = RedirectResponse(_safe_next(next), status_code=303)
        response.set_cookie(
            SESSION_COOKIE, sid, max_age=SESSION_SECONDS, httponly=True, samesite="lax",
            secure=_secure(request), path="/",
        )  # fmt: skip
        return response

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, csrf_token: str | None = Form(None)) -> Response:
        if not _csrf_ok(ctx.settings.secret, dict(request.cookies), request.headers.get(CSRF_HEADER, ""), csrf_token):
            raise http_error(403, "拒绝提交：缺少有效的 CSRF 令牌，请从本站页面重新提交。")
        ctx.store.end_session(request.cookies.get(SESSION_COOKIE))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response


__all__ = [
    "AuthMiddleware",
    "SESSION_COOKIE",
    "after_upload",
    "check_upload_department",
    "install_job_hook",
    "record_upload",
    "current_user",
    "register",
    "require",
    "require_document",
    "require_user",
    "resolve_user",
    "users_mode",
    "visible_department",
]

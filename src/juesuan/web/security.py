"""Request safety: security headers, Host and cross-site checks, CSRF tokens, body size, client address.

* **Headers on every response** (pages, API, /docs, /redoc, static files and error responses):
  a Content-Security-Policy that names no external origin, ``X-Content-Type-Options: nosniff``,
  ``X-Frame-Options: DENY`` with ``frame-ancestors 'none'``, ``Referrer-Policy: same-origin``.
* **Host**: a server bound to loopback answers only to loopback host names (no DNS rebinding),
  except through a trusted proxy.
* **Cross-site writes**: a POST whose ``Origin`` (or, without one, ``Referer``) names another
  host is refused; a POST with neither must carry a valid CSRF token (form field
  ``csrf_token`` matching the ``juesuan_csrf`` cookie, or header ``X-CSRF-Token``) or the bearer
  token. CSRF tokens are signed (HMAC with the settings' secret), and pages set the cookie.
* **Client address**: the TCP peer, unless the peer is in ``forwarded_allow_ips``: then the
  right-most untrusted address of ``X-Forwarded-For`` (or ``Forwarded: for=``).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
from typing import Any, Callable
from urllib.parse import urlsplit

from .settings import WebSettings

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; worker-src 'self' blob:; connect-src 'self'; font-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
)

CSRF_COOKIE = "juesuan_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1", "testserver"}
PROXY_HEADERS = (b"x-forwarded-for", b"forwarded", b"x-real-ip")


def is_loopback(host: str) -> bool:
    h = host.strip("[]")
    if h == "localhost":
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


def add_security_headers(headers: Any) -> None:
    """Set the security headers on a Starlette ``MutableHeaders`` (used for error responses)."""
    for k, v in SECURITY_HEADERS:
        headers[k.decode()] = v.decode()


# ---------------------------------------------------------------------- CSRF tokens


def new_csrf_token(secret: bytes) -> str:
    nonce = secrets.token_urlsafe(18)
    return f"{nonce}.{_sign(secret, nonce)}"


def csrf_token_valid(secret: bytes, token: str | None) -> bool:
    if not token or token.count(".") != 1 or len(token) > 200:
        return False
    nonce, sig = token.split(".")
    return hmac.compare_digest(sig, _sign(secret, nonce))


def _sign(secret: bytes, nonce: str) -> str:
    return hmac.new(secret, b"csrf\x1f" + nonce.encode(), hashlib.sha256).hexdigest()[:32]


# ---------------------------------------------------------------------- client address


def _forwarded_for(headers: dict[bytes, bytes]) -> list[str]:
    """The addresses a proxy chain reports, client first."""
    xff = headers.get(b"x-forwarded-for")
    if xff:
        return [a.strip() for a in xff.decode("latin-1").split(",") if a.strip()]
    fwd = headers.get(b"forwarded")
    if fwd:
        out = []
        for m in re.finditer(r'for="?\[?([^\]";,]+)', fwd.decode("latin-1"), re.I):
            out.append(m.group(1).strip())
        return out
    real = headers.get(b"x-real-ip")
    return [real.decode("latin-1").strip()] if real else []


def client_address(scope: dict, settings: WebSettings) -> tuple[str | None, bool]:
    """(the client's address, whether it is known): the peer, or what trusted proxies report.

    Known is False when the request carries proxy headers from a peer that is not trusted: the
    request came through a proxy, but from where cannot be told.
    """
    peer = (scope.get("client") or (None, None))[0]
    headers = dict(scope.get("headers") or [])
    chain = _forwarded_for(headers)
    has_proxy_headers = any(h in headers for h in PROXY_HEADERS)
    if not has_proxy_headers:
        return peer, True
    if not settings.trusts(peer):
        return peer, False
    # walk from the right: the first address not itself a trusted proxy is the client
    for addr in reversed(chain):
        if not settings.trusts(addr):
            return addr, True
    return (chain[0] if chain else peer), True


def _from_trusted_proxy(scope: dict, settings: WebSettings) -> bool:
    peer = (scope.get("client") or (None, None))[0]
    return settings.trusts(peer)


# ---------------------------------------------------------------------- the middleware


class SecurityMiddleware:
    """Pure ASGI: headers on every response (errors included), Host and cross-site checks.

    POSTs with neither Origin nor Referer are passed on marked ``scope["state"]["csrf_required"]``;
    the write endpoints then demand a CSRF token (they alone read the form).
    """

    def __init__(
        self,
        app: Any,
        *,
        settings: WebSettings,
        loopback: bool,
        render_error: Callable[[str, int, str], Any],
    ) -> None:
        self.app, self.settings, self.loopback, self.render_error = app, settings, loopback, render_error

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)

        refusal = self._refusal(scope)
        if refusal is not None:
            status, text = refusal
            response = self.render_error(scope.get("path", ""), status, text)
            await response(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)

    def _refusal(self, scope: dict) -> tuple[int, str] | None:
        headers = dict(scope.get("headers") or [])
        host = headers.get(b"host", b"").decode("latin-1")
        trusted_proxy = _from_trusted_proxy(scope, self.settings)
        if self.loopback and not trusted_proxy:
            try:
                hostname = urlsplit("//" + host).hostname
            except ValueError:
                hostname = None
            if hostname not in LOOPBACK_NAMES:
                return 400, "无效的 Host 请求头。"
        if scope["method"] not in UNSAFE_METHODS:
            return None
        hosts = {host.lower()}
        if trusted_proxy and headers.get(b"x-forwarded-host"):
            hosts.add(headers[b"x-forwarded-host"].decode("latin-1").split(",")[0].strip().lower())
        origin = headers.get(b"origin", b"").decode("latin-1").strip()
        referer = headers.get(b"referer", b"").decode("latin-1").strip()
        if origin:
            if origin == "null" or _netloc(origin) not in hosts:
                return 403, "拒绝跨站提交（Origin 与 Host 不符）。"
            return None
        if referer:
            if _netloc(referer) not in hosts:
                return 403, "拒绝跨站提交（Referer 与 Host 不符）。"
            return None
        scope.setdefault("state", {})["csrf_required"] = True
        return None


def _netloc(url: str) -> str:
    try:
        return urlsplit(url).netloc.lower()
    except ValueError:
        return "\x00invalid"


class _TooLarge(Exception):
    pass


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes (413), by Content-Length or while receiving."""

    def __init__(self, app: Any, limit: int, render_error: Any) -> None:
        self.app, self.limit, self.render_error = app, limit, render_error

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if not self.limit or scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
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
        response = self.render_error(scope.get("path", ""), 413, f"文件超出限制：上传的文件超过 {mb:g} MB 的上限。")
        response.headers["Connection"] = "close"
        await response(scope, receive, send)


__all__ = [
    "BodyLimit",
    "CSP",
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "SecurityMiddleware",
    "add_security_headers",
    "client_address",
    "csrf_token_valid",
    "is_loopback",
    "new_csrf_token",
]

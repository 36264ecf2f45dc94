"""/docs (Swagger UI) and /redoc (ReDoc) from the vendored files in ``static/`` (see VENDORED.md).

The pages load only ``/static/…`` and ``/openapi.json``: no CDN, no inline script, no outside
validator, so they work offline and under the app's Content-Security-Policy.
"""

from __future__ import annotations

from html import escape

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

SWAGGER_PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — API 文档</title>
<link rel="stylesheet" href="/static/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/static/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script>
</body>
</html>
"""

REDOC_PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — API 文档（ReDoc）</title>
</head>
<body>
<redoc spec-url="/openapi.json"></redoc>
<script src="/static/redoc.standalone.js"></script>
</body>
</html>
"""


def register(app: FastAPI) -> None:
    title = escape(app.title)

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return HTMLResponse(SWAGGER_PAGE.format(title=title))

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return HTMLResponse(REDOC_PAGE.format(title=title))


__all__ = ["register"]

"""The server-rendered pages: home (upload), a document's findings, departments, comparison, downloads."""

from __future__ import annotations

from typing import Any, Optional

from fastapi import FastAPI, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from .context import WebContext, http_error, valid_department_keys
from .settings import MAX_ID, MAX_OFFSET
from .uploads import do_upload
from .views import SEVERITIES, build_grids, finding_views, metric_rows


def split_values(values: list[str]) -> list[str]:
    """Repeated and comma-separated values (, or ，), stripped, without repeats."""
    import re

    out: list[str] = []
    for v in values:
        for part in re.split(r"[,，]", v):
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return out


def chart_number(v: Any) -> Any:
    """A Decimal for a chart (JSON number); charts are display only."""
    return None if v is None else float(v)


def register(app: FastAPI, ctx: WebContext) -> None:
    st = ctx.store
    s = ctx.settings

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request, offset: int = Query(0, ge=0, le=MAX_OFFSET)) -> HTMLResponse:
        limit = 100
        return ctx.page(
            request,
            "index.html.j2",
            docs=st.documents(limit=limit, offset=offset),
            total=st.count_documents(),
            offset=offset,
            limit=limit,
            require_token=ctx.require_token,
            max_mb=s.max_upload_bytes / 1048576,
            max_pages=s.max_pages,
        )

    @app.post("/upload", include_in_schema=False)
    def upload_form(
        request: Request,
        file: UploadFile = File(...),
        token_field: Optional[str] = Form(None, alias="token"),
        csrf_field: Optional[str] = Form(None, alias="csrf_token"),
    ) -> Response:
        outcome = do_upload(ctx, request, file, token_field, csrf_field)
        url = f"/documents/{outcome.document_id}"
        if outcome.status == "exists":
            url += "?existing=1"
        return RedirectResponse(url, status_code=303)

    @app.get("/documents/{document_id}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(
        request: Request,
        document_id: int = Path(ge=1, le=MAX_ID),
        severity: list[str] = Query(default=[]),
        table: str = "",
        version: str = "",
        existing: int = Query(0, ge=0, le=1),
    ) -> HTMLResponse:
        d = ctx.document_or_404(document_id)
        checks = st.checks(document_id)
        versions = [c["rules_version"] for c in checks]
        chosen = version if version in versions else (d.rules_version or "")
        doc = st.load_document(document_id)
        stored = st.findings(document_id, rules_version=chosen) if chosen else []
        all_findings = [f.to_finding() for f in stored]
        order = {sv: i for i, sv in enumerate(SEVERITIES)}
        all_findings.sort(key=lambda f: order.get(f.severity, 9))
        counts = {sv: sum(1 for f in all_findings if f.severity == sv) for sv in SEVERITIES}
        wanted = [sv for sv in severity if sv in SEVERITIES] or list(SEVERITIES)
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
        return ctx.page(
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
            project_facts=sum(1 for f in doc.facts if f.project),
        )

    @app.get("/departments", response_class=HTMLResponse, include_in_schema=False)
    def departments_page(request: Request) -> HTMLResponse:
        return ctx.page(request, "departments.html.j2", title="部门", departments=st.departments())

    @app.get("/departments/{department_id}", response_class=HTMLResponse, include_in_schema=False)
    def department_page(request: Request, department_id: int = Path(ge=1, le=MAX_ID)) -> HTMLResponse:
        info = st.department(department_id)
        if info is None:
            raise http_error(404, f"没有编号为 {department_id} 的部门。")
        figs = st.department_years(department_id)
        return ctx.page(
            request, "department.html.j2", title=info.name, info=info, figs=figs, rows=metric_rows(figs, changes=True)
        )

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare_page(
        request: Request,
        departments: list[str] = Query(default=[]),
        year: Optional[str] = None,
    ) -> HTMLResponse:
        year_n = int(year) if year and year.isascii() and year.isdigit() and len(year) <= 4 else None
        wanted = valid_department_keys(split_values(departments))
        all_deps = st.departments()
        result = st.compare(wanted, year_n) if wanted else None
        chart: dict[str, Any] = {}
        if result is not None and result.rows:
            chart = {
                "departments": [r.department or f"#{r.document_id}" for r in result.rows],
                "basic": [chart_number(r.basic) for r in result.rows],
                "project": [chart_number(r.project) for r in result.rows],
                "treemap": [
                    {
                        "name": r.department or f"#{r.document_id}",
                        "children": [
                            {"name": f"{fa.code} {fa.name}", "value": chart_number(fa.amount)}
                            for fa in r.by_function
                            if fa.amount > 0
                        ],
                    }
                    for r in result.rows
                ],
            }
        return ctx.page(
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
    def downloads_page(request: Request, offset: int = Query(0, ge=0, le=MAX_OFFSET)) -> HTMLResponse:
        limit = 200
        return ctx.page(
            request,
            "downloads.html.j2",
            title="下载",
            docs=st.documents(limit=limit, offset=offset),
            total=st.count_documents(),
            offset=offset,
            limit=limit,
        )


__all__ = ["chart_number", "register", "split_values"]

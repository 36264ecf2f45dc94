"""The server-rendered pages: home (upload), a document's findings, departments, comparison, downloads."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Optional

from fastapi import FastAPI, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from .context import WebContext, http_error, valid_department_keys
from .settings import MAX_ID, MAX_OFFSET
from .uploads import do_upload, submit
from .auth import after_upload, visible_department
from .downloads import kept_pdf
from ..store.queue import (
    KINDS,
    SORTS,
    STATUSES,
    QueueQuery,
    count_documents,
    document_kind,
    document_scope,
    queue_page,
    queue_years,
    series_figures,
)
from .views import (
    SEVERITIES,
    build_grids,
    build_perf,
    cell_marks,
    finding_page,
    finding_views,
    gone_views,
    is_narrative,
    is_rounding,
    metric_rows,
    review_views,
    series_rows,
    shown_code,
)

QUEUE_PAGE_SIZE = 50


def queue_query(
    q: str, status: str, year: str, kind: str, errors: str, sort: str, order: str, offset: int,
    per: int = 0,
) -> QueueQuery:
    """The work queue's query from the page's parameters (unknown values mean "any")."""
    year_n = int(year) if year.isascii() and year.isdigit() and len(year) <= 4 else None
    has_errors = {"1": True, "0": False}.get(errors)
    return QueueQuery(
        search=q, status=status, year=year_n, kind=kind, has_errors=has_errors, sort=sort,
        descending=order != "asc", limit=per or QUEUE_PAGE_SIZE, offset=offset,
    ).normalized()  # fmt: skip


def queue_params(query: QueueQuery) -> dict[str, str]:
    """The query as the page's URL parameters (defaults left out)."""
    out = {
        "q": query.search,
        "status": query.status,
        "year": str(query.year) if query.year is not None else "",
        "kind": query.kind,
        "errors": {True: "1", False: "0"}.get(query.has_errors, ""),  # type: ignore[arg-type]
        "sort": query.sort if query.sort != "date" else "",
        "order": "" if query.descending else "asc",
        "offset": str(query.offset) if query.offset else "",
        "per": str(query.limit) if query.limit != QUEUE_PAGE_SIZE else "",
    }
    return {k: v for k, v in out.items() if v}


def query_url(path: str, params: dict[str, str], **changes: Any) -> str:
    """``path`` with ``params`` updated by ``changes`` (None or "" drops a parameter)."""
    from urllib.parse import urlencode

    merged = dict(params)
    for k, v in changes.items():
        if v is None or v == "":
            merged.pop(k, None)
        else:
            merged[k] = str(v)
    return path + ("?" + urlencode(merged) if merged else "")


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


def status_of(st: Any, document_id: int) -> str:
    """The document's review status (H6's store), "new" while the store has none."""
    fn = getattr(st, "document_status", None)
    return str(fn(document_id)) if callable(fn) else "new"


def diff_pair(request: Request, docs: list[Any], versions: dict[int, list[int]]) -> tuple[int | None, int | None]:
    """The two versions to compare: ``?a=&b=`` when both are the department's documents, else the
    last two versions of the newest year-kind that has two."""
    ids = {x.id for x in docs}
    a, b = request.query_params.get("a", ""), request.query_params.get("b", "")
    if a.isascii() and a.isdigit() and b.isascii() and b.isdigit() and int(a) in ids and int(b) in ids:
        return int(a), int(b)
    for group in versions.values():
        if len(group) >= 2:
            return group[-2], group[-1]
    return None, None


def diff_views(diff: Any) -> dict[str, list[dict[str, str]]]:
    """The version diff's findings as the page lists them (Chinese names only)."""
    from .views import severity_name

    def one(f: Any) -> dict[str, str]:
        return {"rule": f.rule, "severity": f.severity, "severity_name": severity_name(f.severity),
                "title": f.title, "message": f.message}  # fmt: skip

    return {k: [one(f) for f in getattr(diff, k, [])] for k in ("new", "fixed", "carried")}


def register(app: FastAPI, ctx: WebContext) -> None:
    st = ctx.store
    s = ctx.settings

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(
        request: Request,
        q: str = Query("", max_length=100),
        status: str = Query("", max_length=20),
        year: str = Query("", max_length=8),
        kind: str = Query("", max_length=10),
        errors: str = Query("", max_length=3),
        sort: str = Query("date", max_length=12),
        order: str = Query("desc", max_length=4),
        offset: int = Query(0, ge=0, le=MAX_OFFSET),
        per: int = Query(QUEUE_PAGE_SIZE, ge=1, le=200),
    ) -> HTMLResponse:
        query = queue_query(q, status, year, kind, errors, sort, order, offset, per)
        query = replace(query, department_id=visible_department(request))  # a department user: its own
        page = queue_page(st, query)
        params = queue_params(page.query)
        return ctx.page(
            request,
            "index.html.j2",
            queue=page,
            docs=[i.document for i in page.items],
            total=page.total,
            offset=page.query.offset,
            limit=page.query.limit,
            params=params,
            url=lambda **changes: query_url("/", params, **changes),
            years=queue_years(st, query.department_id),
            kinds=KINDS,
            statuses=STATUSES,
            sorts=SORTS,
            filtered=any(params.get(k) for k in ("q", "status", "year", "kind", "errors")),
            require_token=ctx.require_token,
            max_mb=s.max_upload_bytes / 1048576,
            max_pages=s.max_pages,
        )

    @app.post("/upload", include_in_schema=False)
    def upload_form(
        request: Request,
        file: list[UploadFile] = File(...),
        token_field: Optional[str] = Form(None, alias="token"),
        csrf_field: Optional[str] = Form(None, alias="csrf_token"),
        wait: int = Query(0, ge=0, le=1),
    ) -> Response:
        if not wait or len(file) != 1:  # queued: the jobs page follows them (one done: its document)
            batch, _ = submit(ctx, request, file, token_field, csrf_field)
            return RedirectResponse(f"/jobs?batch={batch}", status_code=303)
        outcome = do_upload(ctx, request, file[0], token_field, csrf_field)
        after_upload(ctx, request, outcome.document_id, outcome.created)  # audit; a department's own only
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
        perf = build_perf(doc, shown)
        views = finding_views(doc, shown, grids, perf)
        finding_tables = list(dict.fromkeys(t for f in all_findings for t in f.tables))
        kind = document_kind(st, document_id)
        scope = document_scope(st, document_id)
        kind_name = KINDS.get(kind, "决算")
        scope_name = "单位" if scope == "unit" else "部门"
        reviews = review_views(st, document_id, views)
        state = request.scope.get("state") or {}
        user = state.get("user")
        can_set_status = hasattr(st, "set_status") and (
            not state.get("users_mode") or (user is not None and user.can("status"))
        )
        return ctx.page(
            request,
            "document.html.j2",
            title=f"{d.department or '文档'} {d.year or ''} {scope_name}{kind_name}",
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
            perf=perf,
            marks=cell_marks(shown, grids, perf),
            narrative={v.number for v in views if is_narrative(v.finding)},
            rounding={v.number for v in views if is_rounding(v.finding)},
            pages={v.number: finding_page(v.finding) for v in views} if d.format == "pdf" else {},
            reviews=reviews,
            gone=gone_views(st, document_id),
            annotated_pdf=kept_pdf(ctx, d) is not None,
            review_form=ctx.has_template("_review.html.j2"),
            doc_status=status_of(st, document_id),
            can_set_status=can_set_status,
            statuses=STATUSES,
            kind=kind,
            kind_name=kind_name,
            scope_name=scope_name,
            shown_code=shown_code,
            existing=bool(existing),
        )

    @app.get("/departments", response_class=HTMLResponse, include_in_schema=False)
    def departments_page(request: Request) -> HTMLResponse:
        own = visible_department(request)
        deps = [x for x in st.departments() if own is None or x.id == own]
        return ctx.page(request, "departments.html.j2", title="部门", departments=deps)

    @app.get("/departments/{department_id}", response_class=HTMLResponse, include_in_schema=False)
    def department_page(request: Request, department_id: int = Path(ge=1, le=MAX_ID)) -> HTMLResponse:
        info = st.department(department_id)
        if info is None:
            raise http_error(404, f"没有编号为 {department_id} 的部门。")
        docs = st.documents(department=department_id)
        series = series_figures(st, [x.id for x in docs])
        # the year-on-year figures are the final accounts' (a budget's are another series)
        figs = [f for f in st.department_years(department_id)
                if f.document_id not in series or series[f.document_id].kind != "budget"]  # fmt: skip
        series_table, years, versions = series_rows(docs, series)
        a_id, b_id = diff_pair(request, docs, versions)
        diff = st.version_diff(a_id, b_id) if a_id and b_id and hasattr(st, "version_diff") else None
        return ctx.page(
            request,
            "department.html.j2",
            title=info.name,
            info=info,
            figs=figs,
            rows=metric_rows(figs, changes=True),
            series=series_table,
            years=years,
            statuses=STATUSES,
            diff=diff,
            diff_a=a_id,
            diff_b=b_id,
            diff_views=diff_views(diff) if diff is not None else None,
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
        own = visible_department(request)  # a department user: its own documents only
        docs = st.documents(department=own, limit=limit, offset=offset)
        return ctx.page(
            request,
            "downloads.html.j2",
            title="下载",
            docs=docs,
            annotated={x.id for x in docs if kept_pdf(ctx, x) is not None},
            total=count_documents(st, own),
            bulk=own is None,  # every document's facts/findings: not for a department user
            offset=offset,
            limit=limit,
        )


__all__ = ["chart_number", "register", "split_values"]

"""The reviewers' work queue: stored documents searched, filtered, sorted and paged, with totals.

    from juesuan.store.queue import QueueQuery, queue_page

    page = queue_page(store, QueueQuery(search="区", kind="final", has_errors=True, sort="errors"))
    page.items          # [QueueItem]: the documents of this page (document, kind, status)
    page.total          # how many documents match, across every page
    page.by_rule        # [RuleTotal]: findings of the matching documents' latest checks, per rule
    page.by_region      # [RegionTotal]: matching documents and their findings, per region

Every filter is done in SQL, so the queue stays fast at tens of thousands of documents.

* ``kind`` (决算 ``final`` / 预算 ``budget``) is the stored ``documents.kind`` when the schema has
  that column and the row a value; otherwise it is inferred from what was stored: a document with a ``budget_*``
  table, or whose latest check found it to be a budget (the document-kind rule's finding), is a
  budget.
* ``status`` (未审 ``new`` / 审核中 ``in_review`` / 退回整改 ``returned`` / 通过 ``approved``) is the
  stored ``documents.status`` when the schema has it; otherwise every document is ``new``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, case, exists, func, literal, or_, select

from . import schema as S
from .records import StoredDocument

if TYPE_CHECKING:  # pragma: no cover
    from .store import Store

KINDS: dict[str, str] = {"final": "决算", "budget": "预算"}
STATUSES: dict[str, str] = {"new": "未审", "in_review": "审核中", "returned": "退回整改", "approved": "通过"}
SORTS: dict[str, str] = {"date": "入库时间", "errors": "错误数", "year": "年度", "department": "部门"}
# the finding by which a check tells a budget (it is the kind rule's, whatever the document)
BUDGET_KIND_RULE = "JS-KD-001"
NO_REGION = "（地区未识别）"
MAX_LIMIT = 500


@dataclass(frozen=True, slots=True)
class QueueQuery:
    """What the reviewer asked for. Empty strings and None mean "any"."""

    search: str = ""  # part of the department's name or of its region
    status: str = ""  # a key of STATUSES
    year: int | None = None
    kind: str = ""  # a key of KINDS
    has_errors: bool | None = None  # True: errors > 0; False: checked and errors == 0
    sort: str = "date"  # a key of SORTS
    descending: bool = True
    limit: int = 50
    offset: int = 0
    department_id: int | None = None  # only this department's documents (a department user's view)

    def normalized(self) -> "QueueQuery":
        return replace(
            self,
            search=self.search.strip()[:100],
            status=self.status if self.status in STATUSES else "",
            kind=self.kind if self.kind in KINDS else "",
            sort=self.sort if self.sort in SORTS else "date",
            limit=max(1, min(MAX_LIMIT, self.limit)),
            offset=max(0, self.offset),
        )


@dataclass(slots=True)
class QueueItem:
    document: StoredDocument
    kind: str  # final | budget
    status: str  # a key of STATUSES

    @property
    def kind_name(self) -> str:
        return KINDS.get(self.kind, "决算")

    @property
    def status_name(self) -> str:
        return STATUSES.get(self.status, self.status)


@dataclass(slots=True)
class RuleTotal:
    rule: str
    title: str
    severity: str
    findings: int
    documents: int


@dataclass(slots=True)
class RegionTotal:
    region: str
    documents: int
    errors: int
    warnings: int
    infos: int
    with_errors: int  # documents with at least one error


@dataclass(slots=True)
class QueuePage:
    query: QueueQuery
    items: list[QueueItem]
    total: int
    by_rule: list[RuleTotal] = field(default_factory=list)
    by_region: list[RegionTotal] = field(default_factory=list)

    @property
    def has_previous(self) -> bool:
        return self.query.offset > 0

    @property
    def has_next(self) -> bool:
        return self.query.offset + len(self.items) < self.total

    @property
    def first(self) -> int:
        return self.query.offset + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.query.offset + len(self.items)


# --------------------------------------------------------------------------- SQL pieces


def _latest_checks():  # type: ignore[no-untyped-def]
    # never correlated: inside the document query, `checks` is also an outer table
    return select(func.max(S.checks.c.id)).group_by(S.checks.c.document_id).correlate(None)


def kind_column():  # type: ignore[no-untyped-def]
    """A SQL expression giving each document's kind (final | budget): as stored, else inferred."""
    d = S.documents
    has_budget_table = exists().where(
        and_(S.tables_found.c.document_id == d.c.id, S.tables_found.c.table_id.like("budget\\_%", escape="\\"))
    )
    told_budget = exists().where(
        and_(
            S.findings.c.document_id == d.c.id,
            S.findings.c.rule == BUDGET_KIND_RULE,
            S.findings.c.check_id.in_(_latest_checks()),
        )
    )
    inferred = case((or_(has_budget_table, told_budget), literal("budget")), else_=literal("final"))
    if "kind" in d.c:
        return func.coalesce(d.c.kind, inferred)
    return inferred


def status_column():  # type: ignore[no-untyped-def]
    d = S.documents
    if "status" in d.c:
        return func.coalesce(d.c.status, literal("new"))
    return literal("new")


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _filtered(store: "Store", q: QueueQuery):  # type: ignore[no-untyped-def]
    """The store's document query with kind and status columns and the query's filters."""
    d, dep = S.documents, S.departments
    kind, status = kind_column(), status_column()
    base = store._documents_query().add_columns(kind.label("doc_kind"), status.label("doc_status"))
    conds = []
    if q.search:
        pat = _like(q.search)
        conds.append(
            or_(
                d.c.department.like(pat, escape="\\"),
                dep.c.name.like(pat, escape="\\"),
                dep.c.region.like(pat, escape="\\"),
                d.c.file_name.like(pat, escape="\\"),
            )
        )
    if q.department_id is not None:
        conds.append(d.c.department_id == q.department_id)
    if q.year is not None:
        conds.append(d.c.year == q.year)
    if q.kind:
        conds.append(kind == q.kind)
    if q.status:
        conds.append(status == q.status)
    if q.has_errors is True:
        conds.append(S.checks.c.errors > 0)
    elif q.has_errors is False:
        conds.append(S.checks.c.errors == 0)
    return base.where(*conds) if conds else base


def _ordered(q: QueueQuery, stmt):  # type: ignore[no-untyped-def]
    d, ch = S.documents, S.checks
    key: Any
    if q.sort == "errors":
        key = [func.coalesce(ch.c.errors, -1), func.coalesce(ch.c.warnings, -1)]
    elif q.sort == "year":
        key = [func.coalesce(d.c.year, 0)]
    elif q.sort == "department":
        key = [func.coalesce(d.c.department, "")]
    else:
        key = [d.c.ingested_at]
    if q.descending:
        order = [k.desc() for k in key] + [d.c.id.desc()]
    else:
        order = [k.asc() for k in key] + [d.c.id.asc()]
    return stmt.order_by(*order)


# --------------------------------------------------------------------------- queries


def queue_page(store: "Store", query: QueueQuery, *, totals: bool = True) -> QueuePage:
    """One page of the work queue, with totals by rule and region across every matching document."""
    q = query.normalized()
    stmt = _filtered(store, q)
    ids = stmt.with_only_columns(S.documents.c.id).order_by(None)
    with store.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(ids.subquery())).scalar_one()
        rows = conn.execute(_ordered(q, stmt).limit(q.limit).offset(q.offset)).all()
        items = [QueueItem(store._stored_document(r), r.doc_kind, r.doc_status) for r in rows]
        page = QueuePage(q, items, total)
        if totals and total:
            page.by_rule = _by_rule(conn, ids)
            page.by_region = _by_region(conn, stmt)
    return page


def _by_rule(conn, ids) -> list[RuleTotal]:  # type: ignore[no-untyped-def]
    fi = S.findings
    stmt = (
        select(
            fi.c.rule,
            func.min(fi.c.title).label("title"),
            func.min(fi.c.severity).label("severity"),
            func.count().label("n"),
            func.count(func.distinct(fi.c.document_id)).label("docs"),
        )
        .where(fi.c.check_id.in_(_latest_checks()), fi.c.document_id.in_(ids))
        .group_by(fi.c.rule)
    )
    order = {"error": 0, "warning": 1, "info": 2}
    out = [RuleTotal(r.rule, r.title, r.severity, r.n, r.docs) for r in conn.execute(stmt)]
    out.sort(key=lambda t: (order.get(t.severity, 9), -t.findings, t.rule))
    return out


def _by_region(conn, stmt) -> list[RegionTotal]:  # type: ignore[no-untyped-def]
    sub = stmt.order_by(None).subquery()
    n_err = func.coalesce(sub.c.n_errors, 0)
    agg = (
        select(
            sub.c.region,
            func.count().label("docs"),
            func.sum(n_err).label("errors"),
            func.sum(func.coalesce(sub.c.n_warnings, 0)).label("warnings"),
            func.sum(func.coalesce(sub.c.n_infos, 0)).label("infos"),
            func.sum(case((n_err > 0, 1), else_=0)).label("with_errors"),
        )
        .group_by(sub.c.region)
    )
    out = [
        RegionTotal(r.region or NO_REGION, r.docs, int(r.errors or 0), int(r.warnings or 0), int(r.infos or 0),
                    int(r.with_errors or 0))  # fmt: skip
        for r in conn.execute(agg)
    ]
    out.sort(key=lambda t: (-t.errors, -t.documents, t.region))
    return out


def queue_years(store: "Store", department_id: int | None = None) -> list[int]:
    """The years of the stored documents, newest first; only this department's when given (what
    a department user may filter by)."""
    d = S.documents
    q = select(d.c.year).where(d.c.year.is_not(None))
    if department_id is not None:
        q = q.where(d.c.department_id == department_id)
    with store.engine.connect() as conn:
        return sorted(conn.execute(q.distinct()).scalars(), reverse=True)


def count_documents(store: "Store", department_id: int | None = None) -> int:
    """How many documents are stored; only this department's when given."""
    q = select(func.count()).select_from(S.documents)
    if department_id is not None:
        q = q.where(S.documents.c.department_id == department_id)
    with store.engine.connect() as conn:
        return int(conn.execute(q).scalar_one())


def document_kind(store: "Store", document_id: int) -> str:
    """One stored document's kind (final | budget)."""
    with store.engine.connect() as conn:
        r = conn.execute(select(kind_column()).where(S.documents.c.id == document_id)).first()
    return str(r[0]) if r is not None else "final"


def document_scope(store: "Store", document_id: int) -> str:
    """One stored document's scope (department 部门 | unit 单位); "department" when not stored."""
    d = S.documents
    if "scope" not in d.c:
        return "department"
    with store.engine.connect() as conn:
        r = conn.execute(select(d.c.scope).where(d.c.id == document_id)).first()
    return str(r[0]) if r is not None and r[0] in ("department", "unit") else "department"


# Where a document's headline totals are printed: (table, row, column) in order of preference.
INCOME_TOTAL_CELLS: tuple[tuple[str, str, str], ...] = (
    ("income_expense_summary", "income.total", "amount"),
    ("budget_summary", "income.total", "amount"),
    ("income_expense_summary", "income.grand_total", "amount"),
    ("budget_summary", "income.grand_total", "amount"),
)
EXPENSE_TOTAL_CELLS: tuple[tuple[str, str, str], ...] = (
    ("income_expense_summary", "expense.total", "amount"),
    ("budget_summary", "expense.total", "amount"),
    ("income_expense_summary", "expense.grand_total", "amount"),
    ("budget_summary", "expense.grand_total", "amount"),
    ("expenditure", "total", "total"),
    ("budget_expenditure", "total", "total"),
)


@dataclass(slots=True)
class SeriesFigures:
    """What the department page shows of one version: kind, status and headline totals (万元)."""

    document_id: int
    kind: str
    status: str
    income_total: Decimal | None = None
    expense_total: Decimal | None = None


def series_figures(store: "Store", document_ids: list[int]) -> dict[int, SeriesFigures]:
    """Kind, status and the 本年收入/支出合计 of each document (final or budget tables alike)."""
    if not document_ids:
        return {}
    d, fa = S.documents, S.facts
    cells = INCOME_TOTAL_CELLS + EXPENSE_TOTAL_CELLS
    tables = sorted({t for t, _, _ in cells})
    rows = sorted({r for _, r, _ in cells})
    out: dict[int, SeriesFigures] = {}
    with store.engine.connect() as conn:
        for r in conn.execute(
            select(d.c.id, kind_column().label("k"), status_column().label("st")).where(d.c.id.in_(document_ids))
        ):
            out[int(r.id)] = SeriesFigures(int(r.id), str(r.k), str(r.st))
        values: dict[int, dict[tuple[str, str, str], Decimal]] = {i: {} for i in out}
        q = select(fa.c.document_id, fa.c.table_id, fa.c.row_key, fa.c.column_key, fa.c.value).where(
            fa.c.document_id.in_(document_ids), fa.c.table_id.in_(tables), fa.c.row_key.in_(rows),
            fa.c.project == "",
        )  # fmt: skip
        for r in conn.execute(q):
            values[int(r.document_id)].setdefault((r.table_id, r.row_key, r.column_key), r.value)
    for i, fig in out.items():
        got = values.get(i, {})
        fig.income_total = next((got[k] for k in INCOME_TOTAL_CELLS if k in got), None)
        fig.expense_total = next((got[k] for k in EXPENSE_TOTAL_CELLS if k in got), None)
    return out


def document_kinds(store: "Store", document_ids: list[int]) -> dict[int, str]:
    """Kinds of several stored documents by id."""
    if not document_ids:
        return {}
    d = S.documents
    with store.engine.connect() as conn:
        rows = conn.execute(select(d.c.id, kind_column()).where(d.c.id.in_(document_ids))).all()
    return {int(r[0]): str(r[1]) for r in rows}


__all__ = [
    "count_documents",
    "queue_years",
    "KINDS",
    "SORTS",
    "STATUSES",
    "QueueItem",
    "QueuePage",
    "QueueQuery",
    "RegionTotal",
    "RuleTotal",
    "SeriesFigures",
    "document_kind",
    "document_scope",
    "document_kinds",
    "queue_page",
    "series_figures",
]

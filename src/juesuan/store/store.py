"""The store: documents, their facts and findings in a SQL database (SQLite or PostgreSQL)."""

from __future__ import annotations

import functools
import hashlib
import os
from collections import defaultdict
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from sqlalchemy import Connection, Engine, and_, func, insert, or_, select
from sqlalchemy.exc import IntegrityError

from .. import __version__
from ..model import (
    CheckResult,
    Claim,
    Document,
    Fact,
    Finding,
    Provenance,
    TableInfo,
)
from . import schema as S
from .figures import COMPARE_TABLES, compute_figures, normalize_level, rollup, row_level
from .records import (
    Comparison,
    DepartmentInfo,
    Figures,
    IngestOutcome,
    StoredDocument,
    StoredFact,
    StoredFinding,
    cell_from_json,
    cell_to_json,
    finding_extra,
)
from .queue import kind_column
from .perfjson import blocks_from_json, blocks_to_json, from_json, perf_from_json, perf_to_json
from .regions import region_of
from .rules_link import Checker, current_rules_version, default_checker
from .audit import AuditMethods
from .review import ReviewMethods
from .users import UserMethods
from .versions import VersionMethods

_UNSET: Any = object()
_CHUNK = 500  # ids per IN (...) list


def file_sha256(path: str | os.PathLike[str]) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


@functools.lru_cache(maxsize=65536)
def _row_level(table: str, row: str) -> str | None:
    return row_level(table, row)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _chunks(seq: Sequence[Any], n: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


class Store(ReviewMethods, VersionMethods, UserMethods, AuditMethods):
    """A database of parsed documents. Open one with :func:`juesuan.store.open_store`.

    Every ingest is one transaction; re-ingesting a file with the same sha256 changes nothing.
    Findings are kept per rules version: checking again under a new rules version adds a check
    and its findings, and the old ones stay. Every upload of a department's year and kind is a
    version of its own; review decisions, users and the audit log: see :mod:`.review`.
    """

    def __init__(
        self,
        engine: Engine,
        url: str,
        *,
        checker: Checker | None = _UNSET,
        rules_version: str | None = _UNSET,
    ) -> None:
        self.engine = engine
        self.url = url
        self._checker = checker
        self._rules_version = rules_version

    # ------------------------------------------------------------------ plumbing

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def checker(self) -> Checker | None:
        if self._checker is _UNSET:
            self._checker = default_checker()
        return self._checker

    @property
    def rules_version(self) -> str | None:
        if self._rules_version is _UNSET:
            self._rules_version = current_rules_version()
        return self._rules_version

    # ------------------------------------------------------------------ ingest

    def document_id_by_sha(self, sha256: str) -> int | None:
        with self.engine.connect() as conn:
            return conn.execute(
                select(S.documents.c.id).where(S.documents.c.sha256 == sha256)
            ).scalar_one_or_none()

    def ingest_path(
        self,
        path: str | os.PathLike[str],
        *,
        file_name: str | None = None,
        check: bool = True,
        max_pages: int | None = None,
    ) -> IngestOutcome:
        """Read, check and store one file. Raises :class:`~juesuan.ingest.errors.InputError`
        for unusable input; a file already stored (same sha256) is not read again."""
        from ..ingest.errors import InputError, require_regular_file, unreadable
        from ..pipeline import read_document

        p = Path(path)
        require_regular_file(p)  # a FIFO or device would block or never end the hash below
        try:
            sha = file_sha256(p)
        except OSError as exc:
            raise unreadable(p, exc) from None
        name = file_name if file_name is not None else p.name
        existing = self._existing_outcome(sha, name)
        if existing is not None:
            return existing
        doc = read_document(p)
        if max_pages is not None and doc.pages is not None and doc.pages > max_pages:
            raise InputError(f"{name}: 共 {doc.pages} 页，超过上限 {max_pages} 页")
        return self.ingest_document(doc, sha, file_name=name, check=check)

    def _existing_outcome(self, sha: str, name: str | None) -> IngestOutcome | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(
                    S.documents.c.id,
                    S.documents.c.department,
                    S.documents.c.year,
                    S.documents.c.fact_count,
                    S.documents.c.file_name,
                ).where(S.documents.c.sha256 == sha)
            ).first()
            if row is None:
                return None
            last = conn.execute(
                select(S.checks.c.rules_version, S.checks.c.errors, S.checks.c.warnings, S.checks.c.infos)
                .where(S.checks.c.document_id == row.id)
                .order_by(S.checks.c.id.desc())
                .limit(1)
            ).first()
        return IngestOutcome(
            "exists",
            row.id,
            sha,
            row.file_name or name,
            row.department,
            row.year,
            row.fact_count,
            None if last is None else last.errors + last.warnings + last.infos,
            None if last is None else last.rules_version,
        )

    def _run_check(self, doc: Document, warnings: list[str]) -> CheckResult | None:
        checker = self.checker
        if checker is None or self.rules_version is None:
            warnings.append("规则引擎不可用，未检查 (rule engine unavailable)")
            return None
        try:
            return checker(doc)
        except Exception as exc:  # a rule bug must not lose the facts; recheck() retries
            reason = str(exc).splitlines()[0][:200] if str(exc) else ""
            warnings.append(
                f"{CHECK_FAILED}，事实已保存，可重新检查 (rule check failed: {type(exc).__name__}"
                f"{': ' + reason if reason else ''})"
            )
            return None

    def ingest_document(
        self,
        doc: Document,
        sha256: str,
        *,
        file_name: str | None = None,
        result: CheckResult | None = None,
        check: bool = True,
    ) -> IngestOutcome:
        """Store a parsed document (and its findings) in one transaction.

        ``result`` is the check result to store; without it the rule engine runs (unless
        ``check=False``). A document with this sha256 already stored is left as it is.
        """
        name = file_name if file_name is not None else Path(doc.source).name
        existing = self._existing_outcome(sha256, name)
        if existing is not None:
            return existing
        warnings: list[str] = []
        if result is None and check:
            result = self._run_check(doc, warnings)
        version = self.rules_version if result is not None else None
        if result is not None and version is None:
            version = "unversioned"
        try:
            with self.engine.begin() as conn:
                doc_id = self._insert_document(conn, doc, sha256, name, warnings)
                if result is not None:
                    self._insert_check(conn, doc_id, version or "", result.findings)
        except IntegrityError:
            # stored meanwhile by someone else (same sha256): that is the idempotent outcome
            existing = self._existing_outcome(sha256, name)
            if existing is None:
                raise
            return existing
        return IngestOutcome(
            "ingested",
            doc_id,
            sha256,
            name,
            doc.department,
            doc.year,
            len(doc.facts),
            None if result is None else len(result.findings),
            version,
            warnings,
        )

    def ingest_many(
        self,
        items: Iterable[tuple[Document, str, str | None, CheckResult | None]],
        *,
        rules_version: str | None = None,
    ) -> list[int]:
        """Bulk insert ``(document, sha256, file_name, result_or_None)`` in ONE transaction.

        For loading many documents fast (benchmarks, imports); no rule engine runs here and
        duplicates by sha256 are an error (IntegrityError, everything rolled back).
        """
        version = rules_version or self.rules_version or "unversioned"
        ids = []
        with self.engine.begin() as conn:
            for doc, sha, name, result in items:
                doc_id = self._insert_document(conn, doc, sha, name)
                if result is not None:
                    self._insert_check(conn, doc_id, version, result.findings)
                ids.append(doc_id)
        return ids

    # -- inserts (inside a caller's transaction)

    def _department_id(self, conn: Connection, name: str | None) -> int | None:
        if not name:
            return None
        q = select(S.departments.c.id).where(S.departments.c.name == name)
        found = conn.execute(q).scalar_one_or_none()
        if found is not None:
            return found
        r = region_of(name)
        values = {
            "name": name,
            "region": r.region,
            "province": r.province,
            "city": r.city,
            "county": r.county,
            "level": r.level,
        }
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            conn.execute(pg_insert(S.departments).values(values).on_conflict_do_nothing())
        elif conn.dialect.name == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as lite_insert

            conn.execute(lite_insert(S.departments).values(values).on_conflict_do_nothing())
        else:  # pragma: no cover
            conn.execute(insert(S.departments).values(values))
        return conn.execute(q).scalar_one()

    def _insert_document(
        self, conn: Connection, doc: Document, sha: str, name: str | None, extra_warnings: list[str] | None = None
    ) -> int:
        """Insert one document row (and its content); ``extra_warnings`` (a failed rule check
        with its reason) are stored with the document's own warnings."""
        dept_id = self._department_id(conn, doc.department)
        res = conn.execute(
            insert(S.documents).values(
                sha256=sha,
                file_name=name,
                format=doc.format,
                pages=doc.pages,
                department_id=dept_id,
                department=doc.department,
                year=doc.year,
                unit=doc.unit,
                ingested_at=_now(),
                parser_version=__version__,
                fact_count=len(doc.facts),
                toc=list(doc.toc),
                unreadable=list(doc.unreadable),
                warnings=list(doc.warnings) + list(extra_warnings or []),
                scope=getattr(doc, "scope", None),
                family=getattr(doc, "family", None),
                kind=doc.kind if getattr(doc, "kind", None) in ("final", "budget") else None,
            )
        )
        doc_id = int(res.inserted_primary_key[0])
        text_blocks = blocks_to_json(list(doc.text))
        perf = perf_to_json(list(getattr(doc, "perf", None) or []))
        if text_blocks is not None or perf is not None:
            conn.execute(
                insert(S.document_content).values(document_id=doc_id, text_blocks=text_blocks, perf=perf)
            )
        self._insert_tables(conn, doc_id, doc.tables)
        self._insert_facts(conn, doc_id, doc.facts)
        self._insert_claims(conn, doc_id, doc.claims)
        return doc_id

    def _insert_tables(self, conn: Connection, doc_id: int, tables: list[TableInfo]) -> None:
        if not tables:
            return
        conn.execute(
            insert(S.tables_found),
            [
                {
                    "document_id": doc_id,
                    "position": i,
                    "table_id": t.id,
                    "title": t.title,
                    "number": t.number,
                    "unit": t.unit,
                    "page": t.prov.page,
                    "line": t.prov.line,
                    "ref": t.prov.ref,
                    "empty": bool(t.empty),
                    "fragment": bool(t.fragment),
                    "layout": t.layout,
                    "notes": list(t.notes),
                    "row_labels": dict(t.row_labels),
                }
                for i, t in enumerate(tables)
            ],
        )

    _FACT_COLUMNS = (
        "document_id", "table_id", "row_key", "column_key", "value", "raw", "label", "project",
        "level", "line", "page", "ref",
    )  # fmt: skip

    def _insert_facts(self, conn: Connection, doc_id: int, facts: list[Fact]) -> None:
        """All facts of a document in one executemany, straight to the driver (the bulk of a
        store's rows: SQLAlchemy's per-row parameter processing would dominate ingest time)."""
        if not facts:
            return
        dialect = conn.dialect
        to_db = S.DecimalText().process_bind_param
        rows = [
            (
                doc_id, f.table, f.row, f.column, to_db(f.value, dialect), f.raw, f.label or "",
                f.project or "", _row_level(f.table, f.row), f.prov.line, f.prov.page, f.prov.ref,
            )  # fmt: skip
            for f in facts
        ]
        marker = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(dialect.paramstyle)
        if marker is None:  # pragma: no cover - other drivers: the portable path
            conn.execute(insert(S.facts), [dict(zip(self._FACT_COLUMNS, r, strict=True)) for r in rows])
            return
        sql = (
            f"INSERT INTO facts ({', '.join(self._FACT_COLUMNS)}) "
            f"VALUES ({', '.join([marker] * len(self._FACT_COLUMNS))})"
        )
        conn.exec_driver_sql(sql, rows)

    def _insert_claims(self, conn: Connection, doc_id: int, claims: list[Claim]) -> None:
        if not claims:
            return
        conn.execute(
            insert(S.claims),
            [
                {
                    "document_id": doc_id,
                    "subject": c.subject,
                    "kind": c.kind,
                    "value": c.value,
                    "raw": c.raw,
                    "unit": c.unit,
                    "text": c.text,
                    "direction": c.direction,
                    "whole": c.whole,
                    "fact_table": c.fact[0] if c.fact else None,
                    "fact_row": c.fact[1] if c.fact else None,
                    "fact_column": c.fact[2] if c.fact else None,
                    "line": c.prov.line,
                    "page": c.prov.page,
                }
                for c in claims
            ],
        )

    def _insert_check(
        self, conn: Connection, doc_id: int, version: str, found: list[Finding]
    ) -> int:
        counts = {s: sum(1 for f in found if f.severity == s) for s in ("error", "warning", "info")}
        res = conn.execute(
            insert(S.checks).values(
                document_id=doc_id,
                rules_version=version,
                checked_at=_now(),
                errors=counts["error"],
                warnings=counts["warning"],
                infos=counts["info"],
            )
        )
        check_id = int(res.inserted_primary_key[0])
        if found:
            conn.execute(
                insert(S.findings),
                [
                    {
                        "document_id": doc_id,
                        "check_id": check_id,
                        "rules_version": version,
                        "position": i,
                        "rule": f.rule,
                        "severity": f.severity,
                        "family": f.family or "",
                        "title": f.title,
                        "message": f.message,
                        "tables": list(f.tables),
                        "cells": [cell_to_json(c) for c in f.cells],
                        "expected": f.expected,
                        "printed": f.printed,
                        "difference": f.difference,
                        "extra": finding_extra(f),
                    }
                    for i, f in enumerate(found)
                ],
            )
        return check_id

    # ------------------------------------------------------------------ checking again

    def recheck(
        self, document_ids: Iterable[int] | None = None, *, force: bool = False
    ) -> list[tuple[int, str, int]]:
        """Check stored documents under the current rules version, where not yet done.

        The document is rebuilt from the database (facts, tables, claims, table of contents).
        Findings of earlier rules versions are kept. Returns ``(document_id, version, findings)``
        for each document checked. ``force`` replaces an existing check of the current version.
        """
        checker, version = self.checker, self.rules_version
        if checker is None or version is None:
            return []
        with self.engine.connect() as conn:
            q = select(S.documents.c.id).order_by(S.documents.c.id)
            if document_ids is not None:
                q = q.where(S.documents.c.id.in_(list(document_ids)))
            ids = list(conn.execute(q).scalars())
            done = set(
                conn.execute(
                    select(S.checks.c.document_id).where(S.checks.c.rules_version == version)
                ).scalars()
            )
        out = []
        for doc_id in ids:
            if doc_id in done and not force:
                continue
            result = checker(self.load_document(doc_id))
            with self.engine.begin() as conn:
                if doc_id in done:
                    conn.execute(
                        S.checks.delete().where(
                            and_(S.checks.c.document_id == doc_id, S.checks.c.rules_version == version)
                        )
                    )
                    conn.execute(
                        S.findings.delete().where(
                            and_(S.findings.c.document_id == doc_id, S.findings.c.rules_version == version)
                        )
                    )
                self._insert_check(conn, doc_id, version, result.findings)
                stored = conn.execute(
                    select(S.documents.c.warnings).where(S.documents.c.id == doc_id)
                ).scalar_one_or_none()
                kept = [w for w in (stored or []) if not str(w).startswith(CHECK_FAILED)]
                if stored and kept != list(stored):  # the failed check is made good
                    conn.execute(S.documents.update().where(S.documents.c.id == doc_id).values(warnings=kept))
            out.append((doc_id, version, len(result.findings)))
        return out

    # ------------------------------------------------------------------ documents

    def _documents_query(self):  # type: ignore[no-untyped-def]
        latest = (
            select(S.checks.c.document_id, func.max(S.checks.c.id).label("cid"))
            .group_by(S.checks.c.document_id)
            .subquery()
        )
        d, dep, ch = S.documents, S.departments, S.checks
        return select(
            d.c.id,
            d.c.sha256,
            d.c.file_name,
            d.c.format,
            d.c.pages,
            d.c.department_id,
            d.c.department,
            dep.c.region,
            dep.c.level,
            d.c.year,
            d.c.unit,
            d.c.ingested_at,
            d.c.parser_version,
            d.c.fact_count,
            ch.c.rules_version,
            ch.c.errors.label("n_errors"),
            ch.c.warnings.label("n_warnings"),
            ch.c.infos.label("n_infos"),
            d.c.kind,
            d.c.scope,
            d.c.family,
            d.c.status,
        ).select_from(
            d.outerjoin(dep, dep.c.id == d.c.department_id)
            .outerjoin(latest, latest.c.document_id == d.c.id)
            .outerjoin(ch, ch.c.id == latest.c.cid)
        )

    @staticmethod
    def _stored_document(r: Any) -> StoredDocument:
        at = r.ingested_at
        if at is not None and at.tzinfo is None:  # SQLite keeps no zone; we wrote UTC
            at = at.replace(tzinfo=timezone.utc)
        return StoredDocument(
            r.id, r.sha256, r.file_name, r.format, r.pages, r.department_id, r.department,
            r.region, r.level, r.year, r.unit, at, r.parser_version, r.fact_count,
            r.rules_version, r.n_errors, r.n_warnings, r.n_infos,
            r.kind, r.scope, r.family, r.status,
        )  # fmt: skip

    def documents(
        self,
        *,
        department: str | int | None = None,
        year: int | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[StoredDocument]:
        """Stored documents, newest first; ``department`` is a name or a department id."""
        q = self._documents_query()
        if isinstance(department, int):
            q = q.where(S.documents.c.department_id == department)
        elif department:
            q = q.where(S.documents.c.department == department)
        if year is not None:
            q = q.where(S.documents.c.year == year)
        q = q.order_by(S.documents.c.id.desc()).offset(offset)
        if limit is not None:
            q = q.limit(limit)
        with self.engine.connect() as conn:
            return [self._stored_document(r) for r in conn.execute(q)]

    def count_documents(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(S.documents)).scalar_one()

    def count_facts(self, document_id: int | None = None) -> int:
        q = select(func.count()).select_from(S.facts)
        if document_id is not None:
            q = q.where(S.facts.c.document_id == document_id)
        with self.engine.connect() as conn:
            return conn.execute(q).scalar_one()

    def document(self, document_id: int) -> StoredDocument | None:
        q = self._documents_query().where(S.documents.c.id == document_id)
        with self.engine.connect() as conn:
            r = conn.execute(q).first()
        return None if r is None else self._stored_document(r)

    def years(self) -> list[int]:
        with self.engine.connect() as conn:
            q = select(S.documents.c.year).where(S.documents.c.year.is_not(None)).distinct()
            return sorted(conn.execute(q).scalars(), reverse=True)

    def departments(self) -> list[DepartmentInfo]:
        dep, d = S.departments, S.documents
        with self.engine.connect() as conn:
            deps = conn.execute(select(dep).order_by(dep.c.name)).all()
            years: dict[int, set[int]] = defaultdict(set)
            counts: dict[int, int] = defaultdict(int)
            for dept_id, year in conn.execute(
                select(d.c.department_id, d.c.year).where(d.c.department_id.is_not(None))
            ):
                counts[dept_id] += 1
                if year is not None:
                    years[dept_id].add(year)
        return [
            DepartmentInfo(r.id, r.name, r.region, r.level, sorted(years[r.id]), counts[r.id])
            for r in deps
        ]

    def department(self, department: int | str) -> DepartmentInfo | None:
        dep = S.departments
        cond = dep.c.id == department if isinstance(department, int) else dep.c.name == department
        with self.engine.connect() as conn:
            r = conn.execute(select(dep).where(cond)).first()
            if r is None:
                return None
            rows = conn.execute(
                select(S.documents.c.year).where(S.documents.c.department_id == r.id)
            ).scalars().all()
        return DepartmentInfo(
            r.id, r.name, r.region, r.level, sorted({y for y in rows if y is not None}), len(rows)
        )

    def checks(self, document_id: int) -> list[dict[str, Any]]:
        """Every check of a document, oldest first (one per rules version)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(S.checks).where(S.checks.c.document_id == document_id).order_by(S.checks.c.id)
            ).all()
        return [
            {
                "rules_version": r.rules_version,
                "checked_at": r.checked_at.isoformat() if r.checked_at else None,
                "error": r.errors,
                "warning": r.warnings,
                "info": r.infos,
            }
            for r in rows
        ]

    # ------------------------------------------------------------------ facts

    def _facts_query(
        self,
        document_id: int | Sequence[int] | None,
        table: str | None,
        row_prefix: str | None,
        level: str | None,
        column: str | None,
        project: str | None,
    ):  # type: ignore[no-untyped-def]
        f = S.facts
        q = select(f)
        if isinstance(document_id, int):
            q = q.where(f.c.document_id == document_id)
        elif document_id is not None:
            q = q.where(f.c.document_id.in_(list(document_id)))
        if table:
            q = q.where(f.c.table_id == table)
        if row_prefix:
            q = q.where(f.c.row_key.startswith(row_prefix, autoescape=True))
        lvl = normalize_level(level)
        if lvl:
            q = q.where(f.c.level == lvl)
        if column:
            q = q.where(f.c.column_key == column)
        if project is not None:
            q = q.where(f.c.project == project)
        return q.order_by(f.c.document_id, f.c.id)

    @staticmethod
    def _stored_fact(r: Any) -> StoredFact:
        return StoredFact(
            r.document_id, r.table_id, r.row_key, r.column_key, r.value, r.raw, r.label,
            r.project, r.level, r.line, r.page, r.ref,
        )  # fmt: skip

    def facts(
        self,
        document_id: int | Sequence[int] | None = None,
        *,
        table: str | None = None,
        row_prefix: str | None = None,
        level: str | None = None,
        column: str | None = None,
        project: str | None = None,
    ) -> list[StoredFact]:
        """Facts in document order. ``level`` is 类/款/项 (classification-coded rows only),
        ``row_prefix`` e.g. "208" for 社会保障和就业支出 and everything under it,
        ``project=""`` for the standard tables only (no performance-evaluation facts)."""
        q = self._facts_query(document_id, table, row_prefix, level, column, project)
        with self.engine.connect() as conn:
            return [self._stored_fact(r) for r in conn.execute(q)]

    def aggregate(
        self,
        document_id: int,
        *,
        table: str = "expenditure",
        column: str = "total",
        level: str = "类",
    ) -> dict[str, Decimal]:
        """Amounts by classification code at ``level`` (类/款/项), rolled up exactly.

        A code printed at that level is taken as printed; one that is not is the sum of its
        printed children (see :func:`juesuan.store.figures.rollup`).
        """
        values = {
            f.row: f.value
            for f in self.facts(document_id, table=table, column=column, project="")
            if f.row.isdigit()
        }
        return rollup(values, level)

    def iter_fact_rows(
        self, document_id: int | None = None, *, batch: int = 5000
    ) -> Iterator[dict[str, Any]]:
        """Every fact joined with its document, streamed (for export)."""
        f, d = S.facts, S.documents
        q = (
            select(
                f.c.document_id, d.c.sha256, d.c.file_name, d.c.department, d.c.year, d.c.kind,
                f.c.table_id, f.c.row_key, f.c.column_key, f.c.value, f.c.raw, f.c.label,
                f.c.project, f.c.level, f.c.page, f.c.line, f.c.ref,
            )  # fmt: skip
            .select_from(f.join(d, d.c.id == f.c.document_id))
            .order_by(f.c.document_id, f.c.id)
        )
        if document_id is not None:
            q = q.where(f.c.document_id == document_id)
        with self.engine.connect() as conn:
            result = conn.execution_options(yield_per=batch).execute(q)
            for r in result:
                yield {
                    "document_id": r.document_id,
                    "sha256": r.sha256,
                    "file_name": r.file_name,
                    "department": r.department,
                    "year": r.year,
                    "kind": r.kind,
                    "table": r.table_id,
                    "row": r.row_key,
                    "column": r.column_key,
                    "value": r.value,
                    "raw": r.raw,
                    "label": r.label,
                    "project": r.project,
                    "level": r.level,
                    "page": r.page,
                    "line": r.line,
                    "ref": r.ref,
                }

    # ------------------------------------------------------------------ findings

    def _latest_check_ids(self):  # type: ignore[no-untyped-def]
        return select(func.max(S.checks.c.id)).group_by(S.checks.c.document_id)

    def findings(
        self,
        document_id: int | None = None,
        *,
        rules_version: str | None = None,
        all_versions: bool = False,
        severity: str | Iterable[str] | None = None,
        table: str | None = None,
        rule: str | None = None,
    ) -> list[StoredFinding]:
        """Findings, by default of each document's latest check; ``rules_version`` picks one
        version, ``all_versions`` returns every version's."""
        fi = S.findings
        q = select(fi)
        if document_id is not None:
            q = q.where(fi.c.document_id == document_id)
        if rules_version is not None:
            q = q.where(fi.c.rules_version == rules_version)
        elif not all_versions:
            q = q.where(fi.c.check_id.in_(self._latest_check_ids()))
        if severity:
            sev = [severity] if isinstance(severity, str) else list(severity)
            q = q.where(fi.c.severity.in_(sev))
        if rule:
            q = q.where(fi.c.rule == rule)
        q = q.order_by(fi.c.document_id, fi.c.check_id, fi.c.position)
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        out = [
            StoredFinding(
                r.id, r.document_id, r.rules_version, r.rule, r.severity, r.family, r.title,
                r.message, list(r.tables or []), [cell_from_json(c) for c in (r.cells or [])],
                r.expected, r.printed, r.difference, from_json(r.extra) if r.extra else {},
            )  # fmt: skip
            for r in rows
        ]
        if table:
            out = [f for f in out if table in f.tables or any(c.table == table for c in f.cells)]
        return out

    def iter_finding_rows(
        self, document_id: int | None = None, *, all_versions: bool = False
    ) -> Iterator[dict[str, Any]]:
        """Findings joined with their document (for export)."""
        docs = {d.id: d for d in self.documents()} if document_id is None else {}
        if document_id is not None:
            one = self.document(document_id)
            docs = {one.id: one} if one else {}
        for f in self.findings(document_id, all_versions=all_versions):
            d = docs.get(f.document_id)
            yield {
                "document_id": f.document_id,
                "sha256": d.sha256 if d else None,
                "department": d.department if d else None,
                "year": d.year if d else None,
                "kind": d.kind if d else None,
                "rules_version": f.rules_version,
                "rule": f.rule,
                "severity": f.severity,
                "family": f.family,
                "title": f.title,
                "message": f.message,
                "tables": " ".join(f.tables),
                "expected": f.expected,
                "printed": f.printed,
                "difference": f.difference,
                "cells": [cell_to_json(c) for c in f.cells],
                "extra": f.extra or None,
            }

    # ------------------------------------------------------------------ rebuilding documents

    def load_document(self, document_id: int) -> Document:
        """The stored document as a :class:`~juesuan.model.Document` (KeyError if absent).

        Everything a check reads is stored: facts, tables, claims, narrative blocks, the table of
        contents and the self-evaluation tables (the source file itself is not).
        """
        d = S.documents
        with self.engine.connect() as conn:
            r = conn.execute(select(d).where(d.c.id == document_id)).first()
            if r is None:
                raise KeyError(document_id)
            tables = conn.execute(
                select(S.tables_found)
                .where(S.tables_found.c.document_id == document_id)
                .order_by(S.tables_found.c.position)
            ).all()
            frows = conn.execute(
                select(S.facts).where(S.facts.c.document_id == document_id).order_by(S.facts.c.id)
            ).all()
            crows = conn.execute(
                select(S.claims).where(S.claims.c.document_id == document_id).order_by(S.claims.c.id)
            ).all()
            content = conn.execute(
                select(S.document_content).where(S.document_content.c.document_id == document_id)
            ).first()
        facts = [
            Fact(
                table=f.table_id,
                row=f.row_key,
                column=f.column_key,
                value=f.value,
                raw=f.raw,
                prov=Provenance(line=f.line, page=f.page, ref=f.ref),
                label=f.label,
                project=f.project,
            )
            for f in frows
        ]
        warnings = list(r.warnings or [])
        extra: dict[str, Any] = {}
        if "perf" in Document.__dataclass_fields__:
            extra["perf"] = perf_from_json(content.perf if content else None, facts, warnings)
        return Document(
            source=r.file_name or r.sha256,
            format=r.format,
            department=r.department,
            year=r.year,
            unit=r.unit,
            tables=[
                TableInfo(
                    id=t.table_id,
                    title=t.title,
                    number=t.number,
                    unit=t.unit,
                    prov=Provenance(line=t.line, page=t.page, ref=t.ref),
                    empty=bool(t.empty),
                    fragment=bool(t.fragment),
                    notes=list(t.notes or []),
                    row_labels=dict(t.row_labels or {}),
                    layout=t.layout,
                )
                for t in tables
            ],
            facts=facts,
            pages=r.pages,
            toc=list(r.toc or []),
            text=blocks_from_json(content.text_blocks if content else None),
            claims=[
                Claim(
                    subject=c.subject,
                    kind=c.kind,
                    value=c.value,
                    raw=c.raw,
                    unit=c.unit,
                    text=c.text,
                    prov=Provenance(line=c.line, page=c.page),
                    direction=c.direction,
                    whole=c.whole,
                    fact=(c.fact_table, c.fact_row, c.fact_column) if c.fact_table else None,
                )
                for c in crows
            ],
            unreadable=list(r.unreadable or []),
            warnings=warnings,
            **extra,
        )

    def load_result(self, document_id: int, *, rules_version: str | None = None) -> CheckResult:
        """The document with the findings of its latest check (or of ``rules_version``)."""
        doc = self.load_document(document_id)
        found = self.findings(document_id, rules_version=rules_version)
        return CheckResult(doc, [f.to_finding() for f in found])

    # ------------------------------------------------------------------ comparison

    def figures(self, document_ids: Sequence[int]) -> dict[int, Figures]:
        """The headline figures of each document (see :class:`~juesuan.store.records.Figures`)."""
        ids = list(dict.fromkeys(document_ids))
        out: dict[int, Figures] = {}
        if not ids:
            return out
        d, dep, f, c = S.documents, S.departments, S.facts, S.claims
        facts: dict[int, dict[tuple[str, str, str], Decimal]] = defaultdict(dict)
        labels: dict[int, dict[tuple[str, str], str]] = defaultdict(dict)
        claims: dict[int, list[tuple[str, str, Decimal, str]]] = defaultdict(list)
        with self.engine.connect() as conn:
            for part in _chunks(ids):
                for r in conn.execute(
                    select(
                        d.c.id, d.c.department_id, d.c.department, d.c.year, dep.c.region, dep.c.level
                    )
                    .select_from(d.outerjoin(dep, dep.c.id == d.c.department_id))
                    .where(d.c.id.in_(part))
                ):
                    out[r.id] = Figures(
                        r.id, r.department_id, r.department, r.region, r.level, r.year
                    )
                for r in conn.execute(
                    select(f.c.document_id, f.c.table_id, f.c.row_key, f.c.column_key, f.c.value, f.c.label)
                    .where(f.c.document_id.in_(part))
                    .where(f.c.table_id.in_(COMPARE_TABLES))
                    .where(f.c.project == "")
                ):
                    facts[r.document_id][(r.table_id, r.row_key, r.column_key)] = r.value
                    if r.label:
                        labels[r.document_id].setdefault((r.table_id, r.row_key), r.label)
                for r in conn.execute(
                    select(c.c.document_id, c.c.subject, c.c.kind, c.c.value, c.c.unit)
                    .where(c.c.document_id.in_(part))
                    .where(c.c.subject.contains("机关运行经费"))
                    .order_by(c.c.id)
                ):
                    claims[r.document_id].append((r.subject, r.kind, r.value, r.unit))
        for doc_id, fig in out.items():
            compute_figures(fig, facts.get(doc_id, {}), labels.get(doc_id, {}), claims.get(doc_id, ()))
        return {i: out[i] for i in ids if i in out}

    def _resolve_departments(
        self, conn: Connection, departments: Iterable[str | int]
    ) -> tuple[list[tuple[str, int | None]], dict[int, str]]:
        wanted: list[tuple[str, int | None]] = []  # (as asked, id or None)
        names, ids = [], []
        asked = [str(x).strip() for x in departments if str(x).strip()]
        for a in asked:
            (ids if a.isdigit() else names).append(int(a) if a.isdigit() else a)
        dep = S.departments
        found: dict[str, int] = {}
        id_names: dict[int, str] = {}
        if names or ids:
            conds = []
            if names:
                conds.append(dep.c.name.in_(names))
            if ids:
                conds.append(dep.c.id.in_(ids))
            for r in conn.execute(select(dep.c.id, dep.c.name).where(or_(*conds))):
                found[r.name] = r.id
                found[str(r.id)] = r.id
                id_names[r.id] = r.name
        for a in asked:
            wanted.append((a, found.get(a)))
        return wanted, id_names

    def compare(
        self, departments: Iterable[str | int], year: int | None = None
    ) -> Comparison:
        """Headline figures of departments (names or ids) side by side for one year.

        Totals, basic vs project spending, 三公 items, 机关运行经费 and spending by function
        class. Without ``year``, each department's latest year. Per department and year the
        most recently ingested final accounts count (a budget only when there are none).
        """
        d = S.documents
        with self.engine.connect() as conn:
            wanted, id_names = self._resolve_departments(conn, departments)
            dept_ids = list(dict.fromkeys(i for _, i in wanted if i is not None))
            chosen: dict[int, int] = {}
            if dept_ids:
                q = select(d.c.id, d.c.department_id, d.c.year, kind_column().label("kind")).where(
                    d.c.department_id.in_(dept_ids)
                )
                if year is not None:
                    q = q.where(d.c.year == year)
                best: dict[int, tuple[int, int, int]] = {}
                for r in conn.execute(q):  # a year's final accounts over its budget, then the newest
                    rank = (r.year or 0, int(r.kind == "final"), r.id)
                    if r.department_id not in best or rank > best[r.department_id]:
                        best[r.department_id] = rank
                chosen = {dept: rank[-1] for dept, rank in best.items()}
        figs = self.figures(list(chosen.values()))
        rows, missing, seen = [], [], set()
        for asked, dept_id in wanted:
            if dept_id is None or dept_id not in chosen:
                missing.append(id_names.get(dept_id, asked) if dept_id else asked)
                continue
            if dept_id in seen:
                continue
            seen.add(dept_id)
            rows.append(figs[chosen[dept_id]])
        return Comparison(year, rows, missing)

    def department_years(self, department: int | str) -> list[Figures]:
        """One department's figures per year and kind (决算/预算): the latest version of each,
        oldest year first (every version: :meth:`versions`)."""
        info = self.department(department)
        if info is None:
            return []
        d = S.documents
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(d.c.id, d.c.year, kind_column().label("kind"))
                .where(d.c.department_id == info.id)
                .order_by(d.c.id)
            ).all()
        per_year: dict[tuple[int | None, str], int] = {}
        for r in rows:
            per_year[(r.year, r.kind)] = r.id
        figs = self.figures(list(per_year.values()))
        return sorted(figs.values(), key=lambda x: (x.year is None, x.year or 0))


CHECK_FAILED = "规则检查失败"  # how a stored document's warning about a failed rule check begins


def open_store(
    url: str | os.PathLike[str] | None = None,
    *,
    migrate: bool = True,
    echo: bool = False,
    checker: Checker | None = _UNSET,
    rules_version: str | None = _UNSET,
) -> Store:
    """Open (and, with ``migrate``, create or upgrade) the store at ``url``.

    ``url`` is a SQLAlchemy URL (``sqlite:///juesuan.db``, ``postgresql://user@host/db`` — psycopg
    3 is used), a plain file path for SQLite, or None for ``$JUESUAN_DB`` / ``sqlite:///juesuan.db``.
    ``checker``/``rules_version`` override the rule engine (tests, rules upgrades).
    """
    from .engine import make_engine, normalize_url

    full = normalize_url(url)
    if full.startswith("sqlite:///") and full not in ("sqlite:///", "sqlite:///:memory:"):
        path = full[len("sqlite:///") :].split("?", 1)[0]
        if path and not path.startswith("file:"):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(full, echo=echo)
    if migrate:
        from .migrate import upgrade

        upgrade(engine)
    return Store(engine, full, checker=checker, rules_version=rules_version)


__all__ = ["Store", "open_store", "file_sha256"]


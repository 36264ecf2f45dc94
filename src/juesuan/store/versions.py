"""Documents as versions: each upload of one department's year and kind (决算/预算) is a version.

Nothing is collapsed: every upload is kept, numbered 1, 2, … in upload order, and "latest" is the
newest. A document without a recognised department is a version group of its own.

    store.versions(document_id)          # [VersionInfo] of its department-year-kind, oldest first
    store.previous_version(document_id)  # the version before it, or None
    store.version_diff(a, b)             # VersionDiff: findings new / fixed / carried, by fingerprint
    store.set_status(document_id, "returned", user=reviewer)   # new | in_review | returned | approved
    store.document_status(document_id)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select

from . import schema as S
from .audit import write_audit
from .queue import STATUSES, kind_column, status_column
from .records import StoredFinding
from .users import User


def finding_fingerprint(f: StoredFinding) -> str:
    from ..rules.fingerprint import fingerprint

    return fingerprint(f.to_finding())


@dataclass(slots=True)
class VersionInfo:
    document_id: int
    version: int  # 1, 2, … in upload order within the department-year-kind
    latest: bool
    file_name: str | None
    ingested_at: datetime
    status: str
    kind: str
    department_id: int | None
    department: str | None
    year: int | None
    errors: int | None = None
    warnings: int | None = None
    infos: int | None = None

    @property
    def status_name(self) -> str:
        return STATUSES.get(self.status, self.status)

    def to_dict(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "version": self.version,
            "latest": self.latest,
            "file_name": self.file_name,
            "ingested_at": self.ingested_at.isoformat(),
            "status": self.status,
            "kind": self.kind,
            "department_id": self.department_id,
            "department": self.department,
            "year": self.year,
            "counts": None if self.errors is None else {"error": self.errors, "warning": self.warnings, "info": self.infos},
        }


@dataclass(slots=True)
class VersionDiff:
    """What changed from version ``a`` to version ``b`` (findings of each one's latest check)."""

    a: int
    b: int
    new: list[StoredFinding] = field(default_factory=list)  # in b only
    fixed: list[StoredFinding] = field(default_factory=list)  # in a only (b's finding is gone)
    carried: list[StoredFinding] = field(default_factory=list)  # in both (b's findings)

    def to_dict(self) -> dict[str, Any]:
        def one(f: StoredFinding) -> dict[str, Any]:
            return {**f.to_dict(), "fingerprint": finding_fingerprint(f)}

        return {
            "a": self.a,
            "b": self.b,
            "new": [one(f) for f in self.new],
            "fixed": [one(f) for f in self.fixed],
            "carried": [one(f) for f in self.carried],
        }


class VersionMethods:
    """Store methods for versions and document status (mixed into :class:`~juesuan.store.Store`)."""

    engine: Any

    def _version_ids(self, conn: Any, document_id: int) -> list[int]:
        d = S.documents
        kind = kind_column()
        r = conn.execute(select(d.c.department_id, d.c.year, kind.label("k")).where(d.c.id == document_id)).first()
        if r is None:
            raise KeyError(document_id)
        if r.department_id is None:
            return [document_id]
        year_cond = d.c.year.is_(None) if r.year is None else d.c.year == r.year
        q = (
            select(d.c.id)
            .where(and_(d.c.department_id == r.department_id, year_cond, kind == r.k))
            .order_by(d.c.id)
        )
        return [int(x) for x in conn.execute(q).scalars()]

    def version_ids(self, document_id: int) -> list[int]:
        """The ids of every version of ``document_id``'s department-year-kind, oldest first."""
        with self.engine.connect() as conn:
            return self._version_ids(conn, document_id)

    def previous_version(self, document_id: int) -> int | None:
        ids = self.version_ids(document_id)
        i = ids.index(document_id)
        return ids[i - 1] if i > 0 else None

    def latest_version(self, document_id: int) -> int:
        return self.version_ids(document_id)[-1]

    def versions(self, document_id: int) -> list[VersionInfo]:
        """Every version of ``document_id``'s department-year-kind, oldest first (KeyError if absent)."""
        ids = self.version_ids(document_id)
        docs = {d.id: d for d in (self.document(i) for i in ids) if d is not None}  # type: ignore[attr-defined]
        d = S.documents
        with self.engine.connect() as conn:
            extra = {
                r.id: (r.st, r.k)
                for r in conn.execute(
                    select(d.c.id, status_column().label("st"), kind_column().label("k")).where(d.c.id.in_(ids))
                )
            }
        out = []
        for n, i in enumerate(ids, 1):
            doc = docs[i]
            st, k = extra[i]
            out.append(
                VersionInfo(
                    i, n, n == len(ids), doc.file_name, doc.ingested_at, st, k, doc.department_id,
                    doc.department, doc.year, doc.errors, doc.warnings, doc.infos,
                )  # fmt: skip
            )
        return out

    def version_diff(self, a: int, b: int) -> VersionDiff:
        """Findings new in ``b``, fixed (in ``a``, gone from ``b``) and carried (in both), matched
        by fingerprint; each from the document's latest check."""
        fa = self.findings(a)  # type: ignore[attr-defined]
        fb = self.findings(b)  # type: ignore[attr-defined]
        ka = {finding_fingerprint(f) for f in fa}
        kb = {finding_fingerprint(f) for f in fb}
        diff = VersionDiff(a, b)
        for f in fb:
            (diff.carried if finding_fingerprint(f) in ka else diff.new).append(f)
        diff.fixed = [f for f in fa if finding_fingerprint(f) not in kb]
        return diff

    def delete_document(self, document_id: int) -> None:
        """Remove a document and everything stored with it (its facts, checks, findings, reviews)."""
        d = S.documents
        with self.engine.begin() as conn:
            for t in reversed(S.metadata.sorted_tables):  # children first
                c = t.c.get("document_id")
                if c is None or t is d:
                    continue
                if c.nullable:  # a record about the document (audit, jobs) stays, unlinked
                    conn.execute(t.update().where(c == document_id).values(document_id=None))
                else:
                    conn.execute(t.delete().where(c == document_id))
            conn.execute(d.delete().where(d.c.id == document_id))

    def document_status(self, document_id: int) -> str:
        with self.engine.connect() as conn:
            r = conn.execute(select(status_column()).where(S.documents.c.id == document_id)).first()
        if r is None:
            raise KeyError(document_id)
        return str(r[0])

    def set_status(self, document_id: int, status: str, *, user: User | None = None, comment: str | None = None) -> None:
        """Set a document's review status (new 未审 / in_review 审核中 / returned 退回整改 /
        approved 通过), recorded in the audit log. ValueError for an unknown status, KeyError for
        an unknown document."""
        if status not in STATUSES:
            raise ValueError(f"未知状态 {status!r}：须为 {' / '.join(STATUSES)}")
        before = self.document_status(document_id)
        with self.engine.begin() as conn:
            conn.execute(S.documents.update().where(S.documents.c.id == document_id).values(status=status))
            details: dict[str, Any] = {"from": before, "to": status}
            if comment:
                details["comment"] = comment[:2000]
            write_audit(conn, user, "status", document_id, details)


__all__ = ["VersionDiff", "VersionInfo", "VersionMethods", "finding_fingerprint"]

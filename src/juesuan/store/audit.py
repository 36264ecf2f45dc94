"""The audit log: who did what, when, to which document (uploads, decisions, replies, status).

    store.log_action(user, "review", document_id, {"fingerprint": …, "status": "dismissed"})
    store.audit(document_id=3)       # [AuditEntry], newest first
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, insert, select

from . import schema as S
from .users import User

# Actions the workbench records, with their names as a page shows them.
ACTION_NAMES = {
    "upload": "上传",
    "review": "审核决定",
    "reply": "部门回复",
    "status": "文档状态",
    "login": "登录",
    "logout": "退出",
    "user_add": "新增用户",
    "token_create": "创建令牌",
}


@dataclass(slots=True)
class AuditEntry:
    id: int
    at: datetime
    user_id: int | None
    user_name: str | None
    action: str
    document_id: int | None
    details: dict[str, Any]

    @property
    def action_name(self) -> str:
        return ACTION_NAMES.get(self.action, self.action)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "user_id": self.user_id,
            "user": self.user_name,
            "action": self.action,
            "document_id": self.document_id,
            "details": dict(self.details),
        }


def write_audit(
    conn: Connection,
    user: User | None,
    action: str,
    document_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Add one entry inside the caller's transaction (so the entry and the change go together)."""
    conn.execute(
        insert(S.audit_log).values(
            at=datetime.now(timezone.utc),
            user_id=user.id if user else None,
            user_name=user.name if user else None,
            action=action,
            document_id=document_id,
            details=details or {},
        )
    )


class AuditMethods:
    """Store methods for the audit log (mixed into :class:`~juesuan.store.Store`)."""

    engine: Any

    def log_action(
        self,
        user: User | None,
        action: str,
        document_id: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        with self.engine.begin() as conn:
            write_audit(conn, user, action, document_id, details)

    def audit(
        self,
        *,
        document_id: int | None = None,
        department_id: int | None = None,
        user: str | None = None,
        action: str | None = None,
        limit: int = 200,
        offset: int = 0,
    ) -> list[AuditEntry]:
        """Audit entries, newest first. ``department_id`` keeps those about that department's
        documents (what a department user may see)."""
        a, d = S.audit_log, S.documents
        q = select(a)
        if document_id is not None:
            q = q.where(a.c.document_id == document_id)
        if department_id is not None:
            q = q.where(a.c.document_id.in_(select(d.c.id).where(d.c.department_id == department_id)))
        if user:
            q = q.where(a.c.user_name == user)
        if action:
            q = q.where(a.c.action == action)
        q = q.order_by(a.c.id.desc()).offset(offset).limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        out = []
        for r in rows:
            at = r.at if r.at.tzinfo else r.at.replace(tzinfo=timezone.utc)
            out.append(AuditEntry(r.id, at, r.user_id, r.user_name, r.action, r.document_id, dict(r.details or {})))
        return out


__all__ = ["ACTION_NAMES", "AuditEntry", "AuditMethods", "write_audit"]

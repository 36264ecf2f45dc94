"""Review decisions on findings, carried from version to version by fingerprint.

A decision belongs to one (document, finding fingerprint): a status — ``open`` 待核,
``confirmed`` 确认问题, ``dismissed`` 非问题, ``fixed`` 已整改 — with the reviewer's comment, and
the department's reply (部门回复), each with who and when. The next version of the same
department-year-kind (:mod:`.versions`) inherits every decision whose finding it still has; a
finding of the previous version that the new one no longer has is shown there as ``fixed``.

The workbench API of :class:`~juesuan.store.Store` (what the web pages are built on):

* ``store.review(document_id, fingerprint, status, comment=None, user=None)`` — decide (audited);
* ``store.reply(document_id, fingerprint, text, user=None)`` — the department's reply (audited);
* ``store.reviews(document_id)`` → ``[FindingReview]``: the document's findings (latest check)
  each with its effective decision (its own, else carried: ``carried_from`` names the version),
  then the previous version's findings that are gone (``gone=True``, status ``fixed``, their
  decision there kept in ``previous_status``, comment, reply and who);
* ``store.review_map(document_id)`` → ``{fingerprint: FindingReview}`` of the same;
* ``store.set_status(document_id, status, user=None)``, ``store.document_status(document_id)``;
* ``store.versions(document_id)`` → ``[VersionInfo]``; ``store.version_diff(a, b)`` →
  ``VersionDiff`` (new / fixed / carried findings);
* ``store.audit(document_id=None, department_id=None, …)`` → ``[AuditEntry]``, newest first;
* users: ``add_user``, ``users``, ``user``, ``authenticate``, ``create_token``,
  ``user_by_token``, ``create_session``, ``user_by_session``, ``end_session`` (:mod:`.users`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import and_, insert, select
from sqlalchemy.exc import IntegrityError

from . import schema as S
from .audit import write_audit
from .records import StoredFinding
from .users import User
from .versions import finding_fingerprint

REVIEW_STATUSES: dict[str, str] = {
    "open": "待核",
    "confirmed": "确认问题",
    "dismissed": "非问题",
    "fixed": "已整改",
}
MAX_TEXT = 4000


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


@dataclass(slots=True)
class Decision:
    """One stored row of ``reviews``."""

    document_id: int
    fingerprint: str
    status: str
    comment: str | None
    reply: str | None
    user_name: str | None
    reply_user_name: str | None
    decided_at: datetime | None
    replied_at: datetime | None


@dataclass(slots=True)
class FindingReview:
    """A finding as the reviewer sees it: the finding and its effective decision."""

    fingerprint: str
    finding: StoredFinding
    status: str = "open"
    comment: str | None = None
    reply: str | None = None
    user_name: str | None = None  # who decided
    decided_at: datetime | None = None
    reply_user_name: str | None = None
    replied_at: datetime | None = None
    carried_from: int | None = None  # the earlier version whose decision this is; None: this one's
    gone: bool = False  # a finding of the previous version that this version no longer has
    previous_status: str | None = None  # gone: its status in the previous version (its last decision)

    @property
    def status_name(self) -> str:
        return REVIEW_STATUSES.get(self.status, self.status)

    @property
    def previous_status_name(self) -> str:
        return REVIEW_STATUSES.get(self.previous_status or "", self.previous_status or "")

    @property
    def carried(self) -> bool:
        return self.carried_from is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint,
            "status": self.status,
            "comment": self.comment,
            "reply": self.reply,
            "user": self.user_name,
            "decided_at": None if self.decided_at is None else self.decided_at.isoformat(),
            "reply_user": self.reply_user_name,
            "replied_at": None if self.replied_at is None else self.replied_at.isoformat(),
            "carried_from": self.carried_from,
            "gone": self.gone,
            "previous_status": self.previous_status,
        }


def _decision(r: Any) -> Decision:
    return Decision(
        r.document_id, r.fingerprint, r.status, r.comment, r.reply, r.user_name, r.reply_user_name,
        _aware(r.decided_at), _aware(r.replied_at),
    )  # fmt: skip


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip()
    return text[:MAX_TEXT] or None


class ReviewMethods:
    """Store methods for review decisions (mixed into :class:`~juesuan.store.Store`)."""

    engine: Any

    def decisions(self, document_ids: list[int]) -> dict[int, dict[str, Decision]]:
        """The stored decisions of these documents: {document_id: {fingerprint: Decision}}."""
        out: dict[int, dict[str, Decision]] = {i: {} for i in document_ids}
        if not document_ids:
            return out
        with self.engine.connect() as conn:
            for r in conn.execute(select(S.reviews).where(S.reviews.c.document_id.in_(document_ids))):
                out[r.document_id][r.fingerprint] = _decision(r)
        return out

    def _upsert(self, document_id: int, fingerprint: str, values: dict[str, Any], user: User | None,
                action: str, details: dict[str, Any]) -> None:  # fmt: skip
        rv = S.reviews
        where = and_(rv.c.document_id == document_id, rv.c.fingerprint == fingerprint)
        for attempt in (1, 2):
            try:
                with self.engine.begin() as conn:
                    found = conn.execute(select(rv.c.id).where(where)).scalar_one_or_none()
                    if found is None:
                        base = self._inherited(document_id, fingerprint)
                        conn.execute(insert(rv).values(document_id=document_id, fingerprint=fingerprint,
                                                       **{**base, **values}))  # fmt: skip
                    else:
                        conn.execute(rv.update().where(rv.c.id == found).values(**values))
                    write_audit(conn, user, action, document_id, details)
                return
            except IntegrityError:  # inserted meanwhile by another request: update it instead
                if attempt == 2:
                    raise

    def _inherited(self, document_id: int, fingerprint: str) -> dict[str, Any]:
        """The carried decision's fields, so a reply alone keeps the carried status and comment."""
        fr = self.review_map(document_id).get(fingerprint)
        if fr is None or not fr.carried:
            return {"status": "open"}
        return {
            "status": fr.status, "comment": fr.comment, "user_name": fr.user_name, "decided_at": fr.decided_at,
            "reply": fr.reply, "reply_user_name": fr.reply_user_name, "replied_at": fr.replied_at,
        }  # fmt: skip

    def _require_finding(self, document_id: int, fingerprint: str) -> None:
        if self.document(document_id) is None:  # type: ignore[attr-defined]
            raise KeyError(document_id)
        found = self.review_map(document_id).get(fingerprint)
        if found is None or found.gone:
            raise KeyError(fingerprint)

    def review(
        self,
        document_id: int,
        fingerprint: str,
        status: str,
        comment: str | None = None,
        *,
        user: User | None = None,
    ) -> None:
        """Record a decision on one finding (audited). KeyError: no such document or finding;
        ValueError: an unknown status."""
        if status not in REVIEW_STATUSES:
            raise ValueError(f"未知审核状态 {status!r}：须为 {' / '.join(REVIEW_STATUSES)}")
        self._require_finding(document_id, fingerprint)
        values = {
            "status": status,
            "comment": _clean(comment),
            "user_id": user.id if user else None,
            "user_name": user.name if user else None,
            "decided_at": _now(),
        }
        details = {"fingerprint": fingerprint, "status": status}
        if values["comment"]:
            details["comment"] = values["comment"]
        self._upsert(document_id, fingerprint, values, user, "review", details)

    def reply(self, document_id: int, fingerprint: str, text: str, *, user: User | None = None) -> None:
        """Record the department's reply (部门回复) to one finding (audited)."""
        self._require_finding(document_id, fingerprint)
        values = {"reply": _clean(text), "reply_user_name": user.name if user else None, "replied_at": _now()}
        self._upsert(document_id, fingerprint, values, user, "reply",
                     {"fingerprint": fingerprint, "reply": values["reply"]})  # fmt: skip

    def reviews(self, document_id: int) -> list[FindingReview]:
        """The document's findings with their effective decisions, then the previous version's
        findings that are gone (shown as fixed). See the module docstring."""
        ids = self.version_ids(document_id)  # type: ignore[attr-defined]
        earlier = ids[: ids.index(document_id)]
        decided = self.decisions([*earlier, document_id])
        out: list[FindingReview] = []
        seen: set[str] = set()
        for f in self.findings(document_id):  # type: ignore[attr-defined]
            fp = finding_fingerprint(f)
            if fp in seen:  # the same problem reported twice: one row
                continue
            seen.add(fp)
            fr = FindingReview(fp, f)
            own = decided[document_id].get(fp)
            if own is not None:
                _apply(fr, own)
            else:
                for prev in reversed(earlier):
                    d = decided[prev].get(fp)
                    if d is not None:
                        _apply(fr, d)
                        fr.carried_from = prev
                        if fr.status == "fixed":  # said fixed, but it is still there
                            fr.status = "open"
                        break
            out.append(fr)
        if earlier:
            prev = earlier[-1]
            before = {r.fingerprint: r for r in self.reviews(prev) if not r.gone}
            for fp, old in before.items():
                if fp in seen:
                    continue
                gone = FindingReview(fp, old.finding, "fixed", old.comment, old.reply, old.user_name,
                                     old.decided_at, old.reply_user_name, old.replied_at, prev, True,
                                     old.status)  # fmt: skip
                out.append(gone)
        return out

    def review_map(self, document_id: int) -> dict[str, FindingReview]:
        return {r.fingerprint: r for r in self.reviews(document_id)}


def _apply(fr: FindingReview, d: Decision) -> None:
    fr.status = d.status
    fr.comment = d.comment
    fr.reply = d.reply
    fr.user_name = d.user_name
    fr.decided_at = d.decided_at
    fr.reply_user_name = d.reply_user_name
    fr.replied_at = d.replied_at


__all__ = ["REVIEW_STATUSES", "Decision", "FindingReview", "ReviewMethods"]
